"""Turn a builder query into checked SELECT blocks (CTEs and a body).

Builders chain freely (`Hop(...).where(...).group_by(...).agg(...)`); SQL has a fixed clause
order. Each builder step is merged into the SELECT being built when SQL allows it (a filter
before any projection becomes WHERE, a grouping becomes GROUP BY) and otherwise the block so
far becomes a named CTE and the step starts a new block on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from ecomdsl.dsl import expr as d
from ecomdsl.dsl import objects as o
from ecomdsl.dsl import relation as r
from ecomdsl.errors import SourceLocation, did_you_mean
from ecomdsl.kinds import BinaryOperator, JoinKind, WindowTableFunction, member_or
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.scope import Scope, ScopeEntry, resolve_column
from ecomdsl.model.traverse import contains_aggregate, free_columns, qualify
from ecomdsl.model.typecheck import Checker
from ecomdsl.types import Category, SqlType


@attrs.define
class Partial:
    """The SELECT block being built, with the CTEs it reads."""

    ctes: list[tuple[str, ir.Block | ir.SetOp]]
    source: ir.ISource
    scope: Scope
    where: list[ir.IExpr] = attrs.Factory(list)
    group_by: tuple[ir.IExpr, ...] = ()
    select: list[tuple[str, ir.IExpr]] | None = None
    aggregated: bool = False
    lineage: frozenset[int] = frozenset()
    # True while this is a bare read of one named relation (usable directly in FROM/HOP)
    bare: bool = False
    location: SourceLocation | None = None  # the builder step that made this block

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
        where: ir.IExpr | None = None
        for w in self.where:
            where = (
                w if where is None else ir.IBinary(BinaryOperator.AND, where, w, SqlType.BOOLEAN)
            )
        select = self.select if self.select is not None else self.default_select()
        return ir.Block(
            self.source, tuple(select), where, self.group_by, self.aggregated, self.location
        )


SchemaLookup = Callable[[o.PipelineObject], ir.Schema | None]


class QueryResolver:
    """Plans the query of one pipeline object."""

    def __init__(
        self,
        checker: Checker,
        schema_of: Mapping[str, ir.Schema],
        reserved_names: frozenset[str],
    ) -> None:
        self.checker = checker
        self.report = checker.report
        self.schema_of = schema_of
        self.reserved = set(reserved_names)
        self.reads: set[str] = set()

    # ---- entry point ----

    def query(self, rel: r.Relation) -> tuple[ir.Query, ir.Schema]:
        p = self.resolve(rel)
        block = p.block()
        return ir.Query(tuple(p.ctes), block), p.output()

    def resolve(self, rel: r.Relation) -> Partial:
        method = getattr(self, f"_resolve_{type(rel).__name__}", None)
        if isinstance(rel, o.PipelineObject):
            method = self._resolve_object
        if method is None:
            raise TypeError(f"{type(rel).__name__} is not a relation ecomdsl can compile")
        p: Partial = method(rel)
        p.lineage = p.lineage | {id(rel)}
        p.scope = (
            tuple(attrs.evolve(e, lineage=e.lineage | {id(rel)}) for e in p.scope)
            if len(p.scope) == 1
            else p.scope
        )
        return p

    def cte_name(self, base: str) -> str:
        name, n = base, 1
        while name in self.reserved:
            n += 1
            name = f"{base}_{n}"
        self.reserved.add(name)
        return name

    def wrap(self, p: Partial, base: str | None = None) -> Partial:
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
        return Partial(ctes, ir.ITable(name), (entry,), lineage=p.lineage, bare=True)

    def as_table(self, p: Partial, base: str) -> tuple[Partial, str]:
        """A partial that reads one named relation directly, and that relation's name."""
        if p.bare and isinstance(p.source, ir.ITable) and p.source.alias is None:
            return p, p.source.name
        wrapped = self.wrap(p, base)
        assert isinstance(wrapped.source, ir.ITable)
        return wrapped, wrapped.source.name

    # ---- objects ----

    def _resolve_object(self, obj: o.PipelineObject) -> Partial:
        schema = self.schema_of.get(obj.name)
        if schema is None:  # reported by the pipeline builder (unknown ref); keep going
            schema = ir.OPEN_SCHEMA
        self.reads.add(obj.name)
        entry = ScopeEntry(None, obj.name, schema, frozenset({id(obj)}))
        return Partial([], ir.ITable(obj.name), (entry,), bare=True)

    # ---- relational steps ----

    def _resolve_Filter(self, f: r.Filter) -> Partial:
        p = self.resolve(f.input)
        if p.select is not None or p.aggregated:
            p = self.wrap(p)
        pred = self.checker.boolean(f.predicate, p.scope, "where()")
        if contains_aggregate(pred):
            self.report.error(
                "where() cannot use aggregates", f.location, hint="filter after .agg()"
            )
        p.where.append(pred)
        p.bare = False
        return p

    def _named_items(
        self, items: tuple[tuple[str | None, d.Expr], ...], scope: Scope, *, aggregates: bool
    ) -> list[tuple[str, ir.IExpr]]:
        out: list[tuple[str, ir.IExpr]] = []
        seen: dict[str, d.Expr] = {}
        for name, e in items:
            checked = self.checker.expr(e, scope, aggregates=aggregates)
            if name is None:
                if isinstance(e, d.Column):
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

    def _resolve_Project(self, proj: r.Project) -> Partial:
        p = self.resolve(proj.input)
        if p.select is not None or p.aggregated:
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

    def _resolve_Aggregation(self, agg: r.Aggregation) -> Partial:
        p = self.resolve(agg.input)
        if p.select is not None or p.aggregated:
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
        key_exprs = [k for _, k in keys]
        values = self._named_items(
            tuple((n, e) for n, e in agg.aggregates), p.scope, aggregates=True
        )
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
        p.group_by = tuple(key_exprs)
        p.select = keys + values
        p.aggregated = True
        p.bare = False
        p.location = agg.location
        return p

    # ---- joins ----

    def _join_side(
        self, rel: r.Relation, base: str, taken: set[str]
    ) -> tuple[Partial, ir.ITable, ScopeEntry, list[ir.IExpr]]:
        """One side of a join: a named relation, its qualifier, and filters to apply.

        A side that is only a filtered read of a named relation is read directly and its
        filters move into the join's WHERE (or ON, for the right side of a LEFT join).
        """
        p = self.resolve(rel)
        pushed: list[ir.IExpr] = []
        if _filtered_read(p):
            assert isinstance(p.source, ir.ITable)
            name, pushed = p.source.name, list(p.where)
        else:
            p, name = self.as_table(p, base)
        qualifier = name
        n = 1
        while qualifier in taken:
            n += 1
            qualifier = f"{name}_{n}"
        taken.add(qualifier)
        source = ir.ITable(name, None if qualifier == name else qualifier)
        entry = ScopeEntry(qualifier, qualifier, p.output(), p.lineage)
        return p, source, entry, [qualify(w, qualifier) for w in pushed]

    def _resolve_Join(self, j: r.Join) -> Partial:
        taken: set[str] = set()
        lp, ls, le, left_filters = self._join_side(j.left, "join_left", taken)
        rp, rs, re_, right_filters = self._join_side(j.right, "join_right", taken)
        if j.how not in ("inner", "left", "right", "full"):
            self.report.error(
                f"Join(how={j.how!r}): use 'inner', 'left', 'right' or 'full'", j.location
            )
        if isinstance(j.on, tuple):  # a bare key name means the left side's column
            le = attrs.evolve(le, preferred=frozenset(j.on))
        scope: Scope = (le, re_)
        conditions: list[ir.IExpr] = []
        if isinstance(j.on, tuple):
            for name in j.on:
                left = resolve_column(
                    d.Column(name, j.left, location=j.location), (le,), self.report
                )
                right = resolve_column(
                    d.Column(name, j.right, location=j.location), (re_,), self.report
                )
                if SqlType.JSONB in (left.type, right.type):
                    self.report.error(
                        f"cannot join on jsonb column {name!r}", j.location, code="RW012"
                    )
                elif not _same_family(left.type, right.type):
                    self.report.error(
                        f"join key {name!r} has type {left.type} on the left and {right.type} on the right",
                        j.location,
                    )
                conditions.append(ir.IBinary(BinaryOperator.EQ, left, right, SqlType.BOOLEAN))
            if not conditions:
                self.report.error("Join(on=...) needs at least one column", j.location)
                conditions.append(ir.ILiteral(True, SqlType.BOOLEAN))
        else:
            conditions.append(self.checker.boolean(j.on, scope, "Join(on=...)"))
        where: list[ir.IExpr] = []
        # a filter on a side whose rows the join preserves must stay in ON, or it would
        # drop those rows; on the other side it can move to WHERE
        sides = ((left_filters, ("right", "full")), (right_filters, ("left", "full")))
        for filters, keep_in_on in sides:
            if j.how in keep_in_on:
                conditions += filters
            else:
                where += filters
        source = ir.IJoin(
            ls,
            rs,
            member_or(JoinKind, j.how, JoinKind.INNER),
            _and(conditions),
            bool(j.temporal),
            j.location,
        )
        p = Partial(lp.ctes + rp.ctes, source, scope, where=where, lineage=lp.lineage | rp.lineage)
        p.location = j.location
        return p

    # ---- time windows ----

    def _window(
        self, rel: r.Hop | r.Tumble, func: str, specs: list[tuple[str, str | None]]
    ) -> Partial:
        p = self.resolve(rel.input)
        p, table = self.as_table(p, f"{func.lower()}_input")
        schema = p.output()
        column = schema.get(rel.time_column) if isinstance(rel.time_column, str) else None
        time_type = SqlType.TIMESTAMP
        if column is None:
            self.report.error(
                f"{func}: time column {rel.time_column!r} not found in {table!r}",
                rel.location,
                hint=did_you_mean(str(rel.time_column), schema.names),
            )
        elif not (column.type.is_time or column.type is SqlType.UNKNOWN):
            self.report.error(
                f"{func} needs a time column (timestamp, timestamptz or date); "
                f"{column.name!r} is {column.type}",
                rel.location,
            )
        elif column.type is SqlType.TIMESTAMPTZ:
            time_type = SqlType.TIMESTAMPTZ
        for clash in ("window_start", "window_end"):
            if clash in schema.names:
                self.report.error(
                    f"{func} input already has a {clash!r} column",
                    rel.location,
                    hint="rename window_start/window_end with .select() before windowing again",
                    code="RW014",
                )
        intervals: list[ir.Interval] = []
        for option, value in specs:
            if value is None:
                continue
            try:
                intervals.append(parse_interval(value))
            except IntervalError as err:
                self.report.error(f"{func}({option}=...): {err}", rel.location)
        if func == "HOP" and len(intervals) >= 2:
            hop, size = intervals[0], intervals[1]
            if (hop.months or size.months) or size.seconds % hop.seconds:
                self.report.error(
                    f"HOP size {specs[1][1]!r} is not a multiple of hop {specs[0][1]!r}",
                    rel.location,
                    hint="RisingWave needs size = k x hop (e.g. hop '5 minutes', size '1 hour')",
                    code="RW001",
                )
        columns = (
            *schema.columns,
            ir.Column("window_start", time_type),
            ir.Column("window_end", time_type),
        )
        entry = ScopeEntry(None, f"{func}({table})", ir.Schema(columns, schema.open), p.lineage)
        source = ir.IWindowTable(
            WindowTableFunction(func),
            table,
            str(rel.time_column),
            tuple(intervals),
            time_type,
            rel.location,
        )
        result = Partial(p.ctes, source, (entry,), lineage=p.lineage)
        result.location = rel.location
        return result

    def _resolve_Hop(self, h: r.Hop) -> Partial:
        return self._window(h, "HOP", [("hop", h.hop), ("size", h.size), ("offset", h.offset)])

    def _resolve_Tumble(self, t: r.Tumble) -> Partial:
        return self._window(t, "TUMBLE", [("size", t.size), ("offset", t.offset)])

    # ---- set operations ----

    def _resolve_Union(self, u: r.Union) -> Partial:
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
            elif [c.name for c in schema.columns] != [c.name for c in first.columns]:
                self.report.error(
                    "union inputs need the same columns in the same order: "
                    f"{', '.join(first.names)} vs {', '.join(schema.names)}",
                    u.location,
                    hint="select the same columns from each input",
                )
            else:
                for a, b in zip(first.columns, schema.columns, strict=True):
                    if not _same_family(a.type, b.type):
                        self.report.error(
                            f"union column {a.name!r} is {a.type} in one input and {b.type} "
                            "in another",
                            u.location,
                        )
            blocks.append(part.block())
        name = self.cte_name("unioned")
        ctes.append((name, ir.SetOp(tuple(blocks), bool(u.distinct), u.location)))
        schema = first or ir.OPEN_SCHEMA
        entry = ScopeEntry(None, name, schema, lineage)
        result = Partial(ctes, ir.ITable(name), (entry,), lineage=lineage, bare=True)
        result.location = u.location
        return result

    # ---- domain operators ----

    def _require(
        self, schema: ir.Schema, name: object, option: str, rel: r.Relation
    ) -> ir.Column | None:
        column = schema.get(name) if isinstance(name, str) else None
        if column is None:
            self.report.error(
                f"{type(rel).__name__}({option}={name!r}): column not found",
                rel.location,
                hint=did_you_mean(str(name), schema.names)
                or f"available: {', '.join(schema.names)}",
            )
        return column

    def _resolve_ZScore(self, z: r.ZScore) -> Partial:
        from ecomdsl.model.operators import resolve_zscore

        return resolve_zscore(self, z)

    def _resolve_Funnel(self, f: r.Funnel) -> Partial:
        from ecomdsl.model.operators import resolve_funnel

        return resolve_funnel(self, f)


def _filtered_read(p: Partial) -> bool:
    return (
        isinstance(p.source, ir.ITable)
        and p.source.alias is None
        and p.select is None
        and not p.aggregated
        and len(p.scope) == 1
        and bool(p.where)
    )


def _and(conditions: list[ir.IExpr]) -> ir.IExpr:
    result = conditions[0]
    for c in conditions[1:]:
        result = ir.IBinary(BinaryOperator.AND, result, c, SqlType.BOOLEAN)
    return result


def _same_family(a: SqlType, b: SqlType) -> bool:
    if SqlType.UNKNOWN in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return a.category is b.category and a.category is not Category.UNKNOWN
