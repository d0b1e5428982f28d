"""The facts pass: one walk over a pipeline in dependency order.

It derives each relation's facts (`ecomdsl.lint.facts`) the way RisingWave does, which
watermarks some window or EMIT ON WINDOW CLOSE relies on, and which row_number() columns no
Top-N filter keeps; on the way it records the sites (`ecomdsl.lint.sites`) the rules and the
``explain`` prose look at. It decides nothing about the rules themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.lint.facts import (
    Facts,
    aggregate_output,
    join_bounded,
    join_keys,
    join_output,
    project,
    side_names,
    table_facts,
    union_output,
    windowed,
)
from ecomdsl.lint.shapes import temporal_lower_bound, top_n_filtered
from ecomdsl.lint.sites import (
    BlockSite,
    JoinSite,
    Site,
    TableSite,
    UnionSite,
    ViewSite,
    WindowSite,
)
from ecomdsl.model import ir

ROW_NUMBER = "ROW_NUMBER"


@attrs.frozen
class Analysis:
    """What the facts pass found about one object."""

    facts: Facts  # of its output
    sites: tuple[Site, ...]  # in the order the rules report them


def analyze(pipeline: ir.ResolvedPipeline) -> dict[str, Analysis]:
    """Every object's facts and sites, by name, in the pipeline's order."""
    defs = {d.name: d for d in pipeline.objects}
    env: dict[str, Facts] = {}
    used: set[str] = set()  # tables and sources whose watermark something downstream uses
    found: dict[str, Analysis] = {}
    for d in pipeline.objects:
        if isinstance(d, ir.TableDef):
            env[d.name] = table_facts(d)
            continue
        walk = _ViewWalk(d, env, defs, used)
        env[d.name] = walk.run()
        found[d.name] = Analysis(env[d.name], tuple(walk.sites))
    for d in pipeline.objects:  # every reader is walked: whether a watermark is used is known
        if isinstance(d, ir.TableDef):
            found[d.name] = Analysis(env[d.name], (TableSite(d, d.name in used),))
    return {d.name: found[d.name] for d in pipeline.objects}


class _ViewWalk:
    """The facts of one view's query, CTE by CTE, and the sites in it."""

    def __init__(
        self,
        view: ir.ViewDef,
        env: Mapping[str, Facts],
        defs: Mapping[str, ir.ObjectDef],
        used: set[str],
    ) -> None:
        self.view = view
        self.env = dict(env)  # the objects before it, then its CTEs as they are walked
        self.ctes = {name for name, _ in view.query.ctes}
        self.defs = defs
        self.used = used
        self.sites: list[Site] = []
        # row_number() columns waiting for a Top-N filter, by the CTE (or "<view>") they are in
        self.top_n: dict[str, tuple[frozenset[str], SourceLocation | None]] = {}

    def run(self) -> Facts:
        query = self.view.query
        for name, rel in query.ctes:
            self.env[name] = self.relation(rel, final=False, name=name)
        source = self.first_source(query.body)
        out = self.relation(query.body, final=True, name=None)
        waiting = tuple(self.top_n[cte] for cte in sorted(self.top_n))
        self.sites.append(ViewSite(self.view, source, out, waiting))
        if self.view.emit_on_window_close:
            self.used |= out.origins | source.origins
            out = attrs.evolve(out, append_only=True)
        return out

    def first_source(self, r: ir.Block | ir.SetOp) -> Facts:
        """The facts of what the first block reads by name (before any window)."""
        s = (r if isinstance(r, ir.Block) else r.blocks[0]).source
        if isinstance(s, ir.ITable):
            return self.env.get(s.name, Facts.NONE)
        if isinstance(s, ir.IWindowTable):
            return self.env.get(s.table, Facts.NONE)
        return Facts.NONE

    def relation(self, r: ir.Block | ir.SetOp, *, final: bool, name: str | None) -> Facts:
        if isinstance(r, ir.Block):
            return self.block(r, final=final, name=name)
        parts = [self.block(b, final=final, name=None) for b in r.blocks]
        self.sites.append(UnionSite(self.view, r))
        return union_output(parts, distinct=r.distinct)

    def source(self, s: ir.ISource) -> Facts:
        if isinstance(s, ir.ITable):
            return self.env.get(s.name, Facts.NONE)
        if isinstance(s, ir.IWindowTable):
            f = self.env.get(s.table, Facts.NONE)
            if s.time_column in f.watermarks:
                self.used |= f.origins
            return windowed(f, s.time_column)
        return self.join(s)

    def join(self, j: ir.IJoin) -> Facts:
        (left, _), (right, _) = side_names(j.left), side_names(j.right)
        lf, rf = self.env.get(left, Facts.NONE), self.env.get(right, Facts.NONE)
        keys = join_keys(j.on)
        bounded = not j.temporal and join_bounded(j, keys, lf, rf)
        self.sites.append(
            JoinSite(
                view=self.view,
                join=j,
                left=left,
                right=right,
                left_facts=lf,
                right_facts=rf,
                keys=tuple(keys),
                bounded=bounded,
                right_is_cte=right in self.ctes,
                right_target=self.defs.get(right),
            )
        )
        if j.temporal:
            return lf  # a lookup: the right side adds columns, not rows
        if bounded:
            self.used |= lf.origins | rf.origins
        return join_output(j.how, keys, lf, rf)

    def block(self, b: ir.Block, *, final: bool, name: str | None) -> Facts:
        f = self.source(b.source)
        eowc = final and self.view.emit_on_window_close
        self.resolve_top_n(b)
        bound = temporal_lower_bound(b.where)
        filtered = bound if bound and f.unbounded else None
        if filtered:
            f = attrs.evolve(f, unbounded=False, append_only=False)
        self.sites.append(BlockSite(self.view, b, f, eowc, filtered))
        if b.aggregated:
            return aggregate_output(f, b) if b.group_by else Facts.NONE
        windows = [(out, e) for out, e in b.select if isinstance(e, ir.IWindow)]
        self.sites += [WindowSite(self.view, w, f, eowc) for _, w in windows]
        row_numbers = [(out, w) for out, w in windows if w.func == ROW_NUMBER]
        if row_numbers:
            names = frozenset(out for out, _ in row_numbers)
            self.top_n[name or "<view>"] = (names, row_numbers[0][1].location)
        return project(f, b.select)

    def resolve_top_n(self, b: ir.Block) -> None:
        """A block filtering the row_number() of the relation it reads keeps its top N."""
        if isinstance(b.source, ir.ITable) and b.source.name in self.top_n:
            names, _ = self.top_n[b.source.name]
            if names & top_n_filtered(b.where):
                del self.top_n[b.source.name]
