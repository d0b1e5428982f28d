"""Deploy benchmark: `ecomdsl apply` and `ecomdsl plan` on PostgreSQL next to psql, in one run.

Run from the project root with the project's virtual environment::

    python benchmarks/deploy_bench.py [--repeat 5] [--objects 500] [--json FILE]

It needs a PostgreSQL server: the one named by ``ECOMDSL_TEST_PG_DSN`` if that is set, else a
throwaway cluster started from Debian's server binaries (`ecomdsl.testing.postgres`), and
``psql`` for the hand-written row. Every row gets one untimed warm-up run and then
``--repeat`` timed runs (median, min and max wall time):

1. the first ``apply`` of the seed pipeline (pipelines/ecommerce.py) into a fresh schema,
   in-process (``Session`` + ``apply``: connect, lock, plan, run every step) and as a fresh
   ``ecomdsl apply --yes`` process;
2. a no-op ``apply`` of the seed right after, both ways;
3. a no-op ``plan`` of synthetic pipelines of 50 and ``--objects`` (500) objects (the generator
   of benchmarks/compile_bench.py: tables, streams, a Kafka source, plain views and chains of
   materialized views reading materialized views), deployed once first; in-process
   (``Session`` + ``plan``) and as a fresh ``ecomdsl plan`` process (which also imports,
   loads and resolves the pipeline). The target is under 2 s for 500 objects;
4. what a user does without ecomdsl: ``psql -f create_tables.sql -f create_views.sql`` into a
   fresh schema. The files in generated/ecommerce/ are RisingWave SQL (``WATERMARK FOR``,
   ``APPEND ONLY``, ``TUMBLE(...)``), which PostgreSQL rejects, so the timed row runs the same
   two files lowered to PostgreSQL by ecomdsl's own lowering (the one `ecomdsl apply` uses,
   with the pipeline's names instead of versioned physical names). The literal command on
   the generated files is run once and its outcome printed under the table. The hand-written
   flow cannot be re-run: a second run fails on the first CREATE.

It also counts the queries a no-op plan and a no-op apply send (a counting cursor factory on
the deploy connection), for the small and the large synthetic pipeline, to show that they do
not grow with the number of objects; times the phases of one no-op plan; and profiles the
large no-op plan with cProfile (top functions by cumulative time).

Every schema it creates has a unique ``bench_<hex>_`` name and is dropped at the end; a
cluster it started is stopped and removed. Nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import json
import os
import pstats
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from bench_util import (
    Timing,
    clean_env,
    ecomdsl_command,
    load_average,
    machine,
    markdown,
    repeat,
    timing_table,
)
from compile_bench import make_project, synthetic_pipeline
from psycopg import sql as pgsql
from sqlglot import exp

from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.apply import Session, apply
from ecomdsl.deploy.catalog import QUERIES, read_catalog
from ecomdsl.deploy.desired import desired, eowc_cutoff
from ecomdsl.deploy.plan import Options, Plan
from ecomdsl.deploy.planner import make_plan
from ecomdsl.deploy.target import Target
from ecomdsl.model import ir
from ecomdsl.sql.lower import lower_table, lower_view
from ecomdsl.sql.statements import Stage, creation_order, statements
from ecomdsl.testing.postgres import TemporaryPostgres, postgres_dsn_from_env

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated" / "ecommerce"
HAND_FILES = ("create_tables.sql", "create_views.sql")
DSN_VAR = "ECOMDSL_BENCH_DSN"  # how the temporary projects' target finds the server
TARGET_NAME = "bench"
PLAN_TARGET_S = 2.0
PSQL_ERROR = re.compile(r"^psql:(?P<file>[^:\n]+):(?P<line>\d+): ERROR:(?P<message>.*)$", re.M)
CATALOG_SQL = {text: name for name, text in QUERIES["postgres"].items()}


# ---- the server and its schemas ------------------------------------------------------------


@contextlib.contextmanager
def server() -> Iterator[tuple[str, str]]:
    """The DSN of ``ECOMDSL_TEST_PG_DSN``, else of a temporary cluster (stopped on exit)."""
    dsn = postgres_dsn_from_env()
    if dsn is not None:
        yield dsn, "the server of $ECOMDSL_TEST_PG_DSN"
        return
    pg = TemporaryPostgres()
    pg.start()
    try:
        yield pg.dsn, "a temporary cluster (fsync off)"
    finally:
        pg.stop()


class Schemas:
    """Unique schema names, every one of them dropped again by `drop_all`."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.prefix = f"bench_{secrets.token_hex(3)}"
        self.made: list[str] = []
        self.count = 0

    def new(self, what: str) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}_{what}"
        self.made.append(name)
        return name

    def drop(self, *names: str) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            for name in names:
                conn.execute(
                    pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(name))
                )

    def drop_all(self) -> None:
        self.drop(*reversed(self.made))


