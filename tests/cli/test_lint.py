"""`ecomdsl lint`, `ecomdsl explain`, and lint findings in `compile`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomdsl.cli import app

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

SHOP = """
from ecomdsl import Join, MaterializedView, Pipeline, Stream, Table, Tumble, col, count

orders = Stream(
    "orders",
    {"order_id": "varchar", "customer": "varchar", "amount": "numeric", "ts": "timestamp"},
    event_time="ts",
    watermark="1 minute",
)
customers = Table("customers", {"customer": "varchar", "tier": "varchar"}, primary_key="customer")
by_tier = MaterializedView(
    "by_tier",
    Join(orders, customers, on="customer").group_by(customers.c.tier).agg(n=count()),
)
hourly = MaterializedView(
    "hourly",
    Tumble(orders, "ts", size="1 hour").group_by("window_start").agg(n=count()),
    emit_on_window_close=True,
)
pipeline = Pipeline("shop", objects=[orders, customers, by_tier, hourly])
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "shop.py").write_text(textwrap.dedent(SHOP))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_lint_text(project: Path) -> None:
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "pipelines/shop.py:13: warning[RW101]: by_tier: regular join of orders and customers keeps "
        "both inputs in state, and orders grows without bound"
    )
    assert lines[1].startswith("    hint: join to a table with temporal=True")
    assert (
        "pipelines/shop.py:13: warning[RW102]: by_tier: GROUP BY over an unbounded stream"
        in result.output
    )
    assert lines[-1] == "shop: 0 error(s), 2 warning(s), 0 suppressed"


def test_lint_json_and_github(project: Path) -> None:
    data = json.loads(runner.invoke(app, ["lint", "--format", "json"]).output)
    findings = data["pipelines"][0]["findings"]
    assert [(f["code"], f["object"], f["file"], f["line"]) for f in findings] == [
        ("RW101", "by_tier", "pipelines/shop.py", 13),
        ("RW102", "by_tier", "pipelines/shop.py", 13),
    ]
    github = runner.invoke(app, ["lint", "--format", "github"]).output.splitlines()
    assert github[0].startswith(
        "::warning file=pipelines/shop.py,line=13,title=RW101 regular join without a watermark%2C "
        "interval or temporal bound::by_tier: regular join"
    )


def test_lint_errors_exit_1_and_fail_compile(project: Path) -> None:
    path = project / "pipelines" / "shop.py"
    path.write_text(path.read_text().replace('group_by("window_start")', 'group_by("customer")'))
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 1
    assert (
        "pipelines/shop.py:17: error[RW006]: hourly: EMIT ON WINDOW CLOSE needs a watermark column"
        in (result.output)
    )
    compiled = runner.invoke(app, ["compile"])
    assert compiled.exit_code == 1
    assert "error[RW006]" in compiled.output and not (project / "generated").exists()


def test_compile_prints_warnings_and_suppressions_are_listed(project: Path) -> None:
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 0
    assert "warning[RW101]: by_tier" in result.stderr
    path = project / "pipelines" / "shop.py"
    path.write_text(
        path.read_text().replace(
            ".agg(n=count()),\n)\nhourly",
            '.agg(n=count()),\n    allow={"RW101": "customers is small", "RW102": "few tiers"},'
            "\n)\nhourly",
        )
    )
    quiet = runner.invoke(app, ["compile"])
    assert "warning[" not in quiet.stderr
    assert "shop: 2 warning(s) suppressed (`ecomdsl lint` lists them)" in quiet.stderr
    listed = runner.invoke(app, ["lint"]).output
    assert "pipelines/shop.py:13: RW101 on by_tier: customers is small" in listed


def test_lint_resolve_errors_in_every_format(project: Path) -> None:
    path = project / "pipelines" / "shop.py"
    path.write_text(path.read_text().replace('"tier": "varchar"', '"tier": "varchar(10)"'))
    text = runner.invoke(app, ["lint"])
    assert text.exit_code == 1 and "error[RW007]: customers: column 'tier'" in text.output
    data = json.loads(runner.invoke(app, ["lint", "-f", "json"]).output)
    assert data["errors"][0]["code"] == "RW007"
    assert runner.invoke(app, ["lint", "-f", "github"]).output.startswith(
        "::error file=pipelines/shop.py"
    )


