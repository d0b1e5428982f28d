"""E-commerce real-time analytics: events in, six live dashboards out.

The seed pipeline (see docs/seed-pipeline.md): product and user reference tables, an
append-only stream of user events with a real 2-minute watermark, a view every analytics
view reads, and six materialized views for traffic, product popularity, the conversion
funnel, sliding-window revenue, per-product performance and purchase anomalies.
"""

from __future__ import annotations

from ecomdsl import (
    Funnel,
    Hop,
    Join,
    MaterializedView,
    Pipeline,
    Stage,
    Stream,
    Table,
    Tumble,
    View,
    ZScore,
    col,
    count,
    count_distinct,
    max_,
    min_,
    sum_,
    when,
)

from .ecommerce_data import generate

# ---- inputs ----------------------------------------------------------------------------

products = Table(
    "products",
    {
        "product_id": "varchar",
        "name": "varchar",
        "category": "varchar",
        "price": "numeric",
        "inventory_count": "int",
        "created_at": "timestamp",
        "is_active": "boolean",
    },
    primary_key="product_id",
    doc="The catalogue: one row per product, updated in place (primary key product_id).",
)

users = Table(
    "users",
    {
        "user_id": "varchar",
        "email": "varchar",
        "country": "varchar",
        "city": "varchar",
        "device_type": "varchar",
        "created_at": "timestamp",
        "last_login": "timestamp",
    },
    primary_key="user_id",
    doc="Registered users and their demographics (primary key user_id).",
)

user_events = Stream(
    "user_events",
    {
        "event_id": "varchar",
        "user_id": "varchar",
        "session_id": "varchar",
        "event_type": "varchar",
        "product_id": "varchar",
        "page_url": "varchar",
        "referrer_url": "varchar",
        "device_type": "varchar",
        "event_time": "timestamp",
        "event_data": "jsonb",
    },
    event_time="event_time",
    watermark="2 minutes",
    doc=(
        "Every user interaction, append-only. Events more than 2 minutes behind the newest "
        "event time are late: RisingWave drops them and closes windows behind the watermark."
    ),
)

events = View(
    "user_events_watermarked",
    user_events.select(*(name for name, _ in user_events.columns)),
    doc=(
        "The events every analytics view reads. A plain view is inlined into each reader, so "
        "the watermark of user_events reaches them and windows run on the real event_time."
    ),
)

# ---- analytics -------------------------------------------------------------------------

pageviews = events.where(col("event_type") == "pageview")

pageview_metrics = MaterializedView(
    "pageview_metrics",
    pageviews.group_by("page_url", "device_type", "referrer_url").agg(
        view_count=count(),
        unique_visitors=count_distinct(col("user_id")),
        session_count=count_distinct(col("session_id")),
        first_view=min_(col("event_time")),
        last_view=max_(col("event_time")),
    ),
    doc="Traffic per page, device and referrer: views, unique visitors, sessions, first and last view.",
    allow={
        "RW102": "all-time totals by contract; the keys are pages x devices x referrers, a "
        "small set that grows with the site, not with traffic",
    },
)

# Count each product's views first, from the append-only events, then join the small
# per-product result to the catalogue: the join holds one row per product on each side
# (no RW101), count distinct runs on append-only input (no RW104), and a change to a product
# updates its row, as the contract's join over the final catalogue does.
views_per_product = (
    events.where(col("event_type") == "product_view")
    .group_by("product_id")
    .agg(
        view_count=count(),
        unique_viewers=count_distinct(col("user_id")),
        session_count=count_distinct(col("session_id")),
    )
)
views = views_per_product.c

product_view_metrics = MaterializedView(
    "product_view_metrics",
    Join(views_per_product, products, on="product_id").select(
        products.c.product_id,
        products.c.name,
        products.c.category,
        products.c.price,
        views.view_count,
        views.unique_viewers,
        views.session_count,
    ),
    doc="Product popularity: views, distinct viewers and sessions per known product.",
    allow={"RW102": "all-time totals by contract; one state row per product id viewed"},
)

