"""The deploy plan: the difference between the pipeline and the database, as data.

`make_plan` is a pure function of what the pipeline wants (`Desired`), what the database
has (`Catalog`), what ecomdsl deployed before (`JournalState`) and the user's options. It
returns one `Change` per object (what the user reviews) and the `Step`s that carry it out,
each with the exact SQL; `ecomdsl.deploy.apply` runs exactly those steps.

Every step is idempotent by name and its "already done" test is the catalog: a plan made
after an interrupted apply contains only what is left (finish a build, switch a facade,
drop a leftover), so re-running converges.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

import attrs
import networkx as nx
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter, Grant, add_column, drop, grant, rename
from ecomdsl.deploy.catalog import MV, SOURCE, TABLE, VIEW, Catalog
from ecomdsl.deploy.desired import Desired, DesiredObject, TableSpec, desired, facade
from ecomdsl.deploy.state import BUILDING, BUILT, DROPPED, FACADE, LIVE, JournalState
from ecomdsl.dialect import Flush, identifier

PLAN_FORMAT = 1


class Action(StrEnum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    REBUILD = "rebuild"
    IN_PLACE = "in-place"
    RETIRE = "retire"
    DESTRUCTIVE = "destructive"
    BLOCKED = "blocked"
    ADOPT = "adopt"


class Phase(StrEnum):
    SETUP = "setup"
    TABLES = "tables"
    BUILD = "build"
    SWITCH = "switch"
    RETIRE = "retire"


@attrs.frozen
class ObjectEvent:
    """A journal row to write about one object."""

    logical: str
    physical: str
    kind: str
    state: str
    fingerprint: str = ""
    generation: int = 0
    detail: str | None = None


@attrs.frozen
class Step:
    phase: Phase
    object: str  # the pipeline name the step is for (physical names appear in the SQL)
    what: str  # short description: "build", "switch facade", "drop", ...
    statements: tuple[str, ...]
    transaction: bool = False  # PostgreSQL's facade switch: all or nothing
    before: tuple[ObjectEvent, ...] = ()  # journaled before the SQL runs
    after: tuple[ObjectEvent, ...] = ()  # journaled once it succeeded
    wait_for: str | None = None  # a materialized view whose build progress can be shown


@attrs.frozen
class Change:
    """One line of the plan: an object and what happens to it."""

    name: str
    kind: str
    action: Action
    detail: str = ""
    physical: str | None = None
    previous: str | None = None  # the physical object a rebuild replaces


@attrs.frozen
class Problem:
    """Why the plan cannot be applied as is (blocked or destructive), and what to do."""

    name: str
    action: Action
    message: str
    hint: str = ""


@attrs.frozen
class Options:
    prune: bool = False
    adopt: bool = False
    allow_destructive: tuple[str, ...] = ()
    keep_tables: bool = False  # destroy: tables gone from the pipeline stay, silently

    def as_dict(self) -> dict[str, Any]:
        return {
            "prune": self.prune,
            "adopt": self.adopt,
            "allow_destructive": list(self.allow_destructive),
            "keep_tables": self.keep_tables,
        }


@attrs.frozen
class Plan:
    pipeline: str
    engine: str
    schema: str
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    catalog_digest: str
    base_deploy: str | None
    options: Options

    @property
    def pending(self) -> bool:
        return bool(self.steps)

    @property
    def hash(self) -> str:
        """Identifies the plan and the database state it was made against."""
        data = {
            "format": PLAN_FORMAT,
            "pipeline": self.pipeline,
            "engine": self.engine,
            "schema": self.schema,
            "catalog": self.catalog_digest,
            "base": self.base_deploy,
            "options": self.options.as_dict(),
            "steps": [[s.phase, s.object, s.what, list(s.statements)] for s in self.steps],
            "problems": [[p.name, p.message] for p in self.problems],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for c in self.changes:
            found[c.action.value] = found.get(c.action.value, 0) + 1
        return found


RowCounter = Callable[[str], int | None]


def _drop_kind(kind: str) -> str:
    return {MV: "MATERIALIZED VIEW", VIEW: "VIEW", TABLE: "TABLE", SOURCE: "SOURCE"}.get(
        kind, kind.upper()
    )


class _Planner:
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

    def problem(self, name: str, action: Action, message: str, hint: str = "") -> None:
        self.problems.append(Problem(name, action, message, hint))

    def is_ours(self, name: str) -> bool:
        return name in self.ours

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
        self.changes.append(
            Change(o.name, o.kind, Action.BLOCKED, f"belongs to pipeline {record.pipeline}")
        )
        self.problem(
            o.name,
            Action.BLOCKED,
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
        self.changes.append(Change(o.name, o.kind, Action.BLOCKED, "a reserved name"))
        self.problem(
            o.name,
            Action.BLOCKED,
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
        self.changes.append(Change(o.name, o.kind, Action.BLOCKED, "name too long"))
        self.problem(
            o.name,
            Action.BLOCKED,
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

    # -- tables -------------------------------------------------------------------------

    def table(self, o: DesiredObject) -> None:
        assert o.table is not None
        if self.reserved(o) or self.too_long(o) or self.taken(o):
            self.keep.add(o.name)
            return
        rel = self.catalog.get(o.name)
        record = self.ours.get(o.name)
        event = _table_event(o)
        self.keep.add(o.name)
        if rel is None:
            detail = ""
            if record is not None:
                detail = "dropped outside ecomdsl: created again, empty"
                self.warnings.append(f"{o.name}: {detail}")
            self.changes.append(Change(o.name, o.kind, Action.CREATE, detail, o.name))
            self.step(Phase.TABLES, o.name, f"create {o.kind}", o.build, after=(event,))
            return
        if rel.kind not in (TABLE, SOURCE):
            self.changes.append(
                Change(o.name, o.kind, Action.BLOCKED, f"a {rel.kind} has its name")
            )
            self.problem(
                o.name,
                Action.BLOCKED,
                f"a {rel.kind} named {o.name!r} exists in schema {self.catalog.schema!r} "
                f"where the pipeline has a {o.kind}",
                "drop or rename it, or deploy to another --schema",
            )
            return
        adopt_step = False
        if record is None and rel.kind != o.kind:
            self.changes.append(
                Change(o.name, o.kind, Action.BLOCKED, f"a {rel.kind} has its name")
            )
            self.problem(
                o.name,
                Action.BLOCKED,
                f"a {rel.kind} named {o.name!r} exists in schema {self.catalog.schema!r} "
                f"where the pipeline has a {o.kind}, and was not created by ecomdsl",
                "drop or rename it, or deploy to another --schema",
            )
            return
        if record is None:
            if not self.options.adopt:
                self.changes.append(
                    Change(o.name, o.kind, Action.BLOCKED, "exists, not managed by ecomdsl")
                )
                self.problem(
                    o.name,
                    Action.BLOCKED,
                    f"a {o.kind} named {o.name!r} exists in schema {self.catalog.schema!r} and "
                    "was not created by ecomdsl",
                    "--adopt takes it over as it is (its rows are kept), or deploy to another "
                    "--schema",
                )
                return
            adopt_step = True
        new, old = scratch_names(o.name)
        if record is not None and interrupted_swap(self.catalog, self.ours, o.name):
            self._finish_recreate(o)
            return
        for leftover in (new, old):
            if self.catalog.get(leftover) is None:
                continue
            if self.own_leftover(leftover):
                self.table_leftovers[leftover] = (o.name, self.catalog.relations[leftover].kind)
        added, destructive = table_changes(self.catalog, o, record)
        watermark = _watermark_change(record.detail if record else None, o.table)
        in_place_watermark: list[exp.Expr] | None = None
        if watermark is not None and o.table.watermark is not None:
            in_place_watermark = self.adapter.alter_watermark(o.name, o.table.watermark)
            if in_place_watermark is not None:
                destructive = [d for d in destructive if d != watermark]
        if destructive:
            self._destructive(o, destructive, event)
            return
        alter_kind = (
            "SOURCE" if o.kind == SOURCE and self.adapter.engine == "risingwave" else "TABLE"
        )
        trees: list[exp.Expr] = [add_column(o.name, c.copy(), alter_kind) for c in added]
        if in_place_watermark is not None:
            trees += in_place_watermark
            self.warnings.append(f"{o.name}: {watermark}: the late-data cutoff changes from now on")
        if adopt_step:
            self.changes.append(
                Change(o.name, o.kind, Action.ADOPT, "taken over as it is, rows kept", o.name)
            )
            self.step(Phase.TABLES, o.name, "adopt", trees, after=(event,))
            return
        if added or in_place_watermark is not None:
            what = []
            if added:
                what.append("add column " + ", ".join(c.name for c in added))
            if in_place_watermark is not None:
                what.append(str(watermark))
            self.changes.append(Change(o.name, o.kind, Action.IN_PLACE, "; ".join(what), o.name))
            self.step(
                Phase.TABLES,
                o.name,
                " and ".join(
                    label
                    for label, present in (
                        ("add column", bool(added)),
                        ("alter watermark", in_place_watermark is not None),
                    )
                    if present
                ),
                trees,
                after=(event,),
            )
            return
        if record is not None and record.fingerprint != o.table.version:
            # same shape, recorded by an older ecomdsl or adopted: bring the journal up to date
            self.steps[Phase.TABLES].append(
                Step(Phase.TABLES, o.name, "record", (), after=(event,))
            )
        self.changes.append(Change(o.name, o.kind, Action.UNCHANGED, "", o.name))

    def _destructive(self, o: DesiredObject, changes: list[str], event: ObjectEvent) -> None:
        assert o.table is not None
        rows = self.count_rows(o.name)
        at_stake = f"{rows:,} row(s)" if rows is not None else "its rows"
        detail = "; ".join(changes)
        allowed, strategy = allowance(self.options, o.name)
        usable = strategy == "empty" or (strategy == "copy" and o.kind != SOURCE)
        if not (allowed and usable):
            self.changes.append(Change(o.name, o.kind, Action.DESTRUCTIVE, detail, o.name))
            if allowed and strategy == "copy":
                hint = f"a source holds no rows to copy: --allow-destructive {o.name}=empty"
            elif allowed and strategy not in STRATEGIES:
                hint = (
                    f"say how: --allow-destructive {o.name}=copy (recreate it and copy the "
                    f"rows, cast to the new types) or {o.name}=empty (recreate it empty)"
                )
            else:
                hint = (
                    f"keep the table's definition, or allow it: --allow-destructive "
                    f"{o.name}=copy (recreate and copy the rows) or {o.name}=empty"
                )
            self.problem(
                o.name,
                Action.DESTRUCTIVE,
                f"{o.kind} {o.name!r} cannot change in place ({detail}); recreating it "
                f"would lose {at_stake}",
                hint,
            )
            return
        outside = [d for d in self.catalog.readers(o.name) if not self._ours_reader(d)]
        if outside:
            shown = ", ".join(d.display() for d in outside)
            self.problem(
                o.name,
                Action.BLOCKED,
                f"{shown} read(s) {o.name!r}, which this deploy recreates: it would keep "
                "reading the old table",
                f"drop {shown} before the apply and create it again after",
            )
        new, old = scratch_names(o.name)
        for scratch in (new, old):
            self.reserved_in_the_way(scratch, o.name)
        kind = _drop_kind(o.kind)
        create = _renamed(o.build[0], new)
        trees: list[exp.Expr] = [drop(new, kind), create]
        trees += [grant(new, g) for g in self.grants_of(o.name)]
        if strategy == "copy":
            live_names = {n for n, _ in self.catalog.columns.get(o.name, ())}
            common = [(n, t) for n, t in o.table.columns if n in live_names]
            trees.append(copy_rows(o.name, new, common))
            if not self.adapter.TRANSACTIONAL_DDL:
                trees.append(Flush())
            outcome = f"{at_stake} copied"
            lost = sorted(live_names - {n for n, _ in o.table.columns})
            if lost:
                outcome += f" without column(s) {', '.join(lost)} (not in the new definition)"
            self.warnings.append(
                f"{o.name}: stop writing to it during this apply; rows written after the copy "
                "stay in the old table"
            )
        else:
            outcome = f"{at_stake} dropped"
        self.changes.append(
            Change(
                o.name,
                o.kind,
                Action.DESTRUCTIVE,
                f"recreate ({strategy}): {detail}; {outcome}",
                o.name,
            )
        )
        self.step(
            Phase.TABLES,
            o.name,
            f"recreate ({strategy}): build",
            trees,
            before=(ObjectEvent(o.name, new, o.kind, BUILDING, o.table.version, 0, event.detail),),
        )
        self.step(
            Phase.TABLES,
            o.name,
            "recreate: swap",
            self.adapter.swap_table(kind, o.name, new, old),
            transaction=self.adapter.TRANSACTIONAL_DDL,
            after=(
                event,
                ObjectEvent(o.name, new, o.kind, DROPPED),
                ObjectEvent(o.name, old, o.kind, BUILT),
            ),
        )
        self.table_leftovers[old] = (o.name, o.kind)

    def _finish_recreate(self, o: DesiredObject) -> None:
        """The swap of a recreate happened but the journal did not hear of it: record the
        definition that was built (from its ``building`` row), whatever the pipeline says
        now; a further change is the next plan's."""
        new, old = scratch_names(o.name)
        built = self.ours[new]
        current = self.ours[o.name]
        event = ObjectEvent(
            o.name, o.name, o.kind, LIVE, built.fingerprint, current.generation + 1, built.detail
        )
        kind = _drop_kind(o.kind)
        trees = []
        if self.catalog.get(new) is not None and self.catalog.get(old) is None:
            trees.append(rename(kind, new, old))  # RisingWave: SWAP done, rename not
        self.changes.append(
            Change(o.name, o.kind, Action.DESTRUCTIVE, "finishes an interrupted recreate", o.name)
        )
        self.step(
            Phase.TABLES,
            o.name,
            "recreate: finish",
            trees,
            after=(
                event,
                ObjectEvent(o.name, new, o.kind, DROPPED),
                ObjectEvent(o.name, old, o.kind, BUILT),
            ),
        )
        self.table_leftovers[old] = (o.name, o.kind)

    def _ours_reader(self, d: Any) -> bool:
        return d.schema == self.catalog.schema and (d.name in self.ours or d.name in self.keep)

    # -- views and materialized views ------------------------------------------------------

    def view(self, o: DesiredObject, rebuilt: dict[str, str]) -> None:
        name, phys = o.name, o.physical
        self.keep.update({phys, name})
        if self.reserved(o) or self.too_long(o) or self.taken(o):
            return
        facade_rel = self.catalog.get(name)
        facade_record = self.ours.get(name)
        if facade_rel is not None and facade_record is not None and facade_rel.kind != VIEW:
            self.changes.append(
                Change(name, o.kind, Action.BLOCKED, f"a {facade_rel.kind} has its name")
            )
            self.problem(
                name,
                Action.BLOCKED,
                f"{name!r} is a {facade_rel.kind} where ecomdsl keeps the view that reads "
                f"{o.kind} {name!r} (replaced outside ecomdsl, or it was a table in an "
                "earlier version of the pipeline)",
                "rename or drop it (a table's rows go with it), then apply again",
            )
            return
        if facade_rel is not None and facade_record is None:
            if not self.options.adopt or facade_rel.kind not in (VIEW, MV):
                self.changes.append(
                    Change(name, o.kind, Action.BLOCKED, f"a {facade_rel.kind} has its name")
                )
                self.problem(
                    name,
                    Action.BLOCKED,
                    f"a {facade_rel.kind} named {name!r} exists in schema "
                    f"{self.catalog.schema!r} and was not created by ecomdsl",
                    "--adopt renames it to "
                    f"{name}__ecd_legacy and puts the pipeline's {o.kind} in its place "
                    "(readers see the name missing for a moment); or drop it",
                )
                return
            legacy = f"{name}__ecd_legacy"
            self.reserved_in_the_way(legacy, name)
            readers = self.catalog.readers(name)
            if readers:
                shown = ", ".join(d.display() for d in readers)
                self.problem(
                    name,
                    Action.BLOCKED,
                    f"{shown} read(s) the {facade_rel.kind} {name!r} that --adopt replaces: "
                    "it would keep reading the old object",
                    f"drop {shown} first and create it again after the apply",
                )
            self.step(
                Phase.SETUP,
                name,
                "adopt: rename",
                [rename(_drop_kind(facade_rel.kind), name, legacy)],
                after=(ObjectEvent(name, legacy, facade_rel.kind, BUILT),),
            )
            self.adopted_legacy[legacy] = facade_rel.kind
            facade_rel = None
        phys_rel = self.catalog.get(phys)
        if phys_rel is not None:
            expected = {self.want.by_name[r].physical for r in o.reads}
            found = self.catalog.reads_names(phys)
            if found != expected:
                self.problem(
                    name,
                    Action.BLOCKED,
                    f"drift: {phys!r} reads {', '.join(sorted(found)) or 'nothing'} instead of "
                    f"{', '.join(sorted(expected))} (an input was renamed, dropped or replaced "
                    "outside ecomdsl)",
                    "put the input back as it was, or `ecomdsl destroy` and apply again",
                )
        current = None
        if facade_rel is not None:
            reads = self.catalog.reads_names(name)
            current = next(iter(sorted(reads))) if len(reads) == 1 else None
        built = ObjectEvent(name, phys, o.kind, BUILT, o.fingerprint)
        live = (
            ObjectEvent(name, phys, o.kind, LIVE, o.fingerprint),
            ObjectEvent(name, name, FACADE, LIVE),
        )
        if phys_rel is None:
            self.step(
                Phase.BUILD,
                name,
                f"build {o.kind}",
                o.build,
                before=(ObjectEvent(name, phys, o.kind, BUILDING, o.fingerprint),),
                after=(built,),
                wait_for=phys if o.materialized else None,
            )
        elif phys_rel.kind != o.kind:
            self.problem(
                name,
                Action.BLOCKED,
                f"{phys!r} exists as a {phys_rel.kind}, expected a {o.kind}",
                "it was made outside ecomdsl: drop it",
            )
        elif not phys_rel.ready:
            self.step(
                Phase.BUILD,
                name,
                "finish build",
                self.adapter.finish_build(phys),
                after=(built,),
                wait_for=phys,
            )
        if facade_rel is None:
            self.step(Phase.SWITCH, name, "create facade", [facade(name, phys)], after=live)
        elif current != phys:
            outside = [d for d in self.catalog.readers(name) if not self._ours_dependent(d)]
            if outside:
                shown = ", ".join(d.display() for d in outside)
                self.problem(
                    name,
                    Action.BLOCKED,
                    f"{shown} read(s) {name!r}, which this deploy switches to a new version: "
                    "it would keep reading the old one",
                    f"drop {shown} before the apply and create it again after",
                )
            scratch = [self.adapter.next_name(name)]
            if self.adapter.TRANSACTIONAL_DDL:
                scratch.append(self.adapter.prev_name(name))
            for scratch_name in scratch:
                self.reserved_in_the_way(scratch_name, name)
            self.step(
                Phase.SWITCH,
                name,
                "switch facade",
                self.adapter.switch(name, phys, self.grants_of(name)),
                transaction=self.adapter.TRANSACTIONAL_DDL,
                before=tuple(ObjectEvent(name, n, VIEW, BUILDING) for n in scratch),
                after=(*live, *(ObjectEvent(name, n, VIEW, DROPPED) for n in scratch)),
            )
            if current is not None and current in self.ours:
                self.retire[current] = name
            elif facade_record is not None:
                # drift: our facade was re-pointed by hand (at nothing of ours, or at more
                # than one object); it is switched back, and what it read is left alone
                shown = current or ", ".join(sorted(self.catalog.reads_names(name))) or "nothing"
                self.warnings.append(
                    f"{name}: changed outside ecomdsl (it reads {shown}): switched back; "
                    f"{shown} is not ecomdsl's and is left alone"
                )
        elif phys_rel is not None and any(
            r is None or r.state != LIVE for r in (facade_record, self.ours.get(phys))
        ):
            # the facade is right; make the journal say so
            self.steps[Phase.SWITCH].append(Step(Phase.SWITCH, name, "record", (), after=live))
        # what the user sees
        if facade_rel is None and current is None:
            action, detail = Action.CREATE, ""
            if phys_rel is not None:
                detail = "resumes an interrupted build"
            self.changes.append(Change(name, o.kind, action, detail, phys))
        elif current == phys:
            self.changes.append(
                Change(name, o.kind, Action.UNCHANGED, "", phys)
                if phys_rel is not None and phys_rel.ready
                else Change(name, o.kind, Action.REBUILD, "finishes an interrupted build", phys)
            )
        else:
            old = self.ours.get(current) if current else None
            if old is not None and old.fingerprint != o.fingerprint:
                reason = "definition changed"
            else:
                moved = [r for r in o.reads if r in rebuilt]
                reason = (
                    "reads " + ", ".join(moved) + ", rebuilt" if moved else "definition changed"
                )
            rebuilt[name] = reason
            self.changes.append(Change(name, o.kind, Action.REBUILD, reason, phys, current))
        if facade_rel is None or current != phys:
            rebuilt.setdefault(name, "new")

    def _ours_dependent(self, d: Any) -> bool:
        return d.schema == self.catalog.schema and (
            d.name in self.ours
            or d.name in self.keep
            or d.name.endswith(("__ecd_next", "__ecd_prev"))
        )

    # -- retirement ---------------------------------------------------------------------

    def gone(self) -> None:
        """Objects of this pipeline that the pipeline no longer has, and leftovers."""
        wanted = {o.name for o in self.want.objects}
        for phys, record in sorted(self.ours.items()):
            if record.pipeline != self.pipeline or phys in self.keep:
                continue
            if phys in self.retire:
                continue
            if record.logical_name in wanted:
                # an old version or an interrupted build of an object the pipeline has
                if record.kind in (TABLE, SOURCE):
                    continue
                self.retire[phys] = record.logical_name
                continue
            # the pipeline no longer has it
            if record.kind in (TABLE, SOURCE):
                self._gone_table(record.logical_name, record.kind)
                continue
            if not self.options.prune:
                continue
            self.retire[phys] = record.logical_name
        gone_names = sorted(
            {r.logical_name for r in self.ours.values() if r.pipeline == self.pipeline} - wanted
        )
        for name in gone_names:
            kinds = {r.kind for r in self.ours.values() if r.logical_name == name} - {FACADE}
            kind = next(iter(sorted(kinds)), "view")
            if kind in (TABLE, SOURCE):
                continue
            if self.options.prune:
                self.changes.append(Change(name, kind, Action.RETIRE, "gone from the pipeline"))
            else:
                self.changes.append(
                    Change(
                        name, kind, Action.RETIRE, "gone from the pipeline: kept (--prune drops it)"
                    )
                )
                self.warnings.append(f"{name}: gone from the pipeline, kept; `--prune` drops it")
        # leftovers of an interrupted facade switch: journaled before it ran, never dropped
        for rel in self.catalog.relations.values():
            for suffix in ("__ecd_next", "__ecd_prev"):
                base = rel.name.removesuffix(suffix)
                if rel.name.endswith(suffix) and self.own_leftover(rel.name):
                    self.retire[rel.name] = base

    def _gone_table(self, name: str, kind: str) -> None:
        if self.options.keep_tables:
            self.changes.append(
                Change(name, kind, Action.UNCHANGED, "kept (--include-tables drops it)")
            )
            return
        if not self.options.prune:
            self.changes.append(
                Change(name, kind, Action.RETIRE, "gone from the pipeline: kept (--prune drops it)")
            )
            self.warnings.append(f"{name}: gone from the pipeline, kept; `--prune` drops it")
            return
        if self.catalog.get(name) is None:
            self.steps[Phase.RETIRE].append(
                Step(
                    Phase.RETIRE,
                    name,
                    "forget",
                    (),
                    after=(ObjectEvent(name, name, kind, DROPPED),),
                )
            )
            return
        rows = self.count_rows(name)
        at_stake = f"{rows:,} row(s)" if rows is not None else "its rows"
        if name not in self.options.allow_destructive:
            self.changes.append(Change(name, kind, Action.DESTRUCTIVE, f"drop: loses {at_stake}"))
            self.problem(
                name,
                Action.DESTRUCTIVE,
                f"{kind} {name!r} is gone from the pipeline; dropping it loses {at_stake}",
                f"--allow-destructive {name} drops it; without --prune it is kept",
            )
            return
        self.changes.append(Change(name, kind, Action.RETIRE, f"drop: loses {at_stake}"))
        self.retire[name] = name

    def retire_steps(self) -> None:
        """Drop what is retired, dependents first; refuse if something else reads it."""
        present = {p: n for p, n in self.retire.items() if self.catalog.get(p) is not None}
        for phys, name in sorted(self.retire.items()):
            if phys not in present and phys in self.ours:
                record = self.ours[phys]
                self.steps[Phase.RETIRE].append(
                    Step(
                        Phase.RETIRE,
                        name,
                        "forget",
                        (),
                        after=(ObjectEvent(name, phys, record.kind, DROPPED),),
                    )
                )
        # facades of pruned objects are retired with their physical objects
        wanted = {o.name for o in self.want.objects}
        for phys, name in list(present.items()):
            if (
                name not in wanted
                and phys != name
                and self.catalog.get(name) is not None
                and name in self.ours
            ):
                present[name] = name
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(sorted(present))
        for phys in present:
            for reader in self.catalog.readers(phys):
                if reader.schema == self.catalog.schema and reader.name in present:
                    graph.add_edge(reader.name, phys)  # drop the reader first
        blocked: set[str] = set()
        schema = self.catalog.schema
        for phys in nx.lexicographical_topological_sort(graph, key=str):
            readers = self.catalog.readers(phys)
            # our own objects that stay read only the new versions once the apply is done
            outside = [
                d
                for d in readers
                if not (d.schema == schema and (d.name in present or d.name in self.keep))
            ]
            if outside or any(d.schema == schema and d.name in blocked for d in readers):
                blocked.add(phys)
                if outside:
                    shown = ", ".join(d.display() for d in outside)
                    self.problem(
                        present[phys],
                        Action.BLOCKED,
                        f"{phys!r} is to be dropped, but {shown} read(s) it and is not "
                        "managed by ecomdsl",
                        "drop the reader first (ecomdsl never drops what it does not manage)",
                    )
                continue
            rel = self.catalog.get(phys)
            assert rel is not None
            found = self.ours.get(phys)
            kind = found.kind if found else rel.kind
            self.steps[Phase.RETIRE].append(
                Step(
                    Phase.RETIRE,
                    present[phys],
                    "drop",
                    self.sql([drop(phys, _drop_kind(rel.kind))]),
                    after=(ObjectEvent(present[phys], phys, kind, DROPPED),)
                    if found is not None or phys in self.adopted_legacy
                    else (),
                )
            )

    # -- all ----------------------------------------------------------------------------

    def table_leftover_steps(self) -> None:
        """Old tables of a recreate (and scratch tables of an interrupted one), dropped last:
        the old versions of their readers are dropped before them."""
        for leftover, (name, kind) in sorted(self.table_leftovers.items()):
            outside = [
                d
                for d in self.catalog.readers(leftover)
                if not self._ours_reader(d) and d.name not in self.retire
            ]
            if outside:
                shown = ", ".join(d.display() for d in outside)
                self.problem(
                    name,
                    Action.BLOCKED,
                    f"{leftover!r} (left by recreating {name!r}) is read by {shown}",
                    "drop the reader first (ecomdsl never drops what it does not manage)",
                )
                continue
            self.steps[Phase.RETIRE].append(
                Step(
                    Phase.RETIRE,
                    name,
                    "drop old table",
                    self.sql([drop(leftover, _drop_kind(kind))]),
                    after=(ObjectEvent(name, leftover, kind, DROPPED),),
                )
            )

    def legacy_steps(self) -> None:
        """Objects renamed by --adopt: dropped once the pipeline's version is in place."""
        for legacy, kind in sorted(self.adopted_legacy.items()):
            name = legacy.removesuffix("__ecd_legacy")
            self.steps[Phase.RETIRE].append(
                Step(
                    Phase.RETIRE,
                    name,
                    "drop adopted",
                    self.sql([drop(legacy, _drop_kind(kind))]),
                    after=(ObjectEvent(name, legacy, kind, DROPPED),),
                )
            )

    def check_allowances(self) -> None:
        """Every --allow-destructive names a table of the pipeline (or one it had), with
        no strategy or copy / empty."""
        tables = {o.name for o in self.want.objects if o.table is not None} | {
            r.logical_name for r in self.ours.values() if r.kind in (TABLE, SOURCE)
        }
        for entry in self.options.allow_destructive:
            name, sep, strategy = entry.partition("=")
            if sep and strategy not in STRATEGIES:
                self.problem(
                    name or entry,
                    Action.BLOCKED,
                    f"--allow-destructive {entry}: the strategy is copy or empty",
                    f"--allow-destructive {name or 'TABLE'}=copy or ={'empty'}",
                )
            elif name not in tables:
                self.problem(
                    name or entry,
                    Action.BLOCKED,
                    f"--allow-destructive {entry}: the pipeline has no table {name!r}",
                    "name a table of the pipeline (or one it had, to drop it with --prune)",
                )

    def run(self) -> Plan:
        rebuilt: dict[str, str] = {}
        self.check_allowances()
        if not self.catalog.exists and self.want.objects:
            schema = exp.Create(
                this=exp.Table(this=identifier(self.catalog.schema)), kind="SCHEMA", exists=True
            )
            self.step(Phase.SETUP, self.catalog.schema, "create schema", [schema])
        for o in self.want.objects:
            if o.table is not None:
                self.table(o)
            else:
                self.view(o, rebuilt)
        self.gone()
        self.retire_steps()
        self.legacy_steps()
        self.table_leftover_steps()
        steps = tuple(s for phase in Phase for s in self.steps[phase])
        return Plan(
            self.pipeline,
            self.adapter.engine,
            self.catalog.schema,
            tuple(self.changes),
            steps,
            tuple(self.problems),
            tuple(self.warnings),
            self.catalog.digest(),
            self.journal.last_finished,
            self.options,
        )


