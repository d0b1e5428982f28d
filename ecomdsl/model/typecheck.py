"""Resolve builder expressions against a scope and give each a RisingWave type.

Every problem becomes a `Diagnostic` with the user's file:line; checking goes on after an
error (with the type UNKNOWN) so that all problems of a pipeline are reported together.
"""

from __future__ import annotations

from typing import assert_never

from ecomdsl.dsl import expr as dsl
from ecomdsl.errors import Diagnostics, did_you_mean
from ecomdsl.kinds import BinaryOperator, UnaryOperator
from ecomdsl.model import ir
from ecomdsl.model.functions import (
    AGGREGATES,
    CONSTANT_ARGS,
    FUNCTIONS,
    TypeProblem,
    aggregate_label,
    arithmetic_type,
    common_type,
    comparable,
    declared_type,
    literal_type,
)
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.raw import check_raw
from ecomdsl.model.scope import Scope, resolve_column
from ecomdsl.model.values import literal_problem
from ecomdsl.model.windowfuncs import check_over, rank_without_over
from ecomdsl.types import SqlType

# every kind of builder expression (the dsl's `Expr` subclasses); `Checker.expr` handles
# each, and mypy proves it (`assert_never`)
ExprNode = (
    dsl.Column
    | dsl.Literal
    | dsl.IntervalLiteral
    | dsl.BinaryOp
    | dsl.UnaryOp
    | dsl.InList
    | dsl.Between
    | dsl.Cast
    | dsl.JsonText
    | dsl.Func
    | dsl.Case
    | dsl.Aggregate
    | dsl.Now
    | dsl.ProcTime
    | dsl.RankFunc
    | dsl.Over
    | dsl.Raw
)


