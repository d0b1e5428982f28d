"""Report probes G: command-line usage, explain/run lookups, and `run --data` input files.

Root cause 7: CSV columns are matched by header name like Parquet's; a missing or extra
column (CSV or Parquet: the issue makes no exception) is an error naming the file and the
column, a value that does not convert names the file, the row and the column, in ecomdsl's
words (not a DuckDB dump).
"""

from __future__ import annotations

import functools
import random
import threading
from datetime import datetime, timedelta
from pathlib import Path

from tests.bad_inputs.checks import BLAMES_DUCKDB
from tests.bad_inputs.probe import Check, Expect, Name, Probe, Verdict
from tests.bad_inputs.sources import HEAD, ORDERS_CSV, shop, text
from tests.bad_inputs.steps import Make, Mkdir

ACCEPT, USAGE = Expect.ACCEPT, Expect.USAGE
RUN_DATA = ("run", "--data", "data")


def parquet(select: str) -> Make:
    """data/orders.parquet holding the one row ``select`` makes (DuckDB writes it)."""

    def make(root: Path) -> None:
        import duckdb

        (root / "data").mkdir(exist_ok=True)
        target = str(root / "data" / "orders.parquet").replace("'", "''")
        with duckdb.connect() as db:
            db.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")

    return Make("orders.parquet", make)


def garbage(root: Path) -> None:
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "orders.csv").write_bytes(bytes(range(256)) * 4)


_MAKING = threading.Lock()


def million_orders() -> bytes:
    """The report's 1,000,000-row orders.csv (39 MB), made once per session (the lock keeps
    two worker threads from making it twice)."""
    with _MAKING:
        return _million_orders()


@functools.cache
def _million_orders() -> bytes:
    rand = random.Random(1)
    t0 = datetime(2024, 1, 1)
    lines = ["order_id,amount,status,ts\n"]
    for i in range(1_000_000):
        ts = (t0 + timedelta(seconds=i * 2 + rand.randint(0, 60))).isoformat(sep=" ")
        lines.append(f"o{i},{rand.randint(1, 50000) / 100},{'paid' if i % 3 else 'new'},{ts}\n")
    return "".join(lines).encode()


def big_csv(root: Path) -> None:
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "orders.csv").write_bytes(million_orders())


PASS_THROUGH = HEAD + text(
    'orders = Stream("orders", {"order_id": "varchar", "amount": "numeric", '
    '"status": "varchar", "ts": "timestamp"}, event_time="ts", watermark="2 minutes")',
    'every = MaterializedView("every_order", orders.select("order_id", "amount", "ts"))',
    'pipeline = Pipeline("shop", objects=[orders, every])',
)


def csv(
    body: str,
    verdict: Verdict,
    probe_id: str,
    what: str,
    *,
    names: tuple[Name, ...],
    expect: Expect = Expect.FAIL,
    check: Check | None = None,
    smoke: bool = False,
) -> Probe:
    """``run --data data`` with data/orders.csv = ``body``."""
    files = shop(data__orders__csv=body)
    return Probe(probe_id, what, verdict, files, RUN_DATA, expect, names, check=check, smoke=smoke)


