"""Helpers for testing pipelines against real database engines (no mocks).

``check_view(pipeline, view, given=..., expect=...)`` runs one view on DuckDB (or
PostgreSQL) and fails with a row diff; the ``pipeline_tester`` pytest fixture does the same
with a managed PostgreSQL server. See docs/testing.md.
"""

from ecomdsl.testing.api import ViewMismatch, check_view, run_view, to_inserts
from ecomdsl.testing.rows import diff_rows

__all__ = ["ViewMismatch", "check_view", "diff_rows", "run_view", "to_inserts"]
