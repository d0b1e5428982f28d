"""RisingWave deploys as plans and golden SQL against catalog rows (no database needed).

No RisingWave runs on our machines, so what only RisingWave does is tested here: which adapter
a ``SELECT version()`` text selects and what each version may be sent, the plan that
`ecomdsl.deploy.plan.make_plan` makes against hand-built catalogs of the seed pipeline (first
deploy, nothing to do, a rebuild, a build still running, a crash inside a facade switch, an
unmanaged reader, an unmanaged table), that every statement the RisingWave adapter can send
reads back through the ``ecomdsl`` dialect unchanged, how lock errors are recognised, and the
catalog queries' RisingWave predicates.

The catalog rows are modelled on RisingWave's own source (github:risingwavelabs/risingwave):

- ``rw_relations.relation_type``: 'table', 'source', 'index', 'sink', 'subscription',
  'materialized view', 'view' (src/frontend/src/catalog/system_catalog/rw_catalog/
  rw_relations.rs); a materialized view still in backfill is listed with status Creating
  (rw_materialized_views.rs) and has a row in rw_ddl_progress whose ``ddl_id`` is its id
  (rw_ddl_progress.rs);
- ``rw_depend(objid, refobjid)`` (rw_depend.rs), so a reader in another schema is seen;
- ``rw_columns.data_type`` is the Display of RisingWave's DataType ('character varying',
  'integer', 'bigint', 'numeric', 'timestamp without time zone', 'jsonb', 'boolean':
  src/common/src/types/mod.rs; ``DESCRIBE`` prints the same words in e2e_test/ddl/show.slt);
  the hidden ``_row_id`` and ``_rw_timestamp`` columns are left out by ``NOT is_hidden``
  (rw_columns.rs; ColumnCatalog::rw_timestamp_column in src/common/src/catalog/column.rs);
- ``ALTER VIEW a SWAP WITH b`` swaps two views' names and definitions
  (e2e_test/ddl/alter_swap_rename.slt).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Self, cast

import attrs
import psycopg
import pytest
import sqlglot
from sqlglot import exp

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl import Kafka, Pipeline, Stream
from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.adapters import (
    Postgres,
    RisingWave,
    adapter_for,
    add_column,
    drop,
    rename,
)
from ecomdsl.deploy.apply import _check_version
from ecomdsl.deploy.catalog import QUERIES, Catalog, Dependent, Relation, read_catalog
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.lock import ViewLock, is_busy
from ecomdsl.deploy.plan import Action, ObjectEvent, Options, Phase, Plan
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.state import (
    BUILDING,
    BUILT,
    DROPPED,
    FACADE,
    LIVE,
    JournalState,
    ObjectRecord,
    bootstrap_statements,
)
from ecomdsl.dialect import identifier
from ecomdsl.model import ir
from ecomdsl.model.build import resolve
from tests.helpers import ROOT

SCHEMA = "public"
RW3 = RisingWave((3, 0, 0), "PostgreSQL 13.14.0-RisingWave-3.0.0 (0123abcd)")
GENERATED = ROOT / "generated" / "ecommerce"
DEPLOY = "20250101T000000Z-abc123"  # the deploy that put the "deployed" schema in place

# Physical names of the seed pipeline: name__<8 hex of definition and inputs>. Pinned: a
# change here renames (so rebuilds) every deployed object on the next apply.
EVENTS = "user_events_watermarked__c18516fd"
REVENUE = "revenue_tracker__0f19b142"
OLD_REVENUE = "revenue_tracker__00c0ffee"  # an older version of revenue_tracker
NEXT = "revenue_tracker__ecd_next"

MVS = (
    "anomaly_detection",
    "funnel_analysis",
    "pageview_metrics",
    "product_performance",
    "product_view_metrics",
    "revenue_tracker",
)

# rw_columns (name, data_type) of the seed tables as RisingWave prints them, visible columns
# only, in position order.
VARCHAR, TIMESTAMP = "character varying", "timestamp without time zone"
SEED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "products": (
        ("product_id", VARCHAR),
        ("name", VARCHAR),
        ("category", VARCHAR),
        ("price", "numeric"),
        ("inventory_count", "integer"),
        ("created_at", TIMESTAMP),
        ("is_active", "boolean"),
    ),
    "users": (
        ("user_id", VARCHAR),
        ("email", VARCHAR),
        ("country", VARCHAR),
        ("city", VARCHAR),
        ("device_type", VARCHAR),
        ("created_at", TIMESTAMP),
        ("last_login", TIMESTAMP),
    ),
    "user_events": (
        ("event_id", VARCHAR),
        ("user_id", VARCHAR),
        ("session_id", VARCHAR),
        ("event_type", VARCHAR),
        ("product_id", VARCHAR),
        ("page_url", VARCHAR),
        ("referrer_url", VARCHAR),
        ("device_type", VARCHAR),
        ("event_time", TIMESTAMP),
        ("event_data", "jsonb"),
    ),
}


def _generated() -> dict[str, exp.Expr]:
    """The reviewed statements of generated/ecommerce/, by object name."""
    found: dict[str, exp.Expr] = {}
    for name in ("create_tables.sql", "create_views.sql"):
        for tree in sqlglot.parse((GENERATED / name).read_text(), read="ecomdsl"):
            assert isinstance(tree, exp.Create)
            target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
            found[target.name] = tree
    return found


def _as_deployed(tree: exp.Expr, names: dict[str, str]) -> str:
    """A reviewed statement as a deploy sends it: comments gone, objects under their
    physical names."""
    copy = tree.copy()
    for node in copy.find_all(exp.Table, exp.Column):
        if isinstance(node, exp.Table) and node.name in names:
            node.set("this", identifier(names[node.name]))
        elif isinstance(node, exp.Column) and not node.table and node.name in names:
            node.set("this", identifier(names[node.name]))  # HOP(input, ...)
    for each in copy.walk():
        each.comments = None
    return RW3.text(copy)


# What the deploy sends is the SQL reviewed in generated/, not a copy of the deploy's output.
GENERATED_STATEMENTS = _generated()
REVENUE_CREATE = _as_deployed(
    GENERATED_STATEMENTS["revenue_tracker"],
    {"revenue_tracker": REVENUE, "user_events_watermarked": EVENTS},
)


# -- the seed pipeline, a catalog and a journal built by hand --------------------------------


@pytest.fixture(scope="module")
def seed() -> ir.ResolvedPipeline:
    return resolve_paths([ROOT / "pipelines"], ROOT)[0]


@pytest.fixture(scope="module")
def want(seed: ir.ResolvedPipeline) -> Desired:
    return desired(seed, RW3)


class FakeSchema:
    """One schema's rows as `read_catalog` reads them from RisingWave: rw_relations (id, name,
    relation_type, ready = no rw_ddl_progress row), rw_depend edges and rw_columns."""

    def __init__(self, name: str = SCHEMA) -> None:
        self.name = name
        self.relations: dict[str, Relation] = {}
        self.edges: list[tuple[int, int]] = []  # rw_depend (objid, refobjid), both in here
        self.elsewhere: list[tuple[str, Dependent]] = []  # (read relation, reader elsewhere)
        self.columns: dict[str, tuple[tuple[str, str], ...]] = {}

    def add(
        self,
        name: str,
        relation_type: str,
        reads: Iterable[str] = (),
        *,
        ready: bool = True,
        columns: tuple[tuple[str, str], ...] | None = None,
    ) -> None:
        oid = 1001 + len(self.relations)
        self.relations[name] = Relation(oid, name, relation_type, ready)
        self.edges += [(oid, self.relations[r].oid) for r in reads]
        if columns is not None:
            self.columns[name] = columns

    def read_by(self, name: str, reader: Dependent) -> None:
        self.elsewhere.append((name, reader))

    def catalog(self) -> Catalog:
        by_oid = {r.oid: r for r in self.relations.values()}
        reads: dict[int, set[int]] = {}
        dependents: dict[int, list[Dependent]] = {}
        for objid, refobjid in self.edges:
            reads.setdefault(objid, set()).add(refobjid)
            rel = by_oid[objid]
            dependents.setdefault(refobjid, []).append(
                Dependent(objid, self.name, rel.name, rel.kind)
            )
        for name, elsewhere in self.elsewhere:
            dependents.setdefault(self.relations[name].oid, []).append(elsewhere)
        return Catalog(
            self.name,
            dict(self.relations),
            {k: frozenset(v) for k, v in reads.items()},
            {k: tuple(v) for k, v in dependents.items()},
            dict(self.columns),
        )


def deployed_schema(want: Desired, skip: Iterable[str] = ()) -> FakeSchema:
    """The schema after a finished deploy of ``want`` (objects named in ``skip`` left out)."""
    s = FakeSchema()
    for o in want.objects:
        if o.name in skip:
            continue
        if o.table is not None:
            s.add(o.name, "table", columns=SEED_COLUMNS[o.name])
        else:
            s.add(o.physical, o.kind, [want.get(r).physical for r in o.reads])
            s.add(o.name, "view", [o.physical])
    return s


def record(
    logical: str,
    physical: str,
    kind: str,
    fingerprint: str,
    state: str,
    detail: str | None = None,
    pipeline: str = "ecommerce",
) -> ObjectRecord:
    return ObjectRecord(pipeline, logical, physical, kind, fingerprint, 0, state, DEPLOY, detail)


def deployed_journal(want: Desired, skip: Iterable[str] = ()) -> dict[str, ObjectRecord]:
    """The journal's latest record of every object of a finished deploy of ``want``."""
    objects: dict[str, ObjectRecord] = {}
    for o in want.objects:
        if o.name in skip:
            continue
        if o.table is not None:
            detail = json.dumps(dict(o.table.identity_parts))
            objects[o.name] = record(o.name, o.name, o.kind, o.table.version, LIVE, detail)
        else:
            objects[o.physical] = record(o.name, o.physical, o.kind, o.fingerprint, LIVE)
            objects[o.name] = record(o.name, o.name, FACADE, "", LIVE)
    return objects


