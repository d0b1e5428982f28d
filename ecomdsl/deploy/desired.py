"""What the pipeline wants on the database: every object, its physical name and its SQL.

Identity (docs/deploy.md, "Facades"): tables and sources keep their names, since they hold
data. Every view and materialized view is built under a content-addressed physical name
``name__<h8>``, where ``h8`` hashes its definition fingerprint and the physical identity of
everything it reads; a change upstream therefore renames everything downstream, and a
rebuild drags exactly its dependents along. Readers use a facade view under the pipeline
name (``CREATE VIEW name AS SELECT * FROM name__<h8>``); our own objects read physical
names only, so switching a facade never strands one of them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import attrs
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter, create_view, select_all
from ecomdsl.dialect import WatermarkTtlConstraint
from ecomdsl.engines.runner import upstream_tables
from ecomdsl.model import ir
from ecomdsl.sql.emit import Emitter, column, data_type, interval, table
from ecomdsl.sql.lower import lower_table, lower_view, target_datatype
from ecomdsl.sql.statements import creation_order, statements

HASH_VERSION = "ecomdsl-deploy-1"
MAX_NAME = 63  # PostgreSQL truncates longer names; RisingWave has no such limit
HASH_LEN = 8


@attrs.frozen
class TableSpec:
    """What a table needs that cannot change in place (its identity) and its columns."""

    identity: str  # hash of kind, key, append-only, conflict rule, watermark, connector
    version: str  # hash of the identity and the columns: what the journal records
    columns: tuple[tuple[str, exp.DataType], ...]
    column_defs: tuple[exp.ColumnDef, ...]  # for ALTER TABLE ADD COLUMN
    identity_parts: tuple[tuple[str, str], ...]  # (what, value) for readable messages
    watermark: exp.Expr | None = None  # the WATERMARK FOR clause (for ALTER WATERMARK)


@attrs.frozen
class DesiredObject:
    name: str  # the pipeline's name (the facade's, for views)
    kind: str  # table | source | view | materialized view
    physical: str
    fingerprint: str
    reads: tuple[str, ...]  # pipeline names it reads
    make: Callable[[], tuple[exp.Expr, ...]] = attrs.field(eq=False, repr=False)
    table: TableSpec | None = None
    generation: int = 0  # tables: how many times recreated

    @functools.cached_property
    def build(self) -> tuple[exp.Expr, ...]:
        """The statements that create it ready to read, under its physical name (made on
        first use: a plan with nothing to do for an object never renders its SQL)."""
        return self.make()

    @property
    def materialized(self) -> bool:
        return self.kind == "materialized view"


@attrs.frozen
class Desired:
    pipeline: ir.ResolvedPipeline
    objects: tuple[DesiredObject, ...]  # creation order (inputs first)

    def get(self, name: str) -> DesiredObject:
        return self.by_name[name]

    @functools.cached_property
    def by_name(self) -> dict[str, DesiredObject]:
        return {o.name: o for o in self.objects}


def physical_name(name: str, digest: str) -> str:
    """``name__<h8>``, the name shortened so that the result fits PostgreSQL's 63 bytes."""
    suffix = f"__{digest[:HASH_LEN]}"
    return name[: MAX_NAME - len(suffix) - len("__ecd")] + suffix


def table_spec(d: ir.TableDef, adapter: Adapter) -> TableSpec:
    w = d.watermark
    parts = (
        ("kind", d.sql_kind),
        ("primary key", ", ".join(d.primary_key) or "none"),
        ("append only", str(d.append_only).lower()),
        ("on conflict", d.on_conflict or "default"),
        (
            "watermark",
            f"{w.column} - {w.delay.amount} {w.delay.unit}{' WITH TTL' if w.ttl else ''}"
            if w
            else "none",
        ),
        (
            "connector",
            repr((d.connector.options, d.connector.format, d.connector.encode))
            if d.connector
            else "none",
        ),
    )
    identity = hashlib.sha256(repr(parts).encode()).hexdigest()
    columns = []
    defs = []
    for c in d.schema.columns:
        dtype = data_type(c.type)
        if adapter.engine == "postgres":
            dtype = target_datatype("postgres", dtype)
        columns.append((c.name, dtype))
        defs.append(exp.ColumnDef(this=column(c.name).this.copy(), kind=dtype.copy()))
    shape = repr((parts, [(n, t.sql("postgres")) for n, t in columns]))
    version = hashlib.sha256(shape.encode()).hexdigest()
    clause: exp.Expr | None = None
    if w is not None:
        kind = WatermarkTtlConstraint if w.ttl else exp.WatermarkColumnConstraint
        clause = kind(
            this=column(w.column),
            expression=exp.Sub(this=column(w.column), expression=interval(w.delay)),
        )
    return TableSpec(identity, version, tuple(columns), tuple(defs), parts, clause)


