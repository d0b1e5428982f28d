"""Operators as sqlglot nodes, parenthesised so that the SQL reads back as the tree built.

sqlglot's generator prints a binary node's operands as they are, with no parentheses of its
own, so the emitter decides them: a compound operand is parenthesised (``(a * b) + c``,
``NOT (a = b)``) except where the parser's reading already gives the tree, which matters for
long chains: ``reduce(add, columns)`` nests to the left, and printing it as ``c0 + c1 + c2``
rather than ``((c0 + c1) + c2)`` keeps sqlglot's recursive parser from recursing once per
term. The property test in ``tests/sql/test_operators.py`` reads random operator trees back.
"""

from __future__ import annotations

from typing import assert_never

from sqlglot import exp

from ecomdsl.dialect import IntegerDivision
from ecomdsl.kinds import BinaryOperator, UnaryOperator
from ecomdsl.types import INTEGER_WIDTH, SqlType

# the left-associative levels of arithmetic in sqlglot's parser (`_parse_term` and
# `_parse_factor`, PostgreSQL's and RisingWave's precedence): `a - b + c` is `(a - b) + c`
_TERMS = (exp.Add, exp.Sub)
_FACTORS = (exp.Mul, exp.Div, exp.Mod, IntegerDivision)


def paren(e: exp.Expr) -> exp.Expr:
    """Parenthesise compound operands so the printed SQL keeps the tree's grouping."""
    if isinstance(e, exp.Binary | exp.Not | exp.Neg | exp.Is | exp.In | exp.Between):
        return exp.Paren(this=e)
    return e


def _paren_left(e: exp.Expr, parent: type[exp.Binary]) -> exp.Expr:
    """The left operand of ``parent``: like `paren`, except that an operand of the same
    left-associative level needs none. ``a + b + c`` is read back as ``(a + b) + c``, the
    tree built for ``reduce(add, columns)``; one parenthesis per term would make sqlglot's
    parser recurse once per term, past Python's limit for a sum of a few hundred columns."""
    for level in (_TERMS, _FACTORS):
        if issubclass(parent, level) and type(e) in level:
            return e
    return paren(e)


def _paren_connector(e: exp.Expr, *lower: type[exp.Connector]) -> exp.Expr:
    """An operand of AND or OR: parenthesised only when it is one of the ``lower`` ones (an
    OR in an AND, which binds less tightly; the parent's own operator on the right, where
    the reading would regroup it to the left)."""
    return exp.Paren(this=e) if isinstance(e, lower) else e


def _division(left: exp.Expr, right: exp.Expr, result: SqlType) -> exp.Expr:
    """``/`` and ``//``: `IntegerDivision` when the result is an integer (RisingWave's ``/``
    on two integers truncates; the lowering writes DuckDB's ``//``), else a plain division.
    The result type decides, not the operator: the two agree in a checked pipeline, but a
    ``raw()`` operand of unknown type takes the other operand's type, so ``raw(..) / n`` on
    an integer ``n`` is integer division and ``raw(..) // x`` on a double ``x`` is not."""
    if result in INTEGER_WIDTH:
        return IntegerDivision(this=_paren_left(left, IntegerDivision), expression=paren(right))
    # operand types are known: typed=True keeps sqlglot from adding its own casts
    return exp.Div(this=_paren_left(left, exp.Div), expression=paren(right), typed=True, safe=False)


def binary(op: BinaryOperator, left: exp.Expr, right: exp.Expr, result: SqlType) -> exp.Expr:
    """The node of a binary operator, operands already emitted."""
    node: type[exp.Binary]
    match op:
        case BinaryOperator.AND:
            return exp.And(
                this=_paren_connector(left, exp.Or),
                expression=_paren_connector(right, exp.Or, exp.And),
            )
        case BinaryOperator.OR:
            return exp.Or(this=left, expression=_paren_connector(right, exp.Or))
        case BinaryOperator.DIV | BinaryOperator.INT_DIV:
            return _division(left, right, result)
        case BinaryOperator.EQ:
            node = exp.EQ
        case BinaryOperator.NE:
            node = exp.NEQ
        case BinaryOperator.LT:
            node = exp.LT
        case BinaryOperator.LE:
            node = exp.LTE
        case BinaryOperator.GT:
            node = exp.GT
        case BinaryOperator.GE:
            node = exp.GTE
        case BinaryOperator.ADD:
            node = exp.Add
        case BinaryOperator.SUB:
            node = exp.Sub
        case BinaryOperator.MUL:
            node = exp.Mul
        case BinaryOperator.MOD:
            node = exp.Mod
        case _:
            assert_never(op)
    return node(this=_paren_left(left, node), expression=paren(right))


def unary(op: UnaryOperator, operand: exp.Expr) -> exp.Expr:
    match op:
        case UnaryOperator.NOT:
            return exp.Not(this=paren(operand))
        case UnaryOperator.NEG:
            return exp.Neg(this=paren(operand))
        case UnaryOperator.IS_NULL:
            return exp.Is(this=paren(operand), expression=exp.Null())
        case UnaryOperator.IS_NOT_NULL:
            return exp.Not(this=exp.Is(this=paren(operand), expression=exp.Null()))
        case _:
            assert_never(op)
