"""The expression builders (`ecomdsl.dsl.expr`): misuse fails at once, at the user's line,
with a message that says what to write instead, operators build new nodes, and every node
records the user's line for the compile errors that come later."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecomdsl import col, count, lit, raw, row_number, sum_, when
from ecomdsl.dsl.expr import BinaryOp, InList, Literal, wrap
from tests.dsl.helpers import refusal, untyped
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


SET_HINT = (
    "\n    hint: a set has no order, so the generated SQL would change from run to run: use a list"
)
ROWS = "over(rows=(start, end)) takes row counts from 0 to 9223372036854775807 or None"
PAIR_HINT = "\n    hint: give both bounds, e.g. (3, None); None is unbounded or the current row"
WHEN_HINT = "\n    hint: e.g. when((col('amount') > 100, 'big'), otherwise='small')"
total = sum_(col("amount"))

REFUSED = [
    pytest.param(
        lambda: col(untyped(3)), "col() takes a column name (str), not int 3", id="col-int"
    ),
    pytest.param(
        lambda: lit(untyped(object())),
        "lit() takes a str/int/float/Decimal/bool/datetime/date, not an object of type object",
        id="lit-object",
    ),
    pytest.param(lambda: raw(untyped(3)), "raw() takes SQL text (str), not int 3", id="raw-int"),
    pytest.param(
        lambda: col("a") + untyped(object()),
        "an expression takes col('name') for a column or a str/int/float/Decimal/bool/"
        "datetime/date literal, not an object of type object",
        id="operand-object",
    ),
    pytest.param(
        lambda: col("a") * untyped({1}),
        "an expression takes col('name') for a column or a str/int/float/Decimal/bool/"
        "datetime/date literal, not a set of 1",
        id="operand-set",
    ),
    pytest.param(
        lambda: col("a").isin(untyped({"shoes", "hats"})),
        f"isin() takes a list of values, not a set of 2{SET_HINT}",
        id="I01-isin-set",
    ),
    pytest.param(
        lambda: col("a").isin(untyped("shoes")),
        "isin() takes a list of values, not str 'shoes'\n    hint: write ['shoes'] for a list of one",
        id="isin-str",
    ),
    pytest.param(
        lambda: col("a").isin(untyped(5)), "isin() takes a list of values, not int 5", id="isin-int"
    ),
    pytest.param(
        lambda: when(),
        f"when() needs at least one (condition, value) pair{WHEN_HINT}",
        id="J03d-when-empty",
    ),
    pytest.param(
        lambda: when(untyped(col("a") > 1)),
        f"when() takes (condition, value) pairs, not an expression (BinaryOp){WHEN_HINT}",
        id="when-not-a-pair",
    ),
    pytest.param(
        lambda: count().filter(untyped("quantity > 1")),
        "filter() takes a condition such as col('amount') > 5, not str 'quantity > 1'\n"
        "    hint: for SQL text write raw('quantity > 1')",
        id="filter-sql-text",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", rows=(10**30, None)),
        f"{ROWS}, not int 1000000000000000000000000000000",
        id="J03q-rows-out-of-range",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", rows=(-1, None)),
        f"{ROWS}, not int -1",
        id="rows-negative",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", rows=untyped((None, True))),
        f"{ROWS}, not True",
        id="rows-bool",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", rows=untyped(("1 hour; DROP", None))),
        f"{ROWS}, not str '1 hour; DROP'",
        id="J03r-rows-str",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", rows=untyped(5)),
        f"over(rows=...) takes a pair (start, end), not int 5{PAIR_HINT}",
        id="rows-not-a-pair",
    ),
    pytest.param(
        lambda: total.over(partition_by="u", order_by="t", range=untyped((60, None))),
        "over(range=(start, end)) takes intervals such as '1 hour' or None, not int 60",
        id="range-int",
    ),
    pytest.param(
        lambda: row_number().over(partition_by=untyped({"u"}), order_by="t"),
        "over(partition_by=...) takes a column name, an expression or a list of them, "
        f"not a set of 1{SET_HINT}",
        id="partition-by-set",
    ),
    pytest.param(
        lambda: row_number().over(partition_by="u", order_by=untyped(5)),
        "over(order_by=...) takes a column name, an expression or a list of them, not int 5",
        id="order-by-int",
    ),
]


@pytest.mark.parametrize(("make", "message"), REFUSED)
def test_wrong_arguments_are_refused_at_once_at_the_users_line(
    make: Callable[[], object], message: str
) -> None:
    assert refusal(make) == message


def test_isin_takes_any_ordered_iterable_and_window_keys_one_or_a_list() -> None:
    listed = col("a").isin(["x", "y"])
    assert isinstance(listed, InList)
    assert [v.value for v in listed.values if isinstance(v, Literal)] == ["x", "y"]
    generated = col("a").isin(v for v in ["x", "y"])
    assert [v.value for v in generated.values if isinstance(v, Literal)] == ["x", "y"]
    one = row_number().over(partition_by="u", order_by="t")
    several = row_number().over(partition_by=["u"], order_by=[col("t")])
    assert [len(one.partition_by), len(several.partition_by), len(several.order_by)] == [1, 1, 1]


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
