"""Run-time benchmark: `ecomdsl run` next to hand-written DuckDB SQL, in one run.

Run from the project root with the project's virtual environment::

    python benchmarks/run_bench.py [--events 1000000] [--runs 5] [--data-runs N]

It times, each row with one untimed warm-up run and then the timed runs:

1. ``ecomdsl run pipelines/ecommerce.py --format json`` on the seed's own test data, as a fresh
   process (a cold start, as a user sees it);
2. the same command with ``--data <folder>`` on a synthetic data set written by DuckDB into a
   temporary folder: ``--events`` user events (default 1,000,000) over three days in four
   Parquet files (one late-event "statement" each), 1,000 products and 10,000 users;
3. what a user would write instead: the six views by hand in plain DuckDB SQL (HOP as
   ``time_bucket`` + ``generate_series`` from the Unix epoch, the late-event rule as a filter),
   run in this process with the ``duckdb`` module on the same Parquet files: load into tables,
   create the six views as tables, fetch every row;

checks that (2) and (3) hold the same rows (counts and keys exactly, money to the cent,
doubles to a relative 1e-9) and prints one markdown table with the timings, then the rows per
view for both data sets, the in-process phases of one ``ecomdsl run`` and the machine.

Nothing here is a test and nothing asserts a time: the numbers go into the issue notes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from bench_util import (
    Timing,
    clean_env,
    ecomdsl_command,
    load_average,
    machine,
    markdown,
    repeat,
    timing_table,
)

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = "pipelines/ecommerce.py"
VIEWS = (
    "pageview_metrics",
    "product_view_metrics",
    "funnel_analysis",
    "revenue_tracker",
    "product_performance",
    "anomaly_detection",
)
KEYS: dict[str, tuple[str, ...]] = {
    "pageview_metrics": ("page_url", "device_type", "referrer_url"),
    "product_view_metrics": ("product_id",),
    "funnel_analysis": (),
    "revenue_tracker": ("window_start",),
    "product_performance": ("product_id",),
    "anomaly_detection": ("hour",),
}
MONEY = {"price", "total_revenue", "estimated_revenue"}
"""numeric columns, compared to the cent; other non-integer numbers to a relative 1e-9."""
CHECK_SUMS: dict[str, tuple[str, ...]] = {
    "pageview_metrics": ("view_count", "unique_visitors"),
    "product_view_metrics": ("view_count", "session_count"),
    "funnel_analysis": ("total_sessions", "purchase_count"),
    "revenue_tracker": ("purchase_count", "total_revenue", "items_sold"),
    "product_performance": ("purchases", "estimated_revenue"),
    "anomaly_detection": ("purchase_count", "is_anomaly"),
}

PRODUCTS = 1000
USERS = 10_000
FILES = 4
SPAN_HOURS = 72
SPIKE_HOUR = 50
"""Hour index (from the start) whose sessions buy far more often: anomaly_detection flags it."""
UNKNOWN_PRODUCTS = 50
"""Sessions also view product ids P1001..P1050, which products lacks (dropped by the join)."""

Row = tuple[Any, ...]
Views = dict[str, tuple[list[str], list[Row]]]


# ---- ecomdsl ----------------------------------------------------------------------------


@dataclass
class EcomdslRun:
    elapsed: float
    stdout: str
    stderr: str


def run_ecomdsl(data: Path | None) -> EcomdslRun:
    cmd = [*ecomdsl_command(), "run", PIPELINE, "--format", "json"]
    if data is not None:
        cmd += ["--data", str(data)]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=ROOT, env=clean_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"`ecomdsl run` exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return EcomdslRun(elapsed, proc.stdout, proc.stderr)


def time_ecomdsl(label: str, runs: int, data: Path | None) -> tuple[Timing, EcomdslRun]:
    last: list[EcomdslRun] = []

    def once() -> float:
        result = run_ecomdsl(data)
        last[:] = [result]
        return result.elapsed

    timing = repeat(label, runs, once)
    return timing, last[0]


def late_dropped(stderr: str, table: str = "user_events") -> int:
    """How many late rows ecomdsl says it dropped from ``table``."""
    found = re.search(rf"{table} [\d,]+ \(([\d,]+) late dropped\)", stderr)
    return int(found.group(1).replace(",", "")) if found else 0


def load_line(stderr: str) -> str:
    """ecomdsl's "loaded ..." summary line (no paths in it)."""
    for line in stderr.splitlines():
        if ": loaded " in line:
            return line.split(": loaded ", 1)[1].split("; NOW()")[0]
    return "?"


