"""Read one ``--data`` file into a staging table with its input table's columns and types.

A file is matched to its table by column *name*: a CSV file's header line, a Parquet file's
schema. A missing or extra column, a value that is not of its column's type and a file that
cannot be read as CSV or Parquet at all are each one `DataError` naming the file (and the row
and column where there is one), never the engine's own report.

CSV files are read in one fixed dialect (UTF-8, comma-separated, double quotes, a header
line) rather than the dialect DuckDB's sniffer guesses per file: a guess took a data line for
the header, or a quote for part of a value, and loaded the wrong rows without an error. The
header line is read here, so that the columns are checked before any row is; every value is
read as text and cast to its column's type, and when a cast fails the first value that does
not convert is looked up to be named.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from sqlglot import exp

from ecomdsl.dialect import identifier
from ecomdsl.engines.engine import Engine
from ecomdsl.errors import EcomdslError, did_you_mean
from ecomdsl.model import ir
from ecomdsl.sql.emit import data_type
from ecomdsl.sql.lower import target_datatype
from ecomdsl.types import SqlType

# how values of a type are written, for the hint of a value that is not one
_EXAMPLES = {
    SqlType.TIMESTAMP: "2024-01-01 12:30:00",
    SqlType.TIMESTAMPTZ: "2024-01-01 12:30:00+00",
    SqlType.DATE: "2024-01-01",
    SqlType.TIME: "12:30:00",
    SqlType.BOOLEAN: "true or false",
    SqlType.INTERVAL: "5 minutes",
    SqlType.JSONB: '{"key": 1}',
}


class DataError(EcomdslError):
    """The --data folder does not fit the pipeline's input tables."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message + (f"\n    hint: {hint}" if hint else ""))


def stage(engine: Engine, table: ir.TableDef, path: Path, staging: exp.Identifier) -> None:
    """``CREATE TEMPORARY TABLE staging`` holding the rows of ``path``, typed as ``table``."""
    if path.suffix == ".csv":
        names = csv_header(path, table)
        reader = _csv_reader(path, names)
    else:
        reader = _parquet_reader(path)
        names = _columns_of(engine, path, reader)
    check_columns(path, table, names)
    typed = exp.select(
        *(
            exp.alias_(exp.Cast(this=exp.column(identifier(c.name)), to=_type(c)), c.name)
            for c in table.schema.columns
        )
    ).from_(exp.Table(this=reader))
    try:
        engine.execute(_create_temporary(staging, typed))
    except Exception as err:  # the engine's own report: find what in the file caused it
        raise _why_not(engine, table, path, reader, err) from None


