"""The public builder API type-checks in users' code under ``mypy --strict``.

`shop` is written the way a user writes a pipeline, and `make lint`'s mypy checks it with
the project's configuration: every builder call must be accepted, and ``assert_type`` pins
what each returns. `_rejected` holds calls mypy must refuse; each carries a ``type: ignore``
that strict mypy reports as unused as soon as a builder stops refusing it (a converter or
an argument typed ``Any`` again, for instance). `test_a_user_file_type_checks_under_mypy_strict`
runs mypy as a user would, on a file outside the project with nothing but ``--strict``.

Why it can break: the attrs plugin makes a converter's parameter type the argument type,
so ``attrs.field(converter=tuple)`` makes ``Pipeline("p", objects=[events, mv])`` an error
("expected _T_co"). Every converter is a typed function for that reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import assert_type

import ecomdsl
from ecomdsl import (
    Funnel,
    Join,
    Kafka,
    MaterializedView,
    Pipeline,
    Stage,
    Stream,
    Table,
    Tumble,
    View,
    ZScore,
    col,
    count,
    lag,
    row_number,
    sum_,
    when,
)
from ecomdsl.dsl.expr import Aggregate, BinaryOp, Over, UnaryOp
from ecomdsl.model.resolve import resolve


def shop() -> Pipeline:
    """A small pipeline using each builder the way the documentation shows."""
    orders = Stream(
        "orders",
        {"order_id": "varchar", "sku": "varchar", "amount": "numeric", "ts": "timestamp"},
        event_time="ts",
        watermark="1 minute",
        connector=Kafka("orders", "broker:9092", options={"scan.startup.mode": "earliest"}),
        allow={"RW101": "a probe"},
    )
    products = Table(
        "products",
        [("sku", "varchar"), ("price", "numeric")],
        primary_key=["sku"],
        doc="The catalogue.",
    )
    assert_type(products.primary_key, tuple[str, ...])
    assert_type(orders.connector, Kafka | None)

    big = col("amount") * 2 + 1 > 10
    assert_type(big, BinaryOp)
    assert_type(1 + col("amount"), BinaryOp)
    assert_type(True & big, BinaryOp)
    assert_type(col("sku") == "a", BinaryOp)
    assert_type(~col("sku").is_null(), UnaryOp)
    assert_type(count().filter(big), Aggregate)
    assert_type(row_number().over(partition_by="sku", order_by=["ts"]), Over)
    assert_type(lag(col("amount"), 2).over(order_by="ts", rows=(3, None)), Over)

    hourly = (
        Tumble(orders, "ts", size="1 hour")
        .where(big, col("sku").isin(["a", "b"]))
        .group_by("sku", hour=col("window_start"))
        .agg(n=count(), total=sum_(col("amount")), big=count().filter(big))
    )
    z = ZScore(hourly, value="n", order_by="hour", partition_by=["sku"], threshold=3)
    assert_type(z.partition_by, tuple[str, ...])
    funnel = Funnel(
        orders,
        session="order_id",
        step="sku",
        stages=["a", Stage("b", label="bee"), Stage("c", when=col("amount") > 0)],
    )
    assert_type(funnel.stages, tuple[Stage, ...])
    priced = Join(orders, products, on=["sku"], how="left").select(
        "sku", "price", size=when((big, "big"), otherwise="small")
    )
    exact = Join(orders, products, on=orders.c.sku == products.c.sku).select("order_id")
    objects = [
        orders,
        products,
        View("priced", priced),
        MaterializedView("anomalies", z, emit_on_window_close=True, allow={"RW103": "probe"}),
        MaterializedView("funnel", funnel),
        MaterializedView("exact", exact, doc="Orders of known products."),
    ]
    return Pipeline(
        "shop",
        objects=objects,
        test_data=lambda: [("products", [{"sku": "a", "price": 1}])],
    )


def _rejected() -> None:
    """Never called: mypy must refuse each of these calls."""
    events = Stream("e", {"ts": "timestamp"}, event_time="ts")
    Pipeline("p", objects=[col("ts")])  # type: ignore[list-item]
    Pipeline("p", objects=events)  # type: ignore[arg-type]
    ZScore(events, value="v", order_by="ts", partition_by=[1])  # type: ignore[list-item]
    Funnel(events, session="s", stages=[1])  # type: ignore[list-item]
    Join(events, events, on=1)  # type: ignore[arg-type]
    Table("t", {"a": "int"}, primary_key=1)  # type: ignore[arg-type]
    Table("t", {"a": "int"}, primary_key={"a"})  # type: ignore[arg-type]
    ZScore(events, value="v", order_by="ts", partition_by={"ts"})  # type: ignore[arg-type]
    Stream("s", {"ts": "timestamp"}, event_time="ts", connector="kafka")  # type: ignore[arg-type]
    Kafka("t", "b", options={"a": 1})  # type: ignore[arg-type]
    col("ts") * {1}  # type: ignore[arg-type]
    MaterializedView("m", events, "a doc, positionally")  # type: ignore[call-arg, arg-type]


def test_the_probe_pipeline_resolves() -> None:
    resolved = resolve(shop())
    assert sorted(d.name for d in resolved.objects) == [
        "anomalies",
        "exact",
        "funnel",
        "orders",
        "priced",
        "products",
    ]


USER_FILE = """
from ecomdsl import (
    Funnel, Join, Kafka, MaterializedView, Pipeline, Stream, Table, ZScore, col, count, sum_,
)

events = Stream(
    "events",
    {"k": "varchar", "v": "int", "ts": "timestamp"},
    event_time="ts",
    watermark="1 minute",
    connector=Kafka("events", "broker:9092", options={"scan.startup.mode": "earliest"}),
)
keys = Table("keys", {"k": "varchar", "label": "varchar"}, primary_key=["k"])
per_key = events.group_by("k").agg(n=count(), total=sum_(col("v") * 2))
mv = MaterializedView("per_key", Join(per_key, keys, on=["k"], how="left"))
z = MaterializedView("z", ZScore(events, value="v", order_by="ts", partition_by=["k"]))
f = MaterializedView("f", Funnel(events, session="k", stages=["a", "b"]))
pipeline = Pipeline("p", objects=[events, keys, mv, z, f])
"""

# each line must be an error (the rest of the user file is not)
USER_MISTAKES = [
    'Pipeline("q", objects=[events, col("v")])',
    'ZScore(events, value="v", order_by="ts", partition_by=[1])',
    'Funnel(events, session="k", stages=[1])',
    "Join(events, keys, on=1)",
    'Table("t", {"a": "int"}, primary_key=1)',
    'Kafka("t", "b", options={"a": 1})',
]


def test_a_user_file_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    """mypy --strict, run on a user's file outside the project, accepts the public API and
    refuses each mistake (so a builder typed ``Any`` fails this test too)."""
    source = textwrap.dedent(USER_FILE) + "".join(f"{m}\n" for m in USER_MISTAKES)
    (tmp_path / "pipeline.py").write_text(source)
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    first = len(textwrap.dedent(USER_FILE).splitlines()) + 1
    root = Path(ecomdsl.__file__).resolve().parent.parent
    mypy = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".cache"]
    run = subprocess.run(
        [*mypy, "pipeline.py"],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    lines = {int(line.split(":")[1]) for line in errors}
    assert lines == set(range(first, first + len(USER_MISTAKES))), run.stdout + run.stderr
