"""Every seed view, run on DuckDB and on a real PostgreSQL server, holds exactly the rows of
the independent plain-Python reference (tests/reference/views.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecomdsl.engines.duckdb_engine import DuckDBEngine
from ecomdsl.engines.postgres_engine import PostgresEngine
from ecomdsl.engines.runner import RunResult, run
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.testing.rows import diff_rows
from pipelines.ecommerce import pipeline
from pipelines.ecommerce_data import generate
from tests.reference.views import ALL_VIEWS, Statements, kept_events

SEED_VIEWS = sorted(ALL_VIEWS)


@pytest.fixture(scope="module")
def resolved() -> ir.ResolvedPipeline:
    return resolve(pipeline)


@pytest.fixture(scope="module")
def statements() -> list[tuple[str, list[dict[str, object]]]]:
    return generate()


@pytest.fixture(scope="module")
def duckdb_run(resolved: ir.ResolvedPipeline) -> RunResult:
    with DuckDBEngine() as engine:
        return run(resolved, engine)


@pytest.fixture(scope="module")
def postgres_run(resolved: ir.ResolvedPipeline, pg_dsn: str) -> Iterator[RunResult]:
    with PostgresEngine(pg_dsn) as engine:
        yield run(resolved, engine)


@pytest.mark.parametrize("view", SEED_VIEWS)
def test_duckdb_matches_reference(view: str, duckdb_run: RunResult, statements: Statements) -> None:
    expected = ALL_VIEWS[view](statements)
    assert expected, f"the reference gives no rows for {view}: the test would prove nothing"
    assert diff_rows(duckdb_run.views[view].dicts(), expected) == []


@pytest.mark.postgres
@pytest.mark.parametrize("view", SEED_VIEWS)
def test_postgres_matches_reference(
    view: str, postgres_run: RunResult, statements: Statements
) -> None:
    assert diff_rows(postgres_run.views[view].dicts(), ALL_VIEWS[view](statements)) == []


def test_late_rows_dropped_as_the_reference_drops_them(
    duckdb_run: RunResult, statements: Statements
) -> None:
    events = sum(len(rows) for table, rows in statements if table == "user_events")
    kept = len(kept_events(statements))
    assert duckdb_run.loaded["user_events"] == kept
    assert duckdb_run.dropped == {"user_events": events - kept}
    assert events - kept > 0


def test_only_the_injected_spike_is_flagged(duckdb_run: RunResult) -> None:
    flagged = [r for r in duckdb_run.views["anomaly_detection"].dicts() if r["is_anomaly"]]
    assert len(flagged) == 1
    assert flagged[0]["z_score"] > 3 and flagged[0]["baseline_hours"] >= 6


def test_the_comparison_can_fail(duckdb_run: RunResult, statements: Statements) -> None:
    """diff_rows reports a changed count, a changed float and a missing row."""
    expected = ALL_VIEWS["funnel_analysis"](statements)
    sessions = expected[0]["total_sessions"]
    assert isinstance(sessions, int)
    changed = [dict(expected[0], total_sessions=sessions + 1)]
    assert diff_rows(duckdb_run.views["funnel_analysis"].dicts(), changed) != []
    rates = [
        dict(
            expected[0],
            overall_conversion_rate=float(str(expected[0]["overall_conversion_rate"])) * (1 + 1e-6),
        )
    ]
    assert any(
        "overall_conversion_rate" in d
        for d in diff_rows(duckdb_run.views["funnel_analysis"].dicts(), rates)
    )
    assert any(d.startswith("missing row") for d in diff_rows([], expected))
