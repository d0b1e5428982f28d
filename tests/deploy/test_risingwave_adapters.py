"""What each RisingWave version is sent (`ecomdsl.deploy.adapters`): which adapter a
``SELECT version()`` text selects, the version gates, that every statement the adapter can
send reads back through the ``ecomdsl`` dialect unchanged, and how lock errors are
recognised. No database needed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

import psycopg
import pytest
import sqlglot
from sqlglot import exp

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.adapters import Postgres, RisingWave, adapter_for, add_column, drop, rename
from ecomdsl.deploy.apply import _check_version
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.lock import ViewLock, is_busy
from ecomdsl.deploy.state import bootstrap_statements
from ecomdsl.dialect import identifier
from ecomdsl.model import ir
from tests.deploy.fake_risingwave import (
    DEPLOY,
    EVENTS,
    NEXT,
    REVENUE,
    REVENUE_CREATE,
    RW3,
    SCHEMA,
    FakeSchema,
    all_statements,
    plan_for,
    with_old_revenue_tracker,
)
from tests.helpers import ROOT


@pytest.mark.parametrize(
    ("version_text", "version"),
    [
        ("PostgreSQL 13.14.0-RisingWave-2.5.1 (0123abcd)", (2, 5, 1)),
        ("PostgreSQL 13.14.0-RisingWave-3.0.3 (abc)", (3, 0, 3)),
        ("PostgreSQL 13.14.0-RisingWave-v2.2.0 (x)", (2, 2, 0)),
    ],
)
def test_adapter_for_risingwave(version_text: str, version: tuple[int, int, int]) -> None:
    adapter = adapter_for(version_text)
    assert isinstance(adapter, RisingWave)
    assert adapter.engine == "risingwave"
    assert adapter.version == version
    assert adapter.version_text == version_text


def test_adapter_for_postgres() -> None:
    text = "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc"
    adapter = adapter_for(text)
    assert isinstance(adapter, Postgres)
    assert adapter.version == (15, 18, 0)


@pytest.mark.parametrize(
    "version_text",
    [
        "PostgreSQL 13.14.0-RisingWave-2.1.3 (abc)",
        "PostgreSQL 13.14.0-RisingWave-1.10.2 (abc)",
        "PostgreSQL 13.14.0-RisingWave-nightly-20240101 (abc)",  # no version: (0, 0, 0)
    ],
)
def test_risingwave_before_2_2_is_refused(version_text: str) -> None:
    adapter = adapter_for(version_text)
    assert isinstance(adapter, RisingWave)
    with pytest.raises(DeployError, match=re.escape(version_text)) as found:
        _check_version(adapter)
    assert "RisingWave 2.2.0 or newer" in str(found.value)
    assert "SWAP WITH" in str(found.value)


@pytest.mark.parametrize(
    "version_text",
    [
        "PostgreSQL 13.14.0-RisingWave-2.2.0 (abc)",
        "PostgreSQL 13.14.0-RisingWave-2.5.1 (0123abcd)",
        "PostgreSQL 13.14.0-RisingWave-3.0.3 (abc)",
        "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu",
    ],
)
def test_supported_servers_pass_the_version_check(version_text: str) -> None:
    adapter = adapter_for(version_text)
    _check_version(adapter)  # raises DeployError for an unsupported server
    assert isinstance(adapter, RisingWave if "RisingWave" in version_text else Postgres)


@pytest.mark.parametrize("version", [(2, 2, 0), (2, 5, 1), (2, 8, 0)])
def test_before_3_0_a_materialized_view_is_a_plain_foreground_create(
    seed: ir.ResolvedPipeline, version: tuple[int, int, int]
) -> None:
    adapter = RisingWave(version)
    want = desired(seed, adapter)
    build = [adapter.text(t) for t in want.get("revenue_tracker").build]
    assert build == [REVENUE_CREATE]
    every = [adapter.text(t) for o in want.objects for t in o.build]
    assert not [s for s in every if s.startswith(("SET BACKGROUND_DDL", "WAIT"))]


@pytest.mark.parametrize("version", [(3, 0, 0), (3, 0, 3)])
def test_from_3_0_a_materialized_view_builds_in_the_background_and_is_waited_for(
    seed: ir.ResolvedPipeline, version: tuple[int, int, int]
) -> None:
    adapter = RisingWave(version)
    build = [adapter.text(t) for t in desired(seed, adapter).get("revenue_tracker").build]
    assert build == [
        "SET BACKGROUND_DDL = TRUE",
        REVENUE_CREATE,
        "SET BACKGROUND_DDL = FALSE",
        f"WAIT MATERIALIZED VIEW {REVENUE}",
    ]


@pytest.mark.parametrize("version", [(2, 2, 0), (2, 8, 0)])
def test_before_3_0_finishing_a_build_uses_the_bare_wait(version: tuple[int, int, int]) -> None:
    # WAIT <kind> <name> came with v3.0.0; before, only the bare WAIT (every job) parses
    adapter = RisingWave(version)
    assert [adapter.text(t) for t in adapter.finish_build(REVENUE)] == ["WAIT"]
    assert [RW3.text(t) for t in RW3.finish_build(REVENUE)] == [f"WAIT MATERIALIZED VIEW {REVENUE}"]


def test_a_plain_view_is_never_built_in_the_background(want: Desired) -> None:
    build = [RW3.text(t) for t in want.get("user_events_watermarked").build]
    assert len(build) == 1
    assert build[0].startswith(f"CREATE VIEW {EVENTS} AS\n")


def _lock_statement() -> str:
    # the connection is not used to make the statement
    lock = ViewLock(cast(Any, None), RW3, "ecomdsl", SCHEMA, DEPLOY, "ann@host")
    return lock.create_statement()


def _adapter_statements() -> dict[str, str]:
    """Every kind of statement the RisingWave adapter and the deploy send, by id."""
    seed = resolve_paths([ROOT / "pipelines"], ROOT)[0]
    before_3 = RisingWave((2, 8, 0))
    note = exp.ColumnDef(this=identifier("note"), kind=exp.DataType.build("VARCHAR"))
    found: dict[str, str] = {}

    def add(prefix: str, trees: Iterable[exp.Expr], adapter: RisingWave = RW3) -> None:
        found.update({f"{prefix}-{i}": adapter.text(t) for i, t in enumerate(trees)})

    add("session", RW3.session(SCHEMA))
    add("bootstrap", bootstrap_statements("ecomdsl"))
    add("build", desired(seed, RW3).get("revenue_tracker").build)
    (create,) = desired(seed, before_3).get("revenue_tracker").build
    found["build-2.x"] = before_3.text(create)
    add("finish-build", RW3.finish_build(REVENUE))
    add("finish-build-2.x", before_3.finish_build(REVENUE), before_3)
    add("switch", RW3.switch("revenue_tracker", REVENUE))
    add("swap-table", RW3.swap_table("TABLE", "products", "products__ecd_new", "products__ecd_old"))
    for kind in ("TABLE", "SOURCE", "VIEW", "MATERIALIZED VIEW"):
        found[f"drop-{kind}"] = RW3.text(drop("x__0123abcd", kind))
    for kind in ("TABLE", "VIEW", "MATERIALIZED VIEW"):
        found[f"rename-{kind}"] = RW3.text(rename(kind, "x", "x__ecd_legacy"))
    found["add-column"] = RW3.text(add_column("products", note.copy()))
    found["add-column-source"] = RW3.text(add_column("orders", note.copy(), "SOURCE"))
    found["view-lock"] = _lock_statement()
    return found


ADAPTER_STATEMENTS = _adapter_statements()

SOURCE_SWAP = [
    RW3.text(t) for t in RW3.swap_table("SOURCE", "orders", "orders__ecd_new", "orders__ecd_old")
]


def reads_back(text: str) -> bool:
    return sqlglot.parse_one(text, read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == text


@pytest.mark.parametrize(
    "text",
    [pytest.param(text, id=name) for name, text in ADAPTER_STATEMENTS.items()]
    + [pytest.param(text, id=f"swap-source-{i}") for i, text in enumerate(SOURCE_SWAP)],
)
def test_adapter_statement_reads_back_unchanged(text: str) -> None:
    assert reads_back(text)


def test_adapter_statements_are_the_expected_text() -> None:
    expected = {
        "session-0": "SET search_path = public",
        "session-1": "SET RW_IMPLICIT_FLUSH = TRUE",
        "bootstrap-0": "CREATE SCHEMA IF NOT EXISTS ecomdsl",
        "build-0": "SET BACKGROUND_DDL = TRUE",
        "build-1": REVENUE_CREATE,
        "build-2": "SET BACKGROUND_DDL = FALSE",
        "build-3": f"WAIT MATERIALIZED VIEW {REVENUE}",
        "build-2.x": REVENUE_CREATE,
        "finish-build-0": f"WAIT MATERIALIZED VIEW {REVENUE}",
        "finish-build-2.x-0": "WAIT",
        "switch-0": f"DROP VIEW IF EXISTS {NEXT}",
        "switch-1": f"CREATE VIEW {NEXT} AS\nSELECT\n  *\nFROM {REVENUE}",
        "switch-2": f"ALTER VIEW revenue_tracker\nSWAP WITH {NEXT}",
        "switch-3": f"DROP VIEW IF EXISTS {NEXT}",
        "swap-table-0": "ALTER TABLE products\nSWAP WITH products__ecd_new",
        "swap-table-1": "ALTER TABLE products__ecd_new\nRENAME TO products__ecd_old",
        "drop-TABLE": "DROP TABLE IF EXISTS x__0123abcd",
        "drop-SOURCE": "DROP SOURCE IF EXISTS x__0123abcd",
        "drop-VIEW": "DROP VIEW IF EXISTS x__0123abcd",
        "drop-MATERIALIZED VIEW": "DROP MATERIALIZED VIEW IF EXISTS x__0123abcd",
        "rename-TABLE": "ALTER TABLE x\nRENAME TO x__ecd_legacy",
        "rename-VIEW": "ALTER VIEW x\nRENAME TO x__ecd_legacy",
        "rename-MATERIALIZED VIEW": "ALTER MATERIALIZED VIEW x\nRENAME TO x__ecd_legacy",
        "add-column": "ALTER TABLE products\nADD COLUMN note VARCHAR",
        "add-column-source": "ALTER SOURCE orders\nADD COLUMN note VARCHAR",
    }
    assert {k: ADAPTER_STATEMENTS[k] for k in expected} == expected
    assert ADAPTER_STATEMENTS["bootstrap-3"].startswith(
        "CREATE TABLE IF NOT EXISTS ecomdsl.objects (\n  deploy_id VARCHAR,\n  seq BIGINT,\n"
    )
    assert ADAPTER_STATEMENTS["view-lock"].startswith(
        "CREATE VIEW ecomdsl.lock__public AS\nSELECT\n"
        f"  CAST('{DEPLOY}' AS VARCHAR) AS deploy_id,\n"
        "  CAST('ann@host' AS VARCHAR) AS holder,\n"
    )
    assert SOURCE_SWAP == [
        "ALTER SOURCE orders\nSWAP WITH orders__ecd_new",
        "ALTER SOURCE orders__ecd_new\nRENAME TO orders__ecd_old",
    ]


def test_alter_watermark_from_3_0_reads_back_unchanged(want: Desired) -> None:
    # ALTER TABLE ... ALTER WATERMARK exists from v3.0.0 (src/sqlparser/src/ast/ddl.rs)
    spec = want.get("user_events").table
    assert spec is not None and spec.watermark is not None
    assert RisingWave((2, 8, 0)).alter_watermark("user_events", spec.watermark) is None
    trees = RW3.alter_watermark("user_events", spec.watermark)
    assert trees is not None
    texts = [RW3.text(t) for t in trees]
    assert texts == [
        "ALTER TABLE user_events ALTER WATERMARK FOR event_time AS event_time - INTERVAL '2 MINUTES'"
    ]
    assert (
        sqlglot.parse_one(texts[0], read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == texts[0]
    )


def test_every_statement_of_the_seed_plans_reads_back_unchanged(want: Desired) -> None:
    plans = [
        plan_for(want, FakeSchema(), {}),
        plan_for(want, *with_old_revenue_tracker(want)),
    ]
    texts = [t for plan in plans for t in all_statements(plan)]
    assert texts, "no statements: the check would prove nothing"
    for text in texts:
        assert sqlglot.parse_one(text, read="ecomdsl").sql(dialect="ecomdsl", pretty=True) == text


def server_error(sqlstate: str, message: str) -> psycopg.Error:
    """The error psycopg raises for a server error with this SQLSTATE and message."""
    return psycopg.errors.lookup(sqlstate)(message)


@pytest.mark.parametrize(
    ("sqlstate", "message", "busy"),
    [
        ("42710", "view named lock__public already exists", True),  # RisingWave >= 2.5
        ("42P07", 'relation "lock__public" already exists', True),  # PostgreSQL
        ("23505", "duplicate key value violates unique constraint", True),  # PostgreSQL race
        ("XX000", "table named t2 already exists and is still being created", True),  # RW < 2.5
        ("XX000", "function pg_advisory_lock does not exist", False),
        ("42501", "permission denied for schema ecomdsl", False),
    ],
)
def test_is_busy(sqlstate: str, message: str, busy: bool) -> None:
    err = server_error(sqlstate, message)
    assert err.sqlstate == sqlstate
    assert is_busy(err) is busy
