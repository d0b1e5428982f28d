"""What RisingWave knows about each relation: append-only, watermark columns, growth.

Derived over the resolved model the way RisingWave derives them: a watermark declared on a
table or source flows through views (inlined), filters and projections (renamed with the
column), HOP/TUMBLE (onto window_start and window_end) and GROUP BY (onto group keys that
carry one); a regular join keeps watermarks only where both sides have one on an equal key.
Append-only survives filters, projections, windows and inner joins of append-only inputs;
aggregates and outer joins produce updates, except under EMIT ON WINDOW CLOSE.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ecomdsl.kinds import BinaryOperator, JoinKind, KafkaFormat
from ecomdsl.lint.shapes import interval_condition
from ecomdsl.model import ir


@attrs.frozen
class Facts:
    """What is known about one relation. ``Facts.NONE`` is a relation nothing is known about
    (an unknown name, a join's side, a global aggregate): updates, no watermark, bounded."""

    NONE: ClassVar[Facts]

    append_only: bool
    watermarks: frozenset[str]  # columns with a watermark
    origins: frozenset[str]  # tables/sources whose watermark reaches these columns
    unbounded: bool  # rows keep arriving over time (an event stream, or windows of one)
    windowed: bool = False


Facts.NONE = Facts(append_only=False, watermarks=frozenset(), origins=frozenset(), unbounded=False)


def table_facts(t: ir.TableDef) -> Facts:
    w = t.watermark
    flows = w is not None and not w.ttl  # WITH TTL cleans the table only
    plain = t.connector is None or t.connector.format == KafkaFormat.PLAIN
    append_only = t.append_only or (t.connector is not None and plain)
    return Facts(
        append_only,
        frozenset({w.column}) if flows and w is not None else frozenset(),
        frozenset({t.name}) if flows else frozenset(),
        unbounded=append_only,  # an append-only table only grows; keyed tables are bounded
    )


def windowed(f: Facts, time_column: str) -> Facts:
    """HOP/TUMBLE over a relation: a watermark on the time column reaches window_start/_end."""
    if time_column in f.watermarks:
        marks = f.watermarks | {"window_start", "window_end"}
        return attrs.evolve(f, watermarks=marks, windowed=True)
    return attrs.evolve(f, windowed=True)


def join_keys(on: ir.IExpr) -> list[tuple[ir.IColumn, ir.IColumn]]:
    """Column = column equalities between the two sides, from the ON conjuncts."""
    if isinstance(on, ir.IBinary) and on.op == BinaryOperator.AND:
        return join_keys(on.left) + join_keys(on.right)
    if (
        isinstance(on, ir.IBinary)
        and on.op == BinaryOperator.EQ
        and isinstance(on.left, ir.IColumn)
        and isinstance(on.right, ir.IColumn)
        and on.left.qualifier != on.right.qualifier
    ):
        return [(on.left, on.right)]
    return []


def side_names(s: ir.ISource) -> tuple[str, str]:
    """(relation name, qualifier) of a join side."""
    assert isinstance(s, ir.ITable)
    return s.name, s.alias or s.name


def join_bounded(
    j: ir.IJoin, keys: list[tuple[ir.IColumn, ir.IColumn]], lf: Facts, rf: Facts
) -> bool:
    """The watermarks clean a regular join's state: a window join (equal window_start on
    both sides) or an interval join (a range condition between watermark columns)."""
    window_join = any(
        a.name == b.name == "window_start" and a.name in lf.watermarks and b.name in rf.watermarks
        for a, b in keys
    )
    if window_join:
        return True
    (_, lq), (_, rq) = side_names(j.left), side_names(j.right)
    return (
        bool(lf.watermarks)
        and bool(rf.watermarks)
        and interval_condition(j.on, lq, rq, lf.watermarks, rf.watermarks)
    )


def join_output(how: str, keys: list[tuple[ir.IColumn, ir.IColumn]], lf: Facts, rf: Facts) -> Facts:
    """A regular join keeps a watermark only on an equal key that has one on both sides."""
    common = frozenset(
        a.name for a, b in keys if a.name in lf.watermarks and b.name in rf.watermarks
    )
    return Facts(
        append_only=how == JoinKind.INNER and lf.append_only and rf.append_only,
        watermarks=common,
        origins=(lf.origins | rf.origins) if common else frozenset(),
        unbounded=lf.unbounded or rf.unbounded,
        windowed=lf.windowed and rf.windowed,
    )


def union_output(parts: list[Facts], *, distinct: bool) -> Facts:
    """A watermark survives a union where every input has it; UNION (distinct) retracts."""
    marks = frozenset.intersection(*(p.watermarks for p in parts)) if parts else frozenset()
    return Facts(
        append_only=all(p.append_only for p in parts) and not distinct,
        watermarks=marks,
        origins=frozenset().union(*(p.origins for p in parts)) if marks else frozenset(),
        unbounded=any(p.unbounded for p in parts),
        windowed=all(p.windowed for p in parts),
    )


def project(f: Facts, select: tuple[tuple[str, ir.IExpr], ...]) -> Facts:
    """Watermarks follow bare columns under their new names; window functions make updates."""
    marks = {name for name, e in select if isinstance(e, ir.IColumn) and e.name in f.watermarks}
    has_window = any(isinstance(e, ir.IWindow) for _, e in select)
    return attrs.evolve(
        f,
        watermarks=frozenset(marks),
        append_only=f.append_only and not has_window,
        windowed=f.windowed and bool({"window_start", "window_end"} & {n for n, _ in select}),
    )


def is_watermark_key(e: ir.IExpr, f: Facts) -> bool:
    return isinstance(e, ir.IColumn) and e.name in f.watermarks


def aggregate_output(f: Facts, block: ir.Block) -> Facts:
    keys = [k for k in block.group_by if is_watermark_key(k, f)]
    names = {n for n, e in block.select if isinstance(e, ir.IColumn) and any(e == k for k in keys)}
    return Facts(
        append_only=False,
        watermarks=frozenset(names),
        origins=f.origins if names else frozenset(),
        unbounded=f.unbounded and bool(keys),  # one row per window keeps coming
        windowed=f.windowed and bool(keys),
    )
