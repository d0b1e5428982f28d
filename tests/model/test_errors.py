"""Every compile error names the object, the column or option, the user's file:line, and
gives a hint where one exists. Each test asserts the message."""

from __future__ import annotations

from ecomdsl import (
    Funnel,
    Hop,
    Join,
    MaterializedView,
    Pipeline,
    Stream,
    Table,
    Tumble,
    View,
    ZScore,
    col,
    count,
    func,
    interval,
    max_,
    raw,
    ref,
    sum_,
)
from ecomdsl.errors import CompileError
from ecomdsl.model.build import resolve
from tests.helpers import ROOT, errors_of, events, line_of, one_error, products

HERE = __file__


def at(marker: str) -> str:
    return f"tests/model/test_errors.py:{line_of(marker, HERE)}"


def test_missing_column_with_hint() -> None:
    e = events()
    mv = MaterializedView("mv", e.group_by("event_typ").agg(n=count()))  # L:missing
    err = one_error(mv)
    assert err.obj == "mv"
    assert err.message == "column 'event_typ' not found in 'events'"
    assert err.hint == "did you mean 'event_type'?"
    assert err.location.display(ROOT) == at("L:missing")
    assert err.format(ROOT) == (
        f"{at('L:missing')}: error: mv: column 'event_typ' not found in 'events'\n"
        "    hint: did you mean 'event_type'?"
    )


def test_missing_column_without_close_match_lists_columns() -> None:
    mv = MaterializedView("mv", products().select("zzz"))
    err = one_error(mv)
    assert err.message == "column 'zzz' not found in 'products'"
    assert err.hint == "available: product_id, name, price"


def test_sum_over_varchar() -> None:
    agg = events().group_by("user_id").agg(s=sum_(col("event_type")))  # L:sum
    mv = MaterializedView("mv", agg)
    err = one_error(mv)
    assert err.message == "sum() needs a numeric or interval argument; 'event_type' is varchar"
    assert err.location.display(ROOT) == at("L:sum")


def test_hop_on_non_time_column() -> None:
    mv = MaterializedView(
        "mv",
        Hop(events(), "user_id", hop="5 minutes", size="1 hour")  # L:hop
        .group_by("window_start")
        .agg(n=count()),
    )
    err = one_error(mv)
    assert err.message == (
        "HOP needs a time column (timestamp, timestamptz or date); 'user_id' is varchar"
    )
    assert err.location.display(ROOT) == at("L:hop")


def test_tumble_on_missing_column() -> None:
    mv = MaterializedView("mv", Tumble(events(), "event_tme", size="1 hour").agg(n=count()))
    err = one_error(mv)
    assert err.message == "TUMBLE: time column 'event_tme' not found in 'events'"
    assert err.hint == "did you mean 'event_time'?"


def test_hop_size_not_multiple_of_hop() -> None:
    mv = MaterializedView(
        "mv", Hop(events(), "event_time", hop="7 minutes", size="1 hour").agg(n=count())
    )
    assert one_error(mv).message == "HOP size '1 hour' is not a multiple of hop '7 minutes'"


def test_bad_interval_text() -> None:
    mv = MaterializedView("mv", Tumble(events(), "event_time", size="1 fortnight").agg(n=count()))
    assert one_error(mv).message.startswith("TUMBLE(size=...): '1 fortnight' is not an interval")


def test_rewindowing_a_windowed_relation() -> None:
    inner = Tumble(events(), "event_time", size="1 hour").select("event_time", "window_start")
    mv = MaterializedView("mv", Tumble(inner, "event_time", size="1 day").agg(n=count()))
    err = one_error(mv)
    assert err.message == "TUMBLE input already has a 'window_start' column"


def test_watermark_on_non_time_column() -> None:
    columns = {"id": "varchar", "ts": "varchar"}
    s = Stream("s", columns, event_time="ts", watermark="1 minute")  # L:wm
    err = one_error(s)
    assert err.obj == "s"
    assert err.message == (
        "a watermark needs a time column (timestamp, timestamptz or date); 'ts' is varchar"
    )
    assert err.location.display(ROOT) == at("L:wm")


