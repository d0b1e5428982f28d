"""ecomdsl.testing.postgres against a real PostgreSQL server (no mocks)."""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import TupleRow

from ecomdsl.errors import EcomdslError
from ecomdsl.testing import postgres as pgmod
from ecomdsl.testing.postgres import (
    DSN_ENV_VAR,
    PostgresUnavailable,
    TemporaryPostgres,
    find_pg_bin,
    postgres_dsn_from_env,
)
from tests.pg_schema import schema_connection


@pytest.fixture(scope="module")
def pg_bin() -> Path:
    """The server binaries; their absence fails the run under CI=true and skips it elsewhere."""
    found = find_pg_bin()
    if found is not None:
        return found
    reason = "no /usr/lib/postgresql/*/bin/initdb (run scripts/ensure-postgres.sh as root)"
    in_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    if in_ci and postgres_dsn_from_env() is None:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL server binaries unavailable: {reason}")


def _port_is_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


# -- lifecycle of TemporaryPostgres ---------------------------------------------------------


@pytest.mark.postgres
def test_server_runs_sql_and_cleans_up(pg_bin: Path) -> None:
    with TemporaryPostgres() as pg:
        assert pg.bin_dir == pg_bin
        directory = pg.directory
        assert directory is not None and directory.is_dir()
        assert str(directory).startswith("/tmp/")
        port = pg.port
        assert pg.dsn == f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            row = conn.execute("SELECT version()").fetchone()
            assert row is not None and str(row[0]).startswith("PostgreSQL ")
            conn.execute("CREATE TABLE orders (id int PRIMARY KEY, note text, doc jsonb)")
            conn.execute(
                "INSERT INTO orders VALUES (%s, %s, %s::jsonb), (%s, %s, %s::jsonb)",
                (1, "first", '{"a": {"b": 1}}', 2, "zweite ✓", '{"a": {"b": 2}}'),
            )
            rows = conn.execute(
                "SELECT id, note, (doc->'a'->>'b')::int FROM orders ORDER BY id"
            ).fetchall()
        assert rows == [(1, "first", 1), (2, "zweite ✓", 2)]
        settings = _settings(pg.dsn, "fsync", "listen_addresses", "server_encoding")
        assert settings == {
            "fsync": "off",
            "listen_addresses": "127.0.0.1",
            "server_encoding": "UTF8",
        }
    assert not directory.exists()
    assert _port_is_closed(port)
    assert pg.directory is None
    with pytest.raises(RuntimeError, match="not running"):
        _ = pg.dsn


def _settings(dsn: str, *names: str) -> dict[str, str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (list(names),)
        ).fetchall()
    return {str(name): str(value) for name, value in rows}


@pytest.mark.postgres
def test_stop_is_idempotent_and_exit_after_stop_is_harmless(pg_bin: Path) -> None:
    pg = TemporaryPostgres(pg_bin)
    pg.stop()  # never started: nothing to do
    with pg:
        directory, port = pg.directory, pg.port
        pg.stop()
        pg.stop()
    assert directory is not None and not directory.exists()
    assert _port_is_closed(port)


@pytest.mark.postgres
def test_two_servers_run_side_by_side(pg_bin: Path) -> None:
    with TemporaryPostgres(pg_bin) as one, TemporaryPostgres(pg_bin) as two:
        assert one.port != two.port
        for pg in (one, two):
            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.postgres
def test_exit_cleans_up_when_an_exception_escapes(pg_bin: Path) -> None:
    with pytest.raises(ZeroDivisionError), TemporaryPostgres(pg_bin) as pg:
        directory, port = pg.directory, pg.port
        _ = 1 / 0
    assert directory is not None and not directory.exists()
    assert _port_is_closed(port)


# -- failures: a helpful message and nothing left behind --------------------------------------


def test_bogus_bin_dir_raises_helpful_error(tmp_path: Path, created_dirs: list[Path]) -> None:
    bogus = tmp_path / "no-postgres-here" / "bin"
    pg = TemporaryPostgres(bogus)
    with pytest.raises(PostgresUnavailable) as info:
        pg.start()
    message = str(info.value)
    assert str(bogus) in message
    assert "missing initdb, pg_ctl" in message
    assert "apt-get install postgresql" in message
    assert DSN_ENV_VAR in message
    assert isinstance(info.value, EcomdslError)
    assert pg.directory is None
    pg.stop()  # harmless after a failed start
    assert created_dirs == []
    with pytest.raises(PostgresUnavailable), TemporaryPostgres(bogus):
        pass  # pragma: no cover - never entered


def test_missing_binaries_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgmod, "find_pg_bin", lambda: None)
    with pytest.raises(
        PostgresUnavailable, match=r"no /usr/lib/postgresql/\*/bin/initdb\); install"
    ):
        TemporaryPostgres().start()


