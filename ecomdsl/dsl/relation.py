"""Relational builders: filters, projections, aggregates, joins, windows and the domain
operators (`ZScore`, `Funnel`).

Every builder is immutable and returns a new node; nothing is checked or rendered here. The
model layer resolves each node's schema and reports problems with the user's file:line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from ecomdsl.dsl.expr import Column, Expr, ExprLike, col, wrap
from ecomdsl.dsl.node import Node


def _as_expr(item: ExprLike) -> Expr:
    """Strings name columns (checked later like ``col()``); everything else is an expression."""
    if isinstance(item, str):
        return Column(item)
    return wrap(item)


class Columns:
    """``rel.c.name`` / ``rel.c["name"]``: a column bound to one relation (useful in joins)."""

    __slots__ = ("_relation",)

    def __init__(self, relation: Relation) -> None:
        self._relation = relation

    def __getattr__(self, name: str) -> Column:
        if name.startswith("__"):
            raise AttributeError(name)
        return Column(name, self._relation)

    def __getitem__(self, name: str) -> Column:
        return Column(name, self._relation)


class Relation(Node):
    """Anything with rows and columns: pipeline objects and the queries built on them."""

    __slots__ = ()

    @property
    def c(self) -> Columns:
        return Columns(self)

    def __getitem__(self, name: str) -> Column:
        return Column(name, self)

    def where(self, *predicates: Expr) -> Filter:
        """Keep the rows where every predicate holds (``WHERE p1 AND p2``)."""
        if not predicates:
            raise TypeError("where() needs at least one predicate")
        pred = predicates[0]
        for p in predicates[1:]:
            pred = pred & p
        return Filter(self, pred)

    def select(self, *columns: str | Column, **named: ExprLike) -> Project:
        """Choose and compute columns: ``select("a", "b", total=col("x") * 2)``."""
        items: list[tuple[str | None, Expr]] = [(None, _as_expr(c)) for c in columns]
        items += [(name, _as_expr(e)) for name, e in named.items()]
        if not items:
            raise TypeError("select() needs at least one column")
        return Project(self, tuple(items))

    def group_by(self, *keys: str | Expr, **named_keys: ExprLike) -> GroupBy:
        """Group rows; finish with ``.agg(name=aggregate, ...)``."""
        items: list[tuple[str | None, Expr]] = [(None, _as_expr(k)) for k in keys]
        items += [(name, _as_expr(e)) for name, e in named_keys.items()]
        return GroupBy(self, tuple(items))

    def agg(self, **aggregates: ExprLike) -> Aggregation:
        """A global aggregate (one row): ``agg(total=count())``."""
        return Aggregation(self, (), _named(aggregates))


def _named(values: dict[str, ExprLike]) -> tuple[tuple[str, Expr], ...]:
    if not values:
        raise TypeError("agg() needs at least one named aggregate, e.g. agg(n=count())")
    return tuple((name, wrap(e)) for name, e in values.items())


@attrs.frozen(eq=False)
class GroupBy(Node):
    """The keys of a grouping; not a relation until ``.agg()`` names the aggregates."""

    input: Relation
    keys: tuple[tuple[str | None, Expr], ...]

    def agg(self, **aggregates: ExprLike) -> Aggregation:
        return Aggregation(self.input, self.keys, _named(aggregates))


@attrs.frozen(eq=False)
class Filter(Relation):
    input: Relation
    predicate: Expr


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
        return self.where(*predicates)


def _strings(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _join_on(value: str | Sequence[str] | Expr) -> tuple[str, ...] | Expr:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Expr):
        return value
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError("Join(on=...) takes a column name, a list of names, or a predicate")


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

    left: Relation
    right: Relation
    on: tuple[str, ...] | Expr = attrs.field(converter=_join_on)
    how: Literal["inner", "left", "right", "full"] = "inner"
    temporal: bool = False


@attrs.frozen(eq=False)
class Hop(Relation):
    """Sliding windows: ``HOP(input, time_column, hop, size)``.

    Every row lands in ``size / hop`` windows; adds ``window_start`` and ``window_end``.

    Example::

        Hop(events, "event_time", hop="5 minutes", size="1 hour")
    """

    input: Relation
    time_column: str
    hop: str
    size: str
    offset: str | None = None


@attrs.frozen(eq=False)
class Tumble(Relation):
    """Fixed, non-overlapping windows: ``TUMBLE(input, time_column, size)``.

    Adds ``window_start`` and ``window_end``.
    """

    input: Relation
    time_column: str
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

    input: Relation
    value: str
    order_by: str
    lookback: str | int = "24 hours"
    exclude_recent: str | int = "1 hour"
    threshold: float = 3.0
    min_periods: int = 6
    partition_by: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    count_as: str = "baseline_count"
    mean_as: str = "baseline_mean"
    stddev_as: str = "baseline_stddev"
    z_as: str = "z_score"
    flag_as: str = "is_anomaly"


@attrs.frozen(eq=False)
class Stage(Node):
    """A funnel stage: sessions having any row where ``when`` holds.

    ``when`` defaults to ``step_column == name``; ``label`` names the stage in rate columns
    (``{previous.label}_to_{label}_rate``) and defaults to ``name``.
    """

    name: str
    when: Expr | None = None
    label: str | None = None


def _stages(values: Sequence[str | Stage]) -> tuple[Stage, ...]:
    return tuple(v if isinstance(v, Stage) else Stage(v) for v in values)


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

    input: Relation
    session: str
    stages: tuple[Stage, ...] = attrs.field(converter=_stages)
    step: str | None = None
    total_as: str = "total_sessions"
    overall_as: str = "overall_conversion_rate"


def _relations(value: Sequence[Relation]) -> tuple[Relation, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Union(Relation):
    """Rows of all ``inputs`` (same column names and types, in order).

    ``distinct=False`` is ``UNION ALL``; ``distinct=True`` is ``UNION``, which removes
    duplicates and so keeps every row in state (RW105 warns).
    """

    inputs: tuple[Relation, ...] = attrs.field(converter=_relations)
    distinct: bool = False


def union_all(*relations: Relation) -> Union:
    """``a UNION ALL b ...``."""
    return Union(relations, False)


def union(*relations: Relation) -> Union:
    """``a UNION b ...`` (duplicates removed; prefer `union_all` when there are none)."""
    return Union(relations, True)


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
