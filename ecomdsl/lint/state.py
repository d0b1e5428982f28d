"""What ``ecomdsl explain`` says bounds (or does not bound) each object's state.

One or two lines per site (`ecomdsl.lint.sites`), in query order and without repeats: the
same facts the rules look at, said as what RisingWave keeps and when it lets go.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from ecomdsl.lint.sites import BlockSite, JoinSite, Site, TableSite, UnionSite, ViewSite, WindowSite
from ecomdsl.model import ir


def state(d: ir.ObjectDef, sites: Iterable[Site]) -> tuple[str, ...]:
    lines = [line for site in sites for line in _lines(site)]
    if isinstance(d, ir.ViewDef):
        if not d.materialized:
            lines.append("a plain view: inlined into each reader, no state")
        elif not lines:
            lines.append("stateless apart from its own rows")
    return tuple(dict.fromkeys(lines))


def _lines(site: Site) -> list[str]:
    match site:
        case TableSite():
            return [_table(site.table)]
        case JoinSite():
            return _join(site)
        case BlockSite():
            return _block(site)
        case WindowSite():
            return _window(site)
        case UnionSite():
            return ["UNION keeps every distinct row, to deduplicate"] if site.union.distinct else []
        case ViewSite():
            return []
        case _:
            assert_never(site)


def _table(t: ir.TableDef) -> str:
    if t.connector is not None:
        return "a source: stores nothing"
    if t.append_only:
        return "append-only table: its rows are stored as they arrive"
    return "table keyed by " + (", ".join(t.primary_key) if t.primary_key else "a hidden row id")


def _join(j: JoinSite) -> list[str]:
    if j.join.temporal:
        if j.left_facts.append_only:
            return [f"temporal join to {j.right}: no join state for {j.left}"]
        return [f"temporal join to {j.right}: lookups of changing {j.left} rows are kept"]
    if j.bounded:
        return [f"join state of {j.left} and {j.right} cleaned by watermark"]
    if j.growing:
        return [f"join state grows without bound ({' and '.join(j.growing)})"]
    return []


def _block(b: BlockSite) -> list[str]:
    lines = [f"temporal filter keeps {b.filtered}; older rows are deleted"] if b.filtered else []
    if b.block.aggregated and b.block.group_by:
        if b.facts.unbounded and not b.keyed:
            lines.append("one aggregate state row per group key, kept forever")
        elif b.keyed:
            lines.append("aggregate state per window" + (", closed by watermark" if b.eowc else ""))
    return lines


def _window(w: WindowSite) -> list[str]:
    if w.eowc:
        return (
            ["over window: rows evicted as the watermark passes"] if w.ordered_by_watermark else []
        )
    if w.facts.unbounded:
        return ["over window keeps every row of each partition, forever"]
    return []
