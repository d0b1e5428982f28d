"""A connection in a fresh schema that is dropped afterwards (the pg_conn fixture's core)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import TupleRow


@contextlib.contextmanager
def schema_connection(dsn: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """An autocommit connection whose search_path is a fresh schema, dropped on exit (also
    when the caller closed or broke the connection, or left a transaction open)."""
    schema = sql.Identifier(f"t_{secrets.token_hex(8)}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        try:
            conn.execute(sql.SQL("SET search_path TO {}").format(schema))
            yield conn
        finally:
            drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema)
            if conn.closed or conn.broken:
                # the caller closed or broke its connection: clean up through a new one
                with psycopg.connect(dsn, autocommit=True) as cleanup:
                    cleanup.execute(drop)
            else:
                if conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.rollback()  # a transaction was left open (or failed) in it
                conn.autocommit = True
                conn.execute(drop)