# ---- synthetic data (written by DuckDB, no Python loop over rows) ------------------------


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


MACROS = """
CREATE MACRO rnd(x, salt, n) AS CAST(hash(x, salt) % n AS BIGINT);
CREATE MACRO bench_events(lo, hi, n) AS TABLE
WITH base AS (
    SELECT
        i,
        i // 8 AS s,
        i % 8 AS pos,
        TIMESTAMP '2026-03-02 00:00:00' + to_microseconds(i * {span_us} // n) AS t,
        (i // 8 * 8) * {hours} // n AS session_hour
    FROM range(lo, hi) AS r(i)
), staged AS (
    SELECT
        *,
        rnd(s, 'depth', 100) + CASE WHEN session_hour = {spike} THEN 25 ELSE 0 END AS d,
        CASE WHEN d < 40 THEN 1 WHEN d < 70 THEN 2 WHEN d < 84 THEN 3 WHEN d < 91 THEN 4
             ELSE 5 END AS depth,
        CASE
            WHEN pos < depth
                THEN ['pageview', 'product_view', 'add_to_cart', 'checkout', 'purchase'][pos + 1]
            WHEN pos = 7 AND depth >= 3 THEN 'remove_from_cart'
            WHEN pos % 2 = 0 THEN 'pageview'
            ELSE 'product_view'
        END AS kind,
        'P' || lpad(CAST(rnd(s, 'product', {products}) + 1 AS VARCHAR), 4, '0') AS pid,
        500 + rnd(i, 'amount', 50000) AS amount,
        99 + rnd(i, 'unit', 20000) AS unit
    FROM base
)
SELECT
    'E' || lpad(CAST(i AS VARCHAR), 9, '0') AS event_id,
    'U' || lpad(CAST(rnd(s, 'user', {users}) + 1 AS VARCHAR), 5, '0') AS user_id,
    'S' || lpad(CAST(s AS VARCHAR), 8, '0') AS session_id,
    kind AS event_type,
    CASE WHEN kind = 'pageview' THEN NULL ELSE pid END AS product_id,
    'https://shop.example.com' || CASE kind
        WHEN 'pageview' THEN ['/', '/deals', '/search', '/new-arrivals', '/category/electronics',
            '/category/books', '/category/home', '/category/clothing', '/category/sports',
            '/category/beauty'][rnd(i, 'page', 10) + 1]
        WHEN 'checkout' THEN '/checkout'
        WHEN 'purchase' THEN '/checkout/complete'
        ELSE '/product/' || pid
    END AS page_url,
    CASE WHEN pos = 0
        THEN [NULL, NULL, NULL, 'https://www.google.com/', 'https://www.google.com/',
            'https://www.bing.com/', 'https://www.facebook.com/', 'https://www.instagram.com/',
            'https://newsletter.example.com/weekly'][rnd(s, 'referrer', 9) + 1]
        ELSE 'https://shop.example.com/'
    END AS referrer_url,
    ['desktop', 'mobile', 'tablet'][rnd(s, 'device', 3) + 1] AS device_type,
    CASE
        -- far late: over an hour behind the file's first event, so behind every event of the
        -- files before it; kept in the first file, dropped from the later ones
        WHEN i % (n // 10) = n // 20
            THEN TIMESTAMP '2026-03-02 00:00:00' + to_microseconds(lo * {span_us} // n)
                - INTERVAL 1 HOUR - to_seconds(i % 600)
        -- a little late (75 s): always kept
        WHEN i % 9973 = 4986 THEN t - INTERVAL 75 SECOND
        ELSE t
    END AS event_time,
    CASE kind
        WHEN 'purchase' THEN printf('{{"total_amount": %d.%02d, "item_count": %d}}',
            amount // 100, amount % 100, 1 + rnd(i, 'items', 5))
        WHEN 'add_to_cart' THEN printf('{{"quantity": %d, "unit_price": %d.%02d}}',
            1 + rnd(i, 'quantity', 3), unit // 100, unit % 100)
        ELSE CASE WHEN rnd(i, 'empty', 2) = 0 THEN NULL ELSE '{{}}' END
    END AS event_data
FROM staged;
"""

