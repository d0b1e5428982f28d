"""Tables and streams: their columns and keys, the constraints RisingWave refuses, watermarks
and Kafka connectors, checked into `ir.TableDef`s.

Every function reports into a `Diagnostics` view about the object being checked, and returns
what it could check: a bad option leaves a placeholder, so the other checks still run.
"""

from __future__ import annotations

import re

from ecomdsl.dsl import objects
from ecomdsl.errors import Diagnostics, did_you_mean
from ecomdsl.kinds import ConflictAction, E, KafkaEncode, KafkaFormat, TableKind, member_or
from ecomdsl.model import ir
from ecomdsl.model.functions import declared_type
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.names import NameCheck, text_problem
from ecomdsl.types import SqlType

OPTION_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")

# the spellings of Table(on_conflict=...), lower case with single spaces
ON_CONFLICT = {
    "do nothing": ConflictAction.DO_NOTHING,
    "do update full": ConflictAction.DO_UPDATE_FULL,
    "do update if not null": ConflictAction.DO_UPDATE_IF_NOT_NULL,
}


def table_def(
    obj: objects.Table | objects.Stream, report: Diagnostics, names: NameCheck
) -> ir.TableDef:
    """The checked definition of a table or a stream; ``report`` is about ``obj``."""
    schema = _schema(obj, report, names)
    if isinstance(obj, objects.Stream):
        return _stream(obj, schema, report)
    return _table(obj, schema, report)


def _schema(
    obj: objects.Table | objects.Stream, report: Diagnostics, names: NameCheck
) -> ir.Schema:
    columns: dict[str, ir.Column] = {}
    for col_name, spec in obj.columns:
        if not col_name:
            report.error("a column name cannot be empty", obj.location)
            continue
        if col_name in columns:
            report.error(f"duplicate column {col_name!r}", obj.location)
            continue
        names.name("column name", col_name, obj.location, report)  # kept: readers still find it
        column_type = declared_type(spec, obj.location, f"column {col_name!r}", report)
        columns[col_name] = ir.Column(col_name, column_type)
    if not columns:
        report.error("a table needs at least one column", obj.location)
    return ir.Schema(tuple(columns.values()))


def _table(obj: objects.Table, schema: ir.Schema, report: Diagnostics) -> ir.TableDef:
    for key in obj.primary_key:
        if schema.get(key) is None:
            report.error(
                f"primary key column {key!r} not found",
                obj.location,
                hint=did_you_mean(key, schema.names),
            )
    on_conflict = _on_conflict(obj, report)
    if obj.append_only and obj.primary_key and on_conflict is not ConflictAction.DO_NOTHING:
        report.error(
            "an APPEND ONLY table with a primary key needs ON CONFLICT DO NOTHING",
            obj.location,
            hint='add on_conflict="do nothing" (later rows with a seen key are ignored)',
            code="RW009",
        )
    _refuse_constraints(obj, report)
    watermark = _table_watermark(obj, schema, report)
    return ir.TableDef(
        name=obj.name,
        kind=TableKind.TABLE,
        schema=schema,
        primary_key=obj.primary_key,
        append_only=obj.append_only,
        watermark=watermark,
        connector=None,
        doc=obj.doc,
        location=obj.location,
        on_conflict=on_conflict,
        allow=obj.allow,
    )


def _refuse_constraints(obj: objects.Table, report: Diagnostics) -> None:
    """RisingWave has no UNIQUE, CHECK or FOREIGN KEY constraints (RW008)."""
    for option, values, what in (
        ("unique", obj.unique, "UNIQUE constraints"),
        ("checks", obj.checks, "CHECK constraints"),
        ("references", obj.references, "FOREIGN KEY constraints"),
    ):
        if values:
            report.error(
                f"Table({option}=...): RisingWave does not support {what}",
                obj.location,
                hint="enforce it upstream, or test it with a view that selects violations",
                code="RW008",
            )


def _table_watermark(
    obj: objects.Table, schema: ir.Schema, report: Diagnostics
) -> ir.Watermark | None:
    if obj.watermark is None and obj.event_time is None:
        return None
    if obj.event_time is None or obj.watermark is None:
        report.error("a table watermark needs both event_time= and watermark=", obj.location)
        return None
    watermark = _watermark(obj, obj.event_time, obj.watermark, schema, report, obj.watermark_ttl)
    if watermark is not None and not obj.append_only and not obj.watermark_ttl:
        report.error(
            "a watermark on a table needs APPEND ONLY (or WITH TTL)",
            obj.location,
            hint="pass append_only=True, or watermark_ttl=True to only clean the table's own state",
            code="RW005",
        )
    return watermark


