"""Run a plan: lock, re-plan, execute exactly the plan's steps, journal each one, unlock.

The order is setup (adoptions), tables (create, add column), build (each physical object,
ready before the next level reads it), switch (facades, atomically each), retire (old
versions and leftovers, dependents first). The apply stops at the first failure with the
object, the SQL and the server's message; everything it did is journaled and every step is
idempotent by name, so running it again completes the deploy.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import attrs
import psycopg
from psycopg import sql as pgsql

from ecomdsl import __version__
from ecomdsl.deploy.adapters import Adapter, Postgres, RisingWave, adapter_for
from ecomdsl.deploy.catalog import read_catalog
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.errors import DeployError, StalePlan, StepFailed
from ecomdsl.deploy.lock import AdvisoryLock, Lock, ViewLock
from ecomdsl.deploy.plan import ObjectEvent, Options, Plan, Step
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.state import Journal, JournalState
from ecomdsl.deploy.target import Target, actor, connect
from ecomdsl.model import ir

Fault = Callable[[int, Step, psycopg.Connection[Any]], None]


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


@attrs.frozen
class ApplyResult:
    plan: Plan
    deploy_id: str
    seconds: float
    executed: int  # steps run
    recovered: str | None  # the unfinished deploy this apply completed, if any


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def new_deploy_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


class Session:
    """A deploy connection: engine detected, session set, journal ready."""

    def __init__(self, target: Target, deploy_id: str | None = None, purpose: str = "apply"):
        self.target = target
        self.deploy_id = deploy_id or new_deploy_id()
        self.actor = actor()
        self.conn = connect(target, f"ecomdsl {purpose} {self.deploy_id} {self.actor}"[:63])
        try:
            row = self.conn.execute("SELECT version()").fetchone()
            self.adapter: Adapter = adapter_for(str(row[0]) if row else "")
            _check_version(self.adapter)
            for tree in self.adapter.session(target.schema):
                self.conn.execute(self.adapter.text(tree).encode())
            self.journal = Journal(self.conn, self.adapter, target.state_schema, target.schema)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock(self, kind: str | None = None) -> Lock:
        """The engine's lock (``kind``: "advisory" or "view" to choose; tests run both)."""
        use_view = kind == "view" or (kind is None and not self.adapter.ADVISORY_LOCK)
        if use_view:
            return ViewLock(
                self.conn,
                self.adapter,
                self.target.state_schema,
                self.target.schema,
                self.deploy_id,
                self.actor,
            )
        return AdvisoryLock(self.conn, self.target.schema)

    def count_rows(self, table: str) -> int | None:
        """Rows at stake in a destructive change (None when they cannot be counted within
        a few seconds: a plan never waits on someone else's lock)."""
        count = pgsql.SQL("SELECT count(*) FROM {}.{}").format(
            pgsql.Identifier(self.target.schema), pgsql.Identifier(table)
        )
        try:
            if isinstance(self.adapter, Postgres):
                with self.conn.transaction():
                    self.conn.execute("SET LOCAL statement_timeout = '5s'")
                    row = self.conn.execute(count).fetchone()
            else:
                row = self.conn.execute(count).fetchone()
        except psycopg.Error:
            return None
        return int(row[0]) if row else None

    def desired(self, pipeline: ir.ResolvedPipeline, state: JournalState | None = None) -> Desired:
        """What the pipeline wants here, with the tables' generations from the journal."""
        state = state if state is not None else self.journal.read()
        generations = {
            r.logical_name: r.generation
            for r in state.objects.values()
            if r.kind in ("table", "source") and r.physical_name == r.logical_name
        }
        return desired(pipeline, self.adapter, generations)

    def plan(
        self, pipeline: ir.ResolvedPipeline, options: Options, state: JournalState | None = None
    ) -> Plan:
        """Read catalog and journal once each, and diff."""
        state = state if state is not None else self.journal.read()
        want = self.desired(pipeline, state)
        catalog = read_catalog(self.conn, self.adapter, self.target.schema)
        return make_plan(want, catalog, state, self.adapter, options, self.count_rows)


def _check_version(adapter: Adapter) -> None:
    if isinstance(adapter, RisingWave) and adapter.version < RisingWave.MIN_VERSION:
        need = ".".join(map(str, RisingWave.MIN_VERSION))
        raise DeployError(
            f"ecomdsl deploys to RisingWave {need} or newer (ALTER VIEW ... SWAP WITH); "
            f"the server says: {adapter.version_text}"
        )


def problems_error(plan: Plan) -> DeployError:
    lines = [f"the plan cannot be applied ({len(plan.problems)} problem(s)):"]
    for p in plan.problems:
        lines.append(f"  {p.name}: {p.action.value}: {p.message}")
        if p.hint:
            lines.append(f"      hint: {p.hint}")
    return DeployError("\n".join(lines))


@contextlib.contextmanager
def locked(session: Session, timeout: float, kind: str | None = None) -> Iterator[Lock]:
    if not session.journal.exists():
        session.journal.bootstrap()
    lock = session.lock(kind)
    lock.acquire(timeout)
    try:
        yield lock
    finally:
        with contextlib.suppress(psycopg.Error):
            lock.release()


