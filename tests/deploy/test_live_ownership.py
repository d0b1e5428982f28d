"""Deploy scenarios against a real PostgreSQL server (never skipped under CI=true), and the
same scenarios against RisingWave when ECOMDSL_RISINGWAVE_DSN is set (marked risingwave):
objects ecomdsl does not manage, names others use, and what a hostile review found."""

from __future__ import annotations

import secrets
import time

import psycopg
import pytest

from ecomdsl.deploy.apply import Session
from ecomdsl.deploy.destroy import destroy
from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.plan import Action, Options
from ecomdsl.deploy.target import Target
from tests.deploy.helpers import (
    RW_DSN,
    actions,
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
from tests.helpers import ROOT


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
    from ecomdsl.model.resolve import resolve

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
    from ecomdsl.model.resolve import resolve

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
