"""The planner's views and materialized views: build, switch a facade, adopt, drift."""

from __future__ import annotations

import attrs

from ecomdsl.deploy.adapters import rename
from ecomdsl.deploy.catalog import MV, VIEW, Relation
from ecomdsl.deploy.desired import DesiredObject, facade
from ecomdsl.deploy.plan import (
    Action,
    Change,
    ObjectEvent,
    Phase,
    Step,
)
from ecomdsl.deploy.planning import PlannerBase
from ecomdsl.deploy.state import BUILDING, BUILT, DROPPED, FACADE, LIVE, ObjectRecord
from ecomdsl.deploy.tables import drop_kind


@attrs.frozen
class _Found:
    """What the database has of one view: the facade with its name (and ecomdsl's record
    of it), what that facade reads now, and the physical object the pipeline wants."""

    facade: Relation | None
    record: ObjectRecord | None
    current: str | None
    physical: Relation | None


class ViewPlanner(PlannerBase):
    def view(self, o: DesiredObject, rebuilt: dict[str, str]) -> None:
        """A view or materialized view: its physical object and the facade that reads it."""
        name, phys = o.name, o.physical
        self.keep.update({phys, name})
        if self.reserved(o) or self.too_long(o) or self.taken(o):
            return
        facade_rel: Relation | None = self.catalog.get(name)
        facade_record = self.ours.get(name)
        if facade_rel is not None:
            if self._in_the_way(o, facade_rel, facade_record is not None):
                return
            if facade_record is None:
                self._adopt(o, facade_rel)
                facade_rel = None
        phys_rel = self.catalog.get(phys)
        self._check_drift(o, phys_rel)
        current = None
        if facade_rel is not None:
            reads = self.catalog.reads_names(name)
            current = next(iter(sorted(reads))) if len(reads) == 1 else None
        self._build(o, phys_rel)
        found = _Found(facade_rel, facade_record, current, phys_rel)
        self._switch(o, found)
        self._describe(o, found, rebuilt)

    def _in_the_way(self, o: DesiredObject, rel: Relation, ours: bool) -> bool:
        """Something that is not our facade has the name: blocked (unless --adopt can take a
        view or materialized view of someone else over)."""
        if ours and rel.kind == VIEW:
            return False
        if not ours and self.options.adopt and rel.kind in (VIEW, MV):
            return False
        if ours:
            message = (
                f"{o.name!r} is a {rel.kind} where ecomdsl keeps the view that reads {o.kind} "
                f"{o.name!r} (replaced outside ecomdsl, or it was a table in an earlier version "
                "of the pipeline)"
            )
            hint = "rename or drop it (a table's rows go with it), then apply again"
        else:
            message = (
                f"a {rel.kind} named {o.name!r} exists in schema {self.catalog.schema!r} and "
                "was not created by ecomdsl"
            )
            hint = (
                f"--adopt renames it to {o.name}__ecd_legacy and puts the pipeline's {o.kind} "
                "in its place (readers see the name missing for a moment); or drop it"
                if rel.kind in (VIEW, MV)
                else "rename or drop it, or deploy to another --schema"
            )
        self.blocked(o, f"a {rel.kind} has its name", message, hint)
        return True

    def _adopt(self, o: DesiredObject, rel: Relation) -> None:
        """--adopt: rename someone else's view or MV aside, to be dropped at the end."""
        name = o.name
        legacy = f"{name}__ecd_legacy"
        self.reserved_in_the_way(legacy, name)
        readers = self.catalog.readers(name)
        if readers:
            shown = ", ".join(d.display() for d in readers)
            self.problem(
                name,
                Action.BLOCKED,
                f"{shown} read(s) the {rel.kind} {name!r} that --adopt replaces: "
                "it would keep reading the old object",
                f"drop {shown} first and create it again after the apply",
            )
        self.step(
            Phase.SETUP,
            name,
            "adopt: rename",
            [rename(drop_kind(rel.kind), name, legacy)],
            after=(ObjectEvent(name, legacy, rel.kind, BUILT),),
        )
        self.adopted_legacy[legacy] = rel.kind

    def _check_drift(self, o: DesiredObject, phys_rel: Relation | None) -> None:
        """The physical object must still read the physical objects it was built on."""
        if phys_rel is None:
            return
        expected = {self.want.by_name[r].physical for r in o.reads}
        found = self.catalog.reads_names(o.physical)
        if found != expected:
            self.problem(
                o.name,
                Action.BLOCKED,
                f"drift: {o.physical!r} reads {', '.join(sorted(found)) or 'nothing'} instead "
                f"of {', '.join(sorted(expected))} (an input was renamed, dropped or replaced "
                "outside ecomdsl)",
                "put the input back as it was, or `ecomdsl destroy` and apply again",
            )

    def _build(self, o: DesiredObject, phys_rel: Relation | None) -> None:
        """Create the physical object, or finish an interrupted build of it."""
        name, phys = o.name, o.physical
        built = ObjectEvent(name, phys, o.kind, BUILT, o.fingerprint)
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

    def _switch(
        self,
        o: DesiredObject,
        found: _Found,
    ) -> None:
        """Create the facade, or point it at the new physical object atomically."""
        name, phys = o.name, o.physical
        live = (
            ObjectEvent(name, phys, o.kind, LIVE, o.fingerprint),
            ObjectEvent(name, name, FACADE, LIVE),
        )
        if found.facade is None:
            self.step(Phase.SWITCH, name, "create facade", [facade(name, phys)], after=live)
            return
        if found.current == phys:
            if found.physical is not None and any(
                r is None or r.state != LIVE for r in (found.record, self.ours.get(phys))
            ):
                # the facade is right; make the journal say so
                self.steps[Phase.SWITCH].append(Step(Phase.SWITCH, name, "record", (), after=live))
            return
        self.left_reading(name, "switches to a new version", "one")
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
        if found.current is not None and found.current in self.ours:
            self.retire[found.current] = name
        elif found.record is not None:
            # drift: our facade was re-pointed by hand (at nothing of ours, or at more than
            # one object); it is switched back, and what it read is left alone
            shown = found.current or ", ".join(sorted(self.catalog.reads_names(name))) or "nothing"
            self.warnings.append(
                f"{name}: changed outside ecomdsl (it reads {shown}): switched back; "
                f"{shown} is not ecomdsl's and is left alone"
            )

    def _describe(
        self,
        o: DesiredObject,
        found: _Found,
        rebuilt: dict[str, str],
    ) -> None:
        """The object's line in the plan (and what its readers say when it is rebuilt)."""
        name, phys = o.name, o.physical
        if found.facade is None and found.current is None:
            detail = ""
            if found.physical is not None:
                detail = (
                    "its view was dropped outside ecomdsl: created again"
                    if found.record is not None and found.record.state == LIVE
                    else "resumes an interrupted build"
                )
            self.changes.append(Change(name, o.kind, Action.CREATE, detail, phys))
        elif found.current == phys:
            self.changes.append(
                Change(name, o.kind, Action.UNCHANGED, "", phys)
                if found.physical is not None and found.physical.ready
                else Change(name, o.kind, Action.REBUILD, "finishes an interrupted build", phys)
            )
        else:
            old = self.ours.get(found.current) if found.current else None
            if old is not None and old.fingerprint != o.fingerprint:
                reason = "definition changed"
            elif old is None and found.record is not None:
                reason = "its view was changed outside ecomdsl: switched back"
            else:
                moved = [r for r in o.reads if r in rebuilt]
                reason = (
                    "reads " + ", ".join(moved) + ", rebuilt" if moved else "definition changed"
                )
            rebuilt[name] = reason
            self.changes.append(Change(name, o.kind, Action.REBUILD, reason, phys, found.current))
        if found.facade is None or found.current != phys:
            rebuilt.setdefault(name, "new")
