"""Shared fixtures: SQL snapshots as one readable .sql file per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg.rows import TupleRow
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tests.pg_schema import schema_connection

# Hypothesis: CI runs every example (`slow`: the `ci` counts, and 10,000 for the quoting
# property); a developer's default run is fast (`dev`, a tenth). HYPOTHESIS_PROFILE=ci or
# =slow runs those counts locally.
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("slow", parent=settings.get_profile("ci"))
settings.register_profile("dev", max_examples=20, deadline=None)
_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "slow" if _ci else "dev"))


class SQLSnapshotExtension(SingleFileSnapshotExtension):
    """One text .sql file per snapshot, so reviews read them as SQL."""

    file_extension = "sql"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def sql_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SQLSnapshotExtension)


# -- PostgreSQL: one real server per test session (or ECOMDSL_TEST_PG_DSN) --------------------


@pytest.fixture
def seed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway project (the cwd) with a copy of the seed pipelines."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "pipelines", tmp_path / "pipelines", ignore=ignore
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def pg_dsn(ecomdsl_postgres_dsn: str) -> str:
    """The session's real PostgreSQL (the ecomdsl pytest plugin's server, or the DSN in
    ECOMDSL_TEST_PG_DSN); a missing server fails under CI=true and skips elsewhere."""
    return ecomdsl_postgres_dsn


@pytest.fixture
def pg_conn(pg_dsn: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """An autocommit connection whose search_path is a fresh schema, dropped afterwards."""
    with schema_connection(pg_dsn) as conn:
        yield conn
