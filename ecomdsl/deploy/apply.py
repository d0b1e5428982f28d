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
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import psycopg
from psycopg import sql as pgsql

from ecomdsl import __version__
from ecomdsl.deploy.adapters import Adapter, Postgres, RisingWave, adapter_for
from ecomdsl.deploy.catalog import read_catalog
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.errors import DeployError, StalePlan, StepFailed
from ecomdsl.deploy.execute import Progress, Silent, execute, server_message, watch
from ecomdsl.deploy.lock import AdvisoryLock, Lock, ViewLock
from ecomdsl.deploy.plan import ObjectEvent, Options, Plan, Step
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.state import Journal, JournalState
from ecomdsl.deploy.target import Target, actor, connect
from ecomdsl.model import ir

Fault = Callable[[int, Step, psycopg.Connection[Any]], None]


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

    @property
    def where(self) -> str:
        """The engine and the target, as a plan's title names them."""
        return f"{self.adapter.engine} {self.target.describe()}"

    def lock(self, kind: str | None = None) -> Lock:
        """The engine's lock (``kind``: "advisory" or "view" to choose; tests run both)."""
        use_view = kind == "view" or (kind is None and not self.adapter.ADVISORY_LOCK)
        if use_view:
            return self.view_lock()
        return AdvisoryLock(self.conn, self.target.schema)

    def view_lock(self) -> ViewLock:
        """The lock view (RisingWave's lock; `ecomdsl unlock` breaks it)."""
        return ViewLock(
            self.conn,
            self.adapter,
            self.target.state_schema,
            self.target.schema,
            self.deploy_id,
            self.actor,
        )

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
    started = time.perf_counter()
    with locked(session, lock_timeout, lock_kind):
        state = session.journal.read()
        plan = session.plan(pipeline, options, state)
        if expected_hash is not None and plan.hash != expected_hash:
            raise StalePlan(
                "the saved plan is stale: the database or the pipeline changed since it was "
                "made; run `ecomdsl plan` again and review the new plan"
            )
        return carry_out(
            session,
            plan,
            started,
            confirm=confirm,
            cancelled="apply cancelled: nothing was changed",
            root=root,
            progress=progress,
            fault=fault,
            recovered=state.unfinished,
        )


def carry_out(
    session: Session,
    plan: Plan,
    started: float,
    *,
    confirm: Callable[[Plan], bool] | None,
    cancelled: str,
    root: Path,
    progress: Progress | None,
    fault: Fault | None = None,
    event: str = "deploy",
    recovered: str | None = None,
) -> ApplyResult:
    """Refuse a plan with problems, ask ``confirm`` (``cancelled`` says it declined), then
    run its steps; ``recovered`` is the unfinished deploy the run completes, if any."""
    if plan.problems:
        raise problems_error(plan)
    if not plan.pending:
        return ApplyResult(plan, session.deploy_id, time.perf_counter() - started, 0, None)
    if confirm is not None and not confirm(plan):
        raise DeployError(cancelled)
    executed = run_steps(
        session, plan, root=root, progress=progress or Silent(), fault=fault, event=event
    )
    return ApplyResult(plan, session.deploy_id, time.perf_counter() - started, executed, recovered)


def run_steps(
    session: Session,
    plan: Plan,
    *,
    root: Path,
    progress: Progress,
    fault: Fault | None = None,
    event: str = "deploy",
) -> int:
    """Run every step of ``plan`` in order, journaled; stop at the first failure."""
    run = _Run(session, plan, git_commit(root), progress, fault)
    run.deploy_event("started", event)
    for index, step in enumerate(plan.steps, start=1):
        run.step(index, step)
    run.deploy_event("finished", event)
    return run.total


class _Run:
    """One run of a plan's steps and its journal rows: the deploy's events, each step's
    start and end, and the objects' states before and after each step."""

    def __init__(
        self,
        session: Session,
        plan: Plan,
        sha: str | None,
        progress: Progress,
        fault: Fault | None,
    ) -> None:
        self.session = session
        self.plan = plan
        self.sha = sha
        self.progress = progress
        self.fault = fault
        self.total = len(plan.steps)

    def deploy_event(self, name: str, detail: str) -> None:
        self.session.journal.append(
            "deploys",
            deploy_id=self.session.deploy_id,
            pipeline=self.plan.pipeline,
            event=name,
            actor=self.session.actor,
            tool_version=__version__,
            git_sha=self.sha,
            plan_hash=self.plan.hash,
            detail=detail,
        )

    def step_event(self, index: int, step: Step, name: str, **values: str) -> None:
        self.session.journal.append(
            "steps",
            deploy_id=self.session.deploy_id,
            step=index,
            object=step.object,
            action=step.what,
            event=name,
            **values,
        )

    def object_events(self, events: tuple[ObjectEvent, ...]) -> None:
        for ev in events:
            self.session.journal.append(
                "objects",
                deploy_id=self.session.deploy_id,
                pipeline=self.plan.pipeline,
                logical_name=ev.logical,
                physical_name=ev.physical,
                kind=ev.kind,
                fingerprint=ev.fingerprint,
                generation=ev.generation,
                state=ev.state,
                detail=ev.detail,
            )

    def step(self, index: int, step: Step) -> None:
        """Run one step, with its progress shown; a server error ends the run."""
        self.progress.start(index, self.total, step)
        t0 = time.perf_counter()
        try:
            self._journaled(index, step)
        except psycopg.Error as err:
            self.progress.failed(index, self.total, step, time.perf_counter() - t0)
            raise self._failed(index, step, err) from None
        self.progress.done(index, self.total, step, time.perf_counter() - t0)

    def _journaled(self, index: int, step: Step) -> None:
        if self.fault is not None:  # tests: a failure at this step boundary
            self.fault(index, step, self.session.conn)
        self.object_events(step.before)
        self.step_event(index, step, "started", sql_text=";\n".join(step.statements))
        report = functools.partial(self.progress.update, index, self.total, step)
        watcher = watch(self.session.target, self.session.adapter, step, report)
        try:
            execute(self.session.conn, step)
        finally:
            if watcher is not None:
                watcher.stop()
        self.step_event(index, step, "done")
        self.object_events(step.after)

    def _failed(self, index: int, step: Step, err: psycopg.Error) -> StepFailed:
        """Journal the failure (if the connection still lets us) and say what failed."""
        message = server_message(err)
        with contextlib.suppress(psycopg.Error):  # the connection may be gone
            self.step_event(index, step, "failed", error=message)
            self.deploy_event("failed", message)
        statements = ";\n".join(step.statements)
        return StepFailed(
            f"{step.object}: {step.what} failed (step {index} of {self.total}): {message}\n"
            f"{statements};\n"
            "nothing after this step ran; run the same command again to complete the "
            "deploy (every step is idempotent)"
        )
