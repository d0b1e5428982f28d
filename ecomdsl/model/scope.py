"""What a SELECT block can see: one entry per source it reads, and column lookup in them."""

from __future__ import annotations

import attrs

from ecomdsl.dsl import expr as dsl
from ecomdsl.errors import Diagnostics, did_you_mean
from ecomdsl.model import ir
from ecomdsl.types import SqlType


@attrs.frozen
class ScopeEntry:
    """Columns visible in a SELECT block from one source."""

    qualifier: str | None  # SQL qualifier for its columns (None: unqualified)
    label: str  # how errors name it
    schema: ir.Schema
    lineage: frozenset[int]  # ids of the builder relations whose columns it exposes
    # names this entry answers for when several entries have them (a join's `on` columns)
    preferred: frozenset[str] = frozenset()


Scope = tuple[ScopeEntry, ...]


def resolve_column(ref: dsl.Column, scope: Scope, report: Diagnostics) -> ir.IColumn:
    """The column ``ref`` names in ``scope``; reports a missing or ambiguous name (type UNKNOWN).

    A reference made through a relation (``events.c.user_id``) looks only at the entries that
    expose that relation; of several entries with the name, one that prefers it wins.
    """
    entries = scope
    if ref.relation is not None:
        entries = tuple(e for e in scope if id(ref.relation) in e.lineage)
        if not entries:
            owner = getattr(ref.relation, "name", type(ref.relation).__name__)
            report.error(
                f"column {ref.name!r} of {owner!r} is not available here "
                f"(this query reads {', '.join(repr(e.label) for e in scope)})",
                ref.location,
            )
            return ir.IColumn(ref.name, None, SqlType.UNKNOWN)
    found = [(e, c) for e in entries if (c := e.schema.get(ref.name)) is not None]
    if len(found) > 1:
        preferred = [(e, c) for e, c in found if ref.name in e.preferred]
        found = preferred if len(preferred) == 1 else found
    if len(found) == 1:
        entry, column = found[0]
        return ir.IColumn(column.name, entry.qualifier, column.type)
    if len(found) > 1:
        sides = ", ".join(f"{e.label}.c.{ref.name}" for e, _ in found)
        report.error(
            f"column {ref.name!r} is ambiguous: it is in {' and '.join(e.label for e, _ in found)}",
            ref.location,
            hint=f"say which one: {sides}",
        )
        return ir.IColumn(ref.name, None, SqlType.UNKNOWN)
    names = [n for e in entries for n in e.schema.names]
    where = " or ".join(repr(e.label) for e in entries)
    report.error(
        f"column {ref.name!r} not found in {where}",
        ref.location,
        hint=did_you_mean(ref.name, names) or f"available: {', '.join(names)}",
    )
    return ir.IColumn(ref.name, None, SqlType.UNKNOWN)
