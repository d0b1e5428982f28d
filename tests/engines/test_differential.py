"""Differential property tests: DuckDB == PostgreSQL == the plain-Python reference.

Hypothesis generates SMALL random event sets that obey the data rules of
``seed-contract.md`` and, for each of the six seed views, runs only that view on DuckDB and on
a real PostgreSQL server and compares both to ``tests/reference/views.py``.

What the generator covers (see `event_sets`):

* empty inputs (no products, no events, no purchases), single events;
* ties (several events at the same ``event_time``, sometimes whole duplicate rows);
* NULL and partial JSON (``event_data`` NULL, ``{}``, ``total_amount`` or ``item_count``
  missing), NULL ``product_id`` / ``page_url`` / ``referrer_url`` / ``device_type``,
  product ids that ``products`` lacks, and duplicate product rows with one primary key (in one
  statement or across statements: RisingWave keeps the last one written);
* times that are a base instant plus whole minutes or seconds, often exactly on 5-minute and
  hour boundaries (half-open, epoch-aligned windows);
* the late-event rule: rows less than 90 seconds late inside one statement (kept), rows in a
  later statement up to exactly 2 minutes behind the newest kept time (kept) and rows at least
  an hour behind it (dropped);
* a branch of 8-30 purchase-hours, sometimes with a spike, so ``anomaly_detection`` has full
  baselines, non-NULL z-scores and flags.

Data rules kept (the contract's, not limitations of the engines): ``user_id``, ``session_id``
and ``event_time`` are never NULL, ``product_id`` is NULL on pageviews, money is a JSON number
with at most 2 decimals, ``item_count``/``quantity`` are ints, product prices are never NULL,
and no row is between 2 minutes and 1 hour behind the watermark's event time (every model of
RisingWave's watermark agrees only outside that band). Products may also arrive after the
events: every view joins the final products, as RisingWave's regular joins do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ecomdsl.engines.duckdb_engine import DuckDBEngine
from ecomdsl.engines.postgres_engine import PostgresEngine
from ecomdsl.engines.runner import RunResult, run, upstream_tables
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.testing.api import to_inserts
from ecomdsl.testing.rows import diff_rows
from pipelines.ecommerce import pipeline
from tests.reference.views import ALL_VIEWS, EVENT_TYPES, kept_events

pytestmark = pytest.mark.postgres

RESOLVED = resolve(pipeline)
VIEWS = list(ALL_VIEWS)  # the contract's order


def _only(view: str) -> ir.ResolvedPipeline:
    """RESOLVED with every input table but only ``view`` and the views it reads.

    `run` creates every view of the pipeline it is given; each example needs one, and creating
    the other six (sqlglot generation plus DDL on both engines) would triple the run time. The
    object definitions are RESOLVED's own (not re-resolved), so the SQL under test is the same;
    `test_one_view_pipeline_gives_the_full_pipeline_rows` checks that on one example.
    """
    needed: set[str] = {view}
    stack = [view]
    defs = {d.name: d for d in RESOLVED.objects}
    while stack:
        for upstream in defs[stack.pop()].reads:
            if upstream not in needed:
                needed.add(upstream)
                stack.append(upstream)
    objects = tuple(d for d in RESOLVED.objects if isinstance(d, ir.TableDef) or d.name in needed)
    names = {d.name for d in objects}
    edges = tuple(e for e in RESOLVED.edges if e[0] in names and e[1] in names)
    return attrs.evolve(RESOLVED, objects=objects, edges=edges)


PER_VIEW = {view: _only(view) for view in VIEWS}

# ---- the generator ---------------------------------------------------------------------------

BASE = dt.datetime(2026, 3, 2, 0, 0, 0)
"""The first event time: on an hour boundary, which the Unix epoch aligns windows to."""
HORIZON = dt.timedelta(hours=30)
"""Events of the general branch stay within this of BASE (the anomaly baseline is 24 h)."""
WITHIN_STATEMENT_LATE = 89  # seconds: "lateness inside one INSERT statement is under 90 s"
KEPT_LATE = 120  # seconds: a later statement's rows up to exactly M - 2 minutes are kept
FAR_LATE = 3600  # seconds: far-late rows are at least an hour behind, and dropped

EVENT_WEIGHTS = ("pageview", "product_view", *EVENT_TYPES)  # views twice as often
PRODUCT_IDS = ("p1", "p2", "p3")
UNKNOWN_PRODUCT = "p9"  # referenced by events, never in products
USERS = ("u1", "u2", "u3", "u4")
SESSIONS = ("s1", "s2", "s3", "s4", "s5")
PAGES = ("/", "/products", None)
REFERRERS = (None, "https://www.google.com/", "https://www.bing.com/")
DEVICES = ("mobile", "desktop", None)

Row = dict[str, Any]
Statements = list[tuple[str, list[Row]]]
Draw = Callable[[st.SearchStrategy[Any]], Any]


def money(draw: Draw) -> float | int:
    """A JSON money value with at most 2 decimals (sometimes a JSON integer)."""
    cents: int = draw(st.integers(0, 100_000))
    if draw(st.integers(0, 4)) == 0:
        return cents // 100
    return float(Decimal(cents) / 100)


def event_data(draw: Draw, event_type: str) -> dict[str, Any] | None:
    if event_type == "purchase":
        shape = draw(st.sampled_from(["full", "full", "full", "null", "empty", "amount", "items"]))
        data: dict[str, Any] = {}
        if shape == "null":
            return None
        if shape in ("full", "amount"):
            data["total_amount"] = money(draw)
        if shape in ("full", "items"):
            data["item_count"] = draw(st.integers(0, 5))
        return data
    if event_type == "add_to_cart":
        shape = draw(st.sampled_from(["full", "null", "empty"]))
        if shape == "null":
            return None
        if shape == "empty":
            return {}
        return {"quantity": draw(st.integers(1, 3)), "unit_price": money(draw)}
    empty: dict[str, Any] | None = draw(st.sampled_from([None, {}]))
    return empty


def make_event(draw: Draw, when: dt.datetime, event_type: str | None = None) -> Row:
    """One ``user_events`` row with every column (NULL where the data rules allow it)."""
    kind = event_type or draw(st.sampled_from(EVENT_WEIGHTS))
    product = (
        None
        if kind == "pageview"
        else draw(st.sampled_from((*PRODUCT_IDS, *PRODUCT_IDS, UNKNOWN_PRODUCT, None)))
    )
    return {
        "event_id": draw(st.sampled_from(("e1", "e2", None))),
        "user_id": draw(st.sampled_from(USERS)),
        "session_id": draw(st.sampled_from(SESSIONS)),
        "event_type": kind,
        "product_id": product,
        "page_url": draw(st.sampled_from(PAGES)),
        "referrer_url": draw(st.sampled_from(REFERRERS)),
        "device_type": draw(st.sampled_from(DEVICES)),
        "event_time": when,
        "event_data": event_data(draw, kind),
    }


def _ceil(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    """The first epoch-aligned multiple of ``step`` at or after ``moment``."""
    epoch = dt.datetime(1970, 1, 1)
    return epoch - ((epoch - moment) // step) * step


def _advance(draw: Draw, cursor: dt.datetime) -> dt.datetime:
    """The next in-order event time: a tie, whole minutes, a boundary, or a jump of hours."""
    step = draw(
        st.sampled_from(["tie", "tie", "minute", "5min", "to_5min", "to_hour", "seconds", "hours"])
    )
    if step == "tie":
        nxt = cursor
    elif step == "minute":
        nxt = cursor + dt.timedelta(minutes=draw(st.integers(1, 20)))
    elif step == "5min":
        nxt = cursor + dt.timedelta(minutes=5 * draw(st.integers(1, 6)))
    elif step == "to_5min":
        nxt = _ceil(cursor + dt.timedelta(seconds=1), dt.timedelta(minutes=5))
    elif step == "to_hour":
        nxt = _ceil(cursor + dt.timedelta(seconds=1), dt.timedelta(hours=1))
    elif step == "seconds":
        nxt = cursor + dt.timedelta(seconds=draw(st.integers(1, 59)))
    else:
        nxt = cursor + dt.timedelta(hours=draw(st.integers(1, 6)))
    return min(nxt, BASE + HORIZON)


def product_statements(draw: Draw) -> Statements:
    """0-5 product rows in one or two statements; a key may repeat (the last row wins)."""
    rows = [
        {
            "product_id": draw(st.sampled_from(PRODUCT_IDS)),
            "name": draw(st.sampled_from(("Mug", "Lamp", None))),
            "category": draw(st.sampled_from(("home", "garden", None))),
            "price": Decimal(draw(st.integers(0, 50_000))) / 100,
            "inventory_count": draw(st.one_of(st.none(), st.integers(0, 100))),
            "created_at": BASE - dt.timedelta(days=draw(st.integers(1, 30))),
            "is_active": draw(st.one_of(st.none(), st.booleans())),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    cut = draw(st.integers(0, len(rows)))
    return [("products", rows[:cut]), ("products", rows[cut:])]


def user_statements(draw: Draw) -> Statements:
    rows = [
        {
            "user_id": user,
            "email": f"{user}@example.com",
            "country": "DE",
            "city": None,
            "device_type": draw(st.sampled_from(DEVICES)),
            "created_at": BASE - dt.timedelta(days=7),
            "last_login": None,
        }
        for user in USERS[: draw(st.integers(0, 2))]
    ]
    return [("users", rows)]


def late_rows(draw: Draw, newest: dt.datetime) -> list[Row]:
    """Rows for a later statement, behind ``newest`` (the max kept time so far): some at most
    2 minutes behind (kept, exactly 2 minutes included), some an hour or more (dropped)."""
    rows: list[Row] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            behind = dt.timedelta(seconds=draw(st.sampled_from((0, 1, 60, 119, KEPT_LATE))))
        else:
            behind = dt.timedelta(seconds=FAR_LATE + 60 * draw(st.integers(0, 600)))
        rows.append(make_event(draw, newest - behind))
    return rows


def general_events(draw: Draw) -> list[list[Row]]:
    """1-3 statements of in-order events over up to 30 hours, with ties, boundaries, rows late
    within their statement (< 90 s) and late rows in later statements."""
    cursor = BASE + dt.timedelta(minutes=5 * draw(st.integers(0, 12)))
    if draw(st.booleans()):
        cursor += dt.timedelta(seconds=draw(st.integers(1, 59)))
    statements: list[list[Row]] = []
    newest: dt.datetime | None = None  # greatest kept event time of earlier statements
    for index in range(draw(st.integers(1, 3))):
        rows: list[Row] = late_rows(draw, newest) if newest is not None else []
        latest = cursor  # greatest time in this statement (rows may be late behind it)
        for _ in range(draw(st.integers(0, 12 if index == 0 else 8))):
            shape = draw(st.sampled_from(["next", "next", "next", "duplicate", "late"]))
            if shape == "duplicate" and rows:
                rows.append(dict(rows[-1]))
                continue
            if shape == "late":
                when = latest - dt.timedelta(seconds=draw(st.integers(1, WITHIN_STATEMENT_LATE)))
            else:
                cursor = _advance(draw, cursor)
                latest = max(latest, cursor)
                when = cursor
            rows.append(make_event(draw, when))
        # rows kept but behind `newest` cannot raise it: only rows at or after it matter
        ahead = [r["event_time"] for r in rows if newest is None or r["event_time"] >= newest]
        if ahead:
            newest = max(ahead)
        statements.append(rows)
    return statements


def hourly_purchases(draw: Draw) -> list[list[Row]]:
    """8-30 consecutive hours, most with 1-3 purchases (some none), sometimes a spike; a few
    other events; split in order into statements, sometimes followed by late rows."""
    first = BASE + dt.timedelta(hours=draw(st.integers(0, 3)))
    hours = draw(st.integers(8, 30))
    counts = [draw(st.sampled_from((0, 1, 1, 2, 2, 3))) for _ in range(hours)]
    if draw(st.booleans()):
        counts[draw(st.integers(6, hours - 1))] = draw(st.integers(6, 14))
    rows: list[Row] = []
    for hour, count in enumerate(counts):
        for _ in range(count):
            minute = draw(st.sampled_from((0, 0, 5, 17, 30, 55, 59)))
            when = first + dt.timedelta(hours=hour, minutes=minute)
            rows.append(make_event(draw, when, "purchase"))
    for _ in range(draw(st.integers(0, 10))):
        when = first + dt.timedelta(minutes=5 * draw(st.integers(0, 12 * hours - 1)))
        rows.append(make_event(draw, when))
    rows.sort(key=lambda r: r["event_time"])
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=2)))
    statements = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)], strict=True)]
    if rows and draw(st.booleans()):
        statements.append(late_rows(draw, rows[-1]["event_time"]))
    return statements


@st.composite
def event_sets(draw: Draw, products_after_events: bool = True) -> Statements:
    """Statements ``[("products", ...), ("users", ...), ("user_events", ...), ...]``.

    ``products_after_events`` allows a products statement after the events (a regular join
    sees the last row per key whenever it arrives).
    """
    branch = draw(st.sampled_from(["general", "hourly"]))
    events = general_events(draw) if branch == "general" else hourly_purchases(draw)
    statements = product_statements(draw) + user_statements(draw)
    statements += [("user_events", rows) for rows in events]
    if products_after_events and draw(st.integers(0, 5)) == 0:
        statements += product_statements(draw)[1:]
    return statements


# ---- the properties --------------------------------------------------------------------------


def _run(view: str, engine: DuckDBEngine | PostgresEngine, statements: Statements) -> RunResult:
    with engine:
        return run(PER_VIEW[view], engine, inserts=to_inserts(RESOLVED, statements), views=[view])


def _record(view: str, statements: Statements, expected: list[Row]) -> None:
    """Hypothesis statistics: how often the interesting shapes occurred."""
    events = [r for t, rows in statements if t == "user_events" for r in rows]
    kept = kept_events(statements)
    times: list[dt.datetime] = [r["event_time"] for r in kept]  # type: ignore[misc]
    products = [r["product_id"] for t, rows in statements if t == "products" for r in rows]
    event(f"events: {'none' if not events else 'up to 10' if len(events) <= 10 else 'over 10'}")
    event(f"late rows dropped: {len(events) > len(kept)}")
    event(f"ties in event_time: {len(set(times)) < len(times)}")
    event(f"on a 5-minute boundary: {any(t.second == 0 and t.minute % 5 == 0 for t in times)}")
    event(f"duplicate product keys: {len(set(products)) < len(products)}")
    event(f"expected rows: {'none' if not expected else 'some'}")
    if view == "anomaly_detection":
        event(f"z-scores: {sum(r['z_score'] is not None for r in expected) > 0}")
        event(f"anomaly flagged: {any(r['is_anomaly'] for r in expected)}")


@pytest.mark.slow
@pytest.mark.parametrize("view", VIEWS)
@settings(  # examples: the profile's (conftest: 200 under CI, 20 locally)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_engines_match_reference(view: str, pg_dsn: str, data: st.DataObject) -> None:
    strategy = event_sets(products_after_events=True)
    statements: Statements = data.draw(strategy, label="statements")
    expected = ALL_VIEWS[view](statements)
    _record(view, statements, expected)
    kept = len(kept_events(statements))
    engines: dict[str, Callable[[], DuckDBEngine | PostgresEngine]] = {
        "duckdb": lambda: DuckDBEngine(threads=1),
        "postgres": lambda: PostgresEngine(pg_dsn),
    }
    for name, make in engines.items():
        result = _run(view, make(), statements)
        assert result.loaded.get("user_events", 0) == kept, f"{name} kept other rows"
        problems = diff_rows(result.views[view].dicts(), expected)
        assert problems == [], f"{view} on {name} differs from the reference:\n  " + "\n  ".join(
            problems
        )


def test_one_view_pipeline_gives_the_full_pipeline_rows(pg_dsn: str) -> None:
    """The one-view pipelines the property runs give what the whole pipeline gives."""
    at = BASE + dt.timedelta(hours=2)
    statements: Statements = [
        ("products", [{"product_id": "p1", "name": "Mug", "price": Decimal("9.99")}]),
        (
            "user_events",
            [
                {
                    "user_id": "u1",
                    "session_id": "s1",
                    "event_type": kind,
                    "product_id": None if kind == "pageview" else "p1",
                    "event_time": at + dt.timedelta(minutes=5 * i),
                    "event_data": {"total_amount": 9.99, "item_count": 1},
                }
                for i, kind in enumerate(EVENT_TYPES)
            ],
        ),
    ]
    inserts = to_inserts(RESOLVED, statements)
    for make in (DuckDBEngine, lambda: PostgresEngine(pg_dsn)):
        with make() as engine:
            full = run(RESOLVED, engine, inserts=inserts)
        for view in VIEWS:
            assert upstream_tables(PER_VIEW[view], view) == upstream_tables(RESOLVED, view)
            assert PER_VIEW[view].get(view) is RESOLVED.get(view)
            one = _run(view, make(), statements)
            assert one.views[view].dicts() == full.views[view].dicts(), view
            assert full.views[view].dicts(), f"{view} is empty: the check would prove nothing"
