"""Operators: the printed SQL keeps the tree's grouping with no parenthesis it does not need
where a chain is long, so that sqlglot reads every expression back to the tree built, however
many terms it has."""

from __future__ import annotations

import functools
import operator

import sqlglot
from hypothesis import given
from hypothesis import strategies as st
from sqlglot import exp

from ecomdsl import MaterializedView, Table, col
from ecomdsl.dialect import DIALECT, as_written
from ecomdsl.kinds import BinaryOperator, UnaryOperator
from ecomdsl.model import ir
from ecomdsl.render import render, sql_text
from ecomdsl.sql.emit import Emitter
from ecomdsl.types import SqlType
from tests.helpers import ROOT, build

COMPARISON = [op for op in BinaryOperator if op.is_comparison]
ARITHMETIC = [op for op in BinaryOperator if not op.is_comparison and not op.is_logical]


def _column(name: str, type_: SqlType = SqlType.INT) -> ir.IColumn:
    return ir.IColumn(name, None, type_)


def _sum(terms: int, op: BinaryOperator = BinaryOperator.ADD) -> ir.IExpr:
    """``c0 op c1 op ... `` as ``functools.reduce`` builds it: nested to the left."""
    e: ir.IExpr = _column("c0")
    for i in range(1, terms):
        e = ir.IBinary(op, e, _column(f"c{i}"), SqlType.INT)
    return e


def _reads_back(tree: exp.Expr) -> exp.Expr:
    select = exp.select(exp.alias_(tree, "x")).from_("t")
    parsed = sqlglot.parse_one(sql_text(select), read=DIALECT)
    assert parsed == as_written(select)
    return parsed


def test_a_left_nested_sum_prints_without_parentheses() -> None:
    tree = Emitter().expr(_sum(4))
    assert tree.sql(dialect=DIALECT) == "c0 + c1 + c2 + c3"
    _reads_back(tree)


def _pair(outer: BinaryOperator, inner: BinaryOperator, *, right: bool = False) -> ir.IExpr:
    """``(a inner b) outer c``, or ``a outer (b inner c)`` with ``right``."""
    a, b, c = _column("a"), _column("b"), _column("c")
    if right:
        return ir.IBinary(outer, a, ir.IBinary(inner, b, c, SqlType.INT), SqlType.INT)
    return ir.IBinary(outer, ir.IBinary(inner, a, b, SqlType.INT), c, SqlType.INT)


def test_mixed_levels_keep_the_parentheses_they_need() -> None:
    add, sub, mul = BinaryOperator.ADD, BinaryOperator.SUB, BinaryOperator.MUL
    cases = [
        # same level, nested to the left: none needed
        (_pair(add, sub), "a - b + c"),
        (_pair(BinaryOperator.MOD, mul), "a * b % c"),
        (_pair(BinaryOperator.INT_DIV, BinaryOperator.DIV), "a / b / c"),
        # nested to the right: the grouping differs from the reading, so parenthesised
        (_pair(sub, sub, right=True), "a - (b - c)"),
        # another level: parenthesised as before
        (_pair(add, mul), "(a * b) + c"),
        (_pair(mul, add), "(a + b) * c"),
    ]
    for e, text in cases:
        tree = Emitter().expr(e)
        assert tree.sql(dialect=DIALECT) == text
        _reads_back(tree)


def test_a_sum_of_1000_terms_is_emitted_and_read_back() -> None:
    # one Python frame per term used to overflow (emitter), or one parenthesis per term
    # (sqlglot's parser, from about 50 terms)
    for op in (BinaryOperator.ADD, BinaryOperator.MUL, BinaryOperator.AND):
        e = _sum(1000, op) if op is not BinaryOperator.AND else _conjunction(1000)
        parsed = _reads_back(Emitter().expr(e))
        assert parsed.find(exp.Paren) is None


def _conjunction(terms: int) -> ir.IExpr:
    e: ir.IExpr = ir.IBinary(
        BinaryOperator.GT, _column("c0"), ir.ILiteral(0, SqlType.INT), SqlType.BOOLEAN
    )
    for i in range(1, terms):
        cond = ir.IBinary(
            BinaryOperator.GT, _column("c0"), ir.ILiteral(i, SqlType.INT), SqlType.BOOLEAN
        )
        e = ir.IBinary(BinaryOperator.AND, e, cond, SqlType.BOOLEAN)
    return e


def test_a_sum_of_60_columns_compiles_to_sql_that_reads_back() -> None:
    columns = {f"c{i}": "int" for i in range(60)}
    t = Table("wide", columns)
    total = functools.reduce(operator.add, [col(c) for c in columns])
    files = render(build(t, MaterializedView("tot", t.select(total=total))), ROOT)
    (view,) = sqlglot.parse(files["create_views.sql"], read=DIALECT)
    assert view is not None and view.find(exp.Paren) is None
    assert " + ".join(columns) in files["create_views.sql"]


# ---- any tree of operators reads back as itself ------------------------------------------

_numbers = st.sampled_from([_column("a"), _column("b"), _column("x", SqlType.DOUBLE)])


def _numeric(children: st.SearchStrategy[ir.IExpr]) -> st.SearchStrategy[ir.IExpr]:
    def node(op: BinaryOperator, left: ir.IExpr, right: ir.IExpr) -> ir.IExpr:
        double = SqlType.DOUBLE in (left.type, right.type)
        return ir.IBinary(op, left, right, SqlType.DOUBLE if double else SqlType.INT)

    negated = children.map(lambda e: ir.IUnary(UnaryOperator.NEG, e, e.type))
    return st.one_of(st.builds(node, st.sampled_from(ARITHMETIC), children, children), negated)


_arithmetic = st.recursive(_numbers, _numeric, max_leaves=12)


def _boolean(children: st.SearchStrategy[ir.IExpr]) -> st.SearchStrategy[ir.IExpr]:
    def node(op: BinaryOperator, left: ir.IExpr, right: ir.IExpr) -> ir.IExpr:
        return ir.IBinary(op, left, right, SqlType.BOOLEAN)

    return st.one_of(
        st.builds(
            node, st.sampled_from([BinaryOperator.AND, BinaryOperator.OR]), children, children
        ),
        children.map(lambda e: ir.IUnary(UnaryOperator.NOT, e, SqlType.BOOLEAN)),
        children.map(lambda e: ir.IUnary(UnaryOperator.IS_NULL, e, SqlType.BOOLEAN)),
    )


_comparisons = st.builds(
    lambda op, left, right: ir.IBinary(op, left, right, SqlType.BOOLEAN),
    st.sampled_from(COMPARISON),
    _arithmetic,
    _arithmetic,
)
_conditions = st.recursive(_comparisons, _boolean, max_leaves=6)


@given(st.one_of(_arithmetic, _conditions))
def test_any_operator_tree_reads_back_as_built(e: ir.IExpr) -> None:
    _reads_back(Emitter().expr(e))
