"""Report probes A: loading pipeline files, pipeline objects, cycles, size."""

from __future__ import annotations

from tests.bad_inputs.checks import never_says
from tests.bad_inputs.probe import Expect, Probe, ProbeView, Verdict
from tests.bad_inputs.sources import HEAD, PIPE, S3, a_file, line_of, pa, text
from tests.bad_inputs.steps import Mkdir

A05 = a_file("pipeline = Pipeline('p', objects=[mv])")
A05B = a_file("pipeline = Pipeline('p', objects=[mv])", "other = Pipeline('p', objects=[s])")
OUTSIDE = a_file(
    'm2 = MaterializedView("m2", s.select("nope"))', "pipeline = Pipeline('p', objects=[mv, m2])"
)


def chain(kind: str, n: int) -> dict[str, str | bytes]:
    """``n`` chained objects of ``kind`` (View or MaterializedView), each filtering the last."""
    return pa(
        "prev = s",
        "objs = []",
        f"for i in range({n}):",
        f'    prev = {kind}(f"v{{i:03d}}", prev.where(col("amount") > i))',
        "    objs.append(prev)",
        'pipeline = Pipeline("p", objects=objs)',
    )


def diamond(levels: int) -> dict[str, str | bytes]:
    """A lattice of plain views: each level's two views union both of the level below."""
    return {
        "pipelines/p.py": HEAD
        + text(
            't = Table("t", {"id": "varchar", "x": "int"}, primary_key="id")',
            "a, b = t, t",
            "objs = []",
            f"for i in range({levels}):",
            '    a2 = View(f"a{i:02d}", union_all(a.select("id", "x"), b.select("id", "x")))',
            '    b2 = View(f"b{i:02d}", union_all(b.select("id", "x"), a.select("id", "x")))',
            "    a, b = a2, b2",
            "    objs += [a, b]",
            'pipeline = Pipeline("p", objects=objs)',
        )
    }


def no_absolute_paths(view: ProbeView) -> list[str]:
    """Generated SQL must be the same on every machine: no absolute path of the project."""
    roots = {str(view.root), str(view.root.resolve())}
    return [
        f"{sql.relative_to(view.root)} contains an absolute path"
        for sql in sorted(view.root.rglob("*.sql"))
        if any(r in sql.read_text(errors="replace") for r in roots)
    ]


