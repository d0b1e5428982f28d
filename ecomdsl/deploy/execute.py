"""One step on the server, and how its progress is shown.

A step's statements run in order (in one transaction when the step says so: PostgreSQL's
facade switch); a failure is told in the server's own words; while RisingWave builds a
materialized view (``WAIT``), a second connection polls its progress for the `Progress`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import psycopg

from ecomdsl.deploy.adapters import Adapter, RisingWave
from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.plan import Step
from ecomdsl.deploy.target import Target, connect


class Progress(Protocol):
    def start(self, index: int, total: int, step: Step) -> None: ...

    def update(self, index: int, total: int, step: Step, detail: str) -> None: ...

    def done(self, index: int, total: int, step: Step, seconds: float) -> None: ...

    def failed(self, index: int, total: int, step: Step, seconds: float) -> None: ...


class Silent:
    def start(self, index: int, total: int, step: Step) -> None:
        pass

    def update(self, index: int, total: int, step: Step, detail: str) -> None:
        pass

    def done(self, index: int, total: int, step: Step, seconds: float) -> None:
        pass

    def failed(self, index: int, total: int, step: Step, seconds: float) -> None:
        pass


def execute(conn: psycopg.Connection[Any], step: Step) -> None:
    if step.transaction:
        with conn.transaction():
            for statement in step.statements:
                conn.execute(statement.encode())
        return
    for statement in step.statements:
        conn.execute(statement.encode())


def server_message(err: psycopg.Error) -> str:
    """The server's own words (primary message and SQLSTATE), or what broke the link."""
    lines = str(err).strip().splitlines()
    first = lines[0].strip() if lines else type(err).__name__
    code = err.sqlstate or ""
    if isinstance(err, psycopg.OperationalError) and (not code or code[:2] in ("08", "57")):
        # no SQLSTATE: the socket closed; class 08/57: the server ended the session
        return f"the connection was lost: {first}" + (f" [{code}]" if code else "")
    diag = getattr(err, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    code = f" [{err.sqlstate}]" if err.sqlstate else ""
    if err.sqlstate == "55P03":
        return (
            f"{primary or first}{code}: another session holds a lock on it (a long query or "
            "an open transaction), so ecomdsl stopped instead of making readers wait"
        )
    return f"{primary or first}{code}"


class Watcher:
    """Polls RisingWave's ``rw_ddl_progress`` from a second connection during a WAIT."""

    def __init__(self, target: Target, name: str, report: Callable[[str], None]) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(target, name, report), daemon=True)
        self.thread.start()

    def _run(self, target: Target, name: str, report: Callable[[str], None]) -> None:
        try:
            with connect(target, "ecomdsl progress") as side:
                while not self.stop_event.wait(1.0):
                    row = side.execute(PROGRESS_QUERY, (target.schema, name)).fetchone()
                    if row and row[0]:
                        report(str(row[0]))
        except (psycopg.Error, DeployError):
            return  # progress is a nicety; the WAIT itself reports failures

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=2)


PROGRESS_QUERY = """
    SELECT p.progress FROM rw_catalog.rw_ddl_progress p
    JOIN rw_catalog.rw_relations r ON r.id = p.ddl_id
    JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
    WHERE s.name = %s AND r.name = %s"""


def watch(
    target: Target, adapter: Adapter, step: Step, report: Callable[[str], None]
) -> Watcher | None:
    """A `Watcher` for a step that waits for a RisingWave build, else None."""
    if step.wait_for is None or not isinstance(adapter, RisingWave):
        return None
    return Watcher(target, step.wait_for, report)
