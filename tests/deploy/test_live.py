"""Deploy scenarios against a real PostgreSQL server (never skipped under CI=true), and the
same scenarios against RisingWave when ECOMDSL_RISINGWAVE_DSN is set (marked risingwave)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.apply import Session, apply, locked
from ecomdsl.deploy.destroy import destroy
from ecomdsl.deploy.errors import DeployError, LockBusy, StalePlan, StepFailed
from ecomdsl.deploy.plan import Action, Options, Step
from ecomdsl.deploy.target import Target
from ecomdsl.engines.postgres_engine import PostgresEngine
from ecomdsl.engines.runner import run as run_pipeline
from ecomdsl.engines.runner import sort_key
from tests.deploy.helpers import (
    ROOT,
    catalog_snapshot,
    deploy,
    drop_target,
    journal_snapshot,
    load_data,
    new_target,
    plan_of,
    query,
    shop,
)

RW_DSN = os.environ.get("ECOMDSL_RISINGWAVE_DSN")
ENGINES = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param(
        "risingwave",
        marks=[
            pytest.mark.risingwave,
            pytest.mark.skipif(not RW_DSN, reason="ECOMDSL_RISINGWAVE_DSN is not set"),
        ],
    ),
]


@pytest.fixture(params=ENGINES)
def engine_dsn(request: pytest.FixtureRequest) -> str:
    if request.param == "risingwave":
        assert RW_DSN is not None
        return RW_DSN
    return str(request.getfixturevalue("pg_dsn"))


@pytest.fixture
def target(engine_dsn: str) -> Iterator[Target]:
    t = new_target(engine_dsn)
    yield t
    drop_target(engine_dsn, t)


def actions(plan: Any) -> dict[str, str]:
    return {c.name: c.action.value for c in plan.changes}


# -- first deploy, no-op --------------------------------------------------------------------


@pytest.mark.postgres
def test_first_apply_of_the_seed_creates_everything_and_views_hold_the_run_rows(
    pg_dsn: str,
) -> None:
    target = new_target(pg_dsn)
    try:
        _seed_scenario(target, pg_dsn)
    finally:
        drop_target(pg_dsn, target)


def _seed_scenario(target: Target, pg_dsn: str) -> None:
    seed = resolve_paths([ROOT / "pipelines"], ROOT)[0]
    result = deploy(target, seed)
    assert result.executed == len(result.plan.steps) > 0
    assert set(actions(result.plan).values()) == {"create"}
    load_data(target, seed)
    with PostgresEngine(pg_dsn) as engine:
        expected = run_pipeline(seed, engine)
    for name, view in expected.views.items():
        rows = sorted(query(target, f"SELECT * FROM {name}"), key=sort_key)
        assert rows == list(view.rows), name
        assert rows, f"{name} is empty"


def test_the_journal_says_who_deployed_what_when_with_which_version(target: Target) -> None:
    from ecomdsl import __version__

    result = deploy(target, shop())
    rows = query(
        target,
        f"SELECT event, actor, tool_version, git_sha, plan_hash, at FROM {target.state_schema}.deploys "
        "WHERE deploy_id = %s ORDER BY seq",
        result.deploy_id,
    )
    assert [r[0] for r in rows] == ["started", "finished"]
    _event, actor, version, sha, plan_hash, at = rows[-1]
    assert "@" in actor and version == __version__ and plan_hash == result.plan.hash
    assert sha is not None and len(sha) == 12  # the tests run in a git checkout
    assert at is not None
    steps = query(
        target,
        f"SELECT step, event FROM {target.state_schema}.steps WHERE deploy_id = %s ORDER BY seq",
        result.deploy_id,
    )
    assert steps == [(i, e) for i in range(1, result.executed + 1) for e in ("started", "done")]


def test_second_plan_is_empty_and_second_apply_changes_nothing(target: Target) -> None:
    deploy(target, shop())
    before = (
        catalog_snapshot(target),
        query(target, "SELECT count(*) FROM " + target.state_schema + ".steps"),
    )
    plan = plan_of(target, shop())
    assert not plan.pending and not plan.problems
    assert set(actions(plan).values()) == {"unchanged"}
    result = deploy(target, shop())
    assert result.executed == 0
    after = (
        catalog_snapshot(target),
        query(target, "SELECT count(*) FROM " + target.state_schema + ".steps"),
    )
    assert after == before


# -- changes ---------------------------------------------------------------------------------


def test_changed_view_rebuilds_it_and_its_dependents_while_readers_never_fail(
    target: Target,
) -> None:
    deploy(target, shop())
    load_data(target, shop())
    plan = plan_of(target, shop(window="30 minutes"))
    assert actions(plan) == {
        "orders": "unchanged",
        "customers": "unchanged",
        "paid": "unchanged",
        "revenue": "rebuild",
        "big_windows": "rebuild",
        "by_status": "unchanged",
    }
    details = {c.name: c.detail for c in plan.changes}
    assert details["revenue"] == "definition changed"
    assert details["big_windows"] == "reads revenue, rebuilt"
    seen: list[Any] = []
    stop = threading.Event()

    def reader() -> None:
        with psycopg.connect(target.dsn, autocommit=True) as conn:
            while not stop.is_set():
                for view in ("revenue", "big_windows"):
                    try:
                        row = conn.execute(
                            f"SELECT count(*) FROM {target.schema}.{view}"
                        ).fetchone()
                        seen.append(row[0] if row else None)
                    except psycopg.Error as err:  # pragma: no cover - the failure we test for
                        seen.append(err)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        time.sleep(0.05)
        result = deploy(target, shop(window="30 minutes"))
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert result.executed > 0
    assert len(seen) > 20
    errors = [s for s in seen if not isinstance(s, int)]
    assert errors == []
    assert 0 not in seen
    # the old versions are gone, the new ones are what the facades read
    names = {n for n, _, _ in catalog_snapshot(target)}
    old = {c.previous for c in plan.changes if c.previous}
    assert old and not old & names
    assert not plan_of(target, shop(window="30 minutes")).pending


def test_removed_view_is_retired_only_with_prune(target: Target) -> None:
    deploy(target, shop())
    smaller = shop(with_status_view=False)
    plan = plan_of(target, smaller)
    assert actions(plan)["by_status"] == "retire"
    assert "kept (--prune drops it)" in {c.name: c.detail for c in plan.changes}["by_status"]
    assert not plan.pending
    deploy(target, smaller)
    assert "by_status" in {n for n, _, _ in catalog_snapshot(target)}
    pruned = plan_of(target, smaller, Options(prune=True))
    assert [s.what for s in pruned.steps] == ["drop", "drop"]
    deploy(target, smaller, Options(prune=True))
    names = {n for n, _, _ in catalog_snapshot(target)}
    assert not any(n.startswith("by_status") for n in names)
    assert not plan_of(target, smaller, Options(prune=True)).pending


def test_adding_a_column_is_in_place_and_keeps_rows(target: Target) -> None:
    deploy(target, shop())
    load_data(target, shop())
    plan = plan_of(target, shop(extra_column=True))
    assert actions(plan)["orders"] == "in-place"
    assert plan.steps[0].statements == ("ALTER TABLE orders\nADD COLUMN note VARCHAR",)
    # paid selects every column of orders, so it (and what reads it) is rebuilt
    assert {n for n, a in actions(plan).items() if a == "rebuild"} == {
        "paid",
        "revenue",
        "big_windows",
    }
    deploy(target, shop(extra_column=True))
    assert query(target, "SELECT count(*), count(note) FROM orders") == [(30, 0)]


def test_a_new_watermark_delay_is_in_place(target: Target) -> None:
    deploy(target, shop())
    plan = plan_of(target, shop(watermark="5 minutes"))
    assert not plan.problems
    assert actions(plan)["orders"] == "in-place"
    assert {c.name: c.detail for c in plan.changes}["orders"] == (
        "watermark: ts - 2 MINUTES -> ts - 5 MINUTES"
    )
    assert plan.steps[0].what == "alter watermark"
    if target.dsn == RW_DSN:
        assert [s.what for s in plan.steps] == ["alter watermark"]
        assert plan.steps[0].statements == (
            "ALTER TABLE orders ALTER WATERMARK FOR ts AS ts - INTERVAL '5 MINUTES'",
        )
    else:
        # the PostgreSQL stand-in has no watermark in its DDL (journal only), and its views
        # compute closed windows from the delay: what reads orders is rebuilt
        assert plan.steps[0].statements == ()
        rebuilt = {n for n, a in actions(plan).items() if a == "rebuild"}
        assert rebuilt == {"paid", "revenue", "big_windows", "by_status"}
    deploy(target, shop(watermark="5 minutes"))
    assert not plan_of(target, shop(watermark="5 minutes")).pending


def test_only_a_new_delay_on_the_same_watermark_column_is_in_place() -> None:
    from ecomdsl.deploy.desired import TableSpec
    from ecomdsl.deploy.tables import watermark_change

    def spec(watermark: str) -> TableSpec:
        return TableSpec("", "", (), (), (("kind", "TABLE"), ("watermark", watermark)))

    before = '{"kind": "TABLE", "watermark": "ts - 2 MINUTES"}'
    assert watermark_change(before, spec("ts - 5 MINUTES")) == (
        "watermark: ts - 2 MINUTES -> ts - 5 MINUTES"
    )
    assert watermark_change(before, spec("other - 5 MINUTES")) is None
    assert watermark_change(before, spec("ts - 2 MINUTES WITH TTL")) is None
    assert watermark_change(before, spec("none")) is None


def test_data_losing_table_change_is_refused_naming_the_rows(target: Target) -> None:
    deploy(target, shop())
    load_data(target, shop())
    changed = shop(amount_type="int")
    plan = plan_of(target, changed)
    assert actions(plan)["orders"] == "destructive"
    [problem] = plan.problems
    assert problem.name == "orders"
    assert "column amount: type numeric -> int" in problem.message
    assert "30 row(s)" in problem.message
    with pytest.raises(DeployError, match="orders: destructive"):
        deploy(target, changed)
    assert query(target, "SELECT count(*) FROM orders") == [(30,)]


@pytest.mark.parametrize("strategy", ["copy", "empty"])
def test_an_allowed_table_change_recreates_it_and_rebuilds_its_readers(
    target: Target, strategy: str
) -> None:
    deploy(target, shop())
    load_data(target, shop())
    changed = shop(amount_type="int")
    plan = plan_of(target, changed, Options(allow_destructive=(f"orders={strategy}",)))
    assert not plan.problems
    assert actions(plan) == {
        "orders": "destructive",
        "customers": "unchanged",
        "paid": "rebuild",
        "revenue": "rebuild",
        "big_windows": "rebuild",
        "by_status": "rebuild",
    }
    detail = {c.name: c.detail for c in plan.changes}["orders"]
    done = "copied" if strategy == "copy" else "dropped"
    assert detail == f"recreate ({strategy}): column amount: type numeric -> int; 30 row(s) {done}"
    assert [s.what for s in plan.steps[:2]] == [f"recreate ({strategy}): build", "recreate: swap"]
    deploy(target, changed, Options(allow_destructive=(f"orders={strategy}",)))
    rows = 30 if strategy == "copy" else 0
    assert query(target, "SELECT count(*) FROM orders") == [(rows,)]
    assert query(target, "SELECT count(*) FROM by_status") == [(2 if rows else 0,)]
    names = {n for n, _, _ in catalog_snapshot(target)}
    assert not any(n.startswith("orders__ecd") for n in names)
    assert not plan_of(target, changed).pending


def test_a_change_needing_a_recreate_asks_for_a_strategy(target: Target) -> None:
    deploy(target, shop())
    plan = plan_of(target, shop(amount_type="int"), Options(allow_destructive=("orders",)))
    [problem] = plan.problems
    assert "say how: --allow-destructive orders=copy" in problem.hint


def test_rows_inserted_into_tables_survive_every_apply(target: Target) -> None:
    deploy(target, shop())
    load_data(target, shop())
    query(target, "INSERT INTO customers VALUES ('c9', 'Zed')")
    for variant in (
        shop(window="30 minutes"),
        shop(window="30 minutes", extra_column=True),
        shop(extra_column=True),
        shop(extra_column=True, with_status_view=False),
    ):
        deploy(target, variant, Options(prune=True))
        assert query(target, "SELECT count(*) FROM orders") == [(30,)]
        assert query(target, "SELECT count(*) FROM customers") == [(3,)]


# -- objects ecomdsl does not manage ---------------------------------------------------------


def test_unmanaged_view_on_a_managed_mv_blocks_its_retirement(target: Target) -> None:
    deploy(target, shop())
    [old] = [n for n, kind, _ in catalog_snapshot(target) if n.startswith("revenue__")]
    query(target, f"CREATE VIEW my_report AS SELECT * FROM {old}")
    plan = plan_of(target, shop(window="30 minutes"))
    blocked = [p for p in plan.problems if p.action is Action.BLOCKED]
    assert len(blocked) == 1
    assert f"{old!r} is to be dropped" in blocked[0].message
    assert f"view {target.schema}.my_report" in blocked[0].message
    with pytest.raises(DeployError, match="my_report"):
        deploy(target, shop(window="30 minutes"))
    assert old in {n for n, _, _ in catalog_snapshot(target)}
    # a reader of a facade blocks switching it; of a pruned view, dropping it
    query(target, "DROP VIEW my_report")
    query(target, "CREATE VIEW status_report AS SELECT * FROM by_status")
    plan = plan_of(target, shop(with_status_view=False), Options(prune=True))
    assert any("status_report" in p.message for p in plan.problems)
    plan = plan_of(target, shop(window="30 minutes"))
    assert not plan.problems
    query(target, "CREATE VIEW rev_report AS SELECT * FROM revenue")
    plan = plan_of(target, shop(window="30 minutes"))
    assert [p.name for p in plan.problems] == ["revenue"]
    assert "rev_report" in plan.problems[0].message


def test_unmanaged_object_with_a_pipeline_name_is_refused_unless_adopted(target: Target) -> None:
    query(target, f"CREATE SCHEMA {target.schema}")
    query(target, "CREATE TABLE customers (customer_id VARCHAR, name VARCHAR)")
    query(target, "INSERT INTO customers VALUES ('c1', 'Ann')")
    query(target, "CREATE MATERIALIZED VIEW revenue AS SELECT 1 AS n")
    plan = plan_of(target, shop())
    assert sorted(p.name for p in plan.problems) == ["customers", "revenue"]
    assert actions(plan)["customers"] == "blocked"
    with pytest.raises(DeployError, match="not created by ecomdsl"):
        deploy(target, shop())
    result = deploy(target, shop(), Options(adopt=True))
    assert actions(result.plan)["customers"] == "adopt"
    assert query(target, "SELECT count(*) FROM customers") == [(1,)]
    names = {n for n, _, _ in catalog_snapshot(target)}
    assert "revenue__ecd_legacy" not in names  # the adopted MV was replaced and dropped
    assert not plan_of(target, shop()).pending


def test_a_facade_changed_by_hand_is_switched_back_and_what_it_read_left_alone(
    target: Target,
) -> None:
    deploy(target, shop())
    query(target, "CREATE TABLE mine (n BIGINT)")
    query(target, "DROP VIEW by_status")
    query(target, "CREATE VIEW by_status AS SELECT n FROM mine")
    plan = plan_of(target, shop())
    assert [w for w in plan.warnings if w.startswith("by_status")] == [
        "by_status: changed outside ecomdsl (it reads mine): switched back; "
        "mine is not ecomdsl's and is left alone"
    ]
    assert [s.what for s in plan.steps] == ["switch facade"]
    deploy(target, shop())
    assert "mine" in {n for n, _, _ in catalog_snapshot(target)}
    assert not plan_of(target, shop()).pending


def test_destroy_drops_only_what_ecomdsl_manages(target: Target) -> None:
    deploy(target, shop())
    query(target, "CREATE TABLE notes (x INT)")
    query(target, "CREATE VIEW note_view AS SELECT * FROM notes")
    with Session(target) as session:
        result = destroy(session, shop(), include_tables=False, root=ROOT)
    assert result.executed > 0
    names = {n for n, _, _ in catalog_snapshot(target)}
    assert names == {"orders", "customers", "notes", "note_view"}
    with Session(target) as session:
        destroy(session, shop(), include_tables=True, root=ROOT)
    assert {n for n, _, _ in catalog_snapshot(target)} == {"notes", "note_view"}
    assert journal_snapshot(target) == {}


# -- failures, locks, stale plans ------------------------------------------------------------


def _reject(at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            conn.execute("SELECT ecomdsl_injected_fault()")  # the server rejects it

    return fault


def _interrupt(at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            raise KeyboardInterrupt  # Ctrl-C between two steps

    return fault


def _kill(dsn: str, at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))

    return fault


CHANGES = {
    "views": (
        dict(window="30 minutes", extra_column=True, with_status_view=False),
        Options(prune=True),
    ),
    "recreate": (dict(amount_type="int"), Options(allow_destructive=("orders=copy",))),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("mode", ["reject", "kill", "interrupt"])
def test_a_failure_at_every_step_boundary_is_completed_by_a_rerun(
    engine_dsn: str, mode: str, change: str
) -> None:
    if mode == "kill" and engine_dsn == RW_DSN:
        pytest.skip("RisingWave's pg_terminate_backend does nothing (it always returns false)")
    pg_dsn = engine_dsn
    variant, options = CHANGES[change]
    v1, v2 = shop(), shop(**variant)  # type: ignore[arg-type]
    reference = new_target(pg_dsn)
    try:
        deploy(reference, v1)
        load_data(reference, v1)
        steps = deploy(reference, v2, options).plan.steps
        expected = (catalog_snapshot(reference), journal_snapshot(reference))
    finally:
        drop_target(pg_dsn, reference)
    assert len(steps) >= 5
    for at in range(1, len(steps) + 1):
        t = new_target(pg_dsn)
        try:
            deploy(t, v1)
            load_data(t, v1)
            if mode == "interrupt":
                with pytest.raises(KeyboardInterrupt):
                    deploy(t, v2, options, fault=_interrupt(at), lock_kind="view")
            else:
                fault = _reject(at) if mode == "reject" else _kill(pg_dsn, at)
                with pytest.raises(StepFailed) as info:
                    deploy(t, v2, options, fault=fault)
                message = str(info.value)
                assert f"(step {at} of {len(steps)})" in message
                assert ("ecomdsl_injected_fault" in message) == (mode == "reject")
                assert ("connection was lost" in message) == (mode == "kill")
            deploy(t, v2, options, lock_kind="view" if mode == "interrupt" else None)
            assert (catalog_snapshot(t), journal_snapshot(t)) == (
                [(n.replace(t.schema, reference.schema), k, r) for n, k, r in expected[0]],
                expected[1],
            ), f"failure before step {at} ({mode})"
            assert not plan_of(t, v2, options).pending
            assert query(t, "SELECT count(*) FROM orders") == [(30,)]
        finally:
            drop_target(pg_dsn, t)


@pytest.mark.parametrize("kind", ["advisory", "view"])
def test_two_applies_never_interleave_and_the_loser_names_the_holder(
    target: Target, kind: str
) -> None:
    deploy(target, shop(), lock_kind=kind)
    with Session(target) as holder, locked(holder, 0, kind):
        with pytest.raises(LockBusy) as info, Session(target) as other:
            apply(
                other,
                shop(window="30 minutes"),
                Options(),
                root=ROOT,
                lock_kind=kind,
                lock_timeout=0.3,
            )
        message = str(info.value)
        assert holder.deploy_id in message and holder.actor in message
        assert "since" in message
    # genuinely concurrent: both finish, one after the other
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(
                deploy(target, shop(window="30 minutes"), lock_kind=kind, lock_timeout=30)
            )
        except Exception as err:  # pragma: no cover - reported by the assert below
            results.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.executed > 0 for r in results) == [False, True]
    rows = query(target, f"SELECT deploy_id FROM {target.state_schema}.steps ORDER BY seq")
    order = [r[0] for r in rows]
    # each deploy's steps are contiguous in the journal
    runs = [d for i, d in enumerate(order) if i == 0 or order[i - 1] != d]
    assert len(runs) == len(set(runs))


def test_view_lock_left_by_a_killed_apply_is_broken_only_by_unlock(target: Target) -> None:
    deploy(target, shop(), lock_kind="view")
    with Session(target) as first:
        first.journal.bootstrap()
        lock = first.lock("view")
        lock.acquire(0)
    # that session is gone; its view lock stays
    with pytest.raises(LockBusy, match="ecomdsl unlock"):
        deploy(target, shop(window="30 minutes"), lock_kind="view")
    with Session(target) as session:
        broken = session.lock("view").break_lock(None)  # type: ignore[attr-defined]
    assert broken is not None and broken.deploy_id == first.deploy_id
    assert deploy(target, shop(window="30 minutes"), lock_kind="view").executed > 0


def test_a_stale_saved_plan_is_refused(target: Target) -> None:
    deploy(target, shop())
    saved = plan_of(target, shop(window="30 minutes"))
    query(target, "CREATE TABLE someone_elses (x INT)")
    with pytest.raises(StalePlan, match="stale"):
        deploy(target, shop(window="30 minutes"), expected_hash=saved.hash)
    fresh = plan_of(target, shop(window="30 minutes"))
    assert deploy(target, shop(window="30 minutes"), expected_hash=fresh.hash).executed > 0


# -- found by a hostile review ---------------------------------------------------------------


def test_objects_of_others_on_names_ecomdsl_uses_are_never_dropped(target: Target) -> None:
    deploy(target, shop())
    query(target, "CREATE TABLE orders__ecd_old (x INT)")
    query(target, "CREATE VIEW revenue__ecd_prev AS SELECT 1 AS x")
    query(target, "CREATE VIEW revenue__ecd_next AS SELECT 1 AS x")
    assert not plan_of(target, shop()).pending
    deploy(target, shop())
    changed = plan_of(target, shop(window="30 minutes"))
    assert [p.name for p in changed.problems] == ["revenue"] * (1 if target.dsn == RW_DSN else 2)
    assert "'revenue__ecd_next' exists and was not created by ecomdsl" in (
        changed.problems[0].message
    )
    recreate = plan_of(target, shop(amount_type="int"), Options(allow_destructive=("orders=copy",)))
    assert any("'orders__ecd_old' exists" in p.message for p in recreate.problems)
    names = {n for n, _, _ in catalog_snapshot(target)}
    assert {"orders__ecd_old", "revenue__ecd_prev", "revenue__ecd_next"} <= names


def test_two_pipelines_in_one_schema_never_take_each_others_objects(target: Target) -> None:
    from ecomdsl import MaterializedView, Pipeline, Table, count
    from ecomdsl.model.build import resolve

    deploy(target, shop())
    stock = Table("stock", {"sku": "varchar"})
    other = resolve(
        Pipeline("other", objects=[stock, MaterializedView("by_status", stock.agg(n=count()))])
    )
    plan = plan_of(target, other)
    assert [(p.name, p.action.value) for p in plan.problems] == [("by_status", "blocked")]
    assert "was deployed by pipeline 'shop'" in plan.problems[0].message
    taken = plan_of(target, other, Options(adopt=True))
    assert not taken.problems


def test_a_name_too_long_for_postgresql_is_refused(target: Target) -> None:
    from ecomdsl import MaterializedView, Pipeline, Table, count
    from ecomdsl.model.build import resolve

    name = "per_customer_with_a_rather_descriptive_long_name_xyz"  # 52 bytes
    p = resolve(
        Pipeline("long", objects=[MaterializedView(name, Table("t", {"a": "int"}).agg(n=count()))])
    )
    plan = plan_of(target, p)
    if target.dsn == RW_DSN:
        assert not plan.problems
    else:
        assert [p.name for p in plan.problems] == [name]
        assert "52 bytes long" in plan.problems[0].message


def test_test_data_loads_after_a_table_recreate(target: Target) -> None:
    deploy(target, shop())
    changed = shop(amount_type="int")
    deploy(target, changed, Options(allow_destructive=("orders=empty",)))
    load_data(target, changed)
    assert query(target, "SELECT count(*) FROM orders") == [(30,)]
    assert query(target, "SELECT sum(n) FROM by_status") == [(30,)]


def test_an_input_renamed_by_hand_is_reported_as_drift(target: Target) -> None:
    deploy(target, shop())
    query(target, "ALTER TABLE orders RENAME TO orders_bak")
    plan = plan_of(target, shop())
    drift = [p for p in plan.problems if p.message.startswith("drift:")]
    assert drift and "reads orders_bak instead of orders" in drift[0].message


def test_bad_allow_destructive_values_are_refused(target: Target) -> None:
    deploy(target, shop())
    for value, message in (
        ("orders=COPY", "the strategy is copy or empty"),
        ("orders=", "the strategy is copy or empty"),
        ("nope=copy", "the pipeline has no table 'nope'"),
    ):
        plan = plan_of(target, shop(), Options(allow_destructive=(value,)))
        assert [p.message for p in plan.problems] == [f"--allow-destructive {value}: {message}"]


def test_the_journal_keeps_its_order_when_a_deployers_clock_runs_ahead(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 3600 * 10**9)
    deploy(target, shop())  # an operator whose clock is an hour ahead
    monkeypatch.setattr(time, "time_ns", real)
    deploy(target, shop(window="30 minutes"))
    assert not plan_of(target, shop(window="30 minutes")).pending


@pytest.mark.postgres
def test_privileges_on_a_facade_survive_its_switch(pg_dsn: str) -> None:
    target = new_target(pg_dsn)
    role = f"dash_{secrets.token_hex(4)}"
    try:
        deploy(target, shop())
        load_data(target, shop())
        query(target, f"CREATE ROLE {role} LOGIN")
        query(target, f"GRANT USAGE ON SCHEMA {target.schema} TO {role}")
        query(target, f"GRANT SELECT ON revenue, orders TO {role}")
        plan = plan_of(target, shop(window="30 minutes"))
        switch = next(s for s in plan.steps if s.object == "revenue" and s.what == "switch facade")
        assert f"GRANT SELECT ON TABLE revenue__ecd_next TO {role}" in switch.statements
        deploy(target, shop(window="30 minutes"))
        recreate = Options(allow_destructive=("orders=copy",))
        deploy(target, shop(window="30 minutes", amount_type="int"), recreate)
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute(f"SET ROLE {role}")
            for name in ("revenue", "orders"):
                row = conn.execute(f"SELECT count(*) FROM {target.schema}.{name}").fetchone()
                assert row is not None and row[0] > 0, name
    finally:
        drop_target(pg_dsn, target)
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
def test_a_sequence_or_index_with_a_pipeline_name_blocks_the_plan(pg_dsn: str) -> None:
    target = new_target(pg_dsn)
    try:
        query(target, f"CREATE SCHEMA {target.schema}")
        query(target, "CREATE SEQUENCE revenue")
        query(target, "CREATE TABLE t (x INT)")
        query(target, "CREATE INDEX customers ON t (x)")
        plan = plan_of(target, shop())
        assert sorted((p.name, p.action.value) for p in plan.problems) == [
            ("customers", "blocked"),
            ("revenue", "blocked"),
        ]
        assert any("a sequence named 'revenue'" in p.message for p in plan.problems)
    finally:
        drop_target(pg_dsn, target)