def server_version(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0]}" if row else "PostgreSQL ?"


def relation_count(dsn: str, schema: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm')",
            (schema,),
        ).fetchone()
    return int(row[0]) if row else 0


# ---- counting the queries of a deploy connection ---------------------------------------------


class QueryLog:
    """Every query sent through a connection's cursors (``conn.execute`` included)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def attach(self, conn: psycopg.Connection[Any]) -> None:
        log = self.queries

        class CountingCursor(psycopg.Cursor[Any]):
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                log.append(_query_text(query, self.connection))
                return super().execute(query, params, **kwargs)

        conn.cursor_factory = CountingCursor

    def clear(self) -> None:
        self.queries.clear()

    def summary(self, state_schema: str) -> dict[str, int]:
        """Queries by kind: catalog (the catalog reads), journal, lock and other."""
        found = {"total": len(self.queries), "catalog": 0, "journal": 0, "lock": 0, "other": 0}
        for q in self.queries:
            if q in CATALOG_SQL:
                found["catalog"] += 1
            elif state_schema in q or "information_schema.tables" in q:
                found["journal"] += 1  # the journal's rows, its bootstrap, does it exist
            elif "advisory" in q or "hashtextextended" in q:
                found["lock"] += 1
            else:
                found["other"] += 1
        return found


def _query_text(query: Any, conn: psycopg.Connection[Any]) -> str:
    if isinstance(query, bytes):
        return query.decode()
    if isinstance(query, pgsql.Composable):
        return query.as_string(conn)
    return str(query)


def counted(target: Target, action: Callable[[Session], object]) -> dict[str, int]:
    """The queries ``action`` sends on a fresh deploy session (the session's own set-up
    queries, SELECT version() and SET search_path, are not counted)."""
    log = QueryLog()
    with Session(target) as session:
        log.attach(session.conn)
        action(session)
    return log.summary(target.state_schema)


# ---- the hand-written flow ---------------------------------------------------------------------


def postgres_files(p: ir.ResolvedPipeline, folder: Path) -> list[Path]:
    """create_tables.sql and create_views.sql of ``p`` as PostgreSQL accepts them: the
    statements of generated/ lowered the way `ecomdsl apply` lowers them for PostgreSQL,
    under the pipeline's own names; a materialized view is filled when it is created."""
    by_stage: dict[Stage, list[str]] = {stage: [] for stage in Stage}
    for s in creation_order(statements(p)):
        d = s.obj
        if isinstance(d, ir.TableDef):
            tree = lower_table(s.create, "postgres")
        else:
            cutoff = eowc_cutoff(p, d.name) if d.emit_on_window_close else None
            tree = lower_view(
                s.create, "postgres", now=None, materialize="matview", watermark_cutoff=cutoff
            )
            props = tree.args.get("properties")
            if props is not None:  # WITH NO DATA + REFRESH is the deploy's; a user writes
                kept = [e for e in props.expressions if not isinstance(e, exp.WithDataProperty)]
                props.set("expressions", kept)
        by_stage[s.stage].append(tree.sql(dialect="postgres", pretty=True) + ";\n")
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, stage in zip(HAND_FILES, (Stage.TABLES, Stage.VIEWS), strict=True):
        path = folder / name
        path.write_text("\n".join(by_stage[stage]))
        files.append(path)
    return files


