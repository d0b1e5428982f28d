"""One apply at a time per target schema.

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on the apply's connection;
  the server releases it when that connection ends, so a killed apply never leaves it held.
- RisingWave has no advisory locks, no ``SELECT ... FOR UPDATE``, and an INSERT with an
  existing key overwrites, so a lock row is no lock. Creating a named catalog object is
  atomic (meta checks the name under its catalog write lock: ``check_relation_name_duplicate``
  in src/meta/src/controller/catalog), so the lock is a view ``<state>.lock__<schema>`` whose
  columns say who holds it. A second ``CREATE VIEW`` fails with 42710 (RisingWave >= 2.5;
  before, XX000 "... already exists"); on PostgreSQL with 42P07 or, racing an open
  transaction, 23505. That view outlives a killed apply: ``ecomdsl unlock`` breaks it,
  explicitly.

The one who waits is told who holds the lock and since when.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, Protocol

import attrs
import psycopg
from psycopg import sql as pgsql
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter
from ecomdsl.deploy.errors import DeployError, LockBusy
from ecomdsl.dialect import identifier

BUSY_SQLSTATES = frozenset({"42710", "42P07", "23505"})


@attrs.frozen
class Holder:
    deploy_id: str
    actor: str
    since: str

    def display(self) -> str:
        return f"{self.actor} (deploy {self.deploy_id}) since {self.since}"


class Lock(Protocol):
    def acquire(self, timeout: float) -> None: ...

    def release(self) -> None: ...

    def holder(self) -> Holder | None: ...


def _busy_message(schema: str, holder: Holder | None, waited: float, how: str) -> str:
    who = holder.display() if holder else "another apply (it just finished or is starting)"
    return (
        f"another apply is deploying to schema {schema!r}: {who}; waited {waited:.0f}s "
        f"(--lock-timeout). {how}"
    )


def _acquire(
    take: Callable[[], bool],
    holder: Callable[[], Holder | None],
    schema: str,
    timeout: float,
    how: str,
) -> None:
    """Try ``take`` until it succeeds or ``timeout`` seconds passed; then name the holder."""
    started = time.monotonic()
    while not take():
        waited = time.monotonic() - started
        if waited >= timeout:
            raise LockBusy(_busy_message(schema, holder(), waited, how))
        time.sleep(min(0.5, max(0.05, timeout - waited)))


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class AdvisoryLock:
    """PostgreSQL: a session advisory lock keyed by database and schema."""

    def __init__(self, conn: psycopg.Connection[Any], schema: str) -> None:
        self.conn = conn
        self.schema = schema
        self.key_text = f"ecomdsl:apply:{schema}"
        row = conn.execute("SELECT hashtextextended(%s, 0)", (self.key_text,)).fetchone()
        assert row is not None
        self.key = int(row[0])

    def acquire(self, timeout: float) -> None:
        def take() -> bool:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            return bool(row and row[0])

        _acquire(
            take,
            self.holder,
            self.schema,
            timeout,
            "The lock is freed when that apply ends or its connection closes.",
        )

    def release(self) -> None:
        if not self.conn.closed and not self.conn.broken:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))

    def holder(self) -> Holder | None:
        high, low = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        row = self.conn.execute(
            """
            SELECT a.application_name, a.backend_start
            FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            (high, low),
        ).fetchone()
        if row is None:
            return None
        name, since = row
        parts = str(name or "").split()
        # application_name: "ecomdsl apply <deploy id> <user@host>"
        if len(parts) >= 4 and parts[0] == "ecomdsl":
            return Holder(parts[2], parts[3], since.isoformat(timespec="seconds"))
        return Holder("?", name or "a session", since.isoformat(timespec="seconds"))


class ViewLock:
    """A view in the state schema, created atomically; RisingWave's lock (and testable on
    PostgreSQL)."""

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        adapter: Adapter,
        state_schema: str,
        schema: str,
        deploy_id: str,
        actor: str,
    ) -> None:
        self.conn = conn
        self.adapter = adapter
        self.state_schema = state_schema
        self.schema = schema
        self.deploy_id = deploy_id
        self.actor = actor
        self.view = f"lock__{schema}"
        self.held = False

    def _table(self) -> exp.Table:
        return exp.Table(this=identifier(self.view), db=identifier(self.state_schema))

    def _composed(self) -> pgsql.Composed:
        return pgsql.SQL("{}.{}").format(
            pgsql.Identifier(self.state_schema), pgsql.Identifier(self.view)
        )

    def create_statement(self) -> str:
        def text(value: str, name: str) -> exp.Expr:
            return exp.alias_(
                exp.cast(exp.Literal.string(value), exp.DataType.build("VARCHAR")),
                identifier(name),
            )

        query = exp.select(
            text(self.deploy_id, "deploy_id"),
            text(self.actor, "holder"),
            text(_stamp(), "acquired_at"),
        )
        return self.adapter.text(exp.Create(this=self._table(), kind="VIEW", expression=query))

    def acquire(self, timeout: float) -> None:
        def take() -> bool:
            try:
                self.conn.execute(self.create_statement().encode())
            except psycopg.Error as err:
                if not is_busy(err):
                    raise
                return False
            self.held = True
            return True

        _acquire(
            take,
            self.holder,
            self.schema,
            timeout,
            "If that apply is no longer running (killed), break its lock with `ecomdsl unlock`.",
        )

    def holder(self) -> Holder | None:
        try:
            row = self.conn.execute(
                pgsql.SQL("SELECT deploy_id, holder, acquired_at FROM {}").format(self._composed())
            ).fetchone()
        except psycopg.Error:
            return None
        return Holder(str(row[0]), str(row[1]), str(row[2])) if row else None

    def release(self) -> None:
        if not self.held or self.conn.closed or self.conn.broken:
            return
        current = self.holder()
        if current is not None and current.deploy_id == self.deploy_id:
            self.conn.execute(pgsql.SQL("DROP VIEW IF EXISTS {}").format(self._composed()))
        self.held = False

    def break_lock(self, expected: str | None) -> Holder | None:
        """Drop the lock whoever holds it (``expected``: only if that deploy holds it)."""
        current = self.holder()
        if current is None:
            return None
        if expected is not None and current.deploy_id != expected:
            raise DeployError(
                f"the lock is held by deploy {current.deploy_id}, not {expected}: not broken"
            )
        self.conn.execute(pgsql.SQL("DROP VIEW IF EXISTS {}").format(self._composed()))
        return current


def is_busy(err: psycopg.Error) -> bool:
    """A CREATE failed because the name exists (by SQLSTATE, or RisingWave < 2.5's text)."""
    return err.sqlstate in BUSY_SQLSTATES or "already exists" in str(err)
