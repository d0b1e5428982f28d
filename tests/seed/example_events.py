"""The hand-checked example of docs/semantics.md: 14 events and the rows each view holds.

The expected rows were worked out by hand from the contract (see the doc for the reasoning);
tests/seed/test_docs_example.py checks DuckDB and PostgreSQL against them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

T = dt.datetime.fromisoformat


def ev(eid: str, user: str, session: str, kind: str, at: str, **more: Any) -> dict[str, Any]:
    row = {"event_id": eid, "user_id": user, "session_id": session, "event_type": kind,
           "event_time": at, "page_url": "/", "device_type": "mobile"}  # fmt: skip
    return row | more


PRODUCTS = [
    {"product_id": "p1", "name": "Mug", "category": "home", "price": "4.25"},
    {"product_id": "p2", "name": "Lamp", "category": "home", "price": "30.00"},
]
FIRST = [
    ev("e1", "u1", "s1", "pageview", "2026-03-02 10:00:00"),
    ev("e2", "u1", "s1", "product_view", "2026-03-02 10:01:00", product_id="p1"),
    ev("e3", "u1", "s1", "add_to_cart", "2026-03-02 10:02:00", product_id="p1",
       event_data={"quantity": 1, "unit_price": 4.25}),
    ev("e4", "u1", "s1", "checkout", "2026-03-02 10:03:00"),
    ev("e5", "u1", "s1", "purchase", "2026-03-02 10:04:00", product_id="p1",
       event_data={"total_amount": 4.25, "item_count": 1}),
    ev("e6", "u2", "s2", "pageview", "2026-03-02 10:05:00", device_type="desktop",
       referrer_url="https://search.example/"),
    ev("e7", "u2", "s2", "product_view", "2026-03-02 10:06:00", product_id="p2"),
    ev("e8", "u2", "s2", "product_view", "2026-03-02 10:07:00", product_id="p9"),
    ev("e9", "u3", "s3", "pageview", "2026-03-02 10:55:00"),
    ev("e10", "u3", "s3", "product_view", "2026-03-02 11:00:00", product_id="p1"),
    ev("e11", "u3", "s3", "add_to_cart", "2026-03-02 11:01:30", product_id="p1",
       event_data={"quantity": 2, "unit_price": 4.25}),
    ev("e12", "u3", "s3", "purchase", "2026-03-02 11:05:00", product_id="p1",
       event_data={"total_amount": 8.50, "item_count": 2}),
]  # fmt: skip
SECOND = [
    # 61 minutes behind the newest event so far (11:05): behind the watermark, dropped
    ev("e13", "u1", "s1", "purchase", "2026-03-02 10:04:00", product_id="p2",
       event_data={"total_amount": 30.00, "item_count": 1}),
    # 1 minute behind: within the 2-minute watermark, kept
    ev("e14", "u4", "s4", "pageview", "2026-03-02 11:04:00", page_url="/sale", device_type="tablet"),
]  # fmt: skip
GIVEN = [("products", PRODUCTS), ("user_events", FIRST), ("user_events", SECOND)]


def hop_rows(purchase_at: str, amount: str, items: int) -> list[dict[str, Any]]:
    last = T(purchase_at).replace(minute=T(purchase_at).minute // 5 * 5)
    starts = [last - dt.timedelta(minutes=5 * k) for k in range(12)]
    return [
        {"window_start": s, "window_end": s + dt.timedelta(hours=1), "purchase_count": 1,
         "unique_customers": 1, "total_revenue": Decimal(amount), "items_sold": items}
        for s in starts
    ]  # fmt: skip


EXPECTED: dict[str, list[dict[str, Any]]] = {
    "pageview_metrics": [
        {"page_url": "/", "device_type": "mobile", "referrer_url": None, "view_count": 2,
         "unique_visitors": 2, "session_count": 2, "first_view": T("2026-03-02 10:00:00"),
         "last_view": T("2026-03-02 10:55:00")},
        {"page_url": "/", "device_type": "desktop", "referrer_url": "https://search.example/",
         "view_count": 1, "unique_visitors": 1, "session_count": 1,
         "first_view": T("2026-03-02 10:05:00"), "last_view": T("2026-03-02 10:05:00")},
        {"page_url": "/sale", "device_type": "tablet", "referrer_url": None, "view_count": 1,
         "unique_visitors": 1, "session_count": 1, "first_view": T("2026-03-02 11:04:00"),
         "last_view": T("2026-03-02 11:04:00")},
    ],
    "product_view_metrics": [
        {"product_id": "p1", "name": "Mug", "category": "home", "price": Decimal("4.25"),
         "view_count": 2, "unique_viewers": 2, "session_count": 2},
        {"product_id": "p2", "name": "Lamp", "category": "home", "price": Decimal("30.00"),
         "view_count": 1, "unique_viewers": 1, "session_count": 1},
    ],
    "funnel_analysis": [
        {"total_sessions": 4, "pageview_count": 4, "product_view_count": 3,
         "add_to_cart_count": 2, "checkout_count": 1, "purchase_count": 2,
         "pageview_to_product_view_rate": 0.75, "product_view_to_cart_rate": 2 / 3,
         "cart_to_checkout_rate": 0.5, "checkout_to_purchase_rate": 2.0,
         "overall_conversion_rate": 0.5},
    ],
    "revenue_tracker": hop_rows("2026-03-02 10:04:00", "4.25", 1)
    + hop_rows("2026-03-02 11:05:00", "8.50", 2),
    "product_performance": [
        {"product_id": "p1", "name": "Mug", "category": "home", "price": Decimal("4.25"),
         "view_count": 2, "cart_adds": 2, "purchases": 2, "view_to_cart_ratio": 1.0,
         "cart_to_purchase_ratio": 1.0, "estimated_revenue": Decimal("8.50")},
        {"product_id": "p2", "name": "Lamp", "category": "home", "price": Decimal("30.00"),
         "view_count": 1, "cart_adds": 0, "purchases": 0, "view_to_cart_ratio": 0.0,
         "cart_to_purchase_ratio": 0.0, "estimated_revenue": Decimal("0")},
    ],
    "anomaly_detection": [
        {"hour": T("2026-03-02 10:00:00"), "purchase_count": 1, "baseline_hours": 0,
         "baseline_mean": None, "baseline_stddev": None, "z_score": None, "is_anomaly": False},
        {"hour": T("2026-03-02 11:00:00"), "purchase_count": 1, "baseline_hours": 1,
         "baseline_mean": 1.0, "baseline_stddev": None, "z_score": None, "is_anomaly": False},
    ],
}  # fmt: skip
