"""A RisingWave catalog and journal of the seed pipeline, built by hand (no database needed).

No RisingWave runs on our machines, so what only RisingWave does is tested here: which adapter
a ``SELECT version()`` text selects and what each version may be sent, the plan that
`ecomdsl.deploy.plan.make_plan` makes against hand-built catalogs of the seed pipeline (first
deploy, nothing to do, a rebuild, a build still running, a crash inside a facade switch, an
unmanaged reader, an unmanaged table), that every statement the RisingWave adapter can send
reads back through the ``ecomdsl`` dialect unchanged, how lock errors are recognised, and the
catalog queries' RisingWave predicates.

The catalog rows are modelled on RisingWave's own source (github:risingwavelabs/risingwave):

- ``rw_relations.relation_type``: 'table', 'source', 'index', 'sink', 'subscription',
  'materialized view', 'view' (src/frontend/src/catalog/system_catalog/rw_catalog/
  rw_relations.rs); a materialized view still in backfill is listed with status Creating
  (rw_materialized_views.rs) and has a row in rw_ddl_progress whose ``ddl_id`` is its id
  (rw_ddl_progress.rs);
- ``rw_depend(objid, refobjid)`` (rw_depend.rs), so a reader in another schema is seen;
- ``rw_columns.data_type`` is the Display of RisingWave's DataType ('character varying',
  'integer', 'bigint', 'numeric', 'timestamp without time zone', 'jsonb', 'boolean':
  src/common/src/types/mod.rs; ``DESCRIBE`` prints the same words in e2e_test/ddl/show.slt);
  the hidden ``_row_id`` and ``_rw_timestamp`` columns are left out by ``NOT is_hidden``
  (rw_columns.rs; ColumnCatalog::rw_timestamp_column in src/common/src/catalog/column.rs);
- ``ALTER VIEW a SWAP WITH b`` swaps two views' names and definitions
  (e2e_test/ddl/alter_swap_rename.slt).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlglot
from sqlglot import exp

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl.deploy.adapters import RisingWave
from ecomdsl.deploy.catalog import Catalog, Dependent, Relation
from ecomdsl.deploy.desired import Desired
from ecomdsl.deploy.plan import Options, Plan
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.state import FACADE, LIVE, JournalState, ObjectRecord
from ecomdsl.dialect import identifier
from tests.helpers import ROOT

SCHEMA = "public"
RW3 = RisingWave((3, 0, 0), "PostgreSQL 13.14.0-RisingWave-3.0.0 (0123abcd)")
GENERATED = ROOT / "generated" / "ecommerce"
DEPLOY = "20250101T000000Z-abc123"  # the deploy that put the "deployed" schema in place

# Physical names of the seed pipeline: name__<8 hex of definition and inputs>. Pinned: a
# change here renames (so rebuilds) every deployed object on the next apply.
EVENTS = "user_events_watermarked__c18516fd"
REVENUE = "revenue_tracker__0f19b142"
OLD_REVENUE = "revenue_tracker__00c0ffee"  # an older version of revenue_tracker
NEXT = "revenue_tracker__ecd_next"

# rw_columns (name, data_type) of the seed tables as RisingWave prints them, visible columns
# only, in position order.
VARCHAR, TIMESTAMP = "character varying", "timestamp without time zone"

SEED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "products": (
        ("product_id", VARCHAR),
        ("name", VARCHAR),
        ("category", VARCHAR),
        ("price", "numeric"),
        ("inventory_count", "integer"),
        ("created_at", TIMESTAMP),
        ("is_active", "boolean"),
    ),
    "users": (
        ("user_id", VARCHAR),
        ("email", VARCHAR),
        ("country", VARCHAR),
        ("city", VARCHAR),
        ("device_type", VARCHAR),
        ("created_at", TIMESTAMP),
        ("last_login", TIMESTAMP),
    ),
    "user_events": (
        ("event_id", VARCHAR),
        ("user_id", VARCHAR),
        ("session_id", VARCHAR),
        ("event_type", VARCHAR),
        ("product_id", VARCHAR),
        ("page_url", VARCHAR),
        ("referrer_url", VARCHAR),
        ("device_type", VARCHAR),
        ("event_time", TIMESTAMP),
        ("event_data", "jsonb"),
    ),
}


def _generated() -> dict[str, exp.Expr]:
    """The reviewed statements of generated/ecommerce/, by object name."""
    found: dict[str, exp.Expr] = {}
    for name in ("create_tables.sql", "create_views.sql"):
        for tree in sqlglot.parse((GENERATED / name).read_text(), read="ecomdsl"):
            assert isinstance(tree, exp.Create)
            target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
            found[target.name] = tree
    return found


def as_deployed(tree: exp.Expr, names: dict[str, str]) -> str:
    """A reviewed statement as a deploy sends it: comments gone, objects under their
    physical names."""
    copy = tree.copy()
    for node in copy.find_all(exp.Table, exp.Column):
        if isinstance(node, exp.Table) and node.name in names:
            node.set("this", identifier(names[node.name]))
        elif isinstance(node, exp.Column) and not node.table and node.name in names:
            node.set("this", identifier(names[node.name]))  # HOP(input, ...)
    for each in copy.walk():
        each.comments = None
    return RW3.text(copy)


# What the deploy sends is the SQL reviewed in generated/, not a copy of the deploy's output.
GENERATED_STATEMENTS = _generated()

REVENUE_CREATE = as_deployed(
    GENERATED_STATEMENTS["revenue_tracker"],
    {"revenue_tracker": REVENUE, "user_events_watermarked": EVENTS},
)


class FakeSchema:
    """One schema's rows as `read_catalog` reads them from RisingWave: rw_relations (id, name,
    relation_type, ready = no rw_ddl_progress row), rw_depend edges and rw_columns."""

    def __init__(self, name: str = SCHEMA) -> None:
        self.name = name
        self.relations: dict[str, Relation] = {}
        self.edges: list[tuple[int, int]] = []  # rw_depend (objid, refobjid), both in here
        self.elsewhere: list[tuple[str, Dependent]] = []  # (read relation, reader elsewhere)
        self.columns: dict[str, tuple[tuple[str, str], ...]] = {}

    def add(
        self,
        name: str,
        relation_type: str,
        reads: Iterable[str] = (),
        *,
        ready: bool = True,
        columns: tuple[tuple[str, str], ...] | None = None,
    ) -> None:
        oid = 1001 + len(self.relations)
        self.relations[name] = Relation(oid, name, relation_type, ready)
        self.edges += [(oid, self.relations[r].oid) for r in reads]
        if columns is not None:
            self.columns[name] = columns

    def read_by(self, name: str, reader: Dependent) -> None:
        self.elsewhere.append((name, reader))

    def catalog(self) -> Catalog:
        by_oid = {r.oid: r for r in self.relations.values()}
        reads: dict[int, set[int]] = {}
        dependents: dict[int, list[Dependent]] = {}
        for objid, refobjid in self.edges:
            reads.setdefault(objid, set()).add(refobjid)
            rel = by_oid[objid]
            dependents.setdefault(refobjid, []).append(
                Dependent(objid, self.name, rel.name, rel.kind)
            )
        for name, elsewhere in self.elsewhere:
            dependents.setdefault(self.relations[name].oid, []).append(elsewhere)
        return Catalog(
            self.name,
            dict(self.relations),
            {k: frozenset(v) for k, v in reads.items()},
            {k: tuple(v) for k, v in dependents.items()},
            dict(self.columns),
        )


def deployed_schema(want: Desired, skip: Iterable[str] = ()) -> FakeSchema:
    """The schema after a finished deploy of ``want`` (objects named in ``skip`` left out)."""
    s = FakeSchema()
    for o in want.objects:
        if o.name in skip:
            continue
        if o.table is not None:
            s.add(o.name, "table", columns=SEED_COLUMNS[o.name])
        else:
            s.add(o.physical, o.kind, [want.get(r).physical for r in o.reads])
            s.add(o.name, "view", [o.physical])
    return s


def record(
    logical: str,
    physical: str,
    kind: str,
    fingerprint: str,
    state: str,
    detail: str | None = None,
    pipeline: str = "ecommerce",
) -> ObjectRecord:
    return ObjectRecord(pipeline, logical, physical, kind, fingerprint, 0, state, DEPLOY, detail)


def deployed_journal(want: Desired, skip: Iterable[str] = ()) -> dict[str, ObjectRecord]:
    """The journal's latest record of every object of a finished deploy of ``want``."""
    objects: dict[str, ObjectRecord] = {}
    for o in want.objects:
        if o.name in skip:
            continue
        if o.table is not None:
            detail = json.dumps(dict(o.table.identity_parts))
            objects[o.name] = record(o.name, o.name, o.kind, o.table.version, LIVE, detail)
        else:
            objects[o.physical] = record(o.name, o.physical, o.kind, o.fingerprint, LIVE)
            objects[o.name] = record(o.name, o.name, FACADE, "", LIVE)
    return objects