PRODUCTS_SQL = """
COPY (
    SELECT
        'P' || lpad(CAST(p + 1 AS VARCHAR), 4, '0') AS product_id,
        ['Classic', 'Premium', 'Eco', 'Smart', 'Compact', 'Deluxe', 'Urban', 'Vintage']
            [rnd(p, 'adjective', 8) + 1] || ' ' || ['Headphones', 'Novel', 'Lamp', 'Jacket',
            'Yoga Mat', 'Serum'][rnd(p, 'noun', 6) + 1] AS name,
        ['electronics', 'books', 'home', 'clothing', 'sports', 'beauty'][p % 6 + 1] AS category,
        CAST((499 + rnd(p, 'price', 49500)) / 100 AS DECIMAL(10, 2)) AS price,
        CAST(rnd(p, 'inventory', 501) AS INTEGER) AS inventory_count,
        TIMESTAMP '2025-01-01 00:00:00' + to_seconds(rnd(p, 'created', 300 * 86400))
            AS created_at,
        rnd(p, 'active', 20) <> 0 AS is_active
    FROM range({products}) AS r(p)
) TO {path} (FORMAT parquet)
"""

USERS_SQL = """
COPY (
    SELECT * EXCLUDE (place) FROM (
        SELECT
            'U' || lpad(CAST(u + 1 AS VARCHAR), 5, '0') AS user_id,
            'user' || lpad(CAST(u + 1 AS VARCHAR), 5, '0') || '@example.com' AS email,
            [['US', 'New York'], ['US', 'Chicago'], ['GB', 'London'], ['DE', 'Berlin'],
                ['FR', 'Paris'], ['JP', 'Tokyo'], ['BR', 'Sao Paulo'], ['IN', 'Bangalore']]
                [rnd(u, 'place', 8) + 1] AS place,
            place[1] AS country,
            place[2] AS city,
            ['desktop', 'mobile', 'tablet'][rnd(u, 'device', 3) + 1] AS device_type,
            TIMESTAMP '2024-01-01 00:00:00' + to_seconds(rnd(u, 'created', 700 * 86400))
                AS created_at,
            created_at + to_seconds(rnd(u, 'login', 60 * 86400)) AS last_login
        FROM range({users}) AS r(u)
    )
) TO {path} (FORMAT parquet)
"""


@dataclass
class DataSet:
    folder: Path
    events: int
    far_late_dropped: int  # far-late rows in a file after the first (the rule drops them)
    seconds: float
    megabytes: float


