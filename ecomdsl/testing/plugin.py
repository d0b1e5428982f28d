"""The ecomdsl pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:

- ``pipeline_tester``: ``pipeline_tester.check(pipeline, view, given=..., expect=...)`` runs
  one view on DuckDB (or ``engine="postgres"``) and fails the test with a row diff.
- ``ecomdsl_postgres_dsn`` (session): a real PostgreSQL for the whole session, from
  ``ECOMDSL_TEST_PG_DSN`` or a throwaway server started on a free local port and removed
  afterwards. Without one, tests that need it are skipped, except under ``CI=true``, where
  that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.model import ir
from ecomdsl.targets import Target, capabilities
from ecomdsl.testing.api import Given, Rows, check_view, run_view
from ecomdsl.testing.postgres import PostgresUnavailable, TemporaryPostgres, postgres_dsn_from_env


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def postgres_unavailable(reason: str) -> None:
    """Under CI a missing PostgreSQL fails the run; elsewhere the test is skipped."""
    if in_ci():
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    first = reason.strip().splitlines()[0] if reason.strip() else "unknown reason"
    pytest.skip(f"PostgreSQL unavailable: {first}")


@pytest.fixture(scope="session")
def ecomdsl_postgres_dsn() -> Iterator[str]:
    dsn = postgres_dsn_from_env()
    if dsn is not None:
        yield dsn
        return
    server = TemporaryPostgres()
    reason: str | None = None
    try:
        server.start()
    except PostgresUnavailable as exc:
        reason = str(exc)
    if reason is not None:  # outside the except block: no chained traceback in the report
        postgres_unavailable(reason)
    try:
        yield server.dsn
    finally:
        server.stop()


class PipelineTester:
    """Runs one view of a pipeline on given rows; see `ecomdsl.testing.check_view`."""

    def __init__(self, postgres_dsn: Callable[[], str]) -> None:
        self._postgres_dsn = postgres_dsn

    def _dsn(self, engine: Target) -> str | None:
        return self._postgres_dsn() if capabilities(engine).needs_server else None

    def run(
        self,
        pipeline: Pipeline | ir.ResolvedPipeline,
        view: str,
        given: Given,
        *,
        engine: Target = "duckdb",
    ) -> list[dict[str, Any]]:
        return run_view(pipeline, view, given, engine=engine, dsn=self._dsn(engine))

    def check(
        self,
        pipeline: Pipeline | ir.ResolvedPipeline,
        view: str,
        given: Given,
        expect: Rows,
        *,
        columns: Sequence[str] | None = None,
        engine: Target = "duckdb",
    ) -> list[dict[str, Any]]:
        __tracebackhide__ = True
        return check_view(
            pipeline, view, given, expect, columns=columns, engine=engine, dsn=self._dsn(engine)
        )


@pytest.fixture
def pipeline_tester(request: pytest.FixtureRequest) -> PipelineTester:
    """Given rows in, expected rows out, for one view (DuckDB; PostgreSQL on request)."""
    return PipelineTester(lambda: str(request.getfixturevalue("ecomdsl_postgres_dsn")))
