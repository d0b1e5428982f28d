"""Walking resolved expressions: their children, the columns and aggregates they use, and
qualifying their columns. Shared by the resolver and the lint rules.

Every walk is a loop over an explicit stack, never a recursion: a sum built in a loop is an
expression thousands of levels deep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, assert_never

import attrs
from sqlglot import exp

from ecomdsl.dialect import identifier
from ecomdsl.model import ir

N = TypeVar("N", bound=ir.IExpr)


def children(e: ir.IExpr) -> tuple[ir.IExpr, ...]:
    """The expressions ``e`` is made of, in evaluation order."""
    match e:
        case ir.IBinary():
            return (e.left, e.right)
        case ir.IUnary() | ir.ICast() | ir.IJsonText():
            return (e.operand,)
        case ir.IIn():
            return (e.operand, *e.values)
        case ir.IBetween():
            return (e.operand, e.low, e.high)
        case ir.IFunc():
            return e.args
        case ir.ICase():
            flat = tuple(x for pair in e.whens for x in pair)
            return flat + ((e.default,) if e.default is not None else ())
        case ir.IAgg():
            return tuple(x for x in (e.arg, e.filter) if x is not None)
        case ir.IWindow():
            head = tuple(x for x in (e.arg, e.order) if x is not None)
            return head + e.partition + e.extra_args
        case ir.IRaw():
            return e.calls
        case ir.IColumn() | ir.ILiteral() | ir.IInterval() | ir.INow() | ir.IProcTime():
            return ()
        case _:
            assert_never(e)


def nodes(e: ir.IExpr) -> list[ir.IExpr]:
    """``e`` and every expression below it, depth first (parents before children, children
    in evaluation order), without recursion: generated sums are thousands deep."""
    found: list[ir.IExpr] = []
    stack = [e]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(children(node)))
    return found


def contains_aggregate(e: ir.IExpr) -> bool:
    for node in nodes(e):
        if isinstance(node, ir.IAgg):
            return True
        if isinstance(node, ir.IRaw) and node.node.find(exp.AggFunc) is not None:
            return True  # refused by check_raw already; do not report it twice
    return False


def free_columns(e: ir.IExpr) -> list[ir.IColumn]:
    """Columns referenced outside any aggregate, in evaluation order."""
    return outermost(e, ir.IColumn)


def outermost(e: ir.IExpr, kind: type[N]) -> list[N]:
    """The nodes of ``kind`` in ``e``, in evaluation order, looking neither inside them nor
    inside an aggregate (whose columns are not free, whose calls are not ``e``'s own)."""
    found: list[N] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            found.append(node)
        elif not isinstance(node, ir.IAgg):
            stack.extend(reversed(children(node)))
    return found


def with_children(e: ir.IExpr, kids: Sequence[ir.IExpr]) -> ir.IExpr:
    """``e`` with its `children` replaced by ``kids`` (in the same order)."""
    match e:
        case ir.IBinary():
            return attrs.evolve(e, left=kids[0], right=kids[1])
        case ir.IUnary() | ir.ICast() | ir.IJsonText():
            return attrs.evolve(e, operand=kids[0])
        case ir.IIn():
            return attrs.evolve(e, operand=kids[0], values=tuple(kids[1:]))
        case ir.IBetween():
            return attrs.evolve(e, operand=kids[0], low=kids[1], high=kids[2])
        case ir.IFunc():
            return attrs.evolve(e, args=tuple(kids))
        case ir.ICase():
            n = len(e.whens)
            whens = tuple((kids[2 * i], kids[2 * i + 1]) for i in range(n))
            return attrs.evolve(e, whens=whens, default=kids[2 * n] if len(kids) > 2 * n else None)
        case ir.IAgg():
            rest = iter(kids)
            arg = next(rest) if e.arg is not None else None
            return attrs.evolve(e, arg=arg, filter=next(rest) if e.filter is not None else None)
        case ir.IWindow():
            rest = iter(kids)
            arg = next(rest) if e.arg is not None else None
            order = next(rest) if e.order is not None else None
            partition = tuple(next(rest) for _ in e.partition)
            return attrs.evolve(
                e, arg=arg, order=order, partition=partition, extra_args=tuple(rest)
            )
        case ir.IRaw():
            calls = tuple(k for k in kids if isinstance(k, ir.INow | ir.IProcTime))
            return attrs.evolve(e, calls=calls)
        case ir.IColumn() | ir.ILiteral() | ir.IInterval() | ir.INow() | ir.IProcTime():
            return e
        case _:
            assert_never(e)


def qualify(e: ir.IExpr, qualifier: str) -> ir.IExpr:
    """``e`` with its unqualified columns qualified by ``qualifier`` (rebuilt bottom up in a
    loop, like `nodes` walks)."""
    done: list[ir.IExpr] = []  # the rebuilt nodes, each pushed after its children
    stack: list[tuple[ir.IExpr, bool]] = [(e, False)]
    while stack:
        node, expanded = stack.pop()
        kids = children(node)
        if not expanded and kids:
            stack.append((node, True))
            stack.extend((k, False) for k in reversed(kids))
            continue
        rebuilt = [done.pop() for _ in kids][::-1]
        done.append(_qualified(with_children(node, rebuilt) if kids else node, qualifier))
    return done[0]


def _qualified(e: ir.IExpr, qualifier: str) -> ir.IExpr:
    if isinstance(e, ir.IColumn):
        return e if e.qualifier else attrs.evolve(e, qualifier=qualifier)
    if isinstance(e, ir.IRaw):
        node = e.node.copy()
        for c in node.find_all(exp.Column):
            if not c.table:
                c.set("table", identifier(qualifier))
        return attrs.evolve(e, node=node)
    return e
