"""Each builder's SQL in several configurations, locked as one readable .sql snapshot each.

Every snapshot is also checked to parse with the ecomdsl dialect into the tree the compiler
built, as written (so a snapshot can never hold SQL that does not round-trip)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from syrupy.assertion import SnapshotAssertion

from ecomdsl import (
    Funnel,
    Hop,
    Join,
    Kafka,
    MaterializedView,
    Stage,
    Stream,
    Table,
    Tumble,
    View,
    ZScore,
    avg,
    bool_or,
    col,
    count,
    count_distinct,
    func,
    interval,
    lit,
    max_,
    min_,
    raw,
    ref,
    stddev,
    sum_,
    when,
)
from ecomdsl.dialect import as_written
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.sql.emit import Emitter
from tests.helpers import build, events, products, sql_of


def check(snapshot: SnapshotAssertion, obj: PipelineObject, *others: PipelineObject) -> None:
    text = sql_of(obj, *others)
    tree = sqlglot.parse_one(text, read="ecomdsl")
    assert tree.find(exp.Command) is None
    built = Emitter().create(build(obj, *others).get(obj.name))
    assert tree == as_written(built)  # less what SQL does not spell: int division, window types
    assert text == snapshot


# ---- tables and streams ----


def test_table_with_primary_key(sql_snapshot: SnapshotAssertion) -> None:
    check(sql_snapshot, products())


def test_table_composite_key_and_quoted_names(sql_snapshot: SnapshotAssertion) -> None:
    t = Table(
        "Order Lines",
        {
            "order": "bigint",
            "line": "int",
            "Sku": "varchar",
            "qty": "smallint",
            "at": "timestamptz",
        },
        primary_key=["order", "line"],
        doc="Lines of an order; names that need quotes stay names.",
    )
    check(sql_snapshot, t)


def test_table_append_only_no_key(sql_snapshot: SnapshotAssertion) -> None:
    check(sql_snapshot, Table("clicks", {"url": "text", "ts": "timestamp"}, append_only=True))


def test_stream_with_watermark(sql_snapshot: SnapshotAssertion) -> None:
    check(sql_snapshot, events())


def test_stream_kafka_source(sql_snapshot: SnapshotAssertion) -> None:
    s = Stream(
        "orders",
        {"order_id": "varchar", "amount": "numeric", "ts": "timestamptz"},
        event_time="ts",
        watermark="10 seconds",
        connector=Kafka(
            topic="orders",
            bootstrap_servers="broker1:9092,broker2:9092",
            options={"scan.startup.mode": "earliest", "properties.security.protocol": "SASL_SSL"},
        ),
    )
    check(sql_snapshot, s)


def test_view_projection(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    v = View("purchases", e.where(col("event_type") == "purchase").select("event_id", "amount"))
    check(sql_snapshot, v, e)


# ---- aggregates ----


def test_group_by_all_aggregates(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "per_user",
        e.where(col("event_type").isin(["purchase", "checkout"]) & col("user_id").is_not_null())
        .group_by("user_id")
        .agg(
            n=count(),
            products=count_distinct(col("product_id")),
            total=sum_(col("amount")),
            items=sum_(col("quantity")),
            smallest=min_(col("amount")),
            largest=max_(col("amount")),
            mean=avg(col("amount")),
            spread=stddev(col("amount").cast("double precision")),
            bought=bool_or(col("event_type") == "purchase"),
            purchases=count().filter(col("event_type") == "purchase"),
        ),
    )
    check(sql_snapshot, mv, e)


def test_global_aggregate(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView("totals", e.agg(events=count(), users=count_distinct(col("user_id"))))
    check(sql_snapshot, mv, e)


def test_filter_after_aggregate_wraps(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    busy = e.group_by("user_id").agg(n=count()).having(col("n") > 10)
    check(sql_snapshot, MaterializedView("busy_users", busy), e)


def test_json_case_and_functions(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "enriched",
        e.select(
            "event_id",
            total=col("payload").json("total_amount", "numeric"),
            note=col("payload").json("it's; -- not a comment"),
            size=when(
                (col("amount") >= 100, lit("large")),
                (col("amount") >= 10, lit("medium")),
                otherwise="small",
            ),
            hour=func("date_trunc", "hour", col("event_time")),
            user=func("lower", col("user_id").coalesce("anonymous")),
            later=col("event_time") + interval("1 hour"),
            ratio=col("amount") / col("quantity"),
            whole=col("quantity") // 2,
        ),
    )
    check(sql_snapshot, mv, e)


def test_raw_fragment_checked_and_requalified(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "raw_bits",
        e.where(raw("EVENT_TYPE LIKE 'prod%'")).select(
            "event_id",
            cents=raw("CAST(amount * 100 AS BIGINT)"),
            t=raw("payload #>> '{a,b}'", "varchar"),
        ),
    )
    check(sql_snapshot, mv, e)


# ---- windows ----


def test_hop_window(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "revenue_5m_1h",
        Hop(e, "event_time", hop="5 minutes", size="1 hour")
        .where(col("event_type") == "purchase")
        .group_by("window_start", "window_end")
        .agg(revenue=sum_(col("amount"))),
    )
    check(sql_snapshot, mv, e)


def test_tumble_with_offset_and_eowc(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "daily",
        Tumble(e, "event_time", size="1 day", offset="8 hours")
        .group_by("window_start")
        .agg(n=count()),
        emit_on_window_close=True,
    )
    check(sql_snapshot, mv, e)


def test_window_over_a_query_uses_a_cte(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    purchases = e.where(col("event_type") == "purchase").select("user_id", "event_time")
    mv = MaterializedView(
        "purchase_windows",
        Tumble(purchases, "event_time", size="10 minutes").group_by("window_start").agg(n=count()),
    )
    check(sql_snapshot, mv, e)


# ---- joins ----


def test_inner_join_filter_moves_to_where(sql_snapshot: SnapshotAssertion) -> None:
    e, p = events(), products()
    views = Join(e.where(col("event_type") == "product_view"), p, on="product_id")
    mv = MaterializedView(
        "views_per_product", views.group_by(p.c.product_id, p.c.name).agg(n=count())
    )
    check(sql_snapshot, mv, e, p)


def test_left_join_right_filter_stays_in_on(sql_snapshot: SnapshotAssertion) -> None:
    e, p = events(), products()
    j = Join(p, e.where(col("event_type") == "purchase"), on="product_id", how="left")
    mv = MaterializedView(
        "purchases_per_product",
        j.group_by(p.c.product_id).agg(purchases=count(e.c.event_id)),
    )
    check(sql_snapshot, mv, e, p)


def test_join_on_expression_and_self_join(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    carts = e.where(col("event_type") == "add_to_cart")
    buys = e.where(col("event_type") == "purchase")
    j = Join(
        carts,
        buys,
        on=(carts.c.session_id == buys.c.session_id) & (carts.c.product_id == buys.c.product_id),
    )
    mv = MaterializedView(
        "converted_carts",
        j.select(carts.c.session_id, cart_at=carts.c.event_time, bought_at=buys.c.event_time),
    )
    check(sql_snapshot, mv, e)


def test_join_without_select_keeps_left_then_new_right_columns(
    sql_snapshot: SnapshotAssertion,
) -> None:
    e, p = events(), products()
    check(sql_snapshot, View("events_with_products", Join(e, p, on="product_id", how="left")), e, p)


# ---- domain operators ----


def test_zscore_range_frame(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    hourly = (
        Tumble(e, "event_time", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    )
    mv = MaterializedView("hourly_z", ZScore(hourly, value="n", order_by="hour", threshold=2.5))
    check(sql_snapshot, mv, e)


def test_zscore_rows_frame_partitioned(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    per_user = (
        Tumble(e, "event_time", size="1 day")
        .group_by("user_id", day=col("window_start"))
        .agg(spend=sum_(col("amount")))
    )
    mv = MaterializedView(
        "spend_z",
        ZScore(
            per_user,
            value="spend",
            order_by="day",
            lookback=30,
            exclude_recent=1,
            partition_by=["user_id"],
            min_periods=7,
            z_as="z",
            flag_as="unusual",
        ),
    )
    check(sql_snapshot, mv, e)


def test_funnel_with_custom_stages(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    mv = MaterializedView(
        "checkout_funnel",
        Funnel(
            e,
            session="session_id",
            stages=[
                Stage("browse", when=col("event_type").isin(["pageview", "product_view"])),
                Stage("cart", when=col("event_type") == "add_to_cart"),
                Stage(
                    "big_purchase",
                    when=(col("event_type") == "purchase") & (col("amount") > 100),
                    label="big",
                ),
            ],
            total_as="sessions",
            overall_as="browse_to_big_rate",
        ),
    )
    check(sql_snapshot, mv, e)


def test_ref_by_name(sql_snapshot: SnapshotAssertion) -> None:
    e = events()
    base = MaterializedView("per_user_counts", e.group_by("user_id").agg(n=count()))
    top = MaterializedView(
        "heavy_users", ref("per_user_counts").where(col("n") >= 100).select("user_id")
    )
    check(sql_snapshot, top, base, e)


def test_temporal_left_join(sql_snapshot: SnapshotAssertion) -> None:
    e, p = events(), products()
    lookup = Join(
        e.where(col("event_type") == "purchase"), p, on="product_id", how="left", temporal=True
    )
    mv = MaterializedView("priced_purchases", lookup.select(e.c.event_id, p.c.price))
    check(sql_snapshot, mv, e, p)


def test_table_options(sql_snapshot: SnapshotAssertion) -> None:
    t = Table(
        "readings",
        {"sensor": "varchar", "ts": "timestamptz", "value": "double precision"},
        primary_key="sensor",
        append_only=True,
        on_conflict="do nothing",
        event_time="ts",
        watermark="30 seconds",
    )
    ttl = Table(
        "latest",
        {"sensor": "varchar", "ts": "timestamp"},
        primary_key="sensor",
        event_time="ts",
        watermark="1 hour",
        watermark_ttl=True,
    )
    check(sql_snapshot, t)
    check(sql_snapshot, ttl)


def test_window_functions_top_n(sql_snapshot: SnapshotAssertion) -> None:
    from ecomdsl import lag, row_number

    e = events()
    ranked = e.select(
        "user_id",
        "event_id",
        "event_time",
        rn=row_number().over(partition_by="user_id", order_by="event_time"),
        previous=lag(col("event_time")).over(partition_by="user_id", order_by="event_time"),
        running=sum_(col("amount")).over(
            partition_by="user_id", order_by="event_time", rows=(None, None)
        ),
    )
    check(sql_snapshot, MaterializedView("first_three", ranked.where(col("rn") <= 3)), e)


def test_union_all_and_temporal_filter(sql_snapshot: SnapshotAssertion) -> None:
    from ecomdsl import now, union_all

    e = events()
    recent = e.where(col("event_time") > now() - interval("1 hour"))
    carts = recent.where(col("event_type") == "add_to_cart").select("user_id", kind=lit("cart"))
    buys = recent.where(col("event_type") == "purchase").select("user_id", kind=lit("buy"))
    mv = MaterializedView("recent_actions", union_all(carts, buys).group_by("kind").agg(n=count()))
    check(sql_snapshot, mv, e)
