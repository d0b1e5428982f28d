"""RisingWave plans for tables and sources against hand-built catalogs: unmanaged tables,
adoption, Kafka sources and their columns (`ecomdsl.deploy.plan_tables`). No database
needed."""

from __future__ import annotations

import json
from typing import Any

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl import Kafka, Pipeline, Stream
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.plan import Action, ObjectEvent, Options
from ecomdsl.deploy.state import LIVE, ObjectRecord
from ecomdsl.model.resolve import resolve
from tests.deploy.fake_risingwave import (
    RW3,
    SEED_COLUMNS,
    VARCHAR,
    FakeSchema,
    deployed_journal,
    deployed_schema,
    outline,
    plan_for,
    record,
)


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