def write_data(folder: Path, events: int) -> DataSet:
    """products.parquet, users.parquet and user_events/000..003.parquet, written by DuckDB."""
    start = time.perf_counter()
    (folder / "user_events").mkdir(parents=True)
    con = duckdb.connect()
    try:
        con.execute(
            MACROS.format(
                span_us=SPAN_HOURS * 3600 * 1_000_000,
                hours=SPAN_HOURS,
                spike=SPIKE_HOUR,
                products=PRODUCTS + UNKNOWN_PRODUCTS,
                users=USERS,
            )
        )
        con.execute(
            PRODUCTS_SQL.format(
                products=PRODUCTS, path=sql_string(str(folder / "products.parquet"))
            )
        )
        con.execute(USERS_SQL.format(users=USERS, path=sql_string(str(folder / "users.parquet"))))
        for k in range(FILES):
            lo, hi = k * events // FILES, (k + 1) * events // FILES
            target = sql_string(str(folder / "user_events" / f"{k:03d}.parquet"))
            con.execute(
                f"COPY (SELECT * FROM bench_events({lo}, {hi}, {events})) TO {target} "
                "(FORMAT parquet)"
            )
    finally:
        con.close()
    step = events // 10
    first_file_end = events // FILES
    dropped = sum(1 for i in range(events // 20, events, step) if i >= first_file_end)
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet")) / 1e6
    return DataSet(folder, events, dropped, time.perf_counter() - start, size)


# ---- the alternative: the six views written by hand for DuckDB ---------------------------

LOAD_SQL = """
CREATE TABLE products AS SELECT * FROM read_parquet({products});
CREATE TABLE users AS SELECT * FROM read_parquet({users});
-- The late-event rule: each file is one statement, in file-name order. A row is kept iff its
-- event_time is not NULL and >= (the newest event_time of the files before it) - 2 minutes.
-- A dropped row is older than that newest time, so the newest of *all* earlier rows equals
-- the newest of the kept ones. (One statement with the file read in a CTE on both sides of
-- the join is about 4x slower on DuckDB: the small watermarks table comes first.)
CREATE TEMP TABLE watermarks AS
SELECT
    filename,
    max(max(event_time)) OVER (
        ORDER BY filename ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) - INTERVAL 2 MINUTE AS watermark
FROM read_parquet({events}, filename = true)
GROUP BY filename;
CREATE TABLE user_events AS
SELECT e.* EXCLUDE (filename)
FROM read_parquet({events}, filename = true) AS e
JOIN watermarks AS w ON e.filename = w.filename
WHERE e.event_time IS NOT NULL AND (w.watermark IS NULL OR e.event_time >= w.watermark);
"""

HANDWRITTEN: dict[str, str] = {
    "pageview_metrics": """
        SELECT
            page_url, device_type, referrer_url,
            count(*) AS view_count,
            count(DISTINCT user_id) AS unique_visitors,
            count(DISTINCT session_id) AS session_count,
            min(event_time) AS first_view,
            max(event_time) AS last_view
        FROM user_events
        WHERE event_type = 'pageview'
        GROUP BY page_url, device_type, referrer_url
    """,
    "product_view_metrics": """
        SELECT
            p.product_id, p.name, p.category, p.price,
            count(*) AS view_count,
            count(DISTINCT e.user_id) AS unique_viewers,
            count(DISTINCT e.session_id) AS session_count
        FROM user_events AS e
        JOIN products AS p ON e.product_id = p.product_id
        WHERE e.event_type = 'product_view'
        GROUP BY p.product_id, p.name, p.category, p.price
    """,
    "funnel_analysis": """
        WITH sessions AS (
            SELECT
                session_id,
                bool_or(event_type = 'pageview') AS pageview,
                bool_or(event_type = 'product_view') AS product_view,
                bool_or(event_type = 'add_to_cart') AS add_to_cart,
                bool_or(event_type = 'checkout') AS checkout,
                bool_or(event_type = 'purchase') AS purchase
            FROM user_events
            WHERE session_id IS NOT NULL
            GROUP BY session_id
        ), counts AS (
            SELECT
                count(*) AS total_sessions,
                count(*) FILTER (WHERE pageview) AS pageview_count,
                count(*) FILTER (WHERE product_view) AS product_view_count,
                count(*) FILTER (WHERE add_to_cart) AS add_to_cart_count,
                count(*) FILTER (WHERE checkout) AS checkout_count,
                count(*) FILTER (WHERE purchase) AS purchase_count
            FROM sessions
        )
        SELECT
            *,
            product_view_count / nullif(pageview_count, 0) AS pageview_to_product_view_rate,
            add_to_cart_count / nullif(product_view_count, 0) AS product_view_to_cart_rate,
            checkout_count / nullif(add_to_cart_count, 0) AS cart_to_checkout_rate,
            purchase_count / nullif(checkout_count, 0) AS checkout_to_purchase_rate,
            purchase_count / nullif(pageview_count, 0) AS overall_conversion_rate
        FROM counts
    """,
    # HOP(5 minutes, 1 hour) from the Unix epoch: a purchase is in the 12 windows starting
    # from its 5-minute bucket back 55 minutes.
    "revenue_tracker": """
        WITH purchases AS (
            SELECT
                user_id,
                event_data,
                time_bucket(INTERVAL 5 MINUTE, event_time, TIMESTAMP '1970-01-01') AS last_start
            FROM user_events
            WHERE event_type = 'purchase'
        ), windowed AS (
            SELECT
                *,
                unnest(generate_series(
                    last_start - INTERVAL 55 MINUTE, last_start, INTERVAL 5 MINUTE
                )) AS window_start
            FROM purchases
        )
        SELECT
            window_start,
            window_start + INTERVAL 1 HOUR AS window_end,
            count(*) AS purchase_count,
            count(DISTINCT user_id) AS unique_customers,
            sum(CAST(event_data ->> 'total_amount' AS DECIMAL(18, 2))) AS total_revenue,
            sum(CAST(event_data ->> 'item_count' AS BIGINT)) AS items_sold
        FROM windowed
        GROUP BY window_start
    """,
    "product_performance": """
        WITH per_product AS (
            SELECT
                product_id,
                count(*) FILTER (WHERE event_type = 'product_view') AS view_count,
                count(*) FILTER (WHERE event_type = 'add_to_cart') AS cart_adds,
                count(*) FILTER (WHERE event_type = 'purchase') AS purchases
            FROM user_events
            WHERE product_id IS NOT NULL
            GROUP BY product_id
        ), joined AS (
            SELECT
                p.product_id, p.name, p.category, p.price,
                coalesce(c.view_count, 0) AS view_count,
                coalesce(c.cart_adds, 0) AS cart_adds,
                coalesce(c.purchases, 0) AS purchases
            FROM products AS p
            LEFT JOIN per_product AS c ON c.product_id = p.product_id
        )
        SELECT
            *,
            CASE WHEN view_count = 0 THEN 0.0 ELSE cart_adds / view_count END
                AS view_to_cart_ratio,
            CASE WHEN cart_adds = 0 THEN 0.0 ELSE purchases / cart_adds END
                AS cart_to_purchase_ratio,
            purchases * price AS estimated_revenue
        FROM joined
    """,
    "anomaly_detection": """
        WITH hourly AS (
            SELECT
                time_bucket(INTERVAL 1 HOUR, event_time, TIMESTAMP '1970-01-01') AS hour,
                count(*) AS purchase_count
            FROM user_events
            WHERE event_type = 'purchase'
            GROUP BY hour
        ), baseline AS (
            SELECT
                hour,
                purchase_count,
                count(*) OVER last_day AS baseline_hours,
                avg(purchase_count) OVER last_day AS baseline_mean,
                stddev_samp(purchase_count) OVER last_day AS baseline_stddev
            FROM hourly
            WINDOW last_day AS (
                ORDER BY hour
                RANGE BETWEEN INTERVAL 24 HOUR PRECEDING AND INTERVAL 1 HOUR PRECEDING
            )
        ), scored AS (
            SELECT
                *,
                CASE WHEN baseline_hours >= 6 AND baseline_stddev > 0
                    THEN (purchase_count - baseline_mean) / baseline_stddev
                END AS z_score
            FROM baseline
        )
        SELECT *, z_score IS NOT NULL AND abs(z_score) > 3 AS is_anomaly
        FROM scored
    """,
}


@dataclass
class Handwritten:
    elapsed: float
    views: Views
    loaded: int
    dropped: int


def handwritten_once(data: Path) -> Handwritten:
    """Load the Parquet files, create the six views as tables and fetch all their rows."""
    start = time.perf_counter()
    con = duckdb.connect()
    try:
        con.execute(
            LOAD_SQL.format(
                products=sql_string(str(data / "products.parquet")),
                users=sql_string(str(data / "users.parquet")),
                events=sql_string(str(data / "user_events" / "*.parquet")),
            )
        )
        for name in VIEWS:
            con.execute(f"CREATE TABLE {name} AS {HANDWRITTEN[name]}")
        views: Views = {}
        for name in VIEWS:
            cursor = con.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description or []]
            views[name] = (columns, [tuple(r) for r in cursor.fetchall()])
        elapsed = time.perf_counter() - start
        counts = con.execute(
            "SELECT (SELECT count(*) FROM user_events), "
            f"(SELECT count(*) FROM read_parquet({sql_string(str(data / 'user_events' / '*'))}))"
        ).fetchone()
    finally:
        con.close()
    loaded, total = counts if counts is not None else (0, 0)
    return Handwritten(elapsed, views, int(loaded), int(total) - int(loaded))


def time_handwritten(label: str, runs: int, data: Path) -> tuple[Timing, Handwritten]:
    last: list[Handwritten] = []

    def once() -> float:
        result = handwritten_once(data)
        last[:] = [result]
        return result.elapsed

    return repeat(label, runs, once, "in-process: no interpreter start, duckdb imported"), last[0]


def time_import_duckdb(runs: int) -> Timing:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import duckdb; duckdb.connect().close()"],
            env=clean_env(),
            check=True,
        )
        return time.perf_counter() - start

    return repeat(
        "python -c 'import duckdb' (reference)",
        runs,
        once,
        "a cold process's start + `import duckdb`: add it to the row above to compare",
    )