PROBES: tuple[Probe, ...] = (
    Probe(
        "A01_syntax",
        "pipeline file with an unclosed (",
        Verdict.GE,
        pa("pipeline = Pipeline('p', objects=[mv]"),
        names=("SyntaxError",),
        at="pipeline = Pipeline",
        smoke=True,
    ),
    Probe(
        "A02_importerror",
        "from ecomdsl import NoSuchThing",
        Verdict.GE,
        {
            "pipelines/p.py": HEAD.replace("\n\n", "\nfrom ecomdsl import NoSuchThing\n\n")
            + S3
            + PIPE.replace("[mv]", "[s]")
            + "\n"
        },
        names=("NoSuchThing",),
        at="NoSuchThing",
    ),
    Probe(
        "A02b_modnotfound",
        "import nonexistent_pkg_xyz",
        Verdict.GE,
        {"pipelines/p.py": "import nonexistent_pkg_xyz\n" + a_file(PIPE)},
        names=("nonexistent_pkg_xyz",),
        at="import nonexistent_pkg_xyz",
    ),
    Probe(
        "A03_raise",
        "raise RuntimeError('boom at import')",
        Verdict.GE,
        pa("raise RuntimeError('boom at import')", PIPE),
        names=("boom at import",),
        at="raise RuntimeError",
    ),
    Probe(
        "A03b_sysexit",
        "sys.exit(3) at import",
        Verdict.PE,
        pa("import sys", "sys.exit(3)"),
        names=(("SystemExit", "sys.exit", "exit("),),
        at="sys.exit(3)",
    ),
    Probe(
        "A03c_kbint",
        "raise KeyboardInterrupt at import",
        Verdict.GE,
        pa("raise KeyboardInterrupt", PIPE),
        expect=Expect.INTERRUPT,
    ),
    Probe(
        "A03d_badstr",
        "raise an exception whose __str__ raises",
        Verdict.TB,
        pa("class E(Exception):", "    def __str__(self): raise ValueError('nope')", "raise E()"),
        at="raise E()",
    ),
    Probe(
        "A03e_recursion",
        "infinite recursion at import",
        Verdict.GE,
        pa("def f(): return f()", "f()", PIPE),
        names=("RecursionError", "pipelines/p.py:"),
    ),
    Probe(
        "A04_nopipeline",
        "file with builders but no Pipeline",
        Verdict.GE,
        pa(),
        names=("Pipeline", "pipelines"),
    ),
    Probe(
        "A05_dupname",
        "two files both define Pipeline('p')",
        Verdict.PE,
        {"pipelines/a.py": A05, "pipelines/b.py": A05},
        names=(
            "'p'",
            line_of(A05, "pipeline =", "pipelines/a.py"),
            line_of(A05, "pipeline =", "pipelines/b.py"),
        ),
    ),
    Probe(
        "A05b_dupname_samefile",
        "two Pipeline('p') in one file",
        Verdict.PE,
        {"pipelines/a.py": A05B},
        names=(
            "'p'",
            line_of(A05B, "pipeline =", "pipelines/a.py"),
            line_of(A05B, "other =", "pipelines/a.py"),
        ),
    ),
    Probe(
        "A06_pipeline_is_str",
        "pipeline = 'not a pipeline'",
        Verdict.PE,
        pa("pipeline = 'not a pipeline'"),
        names=("str",),
        at="pipeline = 'not",
    ),
    Probe(
        "A06b_pipeline_is_mv",
        "pipeline = mv (a MaterializedView)",
        Verdict.PE,
        pa("pipeline = mv"),
        names=(("MaterializedView", "materialized view"),),
        at="pipeline = mv",
    ),
    Probe(
        "A06c_objects_not_list",
        "Pipeline('p', objects=mv): the brackets forgotten",
        Verdict.HANG,
        pa("pipeline = Pipeline('p', objects=mv)"),
        names=("objects",),
        at="pipeline = Pipeline",
        smoke=True,
    ),
    Probe(
        "A06d_objects_str",
        "objects=['mv', 42]",
        Verdict.GE,
        pa("pipeline = Pipeline('p', objects=['mv', 42])"),
        names=("objects", ("str", "int")),
        at="pipeline = Pipeline",
    ),
    Probe(
        "A07_cycle",
        "a -> ref('b'), b -> ref('c'), c -> a",
        Verdict.GE,
        pa(
            'a = MaterializedView("a", ref("b").select("id"))',
            'b = MaterializedView("b", ref("c").select("id"))',
            'c = MaterializedView("c", a.select("id"))',
            "pipeline = Pipeline('p', objects=[a, b, c])",
        ),
        names=("cycle", "a ->", "pipelines/p.py:"),
    ),
    Probe(
        "A07b_selfref",
        "a view reading ref() to itself",
        Verdict.GE,
        pa(
            'a = MaterializedView("a", ref("a").select("id"))',
            "pipeline = Pipeline('p', objects=[a])",
        ),
        names=("cycle", "a -> a"),
        at="a = MaterializedView",
    ),
    Probe(
        "A08_chain500_views",
        "500 chained MaterializedViews",
        Verdict.OK,
        chain("MaterializedView", 500),
        expect=Expect.ACCEPT,
    ),
    Probe(
        "A08b_chain500_plainviews",
        "500 chained plain Views",
        Verdict.TB,
        chain("View", 500),
        expect=Expect.ACCEPT,
    ),
    Probe(
        "A08c_deep_query500",
        "one view whose query is 500 x .select().where()",
        Verdict.TB,
        pa(
            "q = s",
            "for i in range(500):",
            '    q = q.select("id", "amount", "ts").where(col("amount") > i)',
            'pipeline = Pipeline("p", objects=[MaterializedView("deep", q)])',
        ),
        expect=Expect.ACCEPT,
    ),
    # a 2000-deep chain is beyond the target (1,000 terms): an error naming the view
    # is as good as compiling it
    Probe(
        "A08d_deep_expr2000",
        "expression 2000 deep (e = e + 1)",
        Verdict.TB,
        pa(
            'e = col("amount")',
            "for i in range(2000):",
            "    e = e + 1",
            'pipeline = Pipeline("p", objects=[MaterializedView("deepe", s.select(x=e))])',
        ),
        expect=Expect.EITHER,
        names=("deepe",),
    ),
    Probe(
        "A08g_expr_parse_60",
        "sum of 60 columns via functools.reduce(operator.add, ...)",
        Verdict.WS,
        {
            "pipelines/p.py": HEAD
            + text(
                "import functools, operator",
                'cols = {f"c{i}": "int" for i in range(60)}',
                't = Table("wide", cols)',
                "total = functools.reduce(operator.add, [col(c) for c in cols])",
                'pipeline = Pipeline("p", objects=[MaterializedView("tot", t.select(total=total))])',
            )
        },
        expect=Expect.ACCEPT,
    ),
    Probe(
        "A09_empty_dir",
        "empty pipelines/",
        Verdict.GE,
        {},
        steps=(Mkdir("pipelines"),),
        names=("pipelines",),
    ),
    Probe(
        "A09b_no_pipelines_dir", "project without pipelines/", Verdict.GE, {}, names=("pipelines",)
    ),
    Probe(
        "A10_missing_path",
        "ecomdsl compile nowhere.py",
        Verdict.GE,
        pa(PIPE),
        command=("compile", "nowhere.py"),
        names=("nowhere.py",),
    ),
    Probe(
        "A10b_not_py",
        "ecomdsl compile README.txt (the file exists, not .py)",
        Verdict.PE,
        {**pa(PIPE), "README.txt": "hi\n"},
        command=("compile", "README.txt"),
        names=("README.txt",),
        check=never_says("no such"),
    ),
    Probe(
        "A11_outside",
        "compile a pipeline file outside the project",
        Verdict.OK,
        {"proj/pyproject.toml": "", "outside/elsewhere.py": a_file(PIPE)},
        command=("compile", "../outside/elsewhere.py"),
        cwd="proj",
        out="proj/generated",
        pyproject=False,
        expect=Expect.ACCEPT,
        check=no_absolute_paths,
    ),
    Probe(
        "A11b_outside_err",
        "an error in a file outside the project",
        Verdict.GE,
        {"proj/pyproject.toml": "", "outside/elsewhere.py": OUTSIDE},
        command=("compile", "../outside/elsewhere.py"),
        cwd="proj",
        out="proj/generated",
        pyproject=False,
        names=("nope",),
        at="m2 = ",
        at_file="outside/elsewhere.py",
    ),
    Probe(
        "A12_shadow_module",
        "pipelines/attrs.py (shadows a dependency's name)",
        Verdict.OK,
        {"pipelines/attrs.py": a_file(PIPE)},
        expect=Expect.ACCEPT,
    ),
    Probe(
        "A12b_dash_filename",
        "pipelines/my-pipe.py",
        Verdict.OK,
        {"pipelines/my-pipe.py": a_file(PIPE)},
        expect=Expect.ACCEPT,
    ),
    Probe(
        "A13_diamond_26",
        "a lattice of 52 plain views, each a union_all of the two below",
        Verdict.HANG,
        diamond(26),
        expect=Expect.ACCEPT,
    ),
)
