"""The planner's retirement: what is gone from the pipeline, old versions and leftovers,
dropped dependents first and never when something ecomdsl does not manage reads them."""

from __future__ import annotations

import networkx as nx

from ecomdsl.deploy.adapters import drop
from ecomdsl.deploy.catalog import SOURCE, TABLE
from ecomdsl.deploy.plan import (
    Action,
    Change,
    ObjectEvent,
    Phase,
    Step,
)
from ecomdsl.deploy.planning import PlannerBase
from ecomdsl.deploy.state import DROPPED, FACADE
from ecomdsl.deploy.tables import drop_kind


class RetirePlanner(PlannerBase):
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
                event = ObjectEvent(name, phys, self.ours[phys].kind, DROPPED)
                self.steps[Phase.RETIRE].append(
                    Step(Phase.RETIRE, name, "forget", (), after=(event,))
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
        blocked: set[str] = set()
        for phys in nx.lexicographical_topological_sort(self._drop_order(present), key=str):
            if self._still_read(phys, present, blocked):
                blocked.add(phys)
            else:
                self._drop(phys, present[phys])

    def _drop_order(self, present: dict[str, str]) -> nx.DiGraph[str]:
        """The retired objects, an edge from each reader to what it reads (dropped after)."""
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(sorted(present))
        for phys in present:
            for reader in self.catalog.readers(phys):
                if reader.schema == self.catalog.schema and reader.name in present:
                    graph.add_edge(reader.name, phys)  # drop the reader first
        return graph

    def _still_read(self, phys: str, present: dict[str, str], blocked: set[str]) -> bool:
        """Something that stays reads ``phys`` (a reader ecomdsl does not manage: a problem),
        or a reader of it could not be dropped: it stays too."""
        schema = self.catalog.schema
        readers = self.catalog.readers(phys)
        # our own objects that stay read only the new versions once the apply is done
        outside = [
            d
            for d in readers
            if not (d.schema == schema and (d.name in present or d.name in self.keep))
        ]
        if outside:
            shown = ", ".join(d.display() for d in outside)
            self.problem(
                present[phys],
                Action.BLOCKED,
                f"{phys!r} is to be dropped, but {shown} read(s) it and is not managed by ecomdsl",
                "drop the reader first (ecomdsl never drops what it does not manage)",
            )
            return True
        return any(d.schema == schema and d.name in blocked for d in readers)

    def _drop(self, phys: str, name: str) -> None:
        rel = self.catalog.get(phys)
        assert rel is not None
        found = self.ours.get(phys)
        kind = found.kind if found else rel.kind
        journaled = found is not None or phys in self.adopted_legacy
        self.steps[Phase.RETIRE].append(
            Step(
                Phase.RETIRE,
                name,
                "drop",
                self.sql([drop(phys, drop_kind(rel.kind))]),
                after=(ObjectEvent(name, phys, kind, DROPPED),) if journaled else (),
            )
        )

    def legacy_steps(self) -> None:
        """Objects renamed by --adopt: dropped once the pipeline's version is in place."""
        for legacy, kind in sorted(self.adopted_legacy.items()):
            name = legacy.removesuffix("__ecd_legacy")
            self.drop_step(name, legacy, kind, "drop adopted")
