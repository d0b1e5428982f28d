"""The argument checks every builder shares (`ecomdsl.dsl.arguments`): how a message names
the value it refuses, and that the error reaches the user as one line at their file and line,
through the loader and the CLI, in every output format."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomdsl import col, ref
from ecomdsl.cli import app
from ecomdsl.dsl.arguments import describe
from ecomdsl.errors import BuilderError, SourceLocation
from tests.helpers import events

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        (True, "True"),
        (42, "int 42"),
        ("no", "str 'no'"),
        (Decimal("1.5"), "Decimal Decimal('1.5')"),
        (dt.date(2024, 1, 2), "date datetime.date(2024, 1, 2)"),
        (["a", ("b", 1)], "list ['a', ('b', 1)]"),
        ({"a": 1}, "dict {'a': 1}"),
        ("x" * 50, "str '" + "x" * 36 + "..."),  # 40 characters of the repr
        (10**30, "int 1000000000000000000000000000000"),
        pytest.param(10**5000, "an int of 16610 bits", id="too-long-to-print"),
        # never a repr that changes between runs: a set's order, an object's address
        ({"b", "a"}, "a set of 2"),
        (frozenset(), "a frozenset of 0"),
        ([object()], "a list of 1"),
        (object(), "an object of type object"),
        (col("amount"), "col('amount')"),
        (col("a") > 1, "an expression (BinaryOp)"),
        (events(), "the stream 'events'"),
        (events().where(col("quantity") > 1), "a query (Filter)"),
        (events().group_by("user_id"), "a group_by() without its .agg(...)"),
        (ref("totals"), "ref('totals')"),
    ],
)
def test_a_message_names_the_value_it_refuses(value: object, shown: str) -> None:
    assert describe(value) == shown


def test_the_error_renders_as_one_diagnostic_without_a_count() -> None:
    where = SourceLocation("/somewhere/pipelines/p.py", 7)
    err = BuilderError("X(y=...) takes a name (str), not int 1", where, obj="x", hint="a hint")
    assert err.render(Path("/somewhere")) == (
        "pipelines/p.py:7: error: x: X(y=...) takes a name (str), not int 1\n    hint: a hint"
    )
    assert str(err) == err.render()
    assert (err.location, err.message) == (where, "X(y=...) takes a name (str), not int 1")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway project (the cwd) whose pipeline file makes one builder mistake."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "pipelines").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, body: str) -> None:
    header = (
        "from ecomdsl import *\n"
        's = Stream("s", {"id": "varchar", "ts": "timestamp"}, event_time="ts")\n'
    )
    (project / "pipelines" / "builder_mistake.py").write_text(header + textwrap.dedent(body))


def test_the_cli_prints_the_error_at_the_users_line(project: Path) -> None:
    write(
        project,
        """
        mv = MaterializedView("mv", "SELECT * FROM s")
        pipeline = Pipeline("p", objects=[mv])
        """,
    )
    result = runner.invoke(app, ["compile"])
    assert (result.exit_code, result.output) == (
        1,
        "pipelines/builder_mistake.py:4: error: mv: MaterializedView(query=...) takes a relation "
        "(a Table, Stream, View, MaterializedView, ref() or a query built on one), not str "
        "'SELECT * FROM s'\n"
        "    hint: build the query with the builders, e.g. events.where(...).select(...)\n",
    )
    assert not (project / "generated").exists()


def test_lint_reports_the_error_in_the_format_asked_for(project: Path) -> None:
    write(project, 'pipeline = Pipeline("p", objects=s)\n')
    result = runner.invoke(app, ["lint", "--format", "json"])
    assert result.exit_code == 1
    [error] = json.loads(result.output)["errors"]
    assert (error["file"], error["line"], error["object"]) == (
        "pipelines/builder_mistake.py",
        3,
        None,
    )
    assert error["message"] == (
        "Pipeline(objects=...) takes a list of Table, Stream, View and MaterializedView objects, "
        "not the stream 's'"
    )
    result = runner.invoke(app, ["lint", "--format", "github"])
    assert result.output.startswith("::error file=pipelines/builder_mistake.py,line=3,")


def test_iterating_a_relation_fails_at_once_instead_of_running_out_of_memory(
    project: Path,
) -> None:
    """``Relation.__getitem__`` once made ``list(s)`` ask ``s[0]``, ``s[1]``, ... forever."""
    write(project, 'columns = list(s)\npipeline = Pipeline("p", objects=[s])\n')
    result = runner.invoke(app, ["compile"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "pipelines/builder_mistake.py:3: error: the stream 's' is not iterable: "
    )
