"""The lint-stage rules as a table: each rule's check, message and hint, by site.

A check is a plain function of one site (`ecomdsl.lint.sites`) that yields a `Hit` for each
place its rule fires, with the values its message template names; `CHECKS` pairs it with the
rule's code, message and hint. `findings` runs the table over an object's sites in the order
the facts pass recorded them, and at each site in the order of the table, so a view's findings
read top to bottom like its query. Adding a rule: its row in `ecomdsl.lint.rules.RULES`, its
check here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.kinds import FrameKind, JoinKind
from ecomdsl.lint.shapes import TemporalProblem, aggregates, temporal_problems, walk
from ecomdsl.lint.sites import BlockSite, JoinSite, Site, TableSite, UnionSite, ViewSite, WindowSite
from ecomdsl.model import ir
from ecomdsl.types import SqlType

CALENDAR_UNITS = ("DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS")

S = TypeVar("S", JoinSite, BlockSite, WindowSite, UnionSite, ViewSite, TableSite)


@attrs.frozen
class Finding:
    """A rule firing on one object, before suppressions and configured severities."""

    code: str
    obj: str
    location: SourceLocation
    message: str
    hint: str | None = None


@attrs.frozen
class Hit:
    """One place a rule fires: where (None: the object itself), and its message's values."""

    at: SourceLocation | None
    values: Mapping[str, object] = attrs.field(factory=dict)


def hit(at: SourceLocation | None, **values: object) -> Hit:
    return Hit(at, values)


@attrs.frozen
class Check(Generic[S]):
    """A rule's check at one kind of site, with the message (a ``str.format`` template over
    the hit's values) and the hint it reports."""

    code: str
    site: type[S]
    fires: Callable[[S], Iterable[Hit]]
    message: str
    hint: str
    once: bool = False  # report only its first hit in an object


# ---- joins ----


def no_equality(j: JoinSite) -> Iterator[Hit]:
    if not j.keys:
        yield hit(j.join.location)


def temporal_target(j: JoinSite) -> Iterator[Hit]:
    if not j.join.temporal:
        return
    target, how = j.right_target, j.join.how
    if j.right_is_cte:
        problem = "its right side is a query (a CTE), not a table or materialized view"
        yield hit(j.join.location, problem=problem)
    elif isinstance(target, ir.TableDef) and target.connector is not None:
        problem = f"its right side {j.right!r} is a source, which stores nothing to look up"
        yield hit(j.join.location, problem=problem)
    elif how in (JoinKind.RIGHT, JoinKind.FULL):
        yield hit(j.join.location, problem=f"a temporal join cannot be {how.upper()}")


def unbounded_join(j: JoinSite) -> Iterator[Hit]:
    if not j.join.temporal and not j.bounded and j.growing:
        yield hit(j.join.location, left=j.left, right=j.right, grows=" and ".join(j.growing))


# ---- blocks ----


def now_in_output(b: BlockSite) -> Iterator[Hit]:
    for e in b.outputs:
        yield from (hit(n.location) for n in walk(e) if isinstance(n, ir.INow))


_TEMPORAL_PROBLEMS = {
    TemporalProblem.OR: "two temporal filters joined by OR",
    TemporalProblem.SHAPE: "NOW() must appear as `column <op> now_expression`, with "
    "now_expression non-decreasing (now(), now() - interval, date_trunc(unit, now()))",
}


def now_not_temporal_filter(b: BlockSite) -> Iterator[Hit]:
    for condition in b.conditions:
        for problem, location in temporal_problems(condition):
            yield hit(location, problem=_TEMPORAL_PROBLEMS[problem])


def proctime(b: BlockSite) -> Iterator[Hit]:
    for e in [*b.outputs, *b.conditions]:
        yield from (hit(n.location) for n in walk(e) if isinstance(n, ir.IProcTime))


def unwindowed_group_by(b: BlockSite) -> Iterator[Hit]:
    if b.block.aggregated and b.block.group_by and b.facts.unbounded and not b.keyed:
        yield hit(b.block.location)


