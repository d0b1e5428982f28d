"""`make_plan`: the difference between the pipeline and the database, as a `Plan`.

A pure function of what the pipeline wants (`Desired`), what the database has (`Catalog`),
what ecomdsl deployed before (`JournalState`) and the user's options; the parts of the
planner live in `plan_tables`, `plan_views` and `plan_retire`.
"""

from __future__ import annotations

from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter
from ecomdsl.deploy.catalog import Catalog
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.plan import (
    Options,
    Phase,
    Plan,
    RowCounter,
)
from ecomdsl.deploy.plan_retire import RetirePlanner
from ecomdsl.deploy.plan_tables import TablePlanner
from ecomdsl.deploy.plan_views import ViewPlanner
from ecomdsl.deploy.state import JournalState
from ecomdsl.deploy.tables import table_generations
from ecomdsl.dialect import identifier


class _Planner(TablePlanner, ViewPlanner, RetirePlanner):
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
