"""The live catalog of the target schema, read in a fixed number of queries whatever its
size (the schema, relations, edges, columns, and on PostgreSQL privileges).

The catalog is the truth for "does this object exist, is it ready, what does it read, who
reads it"; the journal (`ecomdsl.deploy.state`) only says which objects are ecomdsl's.

RisingWave (``rw_catalog``): ``rw_relations`` joined with ``rw_schemas``, leaving out the
associated source of each table with a connector (``rw_sources.associated_table_id``, which
``SHOW SOURCES`` filters the same way); an MV still in backfill is a row of
``rw_ddl_progress`` (its ``ddl_id`` is the relation id); ``rw_depend(objid, refobjid)``
gives the edges (views included since v2.1.0). PostgreSQL: ``pg_class``, ``pg_matviews``
(``ispopulated``), and ``pg_depend`` through ``pg_rewrite`` for view edges.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs
import psycopg

from ecomdsl.deploy.adapters import Adapter

TABLE = "table"
SOURCE = "source"
VIEW = "view"
MV = "materialized view"

_PG_KIND = {
    "r": TABLE,
    "p": TABLE,
    "v": VIEW,
    "m": MV,
    "f": SOURCE,
    "S": "sequence",
    "i": "index",
    "I": "index",
    "c": "type",
}

QUERIES: dict[str, dict[str, str]] = {
    "postgres": {
        "schema": "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = %(schema)s",
        "relations": """
            SELECT c.oid::bigint, c.relname::text, c.relkind::text,
                   COALESCE(m.ispopulated, true)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_matviews m
              ON m.schemaname = n.nspname AND m.matviewname = c.relname
            WHERE n.nspname = %(schema)s
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i', 'I', 'c')
            ORDER BY c.relname""",
        "edges": """
            SELECT DISTINCT r.ev_class::bigint, d.refobjid::bigint,
                   dn.nspname::text, dc.relname::text, dc.relkind::text
            FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
            JOIN pg_catalog.pg_class dc ON dc.oid = r.ev_class
            JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
            JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid
            JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
            WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass
              AND d.refclassid = 'pg_catalog.pg_class'::regclass
              AND d.deptype = 'n' AND d.refobjid <> r.ev_class
              AND rn.nspname = %(schema)s
            ORDER BY 1, 2""",
        "grants": """
            SELECT c.relname::text,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                        ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END,
                   a.privilege_type::text, a.is_grantable
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS a
            WHERE n.nspname = %(schema)s AND a.grantee <> c.relowner
            ORDER BY 1, 2, 3""",
        "columns": """
            SELECT c.relname::text, a.attname::text,
                   pg_catalog.format_type(a.atttypid, a.atttypmod)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum""",
    },
    "risingwave": {
        "schema": "SELECT count(*) FROM rw_catalog.rw_schemas WHERE name = %(schema)s",
        "relations": """
            SELECT r.id::bigint, r.name, r.relation_type,
                   r.id NOT IN (SELECT ddl_id FROM rw_catalog.rw_ddl_progress)
            FROM rw_catalog.rw_relations r
            JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
            WHERE s.name = %(schema)s
              AND r.relation_type IN
                  ('table', 'source', 'materialized view', 'view', 'sink', 'index', 'subscription')
              AND r.id NOT IN
                  (SELECT id FROM rw_catalog.rw_sources WHERE associated_table_id IS NOT NULL)
            ORDER BY r.name""",
        "edges": """
            SELECT d.objid::bigint, d.refobjid::bigint, s.name, r.name, r.relation_type
            FROM rw_catalog.rw_depend d
            JOIN rw_catalog.rw_relations r ON r.id = d.objid
            JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
            JOIN rw_catalog.rw_relations rr ON rr.id = d.refobjid
            JOIN rw_catalog.rw_schemas rs ON rs.id = rr.schema_id
            WHERE rs.name = %(schema)s AND d.objid <> d.refobjid
            ORDER BY 1, 2""",
        "columns": """
            SELECT r.name, c.name, c.data_type
            FROM rw_catalog.rw_columns c
            JOIN rw_catalog.rw_relations r ON r.id = c.relation_id
            JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
            WHERE s.name = %(schema)s AND r.relation_type IN ('table', 'source')
              AND NOT c.is_hidden
            ORDER BY r.name, c.position""",
    },
}


@attrs.frozen
class Relation:
    oid: int
    name: str
    kind: str  # table | source | view | materialized view | sink | index | subscription
    ready: bool  # a materialized view has its data (PostgreSQL: populated; RW: Created)


@attrs.frozen
class Dependent:
    """An object (in any schema) that reads a relation of the target schema."""

    oid: int
    schema: str
    name: str
    kind: str

    def display(self) -> str:
        return f"{self.kind} {self.schema}.{self.name}"


@attrs.frozen
class Catalog:
    schema: str
    relations: dict[str, Relation]
    reads: dict[int, frozenset[int]]  # oid -> oids (of the schema) it reads
    dependents: dict[int, tuple[Dependent, ...]]  # oid -> objects anywhere reading it
    columns: dict[str, tuple[tuple[str, str], ...]]  # table -> (column, type) in order
    exists: bool = True  # the schema itself
    # privileges others hold on each relation: (grantee, privilege, grantable); None where
    # the engine's catalog is not read for them (RisingWave)
    grants: dict[str, tuple[tuple[str, str, bool], ...]] | None = None
    names: dict[int, str] = attrs.field(init=False)

    @names.default
    def _names(self) -> dict[int, str]:
        return {r.oid: r.name for r in self.relations.values()}

    def get(self, name: str) -> Relation | None:
        return self.relations.get(name)

    def reads_names(self, name: str) -> set[str]:
        rel = self.relations.get(name)
        if rel is None:
            return set()
        return {self.names[o] for o in self.reads.get(rel.oid, ()) if o in self.names}

    def readers(self, name: str) -> tuple[Dependent, ...]:
        rel = self.relations.get(name)
        return self.dependents.get(rel.oid, ()) if rel else ()

    def digest(self) -> str:
        """A hash of everything a plan depends on (for stale-plan detection)."""
        data = {
            "relations": sorted((r.name, r.kind, r.ready) for r in self.relations.values()),
            "reads": sorted(
                (n, sorted(reads)) for n in self.relations if (reads := self.reads_names(n))
            ),
            "readers": sorted(
                (n, sorted(d.display() for d in self.readers(n))) for n in self.relations
            ),
            "columns": sorted(self.columns.items()),
            "exists": self.exists,
            "grants": sorted((self.grants or {}).items()),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def read_catalog(conn: psycopg.Connection[Any], adapter: Adapter, schema: str) -> Catalog:
    """The target schema's relations, edges and table columns (three queries)."""
    queries = QUERIES[adapter.engine]
    params = {"schema": schema}
    found = conn.execute(queries["schema"], params).fetchone()
    if not (found and found[0]):
        return Catalog(schema, {}, {}, {}, {}, exists=False)
    relations: dict[str, Relation] = {}
    for oid, name, kind, ready in conn.execute(queries["relations"], params).fetchall():
        relations[name] = Relation(int(oid), name, _PG_KIND.get(kind, kind), bool(ready))
    own = {r.oid for r in relations.values()}
    reads: dict[int, set[int]] = {}
    dependents: dict[int, list[Dependent]] = {}
    for objid, refobjid, dep_schema, dep_name, dep_kind in conn.execute(
        queries["edges"], params
    ).fetchall():
        if objid in own:
            reads.setdefault(int(objid), set()).add(int(refobjid))
        dependents.setdefault(int(refobjid), []).append(
            Dependent(int(objid), dep_schema, dep_name, _PG_KIND.get(dep_kind, dep_kind))
        )
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, type_text in conn.execute(queries["columns"], params).fetchall():
        columns.setdefault(table, []).append((column, type_text))
    grants: dict[str, tuple[tuple[str, str, bool], ...]] | None = None
    if "grants" in queries:
        held: dict[str, list[tuple[str, str, bool]]] = {}
        for rel, grantee, privilege, grantable in conn.execute(
            queries["grants"], params
        ).fetchall():
            held.setdefault(rel, []).append((grantee, privilege, bool(grantable)))
        grants = {k: tuple(v) for k, v in held.items()}
    return Catalog(
        schema,
        relations,
        {k: frozenset(v) for k, v in reads.items()},
        {k: tuple(v) for k, v in dependents.items()},
        {k: tuple(v) for k, v in columns.items()},
        grants=grants,
    )