# ---- comparing the results ---------------------------------------------------------------


def plain(value: Any) -> Any:
    """A fetched value as ecomdsl's JSON output has it."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def from_json(text: str) -> Views:
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    views: Views = {}
    for name, rows in data.items():
        columns = list(rows[0]) if rows else []
        views[name] = (columns, [tuple(r[c] for c in columns) for r in rows])
    return views


def same(column: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if column in MONEY:
            return round(a * 100) == round(b * 100)
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def _order(row: dict[str, Any], keys: Sequence[str]) -> tuple[tuple[bool, str], ...]:
    return tuple((row[k] is not None, str(row[k])) for k in keys)


@dataclass
class Comparison:
    view: str
    rows: tuple[int, int]
    sums: list[tuple[str, float, float]]
    problems: list[str]

    @property
    def match(self) -> bool:
        return not self.problems


def compare(view: str, ecomdsl: tuple[list[str], list[Row]], hand: Views) -> Comparison:
    e_columns, e_rows = ecomdsl
    h_columns, h_raw = hand[view]
    e = [dict(zip(e_columns, r, strict=True)) for r in e_rows]
    h = [{c: plain(v) for c, v in zip(h_columns, r, strict=True)} for r in h_raw]
    problems: list[str] = []
    if e and set(e_columns) != set(h_columns):
        problems.append(f"columns differ: {sorted(set(e_columns) ^ set(h_columns))}")
        return Comparison(view, (len(e), len(h)), [], problems)
    sums = [
        (c, float(sum(float(r[c] or 0) for r in e)), float(sum(float(r[c] or 0) for r in h)))
        for c in CHECK_SUMS[view]
    ]
    if len(e) != len(h):
        problems.append(f"{len(e)} rows from ecomdsl, {len(h)} by hand")
    keys = KEYS[view]
    e_by = {_order(r, keys): r for r in e}
    h_by = {_order(r, keys): r for r in h}

    def shown(row: dict[str, Any]) -> str:
        return ", ".join(f"{k}={row[k]!r}" for k in keys) or "the row"

    for side, mine, theirs in (("ecomdsl", e_by, h_by), ("by hand", h_by, e_by)):
        only = sorted(set(mine) - set(theirs))
        if only:
            problems.append(f"{len(only)} rows only {side}, e.g. {shown(mine[only[0]])}")
    differing = 0
    for key in sorted(set(e_by) & set(h_by)):
        bad = [c for c in e_columns if not same(c, e_by[key][c], h_by[key][c])]
        if bad:
            differing += 1
            if differing <= 3:
                c = bad[0]
                problems.append(
                    f"{shown(e_by[key])}: {c} = {e_by[key][c]!r} (ecomdsl) vs "
                    f"{h_by[key][c]!r} (by hand)"
                )
    if differing > 3:
        problems.append(f"... {differing} differing rows in all")
    return Comparison(view, (len(e), len(h)), sums, problems)


# ---- the in-process phases of one `ecomdsl run` ------------------------------------------

PHASES_SCRIPT = r"""
import json, sys, time
from pathlib import Path
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import ecomdsl.cli
mark("import ecomdsl.cli (typer)")
from ecomdsl.engines import output
from ecomdsl.engines.runner import Runner
from ecomdsl.loader import load_pipelines
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render
mark("import compiler, sqlglot, runner")
root = Path.cwd()
# what compile_paths does: load, resolve, render
pipelines = load_pipelines([root / sys.argv[1]], root)
mark("load the pipeline file")
p = resolve(pipelines[0])
mark("resolve + type-check (with the test data)")
render(p, root)
mark("render the generated .sql text (`run` does not use it)")
import duckdb
from ecomdsl.engines.duckdb_engine import DuckDBEngine
mark("import duckdb")
engine = DuckDBEngine()
runner = Runner(p, engine)
runner.create_tables()
mark("connect + create tables")
if len(sys.argv) > 2:
    from ecomdsl.engines.files import load_files
    loaded = load_files(runner, Path(sys.argv[2]))
    mark("load rows: INSERT ... SELECT per file, counts, key check")
