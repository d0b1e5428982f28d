"""Test data: running the pipeline's own generator, and checking rows of Python values
against the columns they go into, into `ir.Insert`s.

`table_rows` is also how ``ecomdsl.testing`` checks the rows a test gives, so both report
the same problems in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ecomdsl.dsl import objects
from ecomdsl.errors import Diagnostics, SourceLocation, did_you_mean
from ecomdsl.model import ir
from ecomdsl.model.values import cell_problem


def generated_inserts(
    pipeline: objects.Pipeline, defs: Mapping[str, ir.ObjectDef], report: Diagnostics
) -> tuple[ir.Insert, ...]:
    """The INSERTs of ``pipeline.test_data()``; a generator that raises is reported, not
    raised (one that calls sys.exit() is the CLI's to report, like any pipeline code)."""
    source = pipeline.test_data
    if source is None:
        return ()
    code = getattr(source, "__code__", None)
    loc = SourceLocation(code.co_filename, code.co_firstlineno) if code else pipeline.location
    label = f"test data of {pipeline.name!r}"
    statements = _statements(source, label, loc, report)
    inserts: list[ir.Insert] = []
    for table, rows in statements or ():
        target = defs.get(table)
        if not isinstance(target, ir.TableDef) or target.connector is not None:
            report.error(
                f"{label}: cannot insert into {table!r} (not a table or stream without connector)",
                loc,
                hint=did_you_mean(
                    table, [n for n, d in defs.items() if isinstance(d, ir.TableDef)]
                ),
            )
            continue
        if not rows:
            continue
        insert = table_rows(target, rows, loc, label, report)
        if insert is not None:
            inserts.append(insert)
    return tuple(inserts)


def _statements(
    source: Callable[[], object], label: str, loc: SourceLocation, report: Diagnostics
) -> list[tuple[str, list[object]]] | None:
    """What the generator returns, as (table, rows) pairs; None after reporting a generator
    that raised, or that returned something else."""
    try:
        returned = source()
        listed = isinstance(returned, Iterable) and not isinstance(returned, str | Mapping)
        items: list[object] = list(returned) if isinstance(returned, Iterable) and listed else []
        pairs = [_pair(item) for item in items]
    except Exception as err:  # the user's generator: report, never a traceback
        report.error(f"{label}: the generator raised {type(err).__name__}: {err}", loc)
        return None
    wrong = [item for item, pair in zip(items, pairs, strict=True) if pair is None]
    if listed and not wrong:
        return [pair for pair in pairs if pair is not None]
    report.error(
        f"{label}: the generator must return (table name, rows) pairs, "
        f"not {_kind(wrong[0] if listed else returned)}",
        loc,
        hint='e.g. return [("orders", [{"order_id": "o1", "amount": 5}])]',
    )
    return None


def _pair(item: object) -> tuple[str, list[object]] | None:
    """``(table, rows)`` with the rows listed (the generator may yield them lazily)."""
    if not isinstance(item, tuple | list) or len(item) != 2:
        return None
    table, rows = item
    if not isinstance(table, str) or isinstance(rows, str | bytes | Mapping):
        return None
    return (table, list(rows)) if isinstance(rows, Iterable) else None


def _kind(value: object) -> str:
    return f"a {type(value).__name__}" + (f" {value!r}" if isinstance(value, str) else "")


def table_rows(
    table: ir.TableDef,
    rows: Sequence[object],
    loc: SourceLocation,
    label: str,
    report: Diagnostics,
) -> ir.Insert | None:
    """One INSERT of ``rows`` into ``table``, or None after reporting rows that are not
    dicts, unknown columns or values that do not fit their column (the first three)."""
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or not all(isinstance(k, str) for k in row):
            report.error(
                f"{label}: row {i} of {table.name!r} is {_kind(row)}; each row is a dict "
                "of column name -> value",
                loc,
                hint=f'e.g. {{"{table.schema.names[0] if table.schema.names else "id"}": ...}}',
            )
            return None
    dicts: list[Mapping[str, Any]] = [r for r in rows if isinstance(r, Mapping)]
    keys = set().union(*(set(row) for row in dicts))
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
    for i, row in enumerate(dicts):
        out = []
        for c in columns:
            value = row.get(c.name)
            problem = cell_problem(value, c.type)
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
