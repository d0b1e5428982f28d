"""Errors in tables, streams and the pipeline itself: names, types, keys, watermarks,
connectors, cycles, reads and test data (`ecomdsl.model.resolve`, `tables`, `testdata`).
Each test asserts the whole message."""

from __future__ import annotations

import pytest

from ecomdsl import MaterializedView, Pipeline, Stream, Table, View, col, count, ref, sum_
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.model.resolve import resolve
from tests.helpers import ROOT, errors_of, events, one_error, products, where


def at(marker: str) -> str:
    return where(marker, __file__)


def pipeline_errors(pipeline: Pipeline) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        resolve(pipeline)
    return list(info.value.diagnostics)


def test_watermark_on_non_time_column() -> None:
    columns = {"id": "varchar", "ts": "varchar"}
    s = Stream("s", columns, event_time="ts", watermark="1 minute")  # L:wm
    err = one_error(s)
    assert err.obj == "s"
    assert err.message == (
        "a watermark needs a time column (timestamp, timestamptz or date); 'ts' is varchar"
    )
    assert err.location.display(ROOT) == at("L:wm")


def test_event_time_column_missing() -> None:
    s = Stream("s", {"id": "varchar", "ts": "timestamp"}, event_time="tss", watermark="1 minute")
    err = one_error(s)
    assert (err.message, err.hint) == ("event_time column 'tss' not found", "did you mean 'ts'?")


def test_duplicate_object_name() -> None:
    a = Table("dup", {"x": "int"})  # L:dup1
    b = Table("dup", {"y": "int"})  # L:dup2
    err = one_error(a, b)
    assert err.obj == "dup"
    assert err.message == "duplicate object name 'dup'"
    assert err.text(ROOT) == f"duplicate object name 'dup' (first declared at {at('L:dup1')})"
    assert err.location.display(ROOT) == at("L:dup2")


def test_dependency_cycle_with_full_path() -> None:
    a = MaterializedView("a", ref("c").select("x"))  # L:cycle
    b = MaterializedView("b", a.select("x"))
    c = MaterializedView("c", b.select("x"))
    err = one_error(a, b, c)
    assert err.message == "dependency cycle: a -> b -> c -> a (x -> y: y reads x)"
    assert err.obj == "a"
    assert err.location.display(ROOT) == at("L:cycle")


def test_self_reference_is_a_cycle() -> None:
    a = MaterializedView("a", ref("a").select("x"))
    assert one_error(a).message == "dependency cycle: a -> a (x -> y: y reads x)"


def test_unknown_ref_with_hint() -> None:
    t = Table("orders", {"x": "int"})
    mv = MaterializedView("mv", ref("order").select("x"))
    err = one_error(t, mv)
    assert err.message == "reads 'order', which is not an object of pipeline 't'"
    assert err.hint == "did you mean 'orders'?"


def test_all_errors_reported_together() -> None:
    e = events()
    bad1 = MaterializedView("bad1", e.group_by("nope").agg(n=count()))
    bad2 = MaterializedView("bad2", e.group_by("user_id").agg(s=sum_(col("event_type"))))
    bad3 = Stream("bad3", {"ts": "int"}, event_time="ts", watermark="1 minute")
    errors = errors_of(bad1, bad2, bad3)
    assert [(x.obj, x.message.split(":")[0]) for x in errors] == [
        ("bad3", "a watermark needs a time column (timestamp, timestamptz or date); 'ts' is int"),
        ("bad1", "column 'nope' not found in 'events'"),
        ("bad2", "sum() needs a numeric or interval argument; 'event_type' is varchar"),
    ]
    rendered = CompileError(errors).render(ROOT)
    assert rendered.endswith("3 errors found")


def test_downstream_of_a_broken_object_does_not_cascade() -> None:
    broken = MaterializedView("broken", events().select("nope"))
    after = MaterializedView("after", broken.select("anything"))
    assert [e.obj for e in errors_of(broken, after)] == ["broken"]


def test_unknown_type_with_hint() -> None:
    err = one_error(Table("t1", {"a": "strng"}))
    assert err.message == "column 'a': unknown type 'strng'"
    assert err.hint == "did you mean 'string'?"


def test_rejected_types_with_the_fix() -> None:
    errors = errors_of(Table("t1", {"a": "varchar(20)", "b": "numeric(10,2)", "c": "json"}))
    assert [(e.message, e.hint) for e in errors] == [
        (
            "column 'a': RisingWave rejects type parameters in 'varchar(20)'",
            "write 'varchar' (no length)",
        ),
        (
            "column 'b': RisingWave rejects type parameters in 'numeric(10,2)'",
            "write 'numeric' (28 significant digits, no precision or scale)",
        ),
        ("column 'c': 'json' is not a RisingWave type", "RisingWave has no JSON type; use 'jsonb'"),
    ]


def test_primary_key_must_exist() -> None:
    err = one_error(Table("t1", {"id": "int"}, primary_key="idd"))
    assert (err.message, err.hint) == ("primary key column 'idd' not found", "did you mean 'id'?")


def test_pipeline_name_must_be_a_folder_name() -> None:
    [err] = pipeline_errors(Pipeline("Bad Name", objects=[products()]))
    assert err.message.startswith("pipeline name 'Bad Name' must be lower-case")


def test_test_data_errors() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [("products", [{"product_id": "p1", "nme": "x"}]), ("nope", [{"a": 1}])]

    prod = products()
    p = Pipeline("t", objects=[prod, View("v", prod.select("name"))], test_data=data)
    assert [(e.message, e.hint) for e in pipeline_errors(p)] == [
        ("test data of 't': 'products' has no column 'nme'", "did you mean 'name'?"),
        (
            "test data of 't': cannot insert into 'nope' (not a table or stream without connector)",
            None,
        ),
    ]


def test_test_data_value_types() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [("products", [{"product_id": 1, "name": "x", "price": "cheap"}])]

    errors = pipeline_errors(Pipeline("t", objects=[products()], test_data=data))
    assert [e.message for e in errors] == [
        "test data of 't': row 0 of 'products', column 'product_id': a int is not a varchar value",
        "test data of 't': row 0 of 'products', column 'price': a str is not a numeric value",
    ]


def test_test_data_generator_failure_is_reported() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        raise RuntimeError("boom")

    [err] = pipeline_errors(Pipeline("t", objects=[products()], test_data=data))
    assert err.message == "test data of 't': the generator raised RuntimeError: boom"


def test_kafka_options() -> None:
    from ecomdsl import Kafka

    s = Stream(
        "s",
        {"ts": "timestamp"},
        event_time="ts",
        connector=Kafka(topic="t", bootstrap_servers="b:1", options={"Bad Key": "x", "topic": "u"}),
    )
    assert [e.message for e in errors_of(s)] == [
        "Kafka option name 'Bad Key' must be dotted lower-case words (e.g. scan.startup.mode)",
        "Kafka option 'topic' is given twice",
    ]