def apply(
    session: Session,
    pipeline: ir.ResolvedPipeline,
    options: Options,
    *,
    root: Path,
    expected_hash: str | None = None,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Progress | None = None,
    lock_timeout: float = 0.0,
    lock_kind: str | None = None,
    fault: Fault | None = None,
) -> ApplyResult:
    """Lock, plan again under the lock, check it against ``expected_hash`` (a saved or shown
    plan), ask ``confirm``, then run the steps."""
    progress = progress or Silent()
    started = time.perf_counter()
    with locked(session, lock_timeout, lock_kind):
        state = session.journal.read()
        plan = session.plan(pipeline, options, state)
        if expected_hash is not None and plan.hash != expected_hash:
            raise StalePlan(
                "the saved plan is stale: the database or the pipeline changed since it was "
                "made; run `ecomdsl plan` again and review the new plan"
            )
        if plan.problems:
            raise problems_error(plan)
        if not plan.pending:
            return ApplyResult(plan, session.deploy_id, time.perf_counter() - started, 0, None)
        if confirm is not None and not confirm(plan):
            raise DeployError("apply cancelled: nothing was changed")
        executed = run_steps(session, plan, root=root, progress=progress, fault=fault)
        return ApplyResult(
            plan, session.deploy_id, time.perf_counter() - started, executed, state.unfinished
        )


def run_steps(
    session: Session,
    plan: Plan,
    *,
    root: Path,
    progress: Progress,
    fault: Fault | None = None,
    event: str = "deploy",
) -> int:
    journal = session.journal
    conn = session.conn
    sha = git_commit(root)

    def deploy_event(name: str, detail: str) -> None:
        journal.append(
            "deploys",
            deploy_id=session.deploy_id,
            pipeline=plan.pipeline,
            event=name,
            actor=session.actor,
            tool_version=__version__,
            git_sha=sha,
            plan_hash=plan.hash,
            detail=detail,
        )

    def step_event(index: int, step: Step, name: str, **values: str) -> None:
        journal.append(
            "steps",
            deploy_id=session.deploy_id,
            step=index,
            object=step.object,
            action=step.what,
            event=name,
            **values,
        )

    def object_events(events: tuple[ObjectEvent, ...]) -> None:
        for ev in events:
            journal.append(
                "objects",
                deploy_id=session.deploy_id,
                pipeline=plan.pipeline,
                logical_name=ev.logical,
                physical_name=ev.physical,
                kind=ev.kind,
                fingerprint=ev.fingerprint,
                generation=ev.generation,
                state=ev.state,
                detail=ev.detail,
            )

    deploy_event("started", event)
    total = len(plan.steps)
    for index, step in enumerate(plan.steps, start=1):
        progress.start(index, total, step)
        t0 = time.perf_counter()
        try:
            if fault is not None:  # tests: a failure at this step boundary
                fault(index, step, conn)
            object_events(step.before)
            step_event(index, step, "started", sql_text=";\n".join(step.statements))
            watcher = _watch(session, step, functools.partial(progress.update, index, total, step))
            try:
                _execute(conn, step)
            finally:
                if watcher is not None:
                    watcher.stop()
            step_event(index, step, "done")
            object_events(step.after)
        except psycopg.Error as err:
            progress.failed(index, total, step, time.perf_counter() - t0)
            message = _server_message(err)
            with contextlib.suppress(psycopg.Error):  # the connection may be gone
                step_event(index, step, "failed", error=message)
                deploy_event("failed", message)
            statements = ";\n".join(step.statements)
            raise StepFailed(
                f"{step.object}: {step.what} failed (step {index} of {total}): {message}\n"
                f"{statements};\n"
                "nothing after this step ran; run the same command again to complete the "
                "deploy (every step is idempotent)"
            ) from None
        progress.done(index, total, step, time.perf_counter() - t0)
    deploy_event("finished", event)
    return total


def _execute(conn: psycopg.Connection[Any], step: Step) -> None:
    if step.transaction:
        with conn.transaction():
            for statement in step.statements:
                conn.execute(statement.encode())
        return
    for statement in step.statements:
        conn.execute(statement.encode())


def _server_message(err: psycopg.Error) -> str:
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


class _Watcher:
    """Polls RisingWave's ``rw_ddl_progress`` from a second connection during a WAIT."""

    def __init__(self, session: Session, name: str, report: Callable[[str], None]) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(session, name, report), daemon=True)
        self.thread.start()

    def _run(self, session: Session, name: str, report: Callable[[str], None]) -> None:
        try:
            with connect(session.target, "ecomdsl progress") as side:
                while not self.stop_event.wait(1.0):
                    row = side.execute(PROGRESS_QUERY, (session.target.schema, name)).fetchone()
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


def _watch(session: Session, step: Step, report: Callable[[str], None]) -> _Watcher | None:
    if step.wait_for is None or not isinstance(session.adapter, RisingWave):
        return None
    return _Watcher(session, step.wait_for, report)
