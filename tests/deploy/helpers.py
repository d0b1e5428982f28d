"""Shared pieces of the deploy tests: a small pipeline with variants, targets, snapshots."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql

from ecomdsl import MaterializedView, Pipeline, Stream, Table, Tumble, View, col, count, sum_
from ecomdsl.deploy.apply import ApplyResult, Session, apply
from ecomdsl.deploy.plan import Options, Plan
from ecomdsl.deploy.target import Target
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from tests.helpers import ROOT

T0 = dt.datetime(2026, 1, 1, 10, 0)
RW_DSN = os.environ.get("ECOMDSL_RISINGWAVE_DSN")
"""The RisingWave the live scenarios also run on, when set."""


def shop(
    *,
    window: str = "1 hour",
    extra_column: bool = False,
    amount_type: str = "numeric",
    with_status_view: bool = True,
    watermark: str = "2 minutes",
) -> ir.ResolvedPipeline:
    """orders (stream) -> paid (view) -> revenue (MV, tumbling windows) -> big_windows (MV);
    orders -> by_status (MV); customers (table). Variants change one thing each."""
    columns = {"order_id": "varchar", "amount": amount_type, "status": "varchar", "ts": "timestamp"}
    if extra_column:
        columns["note"] = "varchar"
    orders = Stream("orders", columns, event_time="ts", watermark=watermark)
    customers = Table(
        "customers", {"customer_id": "varchar", "name": "varchar"}, primary_key="customer_id"
    )
    paid = View("paid", orders.where(col("status") == "paid"))
    revenue = MaterializedView(
        "revenue",
        Tumble(paid, "ts", size=window)
        .group_by("window_start", "window_end")
        .agg(n=count(), total=sum_(col("amount"))),
    )
    big = MaterializedView("big_windows", revenue.where(col("n") >= 1))
    objects: list[Any] = [orders, customers, paid, revenue, big]
    if with_status_view:
        objects.append(MaterializedView("by_status", orders.group_by("status").agg(n=count())))

    def data() -> Iterator[tuple[str, list[dict[str, Any]]]]:
        yield (
            "customers",
            [{"customer_id": "c1", "name": "Ann"}, {"customer_id": "c2", "name": "Bo"}],
        )
        yield (
            "orders",
            [
                {
                    "order_id": f"o{i}",
                    "amount": 10 + i,
                    "status": "paid" if i % 3 else "new",
                    "ts": T0 + dt.timedelta(minutes=7 * i),
                }
                for i in range(30)
            ],
        )

    return resolve(Pipeline("shop", objects=objects, test_data=data))


def new_target(dsn: str) -> Target:
    tag = secrets.token_hex(5)
    return Target(dsn, schema=f"d_{tag}", state_schema=f"s_{tag}")


def drop_target(dsn: str, target: Target) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for schema in (target.schema, target.state_schema):
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def plan_of(target: Target, pipeline: ir.ResolvedPipeline, options: Options | None = None) -> Plan:
    with Session(target, purpose="plan") as session:
        return session.plan(pipeline, options or Options())


def deploy(
    target: Target, pipeline: ir.ResolvedPipeline, options: Options | None = None, **kw: Any
) -> ApplyResult:
    with Session(target) as session:
        return apply(session, pipeline, options or Options(), root=ROOT, **kw)


def load_data(target: Target, pipeline: ir.ResolvedPipeline) -> None:
    from ecomdsl.deploy.data import load_test_data

    with Session(target) as session:
        load_test_data(session.conn, session.adapter, session.desired(pipeline))


def query(target: Target, text: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(target.schema)))
        cursor = conn.execute(text.encode(), params or None)
        return [tuple(r) for r in cursor.fetchall()] if cursor.description else []


def catalog_snapshot(target: Target) -> list[tuple[str, str, str]]:
    """(name, kind, what it reads) for every relation of the schema, on either engine."""
    from ecomdsl.deploy.catalog import read_catalog

    with Session(target, purpose="plan") as session:
        catalog = read_catalog(session.conn, session.adapter, target.schema)
    return sorted(
        (r.name, r.kind, ",".join(sorted(catalog.reads_names(r.name))))
        for r in catalog.relations.values()
    )


def journal_snapshot(target: Target) -> dict[str, tuple[str, str, str]]:
    """physical name -> (pipeline name, kind, latest state) from the journal."""
    with Session(target, purpose="plan") as session:
        state = session.journal.read()
    return {k: (v.logical_name, v.kind, v.state) for k, v in state.objects.items()}


def deployed_state(want: Any, schema: str = "public") -> tuple[Any, Any]:
    """The catalog and journal a clean deploy of ``want`` leaves (for plan-only tests):
    tables, physical objects and facades, with the facades reading the physical objects."""
    from ecomdsl.deploy.catalog import Catalog, Relation
    from ecomdsl.deploy.state import FACADE, LIVE, JournalState, ObjectRecord

    relations: dict[str, Relation] = {}
    reads: dict[int, frozenset[int]] = {}
    columns: dict[str, tuple[tuple[str, str], ...]] = {}
    records: dict[str, ObjectRecord] = {}
    physical = {o.name: o.physical for o in want.objects}
    oid = 1000
    for o in want.objects:
        oid += 1
        relations[o.physical] = Relation(oid, o.physical, o.kind, True)
        reads[oid] = frozenset(relations[physical[r]].oid for r in o.reads)
        pipeline = want.pipeline.name
        if o.table is not None:
            columns[o.name] = tuple((n, t.sql("postgres").lower()) for n, t in o.table.columns)
            import json

            records[o.name] = ObjectRecord(
                pipeline,
                o.name,
                o.name,
                o.kind,
                o.table.version,
                o.generation,
                LIVE,
                "d1",
                json.dumps(dict(o.table.identity_parts)),
            )
            continue
        records[o.physical] = ObjectRecord(
            pipeline, o.name, o.physical, o.kind, o.fingerprint, 0, LIVE, "d1"
        )
        oid += 1
        relations[o.name] = Relation(oid, o.name, "view", True)
        reads[oid] = frozenset({relations[o.physical].oid})
        records[o.name] = ObjectRecord(pipeline, o.name, o.name, FACADE, "", 0, LIVE, "d1")
    dependents: dict[int, tuple[Any, ...]] = {}
    from ecomdsl.deploy.catalog import Dependent

    by_oid = {r.oid: r for r in relations.values()}
    for reader, read in reads.items():
        for target in read:
            r = by_oid[reader]
            dependents[target] = (
                *dependents.get(target, ()),
                Dependent(r.oid, schema, r.name, r.kind),
            )
    catalog = Catalog(schema, relations, reads, dependents, columns)
    return catalog, JournalState(records, "d1", None)


def actions(plan: Plan) -> dict[str, str]:
    """``{object: action}`` of a plan's changes."""
    return {c.name: c.action.value for c in plan.changes}
