"""Window functions: ``func(...).over(partition_by=..., order_by=..., rows=/range=...)``,
checked in `Checker` contexts (only ``select()`` takes them). The builders have checked the
shapes (a lag offset is an int, a ROWS bound a bigint row count); what is checked here is
what needs the query: the partition and order columns, their types, the frame's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecomdsl.dsl import expr as dsl
from ecomdsl.errors import Diagnostics
from ecomdsl.kinds import FrameKind
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.scope import Scope
from ecomdsl.types import SqlType

if TYPE_CHECKING:
    from ecomdsl.model.typecheck import Checker


def rank_without_over(report: Diagnostics, e: dsl.RankFunc) -> ir.IExpr:
    report.error(
        f"{e.name.lower()}() needs .over(...)",
        e.location,
        hint=f"{e.name.lower()}().over(partition_by=..., order_by=...)",
    )
    return ir.ILiteral(None, SqlType.UNKNOWN)


def check_over(checker: Checker, e: dsl.Over, scope: Scope) -> ir.IExpr:
    report = checker.report
    if not checker.windows_allowed:
        report.error(
            "a window function is not allowed here",
            e.location,
            hint="window functions go in .select(name=...over(...))",
        )
    partition = tuple(checker.expr(p, scope) for p in e.partition_by)
    for p, original in zip(partition, e.partition_by, strict=True):
        if p.type is SqlType.JSONB:
            report.error("jsonb cannot be a PARTITION BY key", original.location, code="RW012")
    if len(e.order_by) > 1:
        report.error("over(order_by=...) takes one column", e.location)
    order = checker.expr(e.order_by[0], scope) if e.order_by else None
    func = e.func
    extra: tuple[ir.IExpr, ...] = ()
    if isinstance(func, dsl.RankFunc):
        name, arg, extra, result = _ranking(checker, func, e, scope, order)
    else:
        checked = checker.aggregate(func, scope)
        if checked.distinct or checked.filter is not None:
            report.error("a window aggregate cannot be DISTINCT or filtered", e.location)
        name, arg, result = checked.func, checked.arg, checked.type
    frame = _frame(report, e, order)
    return ir.IWindow(name, arg, partition, order, frame, result, e.location, False, extra)


def _ranking(
    checker: Checker, func: dsl.RankFunc, e: dsl.Over, scope: Scope, order: ir.IExpr | None
) -> tuple[str, ir.IExpr | None, tuple[ir.IExpr, ...], SqlType]:
    """A ranking function's name, argument, further arguments (a lag/lead offset) and type."""
    args = tuple(checker.expr(a, scope) for a in func.args)
    arg = args[0] if args else None
    name = func.name
    if order is None:
        checker.report.error(f"{name.lower()}() needs over(order_by=...)", e.location)
    result = arg.type if name in ("LAG", "LEAD") and arg is not None else SqlType.BIGINT
    return name, arg, args[1:], result


def _frame(report: Diagnostics, e: dsl.Over, order: ir.IExpr | None) -> ir.Frame | None:
    if e.rows is not None and e.range is not None:
        report.error("over() takes rows= or range=, not both", e.location)
        return None
    if e.rows is not None:
        start, end = e.rows
        bad = [v for v in (start, end) if v is not None and (not isinstance(v, int) or v < 0)]
        if bad:
            report.error("over(rows=(start, end)) takes row counts >= 0 or None", e.location)
            return None
        return ir.Frame(FrameKind.ROWS, start if start is not None else -1, end)
    if e.range is not None:
        bounds: list[ir.Interval | None] = []
        for v in e.range:
            try:
                bounds.append(None if v is None else parse_interval(v))
            except IntervalError as err:
                report.error(f"over(range=...): {err}", e.location)
                return None
        if order is None or not (order.type.is_time or order.type is SqlType.UNKNOWN):
            report.error("over(range=...) with intervals needs order_by a time column", e.location)
        return ir.Frame(FrameKind.RANGE, bounds[0] if bounds[0] is not None else -1, bounds[1])
    return None
