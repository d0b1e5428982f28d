"""Type errors in expressions: operators, aggregates, functions, JSON, intervals and raw
SQL fragments (`ecomdsl.model.typecheck`). Each test asserts the whole message."""

from __future__ import annotations

from ecomdsl import MaterializedView, col, count, func, interval, raw, sum_
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.errors import Diagnostic
from ecomdsl.lint.engine import lint
from tests.helpers import ROOT, build, errors_of, events, one_error, where


def at(marker: str) -> str:
    return where(marker, __file__)


def test_sum_over_varchar() -> None:
    agg = events().group_by("user_id").agg(s=sum_(col("event_type")))  # L:sum
    mv = MaterializedView("mv", agg)
    err = one_error(mv)
    assert err.message == "sum() needs a numeric or interval argument; 'event_type' is varchar"
    assert err.location.display(ROOT) == at("L:sum")


def test_integer_division_is_refused() -> None:
    mv = MaterializedView("mv", events().select(r=col("quantity") / 2))
    err = one_error(mv)
    assert err.message == "'/' on two integers (int / int) truncates the result"
    assert err.hint is not None and "//" in err.hint


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


def test_arithmetic_on_wrong_types() -> None:
    mv = MaterializedView("mv", events().select(x=col("user_id") + 1))
    assert one_error(mv).message == "cannot apply '+' to varchar and int"


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


def test_raw_casts_follow_the_type_rules_of_builders() -> None:
    e = events()
    bad = MaterializedView("mv", e.select(x=raw("CAST(amount AS json)"), y=raw("amount::int[]")))
    err = one_error(bad)  # int[] is not a type ecomdsl models, but RisingWave has it
    assert (err.code, err.message, err.hint) == (
        "RW007",
        "raw('CAST(amount AS json)'): 'json' is not a RisingWave type",
        "RisingWave has no JSON type; use 'jsonb'",
    )
    err = one_error(MaterializedView("mv", e.select(x=raw("user_id::varchar(10)"))))
    assert (
        err.message
        == "raw('user_id::varchar(10)'): RisingWave rejects type parameters in 'varchar(10)'"
    )


def test_raw_now_outside_a_filter_is_rw003_like_now() -> None:
    e = events()
    in_output = MaterializedView("a", e.select("user_id", x=raw("now()")))  # L:rawnow
    [err] = lint_errors(in_output)
    assert (err.code, err.obj) == ("RW003", "a")
    assert err.message.startswith("NOW() is allowed only in WHERE, HAVING, ON and FROM")
    assert err.location.display(ROOT) == at("L:rawnow")
    # in a WHERE it may be a temporal filter: RisingWave judges its shape, no RW003 here
    assert (
        lint_errors(MaterializedView("b", e.where(raw("event_time > now() - interval '1 hour'"))))
        == []
    )
    [proc] = lint_errors(MaterializedView("c", e.where(raw("event_time > proctime()"))))
    assert proc.code == "RW004"


def lint_errors(*objects: PipelineObject) -> list[Diagnostic]:
    return [i.diagnostic() for i in lint(build(*objects)).errors]


def test_date_trunc_units_are_risingwave_s() -> None:
    e = events()
    err = one_error(
        MaterializedView("mv", e.select(x=func("date_trunc", "fortnight", col("event_time"))))
    )
    assert err.message == "date_trunc(): 'fortnight' is not a unit RisingWave knows"
    assert err.hint is not None and err.hint.startswith("one of microseconds, milliseconds, second")
    near = one_error(
        MaterializedView("mv", e.select(x=func("date_trunc", "hours", col("event_time"))))
    )
    assert near.hint == "did you mean 'hour'?"
    build(MaterializedView("ok", e.select(x=func("date_trunc", "Quarter", col("event_time")))))
