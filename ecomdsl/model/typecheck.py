"""Resolve builder expressions against a scope and give each a RisingWave type.

Every problem becomes a `Diagnostic` with the user's file:line; checking goes on after an
error (with the type UNKNOWN) so that all problems of a pipeline are reported together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Sequence

import attrs
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ecomdsl.dialect import DIALECT, identifier
from ecomdsl.dsl import expr as d
from ecomdsl.errors import Diagnostics, SourceLocation, did_you_mean
from ecomdsl.kinds import BinaryOperator, FrameKind, UnaryOperator
from ecomdsl.model import ir
from ecomdsl.types import (
    INTEGER_WIDTH,
    Category,
    SqlType,
    TypeSpecError,
    numeric_result,
    parse_type,
)

# ---- scopes ----------------------------------------------------------------------------


@attrs.frozen
class ScopeEntry:
    """Columns visible in a SELECT block from one source."""

    qualifier: str | None  # SQL qualifier for its columns (None: unqualified)
    label: str  # how errors name it
    schema: ir.Schema
    lineage: frozenset[int]  # ids of the builder relations whose columns it exposes
    # names this entry answers for when several entries have them (a join's `on` columns)
    preferred: frozenset[str] = frozenset()


Scope = tuple[ScopeEntry, ...]


# ---- intervals -------------------------------------------------------------------------

_UNITS = {
    "second": ("SECOND", 1, 0),
    "minute": ("MINUTE", 60, 0),
    "hour": ("HOUR", 3600, 0),
    "day": ("DAY", 86400, 0),
    "week": ("WEEK", 604800, 0),
    "month": ("MONTH", 0, 1),
    "year": ("YEAR", 0, 12),
}
_INTERVAL_RE = re.compile(r"\s*(\d+)\s*([a-zA-Z]+?)s?\s*")


class IntervalError(ValueError):
    pass


def parse_interval(text: object) -> ir.Interval:
    """``"2 minutes"`` -> Interval(2, "MINUTES"); only one positive whole amount and unit."""
    if not isinstance(text, str):
        raise IntervalError(f"an interval is text like '5 minutes', not {text!r}")
    m = _INTERVAL_RE.fullmatch(text)
    unit = _UNITS.get(m.group(2).lower()) if m else None
    if m is None or unit is None:
        raise IntervalError(
            f"{text!r} is not an interval like '5 minutes' "
            "(a whole number and one of second, minute, hour, day, week, month, year)"
        )
    amount = int(m.group(1))
    if amount <= 0:
        raise IntervalError(f"interval {text!r} must be positive")
    name, seconds, months = unit
    return ir.Interval(
        amount, name + ("S" if amount != 1 else ""), amount * seconds, amount * months
    )


# ---- functions -------------------------------------------------------------------------

Rule = Callable[[Sequence[SqlType]], SqlType | str]


def _numeric_same(args: Sequence[SqlType]) -> SqlType | str:
    return args[0] if args[0].is_numeric or args[0] is SqlType.UNKNOWN else "a numeric argument"


def _text(result: SqlType) -> Rule:
    def rule(args: Sequence[SqlType]) -> SqlType | str:
        ok = all(a.category in (Category.TEXT, Category.UNKNOWN) for a in args)
        return result if ok else "varchar arguments"

    return rule


def _common(args: Sequence[SqlType]) -> SqlType | str:
    known = [a for a in args if a is not SqlType.UNKNOWN]
    if not known:
        return SqlType.UNKNOWN
    if all(a.is_numeric for a in known):
        result: SqlType = known[0]
        for a in known[1:]:
            result = numeric_result(result, a)
        return result
    if all(a.category is known[0].category for a in known):
        return known[0]
    return "arguments of one type"


def _date_trunc(args: Sequence[SqlType]) -> SqlType | str:
    if args[0].category not in (Category.TEXT, Category.UNKNOWN):
        return "a unit ('hour', 'day', ...) and a timestamp"
    return (
        args[1]
        if args[1].category in (Category.TEMPORAL, Category.UNKNOWN)
        else ("a unit ('hour', 'day', ...) and a timestamp")
    )


# name -> (min args, max args, typing rule)
FUNCTIONS: dict[str, tuple[int, int, Rule]] = {
    "ABS": (1, 1, _numeric_same),
    "COALESCE": (1, 99, _common),
    "NULLIF": (2, 2, lambda a: a[0]),
    "GREATEST": (1, 99, _common),
    "LEAST": (1, 99, _common),
    "LOWER": (1, 1, _text(SqlType.VARCHAR)),
    "UPPER": (1, 1, _text(SqlType.VARCHAR)),
    "LENGTH": (1, 1, _text(SqlType.INT)),
    "ROUND": (1, 2, _numeric_same),
    "DATE_TRUNC": (2, 2, _date_trunc),
}


def _sum_type(t: SqlType) -> SqlType | str:
    if t in (SqlType.SMALLINT, SqlType.INT):
        return SqlType.BIGINT
    if t in (SqlType.BIGINT, SqlType.NUMERIC):
        return SqlType.NUMERIC
    if t in (SqlType.REAL, SqlType.DOUBLE, SqlType.INTERVAL, SqlType.UNKNOWN):
        return t
    return "a numeric or interval argument"


def _avg_type(t: SqlType) -> SqlType | str:
    if t.category in (Category.INTEGER, Category.NUMERIC):
        return SqlType.NUMERIC
    if t in (SqlType.REAL, SqlType.DOUBLE, SqlType.INTERVAL, SqlType.UNKNOWN):
        return SqlType.DOUBLE if t is SqlType.REAL else t
    return "a numeric or interval argument"


def _stddev_type(t: SqlType) -> SqlType | str:
    if t.category in (Category.INTEGER, Category.NUMERIC):
        return SqlType.NUMERIC
    if t.category is Category.FLOAT or t is SqlType.UNKNOWN:
        return SqlType.DOUBLE if t is not SqlType.UNKNOWN else t
    return "a numeric argument"


def _minmax_type(t: SqlType) -> SqlType | str:
    if t.category in (Category.JSON, Category.BOOLEAN):
        return "an orderable argument (not jsonb or boolean)"
    return t


def _bool_type(t: SqlType) -> SqlType | str:
    return SqlType.BOOLEAN if t in (SqlType.BOOLEAN, SqlType.UNKNOWN) else "a boolean argument"


AGGREGATES: dict[str, Callable[[SqlType], SqlType | str]] = {
    "COUNT": lambda t: SqlType.BIGINT,
    "SUM": _sum_type,
    "AVG": _avg_type,
    "MIN": _minmax_type,
    "MAX": _minmax_type,
    "STDDEV_SAMP": _stddev_type,
    "STDDEV_POP": _stddev_type,
    "BOOL_OR": _bool_type,
    "BOOL_AND": _bool_type,
}

_COMPARISONS = {"=", "<>", "<", "<=", ">", ">="}
_OP_LABEL = {"AND": "&", "OR": "|", "//": "//"}


def _literal_type(value: object) -> SqlType:
    if value is None:
        return SqlType.UNKNOWN
    if isinstance(value, bool):
        return SqlType.BOOLEAN
    if isinstance(value, int):
        return SqlType.INT if -(2**31) <= value < 2**31 else SqlType.BIGINT
    if isinstance(value, float):
        return SqlType.DOUBLE
    if isinstance(value, decimal.Decimal):
        return SqlType.NUMERIC
    if isinstance(value, dt.datetime):
        return SqlType.TIMESTAMPTZ if value.tzinfo else SqlType.TIMESTAMP
    if isinstance(value, dt.date):
        return SqlType.DATE
    return SqlType.VARCHAR


def comparable(a: SqlType, b: SqlType, *, b_is_string_literal: bool = False) -> bool:
    if SqlType.UNKNOWN in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    if b_is_string_literal and a.category in (Category.TEMPORAL, Category.INTERVAL):
        return True  # '2026-01-01 00:00:00' is read as a timestamp literal
    return a.category is b.category


class Checker:
    """Turns builder expressions into typed IR for one pipeline object."""

    def __init__(self, report: Diagnostics) -> None:
        self.report = report  # about the object being checked
        self.windows_allowed = False  # True while checking select() items

    # ---- columns ----

    def column(self, ref: d.Column, scope: Scope) -> ir.IColumn:
        entries = scope
        if ref.relation is not None:
            entries = tuple(e for e in scope if id(ref.relation) in e.lineage)
            if not entries:
                owner = getattr(ref.relation, "name", type(ref.relation).__name__)
                self.report.error(
                    f"column {ref.name!r} of {owner!r} is not available here "
                    f"(this query reads {', '.join(repr(e.label) for e in scope)})",
                    ref.location,
                )
                return ir.IColumn(ref.name, None, SqlType.UNKNOWN)
        found = [(e, c) for e in entries if (c := e.schema.get(ref.name)) is not None]
        if len(found) > 1:
            preferred = [(e, c) for e, c in found if ref.name in e.preferred]
            found = preferred if len(preferred) == 1 else found
        if len(found) == 1:
            entry, column = found[0]
            return ir.IColumn(column.name, entry.qualifier, column.type)
        if len(found) > 1:
            sides = ", ".join(f"{e.label}.c.{ref.name}" for e, _ in found)
            self.report.error(
                f"column {ref.name!r} is ambiguous: it is in {' and '.join(e.label for e, _ in found)}",
                ref.location,
                hint=f"say which one: {sides}",
            )
            return ir.IColumn(ref.name, None, SqlType.UNKNOWN)
        names = [n for e in entries for n in e.schema.names]
        where = " or ".join(repr(e.label) for e in entries)
        self.report.error(
            f"column {ref.name!r} not found in {where}",
            ref.location,
            hint=did_you_mean(ref.name, names) or f"available: {', '.join(names)}",
        )
        return ir.IColumn(ref.name, None, SqlType.UNKNOWN)

    # ---- expressions ----

    def expr(self, e: d.Expr, scope: Scope, *, aggregates: bool = False) -> ir.IExpr:
        method = getattr(self, f"_visit_{type(e).__name__}", None)
        if method is None:  # pragma: no cover - every node kind has a visitor
            raise NotImplementedError(f"no checker for {type(e).__name__}")
        result: ir.IExpr = method(e, scope, aggregates)
        return result

    def boolean(self, e: d.Expr, scope: Scope, what: str, *, aggregates: bool = False) -> ir.IExpr:
        checked = self.expr(e, scope, aggregates=aggregates)
        if checked.type not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
            self.report.error(f"{what} must be a boolean condition, not {checked.type}", e.location)
        return checked

    def _visit_Column(self, e: d.Column, scope: Scope, aggs: bool) -> ir.IExpr:
        return self.column(e, scope)

    def _visit_Literal(self, e: d.Literal, scope: Scope, aggs: bool) -> ir.IExpr:
        if isinstance(e.value, float) and (
            e.value != e.value or e.value in (float("inf"), -float("inf"))
        ):
            self.report.error(f"{e.value!r} cannot be written as a SQL literal", e.location)
        return ir.ILiteral(e.value, _literal_type(e.value))

    def _visit_IntervalLiteral(self, e: d.IntervalLiteral, scope: Scope, aggs: bool) -> ir.IExpr:
        try:
            return ir.IInterval(parse_interval(e.text))
        except IntervalError as err:
            self.report.error(str(err), e.location)
            return ir.ILiteral(None, SqlType.INTERVAL)

    def _visit_BinaryOp(self, e: d.BinaryOp, scope: Scope, aggs: bool) -> ir.IExpr:
        left = self.expr(e.left, scope, aggregates=aggs)
        right = self.expr(e.right, scope, aggregates=aggs)
        lt, rt = left.type, right.type
        op = BinaryOperator(e.op)
        label = _OP_LABEL.get(op, op)
        if op in ("AND", "OR"):
            for side, t in ((e.left, lt), (e.right, rt)):
                if t not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
                    self.report.error(f"'{label}' needs boolean operands, not {t}", side.location)
            return ir.IBinary(op, left, right, SqlType.BOOLEAN)
        if op in _COMPARISONS:
            if not (
                comparable(lt, rt, b_is_string_literal=_is_string_literal(right))
                and comparable(rt, lt, b_is_string_literal=_is_string_literal(left))
            ):
                self.report.error(f"cannot compare {lt} with {rt} using '{op}'", e.location)
            return ir.IBinary(op, left, right, SqlType.BOOLEAN)
        result = self._arithmetic(op, lt, rt, e.location)
        return ir.IBinary(op, left, right, result)

    def _arithmetic(self, op: str, lt: SqlType, rt: SqlType, loc: SourceLocation) -> SqlType:
        if SqlType.UNKNOWN in (lt, rt):
            return lt if rt is SqlType.UNKNOWN else rt
        ints = lt in INTEGER_WIDTH and rt in INTEGER_WIDTH
        if op == "/" and ints:
            self.report.error(
                f"'/' on two integers ({lt} / {rt}) truncates the result",
                loc,
                hint="cast one side first, e.g. col('a').cast('double precision') / col('b'), "
                "or use // for integer division on purpose",
            )
            return SqlType.UNKNOWN
        if op in ("//", "%"):
            if not ints:
                self.report.error(f"'{op}' needs two integers, not {lt} and {rt}", loc)
                return SqlType.UNKNOWN
            return numeric_result(lt, rt)
        if lt.is_numeric and rt.is_numeric:
            return numeric_result(lt, rt)
        temporal = (SqlType.TIMESTAMP, SqlType.TIMESTAMPTZ, SqlType.DATE)
        if op in ("+", "-") and lt in temporal and rt is SqlType.INTERVAL:
            return SqlType.TIMESTAMP if lt is SqlType.DATE else lt
        if op == "+" and lt is SqlType.INTERVAL and rt in temporal:
            return SqlType.TIMESTAMP if rt is SqlType.DATE else rt
        if op == "-" and lt in temporal and rt in temporal:
            return SqlType.INTERVAL
        if op in ("+", "-") and lt is rt is SqlType.INTERVAL:
            return SqlType.INTERVAL
        if op in ("*", "/") and lt is SqlType.INTERVAL and rt.is_numeric:
            return SqlType.INTERVAL
        if op == "*" and rt is SqlType.INTERVAL and lt.is_numeric:
            return SqlType.INTERVAL
        self.report.error(f"cannot apply '{op}' to {lt} and {rt}", loc)
        return SqlType.UNKNOWN

    def _visit_UnaryOp(self, e: d.UnaryOp, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        t = operand.type
        if e.op == "NOT":
            if t not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
                self.report.error(f"'~' (NOT) needs a boolean operand, not {t}", e.location)
            return ir.IUnary(UnaryOperator.NOT, operand, SqlType.BOOLEAN)
        if e.op == "NEG":
            if not (t.is_numeric or t in (SqlType.INTERVAL, SqlType.UNKNOWN)):
                self.report.error(f"cannot negate a {t} value", e.location)
            return ir.IUnary(UnaryOperator.NEG, operand, t)
        return ir.IUnary(UnaryOperator(e.op), operand, SqlType.BOOLEAN)

    def _visit_InList(self, e: d.InList, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        values = tuple(self.expr(v, scope, aggregates=aggs) for v in e.values)
        if not values:
            self.report.error("isin() needs at least one value", e.location)
        for v in values:
            if not comparable(operand.type, v.type, b_is_string_literal=_is_string_literal(v)):
                self.report.error(
                    f"isin(): cannot compare {operand.type} with {v.type}", e.location
                )
                break
        return ir.IIn(operand, values)

    def _visit_Between(self, e: d.Between, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        low = self.expr(e.low, scope, aggregates=aggs)
        high = self.expr(e.high, scope, aggregates=aggs)
        for bound in (low, high):
            if not comparable(
                operand.type, bound.type, b_is_string_literal=_is_string_literal(bound)
            ):
                self.report.error(
                    f"between(): cannot compare {operand.type} with {bound.type}", e.location
                )
                break
        return ir.IBetween(operand, low, high)

    def _visit_Cast(self, e: d.Cast, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        target = self.type_spec(e.to, e.location, "cast()")
        if operand.type is SqlType.JSONB and target is SqlType.VARCHAR:
            self.report.error(
                "casting jsonb to varchar keeps the JSON quotes",
                e.location,
                hint="read a field as text with .json('key') (->>)",
            )
        return ir.ICast(operand, target)

    def _visit_JsonText(self, e: d.JsonText, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        if operand.type not in (SqlType.JSONB, SqlType.UNKNOWN):
            self.report.error(
                f".json({e.key!r}) needs a jsonb value, not {operand.type}", e.location
            )
        if not isinstance(e.key, str) or not e.key:
            self.report.error(
                f".json() takes a non-empty key name (str), not {e.key!r}", e.location
            )
        return ir.IJsonText(operand, str(e.key))

    def _visit_Func(self, e: d.Func, scope: Scope, aggs: bool) -> ir.IExpr:
        args = tuple(self.expr(a, scope, aggregates=aggs) for a in e.args)
        spec = FUNCTIONS.get(e.name.upper())
        if spec is None:
            self.report.error(
                f"unknown function {e.name!r}",
                e.location,
                hint=did_you_mean(e.name.upper(), list(FUNCTIONS))
                or f"known: {', '.join(sorted(FUNCTIONS))}; or use raw()",
            )
            return ir.IFunc(e.name.upper(), args, SqlType.UNKNOWN)
        lo, hi, rule = spec
        if not lo <= len(args) <= hi:
            self.report.error(f"{e.name}() takes {lo}..{hi} arguments, got {len(args)}", e.location)
            return ir.IFunc(e.name.upper(), args, SqlType.UNKNOWN)
        result = rule([a.type for a in args])
        if isinstance(result, str):
            got = ", ".join(str(a.type) for a in args)
            self.report.error(f"{e.name}() needs {result}, got ({got})", e.location)
            result = SqlType.UNKNOWN
        return ir.IFunc(e.name.upper(), args, result)

    def _visit_Case(self, e: d.Case, scope: Scope, aggs: bool) -> ir.IExpr:
        whens = tuple(
            (
                self.boolean(c, scope, "a when() condition", aggregates=aggs),
                self.expr(v, scope, aggregates=aggs),
            )
            for c, v in e.whens
        )
        default = None if e.default is None else self.expr(e.default, scope, aggregates=aggs)
        types = [v.type for _, v in whens] + ([default.type] if default is not None else [])
        result = _common(types)
        if isinstance(result, str):
            self.report.error(
                f"when() branches have different types: {', '.join(map(str, types))}", e.location
            )
            result = SqlType.UNKNOWN
        return ir.ICase(whens, default, result)

    def _visit_Aggregate(self, e: d.Aggregate, scope: Scope, aggs: bool) -> ir.IExpr:
        if not aggs:
            self.report.error(
                f"aggregate {e.func.lower()}() is not allowed here",
                e.location,
                hint="aggregates go in .group_by(...).agg(name=...) or .agg(name=...)",
            )
        arg = None if e.arg is None else self.expr(e.arg, scope, aggregates=False)
        flt = None if e.filter_ is None else self.boolean(e.filter_, scope, "filter()")
        if e.distinct and arg is not None and arg.type is SqlType.JSONB:
            self.report.error(
                f"{_agg_name(e)}() of a jsonb value: jsonb cannot be a DISTINCT key",
                e.location,
                hint="count a field instead: col(...).json('key')",
                code="RW012",
            )
        rule = AGGREGATES[e.func]
        result = rule(arg.type if arg is not None else SqlType.BIGINT)
        if isinstance(result, str):
            assert arg is not None
            what = (
                f"{arg.name!r} is {arg.type}" if isinstance(arg, ir.IColumn) else f"got {arg.type}"
            )
            self.report.error(f"{_agg_name(e)}() needs {result}; {what}", e.location)
            result = SqlType.UNKNOWN
        return ir.IAgg(e.func, arg, e.distinct, flt, result)

    def _visit_Now(self, e: d.Now, scope: Scope, aggs: bool) -> ir.IExpr:
        return ir.INow(e.location)

    def _visit_ProcTime(self, e: d.ProcTime, scope: Scope, aggs: bool) -> ir.IExpr:
        return ir.IProcTime(e.location)

    def _visit_RankFunc(self, e: d.RankFunc, scope: Scope, aggs: bool) -> ir.IExpr:
        self.report.error(
            f"{e.name.lower()}() needs .over(...)",
            e.location,
            hint=f"{e.name.lower()}().over(partition_by=..., order_by=...)",
        )
        return ir.ILiteral(None, SqlType.UNKNOWN)

    def _visit_Over(self, e: d.Over, scope: Scope, aggs: bool) -> ir.IExpr:
        if not self.windows_allowed:
            self.report.error(
                "a window function is not allowed here",
                e.location,
                hint="window functions go in .select(name=...over(...))",
            )
        partition = tuple(self.expr(p, scope) for p in e.partition_by)
        for p, original in zip(partition, e.partition_by, strict=True):
            if p.type is SqlType.JSONB:
                self.report.error(
                    "jsonb cannot be a PARTITION BY key", original.location, code="RW012"
                )
        if len(e.order_by) > 1:
            self.report.error("over(order_by=...) takes one column", e.location)
        order = self.expr(e.order_by[0], scope) if e.order_by else None
        func = e.func
        extra: tuple[ir.IExpr, ...] = ()
        if isinstance(func, d.RankFunc):
            args = tuple(self.expr(a, scope) for a in func.args)
            arg = args[0] if args else None
            extra = args[1:]
            name = func.name
            result = arg.type if name in ("LAG", "LEAD") and arg is not None else SqlType.BIGINT
            if order is None:
                self.report.error(f"{name.lower()}() needs over(order_by=...)", e.location)
        else:
            checked = self._visit_Aggregate(func, scope, True)
            assert isinstance(checked, ir.IAgg)
            if checked.distinct or checked.filter is not None:
                self.report.error("a window aggregate cannot be DISTINCT or filtered", e.location)
            name, arg, result = checked.func, checked.arg, checked.type
        frame = self._frame(e, order)
        return ir.IWindow(name, arg, partition, order, frame, result, e.location, False, extra)

    def _frame(self, e: d.Over, order: ir.IExpr | None) -> ir.Frame | None:
        if e.rows is not None and e.range is not None:
            self.report.error("over() takes rows= or range=, not both", e.location)
            return None
        if e.rows is not None:
            start, end = e.rows
            bad = [v for v in (start, end) if v is not None and (not isinstance(v, int) or v < 0)]
            if bad:
                self.report.error(
                    "over(rows=(start, end)) takes row counts >= 0 or None", e.location
                )
                return None
            return ir.Frame(FrameKind.ROWS, start if start is not None else -1, end)
        if e.range is not None:
            bounds: list[ir.Interval | None] = []
            for v in e.range:
                try:
                    bounds.append(None if v is None else parse_interval(v))
                except IntervalError as err:
                    self.report.error(f"over(range=...): {err}", e.location)
                    return None
            if order is None or not (order.type.is_time or order.type is SqlType.UNKNOWN):
                self.report.error(
                    "over(range=...) with intervals needs order_by a time column", e.location
                )
            return ir.Frame(FrameKind.RANGE, bounds[0] if bounds[0] is not None else -1, bounds[1])
        return None

    def _visit_Raw(self, e: d.Raw, scope: Scope, aggs: bool) -> ir.IExpr:
        return check_raw(self, e, scope)

    # ---- types ----

    def type_spec(self, spec: object, location: SourceLocation, what: str) -> SqlType:
        try:
            return parse_type(spec)  # type: ignore[arg-type]
        except TypeSpecError as err:
            code = "RW007" if err.rejected else None
            self.report.error(f"{what}: {err}", location, hint=err.hint, code=code)
            return SqlType.UNKNOWN


def _agg_name(e: d.Aggregate) -> str:
    name = {"STDDEV_SAMP": "stddev", "SUM": "sum"}.get(e.func, e.func.lower())
    return "count_distinct" if e.distinct and e.func == "COUNT" else name


def _is_string_literal(e: ir.IExpr) -> bool:
    return isinstance(e, ir.ILiteral) and isinstance(e.value, str)


def contains_aggregate(e: ir.IExpr) -> bool:
    if isinstance(e, ir.IAgg):
        return True
    if isinstance(e, ir.IRaw):  # refused by check_raw already; do not report it twice
        return e.node.find(exp.AggFunc) is not None
    return any(contains_aggregate(c) for c in children(e))


def children(e: ir.IExpr) -> tuple[ir.IExpr, ...]:
    if isinstance(e, ir.IBinary):
        return (e.left, e.right)
    if isinstance(e, ir.IUnary | ir.ICast | ir.IJsonText):
        return (e.operand,)
    if isinstance(e, ir.IIn):
        return (e.operand, *e.values)
    if isinstance(e, ir.IBetween):
        return (e.operand, e.low, e.high)
    if isinstance(e, ir.IFunc):
        return e.args
    if isinstance(e, ir.ICase):
        flat = tuple(x for pair in e.whens for x in pair)
        return flat + ((e.default,) if e.default is not None else ())
    if isinstance(e, ir.IAgg):
        return tuple(x for x in (e.arg, e.filter) if x is not None)
    if isinstance(e, ir.IWindow):
        head = tuple(x for x in (e.arg, e.order) if x is not None)
        return head + e.partition + e.extra_args
    return ()


def free_columns(e: ir.IExpr) -> list[ir.IColumn]:
    """Columns referenced outside any aggregate."""
    if isinstance(e, ir.IColumn):
        return [e]
    if isinstance(e, ir.IAgg):
        return []
    return [c for child in children(e) for c in free_columns(child)]


# ---- raw() -----------------------------------------------------------------------------

_FORBIDDEN_IN_RAW = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Window)


def check_raw(checker: Checker, e: d.Raw, scope: Scope) -> ir.IExpr:
    """Parse a raw() fragment with the ecomdsl dialect and resolve its columns."""
    if not isinstance(e.sql, str) or not e.sql.strip():
        checker.report.error("raw() needs a SQL expression", e.location)
        return ir.ILiteral(None, SqlType.UNKNOWN)
    try:
        trees = sqlglot.parse(e.sql, read=DIALECT)
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        detail = first.get("description", "cannot parse")
        near = first.get("highlight")
        checker.report.error(
            f"raw({e.sql!r}): {detail}" + (f" near {near!r}" if near else ""), e.location
        )
        return ir.ILiteral(None, SqlType.UNKNOWN)
    if len(trees) != 1 or trees[0] is None:
        checker.report.error(
            f"raw({e.sql!r}) must be exactly one SQL expression (no ';')", e.location
        )
        return ir.ILiteral(None, SqlType.UNKNOWN)
    tree = trees[0]
    bad = tree if isinstance(tree, _FORBIDDEN_IN_RAW) else tree.find(*_FORBIDDEN_IN_RAW)
    if bad is not None or isinstance(tree, exp.Star):
        checker.report.error(
            f"raw({e.sql!r}) must be a scalar expression: no statements, subqueries or OVER",
            e.location,
        )
        return ir.ILiteral(None, SqlType.UNKNOWN)
    if tree.find(exp.AggFunc) is not None:
        checker.report.error(
            f"raw({e.sql!r}): use the aggregate builders, not raw SQL aggregates", e.location
        )
    for column in list(tree.find_all(exp.Column)):
        entries = scope
        if column.table:
            entries = tuple(x for x in scope if column.table in (x.qualifier, x.label))
            if not entries:
                labels = ", ".join(repr(x.qualifier or x.label) for x in scope)
                checker.report.error(
                    f"raw({e.sql!r}): unknown qualifier {column.table!r} (this query reads {labels})",
                    e.location,
                )
                continue
        # RisingWave folds unquoted identifiers to lower case
        written = column.this
        name = written.name if written.args.get("quoted") else written.name.lower()
        resolved = checker.column(d.Column(name, location=e.location), entries)
        column.set("this", identifier(resolved.name))
        column.set("table", identifier(resolved.qualifier) if resolved.qualifier else None)
    declared = None if e.type is None else checker.type_spec(e.type, e.location, "raw(type=...)")
    return ir.IRaw(tree, declared or _raw_type(tree))


def _raw_type(tree: exp.Expr) -> SqlType:
    if isinstance(tree, exp.Cast):
        try:
            return parse_type(tree.to.sql(DIALECT).lower())
        except TypeSpecError:
            return SqlType.UNKNOWN
    if isinstance(tree, exp.Predicate | exp.Connector | exp.Not | exp.Boolean):
        return SqlType.BOOLEAN
    return SqlType.UNKNOWN