def plan_for(
    want: Desired,
    schema: FakeSchema,
    journal: dict[str, ObjectRecord],
    options: Options | None = None,
) -> Plan:
    state = JournalState(journal, DEPLOY if journal else None, None)
    return make_plan(want, schema.catalog(), state, RW3, options)


def outline(plan: Plan) -> list[tuple[str, str, str]]:
    return [(s.phase.value, s.object, s.what) for s in plan.steps]


def all_statements(plan: Plan) -> list[str]:
    return [text for s in plan.steps for text in s.statements]


def with_old_revenue_tracker(want: Desired) -> tuple[FakeSchema, dict[str, ObjectRecord]]:
    """The seed deployed, but revenue_tracker's facade reads an older physical MV."""
    schema = deployed_schema(want, skip=["revenue_tracker"])
    schema.add(OLD_REVENUE, "materialized view", [EVENTS])
    schema.add("revenue_tracker", "view", [OLD_REVENUE])
    journal = deployed_journal(want, skip=["revenue_tracker"])
    journal[OLD_REVENUE] = record(
        "revenue_tracker", OLD_REVENUE, "materialized view", "f" * 64, LIVE
    )
    journal["revenue_tracker"] = record("revenue_tracker", "revenue_tracker", FACADE, "", LIVE)
    return schema, journal


# -- 1. adapter_for and version gates --------------------------------------------------------


@pytest.mark.parametrize(
    ("version_text", "version"),
    [
        ("PostgreSQL 13.14.0-RisingWave-2.5.1 (0123abcd)", (2, 5, 1)),
        ("PostgreSQL 13.14.0-RisingWave-3.0.3 (abc)", (3, 0, 3)),
        ("PostgreSQL 13.14.0-RisingWave-v2.2.0 (x)", (2, 2, 0)),
    ],
)
def test_adapter_for_risingwave(version_text: str, version: tuple[int, int, int]) -> None:
    adapter = adapter_for(version_text)
    assert isinstance(adapter, RisingWave)
    assert adapter.engine == "risingwave"
    assert adapter.version == version
    assert adapter.version_text == version_text


def test_adapter_for_postgres() -> None:
    text = "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc"
    adapter = adapter_for(text)
    assert isinstance(adapter, Postgres)
    assert adapter.version == (15, 18, 0)


