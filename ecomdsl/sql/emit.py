"""Resolved model -> sqlglot expression trees in the ecomdsl dialect.

One ``visit_<Node>`` method per IR node kind. Identifiers go through `identifier()` (quoted
exactly when RisingWave needs it) and literals through sqlglot's literal nodes, so no name
or value a user passes can change the SQL's structure.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from ecomdsl.dialect import (
    DIALECT,
    AppendOnlyProperty,
    EmitOnWindowCloseProperty,
    Flush,
    OnConflictProperty,
    WatermarkTtlConstraint,
    identifier,
)
from ecomdsl.model import ir
from ecomdsl.types import SqlType

RANKING = frozenset({"ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD"})

# facts the batch lowering needs, carried on nodes as sqlglot meta (not part of equality)
INTEGER_DIVISION = "ecomdsl_integer_division"
WINDOW_TIME_TYPE = "ecomdsl_window_time_type"

# canonical sqlglot type for each RisingWave type (built the way the parser builds them)
_TYPE_TEXT = {
    SqlType.SMALLINT: "SMALLINT",
    SqlType.INT: "INT",
    SqlType.BIGINT: "BIGINT",
    SqlType.NUMERIC: "DECIMAL",
    SqlType.REAL: "REAL",
    SqlType.DOUBLE: "DOUBLE PRECISION",
    SqlType.VARCHAR: "VARCHAR",
    SqlType.BOOLEAN: "BOOLEAN",
    SqlType.DATE: "DATE",
    SqlType.TIME: "TIME",
    SqlType.TIMESTAMP: "TIMESTAMP",
    SqlType.TIMESTAMPTZ: "TIMESTAMPTZ",
    SqlType.INTERVAL: "INTERVAL",
    SqlType.JSONB: "JSONB",
    SqlType.BYTEA: "BYTEA",
}


def data_type(t: SqlType) -> exp.DataType:
    if t is SqlType.UNKNOWN:
        raise ValueError("cannot emit a value of unknown type")
    return exp.DataType.build(_TYPE_TEXT[t], dialect=DIALECT)


def table(name: str) -> exp.Table:
    return exp.Table(this=identifier(name))


def column(name: str, qualifier: str | None = None) -> exp.Column:
    return exp.Column(this=identifier(name), table=identifier(qualifier) if qualifier else None)


def interval(i: ir.Interval) -> exp.Interval:
    return exp.Interval(this=exp.Literal.string(str(i.amount)), unit=exp.var(i.unit))


def fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A function node as the ecomdsl parser would build it (so built == parsed)."""
    return exp.func(name, *args, dialect=DIALECT)


def literal(value: Any, type_: SqlType | None = None) -> exp.Expr:
    """A SQL literal for a Python value; strings are escaped by sqlglot."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | decimal.Decimal):
        text = str(value)
        node: exp.Expr = exp.Literal.number(text.lstrip("-"))
        return exp.Neg(this=node) if text.startswith("-") else node
    if isinstance(value, float):
        node = exp.Literal.number(repr(abs(value)))
        return exp.Neg(this=node) if value < 0 else node
    if isinstance(value, dt.datetime):
        return exp.Literal.string(value.isoformat(sep=" "))
    if isinstance(value, dt.date | dt.time):
        return exp.Literal.string(value.isoformat())
    if isinstance(value, dict | list) or type_ is SqlType.JSONB:
        return exp.Literal.string(json.dumps(value, sort_keys=True, default=_json_default))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TypeError(f"cannot write {type(value).__name__} as a SQL literal")


def _json_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value) if value == value.to_integral_value() else json.loads(str(value))
    raise TypeError(f"{type(value).__name__} is not JSON")


_BINARY = {
    "=": exp.EQ,
    "<>": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
    "+": exp.Add,
    "-": exp.Sub,
    "*": exp.Mul,
    "/": exp.Div,
    "%": exp.Mod,
    "AND": exp.And,
    "OR": exp.Or,
}


def _paren(e: exp.Expr) -> exp.Expr:
    """Parenthesise compound operands so the printed SQL keeps the tree's grouping."""
    if isinstance(e, exp.Binary | exp.Not | exp.Neg | exp.Is | exp.In | exp.Between):
        return exp.Paren(this=e)
    return e


