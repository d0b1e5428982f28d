"""Suppressions with their reasons, severities from pyproject.toml, and the seed pipeline's
listed suppressions (`ecomdsl.lint.engine`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecomdsl import MaterializedView, Pipeline, col, count, sum_
from ecomdsl.lint import lint
from ecomdsl.lint.engine import ConfigError, load_severities
from ecomdsl.model.resolve import resolve
from tests.helpers import events
from tests.lint.helpers import compile_fails_with, hourly, issues


def test_suppression_with_reason_is_listed() -> None:
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()), allow={"RW102": "few users"})
    result = lint(resolve(Pipeline("t", objects=[m, hourly(e)])))
    assert result.issues == ()
    assert [(s.finding.code, s.reason) for s in result.suppressed] == [("RW102", "few users")]


def test_rw201_rw202_bad_suppressions() -> None:
    e = events()
    no_reason = MaterializedView("a", e.group_by("user_id").agg(n=count()), allow={"RW102": " "})
    nothing = MaterializedView("b", hourly(e).query, allow={"RW101": "just in case"})
    error_rule = MaterializedView("c", e.agg(n=sum_(col("amount"))), allow={"RW006": "no"})
    unknown = MaterializedView("d", e.agg(n=count()), allow={"RW999": "?"})
    found = [
        (i.finding.code, i.finding.obj, i.finding.message)
        for i in issues(no_reason, nothing, error_rule, unknown, hourly(e))
        if i.severity == "error"
    ]
    assert found == [
        ("RW201", "a", "allow={'RW102': ...} needs a reason"),
        ("RW202", "b", "allow={'RW101': ...} silences nothing: RW101 does not fire on 'b'"),
        (
            "RW202",
            "c",
            "allow: RW006 is an error (RisingWave would reject the view); it cannot be allowed",
        ),
        ("RW202", "d", "allow: unknown rule 'RW999'"),
    ]
    compile_fails_with("RW202", nothing, hourly(e))


def test_severity_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ecomdsl.lint.severity]\nRW102 = "error"\nRW107 = "off"\n'
    )
    assert load_severities(tmp_path) == {"RW102": "error", "RW107": "off"}
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()))
    result = lint(resolve(Pipeline("t", objects=[m])), load_severities(tmp_path))
    assert [(i.finding.code, i.severity) for i in result.issues] == [("RW102", "error")]
    (tmp_path / "pyproject.toml").write_text('[tool.ecomdsl.lint.severity]\nRW006 = "warning"\n')
    with pytest.raises(ConfigError, match="RW006 is an error"):
        load_severities(tmp_path)


def test_seed_pipeline_is_clean_with_listed_suppressions() -> None:
    from pipelines.ecommerce import pipeline

    result = lint(resolve(pipeline, test_data=False))
    assert result.issues == ()
    assert sorted((s.finding.code, s.finding.obj) for s in result.suppressed) == [
        ("RW102", "funnel_analysis"),
        ("RW102", "pageview_metrics"),
        ("RW102", "product_performance"),
        ("RW102", "product_view_metrics"),
        ("RW103", "anomaly_detection"),
    ]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[tool.ecomdsl.lint]\nseverity = 5\n",
            "pyproject.toml [tool.ecomdsl.lint]: severity = 5; it is a table of rule = level, "
            'e.g. [tool.ecomdsl.lint.severity] with RW102 = "error"',
        ),
        (
            "[tool.ecomdsl]\nlint = 'strict'\n",
            "pyproject.toml: tool.ecomdsl.lint = 'strict'; it must be a table [tool.ecomdsl.lint]",
        ),
        ("tool = 1\n", "pyproject.toml: tool = 1; it must be a table [tool]"),
        (
            "[tool.ecomdsl.lint.serverity]\nRW102 = 'error'\n",
            "pyproject.toml [tool.ecomdsl.lint]: unknown key 'serverity'; did you mean 'severity'?",
        ),
        (
            "[tool.ecomdsl.lint.severity]\nRW1002 = 'error'\n",
            "pyproject.toml [tool.ecomdsl.lint.severity]: unknown rule 'RW1002'; "
            "did you mean 'RW102'?",
        ),
        (
            "[tool.ecomdsl.lint.severity]\nRW102 = ['error']\n",
            "pyproject.toml [tool.ecomdsl.lint.severity]: RW102 = ['error']; "
            "use 'error', 'warning' or 'off'",
        ),
        (
            "[tool.ecomdsl.lint.severity]\nRW102 = 'fatal'\n",
            "pyproject.toml [tool.ecomdsl.lint.severity]: RW102 = 'fatal'; "
            "use 'error', 'warning' or 'off'",
        ),
    ],
)
def test_bad_lint_config_is_one_message(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_severities(tmp_path)
    assert str(info.value) == message


def test_pyproject_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"# \xff\n")
    with pytest.raises(ConfigError) as info:
        load_severities(tmp_path)
    assert str(info.value) == "pyproject.toml: not UTF-8 text (byte 2)"
