"""The resolved model: typed, checked objects ready to be turned into SQL.

Builders describe; this layer states facts. Every expression here has a RisingWave type,
every column reference points at a column that exists, and every query is a list of SELECT
blocks (CTEs, then the body) in the shape the SQL will have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.kinds import (
    BinaryOperator,
    ConflictAction,
    FrameKind,
    JoinKind,
    KafkaEncode,
    KafkaFormat,
    TableKind,
    UnaryOperator,
    WindowTableFunction,
)
from ecomdsl.types import SqlType

if TYPE_CHECKING:
    from sqlglot import exp

# ---- schemas ---------------------------------------------------------------------------


@attrs.frozen
class Column:
    name: str
    type: SqlType


@attrs.frozen
class Schema:
    """Ordered output columns. ``open`` schemas belong to objects that failed to resolve:
    any column lookup succeeds (type unknown) so one mistake does not cascade."""

    columns: tuple[Column, ...]
    open: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def get(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return Column(name, SqlType.UNKNOWN) if self.open else None


OPEN_SCHEMA = Schema((), open=True)

# ---- expressions -----------------------------------------------------------------------


@attrs.frozen
class Interval:
    """A positive interval: ``amount`` of ``unit`` (canonical unit names, upper case)."""

    amount: int
    unit: str
    # length in seconds for fixed-size units, months for MONTH/YEAR (for divisibility checks)
    seconds: int
    months: int


@attrs.frozen
class IColumn:
    name: str
    qualifier: str | None
    type: SqlType


@attrs.frozen
class ILiteral:
    value: Any
    type: SqlType


@attrs.frozen
class IInterval:
    interval: Interval
    type: SqlType = SqlType.INTERVAL


@attrs.frozen
class IBinary:
    op: BinaryOperator
    left: IExpr
    right: IExpr
    type: SqlType


@attrs.frozen
class IUnary:
    op: UnaryOperator
    operand: IExpr
    type: SqlType


@attrs.frozen
class IIn:
    operand: IExpr
    values: tuple[IExpr, ...]
    type: SqlType = SqlType.BOOLEAN


@attrs.frozen
class IBetween:
    operand: IExpr
    low: IExpr
    high: IExpr
    type: SqlType = SqlType.BOOLEAN


@attrs.frozen
class ICast:
    operand: IExpr
    type: SqlType


@attrs.frozen
class IJsonText:
    operand: IExpr
    key: str
    type: SqlType = SqlType.VARCHAR


@attrs.frozen
class IFunc:
    name: str
    args: tuple[IExpr, ...]
    type: SqlType


@attrs.frozen
class ICase:
    whens: tuple[tuple[IExpr, IExpr], ...]
    default: IExpr | None
    type: SqlType


@attrs.frozen
class IAgg:
    func: str
    arg: IExpr | None
    distinct: bool
    filter: IExpr | None
    type: SqlType


@attrs.frozen
class INow:
    """``NOW()`` (only valid in temporal filters; rule RW003)."""

    location: SourceLocation | None = attrs.field(default=None, eq=False)
    type: SqlType = SqlType.TIMESTAMPTZ


@attrs.frozen
class IProcTime:
    """``PROCTIME()`` (only valid in CREATE TABLE/SOURCE; rule RW004)."""

    location: SourceLocation | None = attrs.field(default=None, eq=False)
    type: SqlType = SqlType.TIMESTAMPTZ


@attrs.frozen
class Frame:
    """``{ROWS|RANGE} BETWEEN start PRECEDING AND end PRECEDING`` (end None: CURRENT ROW)."""

    kind: FrameKind
    start: Interval | int
    end: Interval | int | None


@attrs.frozen
class IWindow:
    """An aggregate over a window: ``func(arg) OVER (PARTITION BY ... ORDER BY ... frame)``.

    An empty ``partition`` means the constant partition RisingWave needs in streaming.
    """

    func: str
    arg: IExpr | None
    partition: tuple[IExpr, ...]
    order: IExpr | None
    frame: Frame | None
    type: SqlType
    location: SourceLocation | None = attrs.field(default=None, eq=False)
    # the compiler chose the constant partition on purpose (ZScore over one series)
    implicit_partition: bool = False
    extra_args: tuple[IExpr, ...] = ()  # LAG/LEAD offset


@attrs.frozen
class IRaw:
    """A checked ``raw()`` fragment: a sqlglot tree whose columns were resolved.

    ``calls`` are the fragment's NOW() and PROCTIME() calls, its children, so the rules that
    look for those (RW003, RW004) see them as they see the builders' (a NOW() in a WHERE or ON
    is left out: it may be a temporal filter, whose shape the rules cannot read in raw SQL).
    """

    node: exp.Expr
    type: SqlType
    calls: tuple[INow | IProcTime, ...] = ()


IExpr = (
    IColumn
    | ILiteral
    | IInterval
    | IBinary
    | IUnary
    | IIn
    | IBetween
    | ICast
    | IJsonText
    | IFunc
    | ICase
    | IAgg
    | IWindow
    | IRaw
    | INow
    | IProcTime
)

# ---- queries ---------------------------------------------------------------------------


@attrs.frozen
class ITable:
    """A relation read by name: a pipeline object or a CTE of the same query."""

    name: str
    alias: str | None = None


@attrs.frozen
class IWindowTable:
    """``HOP(table, time_col, hop, size[, offset])`` / ``TUMBLE(table, time_col, size[, offset])``."""

    func: WindowTableFunction
    table: str
    time_column: str
    intervals: tuple[Interval, ...]
    time_type: SqlType = SqlType.TIMESTAMP  # of window_start/window_end
    location: SourceLocation | None = attrs.field(default=None, eq=False)


@attrs.frozen
class IJoin:
    left: ISource
    right: ISource
    how: JoinKind
    on: IExpr
    temporal: bool = False  # right FOR SYSTEM_TIME AS OF PROCTIME()
    location: SourceLocation | None = attrs.field(default=None, eq=False)


ISource = ITable | IWindowTable | IJoin


@attrs.frozen
class Block:
    """One SELECT: ``SELECT select FROM source WHERE where GROUP BY group_by``."""

    source: ISource
    select: tuple[tuple[str, IExpr], ...]
    where: IExpr | None = None
    group_by: tuple[IExpr, ...] = ()
    aggregated: bool = False  # a GROUP BY or a global aggregate
    location: SourceLocation | None = attrs.field(default=None, eq=False)


@attrs.frozen
class SetOp:
    """``b1 UNION [ALL] b2 ...``; the blocks have the same column names and types."""

    blocks: tuple[Block, ...]
    distinct: bool
    location: SourceLocation | None = attrs.field(default=None, eq=False)

    @property
    def select(self) -> tuple[tuple[str, IExpr], ...]:
        return self.blocks[0].select


@attrs.frozen
class Query:
    ctes: tuple[tuple[str, Block | SetOp], ...]
    body: Block | SetOp


# ---- objects ---------------------------------------------------------------------------


@attrs.frozen
class Watermark:
    column: str
    delay: Interval
    ttl: bool = False  # WITH TTL: cleans the table's own state; no append-only needed


@attrs.frozen
class KafkaConnector:
    options: tuple[tuple[str, str], ...]  # WITH (...) in order
    format: KafkaFormat
    encode: KafkaEncode


@attrs.frozen
class TableDef:
    """``CREATE TABLE`` (or ``CREATE SOURCE`` when a connector is set)."""

    name: str
    kind: TableKind  # the builder it came from, for headers
    schema: Schema
    primary_key: tuple[str, ...]
    append_only: bool
    watermark: Watermark | None
    connector: KafkaConnector | None
    doc: str | None
    location: SourceLocation
    on_conflict: ConflictAction | None = None
    allow: tuple[tuple[str, str], ...] = ()
    proctime: str | None = None

    @property
    def sql_kind(self) -> str:
        return "SOURCE" if self.connector else "TABLE"

    @property
    def reads(self) -> tuple[str, ...]:
        return ()


@attrs.frozen
class ViewDef:
    """``CREATE [MATERIALIZED] VIEW name AS query``."""

    name: str
    materialized: bool
    query: Query
    schema: Schema
    reads: tuple[str, ...]
    emit_on_window_close: bool
    doc: str | None
    location: SourceLocation
    allow: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        return "materialized view" if self.materialized else "view"

    @property
    def sql_kind(self) -> str:
        return "MATERIALIZED VIEW" if self.materialized else "VIEW"


ObjectDef = TableDef | ViewDef


@attrs.frozen
class Insert:
    """One multi-row INSERT of test data; values already checked against the column types."""

    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    types: tuple[SqlType, ...]


@attrs.frozen
class ResolvedPipeline:
    name: str
    objects: tuple[ObjectDef, ...]  # in deterministic dependency order
    edges: tuple[tuple[str, str], ...]  # (upstream, downstream), sorted
    test_data: tuple[Insert, ...]
    location: SourceLocation

    def get(self, name: str) -> ObjectDef:
        for o in self.objects:
            if o.name == name:
                return o
        raise KeyError(name)