@pytest.mark.parametrize(
    "version_text",
    [
        "PostgreSQL 13.14.0-RisingWave-2.1.3 (abc)",
        "PostgreSQL 13.14.0-RisingWave-1.10.2 (abc)",
        "PostgreSQL 13.14.0-RisingWave-nightly-20240101 (abc)",  # no version: (0, 0, 0)
    ],
)
def test_risingwave_before_2_2_is_refused(version_text: str) -> None:
    adapter = adapter_for(version_text)
    assert isinstance(adapter, RisingWave)
    with pytest.raises(DeployError, match=re.escape(version_text)) as found:
        _check_version(adapter)
    assert "RisingWave 2.2.0 or newer" in str(found.value)
    assert "SWAP WITH" in str(found.value)


@pytest.mark.parametrize(
    "version_text",
    [
        "PostgreSQL 13.14.0-RisingWave-2.2.0 (abc)",
        "PostgreSQL 13.14.0-RisingWave-2.5.1 (0123abcd)",
        "PostgreSQL 13.14.0-RisingWave-3.0.3 (abc)",
        "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu",
    ],
)
def test_supported_servers_pass_the_version_check(version_text: str) -> None:
    _check_version(adapter_for(version_text))  # no DeployError


@pytest.mark.parametrize("version", [(2, 2, 0), (2, 5, 1), (2, 8, 0)])
def test_before_3_0_a_materialized_view_is_a_plain_foreground_create(
    seed: ir.ResolvedPipeline, version: tuple[int, int, int]
) -> None:
    adapter = RisingWave(version)
    want = desired(seed, adapter)
    build = [adapter.text(t) for t in want.get("revenue_tracker").build]
    assert build == [REVENUE_CREATE]
    every = [adapter.text(t) for o in want.objects for t in o.build]
    assert not [s for s in every if s.startswith(("SET BACKGROUND_DDL", "WAIT"))]


@pytest.mark.parametrize("version", [(3, 0, 0), (3, 0, 3)])
def test_from_3_0_a_materialized_view_builds_in_the_background_and_is_waited_for(
    seed: ir.ResolvedPipeline, version: tuple[int, int, int]
) -> None:
    adapter = RisingWave(version)
    build = [adapter.text(t) for t in desired(seed, adapter).get("revenue_tracker").build]
    assert build == [
        "SET BACKGROUND_DDL = TRUE",
        REVENUE_CREATE,
        "SET BACKGROUND_DDL = FALSE",
        f"WAIT MATERIALIZED VIEW {REVENUE}",
    ]


@pytest.mark.parametrize("version", [(2, 2, 0), (2, 8, 0)])
def test_before_3_0_finishing_a_build_uses_the_bare_wait(version: tuple[int, int, int]) -> None:
    # WAIT <kind> <name> came with v3.0.0; before, only the bare WAIT (every job) parses
    adapter = RisingWave(version)
    assert [adapter.text(t) for t in adapter.finish_build(REVENUE)] == ["WAIT"]
    assert [RW3.text(t) for t in RW3.finish_build(REVENUE)] == [f"WAIT MATERIALIZED VIEW {REVENUE}"]


def test_a_plain_view_is_never_built_in_the_background(want: Desired) -> None:
    build = [RW3.text(t) for t in want.get("user_events_watermarked").build]
    assert len(build) == 1
    assert build[0].startswith(f"CREATE VIEW {EVENTS} AS\n")


# -- 2. plans against hand-built catalogs -------------------------------------------------------

TABLE_CREATES = {
    name: _as_deployed(GENERATED_STATEMENTS[name], {})
    for name in ("products", "user_events", "users")
}


def facade_sql(name: str, physical: str) -> str:
    return f"CREATE VIEW {name} AS\nSELECT\n  *\nFROM {physical}"


def revenue_events(want: Desired) -> tuple[ObjectEvent, ObjectEvent, tuple[ObjectEvent, ...]]:
    """revenue_tracker's journal events: building, built, and live (physical and facade)."""
    fp = want.get("revenue_tracker").fingerprint
    mv = "materialized view"
    return (
        ObjectEvent("revenue_tracker", REVENUE, mv, BUILDING, fp),
        ObjectEvent("revenue_tracker", REVENUE, mv, BUILT, fp),
        (
            ObjectEvent("revenue_tracker", REVENUE, mv, LIVE, fp),
            ObjectEvent("revenue_tracker", "revenue_tracker", FACADE, LIVE),
        ),
    )


FIRST_OUTLINE = [
    ("tables", "products", "create table"),
    ("tables", "user_events", "create table"),
    ("tables", "users", "create table"),
    ("build", "user_events_watermarked", "build view"),
    *[("build", mv, "build materialized view") for mv in MVS],
    ("switch", "user_events_watermarked", "create facade"),
    *[("switch", mv, "create facade") for mv in MVS],
]


def test_the_seed_physical_names_are_stable(want: Desired) -> None:
    assert want.get("user_events_watermarked").physical == EVENTS
    assert want.get("revenue_tracker").physical == REVENUE
    assert sorted(o.name for o in want.objects if o.materialized) == list(MVS)
    for o in want.objects:
        if o.table is not None:
            assert o.physical == o.name  # tables keep their names
        else:
            assert o.physical.startswith(f"{o.name}__")


def test_first_deploy_into_an_empty_schema(want: Desired) -> None:
    plan = plan_for(want, FakeSchema(), {})
    assert outline(plan) == FIRST_OUTLINE
    assert all(c.action is Action.CREATE and c.detail == "" for c in plan.changes)
    assert len(plan.changes) == len(want.objects)
    assert plan.problems == () and plan.warnings == ()
    assert plan.pending and plan.base_deploy is None
    steps = {(s.phase, s.object): s for s in plan.steps}
    for name, create in TABLE_CREATES.items():
        step = steps[(Phase.TABLES, name)]
        assert step.statements == (create,)
        (event,) = step.after
        assert (event.physical, event.kind, event.state) == (name, "table", LIVE)
    for o in want.objects:
        if o.table is None:
            assert steps[(Phase.SWITCH, o.name)].statements == (facade_sql(o.name, o.physical),)
    # our own objects read physical names, never a facade
    assert f"FROM HOP({EVENTS}, " in steps[(Phase.BUILD, "revenue_tracker")].statements[1]