def _stream(obj: objects.Stream, schema: ir.Schema, report: Diagnostics) -> ir.TableDef:
    watermark = _watermark(obj, obj.event_time, obj.watermark, schema, report)
    connector = _kafka(obj.connector, report) if obj.connector is not None else None
    if (
        watermark is not None
        and connector is not None
        and connector.format is not KafkaFormat.PLAIN
    ):
        report.error(
            f"a watermark needs an append-only source; FORMAT {connector.format} "
            "sends updates and deletes",
            obj.location,
            hint="use Kafka(format='plain'), or drop the watermark",
            code="RW005",
        )
    return ir.TableDef(
        name=obj.name,
        kind=TableKind.STREAM,
        schema=schema,
        primary_key=(),
        append_only=connector is None,
        watermark=watermark,
        connector=connector,
        doc=obj.doc,
        location=obj.location,
        allow=obj.allow,
    )


def _on_conflict(obj: objects.Table, report: Diagnostics) -> ConflictAction | None:
    if obj.on_conflict is None:
        return None
    text = " ".join(str(obj.on_conflict).lower().split())
    if text not in ON_CONFLICT:
        report.error(
            f"on_conflict={obj.on_conflict!r} is not a RisingWave conflict action",
            obj.location,
            hint=did_you_mean(text, list(ON_CONFLICT)) or "one of: " + ", ".join(ON_CONFLICT),
        )
        return None
    return ON_CONFLICT[text]


def _watermark(
    obj: objects.Table | objects.Stream,
    event_time: str,
    delay_text: str | None,
    schema: ir.Schema,
    report: Diagnostics,
    ttl: bool = False,
) -> ir.Watermark | None:
    column = schema.get(event_time)
    if column is None:
        report.error(
            f"event_time column {event_time!r} not found",
            obj.location,
            hint=did_you_mean(event_time, schema.names),
        )
        return None
    if not column.type.is_time:
        report.error(
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
        report.error(f"watermark: {err}", obj.location)
        return None
    if column.type is SqlType.TIMESTAMPTZ and delay.months:
        report.error("a watermark delay on timestamptz cannot use months or years", obj.location)
    return ir.Watermark(column.name, delay, ttl)


def _kafka(kafka: objects.Kafka, report: Diagnostics) -> ir.KafkaConnector:
    options = [
        ("connector", "kafka"),
        ("topic", kafka.topic),
        ("properties.bootstrap.server", kafka.bootstrap_servers),
        *kafka.options,
    ]
    _check_options(options, kafka, report)
    return ir.KafkaConnector(
        tuple((str(a), str(b)) for a, b in options),
        # after a reported error the connector is only a placeholder: the compile fails
        _spelled(kafka.format, KafkaFormat.PLAIN, "format", "format", kafka, report),
        _spelled(kafka.encode, KafkaEncode.JSON, "encode", "encoding", kafka, report),
    )


def _spelled(
    text: object, default: E, option: str, what: str, kafka: objects.Kafka, report: Diagnostics
) -> E:
    """The member of ``default``'s vocabulary spelled ``text`` (any case), else ``default``
    after reporting the spellings there are."""
    kind = type(default)
    spelling = str(text).upper()
    if spelling not in list(kind):
        report.error(
            f"Kafka({option}={text!r}) is not a RisingWave {what}",
            kafka.location,
            hint="one of " + ", ".join(member.lower() for member in kind),
        )
    return member_or(kind, spelling, default)


def _check_options(
    options: list[tuple[str, str]], kafka: objects.Kafka, report: Diagnostics
) -> None:
    """Option names are dotted lower-case words given once, each with a non-empty value."""
    seen: set[str] = set()
    for key, value in options:
        if not isinstance(key, str) or not OPTION_KEY.fullmatch(key):
            report.error(
                f"Kafka option name {key!r} must be dotted lower-case words (e.g. scan.startup.mode)",
                kafka.location,
            )
        elif key in seen:
            report.error(f"Kafka option {key!r} is given twice", kafka.location)
        if not isinstance(value, str) or not value:
            report.error(f"Kafka option {key!r} needs a non-empty string value", kafka.location)
        elif (problem := text_problem(value)) is not None:
            report.error(
                f"Kafka option {key!r}: the value {problem.message}",
                kafka.location,
                hint=problem.hint,
            )
        seen.add(str(key))
