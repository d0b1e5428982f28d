"""Deterministic test data for the seed e-commerce pipeline.

`generate()` returns the INSERT statements the seed pipeline is tested with, as plain Python
values: a list of ``(table_name, rows)`` where each tuple becomes one multi-row ``INSERT``.
The data follows the rules of ``seed-contract.md`` ("Test data" and "Late events"):

* fixed seed, standard library only, no wall clock: the same seed always gives the same rows;
* about 50 products, 200 users and a few thousand ``user_events`` over 34 hours, starting
  at ``START``, shaped as realistic sessions (most stop after a page or two, few buy);
* events arrive in time order, split into statements of about ``CHUNK_SIZE`` rows, except
  for a few deliberately late rows less than 90 seconds behind the greatest ``event_time``
  seen so far (the late-event rule keeps them) and one final statement of far-late rows,
  each at least an hour behind everything before it (the rule drops them);
* some events sit exactly on 5-minute and hour boundaries (half-open windows matter there),
  ``QUIET_HOUR`` has no purchase at all, and ``SPIKE_HOUR`` holds an injected purchase
  spike that is the only hour ``anomaly_detection`` flags.

The anomaly property is made true by construction rather than by luck: the hourly purchase
counts are planned first (``_plan_purchase_counts``), the plan is re-drawn until the contract's
z-score rule flags the spike hour and nothing else (with a margin), and then sessions are built
so that exactly the planned number of purchases lands in each hour.  The independent reference
in ``tests/reference/views.py`` re-checks the finished data.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

Row = dict[str, object]
Statement = tuple[str, list[Row]]
Step = tuple[str, str | None, str, dict[str, object] | None]
"""One click of a session before it has a time: (event_type, product_id, page_url, event_data)."""

START = datetime(2026, 3, 2, 0, 0, 0)
"""First hour of event data (naive timestamp, on an hour boundary)."""
HOURS = 34
"""Hours of regular traffic; events span a little more than this (sessions run on)."""
CHUNK_SIZE = 500
"""Rows per ``user_events`` INSERT statement (in arrival order)."""

SPIKE_HOUR = 20
"""Hour index (from START) of the injected purchase spike: a flash sale at 20:00."""
SPIKE_EXTRA = 30
"""Extra purchase sessions added to the spike hour."""
QUIET_HOUR = 3
"""Hour index with no purchase at all (no anomaly_detection row, in no baseline)."""

ZSCORE_THRESHOLD = 3.0
ZSCORE_MIN_PERIODS = 6
NORMAL_Z_MARGIN = 2.5
"""Plan acceptance: every non-spike hour keeps |z| <= this (well under the threshold 3)."""
SPIKE_Z_MIN = 5.0
"""Plan acceptance: the spike hour's z-score is at least this (well over the threshold 3)."""

HOUR_BOUNDARY_PURCHASE = START + timedelta(hours=10)
"""A purchase exactly on an hour boundary (starts a TUMBLE window and a HOP window)."""
FIVE_MINUTE_PURCHASE = START + timedelta(hours=14, minutes=35)
"""A purchase exactly on a 5-minute boundary (starts a HOP window, ends another)."""
HOUR_BOUNDARY_PAGEVIEW = START + timedelta(hours=12)
FIVE_MINUTE_PAGEVIEW = START + timedelta(hours=7, minutes=5)
UNKNOWN_PRODUCT_ID = "P999"
"""A product id that events use but ``products`` lacks (drops out of inner joins)."""
UNKNOWN_PRODUCT_PRICE = Decimal("24.99")
UNKNOWN_PURCHASE_HOUR = 5
"""The first purchase session of this hour buys the unknown product."""

SITE = "https://shop.example.com"
EXTERNAL_REFERRERS: tuple[str | None, ...] = (
    None,
    None,
    None,
    "https://www.google.com/",
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://www.facebook.com/",
    "https://www.instagram.com/",
    "https://newsletter.example.com/weekly",
)
FLASH_SALE_REFERRER = "https://newsletter.example.com/flash-sale"
DEVICE_TYPES = ("desktop", "mobile", "tablet")

CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[int, int]]] = {
    # category: (nouns, (min price in cents, max price in cents))
    "electronics": (("Headphones", "Charger", "Speaker", "Keyboard", "Monitor"), (1999, 49999)),
    "books": (("Novel", "Cookbook", "Atlas", "Biography", "Guide"), (799, 4999)),
    "home": (("Lamp", "Mug Set", "Blanket", "Vase", "Kettle"), (1299, 12999)),
    "clothing": (("T-Shirt", "Jacket", "Scarf", "Sneakers", "Hoodie"), (1499, 17999)),
    "sports": (("Yoga Mat", "Dumbbell", "Water Bottle", "Tennis Racket", "Helmet"), (999, 24999)),
    "beauty": (("Face Cream", "Shampoo", "Perfume", "Lip Balm", "Serum"), (499, 8999)),
}
ADJECTIVES = ("Classic", "Premium", "Eco", "Smart", "Compact", "Deluxe", "Urban", "Vintage")
PLACES = (
    ("US", "New York"),
    ("US", "San Francisco"),
    ("US", "Chicago"),
    ("GB", "London"),
    ("GB", "Manchester"),
    ("DE", "Berlin"),
    ("DE", "Munich"),
    ("FR", "Paris"),
    ("JP", "Tokyo"),
    ("BR", "Sao Paulo"),
    ("IN", "Bangalore"),
    ("CA", "Toronto"),
)
BROWSE_PAGES = (
    "/",
    "/deals",
    "/search",
    "/new-arrivals",
    *(f"/category/{name}" for name in CATEGORIES),
)


@dataclass
class _Product:
    product_id: str
    price: Decimal
    weight: float


@dataclass
class _Session:
    """One visit: a user on one device producing events in time order."""

    session_id: str
    user_id: str
    device_type: str
    events: list[Row] = field(default_factory=list)


def _money(cents: int) -> Decimal:
    """Cents as a 2-decimal Decimal (exact, as numeric money is in SQL)."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _json_number(value: Decimal) -> float:
    """A 2-decimal Decimal as the float whose JSON text is those same digits (19.99)."""
    return float(value)


def _diurnal(hour_index: int) -> float:
    """Traffic shape in [0, 1] by hour of day: lowest at 04:00, highest at 16:00."""
    hour_of_day = (START + timedelta(hours=hour_index)).hour
    return 0.5 * (1.0 - math.cos(2.0 * math.pi * (hour_of_day - 4) / 24.0))


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth's method; lam here is small, so this is exact and quick)."""
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def hourly_zscores(counts: list[int]) -> dict[int, tuple[int, float | None]]:
    """The contract's z-score rule over planned hourly purchase counts.

    ``counts[h]`` is the number of purchases in hour ``h``; hours with 0 have no row.  Returns,
    for each hour with purchases, ``(baseline_hours, z_score)`` where the baseline is the hours
    with purchases in ``[h - 24, h - 1]`` (RANGE 24 hours to 1 hour preceding).  This is the
    generator's planning aid; the independent check is ``tests/reference/views.py``.
    """
    result: dict[int, tuple[int, float | None]] = {}
    for hour, count in enumerate(counts):
        if count == 0:
            continue
        baseline = [c for h, c in enumerate(counts) if hour - 24 <= h <= hour - 1 and c > 0]
        n = len(baseline)
        z: float | None = None
        if n >= ZSCORE_MIN_PERIODS:
            mean = Fraction(sum(baseline), n)
            variance = sum((Fraction(c) - mean) ** 2 for c in baseline) / (n - 1)
            if variance > 0:
                z = float(count - mean) / math.sqrt(variance)
        result[hour] = (n, z)
    return result


def _plan_is_clean(counts: list[int]) -> bool:
    """True when only SPIKE_HOUR is flagged, by a wide margin, with a full enough baseline."""
    for hour, (baseline_hours, z) in hourly_zscores(counts).items():
        if hour == SPIKE_HOUR:
            if baseline_hours < ZSCORE_MIN_PERIODS or z is None or z < SPIKE_Z_MIN:
                return False
        elif z is not None and abs(z) > NORMAL_Z_MARGIN:
            return False
    return True