def test_first_deploy_into_a_missing_schema_creates_it_first(want: Desired) -> None:
    catalog = Catalog(SCHEMA, {}, {}, {}, {}, exists=False)
    plan = make_plan(want, catalog, JournalState({}, None, None), RW3)
    assert outline(plan) == [("setup", SCHEMA, "create schema"), *FIRST_OUTLINE]
    assert plan.steps[0].statements == ("CREATE SCHEMA IF NOT EXISTS public",)
    assert plan.steps[0].after == ()
    assert all_statements(plan)[1:] == all_statements(plan_for(want, FakeSchema(), {}))


def test_first_deploy_sql_of_revenue_tracker(want: Desired) -> None:
    plan = plan_for(want, FakeSchema(), {})
    building, built, live = revenue_events(want)
    (build,) = [s for s in plan.steps if s.object == "revenue_tracker" and s.phase is Phase.BUILD]
    assert build.what == "build materialized view"
    assert build.statements == (
        "SET BACKGROUND_DDL = TRUE",
        REVENUE_CREATE,
        "SET BACKGROUND_DDL = FALSE",
        f"WAIT MATERIALIZED VIEW {REVENUE}",
    )
    assert build.before == (building,)
    assert build.after == (built,)
    assert build.wait_for == REVENUE
    assert not build.transaction
    (switch,) = [s for s in plan.steps if s.object == "revenue_tracker" and s.phase is Phase.SWITCH]
    assert switch.statements == (facade_sql("revenue_tracker", REVENUE),)
    assert switch.before == ()
    assert switch.after == live
    (change,) = [c for c in plan.changes if c.name == "revenue_tracker"]
    assert (change.kind, change.action, change.physical) == (
        "materialized view",
        Action.CREATE,
        REVENUE,
    )


def test_fully_deployed_schema_has_nothing_to_do(want: Desired) -> None:
    plan = plan_for(want, deployed_schema(want), deployed_journal(want))
    assert plan.steps == ()
    assert not plan.pending
    assert [c.name for c in plan.changes] == [o.name for o in want.objects]
    assert all(c.action is Action.UNCHANGED for c in plan.changes)
    assert [c.physical for c in plan.changes] == [o.physical for o in want.objects]
    assert plan.problems == () and plan.warnings == ()
    assert plan.base_deploy == DEPLOY


def test_rebuild_builds_switches_the_facade_then_drops_the_old_mv(want: Desired) -> None:
    plan = plan_for(want, *with_old_revenue_tracker(want))
    assert plan.problems == ()
    # privileges on RisingWave are not read: the plan says they are not carried over
    assert plan.warnings == (
        "risingwave: privileges granted on replaced views and tables are not read here, so "
        "not carried over: grant them again after the apply",
    )
    changed = [c for c in plan.changes if c.action is not Action.UNCHANGED]
    assert [(c.name, c.action, c.detail, c.physical, c.previous) for c in changed] == [
        ("revenue_tracker", Action.REBUILD, "definition changed", REVENUE, OLD_REVENUE)
    ]
    assert outline(plan) == [
        ("build", "revenue_tracker", "build materialized view"),
        ("switch", "revenue_tracker", "switch facade"),
        ("retire", "revenue_tracker", "drop"),
    ]
    build, switch, retire = plan.steps
    building, built, live = revenue_events(want)
    assert build.statements == (
        "SET BACKGROUND_DDL = TRUE",
        REVENUE_CREATE,
        "SET BACKGROUND_DDL = FALSE",
        f"WAIT MATERIALIZED VIEW {REVENUE}",
    )
    assert (build.before, build.after) == ((building,), (built,))
    assert switch.statements == (
        f"DROP VIEW IF EXISTS {NEXT}",
        f"CREATE VIEW {NEXT} AS\nSELECT\n  *\nFROM {REVENUE}",
        f"ALTER VIEW revenue_tracker\nSWAP WITH {NEXT}",
        f"DROP VIEW IF EXISTS {NEXT}",
    )
    assert not switch.transaction  # RisingWave: SWAP is atomic, there is no transaction
    # the scratch view is journaled first, so a leftover of a crash is known to be ours
    scratch = ObjectEvent("revenue_tracker", NEXT, "view", BUILDING)
    assert switch.before == (scratch,)
    assert switch.after == (*live, attrs.evolve(scratch, state=DROPPED))
    assert retire.statements == (f"DROP MATERIALIZED VIEW IF EXISTS {OLD_REVENUE}",)
    assert retire.after == (
        ObjectEvent("revenue_tracker", OLD_REVENUE, "materialized view", DROPPED),
    )


def test_mv_still_creating_is_waited_for_not_created_again(want: Desired) -> None:
    # the first deploy was killed while RisingWave backfilled revenue_tracker in the
    # background: the MV is listed with status Creating, its facade was never made
    schema = deployed_schema(want, skip=["revenue_tracker"])
    schema.add(REVENUE, "materialized view", [EVENTS], ready=False)
    journal = deployed_journal(want, skip=["revenue_tracker"])
    fp = want.get("revenue_tracker").fingerprint
    journal[REVENUE] = record("revenue_tracker", REVENUE, "materialized view", fp, BUILDING)
    plan = plan_for(want, schema, journal)
    _, built, live = revenue_events(want)
    assert outline(plan) == [
        ("build", "revenue_tracker", "finish build"),
        ("switch", "revenue_tracker", "create facade"),
    ]
    wait, create_facade = plan.steps
    assert wait.statements == (f"WAIT MATERIALIZED VIEW {REVENUE}",)
    assert wait.after == (built,)
    assert wait.wait_for == REVENUE
    assert create_facade.statements == (facade_sql("revenue_tracker", REVENUE),)
    assert create_facade.after == live
    assert not [t for t in all_statements(plan) if t.startswith("CREATE MATERIALIZED VIEW")]
    (change,) = [c for c in plan.changes if c.name == "revenue_tracker"]
    assert (change.action, change.detail) == (Action.CREATE, "resumes an interrupted build")
    assert plan.problems == ()


