"""Python values in queries and test data (`ecomdsl.model.values`, `testdata`): typed the
way RisingWave reads them, or refused at compile time with the reason, never passed on to
an emitter that cannot write them or a database that would refuse them."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable

import pytest

from ecomdsl import MaterializedView, Pipeline, Table, ZScore, col, lit
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.model.values import cell_problem, literal_problem
from ecomdsl.types import SqlType
from tests.helpers import build, events, one_error

NaN = decimal.Decimal("NaN")
NUL = "contains a NUL byte (\\x00) at position 1; RisingWave and PostgreSQL text cannot hold it"


def literal_of(value: object) -> ir.IExpr:
    view = build(MaterializedView("mv", events().select(x=lit(value)))).get("mv")  # type: ignore[arg-type]
    assert isinstance(view, ir.ViewDef)
    return view.query.body.select[0][1]


def test_numbers_are_typed_as_risingwave_reads_them() -> None:
    assert literal_of(2**31 - 1).type is SqlType.INT
    assert literal_of(2**31).type is SqlType.BIGINT
    assert literal_of(2**63).type is SqlType.NUMERIC
    nan_numeric = literal_of(NaN)  # NaN != NaN: compare the parts
    assert isinstance(nan_numeric, ir.ILiteral) and nan_numeric.value.is_nan()
    assert nan_numeric.type is SqlType.NUMERIC
    assert literal_of(decimal.Decimal("-Infinity")).type is SqlType.NUMERIC
    nan = literal_of(float("nan"))
    assert isinstance(nan, ir.ILiteral) and nan.type is SqlType.DOUBLE


def test_numbers_past_numeric_are_refused() -> None:
    err = one_error(MaterializedView("mv", events().where(col("amount") > 10**30)))
    assert err.message == (
        "literal 1000000000000000000000000000000 is past the range of numeric "
        "(at most 2**96 - 1 in magnitude)"
    )
    problem = literal_problem(decimal.Decimal("1E+400"))
    assert problem is not None and problem.message.startswith("literal 1E+400 is past")
    assert literal_problem(decimal.Decimal("1E+20")) is None


def test_a_signaling_nan_is_a_nan() -> None:
    assert literal_problem(decimal.Decimal("sNaN")) is None
    assert cell_problem(decimal.Decimal("-sNaN"), SqlType.NUMERIC) is None


def test_zscore_threshold_must_be_finite() -> None:
    e = events()
    for threshold in (float("nan"), float("inf")):
        z = ZScore(e, value="amount", order_by="event_time", threshold=threshold)
        err = one_error(MaterializedView("mv", z))
        assert err.message == f"ZScore(threshold={threshold!r}) must be a finite positive number"
        assert err.hint == "a z-score threshold is a number of standard deviations, e.g. 3"


@pytest.mark.parametrize(
    ("value", "type_", "problem"),
    [
        (
            2**15,
            SqlType.SMALLINT,
            "32768 is past the range of smallint (16-bit: -2**15 .. 2**15 - 1)",
        ),
        (-(2**15), SqlType.SMALLINT, None),
        (
            10**40,
            SqlType.SMALLINT,
            f"{10**40} is past the range of smallint (16-bit: -2**15 .. 2**15 - 1)",
        ),
        (
            2**63,
            SqlType.BIGINT,
            f"{2**63} is past the range of bigint (64-bit: -2**63 .. 2**63 - 1)",
        ),
        (1.5, SqlType.INT, "a float is not a int value"),
        (True, SqlType.INT, "a bool is not a int value"),
        (
            10**30,
            SqlType.NUMERIC,
            f"{10**30} is past the range of numeric (at most 2**96 - 1 in magnitude)",
        ),
        (1e300, SqlType.NUMERIC, "1e+300 is past the range of numeric"),
        (NaN, SqlType.NUMERIC, None),
        (float("-inf"), SqlType.NUMERIC, None),
        (decimal.Decimal("sNaN"), SqlType.DOUBLE, None),
        (1e39, SqlType.REAL, "1e+39 is past the range of real"),
        (10**400, SqlType.DOUBLE, f"{10**400} is past the range of double precision"),
        (float("nan"), SqlType.DOUBLE, None),
        (
            "a\x00b",
            SqlType.VARCHAR,
            "the text " + NUL,
        ),
        (dt.time(12), SqlType.TIMESTAMP, "a time is not a timestamp value"),
        (dt.date(2024, 1, 1), SqlType.TIMESTAMP, None),
        (
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            SqlType.TIMESTAMP,
            "a timestamp (without time zone) needs a naive datetime",
        ),
        (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), SqlType.TIMESTAMPTZ, None),
        (dt.time(12), SqlType.TIME, None),
        (dt.date(2024, 1, 1), SqlType.TIME, "a date is not a time value"),
        (b"\x00\xff", SqlType.BYTEA, None),
        ("\\x00ff", SqlType.BYTEA, "a str is not a bytea value"),
        (dt.timedelta(hours=1), SqlType.INTERVAL, None),
        ("1 hour", SqlType.INTERVAL, "a str is not a interval value"),
        (
            {"x": NaN},
            SqlType.JSONB,
            "Decimal('NaN') is not a JSON number (JSON has no NaN or infinity)",
        ),
        (
            {"x": [1.5, float("inf")]},
            SqlType.JSONB,
            "inf is not a JSON number (JSON has no NaN or infinity)",
        ),
        ({1: "a", "b": 2}, SqlType.JSONB, "a JSON object key is text, not int (1)"),
        (
            {"k\x00": 1},
            SqlType.JSONB,
            "the JSON text " + NUL,
        ),
        ({"x": {"y": [True, None, decimal.Decimal("1.5")]}}, SqlType.JSONB, None),
        ({"x": {1, 2}}, SqlType.JSONB, "a set is not JSON"),
    ],
)
def test_cells(value: object, type_: SqlType, problem: str | None) -> None:
    assert cell_problem(value, type_) == problem


def test_deep_json_is_refused_without_recursion() -> None:
    value: object = 1
    for _ in range(100_000):
        value = [value]
    assert cell_problem(value, SqlType.JSONB) == "JSON nested more than 500 levels deep"


def data_errors(data: Callable[[], object]) -> list[Diagnostic]:
    t = Table("t", {"a": "smallint", "b": "varchar"})
    with pytest.raises(CompileError) as info:
        resolve(Pipeline("p", objects=[t], test_data=data))  # type: ignore[arg-type]
    return list(info.value.diagnostics)


def test_rows_must_be_dicts() -> None:
    [err] = data_errors(lambda: [("t", [{"a": 1}, (1, "x")])])
    assert err.message == (
        "test data of 'p': row 1 of 't' is a tuple; each row is a dict of column name -> value"
    )
    assert err.hint == 'e.g. {"a": ...}'


def test_the_generator_returns_table_and_rows_pairs() -> None:
    for returned, kind in (("t", "a str 't'"), ([("t",)], "a tuple"), ([("t", "ab")], "a tuple")):
        [err] = data_errors(lambda returned=returned: returned)  # type: ignore[misc]
        assert err.message == (
            f"test data of 'p': the generator must return (table name, rows) pairs, not {kind}"
        )
        assert err.hint == 'e.g. return [("orders", [{"order_id": "o1", "amount": 5}])]'


def test_rows_generated_lazily_are_read() -> None:
    def data() -> object:
        yield ("t", ({"a": i} for i in range(3)))

    t = Table("t", {"a": "smallint"})
    p = resolve(Pipeline("p", objects=[t], test_data=data))  # type: ignore[arg-type]
    assert p.test_data[0].rows == ((0,), (1,), (2,))
