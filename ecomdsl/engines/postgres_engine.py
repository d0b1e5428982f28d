"""PostgreSQL over psycopg: each run lives in a fresh schema that is dropped afterwards."""

from __future__ import annotations

import secrets
from typing import Any

import psycopg
from psycopg import sql as pgsql

from ecomdsl.targets import Target


class PostgresEngine:
    target: Target = "postgres"

    def __init__(self, dsn: str, schema: str | None = None) -> None:
        self.connection = psycopg.connect(dsn, autocommit=True)
        self.schema = schema or f"ecomdsl_{secrets.token_hex(6)}"
        self.connection.execute(pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(self.schema)))
        self.connection.execute(
            pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(self.schema))
        )

    def execute(self, sql: str) -> None:
        self.connection.execute(sql.encode())

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql.encode())
            columns = [d.name for d in cursor.description or []]
            return columns, [tuple(r) for r in cursor.fetchall()]

    def close(self) -> None:
        if self.connection.closed:
            return
        try:
            self.connection.execute(
                pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(self.schema))
            )
        finally:
            self.connection.close()

    def __enter__(self) -> PostgresEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
