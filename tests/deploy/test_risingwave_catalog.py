"""The RisingWave catalog queries (`ecomdsl.deploy.catalog`): their predicates, and
`read_catalog` assembling RisingWave's rows into the catalog the planner reads."""

from __future__ import annotations

from typing import Any, Self, cast

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl.deploy.catalog import QUERIES, Dependent, read_catalog
from tests.deploy.fake_risingwave import EVENTS, REVENUE, RW3, SCHEMA, SEED_COLUMNS, FakeSchema


def risingwave_query(name: str) -> str:
    """A RisingWave catalog query with its whitespace collapsed."""
    return " ".join(QUERIES["risingwave"][name].split())


def test_risingwave_relations_query_leaves_out_associated_sources() -> None:
    # a table with a connector gets a source of its own in rw_sources, under another id, with
    # associated_table_id set (src/meta/src/controller/streaming_job.rs); SHOW SOURCES and
    # rw_columns leave it out the same way
    query = risingwave_query("relations")
    assert (
        "r.id NOT IN (SELECT id FROM rw_catalog.rw_sources WHERE associated_table_id IS NOT NULL)"
        in query
    )


def test_risingwave_relations_query_reads_backfill_progress() -> None:
    query = risingwave_query("relations")
    assert "r.id NOT IN (SELECT ddl_id FROM rw_catalog.rw_ddl_progress)" in query
    for relation_type in ("'table'", "'source'", "'materialized view'", "'view'", "'sink'"):
        assert relation_type in query


def test_risingwave_queries_read_rw_catalog_only() -> None:
    assert "FROM rw_catalog.rw_depend d" in risingwave_query("edges")
    assert "NOT c.is_hidden" in risingwave_query("columns")  # _row_id, _rw_timestamp
    assert all("pg_catalog" not in q for q in QUERIES["risingwave"].values())


def test_risingwave_columns_query_reads_the_columns_of_sources() -> None:
    # a Kafka source's columns are in rw_columns too; without them a deployed source would
    # look column-less and every column would be "added" again
    query = risingwave_query("columns")
    assert "r.relation_type IN ('table', 'source')" in query
    assert "'source'" in QUERIES["risingwave"]["columns"]


class FakeConnection:
    """Answers `read_catalog`'s queries with fixed rows (by the query's text), as psycopg's
    ``conn.execute(...).fetchone()/fetchall()`` does."""

    def __init__(self, by_query: dict[str, list[tuple[Any, ...]]]) -> None:
        self.by_query = by_query
        self.found: list[tuple[Any, ...]] = []
        self.asked: list[str] = []

    def execute(self, query: str, params: dict[str, str]) -> Self:
        assert params == {"schema": SCHEMA}
        self.asked.append(query)
        self.found = self.by_query[query]  # a KeyError: a query it does not know
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.found[0] if self.found else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self.found)


def small_schema() -> FakeSchema:
    """Two tables, the view over one, an MV still in backfill, its facade, and a sink in
    another schema reading the MV."""
    s = FakeSchema()
    s.add("user_events", "table", columns=SEED_COLUMNS["user_events"])  # 1001
    s.add("users", "table", columns=SEED_COLUMNS["users"])  # 1002
    s.add(EVENTS, "view", ["user_events"])  # 1003
    s.add(REVENUE, "materialized view", [EVENTS], ready=False)  # 1004
    s.add("revenue_tracker", "view", [REVENUE])  # 1005
    s.read_by(REVENUE, Dependent(2001, "analytics", "revenue_to_kafka", "sink"))
    return s


def test_read_catalog_assembles_risingwave_rows_like_the_hand_built_catalog() -> None:
    q = QUERIES["risingwave"]
    rows: dict[str, list[tuple[Any, ...]]] = {
        q["schema"]: [(1,)],
        # (id, name, relation_type, no rw_ddl_progress row), ORDER BY r.name
        q["relations"]: [
            (1005, "revenue_tracker", "view", True),
            (1004, REVENUE, "materialized view", False),
            (1001, "user_events", "table", True),
            (1003, EVENTS, "view", True),
            (1002, "users", "table", True),
        ],
        # rw_depend (objid, refobjid) with the reader's schema, name, type; ORDER BY 1, 2
        q["edges"]: [
            (1003, 1001, SCHEMA, EVENTS, "view"),
            (1004, 1003, SCHEMA, REVENUE, "materialized view"),
            (1005, 1004, SCHEMA, "revenue_tracker", "view"),
            (2001, 1004, "analytics", "revenue_to_kafka", "sink"),
        ],
        # rw_columns, visible only, ORDER BY r.name, c.position
        q["columns"]: [
            *[("user_events", n, t) for n, t in SEED_COLUMNS["user_events"]],
            *[("users", n, t) for n, t in SEED_COLUMNS["users"]],
        ],
    }
    conn = FakeConnection(rows)
    got = read_catalog(cast(Any, conn), RW3, SCHEMA)
    want = small_schema().catalog()
    assert conn.asked == [q["schema"], q["relations"], q["edges"], q["columns"]]
    assert got.exists
    assert got.relations == want.relations
    assert got.reads == want.reads
    assert got.dependents == want.dependents
    assert got.columns == want.columns
    assert got.digest() == want.digest()
    assert not got.relations[REVENUE].ready
    assert [d.display() for d in got.readers(REVENUE)] == [
        "view public.revenue_tracker",
        "sink analytics.revenue_to_kafka",
    ]


def test_read_catalog_of_a_missing_schema() -> None:
    q = QUERIES["risingwave"]
    conn = FakeConnection({q["schema"]: [(0,)]})
    got = read_catalog(cast(Any, conn), RW3, SCHEMA)
    assert conn.asked == [q["schema"]]  # nothing else is asked
    assert not got.exists
    assert got.relations == {} and got.columns == {}
