"""`ecomdsl run --data`: files are matched to input tables by column name, and every way a
file does not fit is one message naming the file (and the row and column)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomdsl.cli import app

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

SHOP = """
from ecomdsl import MaterializedView, Pipeline, Stream, Tumble, col, count, sum_

orders = Stream(
    "orders",
    {"order_id": "varchar", "amount": "numeric", "status": "varchar", "ts": "timestamp"},
    event_time="ts",
    watermark="2 minutes",
)
revenue = MaterializedView(
    "revenue_5m",
    Tumble(orders, "ts", "5 minutes")
    .where(col("status") == "paid")
    .group_by("window_start", "window_end")
    .agg(n=count(), revenue=sum_(col("amount"))),
)
pipeline = Pipeline("shop", objects=[orders, revenue])
"""
HINT = (
    "    hint: a CSV file starts with a header line naming its columns, in any order: "
    "order_id,amount,status,ts"
)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the shop pipeline (the cwd); returns its empty data/ folder."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "shop.py").write_text(textwrap.dedent(SHOP))
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def run_data(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["run", "--data", "data", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def parquet(path: Path, select: str) -> None:
    import duckdb

    duckdb.sql(f"COPY ({select}) TO '{path}' (FORMAT parquet)")


def test_csv_columns_are_matched_by_name_not_position(data: Path) -> None:
    (data / "orders.csv").write_text(
        "ts,status,amount,order_id\n2024-01-01 00:00:00,paid,2.5,o1\n2024-01-01 00:01:00,new,9,o2\n"
    )
    result = runner.invoke(app, ["run", "--data", "data", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "revenue_5m": [
            {
                "window_start": "2024-01-01T00:00:00",
                "window_end": "2024-01-01T00:05:00",
                "n": 1,
                "revenue": 2.5,
            }
        ]
    }


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ("id,amt,st,time\n1,2,paid,2024-01-01 00:00:00\n", "id,amt,st,time"),
        ("1,2,paid,2024-01-01 00:00:00\n", "1,2,paid,2024-01-01 00:00:00"),
        ("order_id;amount;status;ts\n1;2;paid;2024-01-01\n", "order_id;amount;status;ts"),
    ],
)
def test_a_first_line_naming_no_column_is_not_a_header(
    data: Path, text: str, first_line: str
) -> None:
    (data / "orders.csv").write_text(text)
    assert run_data() == (
        1,
        [
            "data/orders.csv: its first line names none of the columns of table 'orders' "
            f"(it has: {first_line})",
            HINT,
        ],
    )


def test_missing_and_extra_columns_are_named(data: Path) -> None:
    (data / "orders.csv").write_text("order_id,amount,status,ts,extra\n1,2,paid,2024-01-01,x\n")
    assert run_data() == (
        1,
        [
            "data/orders.csv: column 'extra' is not in table 'orders'",
            "    hint: table 'orders' has the columns order_id, amount, status, ts, in any order",
        ],
    )
    (data / "orders.csv").write_text("order_id,amout,ts\n1,2,2024-01-01\n")
    assert run_data() == (
        1,
        [
            "data/orders.csv: column 'amout' is not in table 'orders', and columns 'amount', "
            "'status' are missing",
            "    hint: did you mean 'amount'?",
        ],
    )
    (data / "orders.csv").write_text("order_id,amount,amount,status,ts\n")
    assert run_data()[1] == ["data/orders.csv: column 'amount' is named twice"]


def test_empty_and_binary_files(data: Path) -> None:
    csv = data / "orders.csv"
    csv.write_text("")
    assert run_data() == (1, ["data/orders.csv: the file is empty", HINT])
    csv.write_text("\n")
    assert run_data() == (1, ["data/orders.csv: its first line is empty", HINT])
    csv.write_bytes(bytes(range(256)) * 4)
    assert run_data()[1] == ["data/orders.csv: not a CSV file: it is not UTF-8 text"]
    csv.write_bytes(b"order_id,amount\x00,status,ts\n")
    assert run_data()[1] == ["data/orders.csv: not a CSV file: its first line has a NUL byte"]


def test_header_only_loads_no_rows(data: Path) -> None:
    (data / "orders.csv").write_text("order_id,amount,status,ts\n")
    code, lines = run_data()
    assert code == 0 and "shop: loaded orders 0; NOW() = 1970-01-01 00:00:00" in lines


def test_a_value_of_the_wrong_type_names_the_row_and_column(data: Path) -> None:
    (data / "orders.csv").write_text(
        "order_id,amount,status,ts\n"
        "1,2,paid,2024-01-01 00:00:00\n"
        "2,3,paid,2024-01-01 00:01:00\n"
        "3,3,paid,not-a-time\n"
    )
    assert run_data() == (
        1,
        [
            "data/orders.csv: row 3, column 'ts': 'not-a-time' is not a valid timestamp",
            "    hint: write it like 2024-01-01 12:30:00",
        ],
    )
    (data / "orders.csv").write_text("order_id,amount,status,ts\n1,lots,paid,2024-01-01\n")
    assert run_data() == (
        1,
        ["data/orders.csv: row 1, column 'amount': 'lots' is not a valid numeric"],
    )


def test_malformed_csv_lines(data: Path) -> None:
    (data / "orders.csv").write_text("order_id,amount,status,ts\n1,2,paid,2024-01-01,x\n")
    assert run_data()[1] == [
        "data/orders.csv: cannot read it as CSV: line 2: Expected Number of Columns: 4 Found: 5"
    ]
    (data / "orders.csv").write_text('order_id,amount,status,ts\n1,2,"paid,2024-01-01\n')
    assert run_data()[1] == [
        "data/orders.csv: cannot read it as CSV: line 2: Value with unterminated quote found."
    ]


def test_parquet_files_are_checked_the_same_way(data: Path) -> None:
    pq = data / "orders.parquet"
    parquet(pq, "SELECT '1' order_id, TIMESTAMP '2024-01-01' ts")
    assert run_data() == (
        1,
        [
            "data/orders.parquet: columns 'amount', 'status' are missing",
            "    hint: table 'orders' has the columns order_id, amount, status, ts, in any order",
        ],
    )
    parquet(pq, "SELECT 1 order_id, 'x' amount, 'paid' status, 'nope' ts")
    assert run_data()[1] == [
        "data/orders.parquet: row 1, column 'amount': 'x' is not a valid numeric"
    ]
    parquet(pq, "SELECT 1 a, 2 b")
    assert run_data()[1] == [
        "data/orders.parquet: it has none of the columns of table 'orders' (it has: a,b)"
    ]
    pq.write_bytes(b"PAR1garbagePAR1")
    assert run_data()[1] == [
        "data/orders.parquet: cannot read it as Parquet: Footer length error in file "
        "'data/orders.parquet'"
    ]


def test_two_sources_for_one_table_are_refused(data: Path) -> None:
    (data / "orders.csv").write_text("order_id,amount,status,ts\n1,2,paid,2024-01-01\n")
    parquet(data / "orders.parquet", "SELECT * FROM read_csv('data/orders.csv')")
    message = (
        "--data data: orders.csv and orders.parquet are both there for table 'orders'; keep "
        "one (each would be loaded, so its rows would count twice)"
    )
    assert run_data() == (1, [message])
    (data / "orders.parquet").unlink()
    (data / "orders").mkdir()
    assert run_data()[1] == [message.replace("orders.parquet", "orders/")]


def test_no_file_for_any_table_names_the_files_there(data: Path) -> None:
    assert run_data()[1] == ["--data data: no input files; expected e.g. orders.csv"]
    (data / "ordres.csv").write_text("order_id,amount,status,ts\n")
    assert run_data()[1] == [
        "--data data: no file for an input table (found ordres.csv); expected e.g. orders.csv",
        "    hint: did you mean 'orders'?",
    ]


def test_a_table_preview_shows_the_first_rows_and_how_many_there_are(data: Path) -> None:
    rows = "".join(f"o{i:04},{i},paid,2024-01-01 00:00:{i % 60:02}\n" for i in range(1500))
    (data / "orders.csv").write_text("order_id,amount,status,ts\n" + rows)
    result = runner.invoke(app, ["run", "--data", "data", "-v", "orders"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0] == "orders (20 of 1,500 rows)"
    assert lines[3].startswith("o0000    | 0      | paid   | 2024-01-01 00:00:00")
    assert len(lines) == 3 + 20