PROBES: tuple[Probe, ...] = (
    Probe(
        "G01_unknown_flag",
        "compile --frobnicate",
        Verdict.GE,
        shop(),
        ("compile", "--frobnicate"),
        USAGE,
        names=("--frobnicate",),
        smoke=True,
    ),
    Probe(
        "G01b_unknown_command",
        "ecomdsl compiel",
        Verdict.GE,
        shop(),
        ("compiel",),
        USAGE,
        names=("compiel", "compile"),
    ),
    Probe(
        "G02_bad_format_lint",
        "lint --format xml",
        Verdict.GE,
        shop(),
        ("lint", "--format", "xml"),
        USAGE,
        names=("xml",),
    ),
    Probe(
        "G02b_bad_format_run",
        "run --format yaml",
        Verdict.GE,
        shop(),
        ("run", "--format", "yaml"),
        USAGE,
        names=("yaml",),
    ),
    Probe(
        "G02c_bad_format_graph",
        "graph --format dot",
        Verdict.GE,
        shop(),
        ("graph", "--format", "dot"),
        USAGE,
        names=("dot",),
    ),
    Probe(
        "G02d_negative_limit",
        "run --limit -1",
        Verdict.GE,
        shop(),
        ("run", "--limit", "-1"),
        USAGE,
        names=("--limit",),
    ),
    Probe(
        "G03_explain_missing",
        "explain revenue5m",
        Verdict.GE,
        shop(),
        ("explain", "revenue5m"),
        names=("revenue5m", "revenue_5m"),
    ),
    Probe(
        "G03b_explain_ok",
        "explain revenue_5m",
        Verdict.OK,
        shop(),
        ("explain", "revenue_5m"),
        ACCEPT,
        names=("revenue_5m",),
    ),
    Probe(
        "G03c_run_unknown_view",
        "run --view nope",
        Verdict.GE,
        shop(),
        ("run", "--view", "nope"),
        names=("nope",),
    ),
    Probe(
        "G03d_run_unknown_pipeline",
        "run --pipeline nope",
        Verdict.GE,
        shop(),
        ("run", "--pipeline", "nope"),
        names=("nope", "shop"),
    ),
    Probe(
        "G04_run_data_missing_dir",
        "run --data ./does/not/exist",
        Verdict.GE,
        shop(),
        ("run", "--data", "./does/not/exist"),
        names=("does/not/exist",),
    ),
    Probe(
        "G04b_run_data_is_file",
        "run --data pipelines/shop.py",
        Verdict.GE,
        shop(),
        ("run", "--data", "pipelines/shop.py"),
        names=("pipelines/shop.py",),
    ),
    csv(
        "id,amt,st,time\n1,2,paid,2024-01-01 00:00:00\n",
        Verdict.ABF,
        "G05_csv_wrong_columns",
        "orders.csv with the header id,amt,st,time",
        names=("orders.csv", ("order_id", "amount", "status", "amt", "st", "time")),
        smoke=True,
    ),
    csv(
        "order_id,amount,status,ts\n1,2,paid,not-a-time\n",
        Verdict.PE,
        "G05b_csv_wrong_types",
        "orders.csv with ts='not-a-time'",
        names=("orders.csv", "ts"),
        check=BLAMES_DUCKDB,
    ),
    csv(
        "order_id,amount,status,ts\n1,lots,paid,2024-01-01 00:00:00\n",
        Verdict.PE,
        "G05c_csv_text_in_numeric",
        "orders.csv with amount='lots'",
        names=("orders.csv", "amount"),
        check=BLAMES_DUCKDB,
    ),
    csv(
        "order_id,amount,status,ts\n",
        Verdict.OK,
        "G05d_csv_header_only",
        "orders.csv with the header only",
        expect=ACCEPT,
        names=("orders",),
    ),
    csv(
        "\n",
        Verdict.PE,
        "G05e_csv_empty_file",
        "an empty orders.csv",
        names=("orders.csv",),
        check=BLAMES_DUCKDB,
    ),
    csv(
        "order_id,amount,status,ts,extra\n1,2,paid,2024-01-01 00:00:00,x\n",
        Verdict.PE,
        "G05f_csv_extra_column",
        "orders.csv with an extra 5th column",
        names=("orders.csv", "extra"),
        check=BLAMES_DUCKDB,
    ),
    csv(
        "ts,status,amount,order_id\n2024-01-01 00:00:00,paid,2,1\n",
        Verdict.PE,
        "G05g_csv_reordered_columns",
        "orders.csv with the right columns in another order",
        expect=ACCEPT,
        names=("orders 1",),
    ),
    csv(
        "1,2,paid,2024-01-01 00:00:00\n",
        Verdict.ABF,
        "G05h_csv_no_header",
        "orders.csv with one data row and no header",
        names=("orders.csv",),
    ),
    Probe(
        "G05i_csv_binary_garbage",
        "1 KB of binary bytes as orders.csv",
        Verdict.PE,
        shop(),
        RUN_DATA,
        names=("orders.csv",),
        steps=(Make("binary orders.csv", garbage),),
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "G05j_csv_unknown_table_file",
        "only ordres.csv (misspelt)",
        Verdict.GE,
        shop(data__ordres__csv=ORDERS_CSV),
        RUN_DATA,
        names=("orders",),
    ),
    csv(
        "order_id,amount,status,ts\nx'); DROP TABLE orders; --,2,paid,2024-01-01 00:00:00\n",
        Verdict.OK,
        "G05k_csv_quote_injection",
        'a CSV value "x\'); DROP TABLE orders; --"',
        expect=ACCEPT,
        names=("orders 1",),
    ),
    Probe(
        "G05l_data_empty_dir",
        "an empty --data folder",
        Verdict.GE,
        shop(),
        RUN_DATA,
        names=("data",),
        steps=(Mkdir("data"),),
    ),
    Probe(
        "G05m_csv_and_parquet_both",
        "orders.csv and orders.parquet both present",
        Verdict.ABF,
        shop(data__orders__csv=ORDERS_CSV),
        RUN_DATA,
        names=("orders.csv", "orders.parquet"),
        steps=(
            parquet("SELECT '1' order_id, 2.0 amount, 'paid' status, TIMESTAMP '2024-01-01' ts"),
        ),
    ),
    Probe(
        "G06_parquet_extra_columns",
        "orders.parquet with 2 extra columns (the issue: extra columns are an error)",
        Verdict.OK,
        shop(),
        RUN_DATA,
        names=("orders.parquet", ("extra1", "extra2")),
        steps=(
            parquet(
                "SELECT '1' order_id, 2.0 amount, 'paid' status, TIMESTAMP "
                "'2024-01-01 00:01:00' ts, 1 extra1, 'x' extra2"
            ),
        ),
    ),
    Probe(
        "G06b_parquet_wrong_type",
        "parquet amount='x', ts='nope'",
        Verdict.PE,
        shop(),
        RUN_DATA,
        names=("orders.parquet", ("amount", "ts")),
        check=BLAMES_DUCKDB,
        steps=(parquet("SELECT 1 order_id, 'x' amount, 'paid' status, 'nope' ts"),),
    ),
    Probe(
        "G06c_parquet_missing_column",
        "parquet without amount/status",
        Verdict.PE,
        shop(),
        RUN_DATA,
        names=("orders.parquet", ("amount", "status")),
        check=BLAMES_DUCKDB,
        steps=(parquet("SELECT '1' order_id, TIMESTAMP '2024-01-01' ts"),),
    ),
    Probe(
        "G06d_parquet_corrupt",
        "a corrupt parquet file",
        Verdict.PE,
        shop(data__orders__parquet=b"PAR1garbagePAR1"),
        RUN_DATA,
        names=("orders.parquet",),
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "G07_huge_csv",
        "a 1,000,000-row orders.csv (39 MB), Tumble + agg",
        Verdict.OK,
        shop(),
        ("run", "--data", "data", "--limit", "3"),
        ACCEPT,
        names=("1,000,000",),
        steps=(Make("1M-row orders.csv", big_csv),),
    ),
    Probe(
        "G07b_huge_output",
        "the same data through an MV that passes all 1M rows",
        Verdict.OK,
        {"pipelines/shop.py": PASS_THROUGH},
        ("run", "--data", "data", "--format", "table"),
        ACCEPT,
        names=("every_order",),
        steps=(Make("1M-row orders.csv", big_csv),),
    ),
)