def plan_for(
    want: Desired,
    schema: FakeSchema,
    journal: dict[str, ObjectRecord],
    options: Options | None = None,
) -> Plan:
    state = JournalState(journal, DEPLOY if journal else None, None)
    return make_plan(want, schema.catalog(), state, RW3, options)


def outline(plan: Plan) -> list[tuple[str, str, str]]:
    return [(s.phase.value, s.object, s.what) for s in plan.steps]


def all_statements(plan: Plan) -> list[str]:
    return [text for s in plan.steps for text in s.statements]


def with_old_revenue_tracker(want: Desired) -> tuple[FakeSchema, dict[str, ObjectRecord]]:
    """The seed deployed, but revenue_tracker's facade reads an older physical MV."""
    schema = deployed_schema(want, skip=["revenue_tracker"])
    schema.add(OLD_REVENUE, "materialized view", [EVENTS])
    schema.add("revenue_tracker", "view", [OLD_REVENUE])
    journal = deployed_journal(want, skip=["revenue_tracker"])
    journal[OLD_REVENUE] = record(
        "revenue_tracker", OLD_REVENUE, "materialized view", "f" * 64, LIVE
    )
    journal["revenue_tracker"] = record("revenue_tracker", "revenue_tracker", FACADE, "", LIVE)
    return schema, journal
