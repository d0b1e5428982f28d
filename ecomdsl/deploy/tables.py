"""Tables in a plan: what changed, what can change in place, and the scratch names of a
recreate. Pure functions over the catalog, the journal and the pipeline's table specs."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlglot import exp

from ecomdsl.deploy.catalog import MV, SOURCE, TABLE, VIEW, Catalog
from ecomdsl.deploy.desired import Desired, DesiredObject, TableSpec
from ecomdsl.deploy.plan import (
    ObjectEvent,
    Options,
)
from ecomdsl.deploy.state import BUILDING, LIVE, JournalState
from ecomdsl.dialect import identifier


def drop_kind(kind: str) -> str:
    return {MV: "MATERIALIZED VIEW", VIEW: "VIEW", TABLE: "TABLE", SOURCE: "SOURCE"}.get(
        kind, kind.upper()
    )


STRATEGIES = ("copy", "empty")
RESERVED = re.compile(r"__(ecd_(new|old|next|prev|legacy)|[0-9a-f]{8})$")
MAX_PG_NAME = 51  # 63 bytes, less the longest suffix ecomdsl adds (__ecd_legacy)


def allowance(options: Options, name: str) -> tuple[bool, str | None]:
    """Whether ``--allow-destructive`` names the table, and the strategy given with it."""
    for entry in options.allow_destructive:
        allowed, _, strategy = entry.partition("=")
        if allowed == name:
            return True, strategy or None
    return False, None


def scratch_names(table: str) -> tuple[str, str]:
    """The new table of a recreate, and the old one once replaced (a long name is
    shortened with a hash of it, so two long names never share scratch names)."""
    base = table
    if len(table.encode()) > 50:
        base = table[:40] + "_" + hashlib.sha256(table.encode()).hexdigest()[:8]
    return f"{base}__ecd_new", f"{base}__ecd_old"


def interrupted_swap(catalog: Catalog, ours: dict[str, Any], table: str) -> bool:
    """A recreate of ``table`` got past its swap but not past journaling it: the new table
    is journaled ``building``, and the catalog shows the swap (an old table left, or, on
    RisingWave between SWAP and RENAME, the scratch name on the older table: ids only grow)."""
    new, old = scratch_names(table)
    record = ours.get(new)
    if record is None or record.state != BUILDING:
        return False
    current, new_rel = catalog.get(table), catalog.get(new)
    if catalog.get(old) is not None:
        return True
    return current is not None and new_rel is not None and new_rel.oid < current.oid


def table_changes(
    catalog: Catalog, o: DesiredObject, record: Any
) -> tuple[list[exp.ColumnDef], list[str]]:
    """Columns to add, and the changes that cannot be made in place."""
    assert o.table is not None
    added, destructive = _column_diff(catalog.columns.get(o.name, ()), o.table)
    if record is not None and record.detail:
        destructive.extend(_identity_diff(record.detail, o.table))
    return added, destructive


def table_generations(
    want: Desired, catalog: Catalog, journal: JournalState, options: Options
) -> dict[str, int]:
    """How often each table has been recreated, counting a recreate this plan makes or
    finishes (part of its readers' identity)."""
    found: dict[str, int] = {}
    ours = {k: v for k, v in journal.objects.items() if v.pipeline == want.pipeline.name}
    for o in want.objects:
        if o.table is None:
            continue
        record = ours.get(o.name)
        generation = record.generation if record else 0
        if record is not None and catalog.get(o.name) is not None:
            if interrupted_swap(catalog, ours, o.name):
                generation += 1
            else:
                _, destructive = table_changes(catalog, o, record)
                allowed, strategy = allowance(options, o.name)
                if destructive and allowed and strategy in STRATEGIES:
                    generation += 1
        found[o.name] = generation
    return found


def table_event(o: DesiredObject) -> ObjectEvent:
    assert o.table is not None
    return ObjectEvent(
        o.name,
        o.name,
        o.kind,
        LIVE,
        o.table.version,
        o.generation,
        json.dumps(dict(o.table.identity_parts)),
    )


def renamed_create(create: exp.Expr, name: str) -> exp.Expr:
    tree = create.copy()
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    target.set("this", identifier(name))
    return tree


def copy_rows(table: str, new: str, columns: list[tuple[str, exp.DataType]]) -> exp.Insert:
    """``INSERT INTO new (c, ...) SELECT CAST(c AS type), ... FROM table``."""
    select = exp.select(
        *[exp.Cast(this=exp.column(identifier(n)), to=t.copy()) for n, t in columns]
    ).from_(exp.Table(this=identifier(table)))
    return exp.Insert(
        this=exp.Schema(
            this=exp.Table(this=identifier(new)), expressions=[identifier(n) for n, _ in columns]
        ),
        expression=select,
    )


def _same_type(live: str, want: exp.DataType) -> bool:
    try:
        parsed = exp.DataType.build(live, dialect="postgres")
    except Exception:  # an engine type sqlglot does not know: compare the text
        return live.lower() == want.sql("postgres").lower()
    if parsed.this != want.this:
        return False
    return not (parsed.expressions and want.expressions) or parsed == want


def _column_diff(
    live: tuple[tuple[str, str], ...], spec: TableSpec
) -> tuple[list[exp.ColumnDef], list[str]]:
    """Columns to add at the end, and every change that cannot be made in place."""
    want = list(spec.columns)
    problems: list[str] = []
    want_names = [n for n, _ in want]
    live_names = [n for n, _ in live]
    removed = [n for n in live_names if n not in want_names]
    if removed:
        problems.append(
            "column(s) " + ", ".join(removed) + " of the database table not in the pipeline "
            "(removed from it, or added outside ecomdsl)"
        )
    for name, type_text in live:
        target = dict(want).get(name)
        if target is not None and not _same_type(type_text, target):
            problems.append(f"column {name}: type {type_text} -> {target.sql('postgres').lower()}")
    kept = [n for n in want_names if n in live_names]
    if not removed and kept != live_names[: len(kept)]:
        problems.append("columns reordered")
    if problems:
        return [], problems
    if want_names[: len(live_names)] != live_names:
        return [], ["new columns must come after the existing ones (RisingWave adds at the end)"]
    added = [spec.column_defs[i] for i in range(len(live_names), len(want_names))]
    return added, []


def watermark_change(recorded: str | None, spec: TableSpec) -> str | None:
    """The identity change when only the watermark's delay changed (same column, same TTL
    flag): RisingWave >= 3.0 alters that in place (``alter_watermark.rs``)."""
    before: dict[str, str] = json.loads(recorded) if recorded else {}
    after = dict(spec.identity_parts)
    changed = [k for k, v in after.items() if k in before and before[k] != v]
    if changed != ["watermark"] or "none" in (before["watermark"], after["watermark"]):
        return None
    old, new = before["watermark"], after["watermark"]
    same_column = old.split(" - ")[0] == new.split(" - ")[0]
    same_ttl = old.endswith("WITH TTL") == new.endswith("WITH TTL")
    return f"watermark: {old} -> {new}" if same_column and same_ttl else None


def _identity_diff(recorded: str | None, spec: TableSpec) -> list[str]:
    before: dict[str, str] = json.loads(recorded) if recorded else {}
    found = []
    for what, value in spec.identity_parts:
        old = before.get(what)
        if old is not None and old != value:
            found.append(f"{what}: {old} -> {value}")
    return found
