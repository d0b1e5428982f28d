"""Property: any identifier, string or number a user passes either survives into SQL as data,
never as syntax, or is refused with one clear error. Quotes, semicolons, backslashes,
newlines, comment markers, unicode and reserved words re-parse to exactly the names and values
that went in; NaN and the infinities are written as RisingWave reads them; a NUL byte or a
lone surrogate, which no SQL text can hold, is refused at compile time and never written.

The examples: 10,000 under the ``slow`` Hypothesis profile (CI's, or HYPOTHESIS_PROFILE=slow),
one and a half times the profile's count otherwise (``dev``: 30, for a fast local run)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
import sqlglot
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from ecomdsl import MaterializedView, Pipeline, Table, col
from ecomdsl.dialect import RESERVED_KEYWORDS
from ecomdsl.errors import CompileError
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render
from tests.helpers import ROOT

TRICKY = [
    "order",
    "select",
    "Order",
    "a b",
    'x"y',
    "x'y",
    "a;b",
    "--c",
    "/*",
    "*/",
    "café",
    "1a",
    "\\",
    "emit",
    "window_start",
    "FLUSH",
    "tab\there",
    "new\nline",
]
# what no SQL text can hold: drawn often, so that every run tries them
UNWRITABLE = ["\x00", "a\x00b", "\ud800", "x\udfffy", "\udbff\x00"]
# every code point, NUL and the surrogates included
anything = st.characters(exclude_categories=())
names = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(sorted(RESERVED_KEYWORDS)),
    st.sampled_from(UNWRITABLE),
    st.text(anything, min_size=1, max_size=20),
)
strings = st.one_of(
    st.sampled_from(["it's", "a;b -- c", "back\\slash", "'; DROP TABLE t; --", "é\n\t\x01", "*/"]),
    st.sampled_from(UNWRITABLE),
    st.text(anything, max_size=30),
)
numbers = st.one_of(
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), float("nan"), float("-inf")]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
)
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
AMOUNT = "amount"


def _compile(
    table_name: str,
    columns: tuple[str, str],
    mv_name: str,
    alias: str,
    value: str,
    key: str,
    number: Decimal | float | int,
) -> dict[str, str]:
    c1, c2 = columns
    t = Table(table_name, {c1: "varchar", c2: "jsonb", AMOUNT: "numeric"})
    mv = MaterializedView(
        mv_name,
        t.where(col(c1) == value, col(AMOUNT) > number).select(c1, **{alias: col(c2).json(key)}),
        doc=value,
    )

    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [(table_name, [{c1: value, c2: {key: value}, AMOUNT: number}])]

    return render(resolve(Pipeline("p", objects=[t, mv], test_data=data)), ROOT)


def _not_finite_float(number: object) -> bool:
    return isinstance(number, float) and not math.isfinite(number)


def _names_it(message: str, texts: list[str], number: object) -> bool:
    """Whether a refusal says what it refuses: a NUL or surrogate drawn, or the float NaN/inf
    (the model stops at the first problems it finds, so one of them is enough)."""
    lowered = message.lower()
    for char in {m.group() for t in texts for m in _FORBIDDEN.finditer(t)}:
        words = (
            ("nul", "u+0000", "\\x00") if char == "\x00" else ("surrogate", f"u+{ord(char):04x}")
        )
        if any(w in lowered for w in words):
            return True
    return _not_finite_float(number) and ("nan" in lowered or "inf" in lowered)


def _number(node: exp.Expr) -> Decimal:
    """The number a literal the emitter wrote reads back as (``CAST('NaN' AS DECIMAL)``,
    ``(-5)``, ``1.5E+30``)."""
    if isinstance(node, exp.Paren):
        return _number(node.this)
    if isinstance(node, exp.Neg):
        return _number(node.this).copy_negate()  # exact: unary minus rounds to 28 digits
    if isinstance(node, exp.Cast):
        return Decimal(node.this.this)
    assert isinstance(node, exp.Literal) and not node.is_string
    return Decimal(node.this)


def _same_number(node: exp.Expr, number: Decimal | float | int) -> bool:
    got = _number(node)
    if got.is_nan():
        return (isinstance(number, Decimal) and number.is_nan()) or number != number
    return got == (Decimal(repr(number)) if isinstance(number, float) else Decimal(number))


@pytest.mark.slow
@settings(
    max_examples=10_000
    if settings.get_current_profile_name() == "slow"
    else (settings.default.max_examples if settings.default else 200) * 3 // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(names, names, names, names, names, strings, strings.filter(bool), numbers)
def test_names_strings_and_numbers_are_data_or_refused(
    table_name: str,
    c1: str,
    c2: str,
    mv_name: str,
    alias: str,
    value: str,
    key: str,
    number: Decimal | float | int,
) -> None:
    texts = [table_name, c1, c2, mv_name, alias, value, key]
    assume(len({c1, c2, AMOUNT}) == 3 and table_name != mv_name and alias not in (c1, AMOUNT))
    unwritable = any(_FORBIDDEN.search(t) for t in texts)
    try:
        files = _compile(table_name, (c1, c2), mv_name, alias, value, key, number)
    except CompileError as err:
        message = err.render(ROOT)
        assert unwritable or _not_finite_float(number), message
        assert _names_it(message, texts, number), message
        return
    assert not unwritable, texts
    for text in files.values():
        assert not _FORBIDDEN.search(text)
        text.encode()
    _check_roundtrip(files, table_name, (c1, c2), mv_name, alias, value, key, number)


def _check_roundtrip(
    files: dict[str, str],
    table_name: str,
    columns: tuple[str, str],
    mv_name: str,
    alias: str,
    value: str,
    key: str,
    number: Decimal | float | int,
) -> None:
    tables = sqlglot.parse(files["create_tables.sql"], read="ecomdsl")
    views = sqlglot.parse(files["create_views.sql"], read="ecomdsl")
    inserts = sqlglot.parse(files["insert_test_data.sql"], read="ecomdsl")
    assert len(tables) == 1 and len(views) == 1 and len(inserts) == 2

    create_table = tables[0]
    assert isinstance(create_table, exp.Create)
    assert create_table.this.this.name == table_name
    assert [c.name for c in create_table.this.expressions] == [*columns, AMOUNT]

    mv = views[0]
    assert isinstance(mv, exp.Create) and mv.this.name == mv_name
    select = mv.expression
    assert isinstance(select, exp.Select)
    assert select.args["from_"].this.name == table_name
    assert [e.alias_or_name for e in select.expressions] == [columns[0], alias]
    where = select.args["where"].this
    assert isinstance(where, exp.And) and isinstance(where.this, exp.EQ)
    assert where.this.this.name == columns[0] and where.this.expression.this == value
    assert isinstance(where.expression, exp.GT) and where.expression.this.name == AMOUNT
    assert _same_number(where.expression.expression, number)
    json_key = select.expressions[1].find(exp.JSONPathKey).this
    assert json_key == key

    insert = inserts[0]
    assert isinstance(insert, exp.Insert)
    assert insert.this.this.name == table_name
    row = insert.expression.expressions[0].expressions
    assert row[0].this == value
    assert _same_number(row[2], number)
    # nothing but these statements came out of the text: no injected statement, no Command
    for tree in (*tables, *views, *inserts):
        assert tree is not None and tree.find(exp.Command) is None
