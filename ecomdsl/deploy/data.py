"""``apply --with-test-data``: load the pipeline's test data after a deploy.

The rows are the ones RisingWave keeps (the late-event rule and upserts, exactly as
``ecomdsl run`` applies them: `ecomdsl.engines.data.kept_rows`). Only empty tables are
loaded, so running it twice never duplicates rows. On RisingWave every INSERT is followed by
FLUSH (the watermark advances between statements) and the materialized views update
themselves; on PostgreSQL the materialized views are refreshed afterwards, in dependency
order, since they are snapshots.
"""

from __future__ import annotations

import contextlib
from typing import Any

import attrs
import psycopg
from psycopg import sql as pgsql
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter, Postgres, table
from ecomdsl.deploy.apply import Session
from ecomdsl.deploy.desired import Desired
from ecomdsl.deploy.errors import StepFailed
from ecomdsl.engines.data import kept_rows
from ecomdsl.model import ir
from ecomdsl.sql.emit import Emitter


@attrs.frozen
class Loaded:
    rows: dict[str, int]  # table -> rows inserted
    skipped: tuple[str, ...]  # tables that already held rows
    dropped: dict[str, int]  # table -> late rows left out
    refreshed: tuple[str, ...]  # PostgreSQL materialized views refreshed


def load_after_apply(session: Session, pipeline: ir.ResolvedPipeline) -> Loaded:
    """``apply --with-test-data``: the pipeline's test data, into what was just deployed."""
    return load_test_data(session.conn, session.adapter, session.desired(pipeline))


def load_test_data(conn: psycopg.Connection[Any], adapter: Adapter, want: Desired) -> Loaded:
    p = want.pipeline
    tables = {d.name: d for d in p.objects if isinstance(d, ir.TableDef)}
    kept = kept_rows(list(p.test_data), tables)
    text = adapter.text
    nonempty = {name for name in tables if _has_rows(conn, name)}
    rows: dict[str, int] = {}
    # PostgreSQL: all or nothing, so an interrupted load leaves the tables empty and a re-run
    # loads them (RisingWave has no transactions: an interrupted load is reported by the
    # rows it left, and the tables must be emptied by hand)
    with conn.transaction() if isinstance(adapter, Postgres) else contextlib.nullcontext():
        _insert(conn, adapter, kept.inserts, nonempty, rows)
    refreshed: list[str] = []
    if isinstance(adapter, Postgres):
        for o in want.objects:
            if o.materialized:
                refresh = exp.Refresh(this=table(o.physical), kind="MATERIALIZED VIEW")
                _run(conn, o.name, text(refresh))
                refreshed.append(o.name)
    return Loaded(rows, tuple(sorted(nonempty)), dict(kept.dropped), tuple(refreshed))


def _insert(
    conn: psycopg.Connection[Any],
    adapter: Adapter,
    inserts: tuple[ir.Insert, ...],
    nonempty: set[str],
    rows: dict[str, int],
) -> None:
    emitter = Emitter()
    for insert in inserts:
        if insert.table in nonempty:
            continue
        statements: list[exp.Expr] = [emitter.insert(insert)]
        if not isinstance(adapter, Postgres):
            statements.append(emitter.flush())
        for tree in statements:
            _run(conn, insert.table, adapter.text(tree))
        rows[insert.table] = rows.get(insert.table, 0) + len(insert.rows)


def _has_rows(conn: psycopg.Connection[Any], name: str) -> bool:
    try:
        row = conn.execute(
            pgsql.SQL("SELECT 1 FROM {} LIMIT 1").format(pgsql.Identifier(name))
        ).fetchone()
    except psycopg.Error:
        return False
    return row is not None


def _run(conn: psycopg.Connection[Any], obj: str, statement: str) -> None:
    try:
        conn.execute(statement.encode())
    except psycopg.Error as err:
        raise StepFailed(f"{obj}: loading test data failed: {str(err).strip()}") from None