def make_plan(
    want: Desired,
    catalog: Catalog,
    journal: JournalState,
    adapter: Adapter,
    options: Options | None = None,
    count_rows: RowCounter | None = None,
) -> Plan:
    """The plan that brings the catalog to the pipeline (pure: no database access)."""
    options = options or Options()
    generations = table_generations(want, catalog, journal, options)
    if any(o.generation != generations.get(o.name, 0) for o in want.objects if o.table):
        # a table is recreated: everything that reads it is built again on the new one
        want = desired(want.pipeline, adapter, generations)
    return _Planner(want, catalog, journal, adapter, options, count_rows or (lambda _: None)).run()


STRATEGIES = ("copy", "empty")
RESERVED = re.compile(r"__(ecd_(new|old|next|prev|legacy)|[0-9a-f]{8})$")
MAX_PG_NAME = 51  # 63 bytes, less the longest suffix ecomdsl adds (__ecd_legacy)


def allowance(options: Options, name: str) -> tuple[bool, str | None]:
    """Whether ``--allow-destructive`` names the table, and the strategy given with it."""
    for entry in options.allow_destructive:
        allowed, _, strategy = entry.partition("=")
        if allowed == name:
            return True, strategy or None
    return False, None


def scratch_names(table: str) -> tuple[str, str]:
    """The new table of a recreate, and the old one once replaced (a long name is
    shortened with a hash of it, so two long names never share scratch names)."""
    base = table
    if len(table.encode()) > 50:
        base = table[:40] + "_" + hashlib.sha256(table.encode()).hexdigest()[:8]
    return f"{base}__ecd_new", f"{base}__ecd_old"