def test_crash_between_swap_and_drop_drops_the_leftover_before_the_old_mv(
    want: Desired,
) -> None:
    # SWAP WITH swapped the two views' definitions: the facade reads the new MV, the
    # leftover __ecd_next view reads the old one; the journal never heard of the switch
    schema = deployed_schema(want, skip=["revenue_tracker"])
    schema.add(OLD_REVENUE, "materialized view", [EVENTS])
    schema.add(REVENUE, "materialized view", [EVENTS])
    schema.add("revenue_tracker", "view", [REVENUE])
    schema.add(NEXT, "view", [OLD_REVENUE])
    journal = deployed_journal(want, skip=["revenue_tracker"])
    fp = want.get("revenue_tracker").fingerprint
    journal[OLD_REVENUE] = record(
        "revenue_tracker", OLD_REVENUE, "materialized view", "f" * 64, LIVE
    )
    journal[REVENUE] = record("revenue_tracker", REVENUE, "materialized view", fp, BUILT)
    journal["revenue_tracker"] = record("revenue_tracker", "revenue_tracker", FACADE, "", LIVE)
    # the switch journaled its scratch view before it ran
    journal[NEXT] = record("revenue_tracker", NEXT, "view", "", BUILDING)
    plan = plan_for(want, schema, journal)
    _, _, live = revenue_events(want)
    assert plan.problems == () and plan.warnings == ()
    assert outline(plan) == [
        ("switch", "revenue_tracker", "record"),
        ("retire", "revenue_tracker", "drop"),
        ("retire", "revenue_tracker", "drop"),
    ]
    record_step, drop_next, drop_old = plan.steps
    assert record_step.statements == ()  # journal only: REVENUE is live
    assert record_step.after == live
    assert drop_next.statements == (f"DROP VIEW IF EXISTS {NEXT}",)
    assert drop_next.after == (ObjectEvent("revenue_tracker", NEXT, "view", DROPPED),)
    assert drop_old.statements == (f"DROP MATERIALIZED VIEW IF EXISTS {OLD_REVENUE}",)
    assert drop_old.after == (
        ObjectEvent("revenue_tracker", OLD_REVENUE, "materialized view", DROPPED),
    )
    (change,) = [c for c in plan.changes if c.name == "revenue_tracker"]
    assert (change.action, change.physical) == (Action.UNCHANGED, REVENUE)


def test_unmanaged_sink_reading_the_old_mv_blocks_its_drop(want: Desired) -> None:
    schema, journal = with_old_revenue_tracker(want)
    schema.read_by(OLD_REVENUE, Dependent(2001, "analytics", "revenue_to_kafka", "sink"))
    plan = plan_for(want, schema, journal)
    (problem,) = plan.problems
    assert (problem.name, problem.action) == ("revenue_tracker", Action.BLOCKED)
    assert "sink analytics.revenue_to_kafka" in problem.message
    assert repr(OLD_REVENUE) in problem.message
    assert "drop the reader first" in problem.hint
    assert not [t for t in all_statements(plan) if OLD_REVENUE in t]
    assert ("retire", "revenue_tracker", "drop") not in outline(plan)


def test_unmanaged_reader_of_the_facade_blocks_the_switch(want: Desired) -> None:
    schema, journal = with_old_revenue_tracker(want)
    schema.add("revenue_dashboard", "view", ["revenue_tracker"])  # not in the journal
    plan = plan_for(want, schema, journal)
    (problem,) = plan.problems
    assert (problem.name, problem.action) == ("revenue_tracker", Action.BLOCKED)
    assert "view public.revenue_dashboard" in problem.message
    assert "switches to a new version" in problem.message
    assert not [t for t in all_statements(plan) if "revenue_dashboard" in t]


def test_unmanaged_table_with_a_pipeline_table_name_is_blocked(want: Desired) -> None:
    journal = deployed_journal(want, skip=["users"])  # users exists, ecomdsl never made it
    plan = plan_for(want, deployed_schema(want), journal)
    (problem,) = plan.problems
    assert (problem.name, problem.action) == ("users", Action.BLOCKED)
    assert "not created by ecomdsl" in problem.message
    assert "--adopt" in problem.hint
    (change,) = [c for c in plan.changes if c.name == "users"]
    assert change.action is Action.BLOCKED
    assert not [s for s in plan.steps if s.object == "users"]


def test_adopt_takes_over_an_unmanaged_table_as_it_is(want: Desired) -> None:
    journal = deployed_journal(want, skip=["users"])
    plan = plan_for(want, deployed_schema(want), journal, Options(adopt=True))
    assert plan.problems == ()
    assert outline(plan) == [("tables", "users", "adopt")]
    (step,) = plan.steps
    assert step.statements == ()  # journal only: the table and its rows stay as they are
    users = want.get("users")
    assert users.table is not None
    assert step.after == (
        ObjectEvent(
            "users",
            "users",
            "table",
            LIVE,
            users.table.version,
            0,
            json.dumps(dict(users.table.identity_parts)),
        ),
    )
    (change,) = [c for c in plan.changes if c.name == "users"]
    assert (change.action, change.detail) == (Action.ADOPT, "taken over as it is, rows kept")


def test_adopt_refuses_an_unmanaged_table_whose_column_type_differs(want: Desired) -> None:
    schema = deployed_schema(want)
    schema.columns["products"] = tuple(
        (name, "bigint" if name == "inventory_count" else data_type)
        for name, data_type in SEED_COLUMNS["products"]
    )
    journal = deployed_journal(want, skip=["products"])
    plan = plan_for(want, schema, journal, Options(adopt=True))
    (problem,) = plan.problems
    assert (problem.name, problem.action) == ("products", Action.DESTRUCTIVE)
    assert "column inventory_count: type bigint -> int" in problem.message
    (change,) = [c for c in plan.changes if c.name == "products"]
    assert change.action is Action.DESTRUCTIVE
    assert change.detail == "column inventory_count: type bigint -> int"
    assert not [s for s in plan.steps if s.object == "products"]


