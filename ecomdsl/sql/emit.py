"""Resolved model -> sqlglot expression trees in the ecomdsl dialect.

`Emitter.expr` turns each IR expression into its node, `Emitter.source`/`block`/`relation`/
`query` do the same for queries, and `create`/`drop`/`insert`/`flush` build statements. Each
dispatch is a ``match`` over the IR's closed unions (``ir.IExpr``, ``ir.ISource``, ``Block |
SetOp``, ``ir.ObjectDef``) or over the `ecomdsl.kinds` enums, ending in ``assert_never``,
so mypy reports an IR node or operator that is added without being emitted.

The leaves (names, types, literals) come from `ecomdsl.sql.atoms`, operators and their
parentheses from `ecomdsl.sql.operators`, and table DDL from `ecomdsl.sql.ddl`. What the
batch lowering (`ecomdsl.sql.lower`) must know and the RisingWave SQL does not spell travels
on nodes of the ecomdsl dialect: `IntegerDivision` and `Hop`/`Tumble` with their
``time_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from sqlglot import exp

from ecomdsl.dialect import (
    EmitOnWindowCloseProperty,
    Flush,
    Hop,
    TimeWindow,
    Tumble,
    identifier,
)
from ecomdsl.kinds import FrameKind, JoinKind, WindowTableFunction
from ecomdsl.model import ir
from ecomdsl.sql.atoms import column, data_type, fn, interval, literal, table
from ecomdsl.sql.ddl import create_table
from ecomdsl.sql.operators import binary, paren, unary
from ecomdsl.types import SqlType

# the leaves other layers build statements from (deploy, engines) stay importable from here
__all__ = ["Emitter", "column", "data_type", "interval", "table"]

RANKING = frozenset({"ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD"})


def _frame(frame: ir.Frame) -> exp.WindowSpec:
    """``{ROWS|RANGE} BETWEEN start PRECEDING AND {end PRECEDING|CURRENT ROW}``."""
    match frame.kind:
        case FrameKind.ROWS:
            kind = "ROWS"
        case FrameKind.RANGE:
            kind = "RANGE"
        case _:
            assert_never(frame.kind)
    return exp.WindowSpec(
        kind=kind,
        start=_bound(frame.start),
        start_side="PRECEDING",
        end=_bound(frame.end) if frame.end is not None else "CURRENT ROW",
        end_side="PRECEDING" if frame.end is not None else None,
    )


def _bound(value: ir.Interval | int) -> exp.Expr | str:
    if isinstance(value, ir.Interval):
        return interval(value)
    if value < 0:
        return "UNBOUNDED"
    return exp.Literal.number(str(value))


def _join_side_and_kind(how: JoinKind) -> tuple[str | None, str | None]:
    """The ``side`` and ``kind`` args of ``exp.Join``, as the parser sets them."""
    match how:
        case JoinKind.INNER:
            return None, "INNER"
        case JoinKind.LEFT:
            return "LEFT", None
        case JoinKind.RIGHT:
            return "RIGHT", None
        case JoinKind.FULL:
            return "FULL", None
        case _:
            assert_never(how)


class Emitter:
    """IR expressions and queries -> sqlglot trees.

    ``names`` maps pipeline object names to the names to emit for them (a deploy builds
    materialized views under physical names); a renamed input keeps its pipeline name as
    its alias, so qualified columns read the same. CTE names are never mapped.
    """

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.names: Mapping[str, str] = dict(names or {})

    def expr(self, e: ir.IExpr) -> exp.Expr:
        match e:
            case ir.IColumn():
                return column(e.name, e.qualifier)
            case ir.ILiteral():
                return literal(e.value, e.type)
            case ir.IInterval():
                return interval(e.interval)
            case ir.IBinary():
                return self._binary_chain(e)
            case ir.IUnary():
                return unary(e.op, self.expr(e.operand))
            case ir.IIn():
                values = [self.expr(v) for v in e.values]
                return exp.In(this=paren(self.expr(e.operand)), expressions=values)
            case ir.IBetween():
                low, high = self.expr(e.low), self.expr(e.high)
                return exp.Between(this=paren(self.expr(e.operand)), low=low, high=high)
            case ir.ICast():
                return exp.Cast(this=self.expr(e.operand), to=data_type(e.type))
            case ir.IJsonText():
                return self._json_text(e)
            case ir.IFunc():
                return fn(e.name, *(self.expr(a) for a in e.args))
            case ir.ICase():
                return self._case(e)
            case ir.IAgg():
                return self._agg(e)
            case ir.IWindow():
                return self._window(e)
            case ir.INow():
                return exp.CurrentTimestamp()
            case ir.IProcTime():
                return exp.Anonymous(this="PROCTIME")
            case ir.IRaw():
                # operators that use it parenthesise it like any other operand
                return e.node.copy()
            case _:
                assert_never(e)

    def _binary_chain(self, e: ir.IBinary) -> exp.Expr:
        """A binary operator, walking down its left operands in a loop, not by recursion:
        ``reduce(add, columns)`` and a long ``where(...)`` nest to the left, one level per
        term, and a sum of a thousand columns must not need a thousand Python frames."""
        spine = [e]
        while isinstance(spine[-1].left, ir.IBinary):
            spine.append(spine[-1].left)
        tree = self.expr(spine[-1].left)
        for b in reversed(spine):
            tree = binary(b.op, tree, self.expr(b.right), b.type)
        return tree

    def _json_text(self, e: ir.IJsonText) -> exp.Expr:
        return exp.JSONExtractScalar(
            this=paren(self.expr(e.operand)),
            expression=exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=e.key)]),
            only_json_types=True,
        )

    def _case(self, e: ir.ICase) -> exp.Expr:
        case = exp.Case(ifs=[exp.If(this=self.expr(c), true=self.expr(v)) for c, v in e.whens])
        if e.default is not None:
            case.set("default", self.expr(e.default))
        return case

    def _agg_call(self, func: str, arg: ir.IExpr | None, distinct: bool) -> exp.Expr:
        inner: exp.Expr = exp.Star() if arg is None else self.expr(arg)
        if distinct:
            inner = exp.Distinct(expressions=[inner])
        return fn(func, inner)

    def _agg(self, e: ir.IAgg) -> exp.Expr:
        call = self._agg_call(e.func, e.arg, e.distinct)
        if e.filter is not None:
            return exp.Filter(this=call, expression=exp.Where(this=self.expr(e.filter)))
        return call

    def _window(self, e: ir.IWindow) -> exp.Expr:
        partition = [self.expr(p) for p in e.partition]
        if not partition and e.implicit_partition:
            partition = [exp.Cast(this=exp.Literal.number("1"), to=data_type(SqlType.INT))]
        if e.func in RANKING:
            call = fn(e.func, *(self.expr(a) for a in (e.arg, *e.extra_args) if a is not None))
        else:
            call = self._agg_call(e.func, e.arg, False)
        window = exp.Window(this=call, over="OVER")
        if partition:
            window.set("partition_by", partition)
        if e.order is not None:
            ordered = exp.Ordered(this=self.expr(e.order), nulls_first=False)
            window.set("order", exp.Order(expressions=[ordered]))
        if e.frame is not None:
            window.set("spec", _frame(e.frame))
        return window

    # ---- queries ----

    def source(self, s: ir.ISource) -> exp.Expr:
        match s:
            case ir.ITable():
                t = table(self.names.get(s.name, s.name))
                alias = s.alias or (s.name if s.name in self.names else None)
                if alias:
                    t.set("alias", exp.TableAlias(this=identifier(alias)))
                return t
            case ir.IWindowTable():
                return exp.Table(this=self._time_window(s))
            case ir.IJoin():
                # the resolver reads both sides of a join by name (model.query._join_side)
                raise TypeError(f"a join side is a table, not a join: {s}")
            case _:
                assert_never(s)

    def _time_window(self, s: ir.IWindowTable) -> TimeWindow:
        source, time_column = column(self.names.get(s.table, s.table)), column(s.time_column)
        intervals = [interval(i) for i in s.intervals]
        window: TimeWindow
        match s.func:
            case WindowTableFunction.HOP:
                hop, size, *offset = intervals
                window = Hop(this=source, column=time_column, hop=hop, size=size)
            case WindowTableFunction.TUMBLE:
                size, *offset = intervals
                window = Tumble(this=source, column=time_column, size=size)
            case _:
                assert_never(s.func)
        window.set("offset", offset[0] if offset else None)
        window.set("time_type", data_type(s.time_type))
        return window

    def _join(self, j: ir.IJoin) -> exp.Join:
        right = self.source(j.right)
        if j.temporal:
            proctime = exp.Anonymous(this="PROCTIME")
            right.set("version", exp.Version(this="TIMESTAMP", kind="AS OF", expression=proctime))
        side, kind = _join_side_and_kind(j.how)
        return exp.Join(this=right, on=self.expr(j.on), side=side, kind=kind)

    def block(self, b: ir.Block) -> exp.Select:
        select = exp.Select(expressions=[self._select_item(name, e) for name, e in b.select])
        match b.source:
            case ir.IJoin():
                select.set("joins", [self._join(b.source)])
                select.set("from_", exp.From(this=self.source(b.source.left)))
            case ir.ITable() | ir.IWindowTable():
                select.set("from_", exp.From(this=self.source(b.source)))
            case _:
                assert_never(b.source)
        if b.where is not None:
            select.set("where", exp.Where(this=self.expr(b.where)))
        if b.group_by:
            select.set("group", exp.Group(expressions=[self.expr(k) for k in b.group_by]))
        return select

    def _select_item(self, name: str, e: ir.IExpr) -> exp.Expr:
        node = self.expr(e)
        if isinstance(e, ir.IColumn) and e.name == name:
            return node
        return exp.Alias(this=node, alias=identifier(name))

    def relation(self, r: ir.Block | ir.SetOp) -> exp.Query:
        match r:
            case ir.Block():
                return self.block(r)
            case ir.SetOp():
                node: exp.Query = self.block(r.blocks[0])
                for b in r.blocks[1:]:
                    node = exp.Union(this=node, expression=self.block(b), distinct=r.distinct)
                return node
            case _:
                assert_never(r)

    def query(self, q: ir.Query) -> exp.Query:
        body = self.relation(q.body)
        if q.ctes:
            ctes = [
                exp.CTE(this=self.relation(b), alias=exp.TableAlias(this=identifier(n)))
                for n, b in q.ctes
            ]
            body.set("with_", exp.With(expressions=ctes))
        return body

    # ---- statements ----

    def create(self, d: ir.ObjectDef) -> exp.Create:
        match d:
            case ir.TableDef():
                return create_table(d)
            case ir.ViewDef():
                return self._create_view(d)
            case _:
                assert_never(d)

    def _create_view(self, d: ir.ViewDef) -> exp.Create:
        props: list[exp.Expr] = [exp.MaterializedProperty()] if d.materialized else []
        if d.emit_on_window_close:
            props.append(EmitOnWindowCloseProperty())
        outer = self.names
        # a CTE of this view shadows a pipeline object of the same name
        self.names = {k: v for k, v in outer.items() if k not in {n for n, _ in d.query.ctes}}
        try:
            query = self.query(d.query)
        finally:
            self.names = outer
        name = table(self.names.get(d.name, d.name))
        create = exp.Create(this=name, kind="VIEW", expression=query)
        if props:
            create.set("properties", exp.Properties(expressions=props))
        return create

    def drop(self, d: ir.ObjectDef) -> exp.Drop:
        materialized = isinstance(d, ir.ViewDef) and d.materialized
        kind = "VIEW" if materialized else d.sql_kind
        return exp.Drop(tables=[table(d.name)], kind=kind, exists=True, materialized=materialized)

    def insert(self, i: ir.Insert) -> exp.Insert:
        rows = [
            exp.Tuple(expressions=[literal(v, t) for v, t in zip(row, i.types, strict=True)])
            for row in i.rows
        ]
        return exp.Insert(
            this=exp.Schema(this=table(i.table), expressions=[identifier(c) for c in i.columns]),
            expression=exp.Values(expressions=rows),
        )

    def flush(self) -> exp.Expr:
        return Flush()
