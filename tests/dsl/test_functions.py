"""The function builders (`ecomdsl.dsl.functions`): a function name is a str and a lag/lead
offset an integer constant, refused at the user's line otherwise."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecomdsl import col, func, lag, lead
from ecomdsl.dsl.expr import Literal
from tests.dsl.helpers import refusal, untyped

OFFSET = "takes a number of rows, an int from -2147483648 to 2147483647"

REFUSED = [
    pytest.param(
        lambda: lag(col("amount"), untyped("1; DROP TABLE s")),
        f"lag(x, offset) {OFFSET}, not str '1; DROP TABLE s'",
        id="J03p-lag-offset-str",
    ),
    pytest.param(
        lambda: lead(col("amount"), untyped(True)), f"lead(x, offset) {OFFSET}, not True", id="bool"
    ),
    pytest.param(
        lambda: lag(col("amount"), 2**31), f"lag(x, offset) {OFFSET}, not int 2147483648", id="big"
    ),
    pytest.param(
        lambda: lag(col("amount"), untyped(1.5)),
        f"lag(x, offset) {OFFSET}, not float 1.5",
        id="1.5",
    ),
    pytest.param(
        lambda: func(untyped(5), col("a")),
        "func() takes a function name (str) first, not int 5\n"
        "    hint: e.g. func('lower', col('x'))",
        id="func-name-int",
    ),
]


@pytest.mark.parametrize(("make", "message"), REFUSED)
def test_wrong_arguments_are_refused_at_the_users_line(
    make: Callable[[], object], message: str
) -> None:
    assert refusal(make) == message


def test_an_offset_is_kept_as_an_integer_literal() -> None:
    """A negative offset is kept: PostgreSQL reads ``lag(x, -3)`` as ``lead(x, 3)``."""
    for offset in (0, 1, -3, 2**31 - 1):
        literal = lag(col("amount"), offset).args[1]
        assert isinstance(literal, Literal)
        assert literal.value == offset
