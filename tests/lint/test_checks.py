"""Every rule: a pipeline that triggers it (code, object, file:line, message) and a near miss
that must not. Error rules also make `compile` fail."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    sum_,
)
from ecomdsl.compiler import compile_pipelines
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.lint import RULES, lint
from ecomdsl.lint.engine import ConfigError, Issue, load_severities
from ecomdsl.model.build import resolve
from tests.helpers import ROOT, events, line_of, products

HERE = __file__


def at(marker: str) -> str:
    return f"tests/lint/test_checks.py:{line_of(marker, HERE)}"


def issues(*objects: PipelineObject) -> list[Issue]:
    return list(lint(resolve(Pipeline("t", objects=list(objects)))).issues)


def codes(*objects: PipelineObject) -> list[tuple[str, str]]:
    return [(i.finding.code, i.finding.obj) for i in issues(*objects)]


def resolve_errors(*objects: PipelineObject) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        resolve(Pipeline("t", objects=list(objects)))
    return list(info.value.diagnostics)


def compile_fails_with(code: str, *objects: PipelineObject) -> None:
    with pytest.raises(CompileError) as info:
        compile_pipelines([Pipeline("t", objects=list(objects))], ROOT)
    assert code in [d.code for d in info.value.diagnostics]


def only(found: list[Issue], code: str) -> Issue:
    matching = [i for i in found if i.finding.code == code]
    assert len(matching) == 1, [(i.finding.code, i.finding.message) for i in found]
    return matching[0]


def hourly(e: Stream) -> MaterializedView:
    return MaterializedView(
        "hourly",
        Tumble(e, "event_time", size="1 hour").group_by("window_start").agg(n=count()),
    )


# ---- resolve-stage errors -----------------------------------------------------------


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
    upsert = Stream(
        "s", cols, event_time="ts", watermark="1 minute",
        connector=Kafka(topic="t", bootstrap_servers="b:9092", format="upsert"),
    )  # fmt: skip
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


# ---- lint-stage errors --------------------------------------------------------------


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
    windowed = MaterializedView(
        "w", Tumble(no_watermark, "ts", size="1 hour").group_by("window_start").agg(n=count()),
        emit_on_window_close=True,
    )  # fmt: skip
    assert "RW006" in [c for c, _ in codes(windowed)]
    ok = MaterializedView(
        "ok", Tumble(e, "event_time", size="1 hour").group_by("window_start").agg(n=count()),
        emit_on_window_close=True,
    )  # fmt: skip
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
    src = Stream(
        "prices", {"product_id": "varchar", "price": "numeric", "ts": "timestamp"},
        event_time="ts", connector=Kafka(topic="p", bootstrap_servers="b:9092"),
    )  # fmt: skip
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
    ok = MaterializedView(
        "m", Join(e, p, on=(e.c.product_id == p.c.product_id) & (e.c.amount > p.c.price), temporal=True)
        .select(e.c.event_id),
    )  # fmt: skip
    assert codes(ok, hourly(e)) == []
    compile_fails_with("RW013", bad, hourly(e))


# ---- warnings -----------------------------------------------------------------------


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
    bad = MaterializedView(
        "m", joined.group_by(p.c.product_id).agg(top=max_(e.c.amount)),
        allow={"RW101": "test", "RW102": "test"},
    )  # fmt: skip
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


# ---- suppressions and configuration -------------------------------------------------


def test_suppression_with_reason_is_listed() -> None:
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()), allow={"RW102": "few users"})
    result = lint(resolve(Pipeline("t", objects=[m, hourly(e)])))
    assert result.issues == ()
    assert [(s.finding.code, s.reason) for s in result.suppressed] == [("RW102", "few users")]


def test_rw201_rw202_bad_suppressions() -> None:
    e = events()
    no_reason = MaterializedView("a", e.group_by("user_id").agg(n=count()), allow={"RW102": " "})
    nothing = MaterializedView("b", hourly(e).query, allow={"RW101": "just in case"})
    error_rule = MaterializedView("c", e.agg(n=sum_(col("amount"))), allow={"RW006": "no"})
    unknown = MaterializedView("d", e.agg(n=count()), allow={"RW999": "?"})
    found = [
        (i.finding.code, i.finding.obj, i.finding.message)
        for i in issues(no_reason, nothing, error_rule, unknown, hourly(e))
        if i.severity == "error"
    ]
    assert found == [
        ("RW201", "a", "allow={'RW102': ...} needs a reason"),
        ("RW202", "b", "allow={'RW101': ...} silences nothing: RW101 does not fire on 'b'"),
        (
            "RW202",
            "c",
            "allow: RW006 is an error (RisingWave would reject the view); it cannot be allowed",
        ),
        ("RW202", "d", "allow: unknown rule 'RW999'"),
    ]
    compile_fails_with("RW202", nothing, hourly(e))


def test_severity_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ecomdsl.lint.severity]\nRW102 = "error"\nRW107 = "off"\n'
    )
    assert load_severities(tmp_path) == {"RW102": "error", "RW107": "off"}
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()))
    result = lint(resolve(Pipeline("t", objects=[m])), load_severities(tmp_path))
    assert [(i.finding.code, i.severity) for i in result.issues] == [("RW102", "error")]
    (tmp_path / "pyproject.toml").write_text('[tool.ecomdsl.lint.severity]\nRW006 = "warning"\n')
    with pytest.raises(ConfigError, match="RW006 is an error"):
        load_severities(tmp_path)


def test_seed_pipeline_is_clean_with_listed_suppressions() -> None:
    from pipelines.ecommerce import pipeline

    result = lint(resolve(pipeline, test_data=False))
    assert result.issues == ()
    assert sorted((s.finding.code, s.finding.obj) for s in result.suppressed) == [
        ("RW102", "funnel_analysis"),
        ("RW102", "pageview_metrics"),
        ("RW102", "product_performance"),
        ("RW102", "product_view_metrics"),
        ("RW103", "anomaly_detection"),
    ]


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text()
    for code, rule in RULES.items():
        assert f"| {code} |" in doc, code
        assert rule.title in doc, code


# ---- NOW(), PROCTIME(), window functions, UNION ---------------------------------------


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


def test_window_function_errors() -> None:
    from ecomdsl import rank, row_number

    e = events()
    errors = [
        d.message
        for d in resolve_errors(
            MaterializedView("a", e.select(r=rank())),
            MaterializedView(
                "b",
                e.where(
                    row_number().over(partition_by="user_id", order_by="event_time") > 1
                ).select("event_id"),
            ),
            MaterializedView("c", e.select(r=row_number().over(partition_by="user_id"))),
        )
    ]
    assert errors == [
        "rank() needs .over(...)",
        "a window function is not allowed here",
        "row_number() needs over(order_by=...)",
    ]


def test_union_column_mismatch() -> None:
    from ecomdsl import union_all

    e = events()
    a = e.select("user_id", "event_time")
    b = e.select("event_time", "user_id")
    [d] = resolve_errors(MaterializedView("m", union_all(a, b).select("user_id")))
    assert d.message == (
        "union inputs need the same columns in the same order: user_id, event_time vs event_time, user_id"
    )


# ---- every rule: code, object, file:line and message, in one table ---------------------


def _case_rw001() -> list[PipelineObject]:
    from ecomdsl import Hop

    hop = Hop(events(), "event_time", hop="7 minutes", size="1 hour")  # C:RW001
    return [MaterializedView("m", hop.agg(n=count()))]


def _case_rw002() -> list[PipelineObject]:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(order_by="event_time")  # C:RW002
    return [MaterializedView("m", e.select("event_id", rn=rn).where(col("rn") <= 3)), hourly(e)]


def _case_rw003() -> list[PipelineObject]:
    from ecomdsl import now

    e = events()
    age = now() - col("event_time")  # C:RW003
    return [MaterializedView("m", e.select(age=age)), hourly(e)]


def _case_rw004() -> list[PipelineObject]:
    from ecomdsl import proctime

    e = events()
    late = col("event_time") < proctime()  # C:RW004
    return [MaterializedView("m", e.where(late).select("event_id")), hourly(e)]


def _case_rw005() -> list[PipelineObject]:
    cols = {"id": "int", "ts": "timestamp"}
    return [Table("m", cols, primary_key="id", event_time="ts", watermark="1 minute")]  # C:RW005


def _case_rw006() -> list[PipelineObject]:
    e = events()
    per_user = e.group_by("user_id").agg(n=count())  # C:RW006
    return [MaterializedView("m", per_user, emit_on_window_close=True), hourly(e)]


def _case_rw007() -> list[PipelineObject]:
    return [Table("m", {"name": "varchar(20)"})]  # C:RW007


def _case_rw008() -> list[PipelineObject]:
    cols = {"id": "int", "email": "varchar"}
    return [Table("m", cols, primary_key="id", unique=["email"])]  # C:RW008


def _case_rw009() -> list[PipelineObject]:
    return [Table("m", {"id": "int"}, primary_key="id", append_only=True)]  # C:RW009


def _case_rw010() -> list[PipelineObject]:
    s = Stream("s", {"ts": "timestamptz"}, event_time="ts", watermark="1 minute")
    hours = Tumble(s, "ts", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    z = ZScore(hours, value="n", order_by="hour", lookback="1 day")  # C:RW010
    return [MaterializedView("m", z, allow={"RW103": "one row per hour"})]


def _case_rw011() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on="product_id", how="full", temporal=True)  # C:RW011
    return [MaterializedView("m", j.select(e.c.event_id)), hourly(e)]


def _case_rw012() -> list[PipelineObject]:
    e = events()
    by_payload = e.group_by("payload")  # C:RW012
    return [MaterializedView("m", by_payload.agg(n=count()))]


def _case_rw013() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on=e.c.amount > p.c.price)  # C:RW013
    return [MaterializedView("m", j.select(e.c.event_id)), hourly(e)]


def _case_rw014() -> list[PipelineObject]:
    inner = Tumble(events(), "event_time", size="1 hour")
    outer = Tumble(inner, "event_time", size="1 day")  # C:RW014
    return [MaterializedView("m", outer.agg(n=count()))]


def _case_rw101() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on="product_id")  # C:RW101
    return [MaterializedView("m", j.select(e.c.event_id, p.c.price)), hourly(e)]


def _case_rw102() -> list[PipelineObject]:
    e = events()
    per_user = e.group_by("user_id").agg(n=count())  # C:RW102
    return [MaterializedView("m", per_user), hourly(e)]


def _case_rw103() -> list[PipelineObject]:
    e = events()
    hours = Tumble(e, "event_time", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    z = ZScore(hours, value="n", order_by="hour")  # C:RW103
    return [MaterializedView("m", z)]


def _case_rw104() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(p, e, on="product_id", how="left")
    top = j.group_by(p.c.product_id).agg(top=max_(e.c.amount))  # C:RW104
    return [MaterializedView("m", top, allow={"RW101": "test", "RW102": "test"}), hourly(e)]


def _case_rw105() -> list[PipelineObject]:
    from ecomdsl import union

    e = events()
    a = e.where(col("event_type") == "a").select("user_id")
    b = e.where(col("event_type") == "b").select("user_id")
    both = union(a, b)  # C:RW105
    return [MaterializedView("m", both.select("user_id")), hourly(e)]


def _case_rw106() -> list[PipelineObject]:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(partition_by="user_id", order_by="event_time")  # C:RW106
    return [MaterializedView("m", e.select("user_id", rn=rn)), hourly(e)]


def _case_rw107() -> list[PipelineObject]:
    cols = {"ts": "timestamp", "k": "int"}
    return [Stream("m", cols, event_time="ts", watermark="1 minute")]  # C:RW107


def _case_rw201() -> list[PipelineObject]:
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()), allow={"RW102": ""})  # C:RW201
    return [m, hourly(e)]


def _case_rw202() -> list[PipelineObject]:
    e = events()
    m = MaterializedView("m", e.agg(n=count()), allow={"RW101": "just in case"})  # C:RW202
    return [m, hourly(e)]


MESSAGES = {
    "RW001": "HOP size '1 hour' is not a multiple of hop '7 minutes'",
    "RW002": "a window function without PARTITION BY is refused in streaming",
    "RW003": "NOW() is allowed only in WHERE, HAVING, ON and FROM of a streaming query, not in its output",
    "RW004": "PROCTIME() is allowed only in CREATE TABLE/SOURCE",
    "RW005": "a watermark on a table needs APPEND ONLY (or WITH TTL)",
    "RW006": "EMIT ON WINDOW CLOSE needs a watermark column (e.g. window_start) in GROUP BY",
    "RW007": "column 'name': RisingWave rejects type parameters in 'varchar(20)'",
    "RW008": "Table(unique=...): RisingWave does not support UNIQUE constraints",
    "RW009": "an APPEND ONLY table with a primary key needs ON CONFLICT DO NOTHING",
    "RW010": "a RANGE frame on a timestamptz column cannot use day (1 day)",
    "RW011": "temporal join: a temporal join cannot be FULL",
    "RW012": "cannot group by jsonb column 'payload'",
    "RW013": "join without an equality between the two sides: RisingWave would need a nested-loop "
    "join, which it does not run in streaming",
    "RW014": "TUMBLE input already has a 'window_start' column",
    "RW101": "regular join of events and products keeps both inputs in state, and events grows "
    "without bound",
    "RW102": "GROUP BY over an unbounded stream with no window: one state row per key, kept forever",
    "RW103": "an OVER window over a growing input without EMIT ON WINDOW CLOSE: its state is "
    "never cleaned",
    "RW104": "max over input that is not append-only keeps every input row in state (to handle "
    "deletes)",
    "RW105": "UNION removes duplicates, so RisingWave keeps every row in state",
    "RW106": "row_number() (rn) without a top-N filter: RisingWave runs a general OVER window and "
    "keeps every row",
    "RW107": "the watermark on 'ts' is used by no window or EMIT ON WINDOW CLOSE downstream",
    "RW201": "allow={'RW102': ...} needs a reason",
    "RW202": "allow={'RW101': ...} silences nothing: RW101 does not fire on 'm'",
}


def _all_findings(objects: list[PipelineObject]) -> list[Diagnostic]:
    try:
        resolved = resolve(Pipeline("t", objects=objects))
    except CompileError as err:
        return list(err.diagnostics)
    return [i.diagnostic() for i in lint(resolved).issues]


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_reports_code_object_line_and_message(code: str) -> None:
    objects = globals()[f"_case_{code.lower()}"]()
    found = [d for d in _all_findings(objects) if d.code == code]
    assert len(found) >= 1, _all_findings(objects)
    d = found[0]
    assert (d.obj, d.location.display(ROOT), d.message, d.severity) == (
        "m",
        at(f"C:{code}"),
        MESSAGES[code],
        RULES[code].severity,
    )
    assert d.hint, f"{code} gives no fix"
    if RULES[code].severity == "error":
        compile_fails_with(code, *objects)


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