def psql_command(dsn: str, schema: str, files: Sequence[Path], stop_on_error: bool) -> list[str]:
    """psql into a new ``schema``: create it, make it the search path, run ``files``."""
    cmd = ["psql", "-X", "-q", "-d", dsn]
    if stop_on_error:
        cmd += ["-v", "ON_ERROR_STOP=1"]
    cmd += ["-c", f"CREATE SCHEMA {schema}", "-c", f"SET search_path TO {schema}"]
    for f in files:
        cmd += ["-f", str(f)]
    return cmd


@dataclass
class Literal:
    """What the literal `psql -f generated/... -f generated/...` does on PostgreSQL."""

    exit_code: int
    seconds: float
    errors: int
    first_error: str
    relations: int  # what it left behind in the schema
    statements: int  # CREATE statements in the two files


def literal_psql(dsn: str, schemas: Schemas) -> Literal:
    schema = schemas.new("psql_literal")
    files = [GENERATED.relative_to(ROOT) / f for f in HAND_FILES]
    # as the user types it: no ON_ERROR_STOP, so psql goes on after an error (and exits 0)
    cmd = psql_command(dsn, schema, files, stop_on_error=False)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    errors = [m for m in PSQL_ERROR.finditer(proc.stderr)]
    first = ""
    if errors:
        m = errors[0]
        first = f"{Path(m.group('file')).name}:{m.group('line')}: {m.group('message').strip()}"
    creates = sum((ROOT / f).read_text().count("CREATE ") for f in files)
    found = relation_count(dsn, schema)
    schemas.drop(schema)
    return Literal(proc.returncode, seconds, len(errors), first, found, creates)


def time_psql(label: str, dsn: str, schemas: Schemas, files: Sequence[Path], runs: int) -> Timing:
    def once() -> float:
        schema = schemas.new("psql")
        cmd = psql_command(dsn, schema, files, stop_on_error=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"psql exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        schemas.drop(schema)
        return elapsed

    note = "fresh process; the seed's two files lowered to PostgreSQL; cannot be re-run"
    return repeat(label, runs, once, note)


# ---- ecomdsl, in-process and as a fresh process ----------------------------------------------


def first_apply(target: Target, p: ir.ResolvedPipeline, root: Path) -> tuple[float, int]:
    """Seconds of one in-process apply (connect included) and the steps it ran."""
    start = time.perf_counter()
    with Session(target) as session:
        result = apply(session, p, Options(), root=root)
    return time.perf_counter() - start, result.executed


def time_first_apply(
    label: str, dsn: str, schemas: Schemas, state: str, p: ir.ResolvedPipeline, runs: int
) -> Timing:
    steps: list[int] = []

    def once() -> float:
        schema = schemas.new("first")
        elapsed, executed = first_apply(Target(dsn, schema, state), p, ROOT)
        if executed == 0:
            raise RuntimeError("a first apply ran no step")
        steps.append(executed)
        schemas.drop(schema)
        return elapsed

    timing = repeat(label, runs, once)
    timing.note = f"in-process, connect included; {steps[-1]} steps; fresh schema per run"
    return timing


def time_noop_apply(label: str, target: Target, p: ir.ResolvedPipeline, runs: int) -> Timing:
    def once() -> float:
        start = time.perf_counter()
        with Session(target) as session:
            result = apply(session, p, Options(), root=ROOT)
        elapsed = time.perf_counter() - start
        if result.executed or result.plan.pending:
            raise RuntimeError(f"the no-op apply ran {result.executed} step(s)")
        return elapsed

    return repeat(label, runs, once, "in-process, connect included; 0 steps")


def noop_plan(target: Target, p: ir.ResolvedPipeline) -> tuple[float, Plan]:
    start = time.perf_counter()
    with Session(target, purpose="plan") as session:
        plan = session.plan(p, Options())
    elapsed = time.perf_counter() - start
    if plan.pending or plan.problems:
        raise RuntimeError(f"the plan is not a no-op: {len(plan.steps)} step(s)")
    return elapsed, plan


def time_noop_plan(label: str, target: Target, p: ir.ResolvedPipeline, runs: int) -> Timing:
    timing = repeat(label, runs, lambda: noop_plan(target, p)[0])
    timing.note = f"in-process, connect included; {len(p.objects)} objects unchanged"
    return timing


def cli_project(folder: Path, pipelines: Path | None, source: str | None, dsn_target: str) -> Path:
    """A project for the cold-process rows: the pipelines and a named target."""
    if source is not None:
        make_project(folder, source)
    else:
        assert pipelines is not None
        (folder / "pipelines").mkdir(parents=True)
        for f in pipelines.glob("*.py"):
            shutil.copy2(f, folder / "pipelines" / f.name)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "bench-pipeline"\nversion = "0"\n\n'
        f"[tool.ecomdsl.targets.{TARGET_NAME}]\n{dsn_target}"
    )
    return folder


