"""The lint-stage rules, run over the resolved model with the facts of `ecomdsl.lint.facts`.

One pass over the pipeline in dependency order computes each relation's facts and, on the
way, every finding; the same pass records what `ecomdsl explain` prints about each object.
"""

from __future__ import annotations

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.lint.facts import (
    Facts,
    aggregate_output,
    is_watermark_key,
    join_keys,
    project,
    side_names,
    table_facts,
)
from ecomdsl.model import ir
from ecomdsl.types import SqlType

CALENDAR_UNITS = ("DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS")


@attrs.frozen
class Finding:
    code: str
    obj: str
    location: SourceLocation
    message: str
    hint: str | None = None


@attrs.define
class ObjectReport:
    """What `ecomdsl explain` says about one object."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    facts: Facts
    emit: str  # "on update" | "on window close" | "-"
    state: list[str] = attrs.Factory(list)  # what bounds (or does not bound) its state
    findings: list[Finding] = attrs.Factory(list)


class Analyzer:
    def __init__(self, pipeline: ir.ResolvedPipeline) -> None:
        self.p = pipeline
        self.defs = {d.name: d for d in pipeline.objects}
        self.reports: dict[str, ObjectReport] = {}
        self.used_watermarks: set[str] = set()
        self._report: ObjectReport | None = None

    # ---- entry ----

    def run(self) -> dict[str, ObjectReport]:
        env: dict[str, Facts] = {}
        for d in self.p.objects:
            if isinstance(d, ir.TableDef):
                f = table_facts(d)
                report = ObjectReport(d.name, d.kind, (), f, "-")
                report.state.append(_table_state(d))
                self.reports[d.name] = report
                env[d.name] = f
                continue
            emit = "on window close" if d.emit_on_window_close else "on update"
            self._report = ObjectReport(d.name, d.kind, d.reads, Facts.NONE, emit)
            self.reports[d.name] = self._report
            local = dict(env)
            ctes = {name for name, _ in d.query.ctes}
            self._pending_top_n: dict[str, tuple[set[str], SourceLocation | None]] = {}
            for name, rel in d.query.ctes:
                local[name] = self.relation(d, rel, local, ctes, final=False, name=name)
            source = self._source_facts(_first_block(d.query.body), local)
            out = self.relation(d, d.query.body, local, ctes, final=True, name=None)
            for _, (names, where) in sorted(self._pending_top_n.items()):
                self.find(
                    "RW106", d, where,
                    f"row_number() ({', '.join(sorted(names))}) without a top-N filter: "
                    "RisingWave runs a general OVER window and keeps every row",
                    "keep the top N with .where(col('rn') <= N) right after it",
                )  # fmt: skip
            if d.emit_on_window_close:
                if not source.watermarks and not out.watermarks:
                    self.find(
                        "RW006", d, None,
                        "EMIT ON WINDOW CLOSE, but no watermark reaches this view",
                        "declare a watermark on the stream this view reads",
                    )  # fmt: skip
                self.used_watermarks |= out.origins | source.origins
                out = attrs.evolve(out, append_only=True)
            if not d.materialized:
                self._report.state.append("a plain view: inlined into each reader, no state")
            elif not self._report.state:
                self._report.state.append("stateless apart from its own rows")
            self._report.state = list(dict.fromkeys(self._report.state))
            self._report.facts = out
            env[d.name] = out
        self.unused_watermarks()
        return self.reports

    # ---- findings ----

    def find(
        self,
        code: str,
        d: ir.ObjectDef,
        where: SourceLocation | None,
        message: str,
        hint: str | None,
    ) -> None:
        finding = Finding(code, d.name, where or d.location, message, hint)
        findings = self.reports[d.name].findings
        if finding not in findings:
            findings.append(finding)

    def unused_watermarks(self) -> None:
        for d in self.p.objects:
            w = d.watermark if isinstance(d, ir.TableDef) else None
            if w is not None and not w.ttl and d.name not in self.used_watermarks:
                self.find(
                    "RW107", d, None,
                    f"the watermark on {w.column!r} is used by no window or EMIT ON WINDOW "
                    "CLOSE downstream",
                    "window on it (Hop/Tumble), or drop the watermark",
                )  # fmt: skip

    # ---- sources ----

    def _source_facts(self, b: ir.Block, env: dict[str, Facts]) -> Facts:
        s = b.source
        if isinstance(s, ir.ITable):
            return env.get(s.name, Facts.NONE)
        if isinstance(s, ir.IWindowTable):
            return env.get(s.table, Facts.NONE)
        return Facts.NONE

    def source(self, d: ir.ViewDef, s: ir.ISource, env: dict[str, Facts], ctes: set[str]) -> Facts:
        report = self.reports[d.name]
        if isinstance(s, ir.ITable):
            return env.get(s.name, Facts.NONE)
        if isinstance(s, ir.IWindowTable):
            f = env.get(s.table, Facts.NONE)
            if s.time_column in f.watermarks:
                self.used_watermarks |= f.origins
                marks = f.watermarks | {"window_start", "window_end"}
                return attrs.evolve(f, watermarks=marks, windowed=True)
            return attrs.evolve(f, windowed=True)
        assert isinstance(s, ir.IJoin)
        (left, lq), (right, rq) = side_names(s.left), side_names(s.right)
        lf = env.get(left, Facts.NONE)
        rf = env.get(right, Facts.NONE)
        keys = join_keys(s.on)
        if not keys:
            self.find(
                "RW013", d, s.location,
                "join without an equality between the two sides: RisingWave would need a "
                "nested-loop join, which it does not run in streaming",
                "join on a key (left.c.id == right.c.id), plus any other condition",
            )  # fmt: skip
        if s.temporal:
            self.temporal_join(d, s, right, ctes)
            report.state.append(
                f"temporal join to {right}: no join state for {left}"
                if lf.append_only
                else f"temporal join to {right}: lookups of changing {left} rows are kept"
            )
            return lf
        window_join = any(
            a.name == b.name == "window_start"
            and a.name in lf.watermarks
            and b.name in rf.watermarks
            for a, b in keys
        )
        bounded = window_join or (
            bool(lf.watermarks) and bool(rf.watermarks) and self._interval(s.on, lq, rq, lf, rf)
        )
        if bounded:
            report.state.append(f"join state of {left} and {right} cleaned by watermark")
            self.used_watermarks |= lf.origins | rf.origins
        elif lf.unbounded or rf.unbounded:
            grows = " and ".join(n for n, f in ((left, lf), (right, rf)) if f.unbounded)
            report.state.append(f"join state grows without bound ({grows})")
            self.find(
                "RW101", d, s.location,
                f"regular join of {left} and {right} keeps both inputs in state, and {grows} "
                "grows without bound",
                "join to a table with temporal=True, join windows on window_start, or accept "
                "the state (allow=...)",
            )  # fmt: skip
        common = frozenset(
            a.name for a, b in keys if a.name in lf.watermarks and b.name in rf.watermarks
        )
        append_only = s.how == "inner" and lf.append_only and rf.append_only
        return Facts(
            append_only, common, (lf.origins | rf.origins) if common else frozenset(),
            lf.unbounded or rf.unbounded, lf.windowed and rf.windowed,
        )  # fmt: skip

    @staticmethod
    def _interval(on: ir.IExpr, lq: str, rq: str, lf: Facts, rf: Facts) -> bool:
        """A range condition between a watermark column of each side (an interval join)."""
        stack = [on]
        while stack:
            e = stack.pop()
            if isinstance(e, ir.IBinary) and e.op == "AND":
                stack += [e.left, e.right]
            elif isinstance(e, ir.IBinary) and e.op in ("<", "<=", ">", ">="):
                cols = [c for c in _columns(e.left) + _columns(e.right)]
                sides = {
                    c.qualifier
                    for c in cols
                    if c.name in (lf.watermarks if c.qualifier == lq else rf.watermarks)
                }
                if {lq, rq} <= sides:
                    return True
            elif isinstance(e, ir.IBetween):
                cols = _columns(e.operand) + _columns(e.low) + _columns(e.high)
                if {c.qualifier for c in cols} >= {lq, rq}:
                    return True
        return False

    def temporal_join(self, d: ir.ViewDef, s: ir.IJoin, right: str, ctes: set[str]) -> None:
        target = self.defs.get(right)
        problem = None
        if right in ctes:
            problem = "its right side is a query (a CTE), not a table or materialized view"
        elif isinstance(target, ir.TableDef) and target.connector is not None:
            problem = f"its right side {right!r} is a source, which stores nothing to look up"
        elif s.how in ("right", "full"):
            problem = f"a temporal join cannot be {s.how.upper()}"
        if problem:
            self.find(
                "RW011", d, s.location, f"temporal join: {problem}",
                "look up a table or materialized view, with how='inner' or 'left'",
            )  # fmt: skip

    # ---- blocks ----

    def relation(
        self,
        d: ir.ViewDef,
        r: ir.Block | ir.SetOp,
        env: dict[str, Facts],
        ctes: set[str],
        *,
        final: bool,
        name: str | None,
    ) -> Facts:
        if isinstance(r, ir.Block):
            return self.block(d, r, env, ctes, final=final, name=name)
        parts = [self.block(d, b, env, ctes, final=final, name=None) for b in r.blocks]
        if r.distinct:
            self.reports[d.name].state.append("UNION keeps every distinct row, to deduplicate")
            self.find(
                "RW105", d, r.location,
                "UNION removes duplicates, so RisingWave keeps every row in state",
                "union_all(...) when duplicates cannot occur or are wanted",
            )  # fmt: skip
        marks = frozenset.intersection(*(p.watermarks for p in parts)) if parts else frozenset()
        return Facts(
            all(p.append_only for p in parts) and not r.distinct,
            marks,
            frozenset().union(*(p.origins for p in parts)) if marks else frozenset(),
            any(p.unbounded for p in parts),
            all(p.windowed for p in parts),
        )

    def block(
        self,
        d: ir.ViewDef,
        b: ir.Block,
        env: dict[str, Facts],
        ctes: set[str],
        *,
        final: bool,
        name: str | None = None,
    ) -> Facts:
        f = self.source(d, b.source, env, ctes)
        report = self.reports[d.name]
        eowc = final and d.emit_on_window_close
        where = b.location
        self.now_and_proctime(d, b)
        if isinstance(b.source, ir.ITable) and b.source.name in self._pending_top_n:
            names, _ = self._pending_top_n[b.source.name]
            if names & _top_n_filtered(b.where):
                del self._pending_top_n[b.source.name]
        bound = _temporal_lower_bound(b.where)
        if bound and f.unbounded:
            report.state.append(f"temporal filter keeps {bound}; older rows are deleted")
            f = attrs.evolve(f, unbounded=False, append_only=False)
        if b.aggregated:
            keyed = any(is_watermark_key(k, f) for k in b.group_by)
            if b.group_by and f.unbounded and not keyed:
                report.state.append("one aggregate state row per group key, kept forever")
                self.find(
                    "RW102", d, where,
                    "GROUP BY over an unbounded stream with no window: one state row per key, "
                    "kept forever",
                    "group by window_start of a Tumble/Hop, or accept the state (allow=...)",
                )  # fmt: skip
            elif b.group_by and keyed:
                report.state.append(
                    "aggregate state per window" + (", closed by watermark" if eowc else "")
                )
            if not f.append_only:
                for _, e in b.select:
                    for agg in _aggregates(e):
                        if agg.func in ("MIN", "MAX") or agg.distinct:
                            name = "count distinct" if agg.distinct else agg.func.lower()
                            self.find(
                                "RW104", d, where,
                                f"{name} over input that is not append-only keeps every input "
                                "row in state (to handle deletes)",
                                "aggregate the append-only stream before it is joined or updated",
                            )  # fmt: skip
            if eowc:
                if not b.group_by:
                    self.find(
                        "RW006", d, where,
                        "EMIT ON WINDOW CLOSE cannot be used on an aggregate without GROUP BY",
                        "group by window_start of a Tumble/Hop",
                    )  # fmt: skip
                elif not keyed:
                    self.find(
                        "RW006", d, where,
                        "EMIT ON WINDOW CLOSE needs a watermark column (e.g. window_start) "
                        "in GROUP BY",
                        "group by window_start of a Tumble/Hop over a watermarked stream",
                    )  # fmt: skip
            return aggregate_output(f, b) if b.group_by else Facts.NONE
        row_numbers = set()
        for out_name, e in b.select:
            if isinstance(e, ir.IWindow):
                self.window(d, e, f, eowc)
                if e.func == "ROW_NUMBER":
                    row_numbers.add(out_name)
        if row_numbers:
            location = next(
                (
                    e.location
                    for _, e in b.select
                    if isinstance(e, ir.IWindow) and e.func == "ROW_NUMBER"
                ),
                None,
            )
            self._pending_top_n[name or "<view>"] = (row_numbers, location)
        return project(f, b.select)

    def now_and_proctime(self, d: ir.ViewDef, b: ir.Block) -> None:
        """RW003: NOW() only in WHERE/ON, as a temporal filter; RW004: no PROCTIME()."""
        outside = [e for _, e in b.select] + list(b.group_by)
        for e in outside:
            for node in _walk(e):
                if isinstance(node, ir.INow):
                    self.find(
                        "RW003", d, node.location,
                        "NOW() is allowed only in WHERE, HAVING, ON and FROM of a streaming "
                        "query, not in its output",
                        "filter on it instead: .where(col('ts') > now() - interval('1 hour'))",
                    )  # fmt: skip
        conditions = [b.where] if b.where is not None else []
        if isinstance(b.source, ir.IJoin):
            conditions.append(b.source.on)
        for condition in conditions:
            for problem, location in _temporal_problems(condition):
                self.find(
                    "RW003", d, location, problem,
                    "compare a column with now(), now() - interval(...) or "
                    "date_trunc(..., now()); one temporal filter per OR",
                )  # fmt: skip
        for e in [*outside, *conditions]:
            for node in _walk(e):
                if isinstance(node, ir.IProcTime):
                    self.find(
                        "RW004", d, node.location,
                        "PROCTIME() is allowed only in CREATE TABLE/SOURCE",
                        "use now() in a temporal filter",
                    )  # fmt: skip

    def window(self, d: ir.ViewDef, w: ir.IWindow, f: Facts, eowc: bool) -> None:
        report = self.reports[d.name]
        where = w.location
        if not w.partition and not w.implicit_partition:
            self.find(
                "RW002", d, where,
                "a window function without PARTITION BY is refused in streaming",
                "partition it: over(partition_by=...)",
            )  # fmt: skip
        if (
            w.frame is not None
            and w.order is not None
            and w.frame.kind == "RANGE"
            and w.order.type is SqlType.TIMESTAMPTZ
        ):
            for bound in (w.frame.start, w.frame.end):
                if isinstance(bound, ir.Interval) and bound.unit in CALENDAR_UNITS:
                    self.find(
                        "RW010", d, where,
                        f"a RANGE frame on a timestamptz column cannot use {bound.unit.lower()} "
                        f"({bound.amount} {bound.unit.lower()})",
                        "write the offset in hours or smaller units, e.g. '24 hours'",
                    )  # fmt: skip
        if eowc:
            if not (isinstance(w.order, ir.IColumn) and w.order.name in f.watermarks):
                self.find(
                    "RW006", d, where,
                    "EMIT ON WINDOW CLOSE needs the window ordered by a single watermark column",
                    "order by window_start (or the stream's event time)",
                )  # fmt: skip
            else:
                report.state.append("over window: rows evicted as the watermark passes")
        elif f.unbounded:
            report.state.append("over window keeps every row of each partition, forever")
            if not any(x.code == "RW103" for x in report.findings):
                self.find(
                    "RW103", d, where,
                    "an OVER window over a growing input without EMIT ON WINDOW CLOSE: its "
                    "state is never cleaned",
                    "emit_on_window_close=True (ordered by a watermark column), or accept "
                    "the state (allow=...)",
                )  # fmt: skip


def _first_block(r: ir.Block | ir.SetOp) -> ir.Block:
    return r if isinstance(r, ir.Block) else r.blocks[0]


def _walk(e: ir.IExpr) -> list[ir.IExpr]:
    from ecomdsl.model.typecheck import children

    return [e, *(n for child in children(e) for n in _walk(child))]


def _conjuncts(e: ir.IExpr | None) -> list[ir.IExpr]:
    if e is None:
        return []
    if isinstance(e, ir.IBinary) and e.op == "AND":
        return _conjuncts(e.left) + _conjuncts(e.right)
    return [e]


def _has_now(e: ir.IExpr) -> bool:
    return any(isinstance(n, ir.INow) for n in _walk(e))


def _now_expr(e: ir.IExpr) -> bool:
    """A non-decreasing expression with exactly one NOW(): now(), now() +/- interval,
    date_trunc(unit, now_expr)."""
    if isinstance(e, ir.INow):
        return True
    if isinstance(e, ir.IBinary) and e.op in ("+", "-"):
        return _now_expr(e.left) and not _has_now(e.right) and e.right.type is SqlType.INTERVAL
    if isinstance(e, ir.IFunc) and e.name == "DATE_TRUNC" and len(e.args) == 2:
        return not _has_now(e.args[0]) and _now_expr(e.args[1])
    return False


_COMPARE = {"<", "<=", ">", ">=", "="}


def _temporal_problems(condition: ir.IExpr) -> list[tuple[str, SourceLocation | None]]:
    problems: list[tuple[str, SourceLocation | None]] = []
    for c in _conjuncts(condition):
        if not _has_now(c):
            continue
        location = next((n.location for n in _walk(c) if isinstance(n, ir.INow)), None)
        if isinstance(c, ir.IBinary) and c.op == "OR":
            with_now = [x for x in (c.left, c.right) if _has_now(x)]
            if len(with_now) > 1:
                problems.append(("two temporal filters joined by OR", location))
                continue
            problems += _temporal_problems(with_now[0])
            continue
        if isinstance(c, ir.IBinary) and c.op in _COMPARE:
            sides = [c.left, c.right]
            now_sides = [x for x in sides if _has_now(x)]
            if len(now_sides) == 1 and _now_expr(now_sides[0]):
                continue
        bounds = (c.low, c.high) if isinstance(c, ir.IBetween) else ()
        if (
            isinstance(c, ir.IBetween)
            and not _has_now(c.operand)
            and all(_now_expr(x) or not _has_now(x) for x in bounds)
        ):
            continue
        problems.append(
            (
                "NOW() must appear as `column <op> now_expression`, with now_expression "
                "non-decreasing (now(), now() - interval, date_trunc(unit, now()))",
                location,
            )
        )
    return problems


def _temporal_lower_bound(where: ir.IExpr | None) -> str | None:
    """A condition `col > now() - x` (or `>=`, or mirrored) that deletes old rows."""
    for c in _conjuncts(where):
        if not (isinstance(c, ir.IBinary) and c.op in (">", ">=", "<", "<=")):
            continue
        left_col = isinstance(c.left, ir.IColumn) and _now_expr(c.right)
        right_col = isinstance(c.right, ir.IColumn) and _now_expr(c.left)
        if (left_col and c.op in (">", ">=")) or (right_col and c.op in ("<", "<=")):
            column = c.left if left_col else c.right
            assert isinstance(column, ir.IColumn)
            return f"{column.name} within a window of NOW()"
    return None


def _top_n_filtered(where: ir.IExpr | None) -> set[str]:
    """Columns filtered as `rn <= N`, `rn < N` or `rn = N` (RisingWave's Top-N pattern)."""
    names = set()
    for c in _conjuncts(where):
        if (
            isinstance(c, ir.IBinary)
            and c.op in ("<", "<=", "=")
            and isinstance(c.left, ir.IColumn)
        ) and isinstance(c.right, ir.ILiteral):
            names.add(c.left.name)
    return names


def _columns(e: ir.IExpr) -> list[ir.IColumn]:
    from ecomdsl.model.typecheck import children

    if isinstance(e, ir.IColumn):
        return [e]
    return [c for child in children(e) for c in _columns(child)]


def _aggregates(e: ir.IExpr) -> list[ir.IAgg]:
    from ecomdsl.model.typecheck import children

    if isinstance(e, ir.IAgg):
        return [e]
    return [a for child in children(e) for a in _aggregates(child)]


def _table_state(t: ir.TableDef) -> str:
    if t.connector is not None:
        return "a source: stores nothing"
    if t.append_only:
        return "append-only table: its rows are stored as they arrive"
    return "table keyed by " + (", ".join(t.primary_key) if t.primary_key else "a hidden row id")
