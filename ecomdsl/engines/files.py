"""Load input tables from CSV or Parquet files (DuckDB only), for large data sets.

For each input table ``t`` the folder holds ``t.csv``, ``t.parquet`` or a folder ``t/`` of
such files. Each file is one statement of the late-event rule: within a file nothing is
dropped (but rows with a NULL event time); a file's rows behind the watermark left by the
files before it (sorted by name) are dropped. A table with a primary key must not repeat a
key across its files (RisingWave would keep the last; files have no order within them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlglot import exp

from ecomdsl.dialect import identifier
from ecomdsl.engines.data import Loaded, delay_of
from ecomdsl.errors import EcomdslError
from ecomdsl.model import ir
from ecomdsl.sql.emit import data_type
from ecomdsl.sql.lower import target_datatype

if TYPE_CHECKING:
    from ecomdsl.engines.runner import Runner

SUFFIXES = (".csv", ".parquet")


class DataError(EcomdslError):
    """The --data folder does not fit the pipeline's input tables."""


def files_for(folder: Path, table: str) -> list[Path]:
    found = [folder / f"{table}{s}" for s in SUFFIXES if (folder / f"{table}{s}").is_file()]
    sub = folder / table
    if sub.is_dir():
        found += sorted(p for p in sub.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return found


def _reader(path: Path, table: ir.TableDef) -> exp.Expr:
    literal = exp.Literal.string(str(path))
    if path.suffix == ".parquet":
        return exp.Anonymous(this="read_parquet", expressions=[literal])
    # CSV: read every column with the table's type (jsonb as text, cast on insert)
    types = exp.Struct(
        expressions=[
            exp.PropertyEQ(
                this=exp.Literal.string(c.name),
                expression=exp.Literal.string(
                    "VARCHAR"
                    if c.type.value == "jsonb"
                    else target_datatype("duckdb", data_type(c.type)).sql("duckdb")
                ),
            )
            for c in table.schema.columns
        ]
    )
    return exp.Anonymous(
        this="read_csv",
        expressions=[
            literal,
            exp.EQ(this=exp.column("header"), expression=exp.true()),
            exp.EQ(this=exp.column("columns"), expression=types),
        ],
    )


def load_files(runner: Runner, folder: Path) -> Loaded:
    if runner.engine.target != "duckdb":
        raise DataError("--data loads files with DuckDB; PostgreSQL takes INSERTed rows")
    if not folder.is_dir():
        raise DataError(f"--data {folder}: no such folder")
    counts: dict[str, int] = {}
    dropped: dict[str, int] = {}
    final: dict[str, dt.datetime] = {}
    newest: list[dt.datetime] = []
    missing = []
    for table in runner.tables.values():
        paths = files_for(folder, table.name)
        if not paths:
            missing.append(table.name)
            continue
        w = table.watermark
        mark: dt.datetime | None = None
        columns = [identifier(c.name) for c in table.schema.columns]
        for path in paths:
            # read the file once, into a staging table, then keep what the watermark keeps
            staging = identifier(f"_ecomdsl_staging_{table.name}")
            runner.execute(
                table.name,
                exp.Create(
                    this=exp.Table(this=staging.copy()),
                    kind="TABLE",
                    properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
                    expression=exp.select(*(exp.column(c.copy()) for c in columns)).from_(
                        exp.Table(this=_reader(path, table))
                    ),
                ).sql("duckdb"),
            )
            source = exp.select(*(exp.column(c.copy()) for c in columns)).from_(
                exp.Table(this=staging.copy())
            )
            total = _count(runner, staging.name)
            if w is not None:
                time = exp.column(identifier(w.column))
                keep: exp.Expr = exp.Not(this=exp.Is(this=time, expression=exp.Null()))
                if mark is not None:
                    bound = exp.Cast(
                        this=exp.Literal.string((mark - delay_of(w)).isoformat(sep=" ")),
                        to=exp.DataType.build("TIMESTAMP"),
                    )
                    keep = exp.and_(keep, exp.GTE(this=time.copy(), expression=bound))
                source = source.where(keep)
            before = _count(runner, table.name)
            statement = exp.Insert(
                this=exp.Schema(this=exp.Table(this=identifier(table.name)), expressions=columns),
                expression=source,
            )
            runner.execute(table.name, statement.sql("duckdb"))
            runner.execute(
                table.name, exp.Drop(tables=[exp.Table(this=staging)], kind="TABLE").sql("duckdb")
            )
            added = _count(runner, table.name) - before
            if w is not None:
                dropped[table.name] = dropped.get(table.name, 0) + total - added
                latest = _scalar(
                    runner,
                    exp.select(exp.func("MAX", exp.column(identifier(w.column)))).from_(
                        exp.Table(this=identifier(table.name))
                    ),
                )
                mark = latest if isinstance(latest, dt.datetime) else mark
        counts[table.name] = _count(runner, table.name)
        if table.primary_key:
            _check_unique(runner, table)
        if w is not None and mark is not None:
            final[table.name] = mark - delay_of(w)
            newest.append(mark)
    if missing and len(missing) == len(runner.tables):
        raise DataError(
            f"--data {folder}: no input files; expected e.g. "
            + ", ".join(f"{t}.csv" for t in sorted(runner.tables))
        )
    return Loaded((), counts, dropped, final, max(newest) if newest else None)


def _scalar(runner: Runner, query: exp.Expr) -> object:
    _, rows = runner.engine.fetch(query.sql("duckdb"))
    return rows[0][0] if rows else None


def _count(runner: Runner, table: str) -> int:
    value = _scalar(
        runner, exp.select(exp.func("COUNT", exp.Star())).from_(exp.Table(this=identifier(table)))
    )
    return int(value) if isinstance(value, int) else 0


def _check_unique(runner: Runner, table: ir.TableDef) -> None:
    keys = [exp.column(identifier(k)) for k in table.primary_key]
    query = (
        exp.select(*keys)
        .from_(exp.Table(this=identifier(table.name)))
        .group_by(*(k.copy() for k in keys))
        .having(exp.GT(this=exp.func("COUNT", exp.Star()), expression=exp.Literal.number(1)))
        .limit(1)
    )
    _, rows = runner.engine.fetch(query.sql("duckdb"))
    if rows:
        raise DataError(
            f"{table.name}: primary key {list(table.primary_key)} repeats {list(rows[0])} in the data files"
        )
