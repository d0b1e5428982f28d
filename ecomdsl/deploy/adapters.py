"""Engine adapters: the statements a deploy sends, and what each engine can do.

Every statement is a sqlglot tree printed in the engine's dialect (names through
`ecomdsl.dialect.identifier`, values as literals). Capabilities are flags, not if-chains:

================  ==============================  =================================
capability        RisingWave                      PostgreSQL (CI stand-in)
================  ==============================  =================================
build an MV       ``SET BACKGROUND_DDL``, CREATE  CREATE MATERIALIZED VIEW ... WITH
                  MATERIALIZED VIEW, ``WAIT``     NO DATA, then REFRESH
switch a facade   ``ALTER VIEW f SWAP WITH n``    renames in one transaction
lock              a view in the state schema      session advisory lock
transactions      none (DDL runs at once)         only the facade switch uses one
================  ==============================  =================================

Sources: RisingWave's ``SWAP`` exists since v2.2.0 (risingwave#19172,
``e2e_test/ddl/alter_swap_rename.slt``); ``WAIT MATERIALIZED VIEW`` since v3.0.0 (parser
``parse_wait``); ``rw_depend`` lists views since v2.1.0; background DDL survives a client
crash, a foreground create does not (docs: sql-set-background-ddl).
"""

from __future__ import annotations

import re
from typing import ClassVar

from sqlglot import exp

from ecomdsl.dialect import DIALECT, AlterWatermark, Wait, identifier

Version = tuple[int, int, int]


def table(name: str) -> exp.Table:
    return exp.Table(this=identifier(name))


def select_all(name: str) -> exp.Select:
    return exp.select(exp.Star()).from_(table(name))


def create_view(name: str, query: exp.Expr) -> exp.Create:
    return exp.Create(this=table(name), kind="VIEW", expression=query)


def drop(name: str, kind: str) -> exp.Drop:
    """``DROP <kind> IF EXISTS name`` (never CASCADE: every dropped object is in the plan)."""
    materialized = kind == "MATERIALIZED VIEW"
    return exp.Drop(
        tables=[table(name)],
        kind="VIEW" if materialized else kind,
        exists=True,
        materialized=materialized,
    )


def rename(kind: str, name: str, new: str) -> exp.Alter:
    return exp.Alter(this=table(name), kind=kind, actions=[exp.AlterRename(this=table(new))])


def add_column(table_name: str, column: exp.ColumnDef, kind: str = "TABLE") -> exp.Alter:
    """``ALTER TABLE|SOURCE name ADD COLUMN ...`` (RisingWave adds a source's column with
    ALTER SOURCE; ALTER TABLE finds tables only)."""
    return exp.Alter(this=table(table_name), kind=kind, actions=[column])


Grant = tuple[str, str, bool]  # grantee (or PUBLIC), privilege, with grant option


def grant(target: str, privilege: Grant) -> exp.Grant:
    """``GRANT <privilege> ON TABLE target TO grantee [WITH GRANT OPTION]``."""
    grantee, what, grantable = privilege
    principal = (
        exp.Identifier(this="PUBLIC", quoted=False) if grantee == "PUBLIC" else identifier(grantee)
    )
    return exp.Grant(
        privileges=[exp.GrantPrivilege(this=exp.var(what))],
        kind="TABLE",
        securable=table(target),
        principals=[exp.GrantPrincipal(this=principal)],
        grant_option=grantable,
    )


def set_var(name: str, value: exp.Expr) -> exp.Set:
    return exp.Set(expressions=[exp.SetItem(this=exp.EQ(this=exp.var(name), expression=value))])


class Adapter:
    """What differs between engines; `RisingWave` and `Postgres` fill it in."""

    engine: ClassVar[str]
    dialect: ClassVar[str]
    ADVISORY_LOCK: ClassVar[bool]
    TRANSACTIONAL_DDL: ClassVar[bool]

    def __init__(self, version: Version = (0, 0, 0), version_text: str = "") -> None:
        self.version = version
        self.version_text = version_text

    def text(self, tree: exp.Expr) -> str:
        """The exact text sent to the server (and shown in the plan)."""
        return tree.sql(dialect=self.dialect, pretty=True)

    def session(self, schema: str) -> list[exp.Expr]:
        """Session settings for a deploy: objects are created in and read from ``schema``."""
        return [
            exp.Set(
                expressions=[
                    exp.SetItem(
                        this=exp.EQ(this=exp.var("search_path"), expression=identifier(schema))
                    )
                ]
            )
        ]

    def build(self, physical: str, create: exp.Create, materialized: bool) -> list[exp.Expr]:
        """Statements that create ``physical`` and leave it ready to read."""
        raise NotImplementedError

    def finish_build(self, physical: str) -> list[exp.Expr]:
        """Statements that make an existing, not yet ready ``physical`` ready."""
        raise NotImplementedError

    def switch(self, facade: str, physical: str, grants: tuple[Grant, ...] = ()) -> list[exp.Expr]:
        """Statements that point the existing facade view at ``physical`` atomically; the
        privileges others hold on the facade are granted on its replacement first."""
        raise NotImplementedError

    def swap_table(self, kind: str, name: str, new: str, old: str) -> list[exp.Expr]:
        """Put the table ``new`` under ``name``; the table that had it is left as ``old``."""
        raise NotImplementedError

    def alter_watermark(self, table_name: str, clause: exp.Expr) -> list[exp.Expr] | None:
        """Statements giving an existing watermark a new expression; None: not possible."""
        raise NotImplementedError

    @staticmethod
    def next_name(facade: str) -> str:
        return f"{facade}__ecd_next"

    @staticmethod
    def prev_name(facade: str) -> str:
        return f"{facade}__ecd_prev"


