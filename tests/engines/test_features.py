"""Window functions, UNION ALL and temporal filters give the same rows on DuckDB and on
PostgreSQL as worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from ecomdsl import (
    MaterializedView,
    Pipeline,
    Stream,
    col,
    count,
    interval,
    lag,
    lit,
    now,
    row_number,
    union_all,
)
from ecomdsl.testing.plugin import PipelineTester

T = dt.datetime.fromisoformat
events = Stream(
    "events",
    {"id": "varchar", "user_id": "varchar", "kind": "varchar", "ts": "timestamp"},
    event_time="ts",
    watermark="1 minute",
)
first_two = MaterializedView(
    "first_two",
    events.select(
        "user_id",
        "id",
        rn=row_number().over(partition_by="user_id", order_by="ts"),
        previous=lag(col("id")).over(partition_by="user_id", order_by="ts"),
    ).where(col("rn") <= 2),
)
recent = events.where(col("ts") > now() - interval("1 hour"))
actions = MaterializedView(
    "recent_actions",
    union_all(
        recent.where(col("kind") == "cart").select("user_id", what=lit("cart")),
        recent.where(col("kind") == "buy").select("user_id", what=lit("buy")),
    )
    .group_by("what")
    .agg(n=count()),
    allow={"RW107": "windowing is not the point of this test"},
)
pipeline = Pipeline("features", objects=[events, first_two, actions])
GIVEN = {
    "events": [
        {"id": "a1", "user_id": "u1", "kind": "cart", "ts": "2026-03-02 08:00:00"},
        {"id": "a2", "user_id": "u1", "kind": "buy", "ts": "2026-03-02 09:30:00"},
        {"id": "a3", "user_id": "u1", "kind": "cart", "ts": "2026-03-02 10:00:00"},
        {"id": "b1", "user_id": "u2", "kind": "buy", "ts": "2026-03-02 09:45:00"},
        {"id": "b2", "user_id": "u2", "kind": "view", "ts": "2026-03-02 10:00:00"},
    ]
}
# NOW() is bound to the newest event time, 10:00: the last hour is (09:00, 10:00]
EXPECTED = {
    "first_two": [
        {"user_id": "u1", "id": "a1", "rn": 1, "previous": None},
        {"user_id": "u1", "id": "a2", "rn": 2, "previous": "a1"},
        {"user_id": "u2", "id": "b1", "rn": 1, "previous": None},
        {"user_id": "u2", "id": "b2", "rn": 2, "previous": "b1"},
    ],
    "recent_actions": [{"what": "cart", "n": 1}, {"what": "buy", "n": 2}],
}


@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_duckdb(view: str, pipeline_tester: PipelineTester) -> None:
    pipeline_tester.check(pipeline, view, GIVEN, EXPECTED[view])


@pytest.mark.postgres
@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_postgres(view: str, pipeline_tester: PipelineTester) -> None:
    pipeline_tester.check(pipeline, view, GIVEN, EXPECTED[view], engine="postgres")
