"""Load input tables from CSV or Parquet files (DuckDB only), for large data sets.

For each input table ``t`` the folder holds ``t.csv``, ``t.parquet`` or a folder ``t/`` of
such files (one of the three: two would load the rows twice). Each file is read by
`ecomdsl.engines.staging`, by column name and checked, then is one statement of the
late-event rule: within a file nothing is dropped (but rows with a NULL event time); a
file's rows behind the watermark left by the files before it (sorted by name) are dropped.
A table with a primary key must not repeat a key across its files (RisingWave would keep
the last; files have no order within them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from sqlglot import exp

from ecomdsl.dialect import identifier
from ecomdsl.engines.data import Loaded, delay_of
from ecomdsl.engines.engine import Engine
from ecomdsl.engines.staging import DataError, stage
from ecomdsl.errors import did_you_mean
from ecomdsl.model import ir

SUFFIXES = (".csv", ".parquet")

__all__ = ["DataError", "files_for", "load_files"]


class Run(Protocol):
    """What loading needs of a run (`ecomdsl.engines.runner.Runner`): its engine, its input
    tables, and a way to execute that names the object a failing statement was for."""

    engine: Engine
    tables: dict[str, ir.TableDef]

    def execute(self, obj: str, statement: str) -> None: ...


def files_for(folder: Path, table: str) -> list[Path]:
    """The files of ``table``: ``table.csv``, ``table.parquet`` or those in ``table/``."""
    single = [folder / f"{table}{s}" for s in SUFFIXES if (folder / f"{table}{s}").is_file()]
    sub = folder / table
    if len(single) + sub.is_dir() > 1:
        found = [p.name for p in single] + ([f"{table}/"] if sub.is_dir() else [])
        raise DataError(
            f"--data {folder}: {' and '.join(found)} are both there for table {table!r}; "
            "keep one (each would be loaded, so its rows would count twice)"
        )
    if sub.is_dir():
        return sorted(p for p in sub.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return single


def load_files(run: Run, folder: Path) -> Loaded:
    """Load every input table that has files in ``folder``; the counts and watermarks."""
    if run.engine.target != "duckdb":
        raise DataError("--data loads files with DuckDB; PostgreSQL takes INSERTed rows")
    if not folder.is_dir():
        raise DataError(f"--data {folder}: no such folder")
    counts: dict[str, int] = {}
    dropped: dict[str, int] = {}
    final: dict[str, dt.datetime] = {}
    newest: list[dt.datetime] = []
    missing = []
    for table in run.tables.values():
        paths = files_for(folder, table.name)
        if not paths:
            missing.append(table.name)
            continue
        mark = _load_table(run, table, paths, dropped)
        counts[table.name] = _count(run, table.name)
        if table.primary_key:
            _check_unique(run, table)
        if table.watermark is not None and mark is not None:
            final[table.name] = mark - delay_of(table.watermark)
            newest.append(mark)
    if missing and len(missing) == len(run.tables):
        raise _no_files(folder, sorted(run.tables))
    return Loaded((), counts, dropped, final, max(newest) if newest else None)


def _load_table(
    run: Run, table: ir.TableDef, paths: list[Path], dropped: dict[str, int]
) -> dt.datetime | None:
    """Load the files in order (counting the late rows each drops into ``dropped``); the
    greatest event time kept, from which the table's watermark follows."""
    w = table.watermark
    mark: dt.datetime | None = None
    for path in paths:
        total, added = _load_file(run, table, path, mark)
        if w is not None:
            dropped[table.name] = dropped.get(table.name, 0) + total - added
            latest = _scalar(
                run,
                exp.select(exp.func("MAX", exp.column(identifier(w.column)))).from_(
                    exp.Table(this=identifier(table.name))
                ),
            )
            mark = latest if isinstance(latest, dt.datetime) else mark
    return mark


def _load_file(
    run: Run, table: ir.TableDef, path: Path, mark: dt.datetime | None
) -> tuple[int, int]:
    """Read one file into a staging table, then insert what the watermark keeps (rows
    behind ``mark`` less the delay are late); the rows in the file and the rows added."""
    staging = identifier(f"_ecomdsl_staging_{table.name}")
    columns = [identifier(c.name) for c in table.schema.columns]
    stage(run.engine, table, path, staging)
    source = exp.select(*(exp.column(c.copy()) for c in columns)).from_(
        exp.Table(this=staging.copy())
    )
    total = _count(run, staging.name)
    if table.watermark is not None:
        source = source.where(_kept(table.watermark, mark))
    before = _count(run, table.name)
    insert = exp.Insert(
        this=exp.Schema(this=exp.Table(this=identifier(table.name)), expressions=columns),
        expression=source,
    )
    run.execute(table.name, _sql(insert))
    run.execute(table.name, _sql(exp.Drop(tables=[exp.Table(this=staging)], kind="TABLE")))
    return total, _count(run, table.name) - before


def _no_files(folder: Path, tables: list[str]) -> DataError:
    """No file for any input table; name the data files there are, which may be misspelt."""
    expected = ", ".join(f"{t}.csv" for t in tables)
    others = sorted(
        p.name for p in folder.iterdir() if p.suffix in SUFFIXES or (p.is_dir() and p.suffix == "")
    )
    if not others:
        return DataError(f"--data {folder}: no input files; expected e.g. {expected}")
    hint = did_you_mean(Path(others[0]).stem, tables)
    return DataError(
        f"--data {folder}: no file for an input table (found {', '.join(others)}); "
        f"expected e.g. {expected}",
        hint,
    )


def _kept(w: ir.Watermark, mark: dt.datetime | None) -> exp.Expr:
    """The rows RisingWave keeps: an event time, not behind the watermark left by ``mark``."""
    time = exp.column(identifier(w.column))
    keep: exp.Expr = exp.Not(this=exp.Is(this=time, expression=exp.Null()))
    if mark is None:
        return keep
    bound = exp.Cast(
        this=exp.Literal.string((mark - delay_of(w)).isoformat(sep=" ")),
        to=exp.DataType.build("TIMESTAMP"),
    )
    return exp.and_(keep, exp.GTE(this=time.copy(), expression=bound))


def _sql(tree: exp.Expr) -> str:
    return tree.sql("duckdb")


def _scalar(run: Run, query: exp.Expr) -> object:
    _, rows = run.engine.fetch(_sql(query))
    return rows[0][0] if rows else None


def _count(run: Run, table: str) -> int:
    value = _scalar(
        run, exp.select(exp.func("COUNT", exp.Star())).from_(exp.Table(this=identifier(table)))
    )
    return int(value) if isinstance(value, int) else 0


def _check_unique(run: Run, table: ir.TableDef) -> None:
    keys = [exp.column(identifier(k)) for k in table.primary_key]
    query = (
        exp.select(*keys)
        .from_(exp.Table(this=identifier(table.name)))
        .group_by(*(k.copy() for k in keys))
        .having(exp.GT(this=exp.func("COUNT", exp.Star()), expression=exp.Literal.number(1)))
        .limit(1)
    )
    _, rows = run.engine.fetch(_sql(query))
    if rows:
        raise DataError(
            f"{table.name}: primary key {list(table.primary_key)} repeats {list(rows[0])} in the data files"
        )
