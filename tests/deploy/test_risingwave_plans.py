"""The plans `ecomdsl.deploy.planner.make_plan` makes for RisingWave against hand-built
catalogs of the seed pipeline: first deploy, nothing to do, a rebuild, a build still
running, a crash inside a facade switch, unmanaged readers. No database needed."""

from __future__ import annotations

import attrs

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl.deploy.catalog import Catalog, Dependent
from ecomdsl.deploy.desired import Desired
from ecomdsl.deploy.plan import Action, ObjectEvent, Phase
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.state import BUILDING, BUILT, DROPPED, FACADE, LIVE, JournalState
from tests.deploy.fake_risingwave import (
    DEPLOY,
    EVENTS,
    GENERATED_STATEMENTS,
    NEXT,
    OLD_REVENUE,
    REVENUE,
    REVENUE_CREATE,
    RW3,
    SCHEMA,
    FakeSchema,
    all_statements,
    as_deployed,
    deployed_journal,
    deployed_schema,
    outline,
    plan_for,
    record,
    with_old_revenue_tracker,
)

MVS = (
    "anomaly_detection",
    "funnel_analysis",
    "pageview_metrics",
    "product_performance",
    "product_view_metrics",
    "revenue_tracker",
)

TABLE_CREATES = {
    name: as_deployed(GENERATED_STATEMENTS[name], {})
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
