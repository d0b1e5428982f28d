"""The hand-checked example in docs/semantics.md holds on DuckDB, PostgreSQL and the
independent reference."""

from __future__ import annotations

import pytest

from ecomdsl.testing import check_view, to_inserts
from ecomdsl.testing.plugin import PipelineTester
from ecomdsl.testing.rows import diff_rows
from pipelines.ecommerce import pipeline
from tests.reference.views import ALL_VIEWS
from tests.seed.example_events import EXPECTED, GIVEN


@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_duckdb(view: str) -> None:
    check_view(pipeline, view, GIVEN, EXPECTED[view])


@pytest.mark.postgres
@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_postgres(view: str, pipeline_tester: PipelineTester) -> None:
    pipeline_tester.check(pipeline, view, GIVEN, EXPECTED[view], engine="postgres")


@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_reference(view: str) -> None:
    from ecomdsl.model.resolve import resolve

    resolved = resolve(pipeline)
    statements = []
    for insert in to_inserts(resolved, GIVEN):
        statements.append(
            (insert.table, [dict(zip(insert.columns, r, strict=True)) for r in insert.rows])
        )
    assert diff_rows(ALL_VIEWS[view](statements), EXPECTED[view]) == []
