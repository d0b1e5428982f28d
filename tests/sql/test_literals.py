"""Values a plain SQL literal cannot spell: NaN and the infinities, bytes, timedeltas; and
those no SQL can hold (NaN in JSON). Each is written as RisingWave reads it, reads back with
sqlglot, means the same value on PostgreSQL and DuckDB after lowering, or is refused with a
message naming the object."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import psycopg
import pytest
import sqlglot
from psycopg.rows import TupleRow
from sqlglot import exp

from ecomdsl import MaterializedView, Pipeline, Table, col, lit
from ecomdsl.dialect import DIALECT
from ecomdsl.engines.duckdb_engine import DuckDBEngine
from ecomdsl.errors import CompileError
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render
from ecomdsl.sql.atoms import literal
from ecomdsl.sql.emit import Emitter
from ecomdsl.sql.lower import LoweringError, lower_insert, lower_query
from ecomdsl.sql.writable import Unwritable
from ecomdsl.types import SqlType
from tests.helpers import ROOT, build

WRITTEN = [
    (Decimal("NaN"), None, "CAST('NaN' AS DECIMAL)"),
    (Decimal("sNaN"), None, "CAST('NaN' AS DECIMAL)"),
    (Decimal("Infinity"), None, "CAST('Infinity' AS DECIMAL)"),
    (Decimal("-Infinity"), None, "CAST('-Infinity' AS DECIMAL)"),
    (float("nan"), None, "CAST('NaN' AS DOUBLE PRECISION)"),
    (float("-inf"), SqlType.REAL, "CAST('-Infinity' AS REAL)"),
    (Decimal("NaN"), SqlType.DOUBLE, "CAST('NaN' AS DOUBLE PRECISION)"),
    (float("inf"), SqlType.NUMERIC, "CAST('Infinity' AS DECIMAL)"),
    (b"\x00\xffA", None, "CAST('\\x00ff41' AS BYTEA)"),
    (b"", None, "CAST('\\x' AS BYTEA)"),
    (dt.timedelta(hours=1), None, "CAST('01:00:00' AS INTERVAL)"),
    (dt.timedelta(hours=-1), None, "CAST('-01:00:00' AS INTERVAL)"),
    (dt.timedelta(days=2), None, "CAST('2 days' AS INTERVAL)"),
    (dt.timedelta(days=-3, hours=-1), None, "CAST('-3 days -01:00:00' AS INTERVAL)"),
    (dt.timedelta(days=1, microseconds=5), None, "CAST('1 days 00:00:00.000005' AS INTERVAL)"),
    (dt.timedelta(0), None, "CAST('00:00:00' AS INTERVAL)"),
]


@pytest.mark.parametrize(("value", "type_", "text"), WRITTEN, ids=repr)
def test_written_as_risingwave_reads_it(value: Any, type_: SqlType | None, text: str) -> None:
    tree = literal(value, type_)
    assert tree.sql(dialect=DIALECT) == text
    assert sqlglot.parse_one(text, read=DIALECT) == tree


@pytest.mark.parametrize(
    ("value", "type_", "message"),
    [
        ({"x": Decimal("NaN")}, SqlType.JSONB, "cannot write {'x': Decimal('NaN')} as jsonb"),
        ([float("inf")], None, "cannot write [inf] as jsonb"),
        (float("nan"), SqlType.JSONB, "cannot write nan as jsonb"),
        (Decimal("NaN"), SqlType.INT, "Decimal('NaN') is not a int value"),
        (object, None, "cannot write a type (<class 'object'>) as a SQL literal"),
    ],
    ids=repr,
)
def test_refused_with_the_reason(value: Any, type_: SqlType | None, message: str) -> None:
    with pytest.raises(Unwritable) as info:
        literal(value, type_)
    assert str(info.value).startswith(message)


def test_json_without_nan_is_written_as_before() -> None:
    tree = literal({"b": Decimal("1.50"), "a": [1, Decimal("2")]}, SqlType.JSONB)
    assert tree.sql(dialect=DIALECT) == """'{"a": [1, 2.0], "b": 1.5}'"""


# ---- in a pipeline ------------------------------------------------------------------------


def _numbers() -> Table:
    return Table("n", {"id": "varchar", "amount": "numeric", "x": "double", "b": "bytea"})


def test_decimal_nan_in_a_query_and_in_test_data() -> None:
    n = _numbers()
    mv = MaterializedView(
        "mv", n.where(col("amount") > Decimal("NaN")).select("id", inf=lit(Decimal("-Infinity")))
    )
    rows = [{"id": "a", "amount": Decimal("NaN"), "x": Decimal("Infinity"), "b": b"\x01"}]
    files = render(resolve(Pipeline("p", objects=[n, mv], test_data=lambda: [("n", rows)])), ROOT)
    view = files["create_views.sql"]
    assert "amount > CAST('NaN' AS DECIMAL)" in view
    assert "CAST('-Infinity' AS DECIMAL) AS inf" in view
    values = "('a', CAST('NaN' AS DECIMAL), CAST('Infinity' AS DOUBLE PRECISION), CAST('\\x01' AS BYTEA))"
    assert values in files["insert_test_data.sql"]
    for text in files.values():
        assert all(t is not None for t in sqlglot.parse(text, read=DIALECT))


def test_nan_in_jsonb_test_data_is_an_error_at_the_pipeline() -> None:
    t = Table("t", {"a": "jsonb"})
    rows = [{"a": {"x": Decimal("NaN")}}]
    p = resolve(Pipeline("p", objects=[t], test_data=lambda: [("t", rows)]))
    with pytest.raises(CompileError) as info:
        render(p, ROOT)
    (problem,) = info.value.diagnostics
    assert problem.format(ROOT) == (
        f"{p.location.display(ROOT)}: error: test data of 'p': 't': "
        "cannot write {'x': Decimal('NaN')} as jsonb: JSON has no NaN or Infinity"
    )


# ---- lowered: the same values on PostgreSQL and DuckDB -------------------------------------

VALUES = [
    (Decimal("NaN"), SqlType.NUMERIC),
    (Decimal("-Infinity"), SqlType.NUMERIC),
    (float("inf"), SqlType.DOUBLE),
    (float("nan"), SqlType.DOUBLE),
    (b"\x00\xff'\\", SqlType.BYTEA),
    (dt.timedelta(days=-3, hours=-1, microseconds=7), SqlType.INTERVAL),
    (dt.timedelta(hours=25), SqlType.INTERVAL),
]


def _same(got: Any, value: Any) -> bool:
    if isinstance(value, float | Decimal) and math.isnan(value):
        return math.isnan(got)
    return bool(got == value)


@pytest.mark.postgres
@pytest.mark.parametrize(("value", "type_"), VALUES, ids=repr)
def test_postgres_reads_the_same_value(
    value: Any, type_: SqlType, pg_conn: psycopg.Connection[TupleRow]
) -> None:
    query = lower_query(exp.select(literal(value, type_)), "postgres", now=None)
    row = pg_conn.execute(query.sql(dialect="postgres")).fetchone()
    assert row is not None and _same(row[0], value)


@pytest.mark.parametrize(("value", "type_"), VALUES, ids=repr)
def test_duckdb_reads_the_same_value(value: Any, type_: SqlType) -> None:
    query = lower_query(exp.select(literal(value, type_)), "duckdb", now=None)
    with DuckDBEngine() as engine:
        _, rows = engine.fetch(query.sql(dialect="duckdb"))
    got = rows[0][0]
    assert _same(Decimal(got) if type_ is SqlType.NUMERIC else got, value)


def test_duckdb_compares_with_decimal_nan_as_risingwave_does() -> None:
    # NaN is larger than every number (RisingWave's Decimal orders NaN last, as PostgreSQL)
    n = _numbers()
    mv = MaterializedView("mv", n.where(col("amount") < Decimal("NaN")).select("id"))
    create = Emitter().create(build(n, mv).get("mv"))
    query = lower_query(create.expression, "duckdb", now=None)
    with DuckDBEngine() as engine:
        engine.execute("CREATE TABLE n (id VARCHAR, amount DECIMAL(38, 10), x DOUBLE, b BLOB)")
        engine.execute("INSERT INTO n VALUES ('a', 1e27, 0, NULL), ('b', -1, 0, NULL)")
        _, rows = engine.fetch(query.sql(dialect="duckdb"))
    assert sorted(rows) == [("a",), ("b",)]


def test_decimal_nan_test_data_cannot_be_loaded_into_duckdb() -> None:
    n = _numbers()
    rows = [{"id": "a", "amount": Decimal("1")}, {"id": "b", "amount": Decimal("-Infinity")}]
    p = resolve(Pipeline("p", objects=[n], test_data=lambda: [("n", rows)]))
    insert = Emitter().insert(p.test_data[0])
    assert lower_insert(insert, "postgres") == insert
    with pytest.raises(LoweringError) as info:
        lower_insert(insert, "duckdb")
    assert str(info.value) == (
        "n: row 1, column 'amount': -Infinity does not fit DECIMAL on duckdb, which has no NaN "
        "or Infinity (RisingWave's numeric has them): make the column double precision to run "
        "this test data there"
    )
