"""The leaves of every tree ecomdsl emits: names, types, intervals and literal values.

Identifiers go through `identifier()` (quoted exactly when RisingWave needs it) and values
through sqlglot's literal nodes, so no name or value a user passes can change the SQL's
structure. Nodes are built the way the ecomdsl parser builds them, so an emitted tree equals
the tree its SQL parses back to. A value SQL has no plain literal for (NaN, the infinities,
bytes, a timedelta) is a cast of the text RisingWave reads for it; one no SQL can hold (NaN
inside JSON) raises `Unwritable`, which the caller reports at the object it belongs to.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from typing import Any

from sqlglot import exp

from ecomdsl.dialect import DIALECT, identifier
from ecomdsl.model import ir
from ecomdsl.sql.writable import Unwritable
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
    """A SQL literal for a Python value of a ``type_`` column or expression; strings are
    escaped by sqlglot. What no literal can spell raises `Unwritable`."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if _not_finite(value):
        return _not_finite_number(value, type_)
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
    if isinstance(value, dt.timedelta):
        return exp.Cast(
            this=exp.Literal.string(_interval_text(value)), to=data_type(SqlType.INTERVAL)
        )
    if isinstance(value, bytes):
        # bytea's hex input format, `\x` then two hex digits a byte: RisingWave's
        # `str_to_bytea` (src/common/src/cast/mod.rs), as PostgreSQL's
        return exp.Cast(this=exp.Literal.string("\\x" + value.hex()), to=data_type(SqlType.BYTEA))
    if isinstance(value, dict | list) or type_ is SqlType.JSONB:
        return exp.Literal.string(_json(value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise Unwritable(f"cannot write a {type(value).__name__} ({value!r}) as a SQL literal")


# ---- values a plain literal cannot spell --------------------------------------------------

_SPECIAL_TYPES = (SqlType.NUMERIC, SqlType.REAL, SqlType.DOUBLE)
_NOT_JSON = "cannot write {value!r} as jsonb: JSON has no NaN or Infinity"


def _not_finite(value: object) -> bool:
    if isinstance(value, decimal.Decimal):
        return not value.is_finite()
    return isinstance(value, float) and not math.isfinite(value)


def _not_finite_number(value: float | decimal.Decimal, type_: SqlType | None) -> exp.Expr:
    """NaN and the infinities, which SQL has no number literal for, as a cast of their text:
    ``CAST('NaN' AS DECIMAL)``, ``CAST('-Infinity' AS DOUBLE PRECISION)``.

    RisingWave reads these words for numeric (``impl FromStr for Decimal`` in
    src/common/src/types/decimal.rs: ``nan``, ``inf``/``infinity`` with a sign, any case) and
    for real and double precision (``cast(varchar) -> *float`` in
    src/expr/impl/src/scalar/cast.rs parses with Rust's float parser, which reads the same
    words); PostgreSQL reads them for all three. A bare ``NaN`` would be a column name.
    """
    if type_ is None or type_ is SqlType.UNKNOWN:
        type_ = SqlType.NUMERIC if isinstance(value, decimal.Decimal) else SqlType.DOUBLE
    if type_ is SqlType.JSONB:
        raise Unwritable(_NOT_JSON.format(value=value))
    if type_ not in _SPECIAL_TYPES:
        raise Unwritable(f"{value!r} is not a {type_} value (only numeric, real and double are)")
    nan = value.is_nan() if isinstance(value, decimal.Decimal) else math.isnan(value)
    text = "NaN" if nan else "-Infinity" if value < 0 else "Infinity"
    return exp.Cast(this=exp.Literal.string(text), to=data_type(type_))


def _interval_text(value: dt.timedelta) -> str:
    """A `timedelta` as interval text both RisingWave and PostgreSQL read exactly: ``N days``
    and a signed ``HH:MM:SS[.ffffff]`` (RisingWave's ``parse_postgres`` and ``convert_hms``
    in src/common/src/types/interval.rs; the sign of the hours applies to the minutes and
    seconds). ``-1 day 23:00:00`` would be Python's form of minus one hour, but it is an
    interval with another day count."""
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    minutes, seconds = divmod(value.seconds, 60)
    clock = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}"
    if value.microseconds:
        clock += f".{value.microseconds:06d}"
    if not value.days:
        return clock
    days = f"{sign}{value.days} days"
    return days if clock.lstrip("-") == "00:00:00" else f"{days} {clock}"


def _json(value: object) -> str:
    """JSON text; JSON has no NaN or Infinity (``json.dumps`` would write bare ``NaN``, which
    is not JSON and which RisingWave's and PostgreSQL's jsonb reject)."""
    try:
        return json.dumps(value, sort_keys=True, default=_json_default, allow_nan=False)
    except ValueError as err:
        raise Unwritable(_NOT_JSON.format(value=value)) from err


def _json_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} is not JSON")
        return float(value) if value == value.to_integral_value() else json.loads(str(value))
    raise TypeError(f"{type(value).__name__} is not JSON")
