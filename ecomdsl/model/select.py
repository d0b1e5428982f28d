"""The open SELECT block a builder query is resolved into, and what each step's resolution
needs from the query resolver.

A builder step either merges into the block being built (a filter before any projection
becomes WHERE) or closes it as a CTE and opens a new block reading it (`StepResolver.wrap`).
The steps in ``query.py``, ``windows.py`` and ``operators.py`` build on the same block
through the `StepResolver` protocol, so none of them imports the resolver itself.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from ecomdsl.dsl import relation
from ecomdsl.errors import Diagnostics, SourceLocation, did_you_mean
from ecomdsl.kinds import BinaryOperator
from ecomdsl.model import ir
from ecomdsl.model.scope import Scope
from ecomdsl.model.typecheck import Checker
from ecomdsl.types import SqlType


@attrs.define
class OpenSelect:
    """The SELECT block being built, with the CTEs it reads."""

    ctes: list[tuple[str, ir.Block | ir.SetOp]]
    source: ir.ISource
    scope: Scope
    where: list[ir.IExpr] = attrs.Factory(list)
    group_by: tuple[ir.IExpr, ...] = ()
    select: list[tuple[str, ir.IExpr]] | None = None  # None: every column of the scope
    aggregated: bool = False
    lineage: frozenset[int] = frozenset()
    """The ids (``id()``) of the builder relations whose rows this block carries. A column
    reference made through a relation (``events.c.user_id``) is looked up only in blocks
    and scope entries whose lineage holds that relation."""
    bare: bool = False
    """True while the block is only a read of one named relation (a pipeline object or a
    CTE) with nothing applied yet, so a join or HOP/TUMBLE can name that relation directly
    instead of wrapping the block in another CTE."""
    location: SourceLocation | None = None  # the builder step that made this block

    @property
    def shaped(self) -> bool:
        """The block already decides its output columns (a select or an aggregation), so a
        step that filters, projects or groups again must read it as a CTE."""
        return self.select is not None or self.aggregated

    def output(self) -> ir.Schema:
        if self.select is not None:
            return ir.Schema(tuple(ir.Column(n, e.type) for n, e in self.select))
        seen: dict[str, ir.Column] = {}
        for entry in self.scope:
            for c in entry.schema.columns:
                seen.setdefault(c.name, c)
        return ir.Schema(tuple(seen.values()), open=any(e.schema.open for e in self.scope))

    def default_select(self) -> list[tuple[str, ir.IExpr]]:
        seen: dict[str, tuple[str, ir.IExpr]] = {}
        for entry in self.scope:
            for c in entry.schema.columns:
                seen.setdefault(c.name, (c.name, ir.IColumn(c.name, entry.qualifier, c.type)))
        return list(seen.values())

    def block(self) -> ir.Block:
        where = conjunction(*self.where) if self.where else None
        select = self.select if self.select is not None else self.default_select()
        return ir.Block(
            self.source, tuple(select), where, self.group_by, self.aggregated, self.location
        )


def conjunction(first: ir.IExpr, *rest: ir.IExpr) -> ir.IExpr:
    """``first AND r1 AND r2 ...``, nested to the left in the order given."""
    result = first
    for condition in rest:
        result = ir.IBinary(BinaryOperator.AND, result, condition, SqlType.BOOLEAN)
    return result


class StepResolver(Protocol):
    """What resolving one builder step needs from the query resolver."""

    @property
    def checker(self) -> Checker: ...

    @property
    def report(self) -> Diagnostics: ...

    def resolve(self, rel: relation.Relation) -> OpenSelect:
        """The block of ``rel``, resolved recursively."""
        ...

    def wrap(self, p: OpenSelect, base: str | None = None) -> OpenSelect:
        """Close ``p`` as a CTE (named ``base`` or after its content) and read it."""
        ...

    def as_table(self, p: OpenSelect, base: str) -> tuple[OpenSelect, str]:
        """A block reading one named relation directly (wrapping ``p`` if needed), and its name."""
        ...


def require_column(
    schema: ir.Schema, name: object, option: str, rel: relation.Relation, report: Diagnostics
) -> ir.Column | None:
    """The column an operator option names (``ZScore(value="amount")``), or None after
    reporting that it is not there."""
    column = schema.get(name) if isinstance(name, str) else None
    if column is None:
        report.error(
            f"{type(rel).__name__}({option}={name!r}): column not found",
            rel.location,
            hint=did_you_mean(str(name), schema.names) or f"available: {', '.join(schema.names)}",
        )
    return column