def eowc_cutoff(p: ir.ResolvedPipeline, name: str) -> exp.Expr | None:
    """PostgreSQL: the watermark a window must close behind, computed from the tables."""
    marks: list[exp.Expr] = []
    for t in sorted(upstream_tables(p, name)):
        d = p.get(t)
        if isinstance(d, ir.TableDef) and d.watermark is not None:
            w = d.watermark
            query = exp.select(
                exp.Sub(this=exp.Max(this=column(w.column)), expression=interval(w.delay))
            ).from_(table(t))
            marks.append(exp.Subquery(this=query))
    if not marks:
        return None
    if len(marks) == 1:
        return marks[0]
    return exp.Least(this=marks[0], expressions=marks[1:])


def desired(
    p: ir.ResolvedPipeline, adapter: Adapter, generations: dict[str, int] | None = None
) -> Desired:
    """Every object of ``p`` as the deploy builds it on ``adapter``'s engine.

    ``generations`` counts how often each table was recreated (from the journal); it is part
    of the identity that the physical names of the table's readers hash.
    """
    generations = generations or {}
    stmts = creation_order(statements(p))
    identity: dict[str, str] = {}  # pipeline name -> what a reader's hash includes
    physical: dict[str, str] = {}
    found: list[DesiredObject] = []
    for s in stmts:
        d = s.obj
        if isinstance(d, ir.TableDef):
            gen = generations.get(d.name, 0)
            identity[d.name] = f"table:{d.name}:{gen}"
            if adapter.engine == "postgres" and d.watermark is not None:
                # the PostgreSQL stand-in computes closed windows from the watermark's delay
                # inside its views (RisingWave keeps it in the table, ALTER WATERMARK)
                w = d.watermark
                identity[d.name] += f":{w.column}-{w.delay.amount}{w.delay.unit}"
            physical[d.name] = d.name
            found.append(
                DesiredObject(
                    d.name,
                    "source" if d.connector else "table",
                    d.name,
                    s.fingerprint,
                    (),
                    functools.partial(_table_build, s.create, adapter),
                    table_spec(d, adapter),
                    gen,
                )
            )
            continue
        inputs = "\n".join(f"{r}={identity[r]}" for r in sorted(d.reads))
        digest = hashlib.sha256(
            f"{HASH_VERSION}\n{adapter.engine}\n{s.fingerprint}\n{inputs}".encode()
        ).hexdigest()
        phys = physical_name(d.name, digest)
        identity[d.name] = f"{d.kind}:{phys}"
        physical[d.name] = phys
        renamed = {r: physical[r] for r in d.reads if physical[r] != r}
        found.append(
            DesiredObject(
                d.name,
                d.kind,
                phys,
                s.fingerprint,
                tuple(sorted(d.reads)),
                functools.partial(_view_build, p, d, renamed | {d.name: phys}, adapter),
            )
        )
    return Desired(p, tuple(found))


def _table_build(create: exp.Create, adapter: Adapter) -> tuple[exp.Expr, ...]:
    tree = create.copy()
    return (lower_table(tree, "postgres") if adapter.engine == "postgres" else tree,)


def _view_build(
    p: ir.ResolvedPipeline, d: ir.ViewDef, names: dict[str, str], adapter: Adapter
) -> tuple[exp.Expr, ...]:
    create = Emitter(names=names).create(d)
    if adapter.engine == "postgres":
        create = lower_view(
            create,
            "postgres",
            now=None,
            materialize="matview",
            watermark_cutoff=eowc_cutoff(p, d.name) if d.emit_on_window_close else None,
        )
    return tuple(adapter.build(names[d.name], create, d.materialized))


def facade(name: str, physical: str) -> exp.Create:
    """``CREATE VIEW name AS SELECT * FROM physical``."""
    return create_view(name, select_all(physical))
