"""Turn a builder query into checked SELECT blocks (CTEs and a body).

Builders chain freely (`Hop(...).where(...).group_by(...).agg(...)`); SQL has a fixed clause
order. Each builder step is merged into the SELECT being built when SQL allows it (a filter
before any projection becomes WHERE, a grouping becomes GROUP BY) and otherwise the block so
far becomes a named CTE and the step starts a new block on top of it.

The `QueryResolver` dispatches on the kind of step; filters, projections, aggregations and
unions are resolved here, joins, time windows and the domain operators in their own modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

import attrs

from ecomdsl.dsl import expr as dsl
from ecomdsl.dsl import objects, relation
from ecomdsl.errors import SourceLocation
from ecomdsl.model import ir
from ecomdsl.model.functions import same_family
from ecomdsl.model.joins import resolve_join
from ecomdsl.model.names import NameCheck
from ecomdsl.model.operators import resolve_funnel, resolve_zscore
from ecomdsl.model.relations import RelationNode, SingleInput
from ecomdsl.model.scope import Scope, ScopeEntry
from ecomdsl.model.select import OpenSelect
from ecomdsl.model.traverse import contains_aggregate, free_columns
from ecomdsl.model.typecheck import Checker
from ecomdsl.model.windows import resolve_hop, resolve_tumble
from ecomdsl.types import SqlType

MAX_STEPS = 20_000


class QueryTooLarge(Exception):
    """A query whose resolution passes `MAX_STEPS` steps: a sub-query used in several places
    is written out at each, so ``q = union_all(q, q)`` thirty times is a billion blocks."""


class QueryResolver:
    """Resolves the query of one pipeline object into SELECT blocks."""

    def __init__(
        self,
        checker: Checker,
        schema_of: Mapping[str, ir.Schema],
        reserved_names: frozenset[str],
        location: SourceLocation,
        names: NameCheck,
    ) -> None:
        self.checker = checker
        self.report = checker.report
        self.schema_of = schema_of
        # the names a CTE must not take, lower case: DuckDB (ecomdsl run) ignores case
        self.reserved = {n.lower() for n in reserved_names}
        self.location = location  # of the object whose query this is
        self.names = names
        self._tried: dict[str, int] = {}  # the last suffix `cte_name` reached, by base
        # the block resolved for the input of the step about to run (see `resolve`)
        self._ready: dict[int, OpenSelect] = {}
        self._count = 0  # steps resolved so far

    def query(self, rel: relation.Relation) -> tuple[ir.Query, ir.Schema]:
        p = self.resolve(rel)
        query = ir.Query(tuple(p.ctes), p.block())
        for cte in [*(c for _, c in query.ctes), query.body]:
            for block in cte.blocks if isinstance(cte, ir.SetOp) else (cte,):
                self._check_names(block)
        return query, p.output()

    def _check_names(self, block: ir.Block) -> None:
        """Every column a block outputs, the user's and the generated ones (a Funnel's
        rates), has a name SQL keeps as it is."""
        location = block.location or self.location
        for name, _ in block.select:
            self.names.name("output column", name, location, self.report)

    def resolve(self, rel: relation.Relation) -> OpenSelect:
        """The block of ``rel``; its columns answer references made through ``rel``.

        A chain of one-input steps (``.select().where().select()...``) resolves in a loop,
        from the relation it starts on up, not by recursion: a query thousands of steps long
        costs its length. Each step's own code still asks for its input with `resolve`, and
        gets the block the loop resolved for it (`_ready`).
        """
        ready = self._ready.pop(id(rel), None)
        if ready is not None:
            return ready
        chain: list[SingleInput] = []
        node: object = rel
        while isinstance(node, SingleInput):
            chain.append(node)
            node = node.input
        p = self._resolved(node, self._step(node))
        for step in reversed(chain):
            self._ready[id(step.input)] = p
            p = self._resolved(step, self._step(step))
            self._ready.pop(id(step.input), None)  # taken by the step's first `resolve`
        return p

    def _resolved(self, rel: object, p: OpenSelect) -> OpenSelect:
        """``p`` as the block of ``rel``: references made through ``rel`` find its columns."""
        p.lineage = p.lineage | {id(rel)}
        p.scope = (
            tuple(attrs.evolve(e, lineage=e.lineage | {id(rel)}) for e in p.scope)
            if len(p.scope) == 1
            else p.scope
        )
        return p

    def _step(self, rel: object) -> OpenSelect:
        if not isinstance(rel, RelationNode):  # the builders take relations only
            raise TypeError(f"{type(rel).__name__} is not a relation ecomdsl can compile")
        self._count += 1
        if self._count > MAX_STEPS:
            raise QueryTooLarge
        return self._dispatch(rel)

    def _dispatch(self, rel: RelationNode) -> OpenSelect:
        match rel:
            case objects.PipelineObject():
                return self._object(rel)
            case relation.Filter():
                return self._filter(rel)
            case relation.Project():
                return self._project(rel)
            case relation.Aggregation():
                return self._aggregation(rel)
            case relation.Join():
                return resolve_join(self, rel)
            case relation.Hop():
                return resolve_hop(self, rel)
            case relation.Tumble():
                return resolve_tumble(self, rel)
            case relation.Union():
                return self._union(rel)
            case relation.ZScore():
                return resolve_zscore(self, rel)
            case relation.Funnel():
                return resolve_funnel(self, rel)
            case _:
                assert_never(rel)

    def cte_name(self, base: str) -> str:
        """``base``, else ``base_2``, ``base_3``...: the first name not taken yet.

        Names are only ever added, so the search for a base goes on from where it last
        stopped (a query with thousands of CTEs names each in constant time).
        """
        n = self._tried.get(base, 1)
        name = base if n == 1 else f"{base}_{n}"
        while name.lower() in self.reserved:
            n += 1
            name = f"{base}_{n}"
        self._tried[base] = n
        self.reserved.add(name.lower())
        return name

    def wrap(self, p: OpenSelect, base: str | None = None) -> OpenSelect:
        """Finish ``p`` as a CTE and start a new block reading it.

        The CTE is named ``base``, or after what it holds (grouped, projected, filtered).
        """
        if base is None:
            base = (
                "grouped" if p.aggregated else "projected" if p.select is not None else "filtered"
            )
        name = self.cte_name(base)
        schema = p.output()
        ctes = [*p.ctes, (name, p.block())]
        entry = ScopeEntry(None, name, schema, p.lineage)
        return OpenSelect(ctes, ir.ITable(name), (entry,), lineage=p.lineage, bare=True)

    def as_table(self, p: OpenSelect, base: str) -> tuple[OpenSelect, str]:
        """A block that reads one named relation directly, and that relation's name."""
        if p.bare and isinstance(p.source, ir.ITable) and p.source.alias is None:
            return p, p.source.name
        wrapped = self.wrap(p, base)
        assert isinstance(wrapped.source, ir.ITable)
        return wrapped, wrapped.source.name

    # ---- steps ----

    def _object(self, obj: objects.PipelineObject) -> OpenSelect:
        schema = self.schema_of.get(obj.name)
        if schema is None:  # reported by the resolver (unknown ref); keep going
            schema = ir.OPEN_SCHEMA
        entry = ScopeEntry(None, obj.name, schema, frozenset({id(obj)}))
        return OpenSelect([], ir.ITable(obj.name), (entry,), bare=True)

    def _filter(self, f: relation.Filter) -> OpenSelect:
        p = self.resolve(f.input)
        if p.shaped:
            p = self.wrap(p)
        pred = self.checker.condition(f.predicate, p.scope, "where()")
        if contains_aggregate(pred):
            self.report.error(
                "where() cannot use aggregates", f.location, hint="filter after .agg()"
            )
        p.where.append(pred)
        p.bare = False
        return p

    def _named_items(
        self, items: tuple[tuple[str | None, dsl.Expr], ...], scope: Scope, *, aggregates: bool
    ) -> list[tuple[str, ir.IExpr]]:
        """The checked ``select(...)``/``group_by(...)`` items under their output names."""
        out: list[tuple[str, ir.IExpr]] = []
        seen: dict[str, dsl.Expr] = {}
        for name, e in items:
            checked = self.checker.expr(e, scope, aggregates=aggregates)
            if name is None:
                if isinstance(e, dsl.Column):
                    name = e.name
                else:
                    self.report.error(
                        "a computed column needs a name",
                        e.location,
                        hint="pass it as a keyword: select(total=...) / group_by(hour=...)",
                    )
                    continue
            if not name:
                self.report.error("a column name cannot be empty", e.location)
                continue
            if name in seen:
                self.report.error(f"duplicate output column {name!r}", e.location)
                continue
            seen[name] = e
            out.append((name, checked))
        return out

    def _project(self, proj: relation.Project) -> OpenSelect:
        p = self.resolve(proj.input)
        if p.shaped:
            p = self.wrap(p)
        self.checker.windows_allowed = True
        try:
            items = self._named_items(proj.items, p.scope, aggregates=False)
        finally:
            self.checker.windows_allowed = False
        p.select = items
        p.bare = False
        p.location = proj.location
        return p

    def _aggregation(self, agg: relation.Aggregation) -> OpenSelect:
        p = self.resolve(agg.input)
        if p.shaped:
            p = self.wrap(p)
        keys = self._named_items(agg.keys, p.scope, aggregates=False)
        for (name, k), (_, original) in zip(keys, agg.keys, strict=False):
            if k.type is SqlType.JSONB:
                self.report.error(
                    f"cannot group by jsonb column {name!r}",
                    original.location,
                    hint="group by a field instead: col(...).json('key')",
                    code="RW012",
                )
        values = self._named_items(
            tuple((n, e) for n, e in agg.aggregates), p.scope, aggregates=True
        )
        self._check_aggregates(agg, keys, values)
        p.group_by = tuple(k for _, k in keys)
        p.select = keys + values
        p.aggregated = True
        p.bare = False
        p.location = agg.location
        return p

    def _check_aggregates(
        self,
        agg: relation.Aggregation,
        keys: list[tuple[str, ir.IExpr]],
        values: list[tuple[str, ir.IExpr]],
    ) -> None:
        """Each ``agg()`` value aggregates, uses other columns only as grouping keys, and
        does not take a key's name."""
        key_exprs = [k for _, k in keys]
        key_names = {n for n, _ in keys}
        for (name, value), (_, original) in zip(values, agg.aggregates, strict=False):
            if not contains_aggregate(value):
                self.report.error(
                    f"{name!r} in agg() is not an aggregate",
                    original.location,
                    hint="use count(), sum_(), ... or move it to group_by()",
                )
            for c in free_columns(value):
                if c not in key_exprs and c.name not in key_names:
                    self.report.error(
                        f"column {c.name!r} in {name!r} must be grouped or aggregated",
                        original.location,
                    )
        for name in key_names & {n for n, _ in values}:
            self.report.error(f"duplicate output column {name!r}", agg.location)

    def _union(self, u: relation.Union) -> OpenSelect:
        if len(u.inputs) < 2:
            self.report.error("union needs at least two relations", u.location)
        blocks: list[ir.Block] = []
        ctes: list[tuple[str, ir.Block | ir.SetOp]] = []
        lineage: frozenset[int] = frozenset()
        first: ir.Schema | None = None
        for rel in u.inputs:
            part = self.resolve(rel)
            ctes += part.ctes
            lineage |= part.lineage
            schema = part.output()
            if first is None:
                first = schema
            else:
                self._check_union_input(u, first, schema)
            blocks.append(part.block())
        name = self.cte_name("unioned")
        ctes.append((name, ir.SetOp(tuple(blocks), bool(u.distinct), u.location)))
        entry = ScopeEntry(None, name, first or ir.OPEN_SCHEMA, lineage)
        return OpenSelect(
            ctes, ir.ITable(name), (entry,), lineage=lineage, bare=True, location=u.location
        )

    def _check_union_input(self, u: relation.Union, first: ir.Schema, schema: ir.Schema) -> None:
        """A later union input has the first one's column names, in order, and types (an
        input that failed to resolve has an open schema: reported already)."""
        if first.open or schema.open:
            return
        if [c.name for c in schema.columns] != [c.name for c in first.columns]:
            self.report.error(
                "union inputs need the same columns in the same order: "
                f"{', '.join(first.names)} vs {', '.join(schema.names)}",
                u.location,
                hint="select the same columns from each input",
            )
            return
        for a, b in zip(first.columns, schema.columns, strict=True):
            if not same_family(a.type, b.type):
                self.report.error(
                    f"union column {a.name!r} is {a.type} in one input and {b.type} in another",
                    u.location,
                )