class Emitter:
    """IR expressions and queries -> sqlglot trees.

    ``names`` maps pipeline object names to the names to emit for them (a deploy builds
    materialized views under physical names); a renamed input keeps its pipeline name as
    its alias, so qualified columns read the same. CTE names are never mapped.
    """

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.names: Mapping[str, str] = dict(names or {})

    def expr(self, e: ir.IExpr) -> exp.Expr:
        method = getattr(self, f"visit_{type(e).__name__}", None)
        if method is None:
            raise NotImplementedError(f"ecomdsl cannot emit {type(e).__name__} yet")
        result: exp.Expr = method(e)
        return result

    def visit_IColumn(self, e: ir.IColumn) -> exp.Expr:
        return column(e.name, e.qualifier)

    def visit_ILiteral(self, e: ir.ILiteral) -> exp.Expr:
        return literal(e.value, e.type)

    def visit_IInterval(self, e: ir.IInterval) -> exp.Expr:
        return interval(e.interval)

    def visit_IBinary(self, e: ir.IBinary) -> exp.Expr:
        left, right = self.expr(e.left), self.expr(e.right)
        if e.op in ("/", "//"):
            # operand types are known: typed=True keeps sqlglot from adding its own casts
            div = exp.Div(this=_paren(left), expression=_paren(right), typed=True, safe=False)
            div.meta[INTEGER_DIVISION] = e.type in (SqlType.SMALLINT, SqlType.INT, SqlType.BIGINT)
            return div
        node = _BINARY[e.op]
        if e.op in ("AND", "OR"):
            return node(
                this=_paren_if(left, exp.Or if e.op == "AND" else None),
                expression=_paren_if(right, exp.Or if e.op == "AND" else None),
            )
        return node(this=_paren(left), expression=_paren(right))

    def visit_IUnary(self, e: ir.IUnary) -> exp.Expr:
        operand = self.expr(e.operand)
        if e.op == "NOT":
            return exp.Not(this=_paren(operand))
        if e.op == "NEG":
            return exp.Neg(this=_paren(operand))
        is_null = exp.Is(this=_paren(operand), expression=exp.Null())
        return is_null if e.op == "IS NULL" else exp.Not(this=is_null)

    def visit_IIn(self, e: ir.IIn) -> exp.Expr:
        return exp.In(
            this=_paren(self.expr(e.operand)), expressions=[self.expr(v) for v in e.values]
        )

    def visit_IBetween(self, e: ir.IBetween) -> exp.Expr:
        return exp.Between(
            this=_paren(self.expr(e.operand)), low=self.expr(e.low), high=self.expr(e.high)
        )

    def visit_ICast(self, e: ir.ICast) -> exp.Expr:
        return exp.Cast(this=self.expr(e.operand), to=data_type(e.type))

    def visit_IJsonText(self, e: ir.IJsonText) -> exp.Expr:
        return exp.JSONExtractScalar(
            this=_paren(self.expr(e.operand)),
            expression=exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=e.key)]),
            only_json_types=True,
        )

    def visit_IFunc(self, e: ir.IFunc) -> exp.Expr:
        return fn(e.name, *(self.expr(a) for a in e.args))

    def visit_ICase(self, e: ir.ICase) -> exp.Expr:
        case = exp.Case(ifs=[exp.If(this=self.expr(c), true=self.expr(v)) for c, v in e.whens])
        if e.default is not None:
            case.set("default", self.expr(e.default))
        return case

    def _agg_call(self, func: str, arg: ir.IExpr | None, distinct: bool) -> exp.Expr:
        inner: exp.Expr = exp.Star() if arg is None else self.expr(arg)
        if distinct:
            inner = exp.Distinct(expressions=[inner])
        return fn(func, inner)

    def visit_IAgg(self, e: ir.IAgg) -> exp.Expr:
        call = self._agg_call(e.func, e.arg, e.distinct)
        if e.filter is not None:
            return exp.Filter(this=call, expression=exp.Where(this=self.expr(e.filter)))
        return call

    def visit_IWindow(self, e: ir.IWindow) -> exp.Expr:
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
            window.set(
                "order",
                exp.Order(expressions=[exp.Ordered(this=self.expr(e.order), nulls_first=False)]),
            )
        if e.frame is not None:
            window.set(
                "spec",
                exp.WindowSpec(
                    kind=e.frame.kind.value,
                    start=_bound(e.frame.start),
                    start_side="PRECEDING",
                    end=_bound(e.frame.end) if e.frame.end is not None else "CURRENT ROW",
                    end_side="PRECEDING" if e.frame.end is not None else None,
                ),
            )
        return window

    def visit_INow(self, e: ir.INow) -> exp.Expr:
        return exp.CurrentTimestamp()

    def visit_IProcTime(self, e: ir.IProcTime) -> exp.Expr:
        return exp.Anonymous(this="PROCTIME")

    def visit_IRaw(self, e: ir.IRaw) -> exp.Expr:
        # operators that use it parenthesise it like any other operand
        node: exp.Expr = e.node.copy()
        return node

    # ---- queries ----

    def source(self, s: ir.ISource) -> exp.Expr:
        if isinstance(s, ir.ITable):
            t = table(self.names.get(s.name, s.name))
            alias = s.alias or (s.name if s.name in self.names else None)
            if alias:
                t.set("alias", exp.TableAlias(this=identifier(alias)))
            return t
        if isinstance(s, ir.IWindowTable):
            source = self.names.get(s.table, s.table)
            args: list[exp.Expr] = [column(source), column(s.time_column)]
            args += [interval(i) for i in s.intervals]
            window = exp.Anonymous(this=s.func.value, expressions=args)
            window.meta[WINDOW_TIME_TYPE] = s.time_type.value
            return exp.Table(this=window)
        raise TypeError(s)

    def block(self, b: ir.Block) -> exp.Select:
        select = exp.Select(expressions=[self._select_item(name, e) for name, e in b.select])
        joins: list[exp.Join] = []
        source = b.source
        if isinstance(source, ir.IJoin):
            right = self.source(source.right)
            if source.temporal:
                right.set(
                    "version",
                    exp.Version(
                        this="TIMESTAMP", kind="AS OF", expression=exp.Anonymous(this="PROCTIME")
                    ),
                )
            joins.append(
                exp.Join(
                    this=right,
                    on=self.expr(source.on),
                    side=None if source.how == "inner" else source.how.upper(),
                    kind="INNER" if source.how == "inner" else None,
                )
            )
            source = source.left
        select.set("from_", exp.From(this=self.source(source)))
        if joins:
            select.set("joins", joins)
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
        if isinstance(r, ir.Block):
            return self.block(r)
        node: exp.Query = self.block(r.blocks[0])
        for b in r.blocks[1:]:
            node = exp.Union(this=node, expression=self.block(b), distinct=r.distinct)
        return node

    def query(self, q: ir.Query) -> exp.Query:
        body = self.relation(q.body)
        if q.ctes:
            body.set(
                "with_",
                exp.With(
                    expressions=[
                        exp.CTE(this=self.relation(b), alias=exp.TableAlias(this=identifier(n)))
                        for n, b in q.ctes
                    ]
                ),
            )
        return body

    # ---- statements ----

    def create(self, d: ir.ObjectDef) -> exp.Create:
        if isinstance(d, ir.ViewDef):
            props: list[exp.Expr] = [exp.MaterializedProperty()] if d.materialized else []
            if d.emit_on_window_close:
                props.append(EmitOnWindowCloseProperty())
            outer = self.names
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
        items: list[exp.Expr] = []
        single_pk = d.primary_key if len(d.primary_key) == 1 else ()
        for c in d.schema.columns:
            coldef = exp.ColumnDef(this=identifier(c.name), kind=data_type(c.type))
            if c.name in single_pk:
                coldef.set(
                    "constraints",
                    [
                        exp.ColumnConstraint(
                            kind=exp.PrimaryKeyColumnConstraint(
                                include=exp.IndexParameters(with_storage=False)
                            )
                        )
                    ],
                )
            items.append(coldef)
        if len(d.primary_key) > 1:
            items.append(
                exp.PrimaryKey(
                    expressions=[identifier(k) for k in d.primary_key],
                    include=exp.IndexParameters(with_storage=False),
                )
            )
        if d.watermark is not None:
            w = d.watermark
            kind = WatermarkTtlConstraint if w.ttl else exp.WatermarkColumnConstraint
            items.append(
                kind(
                    this=column(w.column),
                    expression=exp.Sub(this=column(w.column), expression=interval(w.delay)),
                )
            )
        properties: list[exp.Expr] = []
        if d.append_only and d.connector is None:
            properties.append(AppendOnlyProperty())
        if d.on_conflict is not None:
            properties.append(OnConflictProperty(this=exp.var(d.on_conflict.value)))
        if d.connector is not None:
            for key, value in d.connector.options:
                properties.append(
                    exp.Property(this=_option_key(key), value=exp.Literal.string(value))
                )
            properties.append(exp.FileFormatProperty(this=exp.var(d.connector.format.value)))
            properties.append(exp.EncodeProperty(this=exp.var(d.connector.encode.value)))
        create = exp.Create(this=exp.Schema(this=table(d.name), expressions=items), kind=d.sql_kind)
        if properties:
            create.set("properties", exp.Properties(expressions=properties))
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


def _paren_if(e: exp.Expr, kind: type[exp.Expr] | None) -> exp.Expr:
    return exp.Paren(this=e) if kind is not None and isinstance(e, kind) else e


def _bound(value: ir.Interval | int) -> exp.Expr | str:
    if isinstance(value, ir.Interval):
        return interval(value)
    if value < 0:
        return "UNBOUNDED"
    return exp.Literal.number(str(value))


def _option_key(key: str) -> exp.Expr:
    parts = key.split(".")
    if len(parts) == 1:
        return exp.var(key)
    node: exp.Expr = exp.Identifier(this=parts[0], quoted=False)
    for part in parts[1:]:
        node = exp.Dot(this=node, expression=exp.Identifier(this=part, quoted=False))
    return node
