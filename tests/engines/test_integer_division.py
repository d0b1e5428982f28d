"""Integer division (``//``) computes RisingWave's numbers on both engines, also when nested.

RisingWave divides two integers by truncating toward zero (as PostgreSQL does); the lowering
must keep every nested ``//`` an integer division (a float division inside one gave wrong
numbers once: ``(a // b) // 2`` was lowered to ``(a / b) // 2`` on DuckDB).
"""

from __future__ import annotations

import pytest

from ecomdsl import MaterializedView, Pipeline, Table, col
from ecomdsl.targets import Target
from ecomdsl.testing import check_view

pytestmark = pytest.mark.postgres


def _pipeline() -> Pipeline:
    t = Table("t", {"id": "int", "a": "int", "b": "int"}, primary_key="id")
    q = t.select(
        "id",
        inner=col("a") // col("b"),
        outer=(col("a") // col("b")) // 2,
        right=col("a") // (col("b") // 2),
        rest=col("a") % col("b"),
    )
    return Pipeline("p", objects=[t, MaterializedView("q", q)])


def _truncated(a: int, b: int) -> int:
    """Integer division toward zero, RisingWave's rule for two integers."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_nested_integer_division_truncates_toward_zero(engine: Target, pg_dsn: str) -> None:
    rows = [(1, 7, 2), (2, -7, 2), (3, 9, -4), (4, 100, 7), (5, -15, 4)]
    given = {"t": [{"id": i, "a": a, "b": b} for i, a, b in rows]}
    expect = [
        {
            "id": i,
            "inner": _truncated(a, b),
            "outer": _truncated(_truncated(a, b), 2),
            "right": _truncated(a, _truncated(b, 2)),
            "rest": a - b * _truncated(a, b),
        }
        for i, a, b in rows
    ]
    dsn = pg_dsn if engine == "postgres" else None
    check_view(_pipeline(), "q", given, expect, engine=engine, dsn=dsn)
