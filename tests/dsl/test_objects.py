"""The pipeline object builders (`ecomdsl.dsl.objects`): an argument of the wrong type or
shape is refused when the object is built, with one error at the user's line that names the
object, the parameter, what it takes and what it got; every valid spelling still builds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecomdsl import Kafka, MaterializedView, Pipeline, Stream, Table, View, count, ref
from ecomdsl.errors import BuilderError, CompileError
from tests.dsl.helpers import refusal, untyped
from tests.helpers import events

s = events()
per_user = s.group_by("user_id").agg(n=count())
mv = MaterializedView("per_user", per_user)

SET_HINT = (
    "\n    hint: a set has no order, so the generated SQL would change from run to run: use a list"
)
RELATION = (
    "takes a relation (a Table, Stream, View, MaterializedView, ref() or a query built on one)"
)
QUERY_HINT = "\n    hint: build the query with the builders, e.g. events.where(...).select(...)"
OBJECTS = "Pipeline(objects=...) takes a list of Table, Stream, View and MaterializedView objects"

REFUSED = [
    pytest.param(
        lambda: Pipeline("p", objects=untyped(mv)),
        f"{OBJECTS}, not the materialized view 'per_user'\n    hint: put it in a list: [...]",
        id="A06c-objects-not-a-list",
    ),
    pytest.param(
        lambda: Pipeline("p", objects=untyped(["mv", 42])),
        f"{OBJECTS}, not str 'mv'",
        id="A06d-objects-names",
    ),
    pytest.param(
        lambda: Pipeline("p", objects=[ref("events")]),
        f"{OBJECTS}, not ref('events')\n    hint: list the object itself; ref() reads an object in a query",
        id="objects-ref",
    ),
    pytest.param(
        lambda: Pipeline("p", objects=untyped({mv})),
        f"{OBJECTS}, not a set of 1{SET_HINT}",
        id="objects-set",
    ),
    pytest.param(
        lambda: Pipeline("p", objects=[s], test_data=untyped([("events", [])])),
        "p: Pipeline(test_data=...) takes a function returning (table, rows) pairs, or None, "
        "not a list of 1\n"
        """    hint: e.g. test_data=lambda: [("products", [{"product_id": "p1"}])]""",
        id="test-data-not-callable",
    ),
    pytest.param(
        lambda: MaterializedView(untyped(123), per_user),
        "MaterializedView(name=...) takes a name (str), not int 123",
        id="B02-int-name",
    ),
    pytest.param(
        lambda: Table("t", untyped({1: "int", "b": "varchar"})),
        "Table(columns=...): a column name is a str, not int 1",
        id="B02b-int-column-name",
    ),
    pytest.param(
        lambda: Table("t", untyped({"a": 5})),
        "Table(columns=...): column 'a' takes a type name such as 'varchar', not int 5",
        id="B02c-int-type",
    ),
    pytest.param(
        lambda: MaterializedView("mv", untyped("SELECT * FROM events")),
        "mv: MaterializedView(query=...) takes a relation (a Table, Stream, View, "
        "MaterializedView, ref() or a query built on one), not str 'SELECT * FROM events'"
        + QUERY_HINT,
        id="B02d-query-is-sql-text",
    ),
    pytest.param(
        lambda: MaterializedView("mv", untyped(s.group_by("user_id"))),
        f"mv: MaterializedView(query=...) {RELATION}, not a group_by() without its .agg(...)"
        + QUERY_HINT,
        id="query-group-by-without-agg",
    ),
    pytest.param(
        lambda: Table("t", untyped("a int")),
        "Table(columns=...) takes a dict of column name -> type, e.g. {'id': 'varchar'}, "
        "not str 'a int'",
        id="columns-str",
    ),
    pytest.param(
        lambda: Pipeline("p", objects=untyped("events")),
        f"{OBJECTS}, not str 'events'",
        id="objects-str",
    ),
    pytest.param(
        lambda: Table("t", untyped(["a", "b"])),
        "Table(columns=...) takes a dict of column name -> type, e.g. {'id': 'varchar'}, "
        "not list ['a', 'b']",
        id="B02h-columns-are-names",
    ),
    pytest.param(
        lambda: Stream("k", untyped([("a", "int"), "ts"]), event_time="ts"),
        "Stream(columns=...) takes a dict of column name -> type, e.g. {'id': 'varchar'}, "
        "not list [('a', 'int'), 'ts']",
        id="columns-not-all-pairs",
    ),
    pytest.param(
        lambda: MaterializedView("mv", per_user, emit_on_window_close=untyped("no")),
        "mv: MaterializedView(emit_on_window_close=...) takes True or False, not str 'no'",
        id="B02i-truthy-string",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, append_only=untyped("false")),
        "t: Table(append_only=...) takes True or False, not str 'false'",
        id="B02j-truthy-string",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, watermark_ttl=untyped(1)),
        "t: Table(watermark_ttl=...) takes True or False, not int 1",
        id="flag-int",
    ),
    pytest.param(
        lambda: View("v", s, doc=untyped(42)),
        "v: View(doc=...) takes text (str) or None, not int 42",
        id="F04b-doc-int",
    ),
    pytest.param(
        lambda: Table("t", {"a": "varchar", "b": "varchar"}, primary_key=untyped({"a", "b"})),
        f"Table(primary_key=...) takes a column name or a list of names, not a set of 2{SET_HINT}",
        id="I01-primary-key-set",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, primary_key=untyped(s)),
        "Table(primary_key=...) takes a column name or a list of names, not the stream 'events'",
        id="K01-primary-key-relation",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, primary_key=untyped(["a", 1])),
        "Table(primary_key=...) takes a column name or a list of names, not int 1",
        id="primary-key-int",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, on_conflict=untyped(True)),
        "t: Table(on_conflict=...) takes text (str) or None, not True",
        id="on-conflict-bool",
    ),
    pytest.param(
        lambda: Table("t", {"a": "int"}, event_time=untyped(5)),
        "t: Table(event_time=...) takes a column name (str) or None, not int 5",
        id="table-event-time-int",
    ),
    pytest.param(
        lambda: Stream("k", {"ts": "timestamp"}, event_time="ts", connector=untyped("kafka")),
        "k: Stream(connector=...) takes a connector such as Kafka(topic, bootstrap_servers) "
        "or None, not str 'kafka'",
        id="J01-connector-str",
    ),
    pytest.param(
        lambda: Stream("k", {"ts": "timestamp"}, event_time=untyped(5)),
        "k: Stream(event_time=...) takes a column name (str), not int 5",
        id="stream-event-time-int",
    ),
    pytest.param(
        lambda: Kafka(untyped(5), "broker:9092"),
        "Kafka(topic=...) takes text (str), not int 5",
        id="kafka-topic-int",
    ),
    pytest.param(
        lambda: Kafka("t", "broker:9092", options=untyped({"scan.startup.mode": 1})),
        "Kafka(options=...): 'scan.startup.mode' takes text (str), not int 1",
        id="kafka-option-int",
    ),
    pytest.param(
        lambda: Kafka("t", "broker:9092", options=untyped({("a", "b")})),
        f"Kafka(options=...) takes a dict of name -> text, not a set of 1{SET_HINT}",
        id="kafka-options-set",
    ),
    pytest.param(
        lambda: MaterializedView("m", per_user, allow=untyped(["RW101"])),
        """allow= takes a dict of rule code -> reason, e.g. {"RW101": "why"}, not list ['RW101']""",
        id="allow-list",
    ),
    pytest.param(
        lambda: ref(untyped(5)),
        "ref() takes the name (str) of a pipeline object, not int 5",
        id="ref-int",
    ),
]


@pytest.mark.parametrize(("make", "message"), REFUSED)
def test_a_wrong_argument_is_refused_at_the_users_line(
    make: Callable[[], object], message: str
) -> None:
    assert refusal(make) == message


def test_the_error_is_a_type_error_and_a_compile_error() -> None:
    """The CLI prints it like any compile problem; Python code sees the TypeError it expects
    from a call with a bad argument."""
    with pytest.raises(BuilderError) as info:
        Table("t", {"a": "int"}, append_only=untyped("false"))
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, CompileError)
    assert [d.obj for d in info.value.diagnostics] == ["t"]


def test_names_are_one_name_or_a_list_and_columns_a_dict_or_pairs() -> None:
    """A str is one name, never its letters; any ordered iterable is a list."""
    columns = {"a": "varchar", "b": "int"}
    keys = [
        Table("t", columns, primary_key=key).primary_key
        for key in ("a", ["a"], ("a",), untyped(k for k in ["a"]))
    ]
    assert keys == [("a",)] * 4
    assert Table("t", columns, primary_key=["b", "a"]).primary_key == ("b", "a")
    assert Table("t", columns).columns == Table("t", list(columns.items())).columns
    assert Table("t", columns).columns == (("a", "varchar"), ("b", "int"))


def test_a_pipeline_takes_any_ordered_iterable_of_objects() -> None:
    listed = Pipeline("p", objects=[s, mv]).objects
    assert listed == (s, mv)
    assert Pipeline("p", objects=(o for o in [s, mv])).objects == listed
