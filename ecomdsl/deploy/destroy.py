"""``ecomdsl destroy``: drop what ecomdsl deployed for a pipeline, dependents first.

A destroy is the plan for an empty pipeline with pruning on: only objects in the journal are
candidates, an object that ecomdsl does not manage is never dropped (one that reads ours
stops the destroy), and tables stay unless asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ecomdsl.deploy.apply import ApplyResult, Session, carry_out, locked
from ecomdsl.deploy.catalog import read_catalog
from ecomdsl.deploy.desired import Desired
from ecomdsl.deploy.execute import Progress
from ecomdsl.deploy.plan import Options, Plan
from ecomdsl.deploy.planner import make_plan
from ecomdsl.model import ir


def destroy_plan(session: Session, pipeline: ir.ResolvedPipeline, include_tables: bool) -> Plan:
    state = session.journal.read()
    tables = sorted(
        r.logical_name
        for r in state.objects.values()
        if r.pipeline == pipeline.name and r.kind in ("table", "source")
    )
    options = Options(
        prune=True,
        allow_destructive=tuple(tables) if include_tables else (),
        keep_tables=not include_tables,
    )
    catalog = read_catalog(session.conn, session.adapter, session.target.schema)
    return make_plan(
        Desired(pipeline, ()), catalog, state, session.adapter, options, session.count_rows
    )


def destroy(
    session: Session,
    pipeline: ir.ResolvedPipeline,
    *,
    include_tables: bool,
    root: Path,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Progress | None = None,
    lock_timeout: float = 0.0,
) -> ApplyResult:
    started = time.perf_counter()
    with locked(session, lock_timeout):
        plan = destroy_plan(session, pipeline, include_tables)
        return carry_out(
            session,
            plan,
            started,
            confirm=confirm,
            cancelled="destroy cancelled: nothing was dropped",
            root=root,
            progress=progress,
            event="destroy",
        )
