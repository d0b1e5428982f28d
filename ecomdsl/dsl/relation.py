"""Relational builders: filters, projections, aggregates, joins, windows and the domain
operators (`ZScore`, `Funnel`).

Every builder is immutable and returns a new node; only the shape of the arguments is
checked here (`ecomdsl.dsl.arguments`). The model layer resolves each node's schema and
reports problems with the user's file:line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NoReturn

import attrs

from ecomdsl.dsl.arguments import (
    COLUMN,
    FLAG,
    NAME,
    OPTIONAL_COLUMN,
    OPTIONAL_NAME,
    describe,
    each,
    fail,
    many,
    names,
    refuse,
    takes,
)
from ecomdsl.dsl.columns import Columns, column_of, not_a_list
from ecomdsl.dsl.expr import Column, Expr, ExprLike, col, condition, wrap
from ecomdsl.dsl.node import Node


def _as_expr(item: ExprLike) -> Expr:
    """Strings name columns (checked later like ``col()``); everything else is an expression."""
    if isinstance(item, str):
        return Column(item)
    return wrap(item)


def _column_or_expr(item: object, call: str) -> Expr:
    """A positional argument of ``select()``/``group_by()``: a column name or an expression
    (the model asks for a name for a computed one)."""
    if not isinstance(item, str | Expr):
        refuse(
            f"{call} takes column names (str) or columns",
            item,
            hint=f"name a computed column: {call[:-1]}x=...)",
        )
    return _as_expr(item)


class Relation(Node):
    """Anything with rows and columns: pipeline objects and the queries built on them.

    ``rel["name"]`` is a column of it, but a relation is no sequence: ``list(rel)``,
    ``x in rel`` and ``for x in rel`` raise a TypeError (see `ecomdsl.dsl.columns`).
    """

    __slots__ = ()

    @property
    def c(self) -> Columns:
        return Columns(self)

    def __getitem__(self, name: str) -> Column:
        return column_of(self, name)

    if not TYPE_CHECKING:  # hidden from type checkers, which then see no iteration at all

        def __iter__(self) -> NoReturn:
            not_a_list(self, "is not iterable")

        def __contains__(self, item: object) -> NoReturn:
            not_a_list(self, "cannot be searched with `in`")

    def where(self, *predicates: Expr) -> Filter:
        """Keep the rows where every predicate holds (``WHERE p1 AND p2``)."""
        return _filter(self, predicates, "where()")

    def select(self, *columns: str | Column, **named: ExprLike) -> Project:
        """Choose and compute columns: ``select("a", "b", total=col("x") * 2)``."""
        items: list[tuple[str | None, Expr]] = [
            (None, _column_or_expr(c, "select()")) for c in columns
        ]
        items += [(name, _as_expr(e)) for name, e in named.items()]
        if not items:
            fail("select() needs at least one column")
        return Project(self, tuple(items))

    def group_by(self, *keys: str | Expr, **named_keys: ExprLike) -> GroupBy:
        """Group rows; finish with ``.agg(name=aggregate, ...)``."""
        items: list[tuple[str | None, Expr]] = [
            (None, _column_or_expr(k, "group_by()")) for k in keys
        ]
        items += [(name, _as_expr(e)) for name, e in named_keys.items()]
        return GroupBy(self, tuple(items))

    def agg(self, **aggregates: ExprLike) -> Aggregation:
        """A global aggregate (one row): ``agg(total=count())``."""
        return Aggregation(self, (), _named(aggregates))


def _filter(rel: Relation, predicates: tuple[object, ...], call: str) -> Filter:
    if not predicates:
        fail(f"{call} needs at least one predicate")
    checked = [condition(p, call) for p in predicates]
    pred = checked[0]
    for p in checked[1:]:
        pred = pred & p
    return Filter(rel, pred)


def _named(values: dict[str, ExprLike]) -> tuple[tuple[str, Expr], ...]:
    if not values:
        fail("agg() needs at least one named aggregate, e.g. agg(n=count())")
    return tuple((name, wrap(e)) for name, e in values.items())


RELATION = takes(
    "a relation (a Table, Stream, View, MaterializedView, ref() or a query built on one)",
    lambda v: isinstance(v, Relation),
    hint="build the query with the builders, e.g. events.where(...).select(...)",
)
CONDITION = takes("a condition such as col('amount') > 5", lambda v: isinstance(v, Expr))


@attrs.frozen(eq=False)
class GroupBy(Node):
    """The keys of a grouping; not a relation until ``.agg()`` names the aggregates."""

    input: Relation
    keys: tuple[tuple[str | None, Expr], ...]

    def agg(self, **aggregates: ExprLike) -> Aggregation:
        return Aggregation(self.input, self.keys, _named(aggregates))


@attrs.frozen(eq=False)
class Filter(Relation):
    input: Relation = attrs.field(validator=RELATION)
    predicate: Expr = attrs.field(validator=CONDITION)


@attrs.frozen(eq=False)
class Project(Relation):
    input: Relation
    items: tuple[tuple[str | None, Expr], ...]


@attrs.frozen(eq=False)
class Aggregation(Relation):
    input: Relation
    keys: tuple[tuple[str | None, Expr], ...]
    aggregates: tuple[tuple[str, Expr], ...]

    def having(self, *predicates: Expr) -> Filter:
        """A filter on the aggregated rows (refers to output names)."""
        return _filter(self, predicates, "having()")


def _partition_by(value: str | Sequence[str]) -> tuple[str, ...]:
    return names(value, "ZScore(partition_by=...)")


def _join_on(value: str | Sequence[str] | Expr) -> tuple[str, ...] | Expr:
    if isinstance(value, Expr):
        return value
    return names(value, "Join(on=...)", shape="a column name, a list of names, or a predicate")


@attrs.frozen(eq=False)
class Join(Relation):
    """``left [INNER|LEFT] JOIN right ON ...``.

    ``on`` is a column name (or list of names) present on both sides, compared for
    equality, or a predicate using ``left.c.x`` / ``right.c.y``. A bare key name then means
    the left side's column; any other name on both sides must be qualified
    (``right.c.name``). Without a ``.select()``, the output has the left side's columns, then
    the right side's columns not already present by name.

    ``temporal=True`` makes it a temporal (lookup) join,
    ``right FOR SYSTEM_TIME AS OF PROCTIME()``: each left row is joined with the right
    side's rows as they are when it arrives, and RisingWave keeps no join state for an
    append-only left side. Later changes to the right side do not change earlier results.

    Example::

        Join(events, products, on="product_id", how="left")
    """

    left: Relation = attrs.field(validator=RELATION)
    right: Relation = attrs.field(validator=RELATION)
    on: tuple[str, ...] | Expr = attrs.field(converter=_join_on)
    how: Literal["inner", "left", "right", "full"] = "inner"
    temporal: bool = attrs.field(default=False, validator=FLAG)


@attrs.frozen(eq=False)
class Hop(Relation):
    """Sliding windows: ``HOP(input, time_column, hop, size)``.

    Every row lands in ``size / hop`` windows; adds ``window_start`` and ``window_end``.

    Example::

        Hop(events, "event_time", hop="5 minutes", size="1 hour")
    """

    input: Relation = attrs.field(validator=RELATION)
    time_column: str = attrs.field(validator=COLUMN)
    hop: str
    size: str
    offset: str | None = None


@attrs.frozen(eq=False)
class Tumble(Relation):
    """Fixed, non-overlapping windows: ``TUMBLE(input, time_column, size)``.

    Adds ``window_start`` and ``window_end``.
    """

    input: Relation = attrs.field(validator=RELATION)
    time_column: str = attrs.field(validator=COLUMN)
    size: str
    offset: str | None = None


@attrs.frozen(eq=False)
class ZScore(Relation):
    """Flag values far from their own recent history.

    For each row (ordered by ``order_by``), the baseline is the rows in the frame
    ``RANGE BETWEEN lookback PRECEDING AND exclude_recent PRECEDING`` (intervals; or ROWS
    when both are integers), so the current row is not in its own baseline. Adds
    ``count_as`` (rows in the baseline), ``mean_as``, ``stddev_as`` (sample),
    ``z_as`` = (value - mean) / stddev, NULL when fewer than ``min_periods`` baseline rows
    or a NULL/zero stddev, and ``flag_as`` = ``abs(z) > threshold``.

    RisingWave requires a PARTITION BY in a streaming window function: with no
    ``partition_by`` a constant partition is emitted.
    """

    input: Relation = attrs.field(validator=RELATION)
    value: str = attrs.field(validator=COLUMN)
    order_by: str = attrs.field(validator=COLUMN)
    lookback: str | int = "24 hours"
    exclude_recent: str | int = "1 hour"
    threshold: float = 3.0
    min_periods: int = 6
    partition_by: tuple[str, ...] = attrs.field(default=(), converter=_partition_by)
    count_as: str = attrs.field(default="baseline_count", validator=NAME)
    mean_as: str = attrs.field(default="baseline_mean", validator=NAME)
    stddev_as: str = attrs.field(default="baseline_stddev", validator=NAME)
    z_as: str = attrs.field(default="z_score", validator=NAME)
    flag_as: str = attrs.field(default="is_anomaly", validator=NAME)


@attrs.frozen(eq=False)
class Stage(Node):
    """A funnel stage: sessions having any row where ``when`` holds.

    ``when`` defaults to ``step_column == name``; ``label`` names the stage in rate columns
    (``{previous.label}_to_{label}_rate``) and defaults to ``name``.
    """

    name: str = attrs.field(validator=NAME)
    when: Expr | None = attrs.field(default=None, validator=attrs.validators.optional(CONDITION))
    label: str | None = attrs.field(default=None, validator=OPTIONAL_NAME)


def _stages(values: Sequence[str | Stage]) -> tuple[Stage, ...]:
    what = "Funnel(stages=...) takes a list of stage names (str) or Stage(...)s"
    stages: list[Stage] = []
    for item in many(values, what, one=(str, Stage)):
        if not isinstance(item, str | Stage):
            refuse(what, item)
        stages.append(Stage(item) if isinstance(item, str) else item)
    return tuple(stages)


@attrs.frozen(eq=False)
class Funnel(Relation):
    """A conversion funnel over sessions, one row.

    Per session (non-NULL ``session``), an independent ``bool_or`` flag per stage (the order
    of events is not checked). Output: ``total_as`` (all sessions), ``{stage}_count`` (sessions
    with the flag), ``{a}_to_{b}_rate`` between consecutive stages and ``overall_as`` (last /
    first), each a double precision ratio, NULL when its denominator is 0.

    Example::

        Funnel(events, session="session_id", step="event_type",
               stages=["pageview", "product_view", Stage("add_to_cart", label="cart")])
    """

    input: Relation = attrs.field(validator=RELATION)
    session: str = attrs.field(validator=COLUMN)
    stages: tuple[Stage, ...] = attrs.field(converter=_stages)
    step: str | None = attrs.field(default=None, validator=OPTIONAL_COLUMN)
    total_as: str = attrs.field(default="total_sessions", validator=NAME)
    overall_as: str = attrs.field(default="overall_conversion_rate", validator=NAME)


def _relations(value: Sequence[Relation]) -> tuple[Relation, ...]:
    return relations(value, "Union(inputs=...)")


def relations(value: object, call: str) -> tuple[Relation, ...]:
    """A list of relations (the inputs of a union, the objects of a pipeline)."""
    what = f"{call} takes a list of relations"
    return each(many(value, what, one=(), of_builders=True), Relation, what)


@attrs.frozen(eq=False)
class Union(Relation):
    """Rows of all ``inputs`` (same column names and types, in order).

    ``distinct=False`` is ``UNION ALL``; ``distinct=True`` is ``UNION``, which removes
    duplicates and so keeps every row in state (RW105 warns).
    """

    inputs: tuple[Relation, ...] = attrs.field(converter=_relations)
    distinct: bool = attrs.field(default=False, validator=FLAG)


def union_all(*inputs: Relation) -> Union:
    """``a UNION ALL b ...``."""
    return Union(_union_inputs(inputs, "union_all()"), False)


def union(*inputs: Relation) -> Union:
    """``a UNION b ...`` (duplicates removed; prefer `union_all` when there are none)."""
    return Union(_union_inputs(inputs, "union()"), True)


def _union_inputs(inputs: tuple[object, ...], call: str) -> tuple[Relation, ...]:
    hint = f"{call[:-1]}a, b), not {call[:-1]}[a, b])"
    return each(inputs, Relation, f"{call} takes relations", hint=hint)


@describe.register(Relation)
def _describe_relation(value: Relation) -> str:
    return f"a query ({type(value).__name__})"


@describe.register(GroupBy)
def _describe_group_by(value: GroupBy) -> str:
    return "a group_by() without its .agg(...)"


__all__ = [
    "Aggregation",
    "Columns",
    "Filter",
    "Funnel",
    "GroupBy",
    "Hop",
    "Join",
    "Project",
    "Relation",
    "Stage",
    "Tumble",
    "Union",
    "ZScore",
    "col",
    "union",
    "union_all",
]