def retracting_min_max(b: BlockSite) -> Iterator[Hit]:
    if not b.block.aggregated or b.facts.append_only:
        return
    for _, e in b.block.select:
        for agg in aggregates(e):
            if agg.func in ("MIN", "MAX") or agg.distinct:
                name = "count distinct" if agg.distinct else agg.func.lower()
                yield hit(b.block.location, name=name)


def eowc_global_aggregate(b: BlockSite) -> Iterator[Hit]:
    if b.eowc and b.block.aggregated and not b.block.group_by:
        yield hit(b.block.location)


def eowc_unkeyed_aggregate(b: BlockSite) -> Iterator[Hit]:
    if b.eowc and b.block.aggregated and b.block.group_by and not b.keyed:
        yield hit(b.block.location)


# ---- window functions, unions, views, tables ----


def unpartitioned_window(w: WindowSite) -> Iterator[Hit]:
    if not w.window.partition and not w.window.implicit_partition:
        yield hit(w.window.location)


def calendar_range_frame(w: WindowSite) -> Iterator[Hit]:
    frame, order = w.window.frame, w.window.order
    if frame is None or order is None or frame.kind != FrameKind.RANGE:
        return
    if order.type is not SqlType.TIMESTAMPTZ:
        return
    for bound in (frame.start, frame.end):
        if isinstance(bound, ir.Interval) and bound.unit in CALENDAR_UNITS:
            yield hit(w.window.location, unit=bound.unit.lower(), amount=bound.amount)


def eowc_window_order(w: WindowSite) -> Iterator[Hit]:
    if w.eowc and not w.ordered_by_watermark:
        yield hit(w.window.location)


def unbounded_over_window(w: WindowSite) -> Iterator[Hit]:
    if not w.eowc and w.facts.unbounded:
        yield hit(w.window.location)


def union_distinct(u: UnionSite) -> Iterator[Hit]:
    if u.union.distinct:
        yield hit(u.union.location)


def row_number_without_top_n(v: ViewSite) -> Iterator[Hit]:
    for names, location in v.row_numbers:
        yield hit(location, names=", ".join(sorted(names)))


def eowc_without_watermark(v: ViewSite) -> Iterator[Hit]:
    if v.view.emit_on_window_close and not v.source.watermarks and not v.output.watermarks:
        yield hit(None)


def unused_watermark(t: TableSite) -> Iterator[Hit]:
    w = t.table.watermark
    if w is not None and not w.ttl and not t.watermark_used:
        yield hit(None, column=w.column)


# ---- the table ----

