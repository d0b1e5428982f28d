"""Pipeline tests for users: given these input rows, expect these output rows.

```python
from ecomdsl.testing import check_view

def test_revenue_counts_each_purchase_in_twelve_windows():
    check_view(
        pipeline,
        "revenue_tracker",
        given={"user_events": [{"event_type": "purchase", "user_id": "u1",
                                "event_time": "2026-03-02 10:07:00",
                                "event_data": {"total_amount": 10, "item_count": 1}}]},
        expect=[...],
    )
```

Rows may leave columns out (NULL). Strings are read as timestamps and numbers where the
column type says so, and JSON objects may be given as dicts. ``given`` is a mapping of
table -> rows (one INSERT per table) or a list of ``(table, rows)`` statements in order, to
test the watermark (rows behind it in a later statement are dropped, as in RisingWave).
The view is run on DuckDB by default, or on PostgreSQL (``engine="postgres"``, with a DSN).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, assert_never

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.engines.runner import run
from ecomdsl.errors import CompileError, Diagnostics, EcomdslError
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.model.testdata import table_rows
from ecomdsl.targets import TARGETS, Target, capabilities
from ecomdsl.testing.rows import diff_rows
from ecomdsl.types import Category, SqlType

if TYPE_CHECKING:
    from ecomdsl.engines.duckdb_engine import DuckDBEngine
    from ecomdsl.engines.postgres_engine import PostgresEngine

Rows = Sequence[Mapping[str, Any]]
Given = Mapping[str, Rows] | Sequence[tuple[str, Rows]]

_resolved: dict[int, tuple[Pipeline, ir.ResolvedPipeline]] = {}


class ViewMismatch(AssertionError):
    """The view's rows differ from the expected rows; the message is a row diff."""


def _resolve(pipeline: Pipeline | ir.ResolvedPipeline) -> ir.ResolvedPipeline:
    if isinstance(pipeline, ir.ResolvedPipeline):
        return pipeline
    cached = _resolved.get(id(pipeline))
    if cached is None or cached[0] is not pipeline:
        cached = (pipeline, resolve(pipeline))
        _resolved[id(pipeline)] = cached
    return cached[1]


def _coerce(value: Any, type_: SqlType) -> Any:
    """Friendly spellings in test rows: '2026-03-02 10:00:00' for timestamps, '9.99' for money."""
    if value is None:
        return None
    if type_ in (SqlType.TIMESTAMP, SqlType.TIMESTAMPTZ) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if type_ is SqlType.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if type_.category is Category.NUMERIC and isinstance(value, str | float):
        return decimal.Decimal(str(value))
    return value


def statements_of(given: Given) -> list[tuple[str, list[dict[str, Any]]]]:
    items: Iterable[tuple[str, Rows]] = given.items() if isinstance(given, Mapping) else given
    return [(table, [dict(r) for r in rows]) for table, rows in items]


def to_inserts(pipeline: ir.ResolvedPipeline, given: Given) -> list[ir.Insert]:
    """Check ``given`` against the input tables and turn it into INSERT statements."""
    tables = {d.name: d for d in pipeline.objects if isinstance(d, ir.TableDef)}
    report = Diagnostics()
    inserts: list[ir.Insert] = []
    for table, rows in statements_of(given):
        target = tables.get(table)
        if target is None:
            from ecomdsl.errors import did_you_mean

            hint = did_you_mean(table, sorted(tables))
            raise EcomdslError(
                f"given rows for {table!r}, which is not an input table of {pipeline.name!r}"
                + (f"; {hint}" if hint else "")
            )
        if not rows:
            continue
        types = {c.name: c.type for c in target.schema.columns}
        full = [
            {c: _coerce(row.get(c), t) for c, t in types.items()} | _extra(row, types)
            for row in rows
        ]
        insert = table_rows(target, full, pipeline.location, "given rows", report)
        if insert is not None:
            inserts.append(insert)
    if report:
        raise CompileError(report.found)
    return inserts


def _extra(row: Mapping[str, Any], types: Mapping[str, SqlType]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in types}  # reported as unknown columns


def _engine(name: Target, dsn: str | None) -> DuckDBEngine | PostgresEngine:
    if name not in TARGETS:  # untyped callers
        raise EcomdslError(f"unknown engine {name!r}: use 'duckdb' or 'postgres'")
    if capabilities(name).needs_server and not dsn:
        raise EcomdslError(f"engine={name!r} needs a dsn (the ecomdsl pytest fixture has one)")
    match name:
        case "duckdb":
            from ecomdsl.engines.duckdb_engine import DuckDBEngine

            return DuckDBEngine()
        case "postgres":
            from ecomdsl.engines.postgres_engine import PostgresEngine

            return PostgresEngine(str(dsn))
        case _:
            assert_never(name)


def run_view(
    pipeline: Pipeline | ir.ResolvedPipeline,
    view: str,
    given: Given,
    *,
    engine: Target = "duckdb",
    dsn: str | None = None,
) -> list[dict[str, Any]]:
    """The rows ``view`` holds once ``given`` is in (late rows dropped, as RisingWave would)."""
    resolved = _resolve(pipeline)
    inserts = to_inserts(resolved, given)
    with _engine(engine, dsn) as backend:
        result = run(resolved, backend, inserts=inserts, views=[view])
    return result.views[view].dicts()


def check_view(
    pipeline: Pipeline | ir.ResolvedPipeline,
    view: str,
    given: Given,
    expect: Rows,
    *,
    columns: Sequence[str] | None = None,
    engine: Target = "duckdb",
    dsn: str | None = None,
) -> list[dict[str, Any]]:
    """Assert that ``view`` holds exactly ``expect`` (in any order) once ``given`` is in.

    ``columns`` limits the comparison to those columns (default: the columns of ``expect``,
    which must then be all of the view's columns or a subset you name). Money compares
    exactly, floats with a relative tolerance of 1e-9. Raises `ViewMismatch` with a row diff.
    """
    actual = run_view(pipeline, view, given, engine=engine, dsn=dsn)
    wanted = list(columns) if columns is not None else (list(expect[0]) if expect else None)
    if wanted is not None:
        available = list(actual[0]) if actual else wanted
        unknown = [c for c in wanted if c not in available]
        if unknown:
            raise ViewMismatch(
                f"{view} has no column {unknown[0]!r}; its columns: {', '.join(available)}"
            )
        actual = [{c: row[c] for c in wanted} for row in actual]
        expected = [{c: _expected_value(row.get(c), actual, c) for c in wanted} for row in expect]
    else:
        expected = []
    problems = diff_rows(actual, expected)
    if problems:
        raise ViewMismatch(f"{view} on {engine}:\n  " + "\n  ".join(problems))
    return actual


def _expected_value(value: Any, actual: list[dict[str, Any]], column: str) -> Any:
    sample = next((r[column] for r in actual if r[column] is not None), None)
    if isinstance(sample, dt.datetime) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if (
        isinstance(sample, decimal.Decimal)
        and isinstance(value, int | float | str)
        and not isinstance(value, bool)
    ):
        return decimal.Decimal(str(value))
    if isinstance(sample, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