def _plan_purchase_counts(rng: random.Random) -> list[int]:
    """Purchases per hour: a mild daily rhythm, a quiet hour, a spike; re-drawn until clean."""
    for _ in range(10_000):
        counts: list[int] = []
        for hour in range(HOURS):
            if hour == QUIET_HOUR:
                counts.append(0)
            else:
                counts.append(max(2, _poisson(rng, 6.0 + 2.0 * _diurnal(hour))))
        counts[SPIKE_HOUR] += SPIKE_EXTRA
        if _plan_is_clean(counts):
            return counts
    raise RuntimeError("no clean purchase plan found")  # pragma: no cover


def _make_products(rng: random.Random) -> tuple[list[Row], list[_Product]]:
    """50 products over six categories; three are inactive and never appear in events."""
    rows: list[Row] = []
    catalog: list[_Product] = []
    category_names = list(CATEGORIES)
    inactive = {"P013", "P029", "P047"}
    for number in range(1, 51):
        product_id = f"P{number:03d}"
        category = category_names[(number - 1) % len(category_names)]
        nouns, (low, high) = CATEGORIES[category]
        price = _money(rng.randint(low, high))
        is_active = product_id not in inactive
        rows.append(
            {
                "product_id": product_id,
                "name": f"{rng.choice(ADJECTIVES)} {rng.choice(nouns)}",
                "category": category,
                "price": price,
                "inventory_count": rng.randint(0, 500),
                "created_at": datetime(2025, 1, 1)
                + timedelta(days=rng.randint(0, 364), seconds=rng.randint(0, 86_399)),
                "is_active": is_active,
            }
        )
        if is_active:
            # A long-tailed popularity: a few products get most of the attention.
            catalog.append(_Product(product_id, price, 1.0 / (1.0 + len(catalog)) ** 0.8))
    return rows, catalog


def _make_users(rng: random.Random) -> tuple[list[Row], list[float]]:
    """200 users; returns their rows and an activity weight per user (some visit often)."""
    rows: list[Row] = []
    weights: list[float] = []
    for number in range(1, 201):
        country, city = rng.choice(PLACES)
        created_at = datetime(2024, 1, 1) + timedelta(
            days=rng.randint(0, 780), seconds=rng.randint(0, 86_399)
        )
        last_login = created_at + timedelta(
            seconds=rng.randint(0, int((START - created_at).total_seconds()) - 1)
        )
        rows.append(
            {
                "user_id": f"U{number:04d}",
                "email": f"user{number:04d}@example.com",
                "country": country,
                "city": city,
                "device_type": rng.choices(DEVICE_TYPES, weights=(5, 8, 2))[0],
                "created_at": created_at,
                "last_login": last_login,
            }
        )
        weights.append(0.2 + rng.random() ** 3 * 5.0)
    return rows, weights