else:
    loaded = runner.load(p.test_data)
    mark("load rows: late-event rule in Python, VALUES INSERTs")
import datetime as dt
runner.create_views(loaded.newest or dt.datetime(1970, 1, 1), loaded.final_watermarks)
mark("create views (CREATE TABLE AS)")
names = [d.name for d in p.objects if isinstance(d, ir.ViewDef) and d.materialized]
views = [runner.read(n) for n in names]
mark("fetch + sort view rows")
text = output.json_text(views, None)
mark("render JSON")
engine.close()
print(json.dumps([[b[0], b[1] - a[1]] for a, b in zip(marks, marks[1:])]))
"""


def phases(data: Path | None) -> tuple[list[tuple[str, float]], float] | str:
    """The in-process phases of one run, and the process's whole wall time."""
    cmd = [sys.executable, "-c", PHASES_SCRIPT, PIPELINE]
    if data is not None:
        cmd.append(str(data))
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=ROOT, env=clean_env(), capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"phases unavailable: {last}"
    steps = [(str(name), float(seconds)) for name, seconds in json.loads(proc.stdout)]
    return steps, wall


# ---- report ------------------------------------------------------------------------------


def phase_table(
    seed: tuple[list[tuple[str, float]], float] | str,
    big: tuple[list[tuple[str, float]], float] | str,
    events: int,
) -> str:
    if isinstance(seed, str) or isinstance(big, str):
        return seed if isinstance(seed, str) else str(big)
    seed_steps, seed_wall = seed
    big_steps, big_wall = big
    rows: list[list[str]] = []
    for (name, a), (other, b) in zip(seed_steps, big_steps, strict=True):
        label = name if name == other else f"{name} / {other.split(': ', 1)[1]}"
        rows.append([label, f"{a:.3f}", f"{b:.3f}"])
    rest_a = seed_wall - sum(s for _, s in seed_steps)
    rest_b = big_wall - sum(s for _, s in big_steps)
    rows.append(
        ["interpreter start + exit (the rest of the wall time)", f"{rest_a:.3f}", f"{rest_b:.3f}"]
    )
    rows.append(["**whole process**", f"{seed_wall:.3f}", f"{big_wall:.3f}"])
    return markdown(["phase of one `ecomdsl run`", "seed s", f"{events:,} events s"], rows, "lrr")


