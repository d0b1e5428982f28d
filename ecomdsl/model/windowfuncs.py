"""Window functions: ``func(...).over(partition_by=..., order_by=..., rows=/range=...)``.

Checked the way RisingWave binds them: a ROWS frame's offsets are bigint row counts
(``bind_window_frame_usize_bounds`` binds each as Int64 and refuses a negative one,
``src/frontend/src/binder/expr/function/window.rs``), and the offset of ``lag``/``lead``
is an integer constant ("the `offset` of `lag` function should be integer", "non-const
`offset` ... is not supported yet": ``src/frontend/src/expr/window_function.rs``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecomdsl.dsl import expr as dsl
from ecomdsl.errors import Diagnostics
from ecomdsl.kinds import FrameKind
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.scope import Scope
from ecomdsl.types import Category, SqlType

if TYPE_CHECKING:
    from ecomdsl.model.typecheck import Checker

BIGINT_MAX = 2**63 - 1


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
    if name in ("LAG", "LEAD") and len(args) > 1 and not _integer_constant(args[1]):
        offset = args[1].value if isinstance(args[1], ir.ILiteral) else None
        shown = repr(offset) if offset is not None else f"a {args[1].type} expression"
        checker.report.error(
            f"{name.lower()}() offset must be a whole number of rows (a constant), not {shown}",
            e.location,
            hint=f"{name.lower()}(col('x'), 1): the row 1 before (lag) or after (lead)",
        )
    result = arg.type if name in ("LAG", "LEAD") and arg is not None else SqlType.BIGINT
    return name, arg, args[1:], result


def _integer_constant(e: ir.IExpr) -> bool:
    return (
        isinstance(e, ir.ILiteral)
        and e.type.category is Category.INTEGER
        and isinstance(e.value, int)
        and not isinstance(e.value, bool)
    )


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
        if any(v is not None and v > BIGINT_MAX for v in (start, end)):
            report.error(
                "over(rows=(start, end)): a row count must fit in bigint (at most 2**63 - 1)",
                e.location,
                hint="use None for an unbounded start",
            )
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
