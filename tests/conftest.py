"""Shared fixtures: SQL snapshots as one readable .sql file per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import TupleRow
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from ecomdsl.testing.postgres import PostgresUnavailable, TemporaryPostgres, postgres_dsn_from_env


class SQLSnapshotExtension(SingleFileSnapshotExtension):
    """One text .sql file per snapshot, so reviews read them as SQL."""

    file_extension = "sql"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def sql_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SQLSnapshotExtension)


# -- PostgreSQL: one real server per test session (or ECOMDSL_TEST_PG_DSN) --------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _postgres_unavailable(reason: str) -> NoReturn:
    """Under CI a missing PostgreSQL fails the run; elsewhere the tests are skipped."""
    if _in_ci():
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    first_line = reason.strip().splitlines()[0] if reason.strip() else "unknown reason"
    pytest.skip(f"PostgreSQL unavailable: {first_line}")


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """DSN of a real PostgreSQL: ECOMDSL_TEST_PG_DSN, else a TemporaryPostgres for the session."""
    dsn = postgres_dsn_from_env()
    if dsn is not None:
        yield dsn
        return
    server = TemporaryPostgres()
    try:
        server.start()
    except PostgresUnavailable as exc:
        _postgres_unavailable(str(exc))
    try:
        yield server.dsn
    finally:
        server.stop()


@pytest.fixture
def pg_conn(pg_dsn: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """An autocommit connection whose search_path is a fresh schema, dropped afterwards."""
    schema = sql.Identifier(f"t_{secrets.token_hex(8)}")
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        try:
            conn.execute(sql.SQL("SET search_path TO {}").format(schema))
            yield conn
        finally:
            drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema)
            if conn.closed or conn.broken:
                # the test closed or broke its connection: clean up through a new one
                with psycopg.connect(pg_dsn, autocommit=True) as cleanup:
                    cleanup.execute(drop)
            else:
                conn.execute(drop)
