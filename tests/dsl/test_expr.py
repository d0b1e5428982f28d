"""The expression builders (`ecomdsl.dsl.expr`): misuse fails at once with a message that
says what to write instead, operators build new nodes, and every node records the user's
line for the compile errors that come later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ecomdsl import col, count, lit, raw, sum_
from ecomdsl.dsl.expr import BinaryOp, Literal, wrap
from tests.helpers import ROOT, where


def test_an_expression_has_no_truth_value() -> None:
    message = (
        "an ecomdsl expression has no truth value: use & | ~ instead of and/or/not, "
        "and .isin() instead of `in`"
    )
    with pytest.raises(TypeError) as info:
        bool(col("a") == 1)
    assert str(info.value) == message
    with pytest.raises(TypeError) as info:
        _ = 1 in [col("a")]
    assert str(info.value) == message


# of the wrong type on purpose (typed Any for mypy): the runtime checks are what is tested
NUMBER: Any = 3
THING: Any = object()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: col(NUMBER), "col() takes a column name (str), not int"),
        (lambda: lit(THING), "lit() takes a str/int/float/Decimal/bool/datetime, not "),
        (lambda: raw(NUMBER), "raw() takes SQL text"),
        (
            lambda: col("a") + THING,
            "cannot use a object in an expression; use col('name') for a column or a "
            "str/int/float/Decimal/bool/datetime literal",
        ),
    ],
)
def test_wrong_argument_types_are_refused_at_once(make: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError) as info:
        make()
    assert str(info.value).startswith(message)


def test_operators_build_new_nodes_and_leave_their_operands_alone() -> None:
    a = col("a")
    total = a + 1
    assert isinstance(total, BinaryOp)
    assert total.op == "+"
    assert total.left is a
    assert isinstance(total.right, Literal)
    assert total.right.value == 1
    assert (a.name, a.relation) == ("a", None)


def test_python_values_become_literals_and_expressions_pass_through() -> None:
    a = col("a")
    assert isinstance(wrap(2.5), Literal)
    assert wrap(a) is a


def test_every_node_records_the_line_that_built_it() -> None:
    a = col("a")  # L:col
    total = sum_(a)  # L:sum
    n = count()  # L:count
    assert a.location.display(ROOT) == where("L:col", __file__)
    assert total.location.display(ROOT) == where("L:sum", __file__)
    assert n.location.display(ROOT) == where("L:count", __file__)
