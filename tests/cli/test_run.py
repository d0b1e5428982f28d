"""`ecomdsl run`: the local preview on embedded DuckDB, from test data or from files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from ecomdsl.cli import app
from ecomdsl.testing.rows import diff_rows
from pipelines.ecommerce_data import generate
from tests.reference.views import ALL_VIEWS

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def _parse_json_rows(
    rows: list[dict[str, object]], like: list[dict[str, object]]
) -> list[dict[str, object]]:
    """JSON gives numbers and ISO strings; convert back to the reference's Python types."""
    import datetime as dt
    import decimal

    out = []
    for row in rows:
        fixed = {}
        for key, value in row.items():
            sample = next((r[key] for r in like if r[key] is not None), None)
            if isinstance(sample, dt.datetime) and isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(sample, decimal.Decimal) and value is not None:
                value = decimal.Decimal(str(value))
            fixed[key] = value
        out.append(fixed)
    return out


def test_run_prints_every_view_as_a_table(seed_project: Path) -> None:
    result = runner.invoke(app, ["run", "pipelines/ecommerce.py", "--limit", "2"])
    assert result.exit_code == 0, result.output
    for view in ALL_VIEWS:
        assert f"\n{view} (" in "\n" + result.stdout
    assert "funnel_analysis (1 row)" in result.stdout
    assert "revenue_tracker (2 of 408 rows)" in result.stdout
    assert "user_events 4,248 (7 late dropped)" in result.stderr


def test_run_json_matches_the_reference(seed_project: Path) -> None:
    result = runner.invoke(app, ["run", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data) == sorted(ALL_VIEWS)
    statements = generate()
    for view, rows in data.items():
        expected = ALL_VIEWS[view](statements)
        assert diff_rows(_parse_json_rows(rows, expected), expected) == [], view
    hour = data["anomaly_detection"][0]["hour"]
    assert hour == "2026-03-02T00:00:00"


def test_run_one_view_as_csv(seed_project: Path) -> None:
    result = runner.invoke(app, ["run", "-v", "funnel_analysis", "-f", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 1 and rows[0]["total_sessions"] == "1221"


def test_run_unknown_view_or_pipeline(seed_project: Path) -> None:
    result = runner.invoke(app, ["run", "-v", "funnel"])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "pipeline 'ecommerce' has no object 'funnel'; did you mean 'funnel_analysis'?"
    )
    result = runner.invoke(app, ["run", "-p", "shop"])
    assert result.exit_code == 1 and "no pipeline named 'shop' (found: ecommerce)" in result.output


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: "" if v is None else json.dumps(v) if isinstance(v, dict) else v
                    for k, v in row.items()
                }
            )


def test_run_from_csv_files_applies_the_late_rule_per_file(seed_project: Path) -> None:
    statements = generate()
    data = seed_project / "data"
    event_files = 0
    for table, rows in statements:
        if table == "user_events":
            _write_csv(data / "user_events" / f"{event_files:03}.csv", list(rows))
            event_files += 1
        else:
            _write_csv(data / f"{table}.csv", list(rows))
    result = runner.invoke(app, ["run", "--data", "data", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "user_events 4,248 (7 late dropped)" in result.stderr
    out = json.loads(result.stdout)
    for view, rows in out.items():
        expected = ALL_VIEWS[view](statements)
        assert diff_rows(_parse_json_rows(rows, expected), expected) == [], view


def test_run_from_parquet_and_bad_data_folder(seed_project: Path) -> None:
    import duckdb

    statements = generate()
    data = seed_project / "pq"
    data.mkdir()
    con = duckdb.connect()
    try:
        for table, rows in statements[:2]:
            _write_csv(seed_project / f"{table}.csv", list(rows))
            con.execute(
                f"COPY (SELECT * FROM read_csv('{seed_project / table}.csv', header=true)) "
                f"TO '{data / table}.parquet' (FORMAT parquet)"
            )
    finally:
        con.close()
    result = runner.invoke(app, ["run", "--data", "pq", "-v", "product_performance", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 50 and {r["view_count"] for r in rows} == {"0"}
    missing = runner.invoke(app, ["run", "--data", "nowhere"])
    assert missing.exit_code == 1 and missing.output.strip() == "--data nowhere: no such folder"