def csv_header(path: Path, table: ir.TableDef) -> list[str]:
    """The column names in the first line of a CSV file, checked to be a header line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file), None)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a CSV file: it is not UTF-8 text") from None
    except csv.Error as err:
        raise DataError(f"{path}: not a CSV file: {err}") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read it: {err.strerror}") from None
    if header and any("\x00" in name for name in header):
        raise DataError(f"{path}: not a CSV file: its first line has a NUL byte")
    if not header or not any(name.strip() for name in header):
        problem = "the file is empty" if header is None else "its first line is empty"
        raise DataError(f"{path}: {problem}", _header_hint(table))
    return [name.strip() for name in header]


def _header_hint(table: ir.TableDef) -> str:
    columns = ",".join(c.name for c in table.schema.columns)
    return f"a CSV file starts with a header line naming its columns, in any order: {columns}"


def check_columns(path: Path, table: ir.TableDef, names: Sequence[str]) -> None:
    """The file's columns are the table's, by name and in any order."""
    wanted = [c.name for c in table.schema.columns]
    twice = [n for i, n in enumerate(names) if n in names[:i]]
    if twice:
        raise DataError(f"{path}: column {twice[0]!r} is named twice")
    missing = [n for n in wanted if n not in names]
    extra = [n for n in names if n not in wanted]
    if not missing and not extra:
        return
    if len(missing) == len(wanted):  # nothing matches: most likely a CSV file without header
        shown = _shown(",".join(names), 80)
        where = "its first line names" if path.suffix == ".csv" else "it has"
        raise DataError(
            f"{path}: {where} none of the columns of table {table.name!r} (it has: {shown})",
            _header_hint(table) if path.suffix == ".csv" else None,
        )
    parts = [f"{_listed(extra)} not in table {table.name!r}"] if extra else []
    parts += [f"{_listed(missing)} missing"] if missing else []
    hint = did_you_mean(extra[0], missing) if extra and missing else None
    raise DataError(
        f"{path}: " + ", and ".join(parts),
        hint or f"table {table.name!r} has the columns {', '.join(wanted)}, in any order",
    )


def _listed(names: Sequence[str]) -> str:
    quoted = ", ".join(repr(n) for n in names)
    return f"column {quoted} is" if len(names) == 1 else f"columns {quoted} are"


def _shown(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# -- the statements ------------------------------------------------------------------------


def _csv_reader(path: Path, names: Sequence[str]) -> exp.Expr:
    """``read_csv`` in the fixed dialect, every column read as text under its header name."""
    columns = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.Literal.string(n), expression=exp.Literal.string("VARCHAR"))
            for n in names
        ]
    )
    options = {
        "auto_detect": exp.false(),
        "header": exp.true(),
        "delim": exp.Literal.string(","),
        "quote": exp.Literal.string('"'),
        "escape": exp.Literal.string('"'),
        "columns": columns,
    }
    return exp.Anonymous(
        this="read_csv",
        expressions=[
            exp.Literal.string(str(path)),
            *(exp.EQ(this=exp.column(k), expression=v) for k, v in options.items()),
        ],
    )


def _parquet_reader(path: Path) -> exp.Expr:
    return exp.Anonymous(this="read_parquet", expressions=[exp.Literal.string(str(path))])


def _type(column: ir.Column) -> exp.DataType:
    return target_datatype("duckdb", data_type(column.type))


def _create_temporary(name: exp.Identifier, query: exp.Query) -> str:
    return _sql(
        exp.Create(
            this=exp.Table(this=name.copy()),
            kind="TABLE",
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            expression=query,
        )
    )


def _sql(tree: exp.Expr) -> str:
    return tree.sql("duckdb")


def _columns_of(engine: Engine, path: Path, reader: exp.Expr) -> list[str]:
    """The column names of a Parquet file (its schema; no row is read)."""
    try:
        names, _ = engine.fetch(_sql(exp.select(exp.Star()).from_(exp.Table(this=reader)).limit(0)))
    except Exception as err:
        raise DataError(f"{path}: cannot read it as Parquet: {engine_reason(err)}") from None
    return names


# -- why a file did not load ---------------------------------------------------------------


def engine_reason(err: Exception) -> str:
    """The gist of an engine's error: its first lines, without the advice and SQL after."""
    kept = []
    for line in (line.strip() for line in str(err).splitlines()):
        if line.startswith(("Possible", "*", "file =", "LINE ")):
            break
        if line and not line.startswith("Original Line"):
            kept.append(line)
    text = re.sub(r"^[A-Za-z ]*Error: ", "", "; ".join(kept))
    return re.sub(r"^CSV Error on Line: (\d+); ", r"line \1: ", text)


def _why_not(
    engine: Engine, table: ir.TableDef, path: Path, reader: exp.Expr, err: Exception
) -> DataError:
    """Read the file as it is and find the first value that does not convert (or say why
    the file cannot be read at all)."""
    kind = "CSV" if path.suffix == ".csv" else "Parquet"
    raw = identifier(f"_ecomdsl_raw_{table.name}")
    try:
        engine.execute(_create_temporary(raw, exp.select(exp.Star()).from_(exp.Table(this=reader))))
    except Exception as read_err:
        return DataError(f"{path}: cannot read it as {kind}: {engine_reason(read_err)}")
    try:
        bad = [found for c in table.schema.columns if (found := _first_bad(engine, raw, c))]
    finally:
        engine.execute(_sql(exp.Drop(tables=[exp.Table(this=raw)], kind="TABLE")))
    if not bad:
        return DataError(f"{path}: cannot load it into {table.name!r}: {engine_reason(err)}")
    row, column, value = min(bad, key=lambda b: b[0])
    example = _EXAMPLES.get(column.type)
    return DataError(
        f"{path}: row {row}, column {column.name!r}: {_shown(repr(value))} is not a valid "
        f"{column.type.value}",
        f"write it like {example}" if example else None,
    )


def _first_bad(
    engine: Engine, raw: exp.Identifier, column: ir.Column
) -> tuple[int, ir.Column, object] | None:
    """The first row (1-based, in file order) whose value in ``column`` does not convert."""
    name = exp.column(identifier(column.name))
    query = (
        exp.select(exp.column("rowid"), name.copy())
        .from_(exp.Table(this=raw.copy()))
        .where(
            exp.and_(
                exp.Not(this=exp.Is(this=name.copy(), expression=exp.Null())),
                exp.Is(this=exp.TryCast(this=name.copy(), to=_type(column)), expression=exp.Null()),
            )
        )
        .order_by(exp.column("rowid"))
        .limit(1)
    )
    _, rows = engine.fetch(_sql(query))
    return (int(rows[0][0]) + 1, column, rows[0][1]) if rows else None
