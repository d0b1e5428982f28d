"""The command line: compile, check, graph; errors are one message and exit code 1."""

from __future__ import annotations

import textwrap
from pathlib import Path

from typer.testing import CliRunner

from ecomdsl.cli import app
from tests.helpers import ROOT

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def write_pipeline(seed_project: Path, body: str, name: str = "shop.py") -> Path:
    path = seed_project / "pipelines" / name
    path.write_text(textwrap.dedent(body))
    return path


def test_help_explains_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("compile", "check", "graph"):
        assert command in result.output
    compile_help = runner.invoke(app, ["compile", "--help"]).output
    assert "generated/<pipeline>/" in compile_help and "--out" in compile_help


def test_compile_then_check(seed_project: Path) -> None:
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 0, result.output
    assert "wrote     generated/ecommerce/create_views.sql" in result.output
    assert result.output.strip().endswith("4 file(s) written, 0 unchanged")
    for name in ("create_tables.sql", "create_views.sql", "insert_test_data.sql", "drop.sql"):
        assert (seed_project / "generated" / "ecommerce" / name).read_text() == (
            ROOT / "generated" / "ecommerce" / name
        ).read_text()
    again = runner.invoke(app, ["compile"])
    assert again.output.strip().endswith("0 file(s) written, 4 unchanged")
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_check_reports_stale_files_with_a_diff(seed_project: Path) -> None:
    assert runner.invoke(app, ["compile"]).exit_code == 0
    views = seed_project / "generated" / "ecommerce" / "create_views.sql"
    views.write_text(views.read_text().replace("COUNT(DISTINCT user_id)", "COUNT(user_id)"))
    (seed_project / "generated" / "ecommerce" / "old.sql").write_text("SELECT 1;\n")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "--- generated/ecommerce/create_views.sql" in result.output
    assert "+++ generated/ecommerce/create_views.sql (fresh compile)" in result.output
    assert "-  COUNT(user_id) AS unique_visitors," in result.output
    assert "+  COUNT(DISTINCT user_id) AS unique_visitors," in result.output
    assert "--- generated/ecommerce/old.sql" in result.output
    assert "2 generated file(s) are stale" in result.output
    # compile repairs it and removes the stray file
    fixed = runner.invoke(app, ["compile"])
    assert "removed   generated/ecommerce/old.sql" in fixed.output
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_compile_errors_are_one_message_and_exit_1(seed_project: Path) -> None:
    write_pipeline(
        seed_project,
        """
        from ecomdsl import MaterializedView, Pipeline, Table, col, count, sum_
        t = Table("orders", {"id": "varchar", "amount": "numeric", "status": "varchar"})
        a = MaterializedView("a", t.group_by("stauts").agg(n=count()))
        b = MaterializedView("b", t.agg(total=sum_(col("status"))))
        pipeline = Pipeline("shop", objects=[t, a, b])
        """,
    )
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines() == [
        "pipelines/shop.py:4: error: a: column 'stauts' not found in 'orders'",
        "    hint: did you mean 'status'?",
        "pipelines/shop.py:5: error: b: sum() needs a numeric or interval argument; 'status' is varchar",
        "2 errors found",
    ]
    assert not (seed_project / "generated" / "shop").exists()
    debug = runner.invoke(app, ["--debug", "compile"])
    assert debug.exit_code == 1 and debug.exception is not None


def test_import_errors_are_reported(seed_project: Path) -> None:
    write_pipeline(seed_project, "import no_such_module\n")
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "pipelines/shop.py:1: error: importing pipelines/shop.py failed: "
        "ModuleNotFoundError: No module named 'no_such_module'"
    )


def test_builder_misuse_points_at_the_users_line(seed_project: Path) -> None:
    write_pipeline(
        seed_project,
        """
        from ecomdsl import Table, col
        t = Table("orders", {"id": "varchar"})
        bad = t.where(col("id") == "a" and col("id") == "b")
        """,
    )
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "pipelines/shop.py:4: error: importing pipelines/shop.py failed: TypeError: "
        "an ecomdsl expression has no truth value: use & | ~ instead of and/or/not"
    )


def test_missing_path_and_no_pipeline(seed_project: Path) -> None:
    result = runner.invoke(app, ["compile", "nowhere.py"])
    assert (result.exit_code, result.output.strip()) == (
        1,
        "nowhere.py: no such pipeline file or folder",
    )
    empty = seed_project / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["compile", "empty"])
    assert result.exit_code == 1
    assert result.output.startswith("no Pipeline found in empty")


def test_compile_to_another_folder(seed_project: Path) -> None:
    result = runner.invoke(app, ["compile", "--out", "build/sql"])
    assert result.exit_code == 0
    assert (seed_project / "build" / "sql" / "ecommerce" / "create_tables.sql").is_file()
    assert not (seed_project / "generated").exists()


def test_graph_text_and_mermaid(seed_project: Path) -> None:
    text = runner.invoke(app, ["graph"])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0] == "pipeline ecommerce"
    assert "  products (table)" in lines
    assert "    user_events_watermarked (view)" in lines
    assert "      anomaly_detection (materialized view)" in lines
    mermaid = runner.invoke(app, ["graph", "--format", "mermaid"]).output
    assert mermaid.startswith("flowchart LR\n")
    assert '[["anomaly_detection (materialized view)"]]' in mermaid
    assert mermaid.count(" --> ") == 9  # the users table is read by no view


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("ecomdsl ")