def _num(value: float) -> str:
    return f"{value:,.2f}" if value != int(value) else f"{int(value):,}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000, help="user events (1000000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per row (default 5)")
    parser.add_argument(
        "--data-runs",
        type=int,
        default=None,
        help="timed runs of the two --events rows (default: --runs)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.data_runs is not None and args.data_runs < 1:
        parser.error("--data-runs must be at least 1")
    if args.events < 1000:
        parser.error("--events must be at least 1000")
    data_runs: int = args.data_runs or args.runs
    events: int = args.events

    load_before = load_average()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="ecomdsl-run-bench-"))
    try:
        # Bytecode goes to a private cache (never next to the sources): the first, untimed
        # run fills it, the timed runs start warm, as on a developer's machine.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        timings: list[Timing] = []

        print("ecomdsl run, seed test data", flush=True)
        seed_timing, seed_run = time_ecomdsl("`ecomdsl run` (seed test data)", args.runs, None)
        seed_timing.note = f"cold process; loaded {load_line(seed_run.stderr)}"
        timings.append(seed_timing)
        seed_views = from_json(seed_run.stdout)

        print(f"writing {events:,} synthetic events with DuckDB", flush=True)
        data = write_data(tmp / "data", events)
        print(f"  {data.megabytes:.1f} MB of Parquet in {data.seconds:.2f} s", flush=True)

        print(f"ecomdsl run --data, {events:,} events", flush=True)
        big_timing, big_run = time_ecomdsl(
            f"`ecomdsl run --data` ({events:,} events)", data_runs, data.folder
        )
        big_timing.note = f"cold process; loaded {load_line(big_run.stderr)}"
        timings.append(big_timing)
        big_views = from_json(big_run.stdout)

        print(f"hand-written DuckDB SQL, {events:,} events", flush=True)
        hand_timing, hand = time_handwritten(
            f"hand-written DuckDB SQL ({events:,} events)", data_runs, data.folder
        )
        hand_timing.note += f"; loaded user_events {hand.loaded:,} ({hand.dropped:,} late dropped)"
        timings.append(hand_timing)
        timings.append(time_import_duckdb(args.runs))

        print("in-process phases of one ecomdsl run", flush=True)
        seed_phases = phases(None)
        big_phases = phases(data.folder)

        comparisons = [compare(v, big_views.get(v, ([], [])), hand.views) for v in VIEWS]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - started

    print()
    print(f"## `ecomdsl run` next to hand-written DuckDB SQL ({events:,} events)")
    print()
    print(timing_table(timings))
    print()
    print(
        f"Synthetic data: {events:,} user events over {SPAN_HOURS} hours in {FILES} Parquet "
        f"files, {PRODUCTS:,} products, {USERS:,} users ({data.megabytes:.1f} MB, written by "
        f"DuckDB in {data.seconds:.2f} s); {data.far_late_dropped} far-late rows sit in a later "
        "file, so the late-event rule must drop them."
    )
    print()
    rows = []
    for c in comparisons:
        sums = "; ".join(f"{name} {_num(a)}" for name, a, _ in c.sums)
        rows.append(
            [
                f"`{c.view}`",
                f"{len(seed_views.get(c.view, ([], []))[1]):,}",
                f"{c.rows[0]:,}",
                f"{c.rows[1]:,}",
                sums,
                "yes" if c.match else "**NO**",
            ]
        )
    print(
        markdown(
            [
                "view",
                "rows, seed",
                f"rows, ecomdsl ({events:,})",
                f"rows, by hand ({events:,})",
                "sums (ecomdsl)",
                "same rows",
            ],
            rows,
            "lrrrll",
        )
    )
    print()
    matched = all(c.match for c in comparisons)
    print(
        "Hand-written and ecomdsl results "
        + (
            "match: every key, count and timestamp exactly, money to the cent, doubles to 1e-9."
            if matched
            else "DIFFER:"
        )
    )
    for c in comparisons:
        for problem in c.problems:
            print(f"- `{c.view}`: {problem}")
        for name, a, b in c.sums:
            if not same(name, a, b) and not math.isclose(a, b, rel_tol=1e-9):
                print(f"- `{c.view}`: sum of {name} {_num(a)} (ecomdsl) vs {_num(b)} (by hand)")
    dropped = (data.far_late_dropped, late_dropped(big_run.stderr), hand.dropped)
    print(
        f"Late rows dropped from user_events: {dropped[0]} by construction, {dropped[1]} by "
        f"ecomdsl, {dropped[2]} by hand" + (" (agree)." if len(set(dropped)) == 1 else " (DIFFER).")
    )
    print()
    print(phase_table(seed_phases, big_phases, events))
    print()
    print(
        f"Machine: {machine('ecomdsl', 'duckdb', 'sqlglot')}, load average {load_average()} "
        f"(before the run: {load_before})."
    )
    print(f"Whole benchmark: {total:.0f} s.")
    return 0 if matched and len(set(dropped)) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
