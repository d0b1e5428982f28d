"""Loading pipeline files (`ecomdsl.loader`): whatever a file does, one message with its line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomdsl.cli import app

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

HEADER = """\
from ecomdsl import MaterializedView, Pipeline, Stream, count
s = Stream("s", {"id": "varchar", "ts": "timestamp"}, event_time="ts", watermark="1 minute")
mv = MaterializedView("mv", s.group_by("id").agg(n=count()))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (the cwd) with a pipelines/ folder."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pipelines").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, body: str, name: str = "p.py") -> None:
    (project / "pipelines" / name).write_text(HEADER + textwrap.dedent(body))


def compile_output(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["compile", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def test_sys_exit_at_import_is_reported_not_obeyed(project: Path) -> None:
    write(project, "import sys\nsys.exit(3)\n")
    assert compile_output() == (
        1,
        [
            "pipelines/p.py:5: error: importing pipelines/p.py failed: it called sys.exit(3)",
            "    hint: pipeline code is run by ecomdsl, not as a script: remove the exit() call",
        ],
    )


def test_exit_in_the_test_data_generator_names_its_line(project: Path) -> None:
    write(project, 'pipeline = Pipeline("p", objects=[mv], test_data=lambda: exit(4))\n')
    code, lines = compile_output()
    assert (code, lines[0]) == (
        1,
        "pipelines/p.py:4: error: the pipeline code called sys.exit(4) while "
        "`ecomdsl compile` ran it",
    )


def test_an_exception_whose_message_raises(project: Path) -> None:
    write(
        project,
        """
        class E(Exception):
            def __str__(self) -> str:
                raise ValueError("nope")
        raise E()
        """,
    )
    assert compile_output() == (
        1,
        [
            "pipelines/p.py:8: error: importing pipelines/p.py failed: "
            "E: <its message cannot be shown: str() raised ValueError>"
        ],
    )


def test_an_error_carrying_a_builder_location_is_shown_at_that_line(project: Path) -> None:
    write(
        project,
        """
        from ecomdsl.errors import EcomdslError, SourceLocation
        err = EcomdslError("Table(primary_key=...) takes column names, not a Stream")
        err.location = SourceLocation(__file__, 2)  # type: ignore[attr-defined]
        raise err
        """,
    )
    assert compile_output() == (
        1,
        ["pipelines/p.py:2: error: Table(primary_key=...) takes column names, not a Stream"],
    )


def test_ctrl_c_at_import_is_one_line_and_exit_130(project: Path) -> None:
    write(project, "raise KeyboardInterrupt\n")
    assert compile_output() == (130, ["compile interrupted"])


def test_duplicate_pipeline_names_give_both_places(project: Path) -> None:
    write(project, 'pipeline = Pipeline("p", objects=[mv])\n', "a.py")
    write(project, 'pipeline = Pipeline("p", objects=[mv])\n', "b.py")
    assert compile_output() == (
        1,
        [
            "pipelines/b.py:4: error: two pipelines are named 'p'; each needs its own name "
            "(the other is at pipelines/a.py:4)"
        ],
    )
    (project / "pipelines" / "b.py").unlink()
    write(project, 'pipeline = Pipeline("p", objects=[mv])\nother = Pipeline("p", objects=[s])\n')
    (project / "pipelines" / "a.py").unlink()
    assert compile_output()[1] == [
        "pipelines/p.py:5: error: two pipelines are named 'p'; each needs its own name "
        "(the other is at pipelines/p.py:4)"
    ]


def test_pipeline_bound_to_something_else_says_what_it_is(project: Path) -> None:
    write(project, "pipeline = 'not a pipeline'\n")
    assert compile_output() == (
        1,
        [
            "pipelines/p.py:4: error: `pipeline` is a str, not a Pipeline",
            '    hint: a pipeline file defines `pipeline = Pipeline("name", objects=[...])`',
        ],
    )
    write(project, "pipeline = mv\n")
    assert compile_output() == (
        1,
        [
            "pipelines/p.py:4: error: `pipeline` is MaterializedView 'mv', not a Pipeline",
            '    hint: put it in a Pipeline: `pipeline = Pipeline("name", objects=[mv])`',
        ],
    )


def test_no_pipeline_says_what_the_files_define(project: Path) -> None:
    write(project, "")
    assert compile_output() == (
        1,
        [
            "no Pipeline found in pipelines (pipelines/p.py has Stream 's', "
            "MaterializedView 'mv', but no Pipeline); a pipeline file defines "
            '`pipeline = Pipeline("name", objects=[...])`'
        ],
    )


def test_paths_that_are_not_pipeline_files(project: Path) -> None:
    (project / "README.txt").write_text("hi\n")
    assert compile_output("README.txt") == (
        1,
        ["README.txt: not a pipeline file; pipeline files are Python files ending in .py"],
    )
    (project / "pipelines" / "p.py").mkdir()
    assert compile_output() == (
        1,
        [
            "pipelines/p.py: a folder, not a Python file; rename it (files ending in .py in "
            "pipelines/ are imported as pipeline files)"
        ],
    )
    (project / "pipelines" / "p.py").rmdir()
    os.mkfifo(project / "pipelines" / "fifo.py")
    assert compile_output()[1][0].startswith("pipelines/fifo.py: a named pipe (FIFO), not a Python")


def test_symlink_loops_and_dangling_links(project: Path) -> None:
    (project / "pipelines" / "loop.py").symlink_to("loop.py")
    assert compile_output() == (
        1,
        ["pipelines/loop.py: cannot read it: Too many levels of symbolic links"],
    )
    assert compile_output("pipelines/loop.py")[1] == [
        "pipelines/loop.py: cannot read it: Too many levels of symbolic links"
    ]
    (project / "pipelines" / "loop.py").unlink()
    (project / "pipelines" / "gone.py").symlink_to("nowhere.py")
    assert compile_output()[1] == [
        "pipelines/gone.py: cannot read it: it is a link to a missing file"
    ]
