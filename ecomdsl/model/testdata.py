"""Test data: running the pipeline's own generator, and checking rows of Python values
against the columns they go into, into `ir.Insert`s.

`table_rows` is also how ``ecomdsl.testing`` checks the rows a test gives, so both report
the same problems in the same words.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ecomdsl.dsl import objects
from ecomdsl.errors import Diagnostics, SourceLocation, did_you_mean
from ecomdsl.model import ir
from ecomdsl.types import Category, SqlType


def generated_inserts(
    pipeline: objects.Pipeline, defs: Mapping[str, ir.ObjectDef], report: Diagnostics
) -> tuple[ir.Insert, ...]:
    """The INSERTs of ``pipeline.test_data()``; a generator that raises is reported, not raised."""
    source = pipeline.test_data
    if source is None:
        return ()
    code = getattr(source, "__code__", None)
    loc = SourceLocation(code.co_filename, code.co_firstlineno) if code else pipeline.location
    label = f"test data of {pipeline.name!r}"
    try:
        statements = [(table, list(rows)) for table, rows in source()]
    except Exception as err:  # the user's generator: report, never a traceback
        report.error(f"{label}: the generator raised {type(err).__name__}: {err}", loc)
        return ()
    inserts: list[ir.Insert] = []
    for table, rows in statements:
        target = defs.get(table)
        if not isinstance(target, ir.TableDef) or target.connector is not None:
            report.error(
                f"{label}: cannot insert into {table!r} (not a table or stream without connector)",
                loc,
                hint=did_you_mean(
                    str(table), [n for n, d in defs.items() if isinstance(d, ir.TableDef)]
                ),
            )
            continue
        if not rows:
            continue
        insert = table_rows(target, rows, loc, label, report)
        if insert is not None:
            inserts.append(insert)
    return tuple(inserts)


def table_rows(
    table: ir.TableDef,
    rows: Sequence[Mapping[str, Any]],
    loc: SourceLocation,
    label: str,
    report: Diagnostics,
) -> ir.Insert | None:
    """One INSERT of ``rows`` into ``table``, or None after reporting unknown columns or
    values that do not fit their column (the first three)."""
    keys = set().union(*(set(row) for row in rows))
    unknown = sorted(keys - set(table.schema.names))
    if unknown:
        report.error(
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
            problem = value_problem(value, c.type)
            if problem and problems < 3:
                report.error(
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


# the Python values each kind of column takes
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


def value_problem(value: Any, type_: SqlType) -> str | None:
    """Why ``value`` cannot go into a ``type_`` column, or None when it can (NULL always can)."""
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
