"""Which rows a streaming database keeps: the watermark's late-event rule and upserts.

RisingWave drops a row that arrives behind its table's watermark, and a table with a primary
key keeps the last row written per key. A batch engine needs the same rows, so they are
decided here, in Python, before loading:

- In a table with a watermark, a row is kept iff its event time is not NULL and is at least
  ``M - delay``, where ``M`` is the greatest event time among the rows kept from *earlier*
  statements; rows within one statement never drop each other (RisingWave advances the
  watermark between statements, at ``FLUSH``).
- In a table with a primary key, a later row with the same key replaces the earlier one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from ecomdsl.model import ir


@attrs.frozen
class Loaded:
    """The rows to load, and each watermarked table's final watermark."""

    inserts: tuple[ir.Insert, ...]  # empty when rows were loaded from files
    counts: dict[str, int]  # table -> rows loaded
    dropped: dict[str, int]  # table -> late rows dropped
    final_watermarks: dict[str, dt.datetime]  # table -> greatest kept event time - delay
    newest: dt.datetime | None  # the greatest event time loaded into any watermarked table


def delay_of(w: ir.Watermark) -> dt.timedelta:
    if w.delay.months:
        raise ValueError("a watermark delay in months or years has no fixed length")
    return dt.timedelta(seconds=w.delay.seconds)


def kept_rows(inserts: Sequence[ir.Insert], tables: dict[str, ir.TableDef]) -> Loaded:
    """Apply the late-event rule and upserts to the test-data statements, in order."""
    high: dict[str, Any] = {}
    dropped: dict[str, int] = {}
    out: list[ir.Insert] = []
    for insert in inserts:
        table = tables[insert.table]
        rows = list(insert.rows)
        w = table.watermark
        if w is not None and w.column in insert.columns:
            i = insert.columns.index(w.column)
            delay = delay_of(w)
            mark = high.get(table.name)
            keep = [r for r in rows if r[i] is not None and (mark is None or r[i] >= mark - delay)]
            dropped[table.name] = dropped.get(table.name, 0) + len(rows) - len(keep)
            if keep:
                newest = max(r[i] for r in keep)
                high[table.name] = newest if mark is None else max(mark, newest)
            rows = keep
        if rows:
            out.append(attrs.evolve(insert, rows=tuple(rows)))
    final = {
        name: high[name] - delay_of(t.watermark)
        for name, t in tables.items()
        if t.watermark is not None and name in high
    }
    inserts_out = tuple(_upserted(out, tables))
    counts: dict[str, int] = {}
    for insert in inserts_out:
        counts[insert.table] = counts.get(insert.table, 0) + len(insert.rows)
    newest = max(high.values()) if high else None
    return Loaded(inserts_out, counts, dropped, final, newest)


def _upserted(inserts: list[ir.Insert], tables: dict[str, ir.TableDef]) -> list[ir.Insert]:
    """Keep the last row per primary key (RisingWave's default ON CONFLICT overwrite)."""
    seen: dict[str, dict[tuple[Any, ...], tuple[int, int]]] = {}
    for s, insert in enumerate(inserts):
        key = tables[insert.table].primary_key
        if not key or not set(key) <= set(insert.columns):
            continue
        idx = [insert.columns.index(k) for k in key]
        per_table = seen.setdefault(insert.table, {})
        for r, row in enumerate(insert.rows):
            per_table[tuple(row[i] for i in idx)] = (s, r)
    if not seen:
        return inserts
    result = []
    for s, insert in enumerate(inserts):
        winners = seen.get(insert.table)
        if winners is None:
            result.append(insert)
            continue
        latest = {pos for pos in winners.values() if pos[0] == s}
        rows = tuple(row for r, row in enumerate(insert.rows) if (s, r) in latest)
        if rows:
            result.append(attrs.evolve(insert, rows=rows))
    return result