def interrupted_swap(catalog: Catalog, ours: dict[str, Any], table: str) -> bool:
    """A recreate of ``table`` got past its swap but not past journaling it: the new table
    is journaled ``building``, and the catalog shows the swap (an old table left, or, on
    RisingWave between SWAP and RENAME, the scratch name on the older table: ids only grow)."""
    new, old = scratch_names(table)
    record = ours.get(new)
    if record is None or record.state != BUILDING:
        return False
    current, new_rel = catalog.get(table), catalog.get(new)
    if catalog.get(old) is not None:
        return True
    return current is not None and new_rel is not None and new_rel.oid < current.oid


def table_changes(
    catalog: Catalog, o: DesiredObject, record: Any
) -> tuple[list[exp.ColumnDef], list[str]]:
    """Columns to add, and the changes that cannot be made in place."""
    assert o.table is not None
    added, destructive = _column_diff(catalog.columns.get(o.name, ()), o.table)
    if record is not None and record.detail:
        destructive.extend(_identity_diff(record.detail, o.table))
    return added, destructive


def table_generations(
    want: Desired, catalog: Catalog, journal: JournalState, options: Options
) -> dict[str, int]:
    """How often each table has been recreated, counting a recreate this plan makes or
    finishes (part of its readers' identity)."""
    found: dict[str, int] = {}
    for o in want.objects:
        if o.table is None:
            continue
        record = journal.objects.get(o.name)
        generation = record.generation if record else 0
        if record is not None and catalog.get(o.name) is not None:
            ours = {k: v for k, v in journal.objects.items() if v.pipeline == want.pipeline.name}
            if interrupted_swap(catalog, ours, o.name):
                generation += 1
            else:
                _, destructive = table_changes(catalog, o, record)
                allowed, strategy = allowance(options, o.name)
                if destructive and allowed and strategy in STRATEGIES:
                    generation += 1
        found[o.name] = generation
    return found