@pytest.mark.postgres
def test_failed_initdb_removes_the_directory(pg_bin: Path, created_dirs: list[Path]) -> None:
    """A bin dir whose initdb fails: the half-made directory is removed, the output reported."""
    fake = Path(_mkdtemp_readable())
    try:
        (fake / "pg_ctl").symlink_to(pg_bin / "pg_ctl")
        initdb = fake / "initdb"
        initdb.write_text("#!/bin/sh\necho 'initdb: simulated disk full' >&2\nexit 3\n")
        initdb.chmod(initdb.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        pg = TemporaryPostgres(fake)
        with pytest.raises(PostgresUnavailable, match=r"initdb failed \(exit 3\)") as info:
            pg.start()
        assert "simulated disk full" in str(info.value)
        assert pg.directory is None
        assert len(created_dirs) == 1 and not created_dirs[0].exists()
    finally:
        for child in fake.iterdir():
            child.unlink()
        fake.rmdir()


def _mkdtemp_readable() -> str:
    """A directory the postgres user can read (pytest's tmp_path is private to root)."""
    directory = tempfile.mkdtemp(prefix="ecomdsl-fakebin-", dir="/tmp")
    os.chmod(directory, 0o755)
    return directory


@pytest.fixture
def created_dirs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every cluster directory TemporaryPostgres creates during the test."""
    created: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def spy(suffix: str | None = None, prefix: str | None = None, dir: str | None = None) -> str:
        path = real_mkdtemp(suffix, prefix, dir)
        if prefix == "ecomdsl-pg-":
            created.append(Path(path))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    return created


@pytest.mark.postgres
def test_port_taken_is_retried(pg_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process grabbing the probed port before the server binds it costs one retry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        ports = iter([taken])
        real_free_port = pgmod._free_port
        monkeypatch.setattr(pgmod, "_free_port", lambda: next(ports, None) or real_free_port())
        with TemporaryPostgres(pg_bin) as pg:
            assert pg.port != taken
            with psycopg.connect(pg.dsn, autocommit=True) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.postgres
def test_failed_start_reports_log_tail_and_cleans_up(
    pg_bin: Path, monkeypatch: pytest.MonkeyPatch, created_dirs: list[Path]
) -> None:
    """initdb succeeds but every start fails (port always taken): a half-way failure."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken: int = blocker.getsockname()[1]
        monkeypatch.setattr(pgmod, "_free_port", lambda: taken)
        pg = TemporaryPostgres(pg_bin)
        with pytest.raises(PostgresUnavailable) as info:
            pg.start()
    message = str(info.value)
    assert f"pg_ctl start failed (exit 1) on 127.0.0.1:{taken}" in message
    assert "server log" in message
    assert "Address already in use" in message
    assert "attempt 5 of 5" in message
    assert pg.directory is None
    assert len(created_dirs) == 1 and not created_dirs[0].exists()
    pg.stop()


# -- ECOMDSL_TEST_PG_DSN ------------------------------------------------------------------------


def test_dsn_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DSN_ENV_VAR, "host=db.example port=5433 user=me dbname=x")
    assert postgres_dsn_from_env() == "host=db.example port=5433 user=me dbname=x"
    monkeypatch.setenv(DSN_ENV_VAR, "  ")
    assert postgres_dsn_from_env() is None
    monkeypatch.delenv(DSN_ENV_VAR)
    assert postgres_dsn_from_env() is None


def test_find_pg_bin_prefers_the_newest_complete_version(tmp_path: Path) -> None:
    for version, names in {
        "9.6": ["initdb", "pg_ctl"],
        "13": ["initdb", "pg_ctl"],
        "16": ["initdb"],
        "x": ["initdb", "pg_ctl"],
    }.items():
        bin_dir = tmp_path / version / "bin"
        bin_dir.mkdir(parents=True)
        for name in names:
            (bin_dir / name).write_text("#!/bin/sh\n")
            (bin_dir / name).chmod(0o755)
    assert find_pg_bin(tmp_path) == tmp_path / "13" / "bin"
    assert find_pg_bin(tmp_path / "absent") is None


# -- the conftest fixtures ----------------------------------------------------------------------


def _current_schema(conn: psycopg.Connection[TupleRow]) -> str:
    row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.postgres
def test_pg_conn_uses_a_fresh_schema(pg_conn: psycopg.Connection[TupleRow]) -> None:
    schema = _current_schema(pg_conn)
    assert schema.startswith("t_")
    assert pg_conn.autocommit
    pg_conn.execute("CREATE TABLE items (id int, price numeric)")
    pg_conn.execute("INSERT INTO items VALUES (1, 19.990), (2, 0.1)")
    rows = pg_conn.execute("SELECT id, price::text FROM items ORDER BY id").fetchall()
    assert rows == [(1, "19.990"), (2, "0.1")]
    with pytest.raises(psycopg.errors.DivisionByZero):
        pg_conn.execute("SELECT 1 / 0")
    # autocommit: a failed statement does not poison the next one
    assert pg_conn.execute("SELECT count(*) FROM items").fetchone() == (2,)


def _schema_exists(dsn: str, schema: str) -> bool:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (schema,))
        found = row.fetchone()
    return bool(found and found[0])


@pytest.mark.postgres
@pytest.mark.parametrize("ending", ["normally", "closed", "broken", "open transaction"])
def test_schema_connection_drops_its_schema_however_the_test_ends(pg_dsn: str, ending: str) -> None:
    """What pg_conn does at teardown, checked in one test (no reliance on test order)."""
    with schema_connection(pg_dsn) as conn:
        schema = _current_schema(conn)
        conn.execute("CREATE TABLE leftover (id int)")
        assert _schema_exists(pg_dsn, schema)
        if ending == "closed":
            conn.close()
        elif ending == "broken":
            with psycopg.connect(pg_dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
        elif ending == "open transaction":
            conn.autocommit = False
            conn.execute("INSERT INTO leftover VALUES (1)")
    assert not _schema_exists(pg_dsn, schema)
