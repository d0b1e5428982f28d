"""The deploy journal: insert-only tables in a schema of their own, the same on both engines.

Three tables (never updated, never deleted from, so RisingWave's overwrite-on-key INSERT and
its lack of transactions cannot corrupt them):

- ``deploys``: one row per event of a deploy (started, finished, failed) with who, when, the
  ecomdsl version, the git commit and the plan's hash;
- ``steps``: one row when a step starts and one when it is done or failed, with its SQL;
- ``objects``: one row each time an object of ours changes state (building, built, live,
  dropped), with its pipeline name, physical name, fingerprint and table generation.

The journal says which objects are ecomdsl's and gives order and audit; whether a step is
done is always read from the live catalog. Rows are ordered by ``seq``: a microsecond clock,
and always past the newest row already there (applies are serialised by the lock).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import attrs
import psycopg
from psycopg import sql as pgsql
from sqlglot import exp

from ecomdsl.deploy.adapters import Adapter
from ecomdsl.dialect import identifier

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "deploys": (
        ("deploy_id", "VARCHAR"),
        ("seq", "BIGINT"),
        ("at", "TIMESTAMPTZ"),
        ("target_schema", "VARCHAR"),
        ("pipeline", "VARCHAR"),
        ("event", "VARCHAR"),
        ("actor", "VARCHAR"),
        ("tool_version", "VARCHAR"),
        ("git_sha", "VARCHAR"),
        ("plan_hash", "VARCHAR"),
        ("detail", "VARCHAR"),
    ),
    "steps": (
        ("deploy_id", "VARCHAR"),
        ("seq", "BIGINT"),
        ("at", "TIMESTAMPTZ"),
        ("step", "BIGINT"),
        ("object", "VARCHAR"),
        ("action", "VARCHAR"),
        ("event", "VARCHAR"),
        ("sql_text", "VARCHAR"),
        ("error", "VARCHAR"),
    ),
    "objects": (
        ("deploy_id", "VARCHAR"),
        ("seq", "BIGINT"),
        ("at", "TIMESTAMPTZ"),
        ("target_schema", "VARCHAR"),
        ("pipeline", "VARCHAR"),
        ("logical_name", "VARCHAR"),
        ("physical_name", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("fingerprint", "VARCHAR"),
        ("generation", "BIGINT"),
        ("state", "VARCHAR"),
        ("detail", "VARCHAR"),
    ),
}

# object states
BUILDING, BUILT, LIVE, DROPPED = "building", "built", "live", "dropped"
FACADE = "facade"


def bootstrap_statements(state_schema: str) -> list[exp.Expr]:
    """``CREATE SCHEMA/TABLE IF NOT EXISTS`` for the journal (idempotent)."""
    trees: list[exp.Expr] = [
        exp.Create(this=exp.Table(this=identifier(state_schema)), kind="SCHEMA", exists=True)
    ]
    for name, columns in COLUMNS.items():
        trees.append(
            exp.Create(
                this=exp.Schema(
                    this=exp.Table(this=identifier(name), db=identifier(state_schema)),
                    expressions=[
                        exp.ColumnDef(this=identifier(c), kind=exp.DataType.build(t))
                        for c, t in columns
                    ],
                ),
                kind="TABLE",
                exists=True,
            )
        )
    return trees


@attrs.frozen
class ObjectRecord:
    """The latest journal row of one physical object."""

    pipeline: str
    logical_name: str
    physical_name: str
    kind: str  # table | source | view | materialized view | facade
    fingerprint: str
    generation: int
    state: str
    deploy_id: str
    detail: str | None = None  # tables: what their identity is made of (JSON)


@attrs.frozen
class JournalState:
    objects: dict[str, ObjectRecord]  # physical name -> latest record (dropped ones left out)
    last_finished: str | None  # deploy id of the newest finished deploy
    unfinished: str | None  # deploy id of a started deploy that never finished or failed


class Journal:
    """Reads and appends journal rows on one connection."""

    def __init__(
        self, conn: psycopg.Connection[Any], adapter: Adapter, state_schema: str, schema: str
    ) -> None:
        self.conn = conn
        self.adapter = adapter
        self.state_schema = state_schema
        self.schema = schema
        self.floor = 0  # the greatest seq seen: new rows go after it

    def exists(self) -> bool:
        """All three journal tables are there (a bootstrap makes the missing ones)."""
        found = self.conn.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name IN ('deploys', 'steps', 'objects')",
            (self.state_schema,),
        ).fetchone()
        return bool(found and found[0] == len(COLUMNS))

    def bootstrap(self) -> None:
        for tree in bootstrap_statements(self.state_schema):
            for attempt in range(3):
                try:
                    self.conn.execute(self.adapter.text(tree).encode())
                    break
                except psycopg.errors.UniqueViolation:
                    # PostgreSQL: two first deploys creating the same table at once
                    if attempt == 2:
                        raise
                    time.sleep(0.1)

    def _table(self, name: str) -> pgsql.Composed:
        return pgsql.SQL("{}.{}").format(
            pgsql.Identifier(self.state_schema), pgsql.Identifier(name)
        )

    def append(self, table: str, **values: Any) -> None:
        names = [c for c, _ in COLUMNS[table]]
        # after the newest row already there: applies are serialised by the lock, so the
        # journal's order holds even when deployers' clocks disagree
        self.floor = max(time.time_ns() // 1000, self.floor + 1)
        row = {"seq": self.floor, "at": dt.datetime.now(dt.UTC), **values}
        if "target_schema" in names:
            row.setdefault("target_schema", self.schema)
        statement = pgsql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self._table(table),
            pgsql.SQL(", ").join(pgsql.Identifier(n) for n in names),
            pgsql.SQL(", ").join(pgsql.Placeholder() for _ in names),
        )
        self.conn.execute(statement, [row.get(n) for n in names])

    def read(self) -> JournalState:
        if not self.exists():
            return JournalState({}, None, None)
        newest = self.conn.execute(
            pgsql.SQL(
                "SELECT max(seq) FROM (SELECT seq FROM {} UNION ALL SELECT seq FROM {} "
                "UNION ALL SELECT seq FROM {}) AS s"
            ).format(self._table("deploys"), self._table("steps"), self._table("objects"))
        ).fetchone()
        self.floor = max(self.floor, int(newest[0] or 0) if newest else 0)
        objects: dict[str, ObjectRecord] = {}
        rows = self.conn.execute(
            pgsql.SQL(
                "SELECT pipeline, logical_name, physical_name, kind, fingerprint, generation, "
                "state, deploy_id, detail FROM {} WHERE target_schema = %s ORDER BY seq"
            ).format(self._table("objects")),
            (self.schema,),
        ).fetchall()
        for pipeline, logical, physical, kind, fp, gen, state, deploy_id, detail in rows:
            objects[physical] = ObjectRecord(
                pipeline, logical, physical, kind, fp or "", int(gen or 0), state, deploy_id, detail
            )
        live = {k: v for k, v in objects.items() if v.state != DROPPED}
        events = self.conn.execute(
            pgsql.SQL(
                "SELECT deploy_id, event FROM {} WHERE target_schema = %s ORDER BY seq"
            ).format(self._table("deploys")),
            (self.schema,),
        ).fetchall()
        last_finished: str | None = None
        open_deploys: dict[str, None] = {}
        for deploy_id, event in events:
            if event == "started":
                open_deploys[deploy_id] = None
            elif event in ("finished", "failed"):
                open_deploys.pop(deploy_id, None)
                if event == "finished":
                    last_finished = deploy_id
        unfinished = next(reversed(open_deploys), None) if open_deploys else None
        return JournalState(live, last_finished, unfinished)
