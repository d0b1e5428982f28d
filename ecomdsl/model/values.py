"""Which Python values SQL can hold: the literals of queries and the cells of test data.

The emitter writes whatever gets past this module, so everything it cannot write, or that
the database would refuse, is refused here, with the reason:

* Integers fit their column: smallint, int and bigint are 16, 32 and 64 bits. A literal is
  int, bigint, or past bigint numeric, the way RisingWave reads a number (``bind_number`` in
  ``src/frontend/src/binder/expr/value.rs``: i32, else i64, else decimal, else the error
  "Number ... overflows"). RisingWave's numeric is a 96-bit decimal
  (``Decimal::Normalized(RustDecimal)`` in ``src/common/src/types/decimal.rs``), so no
  number may exceed 2**96 - 1 in magnitude.
* NaN and the infinities are values of numeric, real and double precision (RisingWave's
  Decimal has ``NaN``, ``PositiveInf`` and ``NegativeInf``), written as typed strings
  (``'NaN'::numeric``); a signaling NaN (``Decimal('sNaN')``) is a NaN there. JSON has no NaN
  at all.
* Text holds no NUL byte and no lone surrogate (`ecomdsl.model.names.text_problem`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import sys
from collections.abc import Callable
from typing import Any

from ecomdsl.model.names import Problem, text_problem
from ecomdsl.types import SqlType

NUMERIC_MAX = 2**96 - 1  # RisingWave's numeric: a 96-bit mantissa
REAL_MAX = 3.4028234663852886e38  # the largest finite single-precision float
DOUBLE_MAX = sys.float_info.max
JSON_DEPTH = 500  # deeper JSON is refused: serializing it would recurse past Python's limit

_INTEGER_BITS = {SqlType.SMALLINT: 16, SqlType.INT: 32, SqlType.BIGINT: 64}


def literal_problem(value: object) -> Problem | None:
    """Why ``value``, as a literal in a query, cannot be written as SQL, or None."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            return Problem(f"string literal {value!r} {problem.message}", problem.hint)
    elif isinstance(value, int | decimal.Decimal) and not isinstance(value, bool):
        reason = _number_problem(value)
        if reason is not None:
            return Problem(f"literal {reason}")
    return None


def _number_problem(value: int | decimal.Decimal) -> str | None:
    if isinstance(value, decimal.Decimal) and not value.is_finite():
        return None  # NaN (signaling or not) and the infinities are values of numeric
    if not -NUMERIC_MAX <= value <= NUMERIC_MAX:
        return f"{value} is past the range of numeric (at most 2**96 - 1 in magnitude)"
    return None


def cell_problem(value: Any, type_: SqlType) -> str | None:
    """Why ``value`` cannot go into a ``type_`` column, or None when it can (NULL always
    can). The reason reads after "row 0 of 't', column 'a': "."""
    if value is None or type_ is SqlType.UNKNOWN:  # an unknown type was reported already
        return None
    if isinstance(value, bool) and type_ is not SqlType.BOOLEAN:
        return f"a bool is not a {type_} value"
    check = _CELLS.get(type_)
    return check(value, type_) if check is not None else None


def _is(*kinds: type) -> Callable[[Any, SqlType], str | None]:
    """A check that only takes values of ``kinds``."""

    def check(value: Any, type_: SqlType) -> str | None:
        if isinstance(value, kinds):
            return None
        return f"a {type(value).__name__} is not a {type_} value"

    return check


def _integer(value: Any, type_: SqlType) -> str | None:
    if not isinstance(value, int):
        return f"a {type(value).__name__} is not a {type_} value"
    bits = _INTEGER_BITS[type_]
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        return f"{value} is past the range of {type_} ({bits}-bit: -2**{bits - 1} .. 2**{bits - 1} - 1)"
    return None


def _numeric(value: Any, type_: SqlType) -> str | None:
    if not isinstance(value, int | float | decimal.Decimal):
        return f"a {type(value).__name__} is not a {type_} value"
    if isinstance(value, float):
        finite_past = math.isfinite(value) and abs(value) > NUMERIC_MAX
        return f"{value} is past the range of numeric" if finite_past else None
    return _number_problem(value)


def _floating(value: Any, type_: SqlType) -> str | None:
    if not isinstance(value, int | float | decimal.Decimal):
        return f"a {type(value).__name__} is not a {type_} value"
    if isinstance(value, float | decimal.Decimal) and not _finite(value):
        return None  # NaN and the infinities are values of the type
    limit = REAL_MAX if type_ is SqlType.REAL else DOUBLE_MAX
    if not -limit <= value <= limit:
        return f"{value} is past the range of {type_}"
    return None


def _finite(value: float | decimal.Decimal) -> bool:
    return math.isfinite(value) if isinstance(value, float) else value.is_finite()


def _text(value: Any, type_: SqlType) -> str | None:
    if not isinstance(value, str):
        return f"a {type(value).__name__} is not a {type_} value"
    problem = text_problem(value)
    return f"the text {problem.message}" if problem else None


def _timestamp(value: Any, type_: SqlType) -> str | None:
    if not isinstance(value, dt.date):
        return f"a {type(value).__name__} is not a {type_} value"
    if type_ is SqlType.TIMESTAMP and isinstance(value, dt.datetime) and value.tzinfo is not None:
        return "a timestamp (without time zone) needs a naive datetime"
    return None


def _json(value: Any, type_: SqlType) -> str | None:
    """A JSON document the emitter can write: objects with text keys, arrays, text, numbers
    (finite), booleans and null, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > JSON_DEPTH:
            return f"JSON nested more than {JSON_DEPTH} levels deep"
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    return f"a JSON object key is text, not {type(key).__name__} ({key!r})"
                stack += [(key, depth + 1), (inner, depth + 1)]
        elif isinstance(item, list | tuple):
            stack += [(inner, depth + 1) for inner in item]
        elif problem := _json_scalar(item):
            return problem
    return None


def _json_scalar(item: Any) -> str | None:
    if item is None or isinstance(item, bool | int):
        return None
    if isinstance(item, str):
        problem = text_problem(item)
        return f"the JSON text {problem.message}" if problem else None
    if isinstance(item, float | decimal.Decimal):
        return (
            None
            if _finite(item)
            else f"{item!r} is not a JSON number (JSON has no NaN or infinity)"
        )
    return f"a {type(item).__name__} is not JSON"


_CELLS: dict[SqlType, Callable[[Any, SqlType], str | None]] = {
    SqlType.SMALLINT: _integer,
    SqlType.INT: _integer,
    SqlType.BIGINT: _integer,
    SqlType.NUMERIC: _numeric,
    SqlType.REAL: _floating,
    SqlType.DOUBLE: _floating,
    SqlType.VARCHAR: _text,
    SqlType.BOOLEAN: _is(bool),
    SqlType.DATE: _is(dt.date),
    SqlType.TIME: _is(dt.time),
    SqlType.TIMESTAMP: _timestamp,
    SqlType.TIMESTAMPTZ: _timestamp,
    SqlType.INTERVAL: _is(dt.timedelta),  # written as interval text (ecomdsl.sql.atoms)
    SqlType.BYTEA: _is(bytes),  # written in bytea's hex format
    SqlType.JSONB: _json,
}
