"""The relation builders (`ecomdsl.dsl.relation`): each call returns a new frozen node (a
builder can be reused in several queries), misuse fails at once at the user's line with what
to write instead, a relation is no sequence, and every node records the user's line."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from ecomdsl import (
    Funnel,
    Join,
    MaterializedView,
    Stage,
    Tumble,
    Union,
    ZScore,
    col,
    count,
    union,
    union_all,
)
from ecomdsl.dsl.relation import Filter, Project
from tests.dsl.helpers import refusal, untyped
from tests.helpers import ROOT, events, products, where

e = events()
p = products()


def test_each_call_returns_a_new_node_and_the_input_is_reusable() -> None:
    purchases = e.where(col("event_type") == "purchase")
    views = e.where(col("event_type") == "product_view")
    assert isinstance(purchases, Filter)
    assert purchases.input is e
    assert views.input is e
    assert purchases is not views
    ids = purchases.select("event_id")
    assert isinstance(ids, Project)
    assert ids.input is purchases


def test_builders_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.name = "other"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.where(col("quantity") > 1).input = e  # type: ignore[misc]


def test_columns_bound_to_a_relation() -> None:
    assert (e.c.user_id.name, e.c.user_id.relation) == ("user_id", e)
    assert (e.c["user_id"].name, e["user_id"].relation) == ("user_id", e)
    with pytest.raises(AttributeError):
        _ = e.c.__wrapped__


SET_HINT = (
    "\n    hint: a set has no order, so the generated SQL would change from run to run: use a list"
)
RELATION = (
    "takes a relation (a Table, Stream, View, MaterializedView, ref() or a query built on one)"
)
QUERY_HINT = "\n    hint: build the query with the builders, e.g. events.where(...).select(...)"
NOT_A_LIST = (
    "a relation is no list of its rows or columns (they are known only when the pipeline is "
    "compiled)\n    hint: rel.c.name or rel['name'] is one column; [rel] is a list of one relation"
)

REFUSED = [
    pytest.param(lambda: e.where(), "where() needs at least one predicate", id="where-empty"),
    pytest.param(
        lambda: e.where(untyped("amount > 5")),
        "where() takes a condition such as col('amount') > 5, not str 'amount > 5'\n"
        "    hint: for SQL text write raw('amount > 5')",
        id="J03j-where-sql-text",
    ),
    pytest.param(
        lambda: e.where(col("quantity") > 1, untyped(True)),
        "where() takes a condition such as col('amount') > 5, not True",
        id="where-bool",
    ),
    pytest.param(
        lambda: e.group_by("user_id").agg(n=count()).having(untyped("n > 1")),
        "having() takes a condition such as col('amount') > 5, not str 'n > 1'\n"
        "    hint: for SQL text write raw('n > 1')",
        id="having-sql-text",
    ),
    pytest.param(lambda: e.select(), "select() needs at least one column", id="select-empty"),
    pytest.param(
        lambda: e.select(untyped(5)),
        "select() takes column names (str) or columns, not int 5\n"
        "    hint: name a computed column: select(x=...)",
        id="B02e-select-int",
    ),
    pytest.param(
        lambda: e.group_by(untyped(5)),
        "group_by() takes column names (str) or columns, not int 5\n"
        "    hint: name a computed column: group_by(x=...)",
        id="group-by-int",
    ),
    pytest.param(
        lambda: e.group_by("user_id").agg(),
        "agg() needs at least one named aggregate, e.g. agg(n=count())",
        id="agg-empty",
    ),
    pytest.param(
        lambda: e[untyped(0)],
        "rel[...] takes a column name (str), as in rel['amount'], not int 0",
        id="getitem-int",
    ),
    pytest.param(
        lambda: e.c[untyped(0)],
        "rel[...] takes a column name (str), as in rel['amount'], not int 0",
        id="c-getitem-int",
    ),
    pytest.param(
        lambda: Join(e, p, on=untyped(None)),
        "Join(on=...) takes a column name, a list of names, or a predicate, not None",
        id="join-on-none",
    ),
    pytest.param(
        lambda: Join(e, p, on=untyped({"product_id"})),
        f"Join(on=...) takes a column name, a list of names, or a predicate, not a set of 1{SET_HINT}",
        id="join-on-set",
    ),
    pytest.param(
        lambda: Join(untyped("events"), p, on="product_id"),
        f"Join(left=...) {RELATION}, not str 'events'{QUERY_HINT}",
        id="join-left-str",
    ),
    pytest.param(
        lambda: Join(e, p, on="product_id", temporal=untyped("yes")),
        "Join(temporal=...) takes True or False, not str 'yes'",
        id="join-temporal-str",
    ),
    pytest.param(
        lambda: Tumble(e, untyped(5), "1 hour"),
        "Tumble(time_column=...) takes a column name (str), not int 5",
        id="B02f-tumble-int-column",
    ),
    pytest.param(
        lambda: Tumble(e, untyped(col("event_time")), "1 hour"),
        "Tumble(time_column=...) takes a column name (str), not col('event_time')",
        id="J03i-tumble-column-expression",
    ),
    pytest.param(
        lambda: ZScore(e, value=untyped(col("amount")), order_by="event_time"),
        "ZScore(value=...) takes a column name (str), not col('amount')",
        id="J03h-zscore-value-expression",
    ),
    pytest.param(
        lambda: ZScore(e, value="amount", order_by="event_time", partition_by=untyped({"a"})),
        f"ZScore(partition_by=...) takes a column name or a list of names, not a set of 1{SET_HINT}",
        id="zscore-partition-set",
    ),
    pytest.param(
        lambda: ZScore(e, value="amount", order_by="event_time", z_as=untyped(None)),
        "ZScore(z_as=...) takes a name (str), not None",
        id="zscore-output-name",
    ),
    pytest.param(
        lambda: Funnel(e, session=untyped(5), stages=["a", "b"]),
        "Funnel(session=...) takes a column name (str), not int 5",
        id="J03n-funnel-session-int",
    ),
    pytest.param(
        lambda: Funnel(e, session="session_id", stages=untyped(["a", 1])),
        "Funnel(stages=...) takes a list of stage names (str) or Stage(...)s, not int 1",
        id="funnel-stage-int",
    ),
    pytest.param(
        lambda: Funnel(e, session="session_id", stages=untyped({"a", "b"})),
        "Funnel(stages=...) takes a list of stage names (str) or Stage(...)s, not a set of 2"
        + SET_HINT,
        id="funnel-stages-set",
    ),
    pytest.param(
        lambda: Stage(untyped(5)),
        "Stage(name=...) takes a name (str), not int 5",
        id="stage-name-int",
    ),
    pytest.param(
        lambda: Stage("buy", label=untyped(5)),
        "Stage(label=...) takes a name (str) or None, not int 5",
        id="stage-label-int",
    ),
    pytest.param(
        lambda: Stage("buy", when=untyped("event_type = 'buy'")),
        "Stage(when=...) takes a condition such as col('amount') > 5, not str \"event_type = 'buy'\"",
        id="stage-when-sql-text",
    ),
    pytest.param(
        lambda: union_all(untyped([e, e])),
        "union_all() takes relations, not a list of 2\n"
        "    hint: union_all(a, b), not union_all([a, b])",
        id="union-all-list",
    ),
    pytest.param(
        lambda: union(e, untyped("events")),
        "union() takes relations, not str 'events'\n    hint: union(a, b), not union([a, b])",
        id="union-str",
    ),
    pytest.param(
        lambda: Union(untyped(e)),
        "Union(inputs=...) takes a list of relations, not the stream 'events'\n"
        "    hint: put it in a list: [...]",
        id="union-inputs-relation",
    ),
    pytest.param(
        lambda: Filter(e, untyped("quantity > 1")),
        "Filter(predicate=...) takes a condition such as col('amount') > 5, not str 'quantity > 1'",
        id="filter-predicate-str",
    ),
    pytest.param(
        lambda: list(untyped(e)),
        f"the stream 'events' is not iterable: {NOT_A_LIST}",
        id="K01c-list",
    ),
    pytest.param(
        lambda: list(untyped(e.c)),
        f"the stream 'events' is not iterable: {NOT_A_LIST}",
        id="list-c",
    ),
    pytest.param(
        lambda: [x for x in untyped(e.where(col("quantity") > 1))],
        f"a query (Filter) is not iterable: {NOT_A_LIST}",
        id="for-loop",
    ),
    pytest.param(
        lambda: "user_id" in untyped(e),
        f"the stream 'events' cannot be searched with `in`: {NOT_A_LIST}",
        id="K01b-in",
    ),
]


@pytest.mark.parametrize(("make", "message"), REFUSED)
def test_misuse_is_refused_at_once_at_the_users_line(
    make: Callable[[], object], message: str
) -> None:
    assert refusal(make) == message


def test_a_str_where_names_go_is_one_name() -> None:
    """``partition_by="user_id"`` is one column and ``stages="view"`` one stage, never their
    letters (the model then asks for a second stage)."""
    z = ZScore(e, value="amount", order_by="event_time", partition_by="user_id")
    assert z.partition_by == ("user_id",)
    funnel = Funnel(e, session="session_id", step="event_type", stages="view")
    assert [stage.name for stage in funnel.stages] == ["view"]
    assert Join(e, p, on="product_id").on == ("product_id",)


def test_objects_and_queries_record_the_line_that_built_them() -> None:
    e = events()
    mv = MaterializedView(  # L:mv
        "per_user",
        e.group_by("user_id").agg(n=count()),  # L:query
    )
    assert mv.location.display(ROOT) == where("L:mv", __file__)
    assert mv.query.location.display(ROOT) == where("L:query", __file__)
    # a builder called inside a helper points at the helper's line
    assert e.location.display(ROOT) == where("return Stream(", str(ROOT / "tests" / "helpers.py"))
