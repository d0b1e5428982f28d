"""Function calls: scalar functions, aggregates, window functions, ``now()``.

Each builder only records the call; the model checks the name and the argument types
against its function table and reports problems at the line of the call. Aggregates and
ranking functions become window functions with ``.over(...)``.
"""

from __future__ import annotations

from ecomdsl.dsl.arguments import refuse
from ecomdsl.dsl.expr import Aggregate, ExprLike, Func, Literal, Now, ProcTime, RankFunc, wrap

OFFSETS = range(-(2**31), 2**31)
"""The row offsets ``lag``/``lead`` take: an integer constant in RisingWave (the frontend's
``expr/window_function.rs`` refuses any other type), and an ``integer`` in PostgreSQL."""


def func(name: str, *args: ExprLike) -> Func:
    """A scalar function from ecomdsl's function table (``abs``, ``coalesce``, ``lower``...)."""
    if not isinstance(name, str):
        refuse(
            "func() takes a function name (str) first", name, hint="e.g. func('lower', col('x'))"
        )
    return Func(name, tuple(wrap(a) for a in args))


def _agg(name: str, arg: ExprLike, distinct: bool = False) -> Aggregate:
    return Aggregate(name, None if arg is None else wrap(arg), distinct)


def count(arg: ExprLike = None) -> Aggregate:
    """``count(*)`` (no argument) or ``count(arg)`` (non-NULL values); bigint."""
    return _agg("COUNT", arg)


def count_distinct(arg: ExprLike) -> Aggregate:
    """``count(DISTINCT arg)``: distinct non-NULL values; bigint."""
    return _agg("COUNT", arg, distinct=True)


def sum_(arg: ExprLike) -> Aggregate:
    """``sum(arg)``: bigint for smallint/int, numeric for bigint/numeric, else the input type."""
    return _agg("SUM", arg)


def min_(arg: ExprLike) -> Aggregate:
    return _agg("MIN", arg)


def max_(arg: ExprLike) -> Aggregate:
    return _agg("MAX", arg)


def avg(arg: ExprLike) -> Aggregate:
    """``avg(arg)``: numeric for integer and numeric input, double for floats."""
    return _agg("AVG", arg)


def stddev(arg: ExprLike) -> Aggregate:
    """Sample standard deviation (``stddev_samp``); NULL for fewer than two values."""
    return _agg("STDDEV_SAMP", arg)


def bool_or(arg: ExprLike) -> Aggregate:
    """True when any value is true (``bool_or``)."""
    return _agg("BOOL_OR", arg)


def bool_and(arg: ExprLike) -> Aggregate:
    return _agg("BOOL_AND", arg)


def now() -> Now:
    """``NOW()`` for temporal filters: ``where(col("ts") > now() - interval("1 hour"))``
    keeps the last hour and lets RisingWave delete older rows from state."""
    return Now()


def proctime() -> ProcTime:
    """``PROCTIME()``. RisingWave accepts it only in CREATE TABLE/SOURCE (rule RW004)."""
    return ProcTime()


def row_number() -> RankFunc:
    """``row_number()``; use with ``.over(...)`` and keep the top N with a filter (RW106)."""
    return RankFunc("ROW_NUMBER")


def rank() -> RankFunc:
    return RankFunc("RANK")


def dense_rank() -> RankFunc:
    return RankFunc("DENSE_RANK")


def lag(arg: ExprLike, offset: int = 1) -> RankFunc:
    """The value ``offset`` rows before, in the window's order."""
    return RankFunc("LAG", (wrap(arg), _offset(offset, "lag")))


def lead(arg: ExprLike, offset: int = 1) -> RankFunc:
    """The value ``offset`` rows after, in the window's order."""
    return RankFunc("LEAD", (wrap(arg), _offset(offset, "lead")))


def _offset(value: object, name: str) -> Literal:
    if isinstance(value, int) and not isinstance(value, bool) and value in OFFSETS:
        return Literal(value)
    rows = f"an int from {OFFSETS.start} to {OFFSETS.stop - 1}"
    refuse(f"{name}(x, offset) takes a number of rows, {rows}", value)
