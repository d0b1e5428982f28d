"""Pipeline objects: what becomes one CREATE statement each, and the pipeline itself.

Each converter below names its builder and parameter, as the error for a value of the wrong
shape does (`ecomdsl.dsl.arguments`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, Literal

import attrs

from ecomdsl.dsl.arguments import (
    COLUMN,
    FLAG,
    NAME,
    OPTIONAL_COLUMN,
    OPTIONAL_TEXT,
    TEXT,
    describe,
    many,
    names,
    pairs,
    refuse,
    subject,
    takes,
)
from ecomdsl.dsl.node import Node
from ecomdsl.dsl.relation import RELATION, Relation
from ecomdsl.types import SqlType

ObjectKind = Literal["table", "stream", "view", "materialized view", "reference"]

ColumnTypes = Mapping[str, str | SqlType] | Iterable[tuple[str, str | SqlType]]
TextPairs = Mapping[str, str] | Iterable[tuple[str, str]]
Names = str | Sequence[str] | None


def _column_types(value: object, call: str) -> tuple[tuple[str, str | SqlType], ...]:
    """Column names and their types, in order, from a dict or a list of pairs."""
    checked: list[tuple[str, str | SqlType]] = []
    shape = "a dict of column name -> type, e.g. {'id': 'varchar'}"
    for name, spec in pairs(value, call, shape, key="column name"):
        if not isinstance(spec, str | SqlType):
            refuse(f"{call}: column {name!r} takes a type name such as 'varchar'", spec)
        checked.append((name, spec))
    return tuple(checked)


def _table_columns(value: ColumnTypes) -> tuple[tuple[str, str | SqlType], ...]:
    return _column_types(value, "Table(columns=...)")


def _stream_columns(value: ColumnTypes) -> tuple[tuple[str, str | SqlType], ...]:
    return _column_types(value, "Stream(columns=...)")


def _text_pairs(value: object, call: str) -> tuple[tuple[str, str], ...]:
    """Connector options and foreign keys: text to text, as a dict or as pairs."""
    checked: list[tuple[str, str]] = []
    for name, text in pairs(value, call, "a dict of name -> text"):
        if not isinstance(text, str):
            refuse(f"{call}: {name!r} takes text (str)", text)
        checked.append((name, text))
    return tuple(checked)


def _references(value: TextPairs) -> tuple[tuple[str, str], ...]:
    return _text_pairs(value, "Table(references=...)")


def _options(value: TextPairs) -> tuple[tuple[str, str], ...]:
    return _text_pairs(value, "Kafka(options=...)")


def _allow(value: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """``allow={"RW101": "why this is fine"}``: warnings silenced on this object, with reasons.

    A reason is checked by the lint (RW201), which reports every missing one together."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        refuse('allow= takes a dict of rule code -> reason, e.g. {"RW101": "why"}', value)
    return tuple((str(code), reason) for code, reason in value.items())


def _primary_key(value: Names) -> tuple[str, ...]:
    return () if value is None else names(value, "Table(primary_key=...)")


def _unique(value: Names) -> tuple[str, ...]:
    return () if value is None else names(value, "Table(unique=...)")


def _checks(value: Names) -> tuple[str, ...]:
    return () if value is None else names(value, "Table(checks=...)", shape="a list of checks")


@attrs.frozen(eq=False)
class PipelineObject(Relation):
    """A named object of a pipeline: one it defines, or a `Ref` to one by name.

    ``doc`` (like ``location``) is keyword-only, so that every object's own fields keep
    their positions after ``name``.
    """

    kind: ClassVar[ObjectKind]
    """The label used in headers and errors."""

    name: str = attrs.field(validator=NAME)
    doc: str | None = attrs.field(default=None, kw_only=True, validator=OPTIONAL_TEXT)


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

    columns: tuple[tuple[str, str | SqlType], ...] = attrs.field(converter=_table_columns)
    primary_key: tuple[str, ...] = attrs.field(default=None, converter=_primary_key)
    append_only: bool = attrs.field(default=False, validator=FLAG)
    on_conflict: str | None = attrs.field(default=None, validator=OPTIONAL_TEXT)
    event_time: str | None = attrs.field(default=None, validator=OPTIONAL_COLUMN)
    watermark: str | None = None
    watermark_ttl: bool = attrs.field(default=False, validator=FLAG)
    unique: tuple[str, ...] = attrs.field(default=None, converter=_unique)
    checks: tuple[str, ...] = attrs.field(default=None, converter=_checks)
    references: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_references)