def test_event_time_column_missing() -> None:
    s = Stream("s", {"id": "varchar", "ts": "timestamp"}, event_time="tss", watermark="1 minute")
    err = one_error(s)
    assert (err.message, err.hint) == ("event_time column 'tss' not found", "did you mean 'ts'?")


def test_duplicate_object_name() -> None:
    a = Table("dup", {"x": "int"})  # L:dup1
    b = Table("dup", {"y": "int"})  # L:dup2
    err = one_error(a, b)
    assert err.obj == "dup"
    assert err.message == f"duplicate object name 'dup' (first declared at {at('L:dup1')})"
    assert err.location.display(ROOT) == at("L:dup2")


def test_dependency_cycle_with_full_path() -> None:
    a = MaterializedView("a", ref("c").select("x"))  # L:cycle
    b = MaterializedView("b", a.select("x"))
    c = MaterializedView("c", b.select("x"))
    err = one_error(a, b, c)
    assert err.message == "dependency cycle: a -> b -> c -> a (x -> y: y reads x)"
    assert err.obj == "a"
    assert err.location.display(ROOT) == at("L:cycle")


def test_self_reference_is_a_cycle() -> None:
    a = MaterializedView("a", ref("a").select("x"))
    assert one_error(a).message == "dependency cycle: a -> a (x -> y: y reads x)"


def test_unknown_ref_with_hint() -> None:
    t = Table("orders", {"x": "int"})
    mv = MaterializedView("mv", ref("order").select("x"))
    err = one_error(t, mv)
    assert err.message == "reads 'order', which is not an object of pipeline 't'"
    assert err.hint == "did you mean 'orders'?"


def test_all_errors_reported_together() -> None:
    e = events()
    bad1 = MaterializedView("bad1", e.group_by("nope").agg(n=count()))
    bad2 = MaterializedView("bad2", e.group_by("user_id").agg(s=sum_(col("event_type"))))
    bad3 = Stream("bad3", {"ts": "int"}, event_time="ts", watermark="1 minute")
    errors = errors_of(bad1, bad2, bad3)
    assert [(x.obj, x.message.split(":")[0]) for x in errors] == [
        ("bad3", "a watermark needs a time column (timestamp, timestamptz or date); 'ts' is int"),
        ("bad1", "column 'nope' not found in 'events'"),
        ("bad2", "sum() needs a numeric or interval argument; 'event_type' is varchar"),
    ]
    rendered = CompileError(errors).render(ROOT)
    assert rendered.endswith("3 errors found")


def test_downstream_of_a_broken_object_does_not_cascade() -> None:
    broken = MaterializedView("broken", events().select("nope"))
    after = MaterializedView("after", broken.select("anything"))
    assert [e.obj for e in errors_of(broken, after)] == ["broken"]


def test_unknown_type_with_hint() -> None:
    err = one_error(Table("t1", {"a": "strng"}))
    assert err.message == "column 'a': unknown type 'strng'"
    assert err.hint == "did you mean 'string'?"


def test_rejected_types_with_the_fix() -> None:
    errors = errors_of(Table("t1", {"a": "varchar(20)", "b": "numeric(10,2)", "c": "json"}))
    assert [(e.message, e.hint) for e in errors] == [
        (
            "column 'a': RisingWave rejects type parameters in 'varchar(20)'",
            "write 'varchar' (no length)",
        ),
        (
            "column 'b': RisingWave rejects type parameters in 'numeric(10,2)'",
            "write 'numeric' (28 significant digits, no precision or scale)",
        ),
        ("column 'c': 'json' is not a RisingWave type", "RisingWave has no JSON type; use 'jsonb'"),
    ]


def test_primary_key_must_exist() -> None:
    err = one_error(Table("t1", {"id": "int"}, primary_key="idd"))
    assert (err.message, err.hint) == ("primary key column 'idd' not found", "did you mean 'id'?")


