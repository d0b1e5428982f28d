"""Resolve a `Pipeline` into a checked `ResolvedPipeline`, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterator
from typing import Any

import attrs

from ecomdsl import graph as g
from ecomdsl.dsl import objects as o
from ecomdsl.dsl import relation as r
from ecomdsl.errors import CompileError, Diagnostics, SourceLocation, did_you_mean
from ecomdsl.kinds import ConflictAction, KafkaEncode, KafkaFormat, TableKind, member_or
from ecomdsl.model import ir
from ecomdsl.model.functions import declared_type
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.query import QueryResolver
from ecomdsl.model.typecheck import Checker
from ecomdsl.types import Category, SqlType

PIPELINE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
OPTION_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


def walk_reads(rel: r.Relation) -> Iterator[o.PipelineObject]:
    """The pipeline objects a query reads directly (not through other objects' queries)."""
    if isinstance(rel, o.PipelineObject):
        yield rel
        return
    for field in attrs.fields(type(rel)):  # type: ignore[arg-type]
        value = getattr(rel, field.name)
        if isinstance(value, r.Relation):
            yield from walk_reads(value)


def _query_of(obj: o.PipelineObject) -> r.Relation | None:
    return obj.query if isinstance(obj, o.View | o.MaterializedView) else None


class PipelineBuilder:
    def __init__(self, pipeline: o.Pipeline, *, test_data: bool = True) -> None:
        self.pipeline = pipeline
        self.with_test_data = test_data
        self.report = Diagnostics()

    # ---- collection ----

    def collect(self) -> dict[str, o.PipelineObject]:
        by_name: dict[str, o.PipelineObject] = {}
        pending = [x for x in self.pipeline.objects]
        for x in pending:
            if not isinstance(x, o.PipelineObject) or isinstance(x, o.Ref):
                self.report.about(self.pipeline.name).error(
                    f"Pipeline(objects=...) takes Table, Stream, View and MaterializedView objects, "
                    f"not {type(x).__name__}",
                    self.pipeline.location,
                )
        queue = [x for x in pending if isinstance(x, o.PipelineObject) and not isinstance(x, o.Ref)]
        seen: set[int] = set()
        while queue:
            obj = queue.pop(0)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if not isinstance(obj.name, str) or not obj.name:
                self.report.error("an object needs a non-empty name", obj.location)
                continue
            first = by_name.get(obj.name)
            if first is not None and first is not obj:
                self.report.about(obj.name).error(
                    f"duplicate object name {obj.name!r}",
                    obj.location,
                    hint="give each object its own name",
                    related=("first declared at", first.location),
                )
                continue
            by_name[obj.name] = obj
            query = _query_of(obj)
            if query is not None:
                queue.extend(x for x in walk_reads(query) if not isinstance(x, o.Ref))
        return by_name

    def dependencies(self, by_name: dict[str, o.PipelineObject]) -> set[tuple[str, str]]:
        edges: set[tuple[str, str]] = set()
        for name, obj in sorted(by_name.items()):
            query = _query_of(obj)
            if query is None:
                continue
            for dep in walk_reads(query):
                if dep.name not in by_name:
                    self.report.about(name).error(
                        f"reads {dep.name!r}, which is not an object of pipeline "
                        f"{self.pipeline.name!r}",
                        dep.location,
                        hint=did_you_mean(dep.name, sorted(by_name)),
                    )
                    continue
                edges.add((dep.name, name))
        return edges

    # ---- resolution ----

    def build(self) -> ir.ResolvedPipeline:
        p = self.pipeline
        if not isinstance(p.name, str) or not PIPELINE_NAME.fullmatch(p.name):
            self.report.error(
                f"pipeline name {p.name!r} must be lower-case letters, digits and '_' "
                "(it names the folder under generated/)",
                p.location,
            )
        by_name = self.collect()
        edges = self.dependencies(by_name)
        graph = g.build(by_name, edges)
        blocked: set[str] = set()
        for cycle in g.cycles(graph):
            path = " -> ".join([*cycle, cycle[0]])
            self.report.about(cycle[0]).error(
                f"dependency cycle: {path} (x -> y: y reads x)",
                by_name[cycle[0]].location,
                hint="a materialized view cannot read itself, directly or through others",
            )
            blocked.update(cycle)
            for name in cycle:
                blocked.update(g.downstream(graph, name))
        ordered = [n for n in g.order(graph.subgraph(set(graph) - blocked))]
        schemas: dict[str, ir.Schema] = {n: ir.OPEN_SCHEMA for n in blocked}
        defs: list[ir.ObjectDef] = []
        names = frozenset(by_name)
        for name in ordered:
            obj = by_name[name]
            before = len(self.report)
            resolved = self.resolve(obj, schemas, names)
            failed = len(self.report) > before
            schemas[name] = attrs.evolve(resolved.schema, open=True) if failed else resolved.schema
            defs.append(resolved)
        inserts = self.test_data({d.name: d for d in defs}) if self.with_test_data else ()
        if self.report:
            raise CompileError(self.report.found)
        return ir.ResolvedPipeline(p.name, tuple(defs), tuple(sorted(edges)), inserts, p.location)

    def resolve(
        self, obj: o.PipelineObject, schemas: dict[str, ir.Schema], names: frozenset[str]
    ) -> ir.ObjectDef:
        if isinstance(obj, o.Table | o.Stream):
            return self.table(obj)
        assert isinstance(obj, o.View | o.MaterializedView)
        checker = Checker(self.report.about(obj.name))
        resolver = QueryResolver(checker, schemas, names)
        if not isinstance(obj.query, r.Relation):
            self.report.about(obj.name).error(
                f"query must be a relation (a table, stream, view or a query built on one), "
                f"not {type(obj.query).__name__}",
                obj.location,
            )
            query = ir.Query((), ir.Block(ir.ITable(obj.name), ()))
            schema = ir.OPEN_SCHEMA
        else:
            query, schema = resolver.query(obj.query)
        eowc = isinstance(obj, o.MaterializedView) and obj.emit_on_window_close
        return ir.ViewDef(
            obj.name,
            isinstance(obj, o.MaterializedView),
            query,
            schema,
            tuple(sorted(resolver.reads)),
            bool(eowc),
            obj.doc,
            obj.location,
            allow=obj.allow,
        )

    def table(self, obj: o.Table | o.Stream) -> ir.TableDef:
        columns: list[ir.Column] = []
        for col_name, spec in obj.columns:
            if not col_name:
                self.report.about(obj.name).error("a column name cannot be empty", obj.location)
                continue
            if any(c.name == col_name for c in columns):
                self.report.about(obj.name).error(f"duplicate column {col_name!r}", obj.location)
                continue
            column_type = declared_type(
                spec, obj.location, f"column {col_name!r}", self.report.about(obj.name)
            )
            columns.append(ir.Column(col_name, column_type))
        if not columns:
            self.report.about(obj.name).error("a table needs at least one column", obj.location)
        schema = ir.Schema(tuple(columns))
        if isinstance(obj, o.Stream):
            return self.stream(obj, schema)
        for key in obj.primary_key:
            if schema.get(key) is None:
                self.report.about(obj.name).error(
                    f"primary key column {key!r} not found",
                    obj.location,
                    hint=did_you_mean(key, schema.names),
                )
        on_conflict = self.on_conflict(obj)
        if obj.append_only and obj.primary_key and on_conflict != "DO NOTHING":
            self.report.about(obj.name).error(
                "an APPEND ONLY table with a primary key needs ON CONFLICT DO NOTHING",
                obj.location,
                hint='add on_conflict="do nothing" (later rows with a seen key are ignored)',
                code="RW009",
            )
        for option, values, what in (
            ("unique", obj.unique, "UNIQUE constraints"),
            ("checks", obj.checks, "CHECK constraints"),
            ("references", obj.references, "FOREIGN KEY constraints"),
        ):
            if values:
                self.report.about(obj.name).error(
                    f"Table({option}=...): RisingWave does not support {what}",
                    obj.location,
                    hint="enforce it upstream, or test it with a view that selects violations",
                    code="RW008",
                )
        watermark = None
        if obj.watermark is not None or obj.event_time is not None:
            if obj.event_time is None or obj.watermark is None:
                self.report.about(obj.name).error(
                    "a table watermark needs both event_time= and watermark=", obj.location
                )
            else:
                watermark = self.watermark(
                    obj, obj.event_time, obj.watermark, schema, obj.watermark_ttl
                )
                if watermark is not None and not obj.append_only and not obj.watermark_ttl:
                    self.report.about(obj.name).error(
                        "a watermark on a table needs APPEND ONLY (or WITH TTL)",
                        obj.location,
                        hint="pass append_only=True, or watermark_ttl=True to only clean the "
                        "table's own state",
                        code="RW005",
                    )
        return ir.TableDef(
            obj.name, TableKind.TABLE, schema, obj.primary_key, obj.append_only, watermark, None,
            obj.doc, obj.location, on_conflict=on_conflict, allow=obj.allow,
        )  # fmt: skip

    def stream(self, obj: o.Stream, schema: ir.Schema) -> ir.TableDef:
        watermark = self.watermark(obj, obj.event_time, obj.watermark, schema)
        connector = self.kafka(obj) if obj.connector is not None else None
        if watermark is not None and connector is not None and connector.format != "PLAIN":
            self.report.about(obj.name).error(
                f"a watermark needs an append-only source; FORMAT {connector.format} "
                "sends updates and deletes",
                obj.location,
                hint="use Kafka(format='plain'), or drop the watermark",
                code="RW005",
            )
        return ir.TableDef(
            obj.name, TableKind.STREAM, schema, (), connector is None, watermark, connector, obj.doc,
            obj.location, allow=obj.allow,
        )  # fmt: skip

    ON_CONFLICT = {
        "do nothing": "DO NOTHING",
        "do update full": "DO UPDATE FULL",
        "do update if not null": "DO UPDATE IF NOT NULL",
    }

    def on_conflict(self, obj: o.Table) -> ConflictAction | None:
        if obj.on_conflict is None:
            return None
        text = " ".join(str(obj.on_conflict).lower().split())
        if text not in self.ON_CONFLICT:
            self.report.about(obj.name).error(
                f"on_conflict={obj.on_conflict!r} is not a RisingWave conflict action",
                obj.location,
                hint=did_you_mean(text, list(self.ON_CONFLICT))
                or "one of: " + ", ".join(self.ON_CONFLICT),
            )
            return None
        return ConflictAction(self.ON_CONFLICT[text])

    def watermark(
        self,
        obj: o.Table | o.Stream,
        event_time: str,
        delay_text: str | None,
        schema: ir.Schema,
        ttl: bool = False,
    ) -> ir.Watermark | None:
        column = schema.get(event_time)
        if column is None:
            self.report.about(obj.name).error(
                f"event_time column {event_time!r} not found",
                obj.location,
                hint=did_you_mean(event_time, schema.names),
            )
            return None
        if not column.type.is_time:
            self.report.about(obj.name).error(
                f"a watermark needs a time column (timestamp, timestamptz or date); "
                f"{column.name!r} is {column.type}",
                obj.location,
            )
            return None
        if delay_text is None:
            return None
        try:
            delay = parse_interval(delay_text)
        except IntervalError as err:
            self.report.about(obj.name).error(f"watermark: {err}", obj.location)
            return None
        if column.type is SqlType.TIMESTAMPTZ and delay.months:
            self.report.about(obj.name).error(
                "a watermark delay on timestamptz cannot use months or years", obj.location
            )
        return ir.Watermark(column.name, delay, ttl)

    def kafka(self, obj: o.Stream) -> ir.KafkaConnector | None:
        k = obj.connector
        assert k is not None
        options = [
            ("connector", "kafka"),
            ("topic", k.topic),
            ("properties.bootstrap.server", k.bootstrap_servers),
            *k.options,
        ]
        seen: set[str] = set()
        for key, value in options:
            if not isinstance(key, str) or not OPTION_KEY.fullmatch(key):
                self.report.about(obj.name).error(
                    f"Kafka option name {key!r} must be dotted lower-case words (e.g. scan.startup.mode)",
                    k.location,
                )
            elif key in seen:
                self.report.about(obj.name).error(
                    f"Kafka option {key!r} is given twice", k.location
                )
            if not isinstance(value, str) or not value:
                self.report.about(obj.name).error(
                    f"Kafka option {key!r} needs a non-empty string value", k.location
                )
            seen.add(str(key))
        fmt = str(k.format).upper()
        if fmt not in ("PLAIN", "UPSERT", "DEBEZIUM"):
            self.report.about(obj.name).error(
                f"Kafka(format={k.format!r}) is not a RisingWave format",
                k.location,
                hint="one of plain, upsert, debezium",
            )
        encode = str(k.encode).upper()
        if encode not in ("JSON", "AVRO", "PROTOBUF", "CSV", "BYTES"):
            self.report.about(obj.name).error(
                f"Kafka(encode={k.encode!r}) is not a RisingWave encoding",
                k.location,
                hint="one of json, avro, protobuf, csv, bytes",
            )
        return ir.KafkaConnector(
            tuple((str(a), str(b)) for a, b in options),
            # after a reported error the connector is only a placeholder: the compile fails
            member_or(KafkaFormat, fmt, KafkaFormat.PLAIN),
            member_or(KafkaEncode, encode, KafkaEncode.JSON),
        )

    # ---- test data ----

    def test_data(self, defs: dict[str, ir.ObjectDef]) -> tuple[ir.Insert, ...]:
        source = self.pipeline.test_data
        if source is None:
            return ()
        code = getattr(source, "__code__", None)
        loc = (
            SourceLocation(code.co_filename, code.co_firstlineno)
            if code
            else self.pipeline.location
        )
        label = f"test data of {self.pipeline.name!r}"
        try:
            statements = [(table, list(rows)) for table, rows in source()]
        except Exception as err:  # the user's generator: report, never a traceback
            self.report.error(f"{label}: the generator raised {type(err).__name__}: {err}", loc)
            return ()
        inserts: list[ir.Insert] = []
        for table, rows in statements:
            target = defs.get(table)
            if not isinstance(target, ir.TableDef) or target.connector is not None:
                self.report.error(
                    f"{label}: cannot insert into {table!r} (not a table or stream without connector)",
                    loc,
                    hint=did_you_mean(
                        str(table), [n for n, d in defs.items() if isinstance(d, ir.TableDef)]
                    ),
                )
                continue
            if not rows:
                continue
            insert = self.rows(target, rows, loc, label)
            if insert is not None:
                inserts.append(insert)
        return tuple(inserts)

    def rows(
        self, table: ir.TableDef, rows: list[Any], loc: SourceLocation, label: str
    ) -> ir.Insert | None:
        keys = set().union(*(set(row) for row in rows))
        unknown = sorted(keys - set(table.schema.names))
        if unknown:
            self.report.error(
                f"{label}: {table.name!r} has no column {unknown[0]!r}",
                loc,
                hint=did_you_mean(unknown[0], table.schema.names),
            )
            return None
        columns = [c for c in table.schema.columns if c.name in keys]
        values: list[tuple[Any, ...]] = []
        problems = 0
        for i, row in enumerate(rows):
            out = []
            for c in columns:
                value = row.get(c.name)
                problem = _value_problem(value, c.type)
                if problem and problems < 3:
                    self.report.error(
                        f"{label}: row {i} of {table.name!r}, column {c.name!r}: {problem}", loc
                    )
                problems += bool(problem)
                out.append(value)
            values.append(tuple(out))
        if problems:
            return None
        return ir.Insert(
            table.name,
            tuple(c.name for c in columns),
            tuple(values),
            tuple(c.type for c in columns),
        )


_PY_TYPES: dict[Category, tuple[type, ...]] = {
    Category.INTEGER: (int,),
    Category.NUMERIC: (int, decimal.Decimal, float),
    Category.FLOAT: (int, float, decimal.Decimal),
    Category.TEXT: (str,),
    Category.BOOLEAN: (bool,),
    Category.TEMPORAL: (dt.datetime, dt.date, dt.time),
    Category.INTERVAL: (dt.timedelta,),
    Category.BINARY: (bytes,),
}


def _value_problem(value: Any, type_: SqlType) -> str | None:
    if value is None:
        return None
    if type_ is SqlType.JSONB:
        try:
            json.dumps(value, allow_nan=False, default=_no_default)
        except (TypeError, ValueError) as err:
            return f"not JSON-serializable ({err})"
        return None
    allowed = _PY_TYPES.get(type_.category)
    if allowed is None:
        return None
    if isinstance(value, bool) and type_.category is not Category.BOOLEAN:
        return f"a bool is not a {type_} value"
    if not isinstance(value, allowed):
        return f"a {type(value).__name__} is not a {type_} value"
    if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
        return f"{value!r} cannot be written as SQL"
    if type_ is SqlType.TIMESTAMP and isinstance(value, dt.datetime) and value.tzinfo is not None:
        return "a timestamp (without time zone) needs a naive datetime"
    return None


def _no_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def resolve(pipeline: o.Pipeline, *, test_data: bool = True) -> ir.ResolvedPipeline:
    """Check ``pipeline`` and return its resolved model, or raise one `CompileError`.

    ``test_data=False`` skips generating and checking the test data (for runs on files).
    """
    if not isinstance(pipeline, o.Pipeline):
        raise TypeError(f"expected a Pipeline, got {type(pipeline).__name__}")
    return PipelineBuilder(pipeline, test_data=test_data).build()
