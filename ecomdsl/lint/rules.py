"""The rule table: every RisingWave rule ecomdsl checks, with a stable code.

Errors (``RW0xx``) are what RisingWave itself would reject when ``CREATE`` runs, caught at
compile time instead. Warnings (``RW1xx``) are what RisingWave accepts and pays for: state
that grows without bound, or work that could be avoided. ``RW2xx`` are about suppressions.

Some errors are found while the model is resolved (``stage="resolve"``: a type that cannot
be written, a HOP that cannot be built); the rest run over the resolved model
(``stage="lint"``, `ecomdsl.lint.checks`). docs/rules.md shows a bad and a good example of
each, from the ``bad`` and ``good`` fields here.
"""

from __future__ import annotations

from typing import Literal

import attrs

Severity = Literal["error", "warning"]


@attrs.frozen
class Rule:
    code: str
    title: str
    severity: Severity
    stage: Literal["resolve", "lint"]
    fix: str
    bad: str
    good: str


def _r(
    code: str,
    title: str,
    severity: Severity,
    stage: Literal["resolve", "lint"],
    fix: str,
    bad: str,
    good: str,
) -> Rule:
    return Rule(code, title, severity, stage, fix, bad, good)


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        _r(
            "RW001", "HOP size is not a multiple of the hop", "error", "resolve",
            "choose a size that is k x hop",
            'Hop(events, "ts", hop="7 minutes", size="1 hour")',
            'Hop(events, "ts", hop="5 minutes", size="1 hour")',
        ),
        _r(
            "RW002", "window function without PARTITION BY in a streaming view", "error", "lint",
            "partition the window; ZScore's constant partition over one series is allowed",
            'events.select(rn=row_number().over(order_by="ts"))',
            'events.select(rn=row_number().over(partition_by="user_id", order_by="ts"))',
        ),
        _r(
            "RW003", "NOW() outside WHERE/ON, or not in a temporal-filter shape", "error", "lint",
            "compare a column with now() [- interval] in where(); never select it",
            'events.select("ts", age=now() - col("ts"))',
            'events.where(col("ts") > now() - interval("1 hour"))',
        ),
        _r(
            "RW004", "PROCTIME() outside CREATE TABLE/SOURCE", "error", "lint",
            "use now() in a temporal filter",
            'events.where(col("ts") > proctime())',
            'events.where(col("ts") > now() - interval("1 hour"))',
        ),
        _r(
            "RW005", "watermark on a table that is not append-only, or on a non-PLAIN source",
            "error", "resolve",
            "append_only=True (or watermark_ttl=True), or a PLAIN source",
            'Table("t", cols, event_time="ts", watermark="1 minute")',
            'Table("t", cols, append_only=True, event_time="ts", watermark="1 minute")',
        ),
        _r(
            "RW006", "EMIT ON WINDOW CLOSE without a watermark where it needs one", "error", "lint",
            "group by window_start (a watermark column) / order the window by a watermark column",
            'MaterializedView("m", events.group_by("user_id").agg(n=count()), emit_on_window_close=True)',
            'MaterializedView("m", Tumble(events, "ts", size="1 hour").group_by("window_start")'
            ".agg(n=count()), emit_on_window_close=True)",
        ),
        _r(
            "RW007", "a type RisingWave rejects (VARCHAR(n), NUMERIC(p,s), CHAR, SERIAL, JSON, UUID)",
            "error", "resolve",
            "use varchar, numeric, int/bigint, jsonb",
            'Table("t", {"name": "varchar(20)", "price": "numeric(10,2)"})',
            'Table("t", {"name": "varchar", "price": "numeric"})',
        ),
        _r(
            "RW008", "UNIQUE, CHECK or FOREIGN KEY constraint", "error", "resolve",
            "RisingWave enforces only PRIMARY KEY; check the rule upstream or with a view",
            'Table("users", cols, primary_key="id", unique=["email"])',
            'Table("users", cols, primary_key="id")',
        ),
        _r(
            "RW009", "APPEND ONLY with a primary key but no ON CONFLICT DO NOTHING", "error", "resolve",
            'on_conflict="do nothing"',
            'Table("t", cols, primary_key="id", append_only=True)',
            'Table("t", cols, primary_key="id", append_only=True, on_conflict="do nothing")',
        ),
        _r(
            "RW010", "RANGE frame offset in days or months on a timestamptz column", "error", "lint",
            "write the offset in hours ('24 hours', not '1 day')",
            'ZScore(hourly_tz, value="n", order_by="hour", lookback="1 day")',
            'ZScore(hourly_tz, value="n", order_by="hour", lookback="24 hours")',
        ),
        _r(
            "RW011", "temporal join with a source or query on the right, or RIGHT/FULL", "error", "lint",
            "join a table or materialized view on the right, with how='inner' or 'left'",
            'Join(events, kafka_prices, on="sku", temporal=True)',
            'Join(events, products, on="product_id", temporal=True)',
        ),
        _r(
            "RW012", "jsonb as a group, join, partition or distinct key", "error", "resolve",
            "extract a field: col('payload').json('key')",
            'events.group_by("payload").agg(n=count())',
            'events.group_by(kind=col("payload").json("kind")).agg(n=count())',
        ),
        _r(
            "RW013", "join without an equality between the two sides (nested loop)", "error", "lint",
            "join on an equality (a key), plus any range condition",
            "Join(a, b, on=a.c.ts < b.c.ts)",
            "Join(a, b, on=(a.c.id == b.c.id) & (a.c.ts < b.c.ts))",
        ),
        _r(
            "RW014", "re-windowing a relation that already has window_start/window_end", "error",
            "resolve",
            "rename window_start/window_end with .select() first",
            'Tumble(Tumble(events, "ts", size="1 hour"), "ts", size="1 day")',
            'Tumble(hourly.select("ts", hour="window_start"), "ts", size="1 day")',
        ),
        _r(
            "RW101", "regular join without a watermark, interval or temporal bound", "warning", "lint",
            "a temporal join to a table (temporal=True), a window join, or accept the state",
            'Join(events, products, on="product_id")',
            'Join(events, products, on="product_id", temporal=True)',
        ),
        _r(
            "RW102", "GROUP BY over an unbounded stream with no window", "warning", "lint",
            "group by a window (Tumble/Hop window_start), or accept one state row per key",
            'events.group_by("user_id").agg(n=count())',
            'Tumble(events, "ts", size="1 day").group_by("window_start", "user_id").agg(n=count())',
        ),
        _r(
            "RW103", "OVER window over a stream without EMIT ON WINDOW CLOSE (state never cleaned)",
            "warning", "lint",
            "emit_on_window_close=True with a watermark ORDER BY, or accept the state",
            'MaterializedView("z", ZScore(hourly, value="n", order_by="hour"))',
            'MaterializedView("z", ZScore(hourly, value="n", order_by="hour"), '
            "emit_on_window_close=True)",
        ),
        _r(
            "RW104", "min, max or count distinct over input that is not append-only", "warning", "lint",
            "aggregate the append-only stream before joining or updating it",
            'Join(events, products, on="product_id", how="left").group_by(...).agg(m=max_(...))',
            'events.group_by("product_id").agg(m=max_(col("amount")))',
        ),
        _r(
            "RW105", "UNION where UNION ALL would do", "warning", "lint",
            "union_all(...) when duplicates cannot occur (or are wanted); UNION keeps every row",
            "union(web_orders, app_orders)",
            "union_all(web_orders, app_orders)",
        ),
        _r(
            "RW106", "row_number() without a top-N filter", "warning", "lint",
            "keep the top N: .where(col('rn') <= N); RisingWave then runs a cheap Top-N",
            'events.select("user_id", rn=row_number().over(partition_by="user_id", order_by="ts"))',
            'events.select("user_id", rn=row_number().over(partition_by="user_id", order_by="ts"))'
            '.where(col("rn") <= 3)',
        ),
        _r(
            "RW107", "a watermark that no window or EMIT ON WINDOW CLOSE downstream uses", "warning",
            "lint",
            "window on the watermark column (Hop/Tumble), or drop the watermark",
            'Stream("events", cols, event_time="ts", watermark="1 minute")  # only joined',
            'Tumble(events, "ts", size="1 hour")  # somewhere downstream',
        ),
        _r(
            "RW201", "a suppression without a reason", "error", "lint",
            "say why the warning does not matter here",
            'allow={"RW101": ""}',
            'allow={"RW101": "products is small and bounded"}',
        ),
        _r(
            "RW202", "a suppression that silences nothing", "error", "lint",
            "remove it (the warning no longer fires, or the code is an error or unknown)",
            'allow={"RW102": "..."}  # on a view with no GROUP BY',
            "no allow entry",
        ),
    ]
}  # fmt: skip

WARNINGS = frozenset(c for c, r in RULES.items() if r.severity == "warning")
