"""Deploy scenarios against a real PostgreSQL server (never skipped under CI=true), and the
same scenarios against RisingWave when ECOMDSL_RISINGWAVE_DSN is set (marked risingwave):
the first deploy, a second one that changes nothing, and each kind of change."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.plan import Options
from ecomdsl.deploy.target import Target
from ecomdsl.engines.postgres_engine import PostgresEngine
from ecomdsl.engines.runner import run as run_pipeline
from ecomdsl.engines.runner import sort_key
from tests.deploy.helpers import (
    RW_DSN,
    actions,
    catalog_snapshot,
    deploy,
    drop_target,
    load_data,
    new_target,
    plan_of,
    query,
    shop,
)
from tests.helpers import ROOT


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
