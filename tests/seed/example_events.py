"""The hand-checked example of docs/semantics.md: 14 events and the rows each view holds.

The expected rows were worked out by hand from the contract (see the doc for the reasoning);
tests/seed/test_docs_example.py checks DuckDB and PostgreSQL against them. Every event is on
2026-03-02; expected rows are tuples under their view's column names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

T = dt.datetime.fromisoformat
DAY = "2026-03-02 "
SEARCH = "https://search.example/"
HOUR = dt.timedelta(hours=1)


def at(clock: str) -> dt.datetime:
    return T(DAY + clock)


def ev(eid: str, user: str, session: str, kind: str, clock: str, **more: Any) -> dict[str, Any]:
    """A user_events row at ``clock`` on the example's day (a mobile view of ``/`` unless
    ``more`` says otherwise)."""
    row = {"event_id": eid, "user_id": user, "session_id": session, "event_type": kind}
    return row | {"event_time": DAY + clock, "page_url": "/", "device_type": "mobile"} | more


def cart(quantity: int) -> dict[str, Any]:
    return {"quantity": quantity, "unit_price": 4.25}


def paid(total: float, items: int) -> dict[str, Any]:
    return {"total_amount": total, "item_count": items}


def rows(columns: str, *values: tuple[Any, ...]) -> list[dict[str, Any]]:
    names = columns.split()
    return [dict(zip(names, v, strict=True)) for v in values]


PRODUCTS = [
    {"product_id": "p1", "name": "Mug", "category": "home", "price": "4.25"},
    {"product_id": "p2", "name": "Lamp", "category": "home", "price": "30.00"},
]
FIRST = [
    ev("e1", "u1", "s1", "pageview", "10:00:00"),
    ev("e2", "u1", "s1", "product_view", "10:01:00", product_id="p1"),
    ev("e3", "u1", "s1", "add_to_cart", "10:02:00", product_id="p1", event_data=cart(1)),
    ev("e4", "u1", "s1", "checkout", "10:03:00"),
    ev("e5", "u1", "s1", "purchase", "10:04:00", product_id="p1", event_data=paid(4.25, 1)),
    ev("e6", "u2", "s2", "pageview", "10:05:00", device_type="desktop", referrer_url=SEARCH),
    ev("e7", "u2", "s2", "product_view", "10:06:00", product_id="p2"),
    ev("e8", "u2", "s2", "product_view", "10:07:00", product_id="p9"),
    ev("e9", "u3", "s3", "pageview", "10:55:00"),
    ev("e10", "u3", "s3", "product_view", "11:00:00", product_id="p1"),
    ev("e11", "u3", "s3", "add_to_cart", "11:01:30", product_id="p1", event_data=cart(2)),
    ev("e12", "u3", "s3", "purchase", "11:05:00", product_id="p1", event_data=paid(8.50, 2)),
]
SECOND = [
    # 61 minutes behind the newest event so far (11:05): behind the watermark, dropped
    ev("e13", "u1", "s1", "purchase", "10:04:00", product_id="p2", event_data=paid(30.00, 1)),
    # 1 minute behind: within the 2-minute watermark, kept
    ev("e14", "u4", "s4", "pageview", "11:04:00", page_url="/sale", device_type="tablet"),
]
GIVEN = [("products", PRODUCTS), ("user_events", FIRST), ("user_events", SECOND)]


def hop_rows(clock: str, amount: str, items: int) -> list[dict[str, Any]]:
    """The 12 one-hour windows, sliding by 5 minutes, that hold one purchase at ``clock``."""
    last = at(clock).replace(minute=at(clock).minute // 5 * 5)
    starts = [last - dt.timedelta(minutes=5 * k) for k in range(12)]
    columns = "window_start window_end purchase_count unique_customers total_revenue items_sold"
    return rows(columns, *[(s, s + HOUR, 1, 1, Decimal(amount), items) for s in starts])


EXPECTED: dict[str, list[dict[str, Any]]] = {
    "pageview_metrics": rows(
        "page_url device_type referrer_url view_count unique_visitors session_count"
        " first_view last_view",
        ("/", "mobile", None, 2, 2, 2, at("10:00:00"), at("10:55:00")),
        ("/", "desktop", SEARCH, 1, 1, 1, at("10:05:00"), at("10:05:00")),
        ("/sale", "tablet", None, 1, 1, 1, at("11:04:00"), at("11:04:00")),
    ),
    "product_view_metrics": rows(
        "product_id name category price view_count unique_viewers session_count",
        ("p1", "Mug", "home", Decimal("4.25"), 2, 2, 2),
        ("p2", "Lamp", "home", Decimal("30.00"), 1, 1, 1),
    ),
    "funnel_analysis": rows(
        "total_sessions pageview_count product_view_count add_to_cart_count checkout_count"
        " purchase_count pageview_to_product_view_rate product_view_to_cart_rate"
        " cart_to_checkout_rate checkout_to_purchase_rate overall_conversion_rate",
        (4, 4, 3, 2, 1, 2, 0.75, 2 / 3, 0.5, 2.0, 0.5),
    ),
    "revenue_tracker": hop_rows("10:04:00", "4.25", 1) + hop_rows("11:05:00", "8.50", 2),
    "product_performance": rows(
        "product_id name category price view_count cart_adds purchases view_to_cart_ratio"
        " cart_to_purchase_ratio estimated_revenue",
        ("p1", "Mug", "home", Decimal("4.25"), 2, 2, 2, 1.0, 1.0, Decimal("8.50")),
        ("p2", "Lamp", "home", Decimal("30.00"), 1, 0, 0, 0.0, 0.0, Decimal("0")),
    ),
    "anomaly_detection": rows(
        "hour purchase_count baseline_hours baseline_mean baseline_stddev z_score is_anomaly",
        (at("10:00:00"), 1, 0, None, None, None, False),
        (at("11:00:00"), 1, 1, 1.0, None, None, False),
    ),
}
