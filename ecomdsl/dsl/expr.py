"""Column expressions: checked objects, not strings.

``col("price") * 2 > 10`` builds a small immutable tree. Only the shape of each argument is
checked here (`ecomdsl.dsl.arguments`); the model layer resolves each column against the
schema of the relation it is used on and reports every problem with the file and line where
the expression was written.

Python's ``and``/``or``/``not`` cannot be overloaded: use ``&``, ``|`` and ``~``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeAlias

import attrs

from ecomdsl.dsl import frames
from ecomdsl.dsl.arguments import describe, fail, many, refuse
from ecomdsl.dsl.node import Node
from ecomdsl.kinds import BinaryOperator, UnaryOperator
from ecomdsl.location import caller_location
from ecomdsl.types import SqlType

if TYPE_CHECKING:
    from ecomdsl.dsl.relation import Relation

LiteralValue = str | int | float | decimal.Decimal | bool | dt.datetime | dt.date | None
_LITERAL_TYPES = (str, int, float, decimal.Decimal, bool, dt.datetime, dt.date, type(None))

ExprLike: TypeAlias = "Expr | LiteralValue"
"""What a builder takes where an expression goes: an expression, or a Python value that
becomes a literal (see `wrap`)."""

WindowKeys: TypeAlias = "str | Expr | Iterable[ExprLike]"
"""``partition_by=`` / ``order_by=`` of a window: one key or several; a string names a column."""


def wrap(value: object) -> Expr:
    """An expression for ``value``: expressions pass through, Python values become literals.

    It takes any object, not just `ExprLike`, because untyped user code reaches it too: the
    error then says what to write instead.
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, _LITERAL_TYPES):
        return Literal(value)
    refuse(
        "an expression takes col('name') for a column or a str/int/float/Decimal/bool/"
        "datetime/date literal",
        value,
    )


def condition(value: object, call: str) -> Expr:
    """``value`` where ``call`` takes a condition: an expression. SQL text is refused with
    a pointer to `raw`, as a string would otherwise be a literal, or no condition at all."""
    if isinstance(value, Expr):
        return value
    hint = f"for SQL text write raw({value!r})" if isinstance(value, str) else None
    refuse(f"{call} takes a condition such as col('amount') > 5", value, hint=hint)


def _binary(op: BinaryOperator, *, reflected: bool = False) -> Callable[[Expr, ExprLike], BinaryOp]:
    """The method behind one Python operator: ``self op other``, or ``other op self`` when
    Python calls the reflected form (``1 + col("x")`` calls ``__radd__``)."""

    def method(self: Expr, other: ExprLike) -> BinaryOp:
        left, right = (wrap(other), self) if reflected else (self, wrap(other))
        return BinaryOp(op, left, right)

    method.__doc__ = f"``other {op} self``" if reflected else f"``self {op} other``"
    return method


