"""The places in a pipeline a rule looks at, each with the facts known there.

The facts pass (`ecomdsl.lint.analyze`) records one site per join, SELECT block, window
function, union, view and table, in the order it walks each query (a block's join before the
block, the block before its window functions, a view's CTEs before its body, the view itself
last). The rules (`ecomdsl.lint.checks`) and the state prose of ``explain``
(`ecomdsl.lint.state`) are plain functions of one site, so neither walks the query again.
"""

from __future__ import annotations

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.lint.facts import Facts, is_watermark_key
from ecomdsl.model import ir


@attrs.frozen
class JoinSite:
    """A join, with the facts of both sides."""

    view: ir.ViewDef
    join: ir.IJoin
    left: str  # the relations the sides name
    right: str
    left_facts: Facts
    right_facts: Facts
    keys: tuple[tuple[ir.IColumn, ir.IColumn], ...]  # column = column between the sides
    bounded: bool  # a regular join whose state the watermarks clean (window or interval join)
    right_is_cte: bool
    right_target: ir.ObjectDef | None  # the pipeline object the right side names, if any

    @property
    def growing(self) -> tuple[str, ...]:
        """The sides whose rows keep arriving (a regular join keeps them all)."""
        sides = ((self.left, self.left_facts), (self.right, self.right_facts))
        return tuple(name for name, f in sides if f.unbounded)


@attrs.frozen
class BlockSite:
    """A SELECT block, with the facts of its input once its temporal filter has applied."""

    view: ir.ViewDef
    block: ir.Block
    facts: Facts
    eowc: bool  # the view's own output, emitted on window close
    filtered: str | None  # what a temporal filter keeps of a growing input, if one bounds it

    @property
    def keyed(self) -> bool:
        """Grouped by a watermark column (a window), so groups close."""
        return any(is_watermark_key(k, self.facts) for k in self.block.group_by)

    @property
    def conditions(self) -> list[ir.IExpr]:
        """Where NOW() may appear: WHERE and the ON of its join."""
        found = [self.block.where] if self.block.where is not None else []
        if isinstance(self.block.source, ir.IJoin):
            found.append(self.block.source.on)
        return found

    @property
    def outputs(self) -> list[ir.IExpr]:
        """Where NOW() may not appear: the select list and GROUP BY."""
        return [e for _, e in self.block.select] + list(self.block.group_by)


@attrs.frozen
class WindowSite:
    """A window function of a block that does not aggregate."""

    view: ir.ViewDef
    window: ir.IWindow
    facts: Facts  # of the block's input
    eowc: bool

    @property
    def ordered_by_watermark(self) -> bool:
        order = self.window.order
        return isinstance(order, ir.IColumn) and order.name in self.facts.watermarks


@attrs.frozen
class UnionSite:
    view: ir.ViewDef
    union: ir.SetOp


@attrs.frozen
class ViewSite:
    """A view, once its whole query is walked."""

    view: ir.ViewDef
    source: Facts  # of the relation its body's first block reads
    output: Facts
    # row_number() columns no later block keeps the top N of, with where the first one is
    row_numbers: tuple[tuple[frozenset[str], SourceLocation | None], ...]


@attrs.frozen
class TableSite:
    """A table or source, once every view downstream of it is walked."""

    table: ir.TableDef
    watermark_used: bool  # a window or EMIT ON WINDOW CLOSE downstream relies on it


Site = JoinSite | BlockSite | WindowSite | UnionSite | ViewSite | TableSite