class Checker:
    """Turns builder expressions into typed IR for one pipeline object."""

    def __init__(self, report: Diagnostics) -> None:
        self.report = report  # about the object being checked
        self.windows_allowed = False  # True while checking select() items
        self.filtering = False  # True while checking a WHERE or ON condition

    def expr(self, e: dsl.Expr, scope: Scope, *, aggregates: bool = False) -> ir.IExpr:
        """``e`` typed in ``scope``; ``aggregates`` says whether aggregates may appear."""
        if not isinstance(e, ExprNode):  # pragma: no cover - every builder is a member
            raise NotImplementedError(f"no checker for {type(e).__name__}")
        match e:
            case dsl.Column():
                return resolve_column(e, scope, self.report)
            case dsl.Literal():
                return self._literal(e)
            case dsl.IntervalLiteral():
                return self._interval(e)
            case dsl.BinaryOp():
                return self._binary(e, scope, aggregates)
            case dsl.UnaryOp():
                return self._unary(e, scope, aggregates)
            case dsl.InList():
                return self._in_list(e, scope, aggregates)
            case dsl.Between():
                return self._between(e, scope, aggregates)
            case dsl.Cast():
                return self._cast(e, scope, aggregates)
            case dsl.JsonText():
                return self._json_text(e, scope, aggregates)
            case dsl.Func():
                return self._function(e, scope, aggregates)
            case dsl.Case():
                return self._case(e, scope, aggregates)
            case dsl.Aggregate():
                return self._aggregate(e, scope, aggregates)
            case dsl.Now():
                return ir.INow(e.location)
            case dsl.ProcTime():
                return ir.IProcTime(e.location)
            case dsl.RankFunc():
                return rank_without_over(self.report, e)
            case dsl.Over():
                return check_over(self, e, scope)
            case dsl.Raw():
                return check_raw(e, scope, self.report, filtering=self.filtering)
            case _:
                assert_never(e)

    def condition(self, e: dsl.Expr, scope: Scope, what: str) -> ir.IExpr:
        """A WHERE or ON condition: the one place RisingWave takes NOW(), as a temporal filter."""
        self.filtering = True
        try:
            return self.boolean(e, scope, what)
        finally:
            self.filtering = False

    def boolean(
        self, e: dsl.Expr, scope: Scope, what: str, *, aggregates: bool = False
    ) -> ir.IExpr:
        checked = self.expr(e, scope, aggregates=aggregates)
        if checked.type not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
            self.report.error(f"{what} must be a boolean condition, not {checked.type}", e.location)
        return checked

    def _literal(self, e: dsl.Literal) -> ir.IExpr:
        """A typed literal; NaN and the infinities are values too (numeric or double)."""
        problem = literal_problem(e.value)
        if problem is not None:
            self.report.error(problem.message, e.location, hint=problem.hint)
            return ir.ILiteral(None, literal_type(e.value))
        return ir.ILiteral(e.value, literal_type(e.value))

    def _interval(self, e: dsl.IntervalLiteral) -> ir.IExpr:
        try:
            return ir.IInterval(parse_interval(e.text))
        except IntervalError as err:
            self.report.error(str(err), e.location)
            return ir.ILiteral(None, SqlType.INTERVAL)

    # ---- operators ----

    def _binary(self, e: dsl.BinaryOp, scope: Scope, aggs: bool) -> ir.IExpr:
        """``e`` and the operators under it, checked operands first, in a loop: sums and
        conjunctions built in a loop (``total = total + c``, ``where(*many)``) nest
        thousands deep and must not recurse once per term."""
        done: list[ir.IExpr] = []  # checked operands, the latest last
        stack: list[tuple[dsl.Expr, bool]] = [(e, False)]
        while stack:
            node, operands_done = stack.pop()
            if not isinstance(node, dsl.BinaryOp):
                done.append(self.expr(node, scope, aggregates=aggs))
            elif not operands_done:
                stack += [(node, True), (node.right, False), (node.left, False)]
            else:
                right, left = done.pop(), done.pop()
                done.append(self._operator(node, left, right))
        return done[0]

    def _operator(self, e: dsl.BinaryOp, left: ir.IExpr, right: ir.IExpr) -> ir.IExpr:
        """``left e.op right``, typed, for the checked operands of ``e``."""
        lt, rt = left.type, right.type
        op = BinaryOperator(e.op)
        match op:
            case BinaryOperator.AND | BinaryOperator.OR:
                label = "&" if op is BinaryOperator.AND else "|"
                for side, t in ((e.left, lt), (e.right, rt)):
                    if t not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
                        self.report.error(
                            f"'{label}' needs boolean operands, not {t}", side.location
                        )
                return ir.IBinary(op, left, right, SqlType.BOOLEAN)
            case (
                BinaryOperator.EQ
                | BinaryOperator.NE
                | BinaryOperator.LT
                | BinaryOperator.LE
                | BinaryOperator.GT
                | BinaryOperator.GE
            ):
                if not (
                    comparable(lt, rt, b_is_string_literal=_is_string_literal(right))
                    and comparable(rt, lt, b_is_string_literal=_is_string_literal(left))
                ):
                    self.report.error(f"cannot compare {lt} with {rt} using '{op}'", e.location)
                return ir.IBinary(op, left, right, SqlType.BOOLEAN)
            case (
                BinaryOperator.ADD
                | BinaryOperator.SUB
                | BinaryOperator.MUL
                | BinaryOperator.DIV
                | BinaryOperator.INT_DIV
                | BinaryOperator.MOD
            ):
                result = arithmetic_type(op, lt, rt)
                if isinstance(result, TypeProblem):
                    self.report.error(result.message, e.location, hint=result.hint)
                    result = SqlType.UNKNOWN
                return ir.IBinary(op, left, right, result)
            case _:
                assert_never(op)

    def _unary(self, e: dsl.UnaryOp, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        t = operand.type
        op = UnaryOperator(e.op)
        match op:
            case UnaryOperator.NOT:
                if t not in (SqlType.BOOLEAN, SqlType.UNKNOWN):
                    self.report.error(f"'~' (NOT) needs a boolean operand, not {t}", e.location)
                return ir.IUnary(op, operand, SqlType.BOOLEAN)
            case UnaryOperator.NEG:
                if not (t.is_numeric or t in (SqlType.INTERVAL, SqlType.UNKNOWN)):
                    self.report.error(f"cannot negate a {t} value", e.location)
                return ir.IUnary(op, operand, t)
            case UnaryOperator.IS_NULL | UnaryOperator.IS_NOT_NULL:
                return ir.IUnary(op, operand, SqlType.BOOLEAN)
            case _:
                assert_never(op)

    # ---- the other expressions ----

    def _in_list(self, e: dsl.InList, scope: Scope, aggs: bool) -> ir.IExpr:
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

    def _between(self, e: dsl.Between, scope: Scope, aggs: bool) -> ir.IExpr:
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

    def _cast(self, e: dsl.Cast, scope: Scope, aggs: bool) -> ir.IExpr:
        operand = self.expr(e.operand, scope, aggregates=aggs)
        target = declared_type(e.to, e.location, "cast()", self.report)
        if operand.type is SqlType.JSONB and target is SqlType.VARCHAR:
            self.report.error(
                "casting jsonb to varchar keeps the JSON quotes",
                e.location,
                hint="read a field as text with .json('key') (->>)",
            )
        return ir.ICast(operand, target)

    def _json_text(self, e: dsl.JsonText, scope: Scope, aggs: bool) -> ir.IExpr:
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

    def _function(self, e: dsl.Func, scope: Scope, aggs: bool) -> ir.IExpr:
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
        self._constant_args(e, args)
        return ir.IFunc(e.name.upper(), args, result)

    def _constant_args(self, e: dsl.Func, args: tuple[ir.IExpr, ...]) -> None:
        """A literal argument that must be one of a few words (a date_trunc unit) is one."""
        for index, what, allowed in CONSTANT_ARGS.get(e.name.upper(), ()):
            arg = args[index] if index < len(args) else None
            if not isinstance(arg, ir.ILiteral) or not isinstance(arg.value, str):
                continue
            if arg.value.lower() not in allowed:
                self.report.error(
                    f"{e.name}(): {arg.value!r} is not a {what} RisingWave knows",
                    e.location,
                    hint=did_you_mean(arg.value.lower(), allowed) or "one of " + ", ".join(allowed),
                )

    def _case(self, e: dsl.Case, scope: Scope, aggs: bool) -> ir.IExpr:
        whens = tuple(
            (
                self.boolean(c, scope, "a when() condition", aggregates=aggs),
                self.expr(v, scope, aggregates=aggs),
            )
            for c, v in e.whens
        )
        default = None if e.default is None else self.expr(e.default, scope, aggregates=aggs)
        types = [v.type for _, v in whens] + ([default.type] if default is not None else [])
        result = common_type(types)
        if isinstance(result, str):
            self.report.error(
                f"when() branches have different types: {', '.join(map(str, types))}", e.location
            )
            result = SqlType.UNKNOWN
        return ir.ICase(whens, default, result)

    def _aggregate(self, e: dsl.Aggregate, scope: Scope, aggs: bool) -> ir.IAgg:
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
                f"{aggregate_label(e.func, e.distinct)}() of a jsonb value: jsonb cannot be a DISTINCT key",
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
            self.report.error(
                f"{aggregate_label(e.func, e.distinct)}() needs {result}; {what}", e.location
            )
            result = SqlType.UNKNOWN
        return ir.IAgg(e.func, arg, e.distinct, flt, result)

    def aggregate(self, e: dsl.Aggregate, scope: Scope) -> ir.IAgg:
        """An aggregate where aggregates are allowed (a window function's)."""
        return self._aggregate(e, scope, True)


def _is_string_literal(e: ir.IExpr) -> bool:
    return isinstance(e, ir.ILiteral) and isinstance(e.value, str)
