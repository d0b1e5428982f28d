"""The planner's tables: create, adopt, add a column, alter a watermark, recreate."""

from __future__ import annotations

from sqlglot import exp

from ecomdsl.deploy.adapters import add_column, drop, grant, rename
from ecomdsl.deploy.catalog import SOURCE, TABLE
from ecomdsl.deploy.desired import DesiredObject
from ecomdsl.deploy.plan import (
    Action,
    Change,
    ObjectEvent,
    Phase,
    Step,
)
from ecomdsl.deploy.planning import PlannerBase
from ecomdsl.deploy.state import BUILDING, BUILT, DROPPED, LIVE, ObjectRecord
from ecomdsl.deploy.tables import (
    STRATEGIES,
    allowance,
    copy_rows,
    drop_kind,
    interrupted_swap,
    renamed_create,
    scratch_names,
    table_changes,
    table_event,
    watermark_change,
)
from ecomdsl.dialect import Flush


class TablePlanner(PlannerBase):
    def table(self, o: DesiredObject) -> None:
        """Create the table, take it over (--adopt), change it in place, or recreate it."""
        assert o.table is not None
        self.keep.add(o.name)
        if self.reserved(o) or self.too_long(o) or self.taken(o):
            return
        rel = self.catalog.get(o.name)
        record = self.ours.get(o.name)
        event = table_event(o)
        if rel is None:
            self._create(o, record is not None, event)
            return
        if self._table_in_the_way(o, rel.kind, record is not None):
            return
        if record is not None and interrupted_swap(self.catalog, self.ours, o.name):
            self._finish_recreate(o)
            return
        for leftover in scratch_names(o.name):
            if self.catalog.get(leftover) is not None and self.own_leftover(leftover):
                self.table_leftovers[leftover] = (o.name, self.catalog.relations[leftover].kind)
        self._alter(o, record, event)

    def _create(self, o: DesiredObject, journaled: bool, event: ObjectEvent) -> None:
        detail = ""
        if journaled:
            detail = "dropped outside ecomdsl: created again, empty"
            self.warnings.append(f"{o.name}: {detail}")
        self.changes.append(Change(o.name, o.kind, Action.CREATE, detail, o.name))
        self.step(Phase.TABLES, o.name, f"create {o.kind}", o.build, after=(event,))

    def _table_in_the_way(self, o: DesiredObject, kind: str, ours: bool) -> bool:
        """A view has the table's name, or a relation ecomdsl did not make (unless --adopt
        takes a table of the same kind over): blocked."""
        where = f"exists in schema {self.catalog.schema!r}"
        if kind not in (TABLE, SOURCE) or (not ours and kind != o.kind):
            unmanaged = ", and was not created by ecomdsl" if kind in (TABLE, SOURCE) else ""
            self.blocked(
                o,
                f"a {kind} has its name",
                f"a {kind} named {o.name!r} {where} where the pipeline has a {o.kind}{unmanaged}",
                "drop or rename it, or deploy to another --schema",
            )
            return True
        if ours or self.options.adopt:
            return False
        self.blocked(
            o,
            "exists, not managed by ecomdsl",
            f"a {o.kind} named {o.name!r} {where} and was not created by ecomdsl",
            "--adopt takes it over as it is (its rows are kept), or deploy to another --schema",
        )
        return True

    def _alter(self, o: DesiredObject, record: ObjectRecord | None, event: ObjectEvent) -> None:
        """Adopt, add columns or alter the watermark in place; a change RisingWave cannot
        make in place is a recreate (`_destructive`)."""
        assert o.table is not None
        added, destructive = table_changes(self.catalog, o, record)
        watermark = watermark_change(record.detail if record else None, o.table)
        alter_watermark = None
        if watermark is not None and o.table.watermark is not None:
            alter_watermark = self.adapter.alter_watermark(o.name, o.table.watermark)
        if alter_watermark is not None:
            destructive = [d for d in destructive if d != watermark]
        if destructive:
            self._destructive(o, destructive, event)
            return
        alter_kind = (
            "SOURCE" if o.kind == SOURCE and self.adapter.engine == "risingwave" else "TABLE"
        )
        trees: list[exp.Expr] = [add_column(o.name, c.copy(), alter_kind) for c in added]
        if alter_watermark is not None:
            trees += alter_watermark
            self.warnings.append(f"{o.name}: {watermark}: the late-data cutoff changes from now on")
        if record is None:
            self.changes.append(
                Change(o.name, o.kind, Action.ADOPT, "taken over as it is, rows kept", o.name)
            )
            self.step(Phase.TABLES, o.name, "adopt", trees, after=(event,))
        elif added or alter_watermark is not None:
            in_place = watermark if alter_watermark is not None else None
            self._in_place(o, [c.name for c in added], in_place, trees, event)
        else:
            if record.fingerprint != o.table.version:
                # same shape, recorded by an older ecomdsl or adopted: bring the journal up to date
                self.steps[Phase.TABLES].append(
                    Step(Phase.TABLES, o.name, "record", (), after=(event,))
                )
            self.changes.append(Change(o.name, o.kind, Action.UNCHANGED, "", o.name))

    def _in_place(
        self,
        o: DesiredObject,
        added: list[str],
        watermark: str | None,
        trees: list[exp.Expr],
        event: ObjectEvent,
    ) -> None:
        """ADD COLUMN and ALTER ... WATERMARK: the table keeps its rows."""
        what = []
        if added:
            what.append("add column " + ", ".join(added))
        if watermark is not None:
            what.append(watermark)
        self.changes.append(Change(o.name, o.kind, Action.IN_PLACE, "; ".join(what), o.name))
        labels = [("add column", bool(added)), ("alter watermark", watermark is not None)]
        label = " and ".join(text for text, present in labels if present)
        self.step(Phase.TABLES, o.name, label, trees, after=(event,))

    def _destructive(self, o: DesiredObject, changes: list[str], event: ObjectEvent) -> None:
        """Recreate the table, as --allow-destructive says (copy its rows or start empty)."""
        assert o.table is not None
        rows = self.count_rows(o.name)
        at_stake = f"{rows:,} row(s)" if rows is not None else "its rows"
        detail = "; ".join(changes)
        allowed, strategy = allowance(self.options, o.name)
        if not (allowed and (strategy == "empty" or (strategy == "copy" and o.kind != SOURCE))):
            self._refuse_recreate(o, detail, at_stake, allowed, strategy)
            return
        self.left_reading(o.name, "recreates", "table")
        new, old = scratch_names(o.name)
        for scratch in (new, old):
            self.reserved_in_the_way(scratch, o.name)
        trees, outcome = self._recreate_build(o, new, strategy == "copy", at_stake)
        self.changes.append(
            Change(
                o.name,
                o.kind,
                Action.DESTRUCTIVE,
                f"recreate ({strategy}): {detail}; {outcome}",
                o.name,
            )
        )
        self._recreate_steps(o, f"recreate ({strategy}): build", trees, event)

    def _refuse_recreate(
        self, o: DesiredObject, detail: str, at_stake: str, allowed: bool, strategy: str | None
    ) -> None:
        """Not allowed, or allowed without a strategy that works for this kind: say how."""
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

    def _recreate_build(
        self, o: DesiredObject, new: str, copy: bool, at_stake: str
    ) -> tuple[list[exp.Expr], str]:
        """The new table under its scratch name, its grants, and (``copy``) the rows cast to
        the new types; and what becomes of the rows."""
        assert o.table is not None
        trees: list[exp.Expr] = [drop(new, drop_kind(o.kind)), renamed_create(o.build[0], new)]
        trees += [grant(new, g) for g in self.grants_of(o.name)]
        if not copy:
            return trees, f"{at_stake} dropped"
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
        return trees, outcome

    def _recreate_steps(
        self, o: DesiredObject, what: str, trees: list[exp.Expr], event: ObjectEvent
    ) -> None:
        """Build the new table (journaled ``building``), then swap it in for the old one."""
        assert o.table is not None
        new, old = scratch_names(o.name)
        kind = drop_kind(o.kind)
        self.step(
            Phase.TABLES,
            o.name,
            what,
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
        kind = drop_kind(o.kind)
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

    def table_leftover_steps(self) -> None:
        """Old tables of a recreate (and scratch tables of an interrupted one), dropped last:
        the old versions of their readers are dropped before them."""
        for leftover, (name, kind) in sorted(self.table_leftovers.items()):
            outside = [
                d
                for d in self.catalog.readers(leftover)
                if not self.ours_reader(d) and d.name not in self.retire
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
            self.drop_step(name, leftover, kind, "drop old table")

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
