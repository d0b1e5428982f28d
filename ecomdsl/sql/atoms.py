"""The leaves of every tree ecomdsl emits: names, types, intervals and literal values.

Identifiers go through `identifier()` (quoted exactly when RisingWave needs it) and values
through sqlglot's literal nodes, so no name or value a user passes can change the SQL's
structure. Nodes are built the way the ecomdsl parser builds them, so an emitted tree equals
the tree its SQL parses back to.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

from sqlglot import exp

from ecomdsl.dialect import DIALECT, identifier
from ecomdsl.model import ir
from ecomdsl.types import SqlType

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
