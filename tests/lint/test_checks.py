"""Each rule's check: a pipeline that triggers it (object, message) and a near miss that
must not (`ecomdsl.lint.checks`). Error rules also make `compile` fail."""

from __future__ import annotations

from ecomdsl import (
    Join,
    Kafka,
    MaterializedView,
    Pipeline,
    Stream,
    Table,
    Tumble,
    ZScore,
    col,
    count,
    count_distinct,
    max_,
)
from ecomdsl.model.resolve import resolve
from tests.helpers import ROOT, events, products, where
from tests.lint.helpers import codes, compile_fails_with, hourly, issues, only, resolve_errors


def at(marker: str) -> str:
    return where(marker, __file__)


# ---- resolve-stage errors ----------------------------------------------------------------


def test_rw001_hop_multiple() -> None:
    from ecomdsl import Hop

    e = events()
    hop = Hop(e, "event_time", hop="7 minutes", size="1 hour")  # L:001
    bad = MaterializedView("m", hop.agg(n=count()))
    [d] = resolve_errors(bad)
    assert (d.code, d.obj, d.location.display(ROOT)) == ("RW001", "m", at("L:001"))
    assert d.message == "HOP size '1 hour' is not a multiple of hop '7 minutes'"
    ok = MaterializedView("m", Hop(e, "event_time", hop="5 minutes", size="1 hour").agg(n=count()))
    assert codes(ok, hourly(e)) == []
    compile_fails_with("RW001", bad)


def test_rw005_watermark_needs_append_only() -> None:
    cols = {"id": "int", "ts": "timestamp"}
    bad = Table("t", cols, primary_key="id", event_time="ts", watermark="1 minute")  # L:005
    [d] = resolve_errors(bad)
    assert (d.code, d.obj, d.location.display(ROOT)) == ("RW005", "t", at("L:005"))
    assert d.message == "a watermark on a table needs APPEND ONLY (or WITH TTL)"
    ttl = Table(
        "t", cols, primary_key="id", event_time="ts", watermark="1 minute", watermark_ttl=True
    )
    assert resolve(Pipeline("t", objects=[ttl])).get("t").watermark.ttl  # type: ignore[union-attr]
    kafka = Kafka(topic="t", bootstrap_servers="b:9092", format="upsert")
    upsert = Stream("s", cols, event_time="ts", watermark="1 minute", connector=kafka)
    [d] = resolve_errors(upsert)
    assert d.code == "RW005" and d.message.startswith("a watermark needs an append-only source")
    compile_fails_with("RW005", bad)


def test_rw007_rejected_types() -> None:
    bad = Table("t", {"a": "varchar(20)", "b": "serial"})
    assert [(d.code, d.obj) for d in resolve_errors(bad)] == [("RW007", "t"), ("RW007", "t")]
    near = Table("t", {"a": "varchr"})  # a typo is not RW007
    assert [d.code for d in resolve_errors(near)] == [None]


def test_rw008_constraints() -> None:
    cols = {"id": "int", "email": "varchar"}
    bad = Table("users", cols, primary_key="id", unique=["email"], checks=["id > 0"])  # L:008
    found = resolve_errors(bad)
    assert [(d.code, d.message) for d in found] == [
        ("RW008", "Table(unique=...): RisingWave does not support UNIQUE constraints"),
        ("RW008", "Table(checks=...): RisingWave does not support CHECK constraints"),
    ]
    assert found[0].location.display(ROOT) == at("L:008")
    assert codes(Table("users", cols, primary_key="id")) == []


def test_rw009_append_only_with_key() -> None:
    cols = {"id": "int", "v": "int"}
    bad = Table("t", cols, primary_key="id", append_only=True)  # L:009
    [d] = resolve_errors(bad)
    assert (d.code, d.location.display(ROOT)) == ("RW009", at("L:009"))
    assert d.message == "an APPEND ONLY table with a primary key needs ON CONFLICT DO NOTHING"
    ok = Table("t", cols, primary_key="id", append_only=True, on_conflict="do nothing")
    assert codes(ok) == []
    from ecomdsl.sql.emit import Emitter

    sql = Emitter().create(resolve(Pipeline("t", objects=[ok])).get("t")).sql("ecomdsl")
    assert sql.endswith("APPEND ONLY ON CONFLICT DO NOTHING")


def test_rw012_jsonb_keys() -> None:
    e = events()
    distinct = count_distinct(col("payload"))  # L:012
    bad = MaterializedView("m", e.group_by("user_id").agg(n=distinct))
    [d] = resolve_errors(bad)
    assert (d.code, d.obj, d.location.display(ROOT)) == ("RW012", "m", at("L:012"))
    ok = MaterializedView(
        "m", e.group_by("user_id").agg(n=count_distinct(col("payload").json("k")))
    )
    assert "RW012" not in [c for c, _ in codes(ok, hourly(e))]