def test_adopt_refuses_an_unmanaged_source_with_a_pipeline_table_name(want: Desired) -> None:
    schema = deployed_schema(want, skip=["users"])
    schema.add("users", "source", columns=SEED_COLUMNS["users"])
    journal = deployed_journal(want, skip=["users"])
    for options in (Options(), Options(adopt=True)):
        plan = plan_for(want, schema, journal, options)
        (problem,) = plan.problems
        assert (problem.name, problem.action) == ("users", Action.BLOCKED)
        assert "a source named 'users'" in problem.message
        assert "where the pipeline has a table" in problem.message
        assert not [s for s in plan.steps if s.object == "users"]
        (change,) = [c for c in plan.changes if c.name == "users"]
        assert (change.action, change.detail) == (Action.BLOCKED, "a source has its name")


# a Kafka source: RisingWave keeps no rows of it, its columns are listed in rw_columns too

ORDERS_COLUMNS = (
    ("order_id", VARCHAR),
    ("amount", "numeric"),
    ("ts", "timestamp with time zone"),
)


def kafka_orders() -> Desired:
    orders = Stream(
        "orders",
        {"order_id": "varchar", "amount": "numeric", "ts": "timestamptz"},
        event_time="ts",
        watermark="10 seconds",
        connector=Kafka(topic="orders", bootstrap_servers="broker1:9092"),
    )
    objects: list[Any] = [orders]
    return desired(resolve(Pipeline("kafka_orders", objects=objects)), RW3)


def deployed_source(
    columns: tuple[tuple[str, str], ...] = ORDERS_COLUMNS,
) -> tuple[Desired, FakeSchema, dict[str, ObjectRecord]]:
    want = kafka_orders()
    schema = FakeSchema()
    schema.add("orders", "source", columns=columns)
    journal = {
        name: record(
            r.logical_name,
            r.physical_name,
            r.kind,
            r.fingerprint,
            r.state,
            r.detail,
            pipeline="kafka_orders",
        )
        for name, r in deployed_journal(want).items()
    }
    return want, schema, journal


def test_deployed_kafka_source_with_its_columns_is_unchanged() -> None:
    want, schema, journal = deployed_source()
    assert want.get("orders").kind == "source"
    plan = plan_for(want, schema, journal)
    assert plan.steps == ()
    assert [(c.name, c.kind, c.action) for c in plan.changes] == [
        ("orders", "source", Action.UNCHANGED)
    ]
    assert plan.problems == () and plan.warnings == ()


def test_a_column_added_to_a_deployed_source_uses_alter_source() -> None:
    # ALTER TABLE does not find a source: RisingWave adds its columns with ALTER SOURCE
    want, schema, journal = deployed_source(ORDERS_COLUMNS[:-1])
    plan = plan_for(want, schema, journal)
    assert plan.problems == ()
    assert [(s.object, s.what, s.statements) for s in plan.steps] == [
        ("orders", "add column", ("ALTER SOURCE orders\nADD COLUMN ts TIMESTAMPTZ",))
    ]
    (change,) = plan.changes
    assert (change.action, change.detail) == (Action.IN_PLACE, "add column ts")


def test_recreating_a_kafka_source_swaps_it_with_alter_source() -> None:
    # ALTER SOURCE a SWAP WITH b exists (e2e_test/ddl/alter_swap_rename.slt); a source holds
    # no rows, so only =empty recreates it
    columns = (ORDERS_COLUMNS[0], ("amount", "integer"), ORDERS_COLUMNS[2])
    want, schema, journal = deployed_source(columns)
    (problem,) = plan_for(want, schema, journal).problems
    assert problem.action is Action.DESTRUCTIVE
    assert "column amount: type integer -> decimal" in problem.message
    plan = plan_for(want, schema, journal, Options(allow_destructive=("orders=empty",)))
    assert plan.problems == ()
    assert outline(plan) == [
        ("tables", "orders", "recreate (empty): build"),
        ("tables", "orders", "recreate: swap"),
        ("retire", "orders", "drop old table"),
    ]
    build, swap, retire = plan.steps
    assert build.statements[0] == "DROP SOURCE IF EXISTS orders__ecd_new"
    assert build.statements[1].startswith("CREATE SOURCE orders__ecd_new (\n")
    assert swap.statements == (
        "ALTER SOURCE orders\nSWAP WITH orders__ecd_new",
        "ALTER SOURCE orders__ecd_new\nRENAME TO orders__ecd_old",
    )
    assert retire.statements == ("DROP SOURCE IF EXISTS orders__ecd_old",)


# -- 3. every statement reads back through the ecomdsl dialect unchanged -----------------------


def _lock_statement() -> str:
    # the connection is not used to make the statement
    lock = ViewLock(cast(Any, None), RW3, "ecomdsl", SCHEMA, DEPLOY, "ann@host")
    return lock.create_statement()


def _adapter_statements() -> dict[str, str]:
    """Every kind of statement the RisingWave adapter and the deploy send, by id."""
    seed = resolve_paths([ROOT / "pipelines"], ROOT)[0]
    before_3 = RisingWave((2, 8, 0))
    note = exp.ColumnDef(this=identifier("note"), kind=exp.DataType.build("VARCHAR"))
    found: dict[str, str] = {}

    def add(prefix: str, trees: Iterable[exp.Expr], adapter: RisingWave = RW3) -> None:
        found.update({f"{prefix}-{i}": adapter.text(t) for i, t in enumerate(trees)})

    add("session", RW3.session(SCHEMA))
    add("bootstrap", bootstrap_statements("ecomdsl"))
    add("build", desired(seed, RW3).get("revenue_tracker").build)
    (create,) = desired(seed, before_3).get("revenue_tracker").build
    found["build-2.x"] = before_3.text(create)
    add("finish-build", RW3.finish_build(REVENUE))
    add("finish-build-2.x", before_3.finish_build(REVENUE), before_3)
    add("switch", RW3.switch("revenue_tracker", REVENUE))
    add("swap-table", RW3.swap_table("TABLE", "products", "products__ecd_new", "products__ecd_old"))
    for kind in ("TABLE", "SOURCE", "VIEW", "MATERIALIZED VIEW"):
        found[f"drop-{kind}"] = RW3.text(drop("x__0123abcd", kind))
    for kind in ("TABLE", "VIEW", "MATERIALIZED VIEW"):
        found[f"rename-{kind}"] = RW3.text(rename(kind, "x", "x__ecd_legacy"))
    found["add-column"] = RW3.text(add_column("products", note.copy()))
    found["add-column-source"] = RW3.text(add_column("orders", note.copy(), "SOURCE"))
    found["view-lock"] = _lock_statement()
    return found