funnel_analysis = MaterializedView(
    "funnel_analysis",
    Funnel(
        events,
        session="session_id",
        step="event_type",
        stages=[
            "pageview",
            "product_view",
            Stage("add_to_cart", label="cart"),
            "checkout",
            "purchase",
        ],
    ),
    doc=(
        "The purchase funnel over all sessions: how many sessions reached each stage, and the "
        "conversion rate from each stage to the next and from pageview to purchase."
    ),
    allow={
        "RW102": "the contract asks for an all-time funnel: one row of five flags per session, "
        "kept forever; docs/rules.md shows the windowed form that bounds it",
    },
)

purchases_hop = Hop(events, "event_time", hop="5 minutes", size="1 hour").where(
    col("event_type") == "purchase"
)

revenue_tracker = MaterializedView(
    "revenue_tracker",
    purchases_hop.group_by("window_start", "window_end").agg(
        purchase_count=count(),
        unique_customers=count_distinct(col("user_id")),
        total_revenue=sum_(col("event_data").json("total_amount", "numeric")),
        items_sold=sum_(col("event_data").json("item_count", "int")),
    ),
    doc=(
        "Revenue over the last hour, refreshed every 5 minutes: purchases, customers, revenue "
        "and items per sliding one-hour window."
    ),
)

# Count each product's events first, then join the small per-product result to the
# catalogue: the join then holds one row per product on each side (no RW101), instead of
# every event with a product id.
events_per_product = (
    events.where(col("product_id").is_not_null())
    .group_by("product_id")
    .agg(
        view_count=count().filter(col("event_type") == "product_view"),
        cart_adds=count().filter(col("event_type") == "add_to_cart"),
        purchases=count().filter(col("event_type") == "purchase"),
    )
)
counts = events_per_product.c
per_product = Join(products, events_per_product, on="product_id", how="left").select(
    products.c.product_id,
    products.c.name,
    products.c.category,
    products.c.price,
    # products without events have no row on the right: count 0
    view_count=counts.view_count.coalesce(0),
    cart_adds=counts.cart_adds.coalesce(0),
    purchases=counts.purchases.coalesce(0),
)

product_performance = MaterializedView(
    "product_performance",
    per_product.select(
        "product_id",
        "name",
        "category",
        "price",
        "view_count",
        "cart_adds",
        "purchases",
        view_to_cart_ratio=when(
            (col("view_count") == 0, 0.0),
            otherwise=col("cart_adds").cast("double precision") / col("view_count"),
        ),
        cart_to_purchase_ratio=when(
            (col("cart_adds") == 0, 0.0),
            otherwise=col("purchases").cast("double precision") / col("cart_adds"),
        ),
        estimated_revenue=col("purchases") * col("price"),
    ),
    doc=(
        "Every product, with or without events: views, cart additions, purchases, the two "
        "conversion ratios (0 when there is nothing to convert) and purchases x price."
    ),
    allow={
        "RW102": "all-time totals by contract; the event counts keep one state row per "
        "product id seen",
    },
)

hourly_purchases = (
    Tumble(events, "event_time", size="1 hour")
    .where(col("event_type") == "purchase")
    .group_by(hour=col("window_start"))
    .agg(purchase_count=count())
)

anomaly_detection = MaterializedView(
    "anomaly_detection",
    ZScore(
        hourly_purchases,
        value="purchase_count",
        order_by="hour",
        lookback="24 hours",
        exclude_recent="1 hour",
        threshold=3,
        min_periods=6,
        count_as="baseline_hours",
    ),
    doc=(
        "Hours whose purchase count is unusual: the z-score of each hour against the hours "
        "with purchases in the 24 hours before it; flagged when |z| > 3 with 6+ baseline hours."
    ),
    allow={
        "RW103": "the window runs over one row per hour (8,760 a year); EMIT ON WINDOW CLOSE "
        "with a RANGE-interval frame is unverified on RisingWave (see the seed contract)",
    },
)

pipeline = Pipeline(
    "ecommerce",
    objects=[
        products,
        users,
        user_events,
        events,
        pageview_metrics,
        product_view_metrics,
        funnel_analysis,
        revenue_tracker,
        product_performance,
        anomaly_detection,
    ],
    test_data=generate,
    doc=__doc__,
)