def _table_event(o: DesiredObject) -> ObjectEvent:
    assert o.table is not None
    return ObjectEvent(
        o.name,
        o.name,
        o.kind,
        LIVE,
        o.table.version,
        o.generation,
        json.dumps(dict(o.table.identity_parts)),
    )


def _renamed(create: exp.Expr, name: str) -> exp.Expr:
    tree = create.copy()
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    target.set("this", identifier(name))
    return tree


def copy_rows(table: str, new: str, columns: list[tuple[str, exp.DataType]]) -> exp.Insert:
    """``INSERT INTO new (c, ...) SELECT CAST(c AS type), ... FROM table``."""
    select = exp.select(
        *[exp.Cast(this=exp.column(identifier(n)), to=t.copy()) for n, t in columns]
    ).from_(exp.Table(this=identifier(table)))
    return exp.Insert(
        this=exp.Schema(
            this=exp.Table(this=identifier(new)), expressions=[identifier(n) for n, _ in columns]
        ),
        expression=select,
    )


def _same_type(live: str, want: exp.DataType) -> bool:
    try:
        parsed = exp.DataType.build(live, dialect="postgres")
    except Exception:  # an engine type sqlglot does not know: compare the text
        return live.lower() == want.sql("postgres").lower()
    if parsed.this != want.this:
        return False
    return not (parsed.expressions and want.expressions) or parsed == want


