"""Walking resolved expressions: their children, the columns and aggregates they use, and
qualifying their columns. Shared by the resolver and the lint rules."""

from __future__ import annotations

from typing import Any, assert_never

import attrs
from sqlglot import exp

from ecomdsl.dialect import identifier
from ecomdsl.model import ir


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
        case ir.IColumn() | ir.ILiteral() | ir.IInterval() | ir.IRaw() | ir.INow() | ir.IProcTime():
            return ()
        case _:
            assert_never(e)


def contains_aggregate(e: ir.IExpr) -> bool:
    if isinstance(e, ir.IAgg):
        return True
    if isinstance(e, ir.IRaw):  # refused by check_raw already; do not report it twice
        return e.node.find(exp.AggFunc) is not None
    return any(contains_aggregate(c) for c in children(e))


def free_columns(e: ir.IExpr) -> list[ir.IColumn]:
    """Columns referenced outside any aggregate."""
    if isinstance(e, ir.IColumn):
        return [e]
    if isinstance(e, ir.IAgg):
        return []
    return [c for child in children(e) for c in free_columns(child)]


def qualify(e: ir.IExpr, qualifier: str) -> ir.IExpr:
    """``e`` with its unqualified columns qualified by ``qualifier``."""
    if isinstance(e, ir.IColumn):
        return e if e.qualifier else attrs.evolve(e, qualifier=qualifier)
    if isinstance(e, ir.IRaw):
        node = e.node.copy()
        for c in node.find_all(exp.Column):
            if not c.table:
                c.set("table", identifier(qualifier))
        return attrs.evolve(e, node=node)
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(e)):
        value = getattr(e, field.name)
        if isinstance(value, tuple):
            changes[field.name] = tuple(
                tuple(qualify(x, qualifier) for x in v)
                if isinstance(v, tuple)
                else qualify(v, qualifier)
                if attrs.has(type(v)) and not isinstance(v, ir.Frame | ir.Interval)
                else v
                for v in value
            )
        elif attrs.has(type(value)) and not isinstance(value, ir.Frame | ir.Interval):
            changes[field.name] = qualify(value, qualifier)
    return attrs.evolve(e, **changes) if changes else e
