"""The ecomdsl sqlglot dialect: every RisingWave-only construct is a real, round-tripping
expression, and the stock dialects are left untouched."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

import ecomdsl  # noqa: F401  (registers the dialect)
from ecomdsl import dialect as m
from ecomdsl.dialect import quoting

D = "ecomdsl"
CASES = {
    "append_only": (
        "CREATE TABLE user_events (event_id VARCHAR, event_time TIMESTAMP, "
        "WATERMARK FOR event_time AS event_time - INTERVAL '2 MINUTES') APPEND ONLY"
    ),
    "on_conflict": "CREATE TABLE t (id INT PRIMARY KEY, v INT) APPEND ONLY ON CONFLICT DO NOTHING",
    "on_conflict_kafka": (
        "CREATE TABLE t (id INT PRIMARY KEY, v JSONB) APPEND ONLY ON CONFLICT DO UPDATE IF NOT NULL "
        "WITH (connector='kafka', topic='x') FORMAT PLAIN ENCODE JSON"
    ),
    "eowc": (
        "CREATE MATERIALIZED VIEW mv AS SELECT window_start, COUNT(*) AS n FROM "
        "TUMBLE(user_events, event_time, INTERVAL '1 HOUR') GROUP BY window_start EMIT ON WINDOW CLOSE"
    ),
    "eowc_cte": (
        "CREATE MATERIALIZED VIEW IF NOT EXISTS s.mv AS WITH x AS (SELECT 1 AS a) "
        "SELECT a FROM x EMIT ON WINDOW CLOSE"
    ),
    "eowc_union": (
        "CREATE MATERIALIZED VIEW mv WITH (parallelism=2) AS SELECT a FROM t "
        "UNION ALL SELECT a FROM u EMIT ON WINDOW CLOSE"
    ),
    "swap": "ALTER MATERIALIZED VIEW a SWAP WITH b",
    "rename": "ALTER MATERIALIZED VIEW a RENAME TO b",
    "temporal_join": "SELECT * FROM f LEFT JOIN d FOR SYSTEM_TIME AS OF PROCTIME() AS dd ON f.k = dd.k",
    "hop": "SELECT * FROM HOP(user_events, event_time, INTERVAL '5 MINUTES', INTERVAL '1 HOUR')",
    "flush": "FLUSH",
    "wait": "WAIT",
    "wait_mv": "WAIT MATERIALIZED VIEW revenue__0f19b142",
    "wait_table": "WAIT TABLE s.t",
    "alter_watermark": "ALTER TABLE t ALTER WATERMARK FOR ts AS ts - INTERVAL '5 MINUTES'",
    "alter_watermark_ttl": "ALTER TABLE t ALTER WATERMARK FOR ts AS ts - INTERVAL '5 MINUTES' WITH TTL",
    "alter_source_add": "ALTER SOURCE orders ADD COLUMN note VARCHAR",
    "alter_source_swap": "ALTER SOURCE orders SWAP WITH orders__ecd_new",
    "alter_source_rename": "ALTER SOURCE orders__ecd_new RENAME TO orders__ecd_old",
    "swap_view": "ALTER VIEW revenue SWAP WITH revenue__ecd_next",
    "swap_table": "ALTER TABLE orders SWAP WITH orders__ecd_new",
    "background_ddl": "SET BACKGROUND_DDL = TRUE",
    "implicit_flush": "SET RW_IMPLICIT_FLUSH = TRUE",
    "filter": "SELECT COUNT(*) FILTER (WHERE a > 1) AS n FROM t",
    "source": (
        "CREATE SOURCE s (a VARCHAR, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 MINUTE') "
        "WITH (connector='kafka', topic='t', properties.bootstrap.server='b:9092') "
        "FORMAT PLAIN ENCODE JSON"
    ),
}


def sqlglot_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "sqlglot" and r.levelno >= logging.WARNING
    ]


@pytest.mark.parametrize("key", CASES)
def test_roundtrip_real_ast(key: str, caplog: pytest.LogCaptureFixture) -> None:
    sql = CASES[key]
    tree = sqlglot.parse_one(sql, read=D)
    assert tree.find(exp.Command) is None
    assert tree.sql(D) == sql
    assert sqlglot.parse_one(tree.sql(D), read=D) == tree
    pretty = tree.sql(D, pretty=True)
    assert sqlglot.parse_one(pretty, read=D) == tree
    assert sqlglot_warnings(caplog) == []


def test_registration() -> None:
    assert Dialect["ecomdsl"] is m.Ecomdsl
    parser: object = Dialect.get_or_raise("ecomdsl").parser_class
    assert parser is m.EcomdslParser


def test_ast_shapes() -> None:
    a = sqlglot.parse_one(CASES["append_only"], read=D)
    assert isinstance(a.this.expressions[-1], exp.WatermarkColumnConstraint)
    assert [type(p) for p in a.args["properties"].expressions] == [m.AppendOnlyProperty]
    b = sqlglot.parse_one(CASES["on_conflict"], read=D)
    on_conflict = b.args["properties"].expressions[1]
    assert isinstance(on_conflict, m.OnConflictProperty) and on_conflict.this.name == "DO NOTHING"
    c = sqlglot.parse_one(CASES["eowc"], read=D)
    assert [type(p) for p in c.args["properties"].expressions] == [
        exp.MaterializedProperty,
        m.EmitOnWindowCloseProperty,
    ]
    swap = sqlglot.parse_one(CASES["swap"], read=D)
    assert isinstance(swap, exp.Alter)
    assert swap.args["kind"] == "MATERIALIZED VIEW" and isinstance(
        swap.args["actions"][0], exp.SwapTable
    )
    assert isinstance(sqlglot.parse_one("FLUSH", read=D), m.Flush)


def test_flush_as_a_column_still_parses() -> None:
    tree = sqlglot.parse_one("SELECT flush FROM t", read=D)
    assert isinstance(tree, exp.Select) and tree.expressions[0].name == "flush"
    assert [type(t) for t in sqlglot.parse("INSERT INTO t VALUES (1); FLUSH;", read=D)] == [
        exp.Insert,
        m.Flush,
    ]


def test_unsupported_syntax_is_an_error_not_a_command() -> None:
    with pytest.raises(ParseError, match=r"refusing exp\.Command"):
        sqlglot.parse_one("CREATE TABLE t (id INT) APPEND", read=D)


def test_types() -> None:
    assert exp.DataType.build("float", dialect=D).sql(D) == "DOUBLE PRECISION"
    assert exp.DataType.build("jsonb").sql(D) == "JSONB"
    with pytest.raises(UnsupportedError, match=r"VARCHAR\(20\)"):
        exp.DataType.build("varchar(20)").sql(D, unsupported_level=ErrorLevel.RAISE)


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("user_id", "user_id"),
        ("order", '"order"'),
        ("UserId", '"UserId"'),
        ('we"ird', '"we""ird"'),
        ("café", '"café"'),
        ("1abc", '"1abc"'),
        ("emit", '"emit"'),
    ],
)
def test_identifier_quoting(name: str, printed: str) -> None:
    assert m.identifier(name).sql(D) == printed


def test_base_dialects_unaffected() -> None:
    script = textwrap.dedent(
        """
        import sqlglot, sys
        sqls = %r
        def fingerprint():
            out = []
            for s in sqls:
                for d in ("risingwave", "postgres"):
                    try:
                        t = sqlglot.parse_one(s, read=d)
                        out.append((d, type(t).__name__, t.sql(d), t.sql(d, pretty=True)))
                    except Exception as e:
                        out.append((d, "error", type(e).__name__))
            return out
        before = fingerprint()
        import ecomdsl
        sqlglot.parse_one("FLUSH", read="ecomdsl")
        after = fingerprint()
        print("same" if before == after else "differ")
        """
    ) % (list(CASES.values()),)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "same", result.stderr
    # and in this process the stock dialect keeps its behaviour
    assert "FOR TIMESTAMP AS OF" in sqlglot.transpile(CASES["temporal_join"], read="risingwave")[0]


def test_words_the_parser_reads_as_syntax_are_quoted() -> None:
    """Plain words that sqlglot parses as syntax (if, values, qualify...) get quotes; the
    probe runs only for words in sqlglot's keyword and function tables."""
    probed = sorted(
        w.lower() for w in quoting._syntax_words() if quoting._PLAIN_IDENTIFIER.fullmatch(w.lower())
    )
    misread = [
        w for w in probed if w not in m.RESERVED_KEYWORDS and not quoting._reads_back_unquoted(w)
    ]
    assert {"if", "values", "qualify", "between"} <= set(misread)
    assert all(m.needs_quotes(w) for w in misread)
    for name in ("name", "date", "interval", "hour", "user_id", "window_start"):
        assert not m.needs_quotes(name), name


def test_time_windows_and_integer_division_are_typed_nodes() -> None:
    hop = sqlglot.parse_one(CASES["hop"], read=D).args["from_"].this.this
    assert isinstance(hop, m.Hop) and hop.args["size"].sql(D) == "INTERVAL '1 HOUR'"
    tumble = sqlglot.parse_one(CASES["eowc"], read=D).find(m.Tumble)
    assert tumble is not None and tumble.args.get("offset") is None
    with pytest.raises(ParseError, match="TUMBLE takes at most 4 arguments, not 5"):
        sqlglot.parse_one("SELECT * FROM TUMBLE(t, c, a, b, d)", read=D)
    # the time type is for the batch lowering: never printed, dropped by as_written
    hop.set("time_type", exp.DataType.build("TIMESTAMPTZ"))
    assert hop.sql(D) == "HOP(user_events, event_time, INTERVAL '5 MINUTES', INTERVAL '1 HOUR')"
    assert m.as_written(hop).args.get("time_type") is None
    # integer division is written `/` (RisingWave truncates) and read back as a division
    division = m.IntegerDivision(this=exp.column("a"), expression=exp.column("b"))
    assert division.sql(D) == "a / b"
    assert m.as_written(division) == sqlglot.parse_one("a / b", read=D)
