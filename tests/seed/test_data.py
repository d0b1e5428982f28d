"""The seed test data (pipelines/ecommerce_data.py) obeys every rule of ``seed-contract.md``
("Test data", "Late events"), checked on the generated statements."""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from pipelines.ecommerce_data import generate
from tests.reference.views import (
    ALL_VIEWS,
    EVENT_TYPES,
    anomaly_detection,
    funnel_analysis,
    kept_events,
    product_performance,
    product_view_metrics,
)

Row = dict[str, object]
Statements = list[tuple[str, list[Row]]]
STATEMENTS: Statements = generate()
PRODUCT_COLUMNS = [
    "product_id",
    "name",
    "category",
    "price",
    "inventory_count",
    "created_at",
    "is_active",
]
USER_COLUMNS = ["user_id", "email", "country", "city", "device_type", "created_at", "last_login"]
EVENT_COLUMNS = [
    "event_id",
    "user_id",
    "session_id",
    "event_type",
    "product_id",
    "page_url",
    "referrer_url",
    "device_type",
    "event_time",
    "event_data",
]
JSON_NUMBER = re.compile(r"-?\d+(\.\d{1,2})?")


def _table(name: str) -> list[Row]:
    return [row for table, rows in STATEMENTS if table == name for row in rows]


def _event_statements() -> list[list[Row]]:
    return [rows for table, rows in STATEMENTS if table == "user_events"]


def _time(row: Row) -> datetime:
    value = row["event_time"]
    assert isinstance(value, datetime)
    return value


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def test_deterministic_for_a_seed_and_different_across_seeds() -> None:
    assert generate() == STATEMENTS
    assert generate(2026) == STATEMENTS
    assert generate(7) != STATEMENTS


def test_statement_order_and_exact_columns() -> None:
    names = [table for table, _ in STATEMENTS]
    assert names[:2] == ["products", "users"]
    assert set(names[2:]) == {"user_events"}
    assert len(names[2:]) >= 4  # several chunks plus the final far-late statement
    columns = {"products": PRODUCT_COLUMNS, "users": USER_COLUMNS, "user_events": EVENT_COLUMNS}
    for table, rows in STATEMENTS:
        assert rows, table
        for row in rows:
            assert list(row) == columns[table]