def test_rw014_rewindowing() -> None:
    e = events()
    inner = Tumble(e, "event_time", size="1 hour")
    bad = MaterializedView("m", Tumble(inner, "event_time", size="1 day").agg(n=count()))
    assert [d.code for d in resolve_errors(bad)] == ["RW014", "RW014"]  # window_start and _end


# ---- lint-stage errors -------------------------------------------------------------------


def test_rw006_eowc_needs_a_watermark_key() -> None:
    e = events()
    bad = MaterializedView(
        "m", e.group_by("user_id").agg(n=count()), emit_on_window_close=True
    )  # L:006
    found = issues(bad, hourly(e))
    issue = only(found, "RW006")
    assert issue.severity == "error" and issue.finding.obj == "m"
    assert issue.finding.message == (
        "EMIT ON WINDOW CLOSE needs a watermark column (e.g. window_start) in GROUP BY"
    )
    global_agg = MaterializedView("g", e.agg(n=count()), emit_on_window_close=True)
    assert only(issues(global_agg, hourly(e)), "RW006").finding.message.startswith(
        "EMIT ON WINDOW CLOSE cannot be used on an aggregate without GROUP BY"
    )
    no_watermark = Stream("s", {"ts": "timestamp"}, event_time="ts")
    unwatermarked = Tumble(no_watermark, "ts", size="1 hour").group_by("window_start")
    windowed = MaterializedView("w", unwatermarked.agg(n=count()), emit_on_window_close=True)
    assert "RW006" in [c for c, _ in codes(windowed)]
    watermarked = Tumble(e, "event_time", size="1 hour").group_by("window_start")
    ok = MaterializedView("ok", watermarked.agg(n=count()), emit_on_window_close=True)
    assert codes(ok) == []
    compile_fails_with("RW006", bad, hourly(e))


