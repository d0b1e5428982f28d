"""The seed pipeline on a real RisingWave (set ECOMDSL_RISINGWAVE_DSN, e.g.
``host=localhost port=4566 user=root dbname=dev``).

The real generated SQL is applied (not the lowered SQL), the test data is inserted statement
by statement with FLUSH between, and every materialized view is compared with the
independent reference once it settles. No RisingWave runs on our own machines, so without
the variable these tests skip.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlglot

from ecomdsl import MaterializedView, Pipeline, Tumble, count
from ecomdsl.engines.duckdb_engine import DuckDBEngine
from ecomdsl.engines.runner import run
from ecomdsl.model.resolve import resolve
from ecomdsl.render import sql_text
from ecomdsl.sql.emit import Emitter
from ecomdsl.testing.rows import diff_rows
from pipelines import ecommerce
from pipelines.ecommerce_data import generate
from tests.helpers import ROOT
from tests.reference.views import ALL_VIEWS

DSN = os.environ.get("ECOMDSL_RISINGWAVE_DSN")
pytestmark = [
    pytest.mark.risingwave,
    pytest.mark.skipif(
        not DSN, reason="ECOMDSL_RISINGWAVE_DSN is not set (no RisingWave to test against)"
    ),
]
GENERATED = ROOT / "generated" / "ecommerce"
SETTLE_TIMEOUT = float(os.environ.get("ECOMDSL_RISINGWAVE_TIMEOUT", "120"))


def statements(path: Path) -> list[str]:
    return [sql_text(t) for t in sqlglot.parse(path.read_text(), read="ecomdsl") if t is not None]


def _connect_in_fresh_schema() -> Iterator[object]:
    import psycopg
    from psycopg import sql

    assert DSN is not None
    schema = sql.Identifier(f"ecomdsl_{secrets.token_hex(4)}")
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        conn.execute(sql.SQL("SET search_path TO {}").format(schema))
        try:
            yield conn
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(schema))


@pytest.fixture(scope="module")
def rw() -> Iterator[object]:
    yield from _connect_in_fresh_schema()


@pytest.fixture
def fresh_rw() -> Iterator[object]:
    yield from _connect_in_fresh_schema()


def settled(conn: object, view: str, want_rows: int) -> list[dict[str, object]]:
    """Poll the view until it holds the expected number of rows twice in a row, or time out."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    last: list[dict[str, object]] | None = None
    query = sql_text(sqlglot.exp.select("*").from_(sqlglot.exp.to_identifier(view, quoted=True)))
    while True:
        with conn.cursor() as cur:  # type: ignore[attr-defined]
            cur.execute(query.encode())
            names = [d.name for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if last is not None and len(rows) == want_rows and rows == last:
            return rows
        if time.monotonic() > deadline:
            return rows
        last = rows
        time.sleep(1.0)


@pytest.fixture(scope="module")
def loaded(rw: object) -> object:
    """The real generated files, statement by statement (INSERTs are followed by FLUSH)."""
    for name in ("create_tables.sql", "create_views.sql", "insert_test_data.sql"):
        for statement in statements(GENERATED / name):
            rw.execute(statement.encode())  # type: ignore[attr-defined]
    return rw


@pytest.mark.parametrize("view", sorted(ALL_VIEWS))
def test_view_matches_reference(loaded: object, view: str) -> None:
    expected = ALL_VIEWS[view](generate())
    actual = settled(loaded, view, len(expected))
    assert diff_rows(actual, expected) == []


def test_watermark_reaches_views_through_the_plain_view(fresh_rw: object) -> None:
    """EMIT ON WINDOW CLOSE needs a watermark in its input: RisingWave rejects the view when
    none reaches it. Created over user_events_watermarked, it must be accepted, and once the
    data is in it must hold exactly the windows the final watermark closed (as the DuckDB
    lowering models them)."""
    probe = MaterializedView(
        "watermark_probe",
        Tumble(ecommerce.events, "event_time", size="1 hour")
        .group_by("window_start", "window_end")
        .agg(n=count()),
        emit_on_window_close=True,
    )
    p = resolve(
        Pipeline(
            "probe", objects=[ecommerce.user_events, ecommerce.events, probe], test_data=generate
        )
    )
    emitter = Emitter()
    for d in p.objects:
        fresh_rw.execute(sql_text(emitter.create(d)).encode())  # type: ignore[attr-defined]
    for insert in p.test_data:
        fresh_rw.execute(sql_text(emitter.insert(insert)).encode())  # type: ignore[attr-defined]
        fresh_rw.execute(b"FLUSH")  # type: ignore[attr-defined]
    with DuckDBEngine() as duck:
        expected = run(p, duck, views=["watermark_probe"]).views["watermark_probe"].dicts()
    assert expected, "the final watermark closed no window: the probe would prove nothing"
    actual = settled(fresh_rw, "watermark_probe", len(expected))
    assert diff_rows(actual, expected) == []