def target_toml(schema: str, state: str) -> str:
    return f'dsn_env = "{DSN_VAR}"\nschema = "{schema}"\nstate_schema = "{state}"\n'


def run_cli(args: Sequence[str], project: Path, dsn: str, ok: Sequence[int] = (0,)) -> float:
    cmd = [*ecomdsl_command(), *args]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=project, env=clean_env({DSN_VAR: dsn}), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RuntimeError(
            f"`ecomdsl {' '.join(args)}` exited {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed


# ---- phases and profile of one no-op plan -----------------------------------------------------


PHASES = ("connect + session", "journal.read", "desired()", "read_catalog", "make_plan")


def plan_phases(target: Target, p: ir.ResolvedPipeline, runs: int) -> dict[str, list[float]]:
    """`Session.plan` taken apart (the same calls, timed one by one)."""
    found: dict[str, list[float]] = {name: [] for name in PHASES}
    for _ in range(runs):
        t0 = time.perf_counter()
        with Session(target, purpose="plan") as s:
            t1 = time.perf_counter()
            state = s.journal.read()
            t2 = time.perf_counter()
            generations = {
                r.logical_name: r.generation
                for r in state.objects.values()
                if r.kind in ("table", "source")
            }
            want = desired(p, s.adapter, generations)
            t3 = time.perf_counter()
            catalog = read_catalog(s.conn, s.adapter, target.schema)
            t4 = time.perf_counter()
            make_plan(want, catalog, state, s.adapter, Options(), s.count_rows)
            t5 = time.perf_counter()
        for name, seconds in zip(
            PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True
        ):
            found[name].append(seconds)
    return found


def _short(filename: str) -> str:
    """A profile entry's file without host paths."""
    path = Path(filename)
    for base, shown in (
        (Path(sysconfig.get_paths()["purelib"]), ""),
        (ROOT, ""),
        (Path(sysconfig.get_paths()["stdlib"]), "<stdlib>/"),
    ):
        if path.is_relative_to(base):
            return shown + str(path.relative_to(base))
    return path.name


def _plan_once(p: ir.ResolvedPipeline, session: Session) -> object:
    return session.plan(p, Options())


def _apply_once(p: ir.ResolvedPipeline, root: Path, session: Session) -> object:
    return apply(session, p, Options(), root=root)


def profile_plan(
    target: Target, p: ir.ResolvedPipeline, top: int
) -> tuple[float, list[dict[str, Any]]]:
    """cProfile of one in-process no-op plan: the ``top`` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    noop_plan(target, p)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]  # pstats keeps it untyped
    entries = []
    for (filename, line, func), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        if filename in ("~", __file__) or func.startswith("<"):  # builtins, comprehensions
            continue  # and this script's own frames
        entries.append(
            {
                "function": f"{func} ({_short(filename)}:{line})",
                "calls": calls,
                "tottime": tottime,
                "cumtime": cumtime,
            }
        )
    entries.sort(key=lambda e: -float(e["cumtime"]))
    total: float = stats.total_tt  # type: ignore[attr-defined]
    return total, entries[:top]


# ---- main ---------------------------------------------------------------------------------


@dataclass
class Size:
    objects: int
    schema: str
    state: str
    relations: int = 0
    first_apply_s: float = 0.0
    first_apply_steps: int = 0
    plan_queries: dict[str, int] = field(default_factory=dict)
    apply_queries: dict[str, int] = field(default_factory=dict)


def _row(t: Timing) -> dict[str, Any]:
    return {
        "label": t.label,
        "median_s": t.median,
        "min_s": min(t.times),
        "max_s": max(t.times),
        "runs": len(t.times),
        "first_run_s": t.first,
        "times_s": t.times,
        "note": t.note,
    }


def _queries(q: dict[str, int]) -> str:
    parts = ", ".join(f"{k} {v}" for k, v in q.items() if k != "total" and v)
    return f"{q['total']} ({parts})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per row (default 5)")
    parser.add_argument(
        "--objects", type=int, default=500, help="objects of the large synthetic pipeline (500)"
    )
    parser.add_argument(
        "--small", type=int, default=50, help="objects of the small synthetic pipeline (50)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--top", type=int, default=10, help="profile lines to print (10)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not 50 <= args.small < args.objects:
        parser.error("need 50 <= --small < --objects (the generator's smallest pipeline is 50)")
    runs: int = args.repeat

    load_before = load_average()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="ecomdsl-deploy-bench-"))
    # bytecode of the fresh processes goes to a private cache, warmed by the untimed runs
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    timings: list[Timing] = []
    sizes: list[Size] = []
    try:
        with server() as (dsn, where):
            schemas = Schemas(dsn)
            try:
                version = server_version(dsn)
                print(f"server: {version}, {where}; schemas {schemas.prefix}_*", flush=True)

                # -- the seed ---------------------------------------------------------------
                seed = resolve_paths([ROOT / "pipelines"], ROOT)[0]
                seed_state = schemas.new("seed_state")
                print(f"seed pipeline {seed.name!r}: {len(seed.objects)} objects", flush=True)
                timings.append(
                    time_first_apply(
                        f"apply, first ({seed.name}, {len(seed.objects)} objects)",
                        dsn,
                        schemas,
                        seed_state,
                        seed,
                        runs,
                    )
                )
                seed_live = Target(dsn, schemas.new("seed"), seed_state)
                first_apply(seed_live, seed, ROOT)
                timings.append(
                    time_noop_apply(f"apply, no-op ({seed.name})", seed_live, seed, runs)
                )
                seed_project = cli_project(
                    tmp / "seed",
                    ROOT / "pipelines",
                    None,
                    target_toml(seed_live.schema, seed_state),
                )

                def cli_first() -> float:
                    schema = schemas.new("cli_first")
                    elapsed = run_cli(
                        ["apply", "-t", TARGET_NAME, "--schema", schema, "--yes"], seed_project, dsn
                    )
                    schemas.drop(schema)
                    return elapsed

                timings.append(
                    repeat(
                        f"`ecomdsl apply --yes`, first ({seed.name})",
                        runs,
                        cli_first,
                        "fresh process: import, load, resolve, connect, apply",
                    )
                )
                timings.append(
                    repeat(
                        f"`ecomdsl apply --yes`, no-op ({seed.name})",
                        runs,
                        lambda: run_cli(["apply", "-t", TARGET_NAME, "--yes"], seed_project, dsn),
                        "fresh process",
                    )
                )

                # -- the hand-written flow ----------------------------------------------------
                literal: Literal | None = None
                if shutil.which("psql") is None:
                    print("psql not found: the hand-written rows are skipped", flush=True)
                else:
                    files = postgres_files(seed, tmp / "hand")
                    timings.append(
                        time_psql(
                            "`psql -f create_tables.sql -f create_views.sql` (seed)",
                            dsn,
                            schemas,
                            files,
                            runs,
                        )
                    )
                    literal = literal_psql(dsn, schemas)

                # -- synthetic pipelines: first apply once, then no-op plans ----------------------
                for n in (args.small, args.objects):
                    project = tmp / f"synthetic{n}"
                    size = Size(n, schemas.new(f"syn{n}"), schemas.new(f"syn{n}_state"))
                    cli_project(project, None, synthetic_pipeline(n).source, "")
                    (project / "pyproject.toml").write_text(
                        (project / "pyproject.toml").read_text()
                        + target_toml(size.schema, size.state)
                    )
                    p = resolve_paths([project / "pipelines"], project)[0]
                    target = Target(dsn, size.schema, size.state)
                    print(
                        f"synthetic pipeline of {len(p.objects)} objects: first apply", flush=True
                    )
                    size.first_apply_s, size.first_apply_steps = first_apply(target, p, project)
                    size.relations = relation_count(dsn, size.schema)
                    size.plan_queries = counted(target, functools.partial(_plan_once, p))
                    size.apply_queries = counted(target, functools.partial(_apply_once, p, project))
                    sizes.append(size)
                    timings.append(time_noop_plan(f"plan, no-op ({n} objects)", target, p, runs))
                    if n == args.objects:
                        timings.append(
                            repeat(
                                f"`ecomdsl plan`, no-op ({n} objects)",
                                runs,
                                functools.partial(
                                    run_cli, ["plan", "-t", TARGET_NAME], project, dsn
                                ),
                                "fresh process: import, load, resolve, connect, plan",
                            )
                        )
                        print("phases and profile of one no-op plan", flush=True)
                        phases = plan_phases(target, p, runs)
                        profile_total, profile = profile_plan(target, p, args.top)
            finally:
                schemas.drop_all()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - started

    print()
    print(f"## Deploy time on {version}: ecomdsl next to psql ({runs} timed runs per row)")
    print()
    print(timing_table(timings))
    print()
    host = machine("ecomdsl", "psycopg", "sqlglot")
    print(f"Machine: {host}; load average {load_before} before, {load_average()} after.")
    print(f"Server: {version}, {where}. Whole run {total:.1f} s.")
    big_plan = next(t for t in timings if t.label == f"plan, no-op ({args.objects} objects)")
    verdict = "meets" if big_plan.median < PLAN_TARGET_S else "MISSES"
    print(
        f"No-op plan of {args.objects} objects, in-process: median {big_plan.median:.3f} s, "
        f"{verdict} the {PLAN_TARGET_S:g} s target."
    )
    if literal is not None:
        print()
        print(
            "The literal hand-written command, `psql -f generated/ecommerce/create_tables.sql "
            "-f generated/ecommerce/create_views.sql` into a fresh schema, does not work on "
            f"PostgreSQL: the files are RisingWave SQL. psql exited {literal.exit_code} after "
            f"{literal.seconds:.3f} s with {literal.errors} ERROR(s) (first: {literal.first_error}) "
            f"and left {literal.relations} of {literal.statements} relations. The timed psql row "
            "runs the same statements lowered to PostgreSQL, with ON_ERROR_STOP=1."
        )
    print()
    print("### Queries per no-op plan and apply (deploy connection, session set-up not counted)")
    print()
    rows = [
        [
            str(s.objects),
            str(s.relations),
            f"{s.first_apply_s:.2f} s ({s.first_apply_steps} steps)",
            _queries(s.plan_queries),
            _queries(s.apply_queries),
            f"{next(t for t in timings if t.label == f'plan, no-op ({s.objects} objects)').median:.3f}",
        ]
        for s in sizes
    ]
    header = ["objects", "relations", "first apply", "queries/plan", "queries/apply", "plan s"]
    print(markdown(header, rows, "rrrllr"))
    print()
    print(f"### Phases of one in-process no-op plan, {args.objects} objects (median of {runs})")
    print()
    rows = [
        [name, f"{statistics.median(v):.3f}", f"{min(v):.3f}", f"{max(v):.3f}"]
        for name, v in phases.items()
    ]
    print(markdown(["phase", "median s", "min s", "max s"], rows))
    print()
    print(
        f"### cProfile of one no-op plan, {args.objects} objects: top {args.top} by cumulative "
        f"time ({profile_total:.3f} s under the profiler)"
    )
    print()
    rows = [
        [e["function"], str(e["calls"]), f"{e['tottime']:.3f}", f"{e['cumtime']:.3f}"]
        for e in profile
    ]
    print(markdown(["function", "calls", "own s", "cumulative s"], rows, "lrrr"))

    if args.json is not None:
        result = {
            "server": version,
            "server_from": where,
            "machine": host,
            "load_average": {"before": load_before, "after": load_average()},
            "repeat": runs,
            "rows": [_row(t) for t in timings],
            "plan_target_s": PLAN_TARGET_S,
            "sizes": [asdict(s) for s in sizes],
            "plan_phases_s": phases,
            "profile": {"total_s": profile_total, "top": profile},
            "literal_psql_on_generated_files": asdict(literal) if literal else None,
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print()
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