ADAPTER_STATEMENTS = _adapter_statements()
SOURCE_SWAP = [
    RW3.text(t) for t in RW3.swap_table("SOURCE", "orders", "orders__ecd_new", "orders__ecd_old")
]


def reads_back(text: str) -> bool:
    return sqlglot.parse_one(text, read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == text


@pytest.mark.parametrize(
    "text",
    [pytest.param(text, id=name) for name, text in ADAPTER_STATEMENTS.items()]
    + [pytest.param(text, id=f"swap-source-{i}") for i, text in enumerate(SOURCE_SWAP)],
)
def test_adapter_statement_reads_back_unchanged(text: str) -> None:
    assert reads_back(text)


def test_adapter_statements_are_the_expected_text() -> None:
    expected = {
        "session-0": "SET search_path = public",
        "session-1": "SET RW_IMPLICIT_FLUSH = TRUE",
        "bootstrap-0": "CREATE SCHEMA IF NOT EXISTS ecomdsl",
        "build-0": "SET BACKGROUND_DDL = TRUE",
        "build-1": REVENUE_CREATE,
        "build-2": "SET BACKGROUND_DDL = FALSE",
        "build-3": f"WAIT MATERIALIZED VIEW {REVENUE}",
        "build-2.x": REVENUE_CREATE,
        "finish-build-0": f"WAIT MATERIALIZED VIEW {REVENUE}",
        "finish-build-2.x-0": "WAIT",
        "switch-0": f"DROP VIEW IF EXISTS {NEXT}",
        "switch-1": f"CREATE VIEW {NEXT} AS\nSELECT\n  *\nFROM {REVENUE}",
        "switch-2": f"ALTER VIEW revenue_tracker\nSWAP WITH {NEXT}",
        "switch-3": f"DROP VIEW IF EXISTS {NEXT}",
        "swap-table-0": "ALTER TABLE products\nSWAP WITH products__ecd_new",
        "swap-table-1": "ALTER TABLE products__ecd_new\nRENAME TO products__ecd_old",
        "drop-TABLE": "DROP TABLE IF EXISTS x__0123abcd",
        "drop-SOURCE": "DROP SOURCE IF EXISTS x__0123abcd",
        "drop-VIEW": "DROP VIEW IF EXISTS x__0123abcd",
        "drop-MATERIALIZED VIEW": "DROP MATERIALIZED VIEW IF EXISTS x__0123abcd",
        "rename-TABLE": "ALTER TABLE x\nRENAME TO x__ecd_legacy",
        "rename-VIEW": "ALTER VIEW x\nRENAME TO x__ecd_legacy",
        "rename-MATERIALIZED VIEW": "ALTER MATERIALIZED VIEW x\nRENAME TO x__ecd_legacy",
        "add-column": "ALTER TABLE products\nADD COLUMN note VARCHAR",
        "add-column-source": "ALTER SOURCE orders\nADD COLUMN note VARCHAR",
    }
    assert {k: ADAPTER_STATEMENTS[k] for k in expected} == expected
    assert ADAPTER_STATEMENTS["bootstrap-3"].startswith(
        "CREATE TABLE IF NOT EXISTS ecomdsl.objects (\n  deploy_id VARCHAR,\n  seq BIGINT,\n"
    )
    assert ADAPTER_STATEMENTS["view-lock"].startswith(
        "CREATE VIEW ecomdsl.lock__public AS\nSELECT\n"
        f"  CAST('{DEPLOY}' AS VARCHAR) AS deploy_id,\n"
        "  CAST('ann@host' AS VARCHAR) AS holder,\n"
    )
    assert SOURCE_SWAP == [
        "ALTER SOURCE orders\nSWAP WITH orders__ecd_new",
        "ALTER SOURCE orders__ecd_new\nRENAME TO orders__ecd_old",
    ]


def test_alter_watermark_from_3_0_reads_back_unchanged(want: Desired) -> None:
    # ALTER TABLE ... ALTER WATERMARK exists from v3.0.0 (src/sqlparser/src/ast/ddl.rs)
    spec = want.get("user_events").table
    assert spec is not None and spec.watermark is not None
    assert RisingWave((2, 8, 0)).alter_watermark("user_events", spec.watermark) is None
    trees = RW3.alter_watermark("user_events", spec.watermark)
    assert trees is not None
    texts = [RW3.text(t) for t in trees]
    assert texts == [
        "ALTER TABLE user_events ALTER WATERMARK FOR event_time AS event_time - INTERVAL '2 MINUTES'"
    ]
    assert (
        sqlglot.parse_one(texts[0], read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == texts[0]
    )


def test_every_statement_of_the_seed_plans_reads_back_unchanged(want: Desired) -> None:
    plans = [
        plan_for(want, FakeSchema(), {}),
        plan_for(want, *with_old_revenue_tracker(want)),
    ]
    for text in (t for plan in plans for t in all_statements(plan)):
        assert sqlglot.parse_one(text, read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == text


# -- 4. lock errors ---------------------------------------------------------------------------


def server_error(sqlstate: str, message: str) -> psycopg.Error:
    """The error psycopg raises for a server error with this SQLSTATE and message."""
    return psycopg.errors.lookup(sqlstate)(message)


@pytest.mark.parametrize(
    ("sqlstate", "message", "busy"),
    [
        ("42710", "view named lock__public already exists", True),  # RisingWave >= 2.5
        ("42P07", 'relation "lock__public" already exists', True),  # PostgreSQL
        ("23505", "duplicate key value violates unique constraint", True),  # PostgreSQL race
        ("XX000", "table named t2 already exists and is still being created", True),  # RW < 2.5
        ("XX000", "function pg_advisory_lock does not exist", False),
        ("42501", "permission denied for schema ecomdsl", False),
    ],
)
def test_is_busy(sqlstate: str, message: str, busy: bool) -> None:
    err = server_error(sqlstate, message)
    assert err.sqlstate == sqlstate
    assert is_busy(err) is busy


# -- 5. the RisingWave catalog queries ----------------------------------------------------------


def risingwave_query(name: str) -> str:
    """A RisingWave catalog query with its whitespace collapsed."""
    return " ".join(QUERIES["risingwave"][name].split())


def test_risingwave_relations_query_leaves_out_associated_sources() -> None:
    # a table with a connector gets a source of its own in rw_sources, under another id, with
    # associated_table_id set (src/meta/src/controller/streaming_job.rs); SHOW SOURCES and
    # rw_columns leave it out the same way
    query = risingwave_query("relations")
    assert (
        "r.id NOT IN (SELECT id FROM rw_catalog.rw_sources WHERE associated_table_id IS NOT NULL)"
        in query
    )


def test_risingwave_relations_query_reads_backfill_progress() -> None:
    query = risingwave_query("relations")
    assert "r.id NOT IN (SELECT ddl_id FROM rw_catalog.rw_ddl_progress)" in query
    for relation_type in ("'table'", "'source'", "'materialized view'", "'view'", "'sink'"):
        assert relation_type in query


def test_risingwave_queries_read_rw_catalog_only() -> None:
    assert "FROM rw_catalog.rw_depend d" in risingwave_query("edges")
    assert "NOT c.is_hidden" in risingwave_query("columns")  # _row_id, _rw_timestamp
    assert all("pg_catalog" not in q for q in QUERIES["risingwave"].values())


def test_risingwave_columns_query_reads_the_columns_of_sources() -> None:
    # a Kafka source's columns are in rw_columns too; without them a deployed source would
    # look column-less and every column would be "added" again
    query = risingwave_query("columns")
    assert "r.relation_type IN ('table', 'source')" in query
    assert "'source'" in QUERIES["risingwave"]["columns"]


class FakeConnection:
    """Answers `read_catalog`'s queries with fixed rows (by the query's text), as psycopg's
    ``conn.execute(...).fetchone()/fetchall()`` does."""

    def __init__(self, by_query: dict[str, list[tuple[Any, ...]]]) -> None:
        self.by_query = by_query
        self.found: list[tuple[Any, ...]] = []
        self.asked: list[str] = []

    def execute(self, query: str, params: dict[str, str]) -> Self:
        assert params == {"schema": SCHEMA}
        self.asked.append(query)
        self.found = self.by_query[query]  # a KeyError: a query it does not know
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.found[0] if self.found else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self.found)


def small_schema() -> FakeSchema:
    """Two tables, the view over one, an MV still in backfill, its facade, and a sink in
    another schema reading the MV."""
    s = FakeSchema()
    s.add("user_events", "table", columns=SEED_COLUMNS["user_events"])  # 1001
    s.add("users", "table", columns=SEED_COLUMNS["users"])  # 1002
    s.add(EVENTS, "view", ["user_events"])  # 1003
    s.add(REVENUE, "materialized view", [EVENTS], ready=False)  # 1004
    s.add("revenue_tracker", "view", [REVENUE])  # 1005
    s.read_by(REVENUE, Dependent(2001, "analytics", "revenue_to_kafka", "sink"))
    return s


def test_read_catalog_assembles_risingwave_rows_like_the_hand_built_catalog() -> None:
    q = QUERIES["risingwave"]
    rows: dict[str, list[tuple[Any, ...]]] = {
        q["schema"]: [(1,)],
        # (id, name, relation_type, no rw_ddl_progress row), ORDER BY r.name
        q["relations"]: [
            (1005, "revenue_tracker", "view", True),
            (1004, REVENUE, "materialized view", False),
            (1001, "user_events", "table", True),
            (1003, EVENTS, "view", True),
            (1002, "users", "table", True),
        ],
        # rw_depend (objid, refobjid) with the reader's schema, name, type; ORDER BY 1, 2
        q["edges"]: [
            (1003, 1001, SCHEMA, EVENTS, "view"),
            (1004, 1003, SCHEMA, REVENUE, "materialized view"),
            (1005, 1004, SCHEMA, "revenue_tracker", "view"),
            (2001, 1004, "analytics", "revenue_to_kafka", "sink"),
        ],
        # rw_columns, visible only, ORDER BY r.name, c.position
        q["columns"]: [
            *[("user_events", n, t) for n, t in SEED_COLUMNS["user_events"]],
            *[("users", n, t) for n, t in SEED_COLUMNS["users"]],
        ],
    }
    conn = FakeConnection(rows)
    got = read_catalog(cast(Any, conn), RW3, SCHEMA)
    want = small_schema().catalog()
    assert conn.asked == [q["schema"], q["relations"], q["edges"], q["columns"]]
    assert got.exists
    assert got.relations == want.relations
    assert got.reads == want.reads
    assert got.dependents == want.dependents
    assert got.columns == want.columns
    assert got.digest() == want.digest()
    assert not got.relations[REVENUE].ready
    assert [d.display() for d in got.readers(REVENUE)] == [
        "view public.revenue_tracker",
        "sink analytics.revenue_to_kafka",
    ]


def test_read_catalog_of_a_missing_schema() -> None:
    q = QUERIES["risingwave"]
    conn = FakeConnection({q["schema"]: [(0,)]})
    got = read_catalog(cast(Any, conn), RW3, SCHEMA)
    assert conn.asked == [q["schema"]]  # nothing else is asked
    assert not got.exists
    assert got.relations == {} and got.columns == {}


def test_a_view_of_someone_else_on_a_reserved_name_is_never_dropped(want: Desired) -> None:
    # the same catalog as after a crash between SWAP and DROP, but the journal never made
    # NEXT: it is not ecomdsl's, so the plan refuses instead of dropping it
    schema, journal = with_old_revenue_tracker(want)
    schema.add(NEXT, "view", [EVENTS])
    plan = plan_for(want, schema, journal)
    assert [(p.name, p.action) for p in plan.problems] == [("revenue_tracker", Action.BLOCKED)]
    assert f"a view named {NEXT!r} exists and was not created by ecomdsl" in (
        plan.problems[0].message
    )