def _unary(op: UnaryOperator) -> Callable[[Expr], UnaryOp]:
    def method(self: Expr) -> UnaryOp:
        return UnaryOp(op, self)

    method.__doc__ = f"``{op}`` of this expression"
    return method


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

    # The operator table: each Python operator builds a BinaryOp or UnaryOp node. ``a // b``
    # is integer division on purpose (``a / b`` on two integers is an error). ``==`` and
    # ``!=`` return expressions, not bools as object's do: hence the two ignores.
    __eq__ = _binary(BinaryOperator.EQ)  # type: ignore[assignment]
    __ne__ = _binary(BinaryOperator.NE)  # type: ignore[assignment]
    __lt__ = _binary(BinaryOperator.LT)
    __le__ = _binary(BinaryOperator.LE)
    __gt__ = _binary(BinaryOperator.GT)
    __ge__ = _binary(BinaryOperator.GE)
    __add__ = _binary(BinaryOperator.ADD)
    __radd__ = _binary(BinaryOperator.ADD, reflected=True)
    __sub__ = _binary(BinaryOperator.SUB)
    __rsub__ = _binary(BinaryOperator.SUB, reflected=True)
    __mul__ = _binary(BinaryOperator.MUL)
    __rmul__ = _binary(BinaryOperator.MUL, reflected=True)
    __truediv__ = _binary(BinaryOperator.DIV)
    __rtruediv__ = _binary(BinaryOperator.DIV, reflected=True)
    __floordiv__ = _binary(BinaryOperator.INT_DIV)
    __mod__ = _binary(BinaryOperator.MOD)
    __and__ = _binary(BinaryOperator.AND)
    __rand__ = _binary(BinaryOperator.AND, reflected=True)
    __or__ = _binary(BinaryOperator.OR)
    __ror__ = _binary(BinaryOperator.OR, reflected=True)
    __invert__ = _unary(UnaryOperator.NOT)
    __neg__ = _unary(UnaryOperator.NEG)
    is_null = _unary(UnaryOperator.IS_NULL)
    is_not_null = _unary(UnaryOperator.IS_NOT_NULL)

    def isin(self, values: Iterable[ExprLike]) -> InList:
        """``expr IN (values)``; ``values`` is a list (a set has no order: it is refused)."""
        what = "isin() takes a list of values"
        if isinstance(values, str):
            refuse(what, values, hint=f"write [{values!r}] for a list of one")
        items = many(values, what, one=())
        return InList(self, tuple(wrap(v) for v in items))

    def between(self, low: ExprLike, high: ExprLike) -> Between:
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

    def coalesce(self, *others: ExprLike) -> Func:
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
    op: BinaryOperator
    left: Expr
    right: Expr


@attrs.frozen(eq=False)
class UnaryOp(Expr):
    op: UnaryOperator
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


def _over(
    self: Aggregate | RankFunc,
    partition_by: WindowKeys = (),
    order_by: WindowKeys | None = None,
    rows: tuple[int | None, int | None] | None = None,
    range: tuple[str | None, str | None] | None = None,
) -> Over:
    """This function over a window of rows (see `Over`): the ``over`` method of aggregates
    and of ranking functions."""
    return Over(
        self,
        _keys(partition_by, "over(partition_by=...)"),
        _keys(order_by, "over(order_by=...)"),
        None if rows is None else frames.rows(rows),
        None if range is None else frames.interval_range(range),
    )


def _keys(value: WindowKeys | None, call: str) -> tuple[Expr, ...]:
    """Window keys: one or a list of them, each a column name or an expression."""
    if value is None:
        return ()
    items = many(
        value, f"{call} takes a column name, an expression or a list of them", one=(str, Expr)
    )
    return tuple(Column(v) if isinstance(v, str) else wrap(v) for v in items)


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
        checked = condition(predicate, "filter()")
        return attrs.evolve(self, filter_=checked, location=caller_location())

    over = _over


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

    over = _over


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
        refuse("col() takes a column name (str)", name)
    return Column(name)


def lit(value: LiteralValue) -> Literal:
    """A literal value; strings are escaped by sqlglot when SQL is written."""
    if not isinstance(value, _LITERAL_TYPES):
        refuse("lit() takes a str/int/float/Decimal/bool/datetime/date", value)
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
        refuse("raw() takes SQL text (str)", sql)
    return Raw(sql, type)


def when(*branches: tuple[ExprLike, ExprLike], otherwise: ExprLike = None) -> Case:
    """``CASE WHEN c1 THEN v1 ... ELSE otherwise END`` from ``(condition, value)`` pairs."""
    example = "e.g. when((col('amount') > 100, 'big'), otherwise='small')"
    if not branches:
        fail("when() needs at least one (condition, value) pair", hint=example)
    pairs: list[tuple[Expr, Expr]] = []
    for branch in branches:
        if not isinstance(branch, tuple | list) or len(branch) != 2:
            refuse("when() takes (condition, value) pairs", branch, hint=example)
        pairs.append((wrap(branch[0]), wrap(branch[1])))
    return Case(tuple(pairs), None if otherwise is None else wrap(otherwise))


@describe.register(Column)
def _describe_column(value: Column) -> str:
    return f"col({value.name!r})"


@describe.register(Expr)
def _describe_expr(value: Expr) -> str:
    return f"an expression ({type(value).__name__})"