def test_lint_load_and_config_errors_in_every_format(project: Path) -> None:
    (project / "pipelines" / "shop.py").write_text("this is not python\n")
    text = runner.invoke(app, ["lint"])
    assert (text.exit_code, text.output.splitlines()) == (
        1,
        [
            "pipelines/shop.py:1: error: importing pipelines/shop.py failed: NameError: "
            "name 'this' is not defined"
        ],
    )
    data = json.loads(runner.invoke(app, ["lint", "-f", "json"]).output)
    assert data == {
        "errors": [
            {
                "code": None,
                "severity": "error",
                "object": None,
                "file": "pipelines/shop.py",
                "line": 1,
                "message": "importing pipelines/shop.py failed: NameError: name 'this' is "
                "not defined",
                "hint": None,
                "title": None,
            }
        ]
    }
    github = runner.invoke(app, ["lint", "-f", "github"])
    assert (github.exit_code, github.output) == (
        1,
        "::error file=pipelines/shop.py,line=1,title=ecomdsl::importing pipelines/shop.py "
        "failed: NameError: name 'this' is not defined\n",
    )
    (project / "pipelines" / "shop.py").write_text(textwrap.dedent(SHOP))
    (project / "pyproject.toml").write_text("[tool.ecomdsl.lint]\nseverity = 5\n")
    config = json.loads(runner.invoke(app, ["lint", "-f", "json"]).output)["errors"][0]
    assert (config["file"], config["line"], config["message"]) == (
        None,
        None,
        "pyproject.toml [tool.ecomdsl.lint]: severity = 5; it is a table of rule = level, "
        'e.g. [tool.ecomdsl.lint.severity] with RW102 = "error"',
    )
    assert runner.invoke(app, ["lint", "-f", "github"]).output.startswith(
        "::error title=ecomdsl::pyproject.toml [tool.ecomdsl.lint]: severity = 5;"
    )


def test_explain_of_a_name_two_pipelines_share(project: Path) -> None:
    other = SHOP.replace('Pipeline("shop"', 'Pipeline("shop2"')
    (project / "pipelines" / "shop2.py").write_text(textwrap.dedent(other))
    both = runner.invoke(app, ["explain", "hourly"])
    assert (both.exit_code, both.output.splitlines()) == (
        1,
        [
            "2 pipelines have an object named 'hourly' (shop, shop2); choose one with "
            "--pipeline, e.g. `ecomdsl explain hourly --pipeline shop`, or give its pipeline "
            "file after the name"
        ],
    )
    chosen = runner.invoke(app, ["explain", "hourly", "--pipeline", "shop2"])
    assert chosen.exit_code == 0 and chosen.output.startswith("hourly (materialized view)\n")
    by_file = runner.invoke(app, ["explain", "hourly", "pipelines/shop2.py"])
    assert by_file.exit_code == 0 and by_file.output == chosen.output
    unknown = runner.invoke(app, ["explain", "hourly", "-p", "nope"])
    assert unknown.output.strip() == "no pipeline named 'nope' (found: shop, shop2)"


def test_explain(project: Path) -> None:
    result = runner.invoke(app, ["explain", "hourly"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "hourly (materialized view)",
        "  reads:        orders",
        "  append-only:  yes",
        "  watermarks:   window_start (from orders)",
        "  emit:         on window close",
        "  state:        aggregate state per window, closed by watermark",
        "  rules:        none fire",
    ]
    by_tier = runner.invoke(app, ["explain", "by_tier"]).output
    assert "  append-only:  no (updates and deletes)" in by_tier
    assert "  warning[RW101]: regular join of orders and customers" in by_tier
    missing = runner.invoke(app, ["explain", "hourli"])
    assert (
        missing.exit_code == 1
        and missing.output.strip() == "no object named 'hourli'; did you mean 'hourly'?"
    )


def test_seed_lint_passes(seed_project: Path) -> None:
    result = runner.invoke(app, ["lint", "pipelines/"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "ecommerce: 0 error(s), 0 warning(s), 5 suppressed"
