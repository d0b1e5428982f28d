"""Column expressions: checked objects, not strings.

``col("price") * 2 > 10`` builds a small immutable tree. Nothing is checked here; the model
layer resolves each column against the schema of the relation it is used on and reports
every problem with the file and line where the expression was written.

Python's ``and``/``or``/``not`` cannot be overloaded: use ``&``, ``|`` and ``~``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ecomdsl.dsl.node import Node
from ecomdsl.location import caller_location
from ecomdsl.types import SqlType

if TYPE_CHECKING:
    from ecomdsl.dsl.relation import Relation

LiteralValue = str | int | float | decimal.Decimal | bool | dt.datetime | dt.date | None
_LITERAL_TYPES = (str, int, float, decimal.Decimal, bool, dt.datetime, dt.date, type(None))


def wrap(value: Any) -> Expr:
    """An expression for ``value``: expressions pass through, Python values become literals."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, _LITERAL_TYPES):
        return Literal(value)
    raise TypeError(
        f"cannot use a {type(value).__name__} in an expression; "
        "use col('name') for a column or a str/int/float/Decimal/bool/datetime literal"
    )


class Expr(Node):
    """Operators shared by every expression node (returns new nodes, never mutates)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        raise TypeError(
            "an ecomdsl expression has no truth value: use & | ~ instead of and/or/not, "
            "and .isin() instead of `in`"
        )

    def __hash__(self) -> int:
        return id(self)

    def _binary(self, op: str, other: Any, *, reflected: bool = False) -> BinaryOp:
        left, right = (wrap(other), self) if reflected else (self, wrap(other))
        return BinaryOp(op, left, right)

    def __eq__(self, other: object) -> BinaryOp:  # type: ignore[override]
        return self._binary("=", other)

    def __ne__(self, other: object) -> BinaryOp:  # type: ignore[override]
        return self._binary("<>", other)

    def __lt__(self, other: Any) -> BinaryOp:
        return self._binary("<", other)

    def __le__(self, other: Any) -> BinaryOp:
        return self._binary("<=", other)

    def __gt__(self, other: Any) -> BinaryOp:
        return self._binary(">", other)

    def __ge__(self, other: Any) -> BinaryOp:
        return self._binary(">=", other)

    def __add__(self, other: Any) -> BinaryOp:
        return self._binary("+", other)

    def __radd__(self, other: Any) -> BinaryOp:
        return self._binary("+", other, reflected=True)

    def __sub__(self, other: Any) -> BinaryOp:
        return self._binary("-", other)

    def __rsub__(self, other: Any) -> BinaryOp:
        return self._binary("-", other, reflected=True)

    def __mul__(self, other: Any) -> BinaryOp:
        return self._binary("*", other)

    def __rmul__(self, other: Any) -> BinaryOp:
        return self._binary("*", other, reflected=True)

    def __truediv__(self, other: Any) -> BinaryOp:
        return self._binary("/", other)

    def __rtruediv__(self, other: Any) -> BinaryOp:
        return self._binary("/", other, reflected=True)

    def __floordiv__(self, other: Any) -> BinaryOp:
        """Integer division, on purpose (``a / b`` on two integers is an error)."""
        return self._binary("//", other)

    def __mod__(self, other: Any) -> BinaryOp:
        return self._binary("%", other)

    def __and__(self, other: Any) -> BinaryOp:
        return self._binary("AND", other)

    def __rand__(self, other: Any) -> BinaryOp:
        return self._binary("AND", other, reflected=True)

    def __or__(self, other: Any) -> BinaryOp:
        return self._binary("OR", other)

    def __ror__(self, other: Any) -> BinaryOp:
        return self._binary("OR", other, reflected=True)

    def __invert__(self) -> UnaryOp:
        return UnaryOp("NOT", self)

    def __neg__(self) -> UnaryOp:
        return UnaryOp("NEG", self)

    def is_null(self) -> UnaryOp:
        return UnaryOp("IS NULL", self)

    def is_not_null(self) -> UnaryOp:
        return UnaryOp("IS NOT NULL", self)

    def isin(self, values: Iterable[Any]) -> InList:
        return InList(self, tuple(wrap(v) for v in values))

    def between(self, low: Any, high: Any) -> Between:
        return Between(self, wrap(low), wrap(high))

    def cast(self, to: str | SqlType) -> Cast:
        """``CAST(expr AS to)``; ``to`` is a RisingWave type name such as ``"numeric"``."""
        return Cast(self, to)

    def json(self, key: str, type: str | SqlType | None = None) -> Expr:
        """``expr ->> 'key'`` on a jsonb column, cast to ``type`` when given.

        ``col("event_data").json("total_amount", "numeric")`` reads a JSON number exactly.
        """
        text = JsonText(self, key)
        return text if type is None else Cast(text, type)

    def abs(self) -> Func:
        return Func("ABS", (self,))

    def coalesce(self, *others: Any) -> Func:
        return Func("COALESCE", (self, *(wrap(o) for o in others)))


@attrs.frozen(eq=False)
class Column(Expr):
    """A reference to a column by name, optionally of one relation (``products.c.price``)."""

    name: str
    relation: Relation | None = None


@attrs.frozen(eq=False)
class Literal(Expr):
    value: LiteralValue


@attrs.frozen(eq=False)
class IntervalLiteral(Expr):
    """``INTERVAL '2 minutes'``; the text is checked at compile time."""

    text: str


@attrs.frozen(eq=False)
class BinaryOp(Expr):
    op: str
    left: Expr
    right: Expr


@attrs.frozen(eq=False)
class UnaryOp(Expr):
    op: str
    operand: Expr


@attrs.frozen(eq=False)
class InList(Expr):
    operand: Expr
    values: tuple[Expr, ...]


@attrs.frozen(eq=False)
class Between(Expr):
    operand: Expr
    low: Expr
    high: Expr


@attrs.frozen(eq=False)
class Cast(Expr):
    operand: Expr
    to: str | SqlType


@attrs.frozen(eq=False)
class JsonText(Expr):
    """``operand ->> 'key'``: a field of a jsonb value as varchar (NULL when missing)."""

    operand: Expr
    key: str


@attrs.frozen(eq=False)
class Func(Expr):
    """A scalar function call; the model checks the name against its function table."""

    name: str
    args: tuple[Expr, ...]


@attrs.frozen(eq=False)
class Case(Expr):
    whens: tuple[tuple[Expr, Expr], ...]
    default: Expr | None = None


@attrs.frozen(eq=False)
class Aggregate(Expr):
    """``func([DISTINCT] arg) [FILTER (WHERE filter)]``; ``arg`` is None for ``count(*)``."""

    func: str
    arg: Expr | None
    distinct: bool = False
    filter_: Expr | None = None

    def filter(self, predicate: Expr) -> Aggregate:
        """Aggregate only the rows where ``predicate`` holds (``FILTER (WHERE ...)``)."""
        return attrs.evolve(self, filter_=predicate, location=caller_location())

    def over(
        self,
        partition_by: Any = (),
        order_by: Any = None,
        rows: tuple[int | None, int | None] | None = None,
        range: tuple[str | None, str | None] | None = None,
    ) -> Over:
        """This aggregate as a window function (see `Over`)."""
        return _over(self, partition_by, order_by, rows, range)


@attrs.frozen(eq=False)
class Now(Expr):
    """``NOW()``: only in a temporal filter (WHERE / join ON), e.g. ``col("ts") > now() - ...``."""


@attrs.frozen(eq=False)
class ProcTime(Expr):
    """``PROCTIME()``: processing time. RisingWave allows it only in CREATE TABLE/SOURCE."""


@attrs.frozen(eq=False)
class RankFunc(Expr):
    """``row_number()``, ``rank()``, ``dense_rank()``, ``lag(x, n)``, ``lead(x, n)``: only
    usable with ``.over(...)``."""

    name: str
    args: tuple[Expr, ...] = ()

    def over(
        self,
        partition_by: Any = (),
        order_by: Any = None,
        rows: tuple[int | None, int | None] | None = None,
        range: tuple[str | None, str | None] | None = None,
    ) -> Over:
        return _over(self, partition_by, order_by, rows, range)


def _names_or_exprs(value: Any) -> tuple[Expr, ...]:
    if value is None:
        return ()
    items = (value,) if isinstance(value, str | Expr) else tuple(value)
    return tuple(Column(v) if isinstance(v, str) else wrap(v) for v in items)


def _over(
    func: Aggregate | RankFunc,
    partition_by: Any,
    order_by: Any,
    rows: tuple[int | None, int | None] | None,
    range_: tuple[str | None, str | None] | None,
) -> Over:
    return Over(
        func,
        _names_or_exprs(partition_by),
        _names_or_exprs(order_by),
        rows,
        range_,
    )


@attrs.frozen(eq=False)
class Over(Expr):
    """``func OVER (PARTITION BY ... ORDER BY ... [ROWS|RANGE BETWEEN ...])``.

    ``rows=(3, 1)`` is ``ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING`` (``None`` for unbounded
    start or the current row at the end); ``range=("1 hour", None)`` the same with intervals.
    """

    func: Aggregate | RankFunc
    partition_by: tuple[Expr, ...]
    order_by: tuple[Expr, ...]
    rows: tuple[int | None, int | None] | None = None
    range: tuple[str | None, str | None] | None = None


@attrs.frozen(eq=False)
class Raw(Expr):
    """A hand-written SQL expression; parsed and checked by the compiler, never pasted."""

    sql: str
    type: str | SqlType | None = None


# ---- public constructors -------------------------------------------------------------


def col(name: str) -> Column:
    """A column of the relation the expression is used on, e.g. ``col("event_type")``."""
    if not isinstance(name, str):
        raise TypeError(f"col() takes a column name (str), not {type(name).__name__}")
    return Column(name)


def lit(value: LiteralValue) -> Literal:
    """A literal value; strings are escaped by sqlglot when SQL is written."""
    if not isinstance(value, _LITERAL_TYPES):
        raise TypeError(f"lit() takes a str/int/float/Decimal/bool/datetime, not {type(value)}")
    return Literal(value)


def interval(text: str) -> IntervalLiteral:
    """An interval literal such as ``interval("2 minutes")``."""
    return IntervalLiteral(text)


def raw(sql: str, type: str | SqlType | None = None) -> Raw:
    """An escape hatch: a SQL expression as text, parsed and checked at compile time.

    Column names in it are checked against the input relation like any other reference.
    Give ``type`` when the fragment's type is not obvious (a top-level CAST is).
    """
    if not isinstance(sql, str):
        raise TypeError("raw() takes SQL text")
    return Raw(sql, type)


def when(*branches: tuple[Any, Any], otherwise: Any = None) -> Case:
    """``CASE WHEN c1 THEN v1 ... ELSE otherwise END`` from ``(condition, value)`` pairs."""
    pairs = tuple((wrap(c), wrap(v)) for c, v in branches)
    return Case(pairs, None if otherwise is None else wrap(otherwise))


def func(name: str, *args: Any) -> Func:
    """A scalar function from ecomdsl's function table (``abs``, ``coalesce``, ``lower``...)."""
    return Func(name, tuple(wrap(a) for a in args))


