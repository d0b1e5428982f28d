"""The typing rules the checker looks up: what each scalar function and aggregate accepts and
returns, the type of a literal, which types compare, and the type a user's spelling names.

A rule returns the result type, or a phrase saying what it needs ("a numeric argument"),
which the checker turns into the message; adding a function is adding a row.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence

import attrs

from ecomdsl.errors import Diagnostics, SourceLocation
from ecomdsl.kinds import BinaryOperator
from ecomdsl.types import (
    INTEGER_WIDTH,
    Category,
    SqlType,
    TypeSpecError,
    numeric_result,
    parse_type,
)

# a typing rule: the result type for these argument types, or what the function needs
Rule = Callable[[Sequence[SqlType]], SqlType | str]


def _numeric_same(args: Sequence[SqlType]) -> SqlType | str:
    return args[0] if args[0].is_numeric or args[0] is SqlType.UNKNOWN else "a numeric argument"


def _text(result: SqlType) -> Rule:
    def rule(args: Sequence[SqlType]) -> SqlType | str:
        ok = all(a.category in (Category.TEXT, Category.UNKNOWN) for a in args)
        return result if ok else "varchar arguments"

    return rule


def common_type(args: Sequence[SqlType]) -> SqlType | str:
    """The type several values share (numeric types promote), or what was expected."""
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
    "COALESCE": (1, 99, common_type),
    "NULLIF": (2, 2, lambda a: a[0]),
    "GREATEST": (1, 99, common_type),
    "LEAST": (1, 99, common_type),
    "LOWER": (1, 1, _text(SqlType.VARCHAR)),
    "UPPER": (1, 1, _text(SqlType.VARCHAR)),
    "LENGTH": (1, 1, _text(SqlType.INT)),
    "ROUND": (1, 2, _numeric_same),
    "DATE_TRUNC": (2, 2, _date_trunc),
}


# the units RisingWave's date_trunc takes (src/expr/impl/src/scalar/date_trunc.rs)
DATE_TRUNC_UNITS = (
    "microseconds",
    "milliseconds",
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "quarter",
    "year",
    "decade",
    "century",
    "millennium",
)

# name -> the arguments that, given as a literal, must be one of a few words:
# (position, what the word is, the words)
CONSTANT_ARGS: dict[str, tuple[tuple[int, str, tuple[str, ...]], ...]] = {
    "DATE_TRUNC": ((0, "unit", DATE_TRUNC_UNITS),),
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


def literal_type(value: object) -> SqlType:
    """The SQL type of a Python literal (an untyped NULL is UNKNOWN)."""
    if value is None:
        return SqlType.UNKNOWN
    if isinstance(value, bool):
        return SqlType.BOOLEAN
    if isinstance(value, int):  # as RisingWave reads a number: int, bigint, else numeric
        if -(2**31) <= value < 2**31:
            return SqlType.INT
        return SqlType.BIGINT if -(2**63) <= value < 2**63 else SqlType.NUMERIC
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
    """Whether ``a`` compares with ``b`` (UNKNOWN compares with anything: reported already)."""
    if SqlType.UNKNOWN in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    if b_is_string_literal and a.category in (Category.TEMPORAL, Category.INTERVAL):
        return True  # '2026-01-01 00:00:00' is read as a timestamp literal
    return a.category is b.category


def same_family(a: SqlType, b: SqlType) -> bool:
    """Whether values of ``a`` and ``b`` can meet in one column (a join key, a union)."""
    if SqlType.UNKNOWN in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return a.category is b.category and a.category is not Category.UNKNOWN


# ---- operators -------------------------------------------------------------------------


@attrs.frozen
class TypeProblem:
    """Why an operation does not type: the message and, where one helps, a hint."""

    message: str
    hint: str | None = None


def arithmetic_type(op: BinaryOperator, lt: SqlType, rt: SqlType) -> SqlType | TypeProblem:
    """The type of ``lt op rt`` for an arithmetic operator, as RisingWave types it.

    An UNKNOWN operand was reported already, so the result is just not known either.
    """
    if SqlType.UNKNOWN in (lt, rt):
        return lt if rt is SqlType.UNKNOWN else rt
    ints = lt in INTEGER_WIDTH and rt in INTEGER_WIDTH
    if op is BinaryOperator.DIV and ints:
        return TypeProblem(
            f"'/' on two integers ({lt} / {rt}) truncates the result",
            hint="cast one side first, e.g. col('a').cast('double precision') / col('b'), "
            "or use // for integer division on purpose",
        )
    if op in (BinaryOperator.INT_DIV, BinaryOperator.MOD):
        if not ints:
            return TypeProblem(f"'{op}' needs two integers, not {lt} and {rt}")
        return numeric_result(lt, rt)
    if lt.is_numeric and rt.is_numeric:
        return numeric_result(lt, rt)
    shifted = _time_arithmetic(op, lt, rt)
    return shifted if shifted is not None else TypeProblem(f"cannot apply '{op}' to {lt} and {rt}")


_TEMPORAL = (SqlType.TIMESTAMP, SqlType.TIMESTAMPTZ, SqlType.DATE)


def _time_arithmetic(op: BinaryOperator, lt: SqlType, rt: SqlType) -> SqlType | None:
    """Shifting times by intervals, time differences and scaled intervals (None: not typed)."""
    add_or_sub = op in (BinaryOperator.ADD, BinaryOperator.SUB)
    if add_or_sub and lt in _TEMPORAL and rt is SqlType.INTERVAL:
        return SqlType.TIMESTAMP if lt is SqlType.DATE else lt
    if op is BinaryOperator.ADD and lt is SqlType.INTERVAL and rt in _TEMPORAL:
        return SqlType.TIMESTAMP if rt is SqlType.DATE else rt
    if op is BinaryOperator.SUB and lt in _TEMPORAL and rt in _TEMPORAL:
        return SqlType.INTERVAL
    if add_or_sub and lt is rt is SqlType.INTERVAL:
        return SqlType.INTERVAL
    scale = op is BinaryOperator.MUL or op is BinaryOperator.DIV
    if scale and lt is SqlType.INTERVAL and rt.is_numeric:
        return SqlType.INTERVAL
    if op is BinaryOperator.MUL and rt is SqlType.INTERVAL and lt.is_numeric:
        return SqlType.INTERVAL
    return None


# ---- names and declared types ----------------------------------------------------------


def aggregate_label(func: str, distinct: bool) -> str:
    """How messages name an aggregate: the builder's name (``sum``, ``count_distinct``)."""
    name = {"STDDEV_SAMP": "stddev", "SUM": "sum"}.get(func, func.lower())
    return "count_distinct" if distinct and func == "COUNT" else name


def declared_type(
    spec: object, location: SourceLocation, what: str, report: Diagnostics
) -> SqlType:
    """The type a user's spelling names (``"varchar"``, ``SqlType.INT``); UNKNOWN after
    reporting a spelling RisingWave does not accept (RW007 for types it rejects)."""
    try:
        return parse_type(spec)  # type: ignore[arg-type]
    except TypeSpecError as err:
        code = "RW007" if err.rejected else None
        report.error(f"{what}: {err}", location, hint=err.hint, code=code)
        return SqlType.UNKNOWN