def test_integer_division_is_refused() -> None:
    mv = MaterializedView("mv", events().select(r=col("quantity") / 2))
    err = one_error(mv)
    assert err.message == "'/' on two integers (int / int) truncates the result"
    assert err.hint is not None and "//" in err.hint


def test_ambiguous_column_in_join() -> None:
    e = events()
    p = Table("products", {"product_id": "varchar", "amount": "numeric"})
    mv = MaterializedView("mv", Join(e, p, on="product_id").select("product_id", "amount"))
    err = one_error(mv)  # the key column means the left one; `amount` is ambiguous
    assert err.message == "column 'amount' is ambiguous: it is in events and products"
    assert err.hint == "say which one: events.c.amount, products.c.amount"


def test_join_key_missing_on_one_side() -> None:
    e, p = events(), products()
    mv = MaterializedView("mv", Join(e, p, on="user_id").select("event_id"))
    err = one_error(mv)
    assert err.message == "column 'user_id' not found in 'products'"


def test_comparison_of_incompatible_types() -> None:
    mv = MaterializedView("mv", events().where(col("quantity") == "ten").select("event_id"))
    assert one_error(mv).message == "cannot compare int with varchar using '='"


def test_where_needs_boolean() -> None:
    mv = MaterializedView("mv", events().where(col("quantity")).select("event_id"))
    assert one_error(mv).message == "where() must be a boolean condition, not int"


def test_aggregate_outside_agg() -> None:
    mv = MaterializedView("mv", events().select(n=count()))
    err = one_error(mv)
    assert err.message == "aggregate count() is not allowed here"


def test_ungrouped_column_in_agg() -> None:
    mv = MaterializedView("mv", events().group_by("user_id").agg(x=col("event_type")))
    errors = errors_of(mv)
    assert [e.message for e in errors] == [
        "'x' in agg() is not an aggregate",
        "column 'event_type' in 'x' must be grouped or aggregated",
    ]


def test_computed_column_needs_a_name() -> None:
    # deliberately not a name: the runtime error is what the test checks
    mv = MaterializedView("mv", events().select(col("quantity") + 1))  # type: ignore[arg-type]
    err = one_error(mv)
    assert err.message == "a computed column needs a name"


def test_unknown_function() -> None:
    mv = MaterializedView("mv", events().select(x=func("lowr", col("user_id"))))
    err = one_error(mv)
    assert (err.message, err.hint) == ("unknown function 'lowr'", "did you mean 'LOWER'?")


def test_json_on_non_jsonb() -> None:
    mv = MaterializedView("mv", events().select(x=col("user_id").json("a")))
    assert one_error(mv).message == ".json('a') needs a jsonb value, not varchar"


def test_json_key_cannot_be_empty() -> None:
    mv = MaterializedView("mv", events().select(x=col("payload").json("")))
    assert one_error(mv).message == ".json() takes a non-empty key name (str), not ''"


def test_jsonb_cast_to_varchar_keeps_quotes() -> None:
    mv = MaterializedView("mv", events().select(x=col("payload").cast("varchar")))
    err = one_error(mv)
    assert err.message == "casting jsonb to varchar keeps the JSON quotes"


def test_group_by_jsonb() -> None:
    mv = MaterializedView("mv", events().group_by("payload").agg(n=count()))
    assert one_error(mv).message == "cannot group by jsonb column 'payload'"


def test_raw_parse_error() -> None:
    mv = MaterializedView("mv", events().select(x=raw("amount +* 2")))  # L:raw
    err = one_error(mv)
    assert err.message.startswith("raw('amount +* 2'): ")
    assert err.location.display(ROOT) == at("L:raw")


def test_raw_checks_columns() -> None:
    mv = MaterializedView("mv", events().select(x=raw("amout * 2", "numeric")))
    err = one_error(mv)
    assert (err.message, err.hint) == (
        "column 'amout' not found in 'events'",
        "did you mean 'amount'?",
    )


def test_raw_refuses_statements_and_injection() -> None:
    for text in ("1; DROP TABLE products", "(SELECT 1)", "count(*) OVER ()"):
        mv = MaterializedView("mv", events().select(x=raw(text, "int")))
        message = one_error(mv).message
        assert message.startswith(f"raw({text!r})"), message


