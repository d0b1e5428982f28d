"""Is the SQL an accepted probe compiled to usable: does it read back, does a server take it?

Two checks per pipeline folder a compile wrote (``<out>/<pipeline>/``):

1. Every file is UTF-8 without NUL bytes, and ``sqlglot.parse(text, read="ecomdsl")`` reads
   every statement back as a real statement (no ``exp.Command``, sqlglot's "could not parse
   this" node), as the README promises for generated SQL.
2. A real PostgreSQL accepts it. RisingWave-only clauses are lowered by the project's own
   lowering (`ecomdsl.sql.lower`, which `ecomdsl run`, the PostgreSQL engine and a deploy to
   PostgreSQL use): each CREATE TABLE/SOURCE read back from create_tables.sql goes through
   ``lower_table`` (WATERMARK, APPEND ONLY, ON CONFLICT and connector options go; columns,
   types and names stay), each view through ``lower_view`` (HOP/TUMBLE become ordinary
   subqueries; a materialized view becomes a PostgreSQL materialized view WITH NO DATA, as in
   a deploy to PostgreSQL), INSERTs are sent as they are and FLUSH is skipped. The files run
   in order: create_tables.sql, insert_test_data.sql, create_views.sql; then each
   materialized view is refreshed, so its query also runs over the test rows. This lowers
   the statements as read back from the files, not as the emitter built them, so what is
   checked is what the user reviews and deploys. Each probe gets a fresh schema
   (`tests.pg_schema.schema_connection`).

   Creating a view WITH NO DATA makes PostgreSQL check the statement (names, types, duplicate
   or ambiguous columns, a name taken twice after truncation) without planning it, which
   matters: PostgreSQL takes minutes to plan a query of a thousand nested steps that it
   accepts. A REFRESH that does not finish in 5 s is therefore not a finding (the views after
   it are then not refreshed); any other refusal is.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import sqlglot
from psycopg import sql as pgsql
from psycopg.rows import TupleRow
from sqlglot import exp

import ecomdsl  # noqa: F401  (registers the "ecomdsl" sqlglot dialect)
from ecomdsl.sql.lower import lower_table, lower_view
from tests.pg_schema import schema_connection

FILES = ("create_tables.sql", "insert_test_data.sql", "create_views.sql", "drop.sql")
APPLIED = ("create_tables.sql", "insert_test_data.sql", "create_views.sql")


def pipeline_dirs(out: Path) -> list[Path]:
    """The pipeline folders compile wrote under ``out``."""
    if not out.is_dir():
        return []
    return sorted(d for d in out.iterdir() if d.is_dir() and (d / FILES[0]).is_file())


def _read(path: Path) -> tuple[str | None, str | None]:
    """(text, problem): the file as text, or why it is not usable text."""
    data = path.read_bytes()
    if b"\x00" in data:
        return None, f"{path.name} contains a NUL byte"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        return None, f"{path.name} is not UTF-8: {err}"


def parsed(path: Path) -> tuple[list[exp.Expr], str | None]:
    """The statements of ``path`` read back with the ecomdsl dialect, or the problem."""
    text, problem = _read(path)
    if text is None:
        return [], problem
    try:
        trees = [t for t in sqlglot.parse(text, read="ecomdsl") if t is not None]
    except RecursionError:
        return [], f"{path.name}: sqlglot cannot read it back (RecursionError)"
    except Exception as err:  # sqlglot's ParseError/TokenError, or a bug: all are findings
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        return [], f"{path.name}: sqlglot cannot read it back: {type(err).__name__}: {first}"
    for tree in trees:
        if isinstance(tree, exp.Command) or tree.find(exp.Command) is not None:
            return [], f"{path.name}: reads back as an unparsed command: {tree.sql()[:80]!r}"
    return trees, None


def reparse_problems(out: Path) -> list[str]:
    """Problems reading back every generated file under ``out``."""
    found = []
    for folder in pipeline_dirs(out):
        for name in FILES:
            if (folder / name).exists():
                _, problem = parsed(folder / name)
                if problem:
                    found.append(f"{folder.name}/{problem}")
    return found


def lowered(tree: exp.Expr) -> exp.Expr | None:
    """The PostgreSQL form of a statement read back from generated/ (None: not sent)."""
    if isinstance(tree, exp.Create):
        if isinstance(tree.this, exp.Schema):  # CREATE TABLE / SOURCE with columns
            return lower_table(tree, "postgres")
        return lower_view(tree, "postgres", now=None, materialize="matview")
    if isinstance(tree, exp.Insert):
        return tree
    return None  # FLUSH


def postgres_problems(out: Path, dsn: str) -> list[str]:
    """The first statement PostgreSQL rejects, per pipeline folder under ``out``."""
    found = []
    for folder in pipeline_dirs(out):
        with schema_connection(dsn) as conn:
            problem = _apply(folder, conn) or _refresh(folder, conn)
        if problem:
            found.append(f"{folder.name}/{problem}")
    return found


def _refusal(err: Exception) -> str:
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"PostgreSQL: {type(err).__name__}: {first}"


def _apply(folder: Path, conn: psycopg.Connection[TupleRow]) -> str | None:
    conn.execute("SET statement_timeout = '20s'")
    for name in APPLIED:
        trees, problem = parsed(folder / name)
        if problem:
            return problem  # already reported by the read-back check; cannot be sent
        for number, tree in enumerate(trees, start=1):
            try:
                statement = lowered(tree)
                if statement is not None:
                    conn.execute(statement.sql(dialect="postgres").encode())
            except Exception as err:  # the server's or the lowering's refusal: a finding
                return f"{name} statement {number}: {_refusal(err)}"
    return None


def _refresh(folder: Path, conn: psycopg.Connection[TupleRow]) -> str | None:
    """Fill each materialized view in order; one that takes over 5 s ends the refreshes."""
    conn.execute("SET statement_timeout = '5s'")
    trees, _ = parsed(folder / "create_views.sql")
    for tree in trees:
        props = tree.args.get("properties")
        if not props or not any(isinstance(p, exp.MaterializedProperty) for p in props):
            continue
        name = tree.this.name
        try:
            conn.execute(pgsql.SQL("REFRESH MATERIALIZED VIEW {}").format(pgsql.Identifier(name)))
        except psycopg.errors.QueryCanceled:
            return None
        except Exception as err:  # the query fails on the test rows: a finding
            return f"REFRESH MATERIALIZED VIEW {name!r}: {_refusal(err)}"
    return None
