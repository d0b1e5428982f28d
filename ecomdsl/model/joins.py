"""Joins: each side read by name under its own qualifier, keys checked for a common type.

A side that is only a filtered read of a named relation is read directly and its filters
move into the join: to WHERE, or to ON for a side whose unmatched rows the join keeps (a
WHERE there would drop them).
"""

from __future__ import annotations

import attrs

from ecomdsl.dsl import expr as dsl
from ecomdsl.dsl import relation
from ecomdsl.kinds import BinaryOperator, JoinKind, member_or
from ecomdsl.model import ir
from ecomdsl.model.functions import same_family
from ecomdsl.model.names import fit
from ecomdsl.model.scope import Scope, ScopeEntry, resolve_column
from ecomdsl.model.select import OpenSelect, StepResolver, conjunction
from ecomdsl.model.traverse import qualify
from ecomdsl.types import SqlType

# the sides whose filters stay in ON, by join kind: the join keeps that side's rows
_KEEP_IN_ON = {
    JoinKind.INNER: (),
    JoinKind.LEFT: ("right",),
    JoinKind.RIGHT: ("left",),
    JoinKind.FULL: ("left", "right"),
}


def resolve_join(resolver: StepResolver, j: relation.Join) -> OpenSelect:
    if j.left is j.right and not isinstance(j.on, tuple):  # on=names says which side
        return _self_join(resolver, j)
    taken: set[str] = set()
    lp, ls, le, left_filters = _side(resolver, j.left, "join_left", taken)
    rp, rs, re_, right_filters = _side(resolver, j.right, "join_right", taken)
    if j.how not in list(JoinKind):
        resolver.report.error(
            f"Join(how={j.how!r}): use 'inner', 'left', 'right' or 'full'", j.location
        )
    how = member_or(JoinKind, j.how, JoinKind.INNER)
    if isinstance(j.on, tuple):  # a bare key name means the left side's column
        le = attrs.evolve(le, preferred=frozenset(j.on))
        conditions = _key_conditions(resolver, j, j.on, le, re_)
    else:
        conditions = [resolver.checker.condition(j.on, (le, re_), "Join(on=...)")]
    where: list[ir.IExpr] = []
    for side, filters in (("left", left_filters), ("right", right_filters)):
        if side in _KEEP_IN_ON[how]:
            conditions += filters
        else:
            where += filters
    source = ir.IJoin(ls, rs, how, conjunction(*conditions), bool(j.temporal), j.location)
    scope: Scope = (le, re_)
    return OpenSelect(
        lp.ctes + rp.ctes,
        source,
        scope,
        where=where,
        lineage=lp.lineage | rp.lineage,
        location=j.location,
    )


def _side(
    resolver: StepResolver, rel: relation.Relation, base: str, taken: set[str]
) -> tuple[OpenSelect, ir.ITable, ScopeEntry, list[ir.IExpr]]:
    """One side of a join: its block, the relation it reads under its qualifier, its scope
    entry, and the filters that move into the join (qualified)."""
    p = resolver.resolve(rel)
    pushed: list[ir.IExpr] = []
    if _filtered_read(p):
        assert isinstance(p.source, ir.ITable)
        name, pushed = p.source.name, list(p.where)
    else:
        p, name = resolver.as_table(p, base)
    qualifier = name
    n = 1
    while qualifier in taken:
        n += 1
        qualifier = fit(name, f"_{n}")  # a self-join of a 63-byte name still fits
    taken.add(qualifier)
    source = ir.ITable(name, None if qualifier == name else qualifier)
    entry = ScopeEntry(qualifier, qualifier, p.output(), p.lineage)
    return p, source, entry, [qualify(w, qualifier) for w in pushed]


def _key_conditions(
    resolver: StepResolver,
    j: relation.Join,
    keys: tuple[str, ...],
    left_entry: ScopeEntry,
    right_entry: ScopeEntry,
) -> list[ir.IExpr]:
    """``left.k = right.k`` for each key of ``Join(on=[...])``."""
    report = resolver.report
    conditions: list[ir.IExpr] = []
    for name in keys:
        left = resolve_column(dsl.Column(name, j.left, location=j.location), (left_entry,), report)
        right = resolve_column(
            dsl.Column(name, j.right, location=j.location), (right_entry,), report
        )
        if SqlType.JSONB in (left.type, right.type):
            report.error(f"cannot join on jsonb column {name!r}", j.location, code="RW012")
        elif not same_family(left.type, right.type):
            report.error(
                f"join key {name!r} has type {left.type} on the left and {right.type} on the right",
                j.location,
            )
        conditions.append(ir.IBinary(BinaryOperator.EQ, left, right, SqlType.BOOLEAN))
    if not conditions:
        report.error("Join(on=...) needs at least one column", j.location)
        conditions.append(ir.ILiteral(True, SqlType.BOOLEAN))
    return conditions


def _filtered_read(p: OpenSelect) -> bool:
    """``p`` only filters one named relation, so a join can read the relation directly."""
    return (
        isinstance(p.source, ir.ITable)
        and p.source.alias is None
        and p.select is None
        and not p.aggregated
        and len(p.scope) == 1
        and bool(p.where)
    )


def _self_join(resolver: StepResolver, j: relation.Join) -> OpenSelect:
    """``Join(t, t, ...)``: a column of ``t`` would be on both sides, with nothing to say
    which. Reported once; the left side stands in for the join, so nothing cascades."""
    name = getattr(j.left, "name", None) or "rel"
    resolver.report.error(
        f"Join() of {name!r} with itself: both sides are the same relation, so "
        f"{name}.c.<column> cannot say which side it means",
        j.location,
        hint=(
            f"read each side through its own builder: a = {name}.select(...); "
            f"b = {name}.select(...); Join(a, b, on=a.c.k == b.c.k)"
        ),
    )
    return resolver.resolve(j.left)