def test_interval_literal_checked() -> None:
    mv = MaterializedView("mv", events().select(t=col("event_time") - interval("2 minits")))
    assert "'2 minits' is not an interval" in one_error(mv).message


def test_zscore_options() -> None:
    hourly = (
        Tumble(events(), "event_time", size="1 hour")
        .group_by(hour=col("window_start"))
        .agg(n=count(), who=count())
    )
    errors = errors_of(
        MaterializedView("z1", ZScore(hourly, value="nn", order_by="hour")),
        MaterializedView(
            "z2", ZScore(hourly, value="n", order_by="hour", min_periods=1, threshold=0)
        ),
        MaterializedView("z3", ZScore(hourly, value="n", order_by="hour", z_as="who")),
    )
    assert [(e.obj, e.message) for e in errors] == [
        ("z1", "ZScore(value='nn'): column not found"),
        (
            "z2",
            "ZScore(min_periods=1) must be an integer >= 2 (a sample standard deviation needs two rows)",
        ),
        ("z2", "ZScore(threshold=0) must be a positive number"),
        ("z3", "ZScore(z_as='who') clashes with an input column"),
    ]


def test_zscore_interval_lookback_needs_time_order() -> None:
    agg = events().group_by("user_id").agg(n=count(), k=count())
    mv = MaterializedView("mv", ZScore(agg, value="n", order_by="k"))
    assert one_error(mv).message == (
        "ZScore(order_by='k') must be a time column for an interval lookback; it is bigint"
    )


def test_funnel_stage_without_step() -> None:
    mv = MaterializedView("mv", Funnel(events(), session="session_id", stages=["a", "b"]))
    errors = errors_of(mv)
    assert errors[0].message == (
        "Funnel stage 'a' has no when= condition and the funnel has no step column"
    )


def test_pipeline_name_must_be_a_folder_name() -> None:
    try:
        resolve(Pipeline("Bad Name", objects=[products()]))
    except CompileError as err:
        assert err.diagnostics[0].message.startswith("pipeline name 'Bad Name' must be lower-case")
    else:
        raise AssertionError("no error")


def test_test_data_errors() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [("products", [{"product_id": "p1", "nme": "x"}]), ("nope", [{"a": 1}])]

    prod = products()
    p = Pipeline("t", objects=[prod, View("v", prod.select("name"))], test_data=data)
    try:
        resolve(p)
    except CompileError as err:
        got = [(e.message, e.hint) for e in err.diagnostics]
    assert got == [
        ("test data of 't': 'products' has no column 'nme'", "did you mean 'name'?"),
        (
            "test data of 't': cannot insert into 'nope' (not a table or stream without connector)",
            None,
        ),
    ]


def test_test_data_value_types() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        return [("products", [{"product_id": 1, "name": "x", "price": "cheap"}])]

    try:
        resolve(Pipeline("t", objects=[products()], test_data=data))
    except CompileError as err:
        got = [e.message for e in err.diagnostics]
    assert got == [
        "test data of 't': row 0 of 'products', column 'product_id': a int is not a varchar value",
        "test data of 't': row 0 of 'products', column 'price': a str is not a numeric value",
    ]


def test_test_data_generator_failure_is_reported() -> None:
    def data() -> list[tuple[str, list[dict[str, object]]]]:
        raise RuntimeError("boom")

    try:
        resolve(Pipeline("t", objects=[products()], test_data=data))
    except CompileError as err:
        assert (
            err.diagnostics[0].message
            == "test data of 't': the generator raised RuntimeError: boom"
        )


def test_column_of_a_relation_the_query_does_not_read() -> None:
    e, p = events(), products()
    mv = MaterializedView("mv", e.select(x=p.c.price))
    err = one_error(mv)
    assert (
        err.message
        == "column 'price' of 'products' is not available here (this query reads 'events')"
    )