@attrs.frozen(eq=False)
class Kafka(Node):
    """A Kafka connector for a `Stream` (``CREATE SOURCE ... FORMAT PLAIN ENCODE JSON``).

    ``options`` adds further WITH options (``{"scan.startup.mode": "earliest"}``); values
    are written as escaped string literals.
    """

    topic: str = attrs.field(validator=TEXT)
    bootstrap_servers: str = attrs.field(validator=TEXT)
    encode: str = "json"
    format: str = "plain"
    options: tuple[tuple[str, str], ...] = attrs.field(factory=tuple, converter=_options)


CONNECTOR = takes(
    "a connector such as Kafka(topic, bootstrap_servers) or None",
    lambda v: v is None or isinstance(v, Kafka),
)


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

    columns: tuple[tuple[str, str | SqlType], ...] = attrs.field(converter=_stream_columns)
    event_time: str = attrs.field(validator=COLUMN)
    watermark: str | None = None
    connector: Kafka | None = attrs.field(default=None, validator=CONNECTOR)


@attrs.frozen(eq=False)
class View(Definition):
    """A plain view: its query is inlined into every materialized view that reads it."""

    kind = "view"

    query: Relation = attrs.field(validator=RELATION)


@attrs.frozen(eq=False)
class MaterializedView(Definition):
    """A materialized view, maintained incrementally by RisingWave.

    ``emit_on_window_close=True`` emits each window's final row once the watermark passes
    its end (bounded state, append-only output) instead of updating rows as data arrives.
    """

    kind = "materialized view"

    query: Relation = attrs.field(validator=RELATION)
    emit_on_window_close: bool = attrs.field(default=False, kw_only=True, validator=FLAG)


@attrs.frozen(eq=False)
class Ref(PipelineObject):
    """A reference to a pipeline object by name, resolved at compile time (like dbt's ref)."""

    kind = "reference"


def ref(name: str) -> Ref:
    """Refer to another object of the pipeline by its name."""
    if not isinstance(name, str):
        refuse("ref() takes the name (str) of a pipeline object", name)
    return Ref(name)


def _objects(value: Iterable[PipelineObject]) -> tuple[PipelineObject, ...]:
    what = "Pipeline(objects=...) takes a list of Table, Stream, View and MaterializedView objects"
    listed: list[PipelineObject] = []
    for item in many(value, what, one=(), of_builders=True):
        if isinstance(item, Ref):
            refuse(what, item, hint="list the object itself; ref() reads an object in a query")
        if not isinstance(item, PipelineObject):
            refuse(what, item)
        listed.append(item)
    return tuple(listed)


# Cell values are checked against the column types when the pipeline is resolved (an error
# names the table, row and column), so the static type accepts any value: a dict literal of
# mixed values is a dict[str, object] to mypy.
TestDataSource = Callable[[], Iterable[tuple[str, Iterable[Mapping[str, object]]]]]

TEST_DATA = takes(
    "a function returning (table, rows) pairs, or None",
    lambda v: v is None or callable(v),
    hint='e.g. test_data=lambda: [("products", [{"product_id": "p1"}])]',
)


@attrs.frozen(eq=False)
class Pipeline(Node):
    """A named set of objects and the generator of its test data.

    Objects reached through queries are included automatically; ``objects`` fixes which
    ones must be present. ``test_data`` is a callable returning ``(table, rows)`` pairs in
    statement order; each pair becomes one multi-row INSERT followed by ``FLUSH``.
    """

    name: str
    objects: tuple[PipelineObject, ...] = attrs.field(converter=_objects)
    test_data: TestDataSource | None = attrs.field(default=None, validator=TEST_DATA)
    doc: str | None = attrs.field(default=None, validator=OPTIONAL_TEXT)


@describe.register(PipelineObject)
def _describe_object(value: PipelineObject) -> str:
    return f"the {value.kind} {value.name!r}" if isinstance(value.name, str) else f"a {value.kind}"


@describe.register(Ref)
def _describe_ref(value: Ref) -> str:
    return f"ref({value.name!r})"


@describe.register(Pipeline)
def _describe_pipeline(value: Pipeline) -> str:
    return f"the pipeline {value.name!r}"


@describe.register(Kafka)
def _describe_kafka(value: Kafka) -> str:
    return "a Kafka connector"


@subject.register(PipelineObject)
@subject.register(Pipeline)
def _subject_name(node: PipelineObject | Pipeline) -> str | None:
    return node.name if isinstance(node.name, str) else None