def _column_diff(
    live: tuple[tuple[str, str], ...], spec: TableSpec
) -> tuple[list[exp.ColumnDef], list[str]]:
    """Columns to add at the end, and every change that cannot be made in place."""
    want = list(spec.columns)
    problems: list[str] = []
    want_names = [n for n, _ in want]
    live_names = [n for n, _ in live]
    removed = [n for n in live_names if n not in want_names]
    if removed:
        problems.append(
            "column(s) " + ", ".join(removed) + " of the database table not in the pipeline "
            "(removed from it, or added outside ecomdsl)"
        )
    for name, type_text in live:
        target = dict(want).get(name)
        if target is not None and not _same_type(type_text, target):
            problems.append(f"column {name}: type {type_text} -> {target.sql('postgres').lower()}")
    kept = [n for n in want_names if n in live_names]
    if not removed and kept != live_names[: len(kept)]:
        problems.append("columns reordered")
    if problems:
        return [], problems
    if want_names[: len(live_names)] != live_names:
        return [], ["new columns must come after the existing ones (RisingWave adds at the end)"]
    added = [spec.column_defs[i] for i in range(len(live_names), len(want_names))]
    return added, []


def _watermark_change(recorded: str | None, spec: TableSpec) -> str | None:
    """The identity change when only the watermark's delay changed (same column, same TTL
    flag): RisingWave >= 3.0 alters that in place (``alter_watermark.rs``)."""
    before: dict[str, str] = json.loads(recorded) if recorded else {}
    after = dict(spec.identity_parts)
    changed = [k for k, v in after.items() if k in before and before[k] != v]
    if changed != ["watermark"] or "none" in (before["watermark"], after["watermark"]):
        return None
    old, new = before["watermark"], after["watermark"]
    same_column = old.split(" - ")[0] == new.split(" - ")[0]
    same_ttl = old.endswith("WITH TTL") == new.endswith("WITH TTL")
    return f"watermark: {old} -> {new}" if same_column and same_ttl else None


def _identity_diff(recorded: str | None, spec: TableSpec) -> list[str]:
    before: dict[str, str] = json.loads(recorded) if recorded else {}
    found = []
    for what, value in spec.identity_parts:
        old = before.get(what)
        if old is not None and old != value:
            found.append(f"{what}: {old} -> {value}")
    return found
