"""Compile-time benchmark: ecomdsl next to dbt, in one run.

Run from the project root with the project's virtual environment::

    python benchmarks/compile_bench.py [--runs N] [--objects N] [--dbt PATH_TO_DBT]

It times, each as a fresh process (a cold start, as a user or CI sees it):

1. ``ecomdsl compile`` of the seed pipeline (pipelines/ of this project) into a temporary
   folder, and the import-time profile of that command (``python -X importtime``);
2. ``ecomdsl compile`` of a generated pipeline of 1,000 objects (inputs, views and
   materialized views of varied shapes with a DAG of some depth), plus the in-process phases
   (load, resolve, render) once;
3. ``dbt parse --no-partial-parse`` of two dbt projects holding the same SQL bodies (the
   seed's 10 objects and the 1,000 objects), one model per view, inputs as dbt sources;

and prints one markdown table with all four side by side. dbt is not a dependency of the
project: install it in a separate virtual environment (see benchmarks/README.md) and pass
``--dbt``, or put it at benchmarks/.work/dbt-venv; without it the dbt rows are skipped.

Nothing here is a test and nothing asserts a time: the numbers go into the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

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

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DBT = ROOT / "benchmarks" / ".work" / "dbt-venv" / "bin" / "dbt"
DBT_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DBT_PARTIAL_PARSE": "false",
    "DBT_USE_COLORS": "false",
    "DO_NOT_TRACK": "1",
}
DBT_FLAGS = ["--no-send-anonymous-usage-stats", "--no-version-check", "--quiet"]
REF = re.compile(r"__bench_(ref|src)__([a-z0-9_]+)__")


# ---- running commands ----------------------------------------------------------------


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Run ``cmd`` to completion and return its wall time; fail loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        shown = " ".join(Path(c).name if os.sep in c else c for c in cmd)
        raise RuntimeError(
            f"`{shown}` exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return elapsed


def time_compile(label: str, project: Path, runs: int, note: str = "") -> Timing:
    out = Path(tempfile.mkdtemp(prefix="ecomdsl-bench-out-"))

    def once() -> float:
        shutil.rmtree(out, ignore_errors=True)  # every run writes every file
        return run([*ecomdsl_command(), "compile", "--out", str(out)], project, clean_env())

    try:
        return repeat(label, runs, once, note)
    finally:
        shutil.rmtree(out, ignore_errors=True)


IMPORTTIME_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_profile(project: Path, top: int = 10) -> tuple[list[tuple[int, int, str]], float]:
    """Top ``top`` imports by cumulative time in an ``ecomdsl compile`` run, and the total."""
    with tempfile.TemporaryDirectory(prefix="ecomdsl-bench-imp-") as out:
        via_main = (
            "import sys; from ecomdsl.cli import main; "
            f"sys.argv = ['ecomdsl', 'compile', '--out', {out!r}]; main()"
        )
        for how in (["-m", "ecomdsl.cli", "compile", "--out", out], ["-c", via_main]):
            proc = subprocess.run(
                [sys.executable, "-X", "importtime", *how],
                cwd=project,
                env=clean_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0:
                break
        else:
            raise RuntimeError(
                f"ecomdsl compile under -X importtime failed:\n{proc.stderr[-3000:]}"
            )
    rows: list[tuple[int, int, str]] = []
    for line in proc.stderr.splitlines():
        m = IMPORTTIME_LINE.match(line)
        if m:
            depth = (len(m.group(3)) - 1) // 2
            rows.append((int(m.group(2)), depth, m.group(4)))
    total = sum(cum for cum, depth, _ in rows if depth == 0) / 1e6
    return sorted(rows, reverse=True)[:top], total


PHASES_SCRIPT = """
import inspect, json, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from ecomdsl.compiler import compile_paths
from ecomdsl.generated import write
t1 = time.perf_counter()
out = {"import ecomdsl": t1 - t0}
root = Path.cwd()
paths = [root / "pipelines"]
try:  # the internal phases; their signatures may change, the public entry point stays
    import attrs
    from ecomdsl.loader import load_pipelines
    from ecomdsl.model.resolve import resolve
    from ecomdsl.render import render

    t1 = time.perf_counter()
    if "root" in inspect.signature(load_pipelines).parameters:
        pipelines = load_pipelines(paths, root)
    else:
        pipelines = load_pipelines(paths)
    t2 = time.perf_counter()
    resolved = [resolve(p) for p in pipelines]
    t3 = time.perf_counter()
    for p in resolved:
        render(p, root)
    t4 = time.perf_counter()
    out["load (import the pipeline file)"] = t2 - t1
    out["resolve (check, plan)"] = t3 - t2
    out["render (sqlglot trees to text)"] = t4 - t3
    if any(p.test_data for p in resolved):
        t5 = time.perf_counter()
        for p in resolved:
            render(attrs.evolve(p, test_data=()), root)
        out["render again, without test-data INSERTs"] = time.perf_counter() - t5