class _Builder:
    """Builds sessions; holds the random source, catalog and users so helpers stay short."""

    def __init__(
        self,
        rng: random.Random,
        catalog: list[_Product],
        users: list[Row],
        user_weights: list[float],
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.users = users
        self.user_weights = user_weights
        self.sessions: list[_Session] = []

    # -- pieces -------------------------------------------------------------------------------

    def new_session(self) -> _Session:
        user = self.rng.choices(self.users, weights=self.user_weights)[0]
        device = str(user["device_type"])
        if self.rng.random() < 0.15:
            device = self.rng.choice(DEVICE_TYPES)
        session = _Session(f"tmp{len(self.sessions)}", str(user["user_id"]), device)
        self.sessions.append(session)
        return session

    def pick_product(self, unknown_rate: float = 0.02) -> tuple[str, Decimal]:
        if self.rng.random() < unknown_rate:
            return UNKNOWN_PRODUCT_ID, UNKNOWN_PRODUCT_PRICE
        weights = [p.weight for p in self.catalog]
        product = self.rng.choices(self.catalog, weights=weights)[0]
        return product.product_id, product.price

    def gap(self) -> timedelta:
        """Think time between two clicks of one session."""
        return timedelta(seconds=self.rng.randint(8, 150))

    @staticmethod
    def step(
        event_type: str, product_id: str | None, page: str, data: dict[str, object] | None
    ) -> Step:
        return event_type, product_id, page, data

    def browse_steps(self, pages: int) -> list[Step]:
        return [
            self.step("pageview", None, SITE + self.rng.choice(BROWSE_PAGES), self.empty_data())
            for _ in range(pages)
        ]

    def empty_data(self) -> dict[str, object] | None:
        """Events other than add_to_cart and purchase carry {} or NULL."""
        return {} if self.rng.random() < 0.5 else None

    def view_steps(self, views: int, unknown_rate: float = 0.02) -> tuple[list[Step], str, Decimal]:
        steps = []
        product_id, price = UNKNOWN_PRODUCT_ID, UNKNOWN_PRODUCT_PRICE
        for _ in range(views):
            product_id, price = self.pick_product(unknown_rate)
            steps.append(self.step("product_view", product_id, f"{SITE}/product/{product_id}", {}))
        return steps, product_id, price

    def cart_step(self, product_id: str, price: Decimal, quantity: int) -> Step:
        data: dict[str, object] = {"quantity": quantity, "unit_price": _json_number(price)}
        return self.step("add_to_cart", product_id, f"{SITE}/product/{product_id}", data)

    def realize(
        self,
        session: _Session,
        steps: list[Step],
        start: datetime,
        first_referrer: str | None,
    ) -> None:
        """Turn steps into event rows from ``start`` on; referrer is the previous page."""
        when = start
        referrer = first_referrer
        for index, (event_type, product_id, page, data) in enumerate(steps):
            if index:
                when += self.gap()
            session.events.append(
                {
                    "event_id": "",
                    "user_id": session.user_id,
                    "session_id": session.session_id,
                    "event_type": event_type,
                    "product_id": product_id,
                    "page_url": page,
                    "referrer_url": referrer,
                    "device_type": session.device_type,
                    "event_time": when,
                    "event_data": data,
                }
            )
            referrer = page

    # -- whole sessions -----------------------------------------------------------------------

    def browsing_session(self, start: datetime, *, pageview_first: bool = False) -> None:
        """A session that never buys: most stop after pages, fewer reach cart or checkout.

        About 12% land straight on a product page (no pageview) unless ``pageview_first``.
        """
        session = self.new_session()
        rng = self.rng
        deep_link = rng.random() < 0.12 and not pageview_first
        steps = [] if deep_link else self.browse_steps(rng.choice((1, 1, 1, 2, 2, 3)))
        stage = rng.random()
        if stage >= 0.52 or not steps:
            views, product_id, price = self.view_steps(rng.choice((1, 1, 2, 3)))
            steps += views
            if stage >= 0.79:
                steps.append(self.cart_step(product_id, price, rng.randint(1, 3)))
                if rng.random() < 0.3:
                    steps.append(self.step("remove_from_cart", product_id, f"{SITE}/cart", {}))
                elif stage >= 0.92:
                    steps.append(self.step("checkout", None, f"{SITE}/checkout", {}))
        self.realize(session, steps, start, rng.choice(EXTERNAL_REFERRERS))

    def purchase_session(
        self, purchase_time: datetime, *, flash_sale: bool = False, unknown: bool = False
    ) -> None:
        """A session ending in one purchase placed exactly at ``purchase_time``."""
        session = self.new_session()
        rng = self.rng
        steps = [] if rng.random() < 0.15 else self.browse_steps(rng.choice((1, 1, 2)))
        views, product_id, price = self.view_steps(rng.choice((1, 1, 2, 3)), unknown_rate=0.0)
        if flash_sale:
            # The flash sale pushes one featured product.
            featured = self.catalog[0]
            views[-1] = self.step(
                "product_view", featured.product_id, f"{SITE}/product/{featured.product_id}", {}
            )
            product_id, price = featured.product_id, featured.price
        if unknown:
            views[-1] = self.step(
                "product_view", UNKNOWN_PRODUCT_ID, f"{SITE}/product/{UNKNOWN_PRODUCT_ID}", {}
            )
            product_id, price = UNKNOWN_PRODUCT_ID, UNKNOWN_PRODUCT_PRICE
        steps += views
        quantity = rng.choice((1, 1, 1, 2, 3))
        steps.append(self.cart_step(product_id, price, quantity))
        if rng.random() < 0.15:
            other_id, other_price = self.pick_product(0.0)
            steps.append(self.cart_step(other_id, other_price, 1))
            steps.append(self.step("remove_from_cart", other_id, f"{SITE}/cart", {}))
        steps.append(self.step("checkout", None, f"{SITE}/checkout", {}))
        total = price * quantity
        steps.append(
            self.step(
                "purchase",
                product_id,
                f"{SITE}/checkout/confirmation",
                {"total_amount": _json_number(total), "item_count": quantity},
            )
        )
        referrer = FLASH_SALE_REFERRER if flash_sale else rng.choice(EXTERNAL_REFERRERS)
        self.realize(session, steps, START, referrer)
        # Shift the session so its purchase (the last event) lands exactly at purchase_time.
        duration = _as_datetime(session.events[-1]["event_time"]) - START
        shift = purchase_time - duration - START
        if purchase_time - duration < START:
            shift = timedelta(0)  # first hour: start at START instead (still in hour 0)
        for event in session.events:
            event["event_time"] = _as_datetime(event["event_time"]) + shift


def _as_datetime(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value


def _hour_index(moment: datetime) -> int:
    """Which hour after START holds ``moment``."""
    return (moment - START) // timedelta(hours=1)


def _in_hour_second(rng: random.Random, hour: int) -> datetime:
    """A whole-second instant inside hour ``hour`` (half-open)."""
    return START + timedelta(hours=hour, seconds=rng.randint(0, 3599))


def _build_sessions(builder: _Builder, plan: list[int]) -> None:
    rng = builder.rng
    for hour in range(HOURS):
        browsing = max(1, _poisson(rng, 20.0 + 24.0 * _diurnal(hour)))
        for index in range(browsing):
            start = _in_hour_second(rng, hour)
            boundary = False
            for moment in (FIVE_MINUTE_PAGEVIEW, HOUR_BOUNDARY_PAGEVIEW):
                if index == 0 and hour == _hour_index(moment):
                    start, boundary = moment, True
            builder.browsing_session(start, pageview_first=boundary)
        regular = plan[hour] - (SPIKE_EXTRA if hour == SPIKE_HOUR else 0)
        for index in range(plan[hour]):
            when = _in_hour_second(rng, hour)
            if index == 0 and hour == _hour_index(HOUR_BOUNDARY_PURCHASE):
                when = HOUR_BOUNDARY_PURCHASE
            if index == 0 and hour == _hour_index(FIVE_MINUTE_PURCHASE):
                when = FIVE_MINUTE_PURCHASE
            builder.purchase_session(
                when,
                flash_sale=index >= regular,
                unknown=index == 0 and hour == UNKNOWN_PURCHASE_HOUR,
            )


def _session_last_ids(events: list[Row]) -> set[int]:
    """ids (Python object ids) of events that are the last of their session in time order."""
    last: dict[object, Row] = {}
    for event in events:
        last[event["session_id"]] = event
    return {id(event) for event in last.values()}


def _make_late(chunks: list[list[Row]], rng: random.Random, last_ids: set[int]) -> None:
    """Delay a few rows by < 90 s in arrival order; each stays in order within its session.

    Per statement one row that ends its session is moved later inside the same statement,
    behind rows 30-85 s newer (purchases in even statements, other events in odd ones).  One
    more such row is moved from the end of a statement (the first, from statement 1 on, that
    has one) to the start of the next, so it is late against an earlier statement but within
    the 2-minute allowance: still kept.
    """
    low, high = timedelta(seconds=30), timedelta(seconds=85)
    for number, chunk in enumerate(chunks):
        want_purchase = number % 2 == 0
        times = [_as_datetime(row["event_time"]) for row in chunk]
        candidates = []
        for i, row in enumerate(chunk):
            if id(row) not in last_ids or (row["event_type"] == "purchase") != want_purchase:
                continue
            j = max(k for k in range(i, len(chunk)) if times[k] - times[i] <= high)
            if times[j] - times[i] >= low:
                candidates.append((i, j))
        if not candidates:
            continue
        i, j = rng.choice(candidates)
        chunk.insert(j, chunk.pop(i))
    for first, second in itertools.pairwise(chunks[1:]):
        newest = max(_as_datetime(row["event_time"]) for row in first)
        options = [
            i
            for i, row in enumerate(first)
            if id(row) in last_ids
            and low <= newest - _as_datetime(row["event_time"]) <= high
            and i < len(first) - 1
        ]
        if options:
            second.insert(0, first.pop(rng.choice(options)))
            return


def _far_late(
    builder: _Builder, sessions: list[_Session], newest: datetime, next_session: int
) -> list[Row]:
    """Rows at least an hour behind everything before them (the late-event rule drops them).

    A complete new buying session about three hours back, a direct pageview just over an
    hour back, and a checkout appended to an early browse-only session: if an engine kept
    them, every one of the six views would change.
    """
    rng = builder.rng
    product = builder.catalog[1]
    page = f"{SITE}/product/{product.product_id}"
    buyer = _Session(f"S{next_session:05d}", "U0007", "desktop")
    steps = [
        builder.step("pageview", None, SITE + "/", None),
        builder.step("product_view", product.product_id, page, {}),
        builder.cart_step(product.product_id, product.price, 2),
        builder.step("checkout", None, f"{SITE}/checkout", {}),
        builder.step(
            "purchase",
            product.product_id,
            f"{SITE}/checkout/confirmation",
            {"total_amount": _json_number(product.price * 2), "item_count": 2},
        ),
    ]
    builder.realize(buyer, steps, (newest - timedelta(hours=3)).replace(second=0), None)

    direct = _Session(f"S{next_session + 1:05d}", "U0011", "mobile")
    when = newest - timedelta(hours=1, seconds=rng.randint(1, 59))
    builder.realize(direct, [builder.step("pageview", None, SITE + "/deals", None)], when, None)

    early = next(
        s
        for s in sessions
        if {e["event_type"] for e in s.events} == {"pageview"}
        and _as_datetime(s.events[-1]["event_time"]) < START + timedelta(hours=2)
    )
    last = early.events[-1]
    returning = _Session(early.session_id, early.user_id, early.device_type)
    builder.realize(
        returning,
        [builder.step("checkout", None, f"{SITE}/checkout", {})],
        _as_datetime(last["event_time"]) + timedelta(seconds=30),
        str(last["page_url"]),
    )
    return [*buyer.events, *direct.events, *returning.events]


def generate(seed: int = 2026) -> list[tuple[str, list[dict[str, object]]]]:
    """Statements in order: (table_name, rows). Each tuple becomes one multi-row INSERT.

    Order: ``products``, ``users``, the events in arrival order in statements of about
    ``CHUNK_SIZE`` rows, then one final statement of far-late events.  Every row dict has
    every column of its table in contract order, with None for NULL.
    """
    rng = random.Random(seed)
    product_rows, catalog = _make_products(rng)
    user_rows, user_weights = _make_users(rng)
    plan = _plan_purchase_counts(rng)

    builder = _Builder(rng, catalog, user_rows, user_weights)
    _build_sessions(builder, plan)

    # Number sessions by their first event, so ids read in time order.
    sessions = sorted(
        builder.sessions,
        key=lambda s: (_as_datetime(s.events[0]["event_time"]), s.session_id),
    )
    for number, session in enumerate(sessions, start=1):
        session.session_id = f"S{number:05d}"
        for event in session.events:
            event["session_id"] = session.session_id

    # Arrival order is time order (sessions interleave); ties keep session order.
    ordered = [event for session in sessions for event in session.events]
    ordered.sort(key=lambda e: _as_datetime(e["event_time"]))
    last_ids = _session_last_ids(ordered)
    chunks = [ordered[i : i + CHUNK_SIZE] for i in range(0, len(ordered), CHUNK_SIZE)]
    _make_late(chunks, rng, last_ids)

    newest = max(_as_datetime(e["event_time"]) for e in ordered)
    far_late = _far_late(builder, sessions, newest, len(sessions) + 1)

    number = 0
    for chunk in [*chunks, far_late]:
        for event in chunk:
            number += 1
            event["event_id"] = f"E{number:06d}"

    statements: list[Statement] = [("products", product_rows), ("users", user_rows)]
    statements += [("user_events", chunk) for chunk in chunks]
    statements.append(("user_events", far_late))
    return statements
