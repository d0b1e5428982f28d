"""Report probes K: relations used as lists, lint output formats, explain, pyproject settings
and odd pipeline files."""

from __future__ import annotations

import json

from tests.bad_inputs.checks import never_says
from tests.bad_inputs.probe import Probe, ProbeView, Verdict
from tests.bad_inputs.sources import PIPE, a_file, mv, pq, q_file
from tests.bad_inputs.steps import Fifo, Symlink

BROKEN = {"pipelines/p.py": "this is not python\n"}


def json_out(view: ProbeView) -> list[str]:
    """``--format json`` prints JSON on stdout, also when the pipeline does not import."""
    try:
        json.loads(view.stdout)
    except ValueError:
        return ["stdout is not JSON"]
    return []


def github_out(view: ProbeView) -> list[str]:
    """``--format github`` prints ``::error`` annotations, also for an import failure."""
    return [] if "::error" in view.stdout else ["no ::error annotation on stdout"]


def pipeline_ab(column: str, name: str) -> str:
    return q_file(
        f'mv = MaterializedView("mv", s.select("{column}"))',
        f'pipeline = Pipeline("{name}", objects=[mv])',
    )


PROBES: tuple[Probe, ...] = (
    Probe(
        "K01_pk_is_relation",
        "Table(..., primary_key=s) (a relation)",
        Verdict.HANG,
        pq('t = Table("t", {"a": "int"}, primary_key=s)', "pipeline = Pipeline('p', objects=[t])"),
        names=("primary_key",),
        at="t = Table",
        smoke=True,
    ),
    Probe(
        "K01b_in_operator_on_relation",
        "'id' in s",
        Verdict.GE,
        pq("x = 'id' in s", 'mv = MaterializedView("mv", s.select("id"))', PIPE),
        names=(("`in`", "isin"),),
        at="x = 'id' in s",
    ),
    Probe(
        "K01c_list_of_relation",
        "list(s) at import",
        Verdict.HANG,
        pq("cols = list(s)", 'mv = MaterializedView("mv", s.select("id"))', PIPE),
        names=(("iterable", "iterate", "list"),),
        at="cols = list(s)",
    ),
    Probe(
        "K02_lint_json_on_load_error",
        "lint --format json on a file that does not import",
        Verdict.PE,
        BROKEN,
        ("lint", "--format", "json"),
        names=("pipelines/p.py",),
        check=json_out,
    ),
    Probe(
        "K02b_lint_json_on_compile_error",
        "lint --format json on a column error",
        Verdict.GE,
        mv('s.select("idd")'),
        ("lint", "--format", "json"),
        names=("idd",),
        check=json_out,
    ),
    Probe(
        "K02c_lint_github_on_load_error",
        "lint --format github on an import failure",
        Verdict.PE,
        BROKEN,
        ("lint", "--format", "github"),
        names=("pipelines/p.py",),
        check=github_out,
    ),
    Probe(
        "K03_graph_cycle",
        "graph on a cycle",
        Verdict.GE,
        pq(
            'a = MaterializedView("a", ref("b").select("id"))',
            'b = MaterializedView("b", a.select("id"))',
            "pipeline = Pipeline('p', objects=[a, b])",
        ),
        ("graph",),
        names=("cycle", "pipelines/p.py:"),
    ),
    Probe(
        "K03b_explain_broken_pipeline",
        "explain mv when the pipeline has an error",
        Verdict.GE,
        mv('s.select("idd")'),
        ("explain", "mv"),
        names=("idd",),
        at="mv = ",
    ),
    Probe(
        "K03c_explain_dup_across_pipelines",
        "explain mv with 'mv' in pipelines a and b",
        Verdict.ABF,
        {"pipelines/a.py": pipeline_ab("id", "a"), "pipelines/b.py": pipeline_ab("amount", "b")},
        ("explain", "mv"),
        names=("mv", ("--pipeline", "pipelines", "'a'", "a.mv")),
    ),
    Probe(
        "K04_severity_bad_level",
        "[tool.ecomdsl.lint.severity] RW102 = 'fatal'",
        Verdict.GE,
        {
            **mv('s.select("id")'),
            "pyproject.toml": "[tool.ecomdsl.lint.severity]\nRW102 = 'fatal'\n",
        },
        names=("RW102", "fatal", "pyproject.toml"),
    ),
    Probe(
        "K04b_severity_level_not_str",
        "[tool.ecomdsl.lint] severity = 5",
        Verdict.TB,
        {**mv('s.select("id")'), "pyproject.toml": "[tool.ecomdsl.lint]\nseverity = 5\n"},
        names=("severity", "pyproject.toml"),
    ),
    Probe(
        "K04c_pyproject_not_utf8",
        "pyproject.toml with invalid bytes",
        Verdict.GE,
        {**mv('s.select("id")'), "pyproject.toml": b"\x00\x01 not toml\n"},
        names=("pyproject.toml",),
    ),
    Probe(
        "K05_pipeline_file_not_utf8",
        "non-UTF-8 bytes in a comment, no Pipeline",
        Verdict.GE,
        {"pipelines/p.py": b"# caf\xe9\n" + a_file().encode()},
        names=("Pipeline",),
    ),
    Probe(
        "K05b_pipeline_file_is_dir_named_py",
        "a folder named pipelines/p.py",
        Verdict.PE,
        {"pipelines/p.py/inner.txt": "x\n"},
        names=("pipelines/p.py",),
        check=never_says("No module named"),
    ),
    Probe(
        "K05c_pipeline_symlink_loop",
        "pipelines/loop.py -> loop.py",
        Verdict.TB,
        {},
        names=("loop.py",),
        steps=(Symlink("pipelines/loop.py", "loop.py"),),
    ),
    Probe(
        "K05d_pipeline_unreadable_fifo",
        "a FIFO named pipelines/fifo.py",
        Verdict.PE,
        {},
        names=("fifo.py",),
        steps=(Fifo("pipelines/fifo.py"),),
        check=never_says("No module named"),
    ),
)