def test_rw010_range_days_on_timestamptz() -> None:
    s = Stream("s", {"v": "int", "ts": "timestamptz"}, event_time="ts", watermark="1 minute")
    per_hour = Tumble(s, "ts", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    bad = MaterializedView(
        "z",
        ZScore(per_hour, value="n", order_by="hour", lookback="1 day"),
        allow={"RW103": "small"},
    )
    issue = only(issues(bad), "RW010")
    assert issue.finding.message == "a RANGE frame on a timestamptz column cannot use day (1 day)"
    ok = MaterializedView(
        "z",
        ZScore(per_hour, value="n", order_by="hour", lookback="24 hours"),
        allow={"RW103": "small"},
    )
    assert codes(ok) == []
    compile_fails_with("RW010", bad)


def test_rw011_temporal_join_targets() -> None:
    e = events()
    price_columns = {"product_id": "varchar", "price": "numeric", "ts": "timestamp"}
    kafka = Kafka(topic="p", bootstrap_servers="b:9092")
    src = Stream("prices", price_columns, event_time="ts", connector=kafka)
    bad = MaterializedView(
        "m", Join(e, src, on="product_id", temporal=True).select(e.c.event_id, src.c.price)
    )  # L:011
    issue = only(issues(bad, hourly(e)), "RW011")
    assert issue.finding.message == (
        "temporal join: its right side 'prices' is a source, which stores nothing to look up"
    )
    query = products().where(col("price") > 1).select("product_id", "price")
    cte = MaterializedView("c", Join(e, query, on="product_id", temporal=True).select(e.c.event_id))
    assert "a query (a CTE)" in only(issues(cte, hourly(e)), "RW011").finding.message
    p = products()
    full = MaterializedView(
        "f", Join(e, p, on="product_id", how="full", temporal=True).select(e.c.event_id)
    )
    assert "cannot be FULL" in only(issues(full, hourly(e)), "RW011").finding.message
    ok = MaterializedView(
        "ok", Join(e, p, on="product_id", temporal=True).select(e.c.event_id, p.c.price)
    )
    assert codes(ok, hourly(e)) == []
    compile_fails_with("RW011", bad, hourly(e))


def test_rw013_non_equi_join() -> None:
    e, p = events(), products()
    bad = MaterializedView("m", Join(e, p, on=e.c.amount > p.c.price).select(e.c.event_id))  # L:013
    issue = only(issues(bad, hourly(e)), "RW013")
    assert issue.finding.location.display(ROOT) == at("L:013")
    key_and_range = (e.c.product_id == p.c.product_id) & (e.c.amount > p.c.price)
    ok = MaterializedView("m", Join(e, p, on=key_and_range, temporal=True).select(e.c.event_id))
    assert codes(ok, hourly(e)) == []
    compile_fails_with("RW013", bad, hourly(e))


# ---- warnings ----------------------------------------------------------------------------


def test_rw101_unbounded_join() -> None:
    e, p = events(), products()
    join = Join(e, p, on="product_id")  # L:101
    bad = MaterializedView("m", join.select(e.c.event_id, p.c.price))
    issue = only(issues(bad, hourly(e)), "RW101")
    assert (issue.severity, issue.finding.obj, issue.finding.location.display(ROOT)) == (
        "warning",
        "m",
        at("L:101"),
    )
    assert issue.finding.message == (
        "regular join of events and products keeps both inputs in state, and events grows "
        "without bound"
    )
    ok = MaterializedView("m", Join(e, p, on="product_id", temporal=True).select(e.c.event_id))
    assert codes(ok, hourly(e)) == []
    # a window join is bounded by the watermark
    w1 = Tumble(e, "event_time", size="1 hour").group_by("window_start", "user_id").agg(a=count())
    w2 = Tumble(e, "event_time", size="1 hour").group_by("window_start", "user_id").agg(b=count())
    window_join = MaterializedView(
        "wj", Join(w1, w2, on=["window_start", "user_id"]).select("window_start")
    )
    assert "RW101" not in [c for c, _ in codes(window_join)]


def test_rw102_unbounded_group_by() -> None:
    e = events()
    bad = MaterializedView("m", e.group_by("user_id").agg(n=count()))  # L:102
    issue = only(issues(bad, hourly(e)), "RW102")
    assert issue.finding.location.display(ROOT) == at("L:102")
    ok = MaterializedView(
        "m",
        Tumble(e, "event_time", size="1 day").group_by("window_start", "user_id").agg(n=count()),
    )
    assert codes(ok) == []
    keyed_table = MaterializedView("t", products().group_by("name").agg(n=count()))
    assert codes(keyed_table) == []


def test_rw103_over_window_over_a_stream() -> None:
    e = events()
    hours = Tumble(e, "event_time", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    bad = MaterializedView("z", ZScore(hours, value="n", order_by="hour"))  # L:103
    issue = only(issues(bad), "RW103")
    assert issue.finding.location.display(ROOT) == at("L:103")
    totals = (
        products().group_by("name").agg(n=count()).select("name", "n", t=col("n").cast("timestamp"))
    )
    near = MaterializedView(
        "z", ZScore(totals, value="n", order_by="n", lookback=5, exclude_recent=1)
    )
    assert "RW103" not in [c for c, _ in codes(near)]


def test_rw104_min_max_distinct_on_updates() -> None:
    e, p = events(), products()
    joined = Join(p, e, on="product_id", how="left")
    top = joined.group_by(p.c.product_id).agg(top=max_(e.c.amount))
    bad = MaterializedView("m", top, allow={"RW101": "test", "RW102": "test"})
    issue = only(issues(bad, hourly(e)), "RW104")
    assert issue.finding.message.startswith("max over input that is not append-only")
    ok = MaterializedView(
        "m",
        Tumble(e, "event_time", size="1 hour")
        .group_by("window_start")
        .agg(top=max_(col("amount"))),
    )
    assert codes(ok) == []


def test_rw107_unused_watermark() -> None:
    e = events()
    only_grouped = MaterializedView(
        "m", e.group_by("user_id").agg(n=count()), allow={"RW102": "ok"}
    )
    issue = only(issues(only_grouped), "RW107")
    assert (issue.finding.obj, issue.finding.message) == (
        "events",
        "the watermark on 'event_time' is used by no window or EMIT ON WINDOW CLOSE downstream",
    )
    assert codes(hourly(e)) == []


# ---- NOW(), PROCTIME(), window functions, UNION ------------------------------------------


def test_rw002_window_without_partition() -> None:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(order_by="event_time")  # L:002
    bad = MaterializedView("m", e.select("event_id", rn=rn).where(col("rn") <= 3))
    issue = only(issues(bad, hourly(e)), "RW002")
    assert (issue.finding.obj, issue.finding.location.display(ROOT)) == ("m", at("L:002"))
    assert issue.finding.message == "a window function without PARTITION BY is refused in streaming"
    ok_rn = row_number().over(partition_by="user_id", order_by="event_time")
    ok = MaterializedView("m", e.select("event_id", rn=ok_rn).where(col("rn") <= 3))
    assert "RW002" not in [c for c, _ in codes(ok, hourly(e))]
    compile_fails_with("RW002", bad, hourly(e))


def test_rw003_now_placement_and_shape() -> None:
    from ecomdsl import interval, now

    e = events()
    age = now() - col("event_time")  # L:003
    in_output = MaterializedView("a", e.select("event_id", age=age))
    issue = only(issues(in_output, hourly(e)), "RW003")
    assert (issue.finding.obj, issue.finding.location.display(ROOT)) == ("a", at("L:003"))
    assert issue.finding.message.startswith("NOW() is allowed only in WHERE, HAVING, ON and FROM")
    odd = MaterializedView(
        "b", e.where(col("event_time") + (now() - col("event_time")) > now()).select("event_id")
    )
    assert (
        "NOW() must appear as `column <op> now_expression`"
        in only(issues(odd, hourly(e)), "RW003").finding.message
    )
    both = MaterializedView(
        "c",
        e.where(
            (col("event_time") > now() - interval("1 hour"))
            | (col("event_time") < now() - interval("1 day"))
        ).select("event_id"),
    )
    assert (
        only(issues(both, hourly(e)), "RW003").finding.message
        == "two temporal filters joined by OR"
    )
    ok = MaterializedView(
        "d",
        e.where(col("event_time") > now() - interval("1 hour")).group_by("user_id").agg(n=count()),
    )
    assert codes(ok, hourly(e)) == []  # the temporal filter bounds the GROUP BY (no RW102)
    compile_fails_with("RW003", in_output, hourly(e))


def test_rw004_proctime() -> None:
    from ecomdsl import now, proctime

    e = events()
    bad = MaterializedView("m", e.where(col("event_time") > proctime()).select("event_id"))  # L:004
    issue = only(issues(bad, hourly(e)), "RW004")
    assert issue.finding.location.display(ROOT) == at("L:004")
    assert issue.finding.message == "PROCTIME() is allowed only in CREATE TABLE/SOURCE"
    ok = MaterializedView("m", e.where(col("event_time") > now()).select("event_id"))
    assert "RW004" not in [c for c, _ in codes(ok, hourly(e))]
    compile_fails_with("RW004", bad, hourly(e))


def test_rw105_union_distinct() -> None:
    from ecomdsl import union, union_all

    e = events()
    carts = e.where(col("event_type") == "add_to_cart").select("user_id", "event_time")
    buys = e.where(col("event_type") == "purchase").select("user_id", "event_time")
    both = union(carts, buys)  # L:105
    bad = MaterializedView("m", both.select("user_id", "event_time"))
    issue = only(issues(bad, hourly(e)), "RW105")
    assert (issue.severity, issue.finding.location.display(ROOT)) == ("warning", at("L:105"))
    ok = MaterializedView("m", union_all(carts, buys).select("user_id", "event_time"))
    assert codes(ok, hourly(e)) == []


def test_rw106_row_number_without_top_n() -> None:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(partition_by="user_id", order_by="event_time")  # L:106
    bad = MaterializedView("m", e.select("user_id", "event_id", rn=rn))
    found = issues(bad, hourly(e))
    issue = only(found, "RW106")
    assert issue.finding.location.display(ROOT) == at("L:106")
    assert issue.finding.message.startswith("row_number() (rn) without a top-N filter")
    top3 = MaterializedView("m", e.select("user_id", "event_id", rn=rn).where(col("rn") <= 3))
    assert "RW106" not in [c for c, _ in codes(top3, hourly(e))]


def test_rw006_eowc_window_order_and_rw014_near_miss() -> None:
    from ecomdsl import lag

    e = events()
    by_id = lag(col("amount")).over(partition_by="user_id", order_by="event_id")
    bad = MaterializedView("m", e.select("event_id", prev=by_id), emit_on_window_close=True)
    assert only(issues(bad, hourly(e)), "RW006").finding.message == (
        "EMIT ON WINDOW CLOSE needs the window ordered by a single watermark column"
    )
    by_time = lag(col("amount")).over(partition_by="user_id", order_by="event_time")
    ok = MaterializedView("m", e.select("event_id", prev=by_time), emit_on_window_close=True)
    assert "RW006" not in [c for c, _ in codes(ok, hourly(e))]
    # re-windowing after renaming window_start/window_end is fine (RW014's near miss)
    hours = Tumble(e, "event_time", size="1 hour").select("event_time", hour="window_start")
    daily = MaterializedView(
        "d", Tumble(hours, "event_time", size="1 day").group_by("window_start").agg(n=count())
    )
    assert codes(daily) == []
