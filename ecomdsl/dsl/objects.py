"""Pipeline objects: what becomes one CREATE statement each, and the pipeline itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, Literal

import attrs

from ecomdsl.dsl.node import Node
from ecomdsl.dsl.relation import Relation
from ecomdsl.types import SqlType

ObjectKind = Literal["table", "stream", "view", "materialized view", "reference"]


def _columns(
    value: Mapping[str, str | SqlType] | Iterable[tuple[str, str | SqlType]],
) -> tuple[tuple[str, str | SqlType], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(name), spec) for name, spec in items)


def _text_pairs(
    value: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Connector options and foreign keys: text to text, as a dict or as pairs."""
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(name), text) for name, text in items)


def _allow(value: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """``allow={"RW101": "why this is fine"}``: warnings silenced on this object, with reasons."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise TypeError('allow= takes a dict of rule code -> reason, e.g. {"RW101": "why"}')
    return tuple((str(code), reason) for code, reason in value.items())


def _names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(eq=False)
class PipelineObject(Relation):
    """A named object of a pipeline: one it defines, or a `Ref` to one by name.

    ``doc`` (like ``location``) is keyword-only, so that every object's own fields keep
    their positions after ``name``.
    """

    kind: ClassVar[ObjectKind]
    """The label used in headers and errors."""

    name: str
    doc: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen(eq=False)
class Definition(PipelineObject):
    """An object the pipeline creates: one CREATE statement in the generated SQL.

    ``allow={"RW101": "why this is fine"}`` silences lint warnings on it, with reasons.
    """

    allow: tuple[tuple[str, str], ...] = attrs.field(default=None, converter=_allow, kw_only=True)


@attrs.frozen(eq=False)
class Table(Definition):
    """A RisingWave table, e.g. reference data with a primary key.

    ``columns`` maps names to RisingWave types (``{"product_id": "varchar", ...}``).
    ``append_only=True`` declares that rows are only ever inserted (with a primary key,
    ``on_conflict="do nothing"`` is then required). ``event_time`` + ``watermark`` declare a
    watermark, which RisingWave allows on append-only tables, or with ``watermark_ttl=True``
    (state cleaning only). ``unique``, ``checks`` and ``references`` exist so that a
    PostgreSQL habit gets a clear error: RisingWave enforces none of them.

    Example::

        products = Table("products", {"product_id": "varchar", "price": "numeric"},
                         primary_key="product_id")
    """

    kind = "table"

    columns: tuple[tuple[str, str | SqlType], ...] = attrs.field(converter=_columns)
    primary_key: tuple[str, ...] = attrs.field(default=None, converter=_names)
    append_only: bool = False
    on_conflict: str | None = None
    event_time: str | None = None
    watermark: str | None = None
    watermark_ttl: bool = False
    unique: tuple[str, ...] = attrs.field(default=None, converter=_names)
    checks: tuple[str, ...] = attrs.field(default=None, converter=_names)
    references: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_text_pairs)


@attrs.frozen(eq=False)
class Kafka(Node):
    """A Kafka connector for a `Stream` (``CREATE SOURCE ... FORMAT PLAIN ENCODE JSON``).

    ``options`` adds further WITH options (``{"scan.startup.mode": "earliest"}``); values
    are written as escaped string literals.
    """

    topic: str
    bootstrap_servers: str
    encode: str = "json"
    format: str = "plain"
    options: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_text_pairs)


@attrs.frozen(eq=False)
class Stream(Definition):
    """An append-only event stream with a watermark on its event-time column.

    Without a connector it is an ``APPEND ONLY`` table (rows come by INSERT); with
    ``connector=Kafka(...)`` it is a source. The watermark lets RisingWave drop rows that
    arrive more than ``watermark`` behind the newest event time and close windows.

    Example::

        events = Stream("user_events", {"event_time": "timestamp", ...},
                        event_time="event_time", watermark="2 minutes")
    """

    kind = "stream"

    columns: tuple[tuple[str, str | SqlType], ...] = attrs.field(converter=_columns)
    event_time: str
    watermark: str | None = None
    connector: Kafka | None = None


@attrs.frozen(eq=False)
class View(Definition):
    """A plain view: its query is inlined into every materialized view that reads it."""

    kind = "view"

    query: Relation


@attrs.frozen(eq=False)
class MaterializedView(Definition):
    """A materialized view, maintained incrementally by RisingWave.

    ``emit_on_window_close=True`` emits each window's final row once the watermark passes
    its end (bounded state, append-only output) instead of updating rows as data arrives.
    """

    kind = "materialized view"

    query: Relation
    emit_on_window_close: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen(eq=False)
class Ref(PipelineObject):
    """A reference to a pipeline object by name, resolved at compile time (like dbt's ref)."""

    kind = "reference"


def ref(name: str) -> Ref:
    """Refer to another object of the pipeline by its name."""
    return Ref(name)


def _objects(value: Iterable[PipelineObject]) -> tuple[PipelineObject, ...]:
    return tuple(value)


# Cell values are checked against the column types when the pipeline is resolved (an error
# names the table, row and column), so the static type accepts any value: a dict literal of
# mixed values is a dict[str, object] to mypy.
TestDataSource = Callable[[], Iterable[tuple[str, Iterable[Mapping[str, object]]]]]


@attrs.frozen(eq=False)
class Pipeline(Node):
    """A named set of objects and the generator of its test data.

    Objects reached through queries are included automatically; ``objects`` fixes which
    ones must be present. ``test_data`` is a callable returning ``(table, rows)`` pairs in
    statement order; each pair becomes one multi-row INSERT followed by ``FLUSH``.
    """

    name: str
    objects: tuple[PipelineObject, ...] = attrs.field(converter=_objects)
    test_data: TestDataSource | None = None
    doc: str | None = None