except Exception as err:
    out = {"import ecomdsl": out["import ecomdsl"], "phases unavailable": repr(err)}
    t1 = time.perf_counter()
    compiled = compile_paths(paths, root)
    out["load + resolve + render"] = time.perf_counter() - t1
else:
    compiled = compile_paths(paths, root)
t6 = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:
    write(Path(tmp), compiled)
out["write files"] = time.perf_counter() - t6
print(json.dumps(out))
"""


def phases(project: Path) -> dict[str, float | str]:
    """Seconds per phase of one in-process compile (a note instead when they cannot be had)."""
    proc = subprocess.run(
        [sys.executable, "-c", PHASES_SCRIPT],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?"}
    result: dict[str, float | str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# ---- the synthetic pipeline --------------------------------------------------------------

HEADER = '''\
"""A generated pipeline of {n} objects for benchmarks/compile_bench.py (not hand-written)."""

from __future__ import annotations

from ecomdsl import (
    Funnel,
    Hop,
    Join,
    Kafka,
    MaterializedView,
    Pipeline,
    Stage,
    Stream,
    Table,
    Tumble,
    View,
    ZScore,
    avg,
    col,
    count,
    count_distinct,
    max_,
    min_,
    sum_,
    when,
)

products = Table(
    "products",
    {{
        "product_id": "varchar",
        "name": "varchar",
        "category": "varchar",
        "price": "numeric",
        "inventory_count": "int",
        "created_at": "timestamp",
        "is_active": "boolean",
    }},
    primary_key="product_id",
)
users = Table(
    "users",
    {{
        "user_id": "varchar",
        "email": "varchar",
        "country": "varchar",
        "city": "varchar",
        "device_type": "varchar",
        "created_at": "timestamp",
    }},
    primary_key="user_id",
)
user_events = Stream(
    "user_events",
    {{
        "event_id": "varchar",
        "user_id": "varchar",
        "session_id": "varchar",
        "event_type": "varchar",
        "product_id": "varchar",
        "page_url": "varchar",
        "referrer_url": "varchar",
        "device_type": "varchar",
        "event_time": "timestamp",
        "event_data": "jsonb",
    }},
    event_time="event_time",
    watermark="2 minutes",
)
orders = Stream(
    "orders",
    {{
        "order_id": "varchar",
        "user_id": "varchar",
        "product_id": "varchar",
        "amount": "numeric",
        "quantity": "int",
        "status": "varchar",
        "order_time": "timestamp",
    }},
    event_time="order_time",
    watermark="30 seconds",
)
clicks = Stream(
    "clicks",
    {{"click_id": "varchar", "user_id": "varchar", "page_url": "varchar", "ts": "timestamp"}},
    event_time="ts",
    watermark="10 seconds",
    connector=Kafka("clicks", "kafka:9092"),
)
events = View(
    "events",
    user_events.select(*(name for name, _ in user_events.columns)),
    doc="The events every analytics view reads.",
)
'''

INPUTS = ["products", "users", "user_events", "orders", "clicks", "events"]
EVENT_TYPES = ["pageview", "product_view", "add_to_cart", "checkout", "purchase"]
STATUSES = ["paid", "shipped", "refunded", "cancelled"]


def _agg(i: int) -> str:
    et = EVENT_TYPES[i % len(EVENT_TYPES)]
    return (
        f'events.where(col("event_type") == "{et}", col("device_type") != "bot_{i}")\n'
        '    .group_by("page_url", "device_type", "referrer_url")\n'
        "    .agg(\n"
        "        view_count=count(),\n"
        '        unique_visitors=count_distinct(col("user_id")),\n'
        '        session_count=count_distinct(col("session_id")),\n'
        '        first_view=min_(col("event_time")),\n'
        '        last_view=max_(col("event_time")),\n'
        "    )"
    )


def _hop(i: int) -> str:
    hop = 1 + i % 15
    return (
        f'Hop(events, "event_time", hop="{hop} minutes", size="{hop * 12} minutes")\n'
        '    .where(col("event_type") == "purchase")\n'
        '    .group_by("window_start", "window_end")\n'
        "    .agg(\n"
        "        purchase_count=count(),\n"
        '        unique_customers=count_distinct(col("user_id")),\n'
        '        total_revenue=sum_(col("event_data").json("total_amount", "numeric")),\n'
        '        items_sold=sum_(col("event_data").json("item_count", "bigint")),\n'
        "    )"
    )


def _tumble(i: int) -> str:
    status = STATUSES[i % len(STATUSES)]
    return (
        f'Tumble(orders, "order_time", size="{1 + i % 60} minutes")\n'
        f'    .where(col("status") == "{status}", col("amount") > {i % 50})\n'
        '    .group_by("window_start", "window_end", "product_id")\n'
        "    .agg(\n"
        "        order_count=count(),\n"
        '        revenue=sum_(col("amount")),\n'
        '        units=sum_(col("quantity")),\n'
        '        biggest=max_(col("amount")),\n'
        "    )"
    )


def _join(i: int) -> str:
    return (
        f'Join(orders.where(col("amount") >= {i % 100}), products, on="product_id")\n'
        "    .group_by(products.c.category)\n"
        "    .agg(\n"
        "        order_count=count(),\n"
        '        revenue=sum_(col("amount")),\n'
        "        avg_price=avg(products.c.price),\n"
        "        buyers=count_distinct(orders.c.user_id),\n"
        "    )"
    )


def _user_join(i: int) -> str:
    et = EVENT_TYPES[i % len(EVENT_TYPES)]
    return (
        f'Join(events.where(col("event_type") == "{et}"), users, on="user_id")\n'
        "    .group_by(users.c.country, users.c.city)\n"
        "    .agg(\n"
        "        events=count(),\n"
        "        people=count_distinct(events.c.user_id),\n"
        "    )\n"
        f'    .having(col("events") > {i % 7})'
    )


def _left_join(i: int) -> str:
    return (
        'Join(products, events, on="product_id", how="left")\n'
        "    .group_by(products.c.product_id, products.c.name, products.c.price)\n"
        "    .agg(\n"
        '        view_count=count().filter(events.c.event_type == "product_view"),\n'
        '        cart_adds=count().filter(events.c.event_type == "add_to_cart"),\n'
        '        purchases=count().filter(events.c.event_type == "purchase"),\n'
        "    )\n"
        "    .select(\n"
        '        "product_id",\n'
        '        "name",\n'
        '        "view_count",\n'
        "        view_to_cart_ratio=when(\n"
        '            (col("view_count") == 0, 0.0),\n'
        '            otherwise=col("cart_adds").cast("double precision") / col("view_count"),\n'
        "        ),\n"
        f'        estimated_revenue=col("purchases") * col("price") * {1 + i % 3},\n'
        "    )"
    )


def _clicks(i: int) -> str:
    return (
        f'Tumble(clicks, "ts", size="{1 + i % 30} minutes")\n'
        '    .group_by("window_start", "page_url")\n'
        '    .agg(clicks=count(), visitors=count_distinct(col("user_id")))'
    )


def _chain_base(i: int) -> str:
    et = EVENT_TYPES[i % len(EVENT_TYPES)]
    return (
        f'events.where(col("event_type") == "{et}")\n'
        '    .group_by("device_type")\n'
        '    .agg(total=sum_(col("event_data").json("item_count", "bigint")))'
    )


def _chain(parent: str, i: int) -> str:
    if i % 2:
        return (
            f'{parent}.where(col("total") > {i % 10})\n'
            '    .group_by("device_type")\n'
            '    .agg(total=sum_(col("total")))'
        )
    return f'{parent}.where(col("total") >= 0).select("device_type", total=col("total") + {i % 5})'


def _mv_join(left: str, right: str) -> str:
    return (
        f'Join({left}, {right}, on="device_type")\n'
        "    .select(\n"
        f"        device_type={left}.c.device_type,\n"
        f"        left_total={left}.c.total,\n"
        f"        right_total={right}.c.total,\n"
        "    )"
    )


def _zscore(i: int) -> str:
    return (
        "ZScore(\n"
        '    Tumble(events, "event_time", size="1 hour")\n'
        f'    .where(col("event_type") == "{EVENT_TYPES[i % len(EVENT_TYPES)]}")\n'
        '    .group_by(hour=col("window_start"))\n'
        "    .agg(event_count=count()),\n"
        '    value="event_count",\n'
        '    order_by="hour",\n'
        '    lookback="24 hours",\n'
        '    exclude_recent="1 hour",\n'
        f"    threshold={2 + i % 3},\n"
        "    min_periods=6,\n"
        ")"
    )


def _funnel(i: int) -> str:
    stages = EVENT_TYPES[: 3 + i % 3]
    stages_src = ", ".join(f'"{s}"' for s in stages[:-1]) + f', Stage("{stages[-1]}", label="end")'
    return f'Funnel(events, session="session_id", step="event_type", stages=[{stages_src}])'


def _view(i: int) -> str:
    status = STATUSES[i % len(STATUSES)]
    return (
        f'orders.where(col("status") == "{status}")'
        '.select("order_id", "product_id", "amount", "quantity", "order_time")'
    )


def _on_view(view: str, i: int) -> str:
    return (
        f'Tumble({view}, "order_time", size="{5 + i % 10} minutes")\n'
        '    .group_by("window_start", "window_end")\n'
        '    .agg(order_count=count(), revenue=sum_(col("amount")))'
    )


PLAIN_SHAPES: dict[str, Callable[[int], str]] = {
    "agg": _agg,
    "hop": _hop,
    "tumble": _tumble,
    "join": _join,
    "user_join": _user_join,
    "left_join": _left_join,
    "clicks": _clicks,
}
CYCLE = [
    "agg",
    "hop",
    "tumble",
    "join",
    "chain",
    "user_join",
    "chain",
    "left_join",
    "tumble_eowc",
    "chain",
    "clicks",
    "view",
    "agg",
    "chain",
    "mv_join",
]
CHAIN_DEPTH = 12


@dataclass
class Synthetic:
    source: str  # the pipeline file
    shapes: dict[str, int]  # objects per shape
    depth: int  # the longest chain of reads, input to the deepest view


def synthetic_pipeline(n_objects: int) -> Synthetic:
    """A pipeline file with ``n_objects`` objects of varied shapes."""
    parts = [HEADER.format(n=n_objects)]
    names = list(INPUTS)
    levels = {name: 0 for name in INPUTS} | {"events": 1}
    shapes: dict[str, int] = {"inputs and the events view": len(INPUTS)}
    chain_tip: str | None = None  # the newest object of the current chain
    depth = 0
    finished_chains: list[str] = []
    pending_view: str | None = None
    i = 0
    while len(names) < n_objects:
        i += 1
        name = f"o{i:04d}"
        shape = CYCLE[i % len(CYCLE)]
        if i % 97 == 0:
            shape = "zscore"
        elif i % 101 == 0:
            shape = "funnel"
        if pending_view is not None:
            shape = "on_view"
        if shape == "mv_join" and len(finished_chains) < 2:
            shape = "agg"
        kind, extra = "MaterializedView", ""
        reads = ["events"]
        if shape in PLAIN_SHAPES:
            query = PLAIN_SHAPES[shape](i)
            reads = ["orders"] if shape in ("tumble", "join", "clicks") else reads
        elif shape == "tumble_eowc":
            query, extra, reads = _tumble(i), ", emit_on_window_close=True", ["orders"]
        elif shape == "chain":
            if chain_tip is None or depth >= CHAIN_DEPTH:
                if chain_tip is not None:
                    finished_chains.append(chain_tip)
                query, depth = _chain_base(i), 1
            else:
                query, depth, reads = _chain(chain_tip, i), depth + 1, [chain_tip]
            chain_tip = name
        elif shape == "mv_join":
            left, right = finished_chains[-1], finished_chains[-2 - i % (len(finished_chains) - 1)]
            query, reads = _mv_join(left, right), [left, right]
        elif shape == "zscore":
            query = _zscore(i)
        elif shape == "funnel":
            query = _funnel(i)
        elif shape == "view":
            kind, query, pending_view, reads = "View", _view(i), name, ["orders"]
        else:  # on_view
            assert pending_view is not None
            query, reads, pending_view = _on_view(pending_view, i), [pending_view], None
        doc = f', doc="Shape {shape}, number {i}."' if i % 3 == 0 else ""
        body = textwrap.indent(query, "    ")
        parts.append(f'{name} = {kind}(\n    "{name}_{shape}",\n{body}{extra}{doc},\n)\n')
        names.append(name)
        levels[name] = 1 + max(levels[r] for r in reads)
        shapes[shape] = shapes.get(shape, 0) + 1
    listed = "".join(f"        {n},\n" for n in names)
    parts.append(f'pipeline = Pipeline(\n    "synthetic",\n    objects=[\n{listed}    ],\n)\n')
    return Synthetic("\n".join(parts), shapes, max(levels.values()))


def make_project(folder: Path, source: str) -> Path:
    (folder / "pipelines").mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "bench-pipeline"\nversion = "0"\n')
    (folder / "pipelines" / "__init__.py").write_text("")
    (folder / "pipelines" / "synthetic.py").write_text(source)
    return folder


def compile_once(project: Path, out: Path) -> None:
    subprocess.run(
        [*ecomdsl_command(), "compile", "--out", str(out)],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )


# ---- the same SQL as a dbt project -------------------------------------------------------


@dataclass
class DbtProject:
    folder: Path
    models: int
    sources: int
    dropped_eowc: int  # EMIT ON WINDOW CLOSE has no dbt-risingwave config: left out


def _placeholder(kind: str, name: str) -> str:
    return f"__bench_{kind}__{name}__"


def _dbt_body(query: object, objects: set[str], inputs: set[str]) -> str:
    """The SELECT of one view with reads of pipeline objects turned into ref() / source()."""
    from sqlglot import exp

    assert isinstance(query, exp.Expr)
    tree = query.copy()
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}

    def target(name: str) -> str | None:
        if name in ctes or name not in objects:
            return None
        return _placeholder("src" if name in inputs else "ref", name)

    for table in list(tree.find_all(exp.Table)):
        name = table.name
        new = target(name) if isinstance(table.this, exp.Identifier) else None
        if new is not None and not table.args.get("db"):
            table.set("this", exp.to_identifier(new))
            if not table.alias:  # columns may be qualified by the bare name
                table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
    # TUMBLE(name, ...) / HOP(name, ...) take the relation as a plain first argument
    for call in list(tree.find_all(exp.Anonymous)):
        args = call.expressions
        if str(call.this).upper() in ("TUMBLE", "HOP") and isinstance(args[0], exp.Column):
            new = target(args[0].name)
            if new is not None:
                args[0].replace(exp.column(new))
    text = tree.sql(dialect="ecomdsl", pretty=True)

    def jinja(m: re.Match[str]) -> str:
        kind, name = m.group(1), m.group(2)
        return f"{{{{ source('src', '{name}') }}}}" if kind == "src" else f"{{{{ ref('{name}') }}}}"

    return REF.sub(jinja, text)


def _created(statement: object) -> str:
    """The name a CREATE statement creates (a table's is inside its column schema)."""
    from sqlglot import exp

    assert isinstance(statement, exp.Create)
    target = statement.this
    return str(target.this.name if isinstance(target, exp.Schema) else target.name)


def dbt_project(sql_folder: Path, folder: Path) -> DbtProject:
    """A dbt project with one model per view of ``sql_folder`` (ecomdsl's generated files)."""
    import sqlglot
    from sqlglot import exp

    import ecomdsl  # noqa: F401 - registers the "ecomdsl" sqlglot dialect

    statements: list[exp.Create] = []
    for file in ("create_tables.sql", "create_views.sql"):
        for s in sqlglot.parse((sql_folder / file).read_text(), read="ecomdsl"):
            if isinstance(s, exp.Create):
                statements.append(s)
    inputs = {_created(s) for s in statements if s.kind in ("TABLE", "SOURCE")}
    objects = {_created(s) for s in statements}
    models = folder / "models"
    models.mkdir(parents=True)
    n_models = dropped = 0
    for s in statements:
        if s.kind != "VIEW":
            continue
        props = s.args.get("properties")
        kinds = {type(p).__name__ for p in (props.expressions if props else [])}
        materialized = "materialized_view" if "MaterializedProperty" in kinds else "view"
        dropped += "EmitOnWindowCloseProperty" in kinds
        body = _dbt_body(s.expression, objects, inputs)
        name = _created(s)
        (models / f"{name}.sql").write_text(
            f"{{{{ config(materialized='{materialized}') }}}}\n\n{body}\n"
        )
        n_models += 1
    tables = "".join(f"      - name: {name}\n" for name in sorted(inputs))
    (models / "sources.yml").write_text(
        f"version: 2\n\nsources:\n  - name: src\n    schema: public\n    tables:\n{tables}"
    )
    (folder / "dbt_project.yml").write_text(
        textwrap.dedent(
            """\
            name: bench
            version: "1.0.0"
            config-version: 2
            profile: bench
            model-paths: ["models"]
            """
        )
    )
    # never connected to: `dbt parse` reads the profile but opens no connection
    (folder / "profiles.yml").write_text(
        textwrap.dedent(
            """\
            bench:
              target: dev
              outputs:
                dev:
                  type: risingwave
                  host: localhost
                  port: 4566
                  user: root
                  pass: ""
                  dbname: dev
                  schema: public
                  threads: 1
            """
        )
    )
    return DbtProject(folder, n_models, len(inputs), dropped)


def dbt_versions(dbt: Path) -> str:
    """dbt-core and dbt-risingwave versions, read from the dbt environment (no network)."""
    python = dbt.parent / "python"
    if not python.exists():
        return "unknown"
    code = (
        "import importlib.metadata as m\n"
        "print(' '.join(f'{p} {m.version(p)}' for p in ('dbt-core', 'dbt-risingwave')))"
    )
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def time_dbt_parse(
    label: str, dbt: Path, project: DbtProject, runs: int, env: dict[str, str]
) -> Timing:
    cmd = [
        str(dbt),
        *DBT_FLAGS,
        "parse",
        "--no-partial-parse",
        "--project-dir",
        str(project.folder),
        "--profiles-dir",
        str(project.folder),
    ]

    def once() -> float:
        shutil.rmtree(project.folder / "target", ignore_errors=True)
        return run(cmd, project.folder, env)

    timing = repeat(label, runs, once, f"{project.models} models + {project.sources} sources")
    manifest = json.loads((project.folder / "target" / "manifest.json").read_text())
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    if len(nodes) != project.models:
        raise RuntimeError(f"dbt parsed {len(nodes)} models, expected {project.models}")
    return timing


# ---- report ------------------------------------------------------------------------------


def run_dbt(dbt: Path, tmp: Path, synthetic_sql: Path, runs: int) -> tuple[list[Timing], str]:
    """The two dbt rows and a note; a failing dbt is reported, not fatal."""
    env = clean_env(DBT_ENV)
    seed_sql = tmp / "seed-sql"
    compile_once(ROOT, seed_sql)
    seed = dbt_project(seed_sql / "ecommerce", tmp / "dbt-seed")
    big = dbt_project(synthetic_sql / "synthetic", tmp / "dbt-synthetic")
    timings: list[Timing] = []
    try:
        for label, project in (("seed", seed), (f"{big.models} models", big)):
            timings.append(time_dbt_parse(f"dbt parse ({label})", dbt, project, runs, env))
    except RuntimeError as err:
        return timings, f"dbt failed, its remaining rows are missing: {err}"
    note = (
        f"dbt: {dbt_versions(dbt)}; `dbt parse --no-partial-parse` with the same SELECT bodies, "
        f"one model per view, inputs as sources; no connection is opened. dbt only renders and "
        f"reads ref()/source(): it checks no column or type. The {big.dropped_eowc} "
        "EMIT ON WINDOW CLOSE clauses are left out of the dbt models."
    )
    return timings, note


def _cell(value: float | str | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else value.replace("|", "/")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per row (default 7)")
    parser.add_argument(
        "--objects", type=int, default=1000, help="objects of the synthetic pipeline (1000)"
    )
    parser.add_argument(
        "--dbt",
        type=Path,
        default=None,
        help="the dbt executable (default: benchmarks/.work/dbt-venv/bin/dbt if present)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.objects < 50:
        parser.error("--objects must be at least 50")
    dbt: Path | None = args.dbt or (DEFAULT_DBT if DEFAULT_DBT.exists() else None)
    if dbt is not None and not dbt.is_file():
        parser.error(f"--dbt {dbt}: no such file")

    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ecomdsl-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # Bytecode goes to a private cache (never next to the sources): the first, untimed
        # run of each row fills it, the timed runs start warm, as on a developer's machine.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        timings: list[Timing] = []

        print("ecomdsl, seed pipeline", flush=True)
        timings.append(
            time_compile(
                "ecomdsl compile (seed, 10 objects)",
                ROOT,
                args.runs,
                "3 inputs + 7 views; also renders the test-data INSERTs",
            )
        )
        imports, import_total = import_profile(ROOT)
        seed_phases = phases(ROOT)

        print(f"ecomdsl, synthetic pipeline of {args.objects} objects", flush=True)
        synthetic = synthetic_pipeline(args.objects)
        project = make_project(tmp / "synthetic", synthetic.source)
        synthetic_sql = tmp / "synthetic-sql"
        compile_once(project, synthetic_sql)
        files = sorted((synthetic_sql / "synthetic").glob("*.sql"))
        sql_lines = sum(len(f.read_text().splitlines()) for f in files)
        sql_bytes = sum(f.stat().st_size for f in files)
        timings.append(
            time_compile(
                f"ecomdsl compile ({args.objects} objects)",
                project,
                args.runs,
                f"writes {sql_lines:,} lines / {sql_bytes:,} bytes of SQL; "
                f"pipeline file {len(synthetic.source.splitlines()):,} lines",
            )
        )
        big_phases = phases(project)

        if dbt is None:
            dbt_note = (
                "dbt comparison skipped: no dbt found. Install dbt in its own environment "
                "(see benchmarks/README.md) and pass --dbt PATH_TO_DBT."
            )
        else:
            print("dbt parse", flush=True)
            dbt_timings, dbt_note = run_dbt(dbt, tmp, synthetic_sql, args.runs)
            timings += dbt_timings

    print()
    print(f"## Compile time: ecomdsl and dbt side by side ({args.runs} timed runs per row)")
    print()
    print(timing_table(timings))
    print()
    host = machine("ecomdsl", "sqlglot")
    print(f"Machine: {host}; load average {load_before} before, {load_average()} after.")
    print(
        "Each run is a fresh process, wall time; an untimed first run (shown) warms the "
        "bytecode and disk caches."
    )
    print(dbt_note)
    print()
    shapes = ", ".join(f"{k} {v}" for k, v in synthetic.shapes.items())
    print(f"Synthetic pipeline: {shapes}; longest read path {synthetic.depth} objects deep.")
    print()
    print("### In-process phases of `ecomdsl compile` (one run each, seconds)")
    print()
    names = list(dict.fromkeys([*seed_phases, *big_phases]))
    rows = [
        [
            name.strip(),
            *(_cell(p.get(name)) for p in (seed_phases, big_phases)),
        ]
        for name in names
    ]
    print(markdown(["phase", "seed", f"{args.objects} objects"], rows))
    print()
    print("### Imports of `ecomdsl compile` (seed): top 10 by cumulative time")
    print()
    print(f"All imports together: {import_total:.3f} s (`python -X importtime`, warm bytecode).")
    print()
    rows = [[module, f"{cum / 1000:.1f}", str(depth)] for cum, depth, module in imports]
    print(markdown(["module", "cumulative ms", "nesting"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
