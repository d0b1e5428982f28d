"""Type errors in expressions: operators, aggregates, functions, JSON, intervals and raw
SQL fragments (`ecomdsl.model.typecheck`). Each test asserts the whole message."""

from __future__ import annotations

from ecomdsl import MaterializedView, col, count, func, interval, raw, sum_
from tests.helpers import ROOT, errors_of, events, one_error, where


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
