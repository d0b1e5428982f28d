"""The relation and object builders (`ecomdsl.dsl.relation`, `ecomdsl.dsl.objects`): each
call returns a new frozen node (a builder can be reused in several queries), misuse fails at
once with what to write instead, and every node records the user's line."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from ecomdsl import Join, MaterializedView, Pipeline, col, count
from ecomdsl.dsl.relation import Filter, Project
from tests.helpers import ROOT, events, where

# of the wrong type on purpose (typed Any for mypy): the runtime checks are what is tested
NOTHING: Any = None
CODES_ONLY: Any = ["RW101"]


def test_each_call_returns_a_new_node_and_the_input_is_reusable() -> None:
    e = events()
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
    e = events()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.name = "other"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.where(col("quantity") > 1).input = e  # type: ignore[misc]


def test_columns_bound_to_a_relation() -> None:
    e = events()
    assert (e.c.user_id.name, e.c.user_id.relation) == ("user_id", e)
    assert (e.c["user_id"].name, e["user_id"].relation) == ("user_id", e)
    with pytest.raises(AttributeError):
        _ = e.c.__wrapped__


@pytest.mark.parametrize(
    ("misuse", "message"),
    [
        (lambda: events().where(), "where() needs at least one predicate"),
        (lambda: events().select(), "select() needs at least one column"),
        (
            lambda: events().group_by("user_id").agg(),
            "agg() needs at least one named aggregate, e.g. agg(n=count())",
        ),
        (
            lambda: Join(events(), events(), on=NOTHING),
            "Join(on=...) takes a column name, a list of names, or a predicate",
        ),
        (
            lambda: MaterializedView("m", events().agg(n=count()), allow=CODES_ONLY),
            'allow= takes a dict of rule code -> reason, e.g. {"RW101": "why"}',
        ),
    ],
)
def test_misuse_is_refused_at_once(misuse: Any, message: str) -> None:
    with pytest.raises(TypeError) as info:
        misuse()
    assert str(info.value) == message


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


def test_a_pipeline_takes_any_sequence_of_objects() -> None:
    e = events()
    mv = MaterializedView("per_user", e.group_by("user_id").agg(n=count()))
    assert Pipeline("p", objects=[e, mv]).objects == Pipeline("p", objects=(e, mv)).objects
