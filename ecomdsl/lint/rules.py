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

from ecomdsl.errors import Severity


@attrs.frozen
class Rule:
    code: str
    title: str
    severity: Severity
    stage: Literal["resolve", "lint"]
    fix: str
    bad: str
    good: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule(
            code="RW001",
            title="HOP size is not a multiple of the hop",
            severity=Severity.ERROR,
            stage="resolve",
            fix="choose a size that is k x hop",
            bad='Hop(events, "ts", hop="7 minutes", size="1 hour")',
            good='Hop(events, "ts", hop="5 minutes", size="1 hour")',
        ),
        Rule(
            code="RW002",
            title="window function without PARTITION BY in a streaming view",
            severity=Severity.ERROR,
            stage="lint",
            fix="partition the window; ZScore's constant partition over one series is allowed",
            bad='events.select(rn=row_number().over(order_by="ts"))',
            good='events.select(rn=row_number().over(partition_by="user_id", order_by="ts"))',
        ),
        Rule(
            code="RW003",
            title="NOW() outside WHERE/ON, or not in a temporal-filter shape",
            severity=Severity.ERROR,
            stage="lint",
            fix="compare a column with now() [- interval] in where(); never select it",
            bad='events.select("ts", age=now() - col("ts"))',
            good='events.where(col("ts") > now() - interval("1 hour"))',
        ),
        Rule(
            code="RW004",
            title="PROCTIME() outside CREATE TABLE/SOURCE",
            severity=Severity.ERROR,
            stage="lint",
            fix="use now() in a temporal filter",
            bad='events.where(col("ts") > proctime())',
            good='events.where(col("ts") > now() - interval("1 hour"))',
        ),
        Rule(
            code="RW005",
            title="watermark on a table that is not append-only, or on a non-PLAIN source",
            severity=Severity.ERROR,
            stage="resolve",
            fix="append_only=True (or watermark_ttl=True), or a PLAIN source",
            bad='Table("t", cols, event_time="ts", watermark="1 minute")',
            good='Table("t", cols, append_only=True, event_time="ts", watermark="1 minute")',
        ),
        Rule(
            code="RW006",
            title="EMIT ON WINDOW CLOSE without a watermark where it needs one",
            severity=Severity.ERROR,
            stage="lint",
            fix="group by window_start (a watermark column) / order the window by a watermark column",
            bad='MaterializedView("m", events.group_by("user_id").agg(n=count()), emit_on_window_close=True)',
            good=(
                'MaterializedView("m", Tumble(events, "ts", size="1 hour").group_by("window_start")'
                ".agg(n=count()), emit_on_window_close=True)"
            ),
        ),
        Rule(
            code="RW007",
            title="a type RisingWave rejects (VARCHAR(n), NUMERIC(p,s), CHAR, SERIAL, JSON, UUID)",
            severity=Severity.ERROR,
            stage="resolve",
            fix="use varchar, numeric, int/bigint, jsonb",
            bad='Table("t", {"name": "varchar(20)", "price": "numeric(10,2)"})',
            good='Table("t", {"name": "varchar", "price": "numeric"})',
        ),
        Rule(
            code="RW008",
            title="UNIQUE, CHECK or FOREIGN KEY constraint",
            severity=Severity.ERROR,
            stage="resolve",
            fix="RisingWave enforces only PRIMARY KEY; check the rule upstream or with a view",
            bad='Table("users", cols, primary_key="id", unique=["email"])',
            good='Table("users", cols, primary_key="id")',
        ),
        Rule(
            code="RW009",
            title="APPEND ONLY with a primary key but no ON CONFLICT DO NOTHING",
            severity=Severity.ERROR,
            stage="resolve",
            fix='on_conflict="do nothing"',
            bad='Table("t", cols, primary_key="id", append_only=True)',
            good='Table("t", cols, primary_key="id", append_only=True, on_conflict="do nothing")',
        ),
        Rule(
            code="RW010",
            title="RANGE frame offset in days or months on a timestamptz column",
            severity=Severity.ERROR,
            stage="lint",
            fix="write the offset in hours ('24 hours', not '1 day')",
            bad='ZScore(hourly_tz, value="n", order_by="hour", lookback="1 day")',
            good='ZScore(hourly_tz, value="n", order_by="hour", lookback="24 hours")',
        ),
        Rule(
            code="RW011",
            title="temporal join with a source or query on the right, or RIGHT/FULL",
            severity=Severity.ERROR,
            stage="lint",
            fix="join a table or materialized view on the right, with how='inner' or 'left'",
            bad='Join(events, kafka_prices, on="sku", temporal=True)',
            good='Join(events, products, on="product_id", temporal=True)',
        ),
        Rule(
            code="RW012",
            title="jsonb as a group, join, partition or distinct key",
            severity=Severity.ERROR,
            stage="resolve",
            fix="extract a field: col('payload').json('key')",
            bad='events.group_by("payload").agg(n=count())',
            good='events.group_by(kind=col("payload").json("kind")).agg(n=count())',
        ),
        Rule(
            code="RW013",
            title="join without an equality between the two sides (nested loop)",
            severity=Severity.ERROR,
            stage="lint",
            fix="join on an equality (a key), plus any range condition",
            bad="Join(a, b, on=a.c.ts < b.c.ts)",
            good="Join(a, b, on=(a.c.id == b.c.id) & (a.c.ts < b.c.ts))",
        ),
        Rule(
            code="RW014",
            title="re-windowing a relation that already has window_start/window_end",
            severity=Severity.ERROR,
            stage="resolve",
            fix="rename window_start/window_end with .select() first",
            bad='Tumble(Tumble(events, "ts", size="1 hour"), "ts", size="1 day")',
            good='Tumble(hourly.select("ts", hour="window_start"), "ts", size="1 day")',
        ),
        Rule(
            code="RW101",
            title="regular join without a watermark, interval or temporal bound",
            severity=Severity.WARNING,
            stage="lint",
            fix="a temporal join to a table (temporal=True), a window join, or accept the state",
            bad='Join(events, products, on="product_id")',
            good='Join(events, products, on="product_id", temporal=True)',
        ),
        Rule(
            code="RW102",
            title="GROUP BY over an unbounded stream with no window",
            severity=Severity.WARNING,
            stage="lint",
            fix="group by a window (Tumble/Hop window_start), or accept one state row per key",
            bad='events.group_by("user_id").agg(n=count())',
            good='Tumble(events, "ts", size="1 day").group_by("window_start", "user_id").agg(n=count())',
        ),
        Rule(
            code="RW103",
            title="OVER window over a stream without EMIT ON WINDOW CLOSE (state never cleaned)",
            severity=Severity.WARNING,
            stage="lint",
            fix="emit_on_window_close=True with a watermark ORDER BY, or accept the state",
            bad='MaterializedView("z", ZScore(hourly, value="n", order_by="hour"))',
            good=(
                'MaterializedView("z", ZScore(hourly, value="n", order_by="hour"), '
                "emit_on_window_close=True)"
            ),
        ),
        Rule(
            code="RW104",
            title="min, max or count distinct over input that is not append-only",
            severity=Severity.WARNING,
            stage="lint",
            fix="aggregate the append-only stream before joining or updating it",
            bad='Join(events, products, on="product_id", how="left").group_by(...).agg(m=max_(...))',
            good='events.group_by("product_id").agg(m=max_(col("amount")))',
        ),
        Rule(
            code="RW105",
            title="UNION where UNION ALL would do",
            severity=Severity.WARNING,
            stage="lint",
            fix="union_all(...) when duplicates cannot occur (or are wanted); UNION keeps every row",
            bad="union(web_orders, app_orders)",
            good="union_all(web_orders, app_orders)",
        ),
        Rule(
            code="RW106",
            title="row_number() without a top-N filter",
            severity=Severity.WARNING,
            stage="lint",
            fix="keep the top N: .where(col('rn') <= N); RisingWave then runs a cheap Top-N",
            bad='events.select("user_id", rn=row_number().over(partition_by="user_id", order_by="ts"))',
            good=(
                'events.select("user_id", rn=row_number().over(partition_by="user_id", order_by="ts"))'
                '.where(col("rn") <= 3)'
            ),
        ),
        Rule(
            code="RW107",
            title="a watermark that no window or EMIT ON WINDOW CLOSE downstream uses",
            severity=Severity.WARNING,
            stage="lint",
            fix="window on the watermark column (Hop/Tumble), or drop the watermark",
            bad='Stream("events", cols, event_time="ts", watermark="1 minute")  # only joined',
            good='Tumble(events, "ts", size="1 hour")  # somewhere downstream',
        ),
        Rule(
            code="RW201",
            title="a suppression without a reason",
            severity=Severity.ERROR,
            stage="lint",
            fix="say why the warning does not matter here",
            bad='allow={"RW101": ""}',
            good='allow={"RW101": "products is small and bounded"}',
        ),
        Rule(
            code="RW202",
            title="a suppression that silences nothing",
            severity=Severity.ERROR,
            stage="lint",
            fix="remove it (the warning no longer fires, or the code is an error or unknown)",
            bad='allow={"RW102": "..."}  # on a view with no GROUP BY',
            good="no allow entry",
        ),
    ]
}

WARNINGS = frozenset(c for c, r in RULES.items() if r.severity is Severity.WARNING)
