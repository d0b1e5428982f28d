"""Run a compiled pipeline's meaning on a batch engine and read back every view.

The same sqlglot trees that become ``generated/`` are lowered (`ecomdsl.sql.lower`) and run
on DuckDB or PostgreSQL: input tables are created, the rows RisingWave would keep are
loaded (`ecomdsl.engines.data`), then each view is created in dependency order and read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from sqlglot import exp

from ecomdsl import graph
from ecomdsl.engines.data import Loaded, kept_rows
from ecomdsl.engines.engine import Engine
from ecomdsl.engines.files import load_files
from ecomdsl.engines.names import check_names
from ecomdsl.errors import EcomdslError, did_you_mean
from ecomdsl.model import ir
from ecomdsl.sql.emit import Emitter
from ecomdsl.sql.lower import lower_insert, lower_table, lower_view
from ecomdsl.targets import Target


class EngineError(EcomdslError):
    """A statement failed on the engine; says which object and shows the SQL."""


@attrs.frozen
class ViewResult:
    """The rows read from one view, in `sort_key` order; ``total`` is how many it has (more
    than ``rows`` when only the first rows were read)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int = attrs.field(
        default=attrs.Factory(lambda self: len(self.rows), takes_self=True), kw_only=True
    )

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@attrs.frozen
class RunResult:
    pipeline: str
    target: Target
    views: dict[str, ViewResult]
    loaded: dict[str, int]  # table -> rows loaded
    dropped: dict[str, int]  # table -> late rows dropped by the watermark
    now: dt.datetime


def sort_key(row: Sequence[Any]) -> tuple[Any, ...]:
    """A total order over rows with NULLs (first) and mixed types."""
    return tuple(
        (v is not None, type(v).__name__, v) if v is not None else (False, "", 0) for v in row
    )


def upstream_tables(p: ir.ResolvedPipeline, name: str) -> set[str]:
    """The input tables ``name`` reads, directly or through other views."""
    tables = {d.name for d in p.objects if isinstance(d, ir.TableDef)}
    dag = graph.build((d.name for d in p.objects), p.edges)
    return {n for n in graph.upstream(dag, name) if n in tables}


def sql(tree: exp.Expr, target: Target) -> str:
    return tree.sql(dialect=target)


class Runner:
    def __init__(self, pipeline: ir.ResolvedPipeline, engine: Engine) -> None:
        self.p = pipeline
        self.engine = engine
        self.emitter = Emitter()
        self.tables = {d.name: d for d in pipeline.objects if isinstance(d, ir.TableDef)}

    def execute(self, obj: str, statement: str) -> None:
        try:
            self.engine.execute(statement)
        except Exception as err:  # the engine's own error, with our context
            raise EngineError(
                f"{self.p.name}.{obj}: {self.engine.target} rejected the lowered SQL: "
                f"{type(err).__name__}: {str(err).strip()}\n{statement}"
            ) from err

    def create_tables(self) -> None:
        for d in self.tables.values():
            self.execute(
                d.name,
                sql(lower_table(self.emitter.create(d), self.engine.target), self.engine.target),
            )

    def load(self, inserts: Iterable[ir.Insert]) -> Loaded:
        loaded = kept_rows(list(inserts), self.tables)
        for insert in loaded.inserts:
            tree = lower_insert(self.emitter.insert(insert), self.engine.target)
            self.execute(insert.table, sql(tree, self.engine.target))
        return loaded

    def create_views(self, now: dt.datetime, final_watermarks: dict[str, dt.datetime]) -> None:
        for d in self.p.objects:
            if not isinstance(d, ir.ViewDef):
                continue
            cutoff = None
            if d.emit_on_window_close:
                marks = [
                    final_watermarks[t]
                    for t in upstream_tables(self.p, d.name)
                    if t in final_watermarks
                ]
                cutoff = min(marks) if marks else None
            tree = lower_view(
                self.emitter.create(d), self.engine.target, watermark_cutoff=cutoff, now=now
            )
            self.execute(d.name, sql(tree, self.engine.target))

    def read(self, name: str, limit: int | None = None) -> ViewResult:
        """Every row of ``name``, or with ``limit`` only the first rows in `sort_key` order
        and the count (a preview of a large view fetches only what it shows)."""
        view = exp.Table(this=exp.to_identifier(name, quoted=True))
        query = exp.select(exp.Star()).from_(view)
        if limit is None:
            columns, rows = self.engine.fetch(sql(query, self.engine.target))
            return ViewResult(name, tuple(columns), tuple(sorted(rows, key=sort_key)))
        count = exp.select(exp.func("COUNT", exp.Star())).from_(view.copy())
        _, counted = self.engine.fetch(sql(count, self.engine.target))
        columns, _ = self.engine.fetch(sql(query.limit(0), self.engine.target))
        # ORDER BY every column, NULLs first: the order of `sort_key` for one type per column
        first = query.order_by(
            *(
                exp.Ordered(this=exp.Literal.number(i), nulls_first=True)
                for i in range(1, len(columns) + 1)
            )
        ).limit(limit)
        _, rows = self.engine.fetch(sql(first, self.engine.target))
        ordered = tuple(sorted(rows, key=sort_key))
        return ViewResult(name, tuple(columns), ordered, total=int(counted[0][0]))


def run(
    pipeline: ir.ResolvedPipeline,
    engine: Engine,
    *,
    inserts: Sequence[ir.Insert] | None = None,
    data_dir: Path | None = None,
    views: Sequence[str] | None = None,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> RunResult:
    """Create, load and read ``pipeline`` on ``engine``.

    Rows come from ``inserts`` (default: the pipeline's test data) or, on DuckDB, from CSV or
    Parquet files in ``data_dir``. ``views`` names the objects to read (default: every
    materialized view); ``limit`` reads only the first rows of each (and how many it has).
    """
    check_names(pipeline, engine.target)
    runner = Runner(pipeline, engine)
    runner.create_tables()
    if data_dir is not None:
        loaded = load_files(runner, data_dir)
    else:
        loaded = runner.load(pipeline.test_data if inserts is None else inserts)
    # NOW() is bound to the newest event time loaded, as if queried right after it
    at = now or loaded.newest or dt.datetime(1970, 1, 1)
    runner.create_views(at, loaded.final_watermarks)
    names = _to_read(pipeline, views)
    order = [d.name for d in pipeline.objects]
    counts = {t: loaded.counts[t] for t in order if t in loaded.counts}
    return RunResult(
        pipeline.name,
        engine.target,
        {name: runner.read(name, limit) for name in names},
        counts,
        dict(loaded.dropped),
        at,
    )


def _to_read(pipeline: ir.ResolvedPipeline, views: Sequence[str] | None) -> list[str]:
    """The objects ``views`` names, each checked to exist (default: the materialized views)."""
    if views is None:
        return [d.name for d in pipeline.objects if isinstance(d, ir.ViewDef) and d.materialized]
    known = sorted(d.name for d in pipeline.objects)
    for name in views:
        if name not in known:
            hint = did_you_mean(name, known)
            raise EcomdslError(
                f"pipeline {pipeline.name!r} has no object {name!r}" + (f"; {hint}" if hint else "")
            )
    return list(views)