def test_arithmetic_on_wrong_types() -> None:
    mv = MaterializedView("mv", events().select(x=col("user_id") + 1))
    assert one_error(mv).message == "cannot apply '+' to varchar and int"


def test_join_key_types_and_how() -> None:
    a = Table("a", {"id": "int"})
    b = Table("b", {"id": "varchar"})
    errors = errors_of(MaterializedView("mv", Join(a, b, on="id", how="outer").select(a.c.id)))  # type: ignore[arg-type]
    assert [e.message for e in errors] == [
        "Join(how='outer'): use 'inner', 'left', 'right' or 'full'",
        "join key 'id' has type int on the left and varchar on the right",
    ]


def test_zscore_value_and_frame() -> None:
    hourly = (
        Tumble(events(), "event_time", size="1 hour")
        .group_by(hour=col("window_start"))
        .agg(n=count(), label=max_(col("user_id")))
    )
    errors = errors_of(
        MaterializedView("z1", ZScore(hourly, value="label", order_by="hour")),
        MaterializedView(
            "z2",
            ZScore(hourly, value="n", order_by="hour", lookback="1 day", exclude_recent="2 days"),
        ),
    )
    assert [(e.obj, e.message) for e in errors] == [
        ("z1", "ZScore(value='label') must be numeric; it is varchar"),
        ("z2", "ZScore: exclude_recent '2 days' must be shorter than lookback '1 day'"),
    ]


def test_funnel_stage_count_and_duplicates() -> None:
    e = events()
    errors = errors_of(
        MaterializedView("f1", Funnel(e, session="session_id", step="event_type", stages=["a"])),
        MaterializedView(
            "f2", Funnel(e, session="session_id", step="event_type", stages=["a", "a"])
        ),
    )
    assert [(x.obj, x.message) for x in errors][:2] == [
        ("f1", "Funnel needs at least two stages"),
        ("f2", "Funnel: duplicate stage 'a'"),
    ]


def test_raw_aggregate_and_unknown_qualifier() -> None:
    e = events()
    errors = errors_of(
        MaterializedView("r1", e.group_by("user_id").agg(n=raw("count(*)", "bigint"))),
        MaterializedView("r2", e.select(x=raw("p.amount", "numeric"))),
    )
    assert [(x.obj, x.message) for x in errors] == [
        ("r1", "raw('count(*)'): use the aggregate builders, not raw SQL aggregates"),
        ("r2", "raw('p.amount'): unknown qualifier 'p' (this query reads 'events')"),
    ]


def test_kafka_options() -> None:
    from ecomdsl import Kafka

    s = Stream(
        "s",
        {"ts": "timestamp"},
        event_time="ts",
        connector=Kafka(topic="t", bootstrap_servers="b:1", options={"Bad Key": "x", "topic": "u"}),
    )
    assert [e.message for e in errors_of(s)] == [
        "Kafka option name 'Bad Key' must be dotted lower-case words (e.g. scan.startup.mode)",
        "Kafka option 'topic' is given twice",
    ]


def test_window_frame_and_union_type_errors() -> None:
    from ecomdsl import row_number, union_all

    e = events()
    both = sum_(col("amount")).over(
        partition_by="user_id", order_by="event_time", rows=(1, None), range=("1 hour", None)
    )
    by_id = sum_(col("amount")).over(
        partition_by="user_id", order_by="event_id", range=("1 hour", None)
    )
    a = e.select("user_id", x=col("quantity"))
    b = e.select("user_id", x=col("event_type"))
    errors = errors_of(
        MaterializedView("w1", e.select(s=both)),
        MaterializedView("w2", e.select(s=by_id)),
        MaterializedView("u", union_all(a, b).select("user_id")),
        MaterializedView(
            "r", e.select(rn=row_number().over(partition_by="user_id", order_by="event_time"))
        ),
    )
    assert [(x.obj, x.message) for x in errors] == [  # in dependency order, then by name
        ("u", "union column 'x' is int in one input and varchar in another"),
        ("w1", "over() takes rows= or range=, not both"),
        ("w2", "over(range=...) with intervals needs order_by a time column"),
    ]
