"""The planner's state and the helpers every part of it uses (steps, problems, ownership,
reserved names, privileges)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter, Grant, drop
from ecomdsl.deploy.catalog import Catalog, Dependent
from ecomdsl.deploy.desired import Desired, DesiredObject
from ecomdsl.deploy.plan import (
    Action,
    Change,
    ObjectEvent,
    Options,
    Phase,
    Problem,
    RowCounter,
    Step,
)
from ecomdsl.deploy.state import DROPPED, JournalState
from ecomdsl.deploy.tables import MAX_PG_NAME, RESERVED, drop_kind


class PlannerBase:
    """State shared by the parts of the planner (tables, views, retirement)."""

    def __init__(
        self,
        want: Desired,
        catalog: Catalog,
        journal: JournalState,
        adapter: Adapter,
        options: Options,
        count_rows: RowCounter,
    ) -> None:
        self.want = want
        self.catalog = catalog
        self.journal = journal
        self.adapter = adapter
        self.options = options
        self.count_rows = count_rows
        self.pipeline = want.pipeline.name
        self.changes: list[Change] = []
        self.steps: dict[Phase, list[Step]] = {phase: [] for phase in Phase}
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        # physical objects of this pipeline (journal); another pipeline's are foreign
        self.ours = {k: v for k, v in journal.objects.items() if v.pipeline == self.pipeline}
        self.foreign = {k: v for k, v in journal.objects.items() if v.pipeline != self.pipeline}
        self.keep: set[str] = set()  # physical names the pipeline still uses
        self.retire: dict[str, str] = {}  # physical name -> the pipeline name it served
        self.adopted_legacy: dict[str, str] = {}
        self.table_leftovers: dict[str, tuple[str, str]] = {}  # name -> (table, kind)
        self.grants_warned = False

    # -- helpers ----------------------------------------------------------------------

    def sql(self, trees: Iterable[exp.Expr]) -> tuple[str, ...]:
        return tuple(self.adapter.text(t) for t in trees)

    def step(self, phase: Phase, obj: str, what: str, trees: Iterable[exp.Expr], **kw: Any) -> None:
        self.steps[phase].append(Step(phase, obj, what, self.sql(trees), **kw))

    def drop_step(self, name: str, phys: str, kind: str, what: str) -> None:
        """Drop ``phys`` (a version of ``name`` or left by it) at the end, journaled."""
        sql = self.sql([drop(phys, drop_kind(kind))])
        after = (ObjectEvent(name, phys, kind, DROPPED),)
        self.steps[Phase.RETIRE].append(Step(Phase.RETIRE, name, what, sql, after=after))

    def problem(self, name: str, action: Action, message: str, hint: str = "") -> None:
        self.problems.append(Problem(name, action, message, hint))

    def blocked(self, o: DesiredObject, detail: str, message: str, hint: str) -> None:
        """The pipeline's object cannot be deployed: its line in the plan and the problem."""
        self.changes.append(Change(o.name, o.kind, Action.BLOCKED, detail))
        self.problem(o.name, Action.BLOCKED, message, hint)

    def taken(self, o: DesiredObject) -> bool:
        """Another pipeline deployed an object with this name here: blocked unless --adopt
        (a renamed pipeline takes its objects over that way)."""
        record = self.foreign.get(o.name)
        if record is None:
            return False
        if self.options.adopt:
            self.ours[o.name] = attrs.evolve(record, pipeline=self.pipeline)
            for k, v in self.foreign.items():
                if v.logical_name == o.name:
                    self.ours[k] = attrs.evolve(v, pipeline=self.pipeline)
            return False
        self.blocked(
            o,
            f"belongs to pipeline {record.pipeline}",
            f"{o.name!r} in schema {self.catalog.schema!r} was deployed by pipeline "
            f"{record.pipeline!r}",
            "deploy the pipelines into different schemas (--schema); if you renamed the "
            "pipeline, --adopt takes its objects over",
        )
        return True

    def reserved(self, o: DesiredObject) -> bool:
        """Names ecomdsl gives its own objects cannot be pipeline names."""
        if not RESERVED.search(o.name):
            return False
        self.blocked(
            o,
            "a reserved name",
            f"{o.name!r} ends like the names ecomdsl gives its own objects "
            "(__ecd_new, __ecd_old, __ecd_next, __ecd_prev, __ecd_legacy, or __ and 8 hex digits)",
            "rename the object in the pipeline",
        )
        return True

    def too_long(self, o: DesiredObject) -> bool:
        """PostgreSQL cuts names at 63 bytes; ecomdsl adds up to 12 bytes of suffix."""
        size = len(o.name.encode())
        if self.adapter.engine != "postgres" or size <= MAX_PG_NAME:
            return False
        self.blocked(
            o,
            "name too long",
            f"{o.name!r} is {size} bytes long: PostgreSQL keeps 63 bytes of a name and "
            f"ecomdsl adds up to 12 (__ecd_legacy), so at most {MAX_PG_NAME} bytes deploy there",
            "shorten the name",
        )
        return True

    def grants_of(self, name: str) -> tuple[Grant, ...]:
        """Privileges others hold on ``name``, to grant again on what replaces it."""
        if self.catalog.grants is None:
            if not self.grants_warned:
                self.grants_warned = True
                self.warnings.append(
                    f"{self.adapter.engine}: privileges granted on replaced views and tables are "
                    "not read here, so not carried over: grant them again after the apply"
                )
            return ()
        return self.catalog.grants.get(name, ())

    def own_leftover(self, name: str) -> bool:
        """A scratch object of ours from an interrupted step (journaled, not dropped)."""
        record = self.ours.get(name)
        return record is not None and record.state != DROPPED

    def reserved_in_the_way(self, name: str, base: str) -> bool:
        """An object we did not make sits on a name ecomdsl needs for ``base``."""
        rel = self.catalog.get(name)
        if rel is None or self.own_leftover(name):
            return False
        self.problem(
            base,
            Action.BLOCKED,
            f"a {rel.kind} named {name!r} exists and was not created by ecomdsl; ecomdsl "
            f"needs that name to change {base!r}",
            "drop or rename it",
        )
        return True

    def left_reading(self, name: str, change: str, old: str) -> None:
        """Readers ecomdsl does not manage would keep reading the ``old`` version of
        ``name`` after this deploy's ``change``: a problem, until they are dropped."""
        outside = [d for d in self.catalog.readers(name) if not self.ours_reader(d)]
        if outside:
            shown = ", ".join(d.display() for d in outside)
            self.problem(
                name,
                Action.BLOCKED,
                f"{shown} read(s) {name!r}, which this deploy {change}: it would keep "
                f"reading the old {old}",
                f"drop {shown} before the apply and create it again after",
            )

    def ours_reader(self, d: Dependent) -> bool:
        """A reader that is ecomdsl's (journaled, scratch views of a switch included) or that
        the pipeline keeps: after the apply it reads only the new versions."""
        return d.schema == self.catalog.schema and (d.name in self.ours or d.name in self.keep)
