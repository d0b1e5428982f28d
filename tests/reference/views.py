"""Independent plain-Python reference for the six seed views.

Each function takes the INSERT statements (``[(table_name, rows), ...]``, as produced by
``pipelines.ecommerce_data.generate``) and returns the rows the materialized view must hold
once all data is in, computed directly from the rows -- no SQL, no engine -- exactly as
``seed-contract.md`` defines the views.  Tests compare every engine's output against these.

Conventions of the returned rows:

* one dict per output row, keys = the view's output columns in contract order;
* counts are ``int``; money is ``decimal.Decimal`` (exact: JSON numbers go through
  ``Decimal(str(x))``); rates, means, standard deviations and z-scores are ``float`` (or None
  where the contract says NULL); timestamps are naive ``datetime``; ``is_anomaly`` is ``bool``;
* rows are sorted by the view's key columns with NULL last (as PostgreSQL's ``ASC``), so two
  correct implementations give identical lists.

The late-event rule is applied first (``kept_events``): every view reads only kept rows.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

Row = dict[str, object]
Statements = Sequence[tuple[str, Sequence[Row]]]

EVENTS_TABLE = "user_events"
PRODUCTS_TABLE = "products"
WATERMARK_DELAY = timedelta(minutes=2)
EPOCH = datetime(1970, 1, 1)
HOP_SLIDE = timedelta(minutes=5)
HOP_SIZE = timedelta(hours=1)
TUMBLE_SIZE = timedelta(hours=1)
BASELINE_FROM = timedelta(hours=24)
BASELINE_TO = timedelta(hours=1)
ZSCORE_THRESHOLD = 3.0
ZSCORE_MIN_PERIODS = 6

EVENT_TYPES = (
    "pageview",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "checkout",
    "purchase",
)
"""Every ``event_type`` of the contract; the seed data uses each of them."""
FUNNEL_STAGES = ("pageview", "product_view", "add_to_cart", "checkout", "purchase")


# -- helpers --------------------------------------------------------------------------------


def _null_last(value: object) -> tuple[int, object]:
    """Sort key part: non-NULL values in natural order, then NULL (PostgreSQL ASC)."""
    return (1, "") if value is None else (0, value)


def _sort(rows: list[Row], keys: Sequence[str]) -> list[Row]:
    return sorted(rows, key=lambda row: tuple(_null_last(row[k]) for k in keys))


def _time(row: Row) -> datetime:
    value = row["event_time"]
    assert isinstance(value, datetime), value
    return value


def _json_field(row: Row, name: str) -> object:
    """``event_data ->> name`` as a Python value: None when the data or the key is absent."""
    data = row.get("event_data")
    if isinstance(data, str):
        data = json.loads(data)
    if not isinstance(data, dict):
        return None
    return data.get(name)


def _as_decimal(value: object) -> Decimal | None:
    """A JSON number as exact numeric, the way ``(x ->> 'k')::numeric`` reads its text."""
    if value is None:
        return None
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(str(value))


def _as_int(value: object) -> int | None:
    """A JSON integer as bigint (``(x ->> 'k')::bigint``)."""
    if value is None:
        return None
    assert isinstance(value, int) and not isinstance(value, bool), value
    return value


def _count_distinct(values: Iterable[object]) -> int:
    """``count(DISTINCT x)``: NULL is not counted."""
    return len({v for v in values if v is not None})


def _ratio(numerator: int, denominator: int) -> float | None:
    """Double-precision rate, NULL when the denominator is 0."""
    return None if denominator == 0 else numerator / denominator


def _floor(moment: datetime, step: timedelta) -> datetime:
    """Start of the epoch-aligned ``step`` bucket holding ``moment``."""
    return EPOCH + ((moment - EPOCH) // step) * step


def _products(statements: Statements) -> dict[str, Row]:
    """The products table: primary key ``product_id``, so a later row replaces an earlier one."""
    table: dict[str, Row] = {}
    for name, rows in statements:
        if name == PRODUCTS_TABLE:
            for row in rows:
                table[str(row["product_id"])] = row
    return table


def _events_of(statements: Statements, event_type: str) -> list[Row]:
    return [row for row in kept_events(statements) if row["event_type"] == event_type]


# -- the late-event rule --------------------------------------------------------------------


def kept_events(statements: Statements) -> list[Row]:
    """Rows of ``user_events`` that survive the late-event rule, in arrival order.

    A row is kept iff its ``event_time`` is not NULL and ``event_time >= M - 2 minutes``, where
    M is the greatest ``event_time`` among rows kept from EARLIER statements into the events
    table (no bound before the first one).  Rows within one statement never drop each other.
    """
    kept: list[Row] = []
    newest: datetime | None = None
    for name, rows in statements:
        if name != EVENTS_TABLE:
            continue
        this_statement = [
            row
            for row in rows
            if row["event_time"] is not None
            and (newest is None or _time(row) >= newest - WATERMARK_DELAY)
        ]
        kept += this_statement
        for row in this_statement:
            if newest is None or _time(row) > newest:
                newest = _time(row)
    return kept


# -- the six views --------------------------------------------------------------------------


def pageview_metrics(statements: Statements) -> list[Row]:
    """Pageviews grouped by (page_url, device_type, referrer_url); NULL keys group together."""
    groups: dict[tuple[object, object, object], list[Row]] = defaultdict(list)
    for row in _events_of(statements, "pageview"):
        groups[(row["page_url"], row["device_type"], row["referrer_url"])].append(row)
    out: list[Row] = []
    for (page_url, device_type, referrer_url), rows in groups.items():
        out.append(
            {
                "page_url": page_url,
                "device_type": device_type,
                "referrer_url": referrer_url,
                "view_count": len(rows),
                "unique_visitors": _count_distinct(r["user_id"] for r in rows),
                "session_count": _count_distinct(r["session_id"] for r in rows),
                "first_view": min(_time(r) for r in rows),
                "last_view": max(_time(r) for r in rows),
            }
        )
    return _sort(out, ("page_url", "device_type", "referrer_url"))


def product_view_metrics(statements: Statements) -> list[Row]:
    """Product views inner-joined to products (unknown or NULL product_id drops out)."""
    products = _products(statements)
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in _events_of(statements, "product_view"):
        product_id = row["product_id"]
        if product_id is not None and product_id in products:
            groups[str(product_id)].append(row)
    out: list[Row] = []
    for product_id, rows in groups.items():
        product = products[product_id]
        out.append(
            {
                "product_id": product_id,
                "name": product["name"],
                "category": product["category"],
                "price": product["price"],
                "view_count": len(rows),
                "unique_viewers": _count_distinct(r["user_id"] for r in rows),
                "session_count": _count_distinct(r["session_id"] for r in rows),
            }
        )
    return _sort(out, ("product_id",))


def funnel_analysis(statements: Statements) -> list[Row]:
    """One row: sessions (non-NULL session_id) with independent per-stage ``bool_or`` flags."""
    stages_by_session: dict[object, set[object]] = defaultdict(set)
    for row in kept_events(statements):
        if row["session_id"] is not None:
            stages_by_session[row["session_id"]].add(row["event_type"])
    counts = {
        stage: sum(1 for seen in stages_by_session.values() if stage in seen)
        for stage in FUNNEL_STAGES
    }
    pageviews, views, carts = counts["pageview"], counts["product_view"], counts["add_to_cart"]
    checkouts, purchases = counts["checkout"], counts["purchase"]
    return [
        {
            "total_sessions": len(stages_by_session),
            "pageview_count": pageviews,
            "product_view_count": views,
            "add_to_cart_count": carts,
            "checkout_count": checkouts,
            "purchase_count": purchases,
            "pageview_to_product_view_rate": _ratio(views, pageviews),
            "product_view_to_cart_rate": _ratio(carts, views),
            "cart_to_checkout_rate": _ratio(checkouts, carts),
            "checkout_to_purchase_rate": _ratio(purchases, checkouts),
            "overall_conversion_rate": _ratio(purchases, pageviews),
        }
    ]


def hop_windows(moment: datetime) -> list[tuple[datetime, datetime]]:
    """The HOP(5 minutes, 1 hour) windows holding ``moment``: 12 of them, half-open."""
    latest = _floor(moment, HOP_SLIDE)
    starts = [latest - k * HOP_SLIDE for k in range(HOP_SIZE // HOP_SLIDE)]
    windows = [(start, start + HOP_SIZE) for start in reversed(starts)]
    assert all(start <= moment < end for start, end in windows)
    return windows


def revenue_tracker(statements: Statements) -> list[Row]:
    """Purchases per sliding window; only windows with at least one purchase appear."""
    groups: dict[tuple[datetime, datetime], list[Row]] = defaultdict(list)
    for row in _events_of(statements, "purchase"):
        for window in hop_windows(_time(row)):
            groups[window].append(row)
    out: list[Row] = []
    for (window_start, window_end), rows in groups.items():
        amounts = [
            a for a in (_as_decimal(_json_field(r, "total_amount")) for r in rows) if a is not None
        ]
        items = [i for i in (_as_int(_json_field(r, "item_count")) for r in rows) if i is not None]
        out.append(
            {
                "window_start": window_start,
                "window_end": window_end,
                "purchase_count": len(rows),
                "unique_customers": _count_distinct(r["user_id"] for r in rows),
                "total_revenue": sum(amounts, Decimal(0)) if amounts else None,
                "items_sold": sum(items) if items else None,
            }
        )
    return _sort(out, ("window_start",))


def product_performance(statements: Statements) -> list[Row]:
    """Every product with counts of its view, cart and purchase events (0 when none)."""
    products = _products(statements)
    counts: dict[str, dict[str, int]] = {
        product_id: {"product_view": 0, "add_to_cart": 0, "purchase": 0} for product_id in products
    }
    for row in kept_events(statements):
        product_id = row["product_id"]
        if product_id in counts and row["event_type"] in counts[str(product_id)]:
            counts[str(product_id)][str(row["event_type"])] += 1
    out: list[Row] = []
    for product_id, product in products.items():
        views = counts[product_id]["product_view"]
        carts = counts[product_id]["add_to_cart"]
        purchases = counts[product_id]["purchase"]
        price = product["price"]
        assert isinstance(price, Decimal), price
        out.append(
            {
                "product_id": product_id,
                "name": product["name"],
                "category": product["category"],
                "price": price,
                "view_count": views,
                "cart_adds": carts,
                "purchases": purchases,
                "view_to_cart_ratio": carts / views if views else 0.0,
                "cart_to_purchase_ratio": purchases / carts if carts else 0.0,
                "estimated_revenue": purchases * price,
            }
        )
    return _sort(out, ("product_id",))


def anomaly_detection(statements: Statements) -> list[Row]:
    """Hourly purchase counts with a z-score against the previous 24 hours' purchase-hours.

    The baseline of hour h is the rows (hours with purchases) whose hour lies in
    ``[h - 24 hours, h - 1 hour]`` (RANGE frame, both ends inclusive).  Mean and sample
    variance are computed exactly (fractions) and converted to float only at the end.
    """
    hourly: dict[datetime, int] = defaultdict(int)
    for row in _events_of(statements, "purchase"):
        hourly[_floor(_time(row), TUMBLE_SIZE)] += 1
    out: list[Row] = []
    for hour in sorted(hourly):
        count = hourly[hour]
        baseline = [c for h, c in hourly.items() if hour - BASELINE_FROM <= h <= hour - BASELINE_TO]
        n = len(baseline)
        mean = Fraction(sum(baseline), n) if n else None
        stddev: float | None = None
        if n >= 2 and mean is not None:
            variance = sum((Fraction(c) - mean) ** 2 for c in baseline) / (n - 1)
            stddev = math.sqrt(variance)
        z: float | None = None
        if n >= ZSCORE_MIN_PERIODS and mean is not None and stddev:
            z = float(count - mean) / stddev
        out.append(
            {
                "hour": hour,
                "purchase_count": count,
                "baseline_hours": n,
                "baseline_mean": None if mean is None else float(mean),
                "baseline_stddev": stddev,
                "z_score": z,
                "is_anomaly": z is not None and abs(z) > ZSCORE_THRESHOLD,
            }
        )
    return out


ALL_VIEWS: dict[str, Callable[[Statements], list[Row]]] = {
    "pageview_metrics": pageview_metrics,
    "product_view_metrics": product_view_metrics,
    "funnel_analysis": funnel_analysis,
    "revenue_tracker": revenue_tracker,
    "product_performance": product_performance,
    "anomaly_detection": anomaly_detection,
}
"""View name -> reference function, in the contract's order."""
