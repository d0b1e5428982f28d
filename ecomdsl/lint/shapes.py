"""The expression shapes RisingWave's streaming rules look for, over resolved expressions.

A temporal filter (``col > now() - interval``), a Top-N filter (``rn <= N``), an interval
condition between two watermark columns, NOW()/PROCTIME()/aggregate calls anywhere inside an
expression. Both the facts pass (`ecomdsl.lint.analyze`) and the rules (`ecomdsl.lint.checks`)
ask these questions, so they live apart from either.
"""

from __future__ import annotations

from enum import Enum, auto

from ecomdsl.errors import SourceLocation
from ecomdsl.kinds import BinaryOperator as Op
from ecomdsl.model import ir
from ecomdsl.model.traverse import nodes, outermost
from ecomdsl.types import SqlType

_RANGE = (Op.LT, Op.LE, Op.GT, Op.GE)
_COMPARE = (*_RANGE, Op.EQ)


class TemporalProblem(Enum):
    """Why a condition with NOW() is not a temporal filter RisingWave can run."""

    OR = auto()  # two temporal filters joined by OR
    SHAPE = auto()  # NOW() not as `column <op> now_expression`


def walk(e: ir.IExpr) -> list[ir.IExpr]:
    """``e`` and every expression below it, depth first (iterative: sums nest thousands deep)."""
    return nodes(e)


def columns(e: ir.IExpr) -> list[ir.IColumn]:
    return [n for n in nodes(e) if isinstance(n, ir.IColumn)]


def aggregates(e: ir.IExpr) -> list[ir.IAgg]:
    """The aggregate calls of ``e`` (not those nested in another aggregate)."""
    return outermost(e, ir.IAgg)


def conjuncts(e: ir.IExpr | None) -> list[ir.IExpr]:
    """The terms of ``a AND b AND ...``, in order (``where(*many)`` nests them to the left)."""
    found: list[ir.IExpr] = []
    stack = [] if e is None else [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ir.IBinary) and node.op == Op.AND:
            stack += [node.right, node.left]
        else:
            found.append(node)
    return found


def has_now(e: ir.IExpr) -> bool:
    return any(isinstance(n, ir.INow) for n in walk(e))


def now_expr(e: ir.IExpr) -> bool:
    """A non-decreasing expression with exactly one NOW(): now(), now() +/- interval,
    date_trunc(unit, now_expr)."""
    if isinstance(e, ir.INow):
        return True
    if isinstance(e, ir.IBinary) and e.op in (Op.ADD, Op.SUB):
        return now_expr(e.left) and not has_now(e.right) and e.right.type is SqlType.INTERVAL
    if isinstance(e, ir.IFunc) and e.name == "DATE_TRUNC" and len(e.args) == 2:
        return not has_now(e.args[0]) and now_expr(e.args[1])
    return False


def temporal_problems(
    condition: ir.IExpr,
) -> list[tuple[TemporalProblem, SourceLocation | None]]:
    """Each conjunct with NOW() that is not a temporal filter, at its first NOW()."""
    problems: list[tuple[TemporalProblem, SourceLocation | None]] = []
    for c in conjuncts(condition):
        if not has_now(c):
            continue
        location = next((n.location for n in walk(c) if isinstance(n, ir.INow)), None)
        if isinstance(c, ir.IBinary) and c.op == Op.OR:
            with_now = [x for x in (c.left, c.right) if has_now(x)]
            if len(with_now) > 1:
                problems.append((TemporalProblem.OR, location))
                continue
            problems += temporal_problems(with_now[0])
            continue
        if not _temporal_filter(c):
            problems.append((TemporalProblem.SHAPE, location))
    return problems


def _temporal_filter(c: ir.IExpr) -> bool:
    """`column <op> now_expression` (either way round), or `column BETWEEN ... AND ...` whose
    bounds with NOW() are now expressions."""
    if isinstance(c, ir.IBinary) and c.op in _COMPARE:
        now_sides = [x for x in (c.left, c.right) if has_now(x)]
        if len(now_sides) == 1 and now_expr(now_sides[0]):
            return True
    return (
        isinstance(c, ir.IBetween)
        and not has_now(c.operand)
        and all(now_expr(x) or not has_now(x) for x in (c.low, c.high))
    )


def temporal_lower_bound(where: ir.IExpr | None) -> str | None:
    """A condition `col > now() - x` (or `>=`, or mirrored) that deletes old rows."""
    for c in conjuncts(where):
        if not (isinstance(c, ir.IBinary) and c.op in _RANGE):
            continue
        left_col = isinstance(c.left, ir.IColumn) and now_expr(c.right)
        right_col = isinstance(c.right, ir.IColumn) and now_expr(c.left)
        if (left_col and c.op in (Op.GT, Op.GE)) or (right_col and c.op in (Op.LT, Op.LE)):
            column = c.left if left_col else c.right
            assert isinstance(column, ir.IColumn)
            return f"{column.name} within a window of NOW()"
    return None


def top_n_filtered(where: ir.IExpr | None) -> set[str]:
    """Columns filtered as `rn <= N`, `rn < N` or `rn = N` (RisingWave's Top-N pattern)."""
    return {
        c.left.name
        for c in conjuncts(where)
        if isinstance(c, ir.IBinary)
        and c.op in (Op.LT, Op.LE, Op.EQ)
        and isinstance(c.left, ir.IColumn)
        and isinstance(c.right, ir.ILiteral)
    }


def interval_condition(
    on: ir.IExpr, lq: str, rq: str, left_marks: frozenset[str], right_marks: frozenset[str]
) -> bool:
    """A range condition between a watermark column of each side (an interval join); ``lq``
    and ``rq`` are the sides' qualifiers."""
    stack = [on]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.IBinary) and e.op == Op.AND:
            stack += [e.left, e.right]
        elif isinstance(e, ir.IBinary) and e.op in _RANGE:
            sides = {
                c.qualifier
                for c in columns(e.left) + columns(e.right)
                if c.name in (left_marks if c.qualifier == lq else right_marks)
            }
            if {lq, rq} <= sides:
                return True
        elif isinstance(e, ir.IBetween):
            cols = columns(e.operand) + columns(e.low) + columns(e.high)
            if {c.qualifier for c in cols} >= {lq, rq}:
                return True
    return False