class RisingWave(Adapter):
    engine = "risingwave"
    dialect = DIALECT
    ADVISORY_LOCK = False
    TRANSACTIONAL_DDL = False
    MIN_VERSION: ClassVar[Version] = (2, 2, 0)  # SWAP; rw_depend with views (2.1)
    WAIT_VERSION: ClassVar[Version] = (3, 0, 0)

    def session(self, schema: str) -> list[exp.Expr]:
        # every journal write is visible to this session's next read (no FLUSH needed)
        return [*super().session(schema), set_var("RW_IMPLICIT_FLUSH", exp.true())]

    @property
    def waits(self) -> bool:
        return self.version >= self.WAIT_VERSION

    def build(self, physical: str, create: exp.Create, materialized: bool) -> list[exp.Expr]:
        if not materialized:
            return [create]
        if not self.waits:
            # before 3.0 there is no WAIT <name>: a foreground create blocks until backfilled
            return [create]
        return [
            set_var("BACKGROUND_DDL", exp.true()),
            create,
            set_var("BACKGROUND_DDL", exp.false()),
            *self.finish_build(physical),
        ]

    def finish_build(self, physical: str) -> list[exp.Expr]:
        if not self.waits:
            return [Wait()]  # before 3.0 only a bare WAIT (every job) parses
        return [Wait(this=table(physical), kind="MATERIALIZED VIEW")]

    def switch(self, facade: str, physical: str, grants: tuple[Grant, ...] = ()) -> list[exp.Expr]:
        nxt = self.next_name(facade)
        return [
            drop(nxt, "VIEW"),
            create_view(nxt, select_all(physical)),
            *(grant(nxt, g) for g in grants),
            exp.Alter(this=table(facade), kind="VIEW", actions=[exp.SwapTable(this=table(nxt))]),
            drop(nxt, "VIEW"),
        ]

    def alter_watermark(self, table_name: str, clause: exp.Expr) -> list[exp.Expr] | None:
        if self.version < self.WAIT_VERSION:  # ALTER WATERMARK came with 3.0.0 too
            return None
        return [AlterWatermark(this=table(table_name), expression=clause.copy())]

    def swap_table(self, kind: str, name: str, new: str, old: str) -> list[exp.Expr]:
        # SWAP is atomic; the rename after it only tidies the old table's name
        return [
            exp.Alter(this=table(name), kind=kind, actions=[exp.SwapTable(this=table(new))]),
            rename(kind, new, old),
        ]


class Postgres(Adapter):
    engine = "postgres"
    dialect = "postgres"
    ADVISORY_LOCK = True
    TRANSACTIONAL_DDL = True

    def session(self, schema: str) -> list[exp.Expr]:
        # a DDL step that waits for someone else's lock makes every reader queue behind it:
        # give up after a few seconds (the step fails; a re-run completes it)
        return [*super().session(schema), set_var("lock_timeout", exp.Literal.string("10s"))]

    def build(self, physical: str, create: exp.Create, materialized: bool) -> list[exp.Expr]:
        return [create, *self.finish_build(physical)] if materialized else [create]

    def finish_build(self, physical: str) -> list[exp.Expr]:
        return [exp.Refresh(this=table(physical), kind="MATERIALIZED VIEW")]

    def alter_watermark(self, table_name: str, clause: exp.Expr) -> list[exp.Expr] | None:
        # the PostgreSQL stand-in has no watermark in its DDL (the loader applies it)
        return []

    def swap_table(self, kind: str, name: str, new: str, old: str) -> list[exp.Expr]:
        # run in one transaction, as RisingWave's SWAP is atomic
        return [rename(kind, name, old), rename(kind, new, name)]

    def switch(self, facade: str, physical: str, grants: tuple[Grant, ...] = ()) -> list[exp.Expr]:
        # run in one transaction: readers see the old facade or the new one, never neither
        nxt, prev = self.next_name(facade), self.prev_name(facade)
        return [
            drop(nxt, "VIEW"),
            drop(prev, "VIEW"),
            create_view(nxt, select_all(physical)),
            *(grant(nxt, g) for g in grants),
            rename("VIEW", facade, prev),
            rename("VIEW", nxt, facade),
            drop(prev, "VIEW"),
        ]


_RW_VERSION = re.compile(r"RisingWave-v?(\d+)\.(\d+)\.(\d+)")
_PG_VERSION = re.compile(r"PostgreSQL (\d+)(?:\.(\d+))?")


def adapter_for(version_text: str) -> Adapter:
    """The adapter for a server, from ``SELECT version()``."""
    rw = _RW_VERSION.search(version_text)
    if rw or "risingwave" in version_text.lower():
        found: Version = (int(rw.group(1)), int(rw.group(2)), int(rw.group(3))) if rw else (0, 0, 0)
        return RisingWave(found, version_text)
    pg = _PG_VERSION.search(version_text)
    found = (int(pg.group(1)), int(pg.group(2) or 0), 0) if pg else (0, 0, 0)
    return Postgres(found, version_text)
