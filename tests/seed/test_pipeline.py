"""The seed pipeline declares exactly what the seed contract pins: names, columns, types."""

from __future__ import annotations

from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from pipelines.ecommerce import pipeline

BIG, NUM, DBL, TS, VC = "bigint", "numeric", "double precision", "timestamp", "varchar"
EVENTS = [
    ("event_id", VC),
    ("user_id", VC),
    ("session_id", VC),
    ("event_type", VC),
    ("product_id", VC),
    ("page_url", VC),
    ("referrer_url", VC),
    ("device_type", VC),
    ("event_time", TS),
    ("event_data", "jsonb"),
]
CONTRACT = {
    "products": [
        ("product_id", VC),
        ("name", VC),
        ("category", VC),
        ("price", NUM),
        ("inventory_count", "int"),
        ("created_at", TS),
        ("is_active", "boolean"),
    ],
    "users": [
        ("user_id", VC),
        ("email", VC),
        ("country", VC),
        ("city", VC),
        ("device_type", VC),
        ("created_at", TS),
        ("last_login", TS),
    ],
    "user_events": EVENTS,
    "user_events_watermarked": EVENTS,
    "pageview_metrics": [
        ("page_url", VC),
        ("device_type", VC),
        ("referrer_url", VC),
        ("view_count", BIG),
        ("unique_visitors", BIG),
        ("session_count", BIG),
        ("first_view", TS),
        ("last_view", TS),
    ],
    "product_view_metrics": [
        ("product_id", VC),
        ("name", VC),
        ("category", VC),
        ("price", NUM),
        ("view_count", BIG),
        ("unique_viewers", BIG),
        ("session_count", BIG),
    ],
    "funnel_analysis": [
        ("total_sessions", BIG),
        ("pageview_count", BIG),
        ("product_view_count", BIG),
        ("add_to_cart_count", BIG),
        ("checkout_count", BIG),
        ("purchase_count", BIG),
        ("pageview_to_product_view_rate", DBL),
        ("product_view_to_cart_rate", DBL),
        ("cart_to_checkout_rate", DBL),
        ("checkout_to_purchase_rate", DBL),
        ("overall_conversion_rate", DBL),
    ],
    "revenue_tracker": [
        ("window_start", TS),
        ("window_end", TS),
        ("purchase_count", BIG),
        ("unique_customers", BIG),
        ("total_revenue", NUM),
        ("items_sold", BIG),
    ],
    "product_performance": [
        ("product_id", VC),
        ("name", VC),
        ("category", VC),
        ("price", NUM),
        ("view_count", BIG),
        ("cart_adds", BIG),
        ("purchases", BIG),
        ("view_to_cart_ratio", DBL),
        ("cart_to_purchase_ratio", DBL),
        ("estimated_revenue", NUM),
    ],
    "anomaly_detection": [
        ("hour", TS),
        ("purchase_count", BIG),
        ("baseline_hours", BIG),
        ("baseline_mean", DBL),
        ("baseline_stddev", DBL),
        ("z_score", DBL),
        ("is_anomaly", "boolean"),
    ],
}


def test_objects_columns_and_types_match_the_contract() -> None:
    resolved = resolve(pipeline)
    got = {d.name: [(c.name, str(c.type)) for c in d.schema.columns] for d in resolved.objects}
    assert got == CONTRACT


def test_kinds_keys_and_watermark() -> None:
    resolved = resolve(pipeline)
    kinds = {d.name: (d.sql_kind, getattr(d, "primary_key", ())) for d in resolved.objects}
    assert kinds["products"] == ("TABLE", ("product_id",))
    assert kinds["users"] == ("TABLE", ("user_id",))
    assert kinds["user_events"] == ("TABLE", ())
    assert kinds["user_events_watermarked"][0] == "VIEW"
    views = [n for n, (k, _) in kinds.items() if k == "MATERIALIZED VIEW"]
    assert len(views) == 6
    events = resolved.get("user_events")
    assert isinstance(events, ir.TableDef) and events.append_only
    assert events.watermark == ir.Watermark("event_time", ir.Interval(2, "MINUTES", 120, 0))
    for name in views:
        assert "user_events_watermarked" in resolved.get(name).reads
        assert "user_events" not in resolved.get(name).reads


def test_every_object_has_a_doc() -> None:
    assert all(d.doc for d in resolve(pipeline).objects)