def test_chunks_are_about_500_rows() -> None:
    *chunks, far_late = _event_statements()
    assert all(400 <= len(chunk) <= 600 for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= 600
    assert 0 < len(far_late) < 20


def test_sizes() -> None:
    assert 45 <= len(_table("products")) <= 55
    assert 190 <= len(_table("users")) <= 210
    assert len(_table("user_events")) >= 2000
    assert len(kept_events(STATEMENTS)) >= 2000


def test_keys_are_unique_and_events_reference_users() -> None:
    products = [row["product_id"] for row in _table("products")]
    users = [row["user_id"] for row in _table("users")]
    events = [row["event_id"] for row in _table("user_events")]
    assert len(set(products)) == len(products)
    assert len(set(users)) == len(users)
    assert len(set(events)) == len(events)
    assert {row["user_id"] for row in _table("user_events")} <= set(users)


def test_product_and_user_values() -> None:
    for row in _table("products"):
        price = row["price"]
        assert isinstance(price, Decimal) and price > 0
        assert price.as_tuple().exponent == -2
        assert isinstance(row["inventory_count"], int)
        assert isinstance(row["is_active"], bool)
        assert isinstance(row["created_at"], datetime) and row["created_at"].tzinfo is None
        assert all(isinstance(row[c], str) for c in ("product_id", "name", "category"))
    assert any(row["is_active"] is False for row in _table("products"))
    for row in _table("users"):
        assert all(isinstance(row[c], str) for c in USER_COLUMNS[:5])
        created, last = row["created_at"], row["last_login"]
        assert isinstance(created, datetime) and isinstance(last, datetime)
        assert created.tzinfo is None and created <= last


def test_span_is_more_than_a_day() -> None:
    times = [_time(row) for row in kept_events(STATEMENTS)]
    assert max(times) - min(times) > timedelta(hours=24)


def test_never_null_fields_and_event_types() -> None:
    for row in _table("user_events"):
        assert isinstance(row["user_id"], str)
        assert isinstance(row["session_id"], str)
        assert isinstance(row["event_id"], str)
        assert isinstance(row["page_url"], str)
        assert isinstance(row["device_type"], str)
        assert row["event_type"] in EVENT_TYPES
        when = row["event_time"]
        assert isinstance(when, datetime) and when.tzinfo is None
    assert {row["event_type"] for row in _table("user_events")} == set(EVENT_TYPES)


def test_product_id_rules() -> None:
    known = {row["product_id"] for row in _table("products")}
    unknown_types: set[object] = set()
    for row in _table("user_events"):
        if row["event_type"] == "pageview":
            assert row["product_id"] is None
        elif row["event_type"] != "checkout":
            assert isinstance(row["product_id"], str)
            if row["product_id"] not in known:
                unknown_types.add(row["event_type"])
    # a few events name a product the catalog lacks (they drop out of the inner join)
    assert {"product_view", "purchase"} <= unknown_types


def test_referrer_is_sometimes_null() -> None:
    pageviews = [row for row in _table("user_events") if row["event_type"] == "pageview"]
    nulls = sum(1 for row in pageviews if row["referrer_url"] is None)
    assert 0 < nulls < len(pageviews)


def _json_numbers_ok(value: object) -> bool:
    """An int, or a float whose JSON text has at most 2 decimals (never a bool or string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return JSON_NUMBER.fullmatch(json.dumps(value)) is not None


def test_event_data_rules() -> None:
    for row in _table("user_events"):
        data = row["event_data"]
        kind = row["event_type"]
        assert data is None or isinstance(data, dict)
        if data is not None:
            assert json.loads(json.dumps(data)) == data  # a JSON object
            assert all(_json_numbers_ok(v) for v in data.values()), data
        if kind == "purchase":
            assert isinstance(data, dict) and set(data) == {"total_amount", "item_count"}
            assert isinstance(data["item_count"], int) and data["item_count"] > 0
            assert Decimal(str(data["total_amount"])) > 0
        elif kind == "add_to_cart":
            assert isinstance(data, dict) and set(data) == {"quantity", "unit_price"}
            assert isinstance(data["quantity"], int) and data["quantity"] > 0
            assert Decimal(str(data["unit_price"])) > 0
        else:
            assert data in ({}, None)


def test_events_arrive_in_time_order_except_a_few_late_ones_under_90_seconds() -> None:
    *chunks, _far_late = _event_statements()
    newest: datetime | None = None
    late: list[Row] = []
    for chunk in chunks:
        for row in chunk:
            when = _time(row)
            if newest is not None and when < newest:
                assert newest - when < timedelta(seconds=90)
                late.append(row)
            newest = when if newest is None else max(newest, when)
    assert 3 <= len(late) <= 20
    assert any(row["event_type"] == "purchase" for row in late)
    kept_ids = {row["event_id"] for row in kept_events(STATEMENTS)}
    assert all(row["event_id"] in kept_ids for row in late)
    # at least one late row is late inside its own statement ...
    inside = [
        row
        for chunk in chunks
        for i, row in enumerate(chunk)
        if any(_time(other) > _time(row) for other in chunk[:i])
    ]
    assert inside
    # ... and one is behind an earlier statement's newest row, within the 2 minutes: kept
    across = [
        chunk[0]
        for before, chunk in itertools.pairwise(chunks)
        if _time(chunk[0]) < max(_time(row) for row in before)
    ]
    assert across and all(row["event_id"] in kept_ids for row in across)


def test_far_late_rows_are_an_hour_behind_and_dropped() -> None:
    *chunks, far_late = _event_statements()
    newest = max(_time(row) for chunk in chunks for row in chunk)
    assert far_late
    assert all(_time(row) <= newest - timedelta(hours=1) for row in far_late)
    kept = kept_events(STATEMENTS)
    kept_ids = {row["event_id"] for row in kept}
    assert not kept_ids & {row["event_id"] for row in far_late}
    assert len(kept) == sum(len(chunk) for chunk in chunks)
    assert {row["event_type"] for row in far_late} >= {"pageview", "checkout", "purchase"}


def test_far_late_rows_would_change_every_view_if_kept() -> None:
    """The far-late rows discriminate: an engine that kept them would fail every view."""
    *tables, _far_late = STATEMENTS
    head = [(name, rows) for name, rows in tables if name != "user_events"]
    everything = [row for name, rows in STATEMENTS if name == "user_events" for row in rows]
    all_kept = [*head, ("user_events", everything)]  # one statement: nothing is dropped
    assert len(kept_events(all_kept)) == len(everything)
    for name, view in ALL_VIEWS.items():
        assert view(all_kept) != view(STATEMENTS), name


def test_sessions_are_ordered_and_interleave() -> None:
    by_session: dict[object, list[datetime]] = defaultdict(list)
    for row in _table("user_events"):  # arrival order, far-late rows included
        by_session[row["session_id"]].append(_time(row))
    for times in by_session.values():
        assert times == sorted(times)
    spans = sorted((times[0], times[-1]) for times in by_session.values())
    overlapping = sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    assert overlapping > len(spans) // 10


def _int(value: object) -> int:
    assert isinstance(value, int) and not isinstance(value, bool), value
    return value


def test_realistic_funnel() -> None:
    (row,) = funnel_analysis(STATEMENTS)
    names = ["pageview", "product_view", "add_to_cart", "checkout", "purchase"]
    stages = [_int(row[f"{name}_count"]) for name in names]
    # each stage is reached by fewer sessions than the one before it, and by some
    assert stages == sorted(stages, reverse=True) and len(set(stages)) == 5 and stages[-1] > 0
    # most sessions stop early: fewer than half ever add to the cart
    assert 2 * _int(row["add_to_cart_count"]) < _int(row["total_sessions"])


def test_events_on_window_boundaries() -> None:
    kept = kept_events(STATEMENTS)

    def on(row: Row, minutes: int) -> bool:
        when = _time(row)
        return when.second == 0 and when.microsecond == 0 and when.minute % minutes == 0

    purchases = [row for row in kept if row["event_type"] == "purchase"]
    assert any(on(row, 60) for row in purchases)
    assert any(on(row, 5) and not on(row, 60) for row in purchases)
    assert any(on(row, 60) for row in kept if row["event_type"] == "pageview")
    assert any(on(row, 5) and not on(row, 60) for row in kept if row["event_type"] == "pageview")


def test_an_hour_without_purchases() -> None:
    kept = kept_events(STATEMENTS)
    first = _hour(min(_time(row) for row in kept))
    last = _hour(max(_time(row) for row in kept))
    purchase_hours = {_hour(_time(row)) for row in kept if row["event_type"] == "purchase"}
    hours = [first + timedelta(hours=k) for k in range((last - first) // timedelta(hours=1))]
    assert any(hour not in purchase_hours for hour in hours)


def _check_single_anomaly(statements: Statements) -> Row:
    """Exactly one hour is flagged, not in the last 2 hours, with >= 6 baseline hours."""
    rows = anomaly_detection(statements)
    flagged = [row for row in rows if row["is_anomaly"]]
    assert len(flagged) == 1
    (spike,) = flagged
    last_hour = _hour(max(_time(row) for row in kept_events(statements)))
    spike_hour = spike["hour"]
    assert isinstance(spike_hour, datetime)
    assert spike_hour <= last_hour - timedelta(hours=2)  # not in the last 2 hours of data
    baseline_hours = spike["baseline_hours"]
    assert isinstance(baseline_hours, int) and baseline_hours >= 6
    z = spike["z_score"]
    assert isinstance(z, float) and z > 3
    others = [r["z_score"] for r in rows if r is not spike and r["z_score"] is not None]
    assert others and all(isinstance(o, float) and abs(o) < 3 for o in others)
    return spike


def test_exactly_one_anomaly_the_spike() -> None:
    spike = _check_single_anomaly(STATEMENTS)
    assert spike["hour"] == datetime(2026, 3, 2, 20, 0)


@pytest.mark.parametrize("seed", [1, 7, 99])
def test_other_seeds_keep_the_anomaly_and_late_rules(seed: int) -> None:
    """The rules hold by construction, not by a lucky seed."""
    statements = generate(seed)
    _check_single_anomaly(statements)
    *chunks, far_late = [rows for table, rows in statements if table == "user_events"]
    arrived = [_time(row) for chunk in chunks for row in chunk]
    newest = list(itertools.accumulate(arrived, max))
    assert all(
        top - when < timedelta(seconds=90) for when, top in zip(arrived, newest, strict=True)
    )
    assert all(_time(row) <= newest[-1] - timedelta(hours=1) for row in far_late)
    assert len(kept_events(statements)) == len(arrived)


def test_every_view_has_rows() -> None:
    for name, view in ALL_VIEWS.items():
        assert view(STATEMENTS), name
    performance = product_performance(STATEMENTS)
    assert len(performance) == len(_table("products"))
    assert any(row["view_count"] == 0 and row["view_to_cart_ratio"] == 0.0 for row in performance)
    viewed = {row["product_id"] for row in product_view_metrics(STATEMENTS)}
    known = {row["product_id"] for row in _table("products")}
    assert viewed < known