# At one site the checks run in this order: the order their findings are reported in.
CHECKS: tuple[Check[Any], ...] = (
    Check(
        code="RW013",
        site=JoinSite,
        fires=no_equality,
        message="join without an equality between the two sides: RisingWave would need a "
        "nested-loop join, which it does not run in streaming",
        hint="join on a key (left.c.id == right.c.id), plus any other condition",
    ),
    Check(
        code="RW011",
        site=JoinSite,
        fires=temporal_target,
        message="temporal join: {problem}",
        hint="look up a table or materialized view, with how='inner' or 'left'",
    ),
    Check(
        code="RW101",
        site=JoinSite,
        fires=unbounded_join,
        message="regular join of {left} and {right} keeps both inputs in state, and {grows} "
        "grows without bound",
        hint="join to a table with temporal=True, join windows on window_start, or accept the "
        "state (allow=...)",
    ),
    Check(
        code="RW003",
        site=BlockSite,
        fires=now_in_output,
        message="NOW() is allowed only in WHERE, HAVING, ON and FROM of a streaming query, "
        "not in its output",
        hint="filter on it instead: .where(col('ts') > now() - interval('1 hour'))",
    ),
    Check(
        code="RW003",
        site=BlockSite,
        fires=now_not_temporal_filter,
        message="{problem}",
        hint="compare a column with now(), now() - interval(...) or date_trunc(..., now()); "
        "one temporal filter per OR",
    ),
    Check(
        code="RW004",
        site=BlockSite,
        fires=proctime,
        message="PROCTIME() is allowed only in CREATE TABLE/SOURCE",
        hint="use now() in a temporal filter",
    ),
    Check(
        code="RW102",
        site=BlockSite,
        fires=unwindowed_group_by,
        message="GROUP BY over an unbounded stream with no window: one state row per key, "
        "kept forever",
        hint="group by window_start of a Tumble/Hop, or accept the state (allow=...)",
    ),
    Check(
        code="RW104",
        site=BlockSite,
        fires=retracting_min_max,
        message="{name} over input that is not append-only keeps every input row in state "
        "(to handle deletes)",
        hint="aggregate the append-only stream before it is joined or updated",
    ),
    Check(
        code="RW006",
        site=BlockSite,
        fires=eowc_global_aggregate,
        message="EMIT ON WINDOW CLOSE cannot be used on an aggregate without GROUP BY",
        hint="group by window_start of a Tumble/Hop",
    ),
    Check(
        code="RW006",
        site=BlockSite,
        fires=eowc_unkeyed_aggregate,
        message="EMIT ON WINDOW CLOSE needs a watermark column (e.g. window_start) in GROUP BY",
        hint="group by window_start of a Tumble/Hop over a watermarked stream",
    ),
    Check(
        code="RW002",
        site=WindowSite,
        fires=unpartitioned_window,
        message="a window function without PARTITION BY is refused in streaming",
        hint="partition it: over(partition_by=...)",
    ),
    Check(
        code="RW010",
        site=WindowSite,
        fires=calendar_range_frame,
        message="a RANGE frame on a timestamptz column cannot use {unit} ({amount} {unit})",
        hint="write the offset in hours or smaller units, e.g. '24 hours'",
    ),
    Check(
        code="RW006",
        site=WindowSite,
        fires=eowc_window_order,
        message="EMIT ON WINDOW CLOSE needs the window ordered by a single watermark column",
        hint="order by window_start (or the stream's event time)",
    ),
    Check(
        code="RW103",
        site=WindowSite,
        fires=unbounded_over_window,
        message="an OVER window over a growing input without EMIT ON WINDOW CLOSE: its state "
        "is never cleaned",
        hint="emit_on_window_close=True (ordered by a watermark column), or accept the state "
        "(allow=...)",
        once=True,
    ),
    Check(
        code="RW105",
        site=UnionSite,
        fires=union_distinct,
        message="UNION removes duplicates, so RisingWave keeps every row in state",
        hint="union_all(...) when duplicates cannot occur or are wanted",
    ),
    Check(
        code="RW106",
        site=ViewSite,
        fires=row_number_without_top_n,
        message="row_number() ({names}) without a top-N filter: RisingWave runs a general OVER "
        "window and keeps every row",
        hint="keep the top N with .where(col('rn') <= N) right after it",
    ),
    Check(
        code="RW006",
        site=ViewSite,
        fires=eowc_without_watermark,
        message="EMIT ON WINDOW CLOSE, but no watermark reaches this view",
        hint="declare a watermark on the stream this view reads",
    ),
    Check(
        code="RW107",
        site=TableSite,
        fires=unused_watermark,
        message="the watermark on {column!r} is used by no window or EMIT ON WINDOW CLOSE "
        "downstream",
        hint="window on it (Hop/Tumble), or drop the watermark",
    ),
)

_BY_SITE: dict[type[Site], list[Check[Any]]] = {
    kind: [c for c in CHECKS if c.site is kind] for kind in dict.fromkeys(c.site for c in CHECKS)
}


def findings(d: ir.ObjectDef, sites: Iterable[Site]) -> tuple[Finding, ...]:
    """The findings on ``d``, site by site; an identical finding is reported once."""
    found: list[Finding] = []
    for site in sites:
        for check in _BY_SITE.get(type(site), []):
            if check.once and any(f.code == check.code for f in found):
                continue
            for h in check.fires(site):
                finding = Finding(
                    code=check.code,
                    obj=d.name,
                    location=h.at or d.location,
                    message=check.message.format_map(h.values),
                    hint=check.hint,
                )
                if finding not in found:
                    found.append(finding)
    return tuple(found)