def _agg(name: str, arg: Any, distinct: bool = False) -> Aggregate:
    return Aggregate(name, None if arg is None else wrap(arg), distinct)


def count(arg: Any = None) -> Aggregate:
    """``count(*)`` (no argument) or ``count(arg)`` (non-NULL values); bigint."""
    return _agg("COUNT", arg)


def count_distinct(arg: Any) -> Aggregate:
    """``count(DISTINCT arg)``: distinct non-NULL values; bigint."""
    return _agg("COUNT", arg, distinct=True)


def sum_(arg: Any) -> Aggregate:
    """``sum(arg)``: bigint for smallint/int, numeric for bigint/numeric, else the input type."""
    return _agg("SUM", arg)


def min_(arg: Any) -> Aggregate:
    return _agg("MIN", arg)


def max_(arg: Any) -> Aggregate:
    return _agg("MAX", arg)


def avg(arg: Any) -> Aggregate:
    """``avg(arg)``: numeric for integer and numeric input, double for floats."""
    return _agg("AVG", arg)


def stddev(arg: Any) -> Aggregate:
    """Sample standard deviation (``stddev_samp``); NULL for fewer than two values."""
    return _agg("STDDEV_SAMP", arg)


def bool_or(arg: Any) -> Aggregate:
    """True when any value is true (``bool_or``)."""
    return _agg("BOOL_OR", arg)


def bool_and(arg: Any) -> Aggregate:
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


def lag(arg: Any, offset: int = 1) -> RankFunc:
    """The value ``offset`` rows before, in the window's order."""
    return RankFunc("LAG", (wrap(arg), Literal(offset)))


def lead(arg: Any, offset: int = 1) -> RankFunc:
    """The value ``offset`` rows after, in the window's order."""
    return RankFunc("LEAD", (wrap(arg), Literal(offset)))
