"""Report probes H, I, P, S, T: writing files, project layout, determinism, the quoting
property, Ctrl-C and leftovers.

Root cause 5: a compile writes all its files or none; an error names the path and the OS
reason; files ecomdsl did not write are left alone and reported.
"""

from __future__ import annotations

import random

from tests.bad_inputs.checks import BLAMES_DUCKDB
from tests.bad_inputs.probe import Expect, Probe, ProbeView, Sigint, Verdict
from tests.bad_inputs.sources import HEAD, PIPE, mv, pq, shop, text
from tests.bad_inputs.steps import Make, Mkdir, ReadOnlyFileSystem, Symlink, Unwritable
from tests.bad_inputs.table_g import PASS_THROUGH, big_csv

ACCEPT, EITHER = Expect.ACCEPT, Expect.EITHER
SEEDS = ("0", "1", "2", "3")
OS_REASON = (
    "Permission denied",
    "Operation not permitted",
    "not writable",
    "read-only",
    "Read-only",
)
NOTES = "-- my notes, not generated\n"


def notes_kept(view: ProbeView) -> list[str]:
    """The hand-written files in generated/ are still there, unchanged, and reported."""
    said = [] if "notes.sql" in view.output else ["notes.sql is not reported"]
    kept = {
        "generated/shop/notes.sql": NOTES,
        "generated/shop/README.md": "mine\n",
        "generated/other/keep.sql": "keep\n",
    }
    return said + [
        f"{name} was removed or changed"
        for name, body in kept.items()
        if not (view.root / name).is_file() or (view.root / name).read_text() != body
    ]


def no_leftovers(view: ProbeView) -> list[str]:
    """Nothing left in the command's TMPDIR."""
    left = sorted(p.name for p in (view.root / "tmp").iterdir())
    return [f"left in TMPDIR: {', '.join(left)}"] if left else []


def quoting_names(count: int) -> str:
    """A pipeline whose names and literals are ``count`` strings drawn (seeded) from the
    alphabet the quoting property draws from: quotes, comment markers, letters of many
    scripts, emoji, control characters; never NUL or a surrogate."""
    rand = random.Random(11)
    alphabet = "\"';-/*\\$\n\t x" + "éßДж中文🙂\u202e\u00a0\u2028" + "SELECT"
    names = sorted({"".join(rand.choices(alphabet, k=rand.randint(1, 12))) for _ in range(count)})
    cols = {f"c{i}_{n}": "varchar" for i, n in enumerate(names)}
    return HEAD + text(
        f"cols = {cols!r}",
        't = Table("t", cols)',
        "first = next(iter(cols))",
        f"lits = {names!r}",
        'mv = MaterializedView("mv", t.where(col(first).isin(lits)).select(*cols))',
        PIPE,
    )


def interrupted_compile() -> dict[str, str | bytes]:
    """A compile that is still resolving (its test data generator sleeps) when Ctrl-C comes."""
    return {
        **pq(
            "import pathlib, time",
            'mv = MaterializedView("mv", s.select("id"))',
            "def slow():",
            '    pathlib.Path("started").write_text("x")',
            "    time.sleep(30)",
            "    return []",
            "pipeline = Pipeline('p', objects=[mv], test_data=slow)",
        ),
        "generated/p/create_tables.sql": "-- the old output\n",
    }


PROBES: tuple[Probe, ...] = (
    Probe(
        "H01_generated_immutable",
        "generated/ not writable",
        Verdict.TB,
        shop(),
        names=("generated", OS_REASON),
        steps=(Unwritable("generated"),),
        smoke=True,
    ),
    Probe(
        "H01b_generated_rofs",
        "generated/ on a read-only file system",
        Verdict.TB,
        shop(),
        names=("generated", OS_REASON),
        steps=(ReadOnlyFileSystem("generated"),),
    ),
    Probe(
        "H01c_one_file_immutable",
        "generated/shop/create_views.sql stale and not writable",
        Verdict.TB,
        shop(generated__shop__create_views__sql="stale\n"),
        names=("create_views.sql", OS_REASON),
        steps=(Unwritable("generated/shop/create_views.sql"),),
    ),
    Probe(
        "H02_stray_files",
        "hand-written generated/shop/notes.sql, README.md and generated/other/keep.sql",
        Verdict.ABF,
        shop(
            generated__shop__notes__sql=NOTES,
            generated__shop__README__md="mine\n",
            generated__other__keep__sql="keep\n",
        ),
        expect=EITHER,
        names=("notes.sql",),
        check=notes_kept,
    ),
    Probe(
        "H02b_generated_pipeline_dir_is_file",
        "generated/shop is a file",
        Verdict.TB,
        shop(generated__shop="a file\n"),
        names=("generated/shop",),
    ),
    Probe(
        "H02c_generated_is_file",
        "generated is a file",
        Verdict.TB,
        shop(generated="a file\n"),
        names=("generated",),
    ),
    Probe(
        "H02d_check_with_stray",
        "`check` with a stray generated/shop/notes.sql",
        Verdict.OK,
        shop(generated__shop__notes__sql=NOTES),
        ("check",),
        names=("ecomdsl compile",),
    ),
    Probe(
        "H02e_generated_symlink_out",
        "generated/shop symlinked outside",
        Verdict.OK,
        shop(),
        expect=ACCEPT,
        steps=(Mkdir("scratch/symtarget"), Symlink("generated/shop", "../scratch/symtarget")),
    ),
    Probe(
        "H03_subdir",
        "compile from sub/deeper",
        Verdict.OK,
        shop(),
        cwd="sub/deeper",
        expect=ACCEPT,
        steps=(Mkdir("sub/deeper"),),
    ),
    Probe(
        "H03b_subdir_run",
        "run from sub/",
        Verdict.OK,
        shop(),
        ("run", "--limit", "1"),
        ACCEPT,
        cwd="sub",
        steps=(Mkdir("sub"),),
    ),
    Probe(
        "H03c_subdir_relpath",
        "compile ../pipelines/shop.py from sub/",
        Verdict.OK,
        shop(),
        ("compile", "../pipelines/shop.py"),
        ACCEPT,
        cwd="sub",
        steps=(Mkdir("sub"),),
    ),
    Probe(
        "H04_outside_project",
        "compile with no pyproject.toml and no pipelines/",
        Verdict.GE,
        {},
        pyproject=False,
        names=("pipelines",),
    ),
    Probe(
        "H04b_outside_project_with_pipelines",
        "no pyproject.toml but pipelines/ present",
        Verdict.OK,
        shop(),
        pyproject=False,
        expect=ACCEPT,
    ),
    Probe(
        "H05_out_is_file",
        "compile --out pipelines/shop.py",
        Verdict.TB,
        shop(),
        ("compile", "--out", "pipelines/shop.py"),
        names=("pipelines/shop.py",),
    ),
    Probe(
        "H05b_out_nonexistent_deep",
        "compile --out a/b/c",
        Verdict.OK,
        shop(),
        ("compile", "--out", "a/b/c"),
        ACCEPT,
    ),
    Probe(
        "H06_pyproject_malformed",
        "a malformed pyproject.toml",
        Verdict.GE,
        shop(pyproject__toml="[tool.ecomdsl\n"),
        names=("pyproject.toml", "line 1"),
    ),
    Probe(
        "H06b_pyproject_bad_severity",
        "an unrelated [tool.ecomdsl.rules] table",
        Verdict.OK,
        shop(pyproject__toml="[tool.ecomdsl.rules]\nRW102 = 'off'\n"),
        expect=ACCEPT,
    ),
    # the issue: sets as inputs give hash-seed-dependent output; sorting them or refusing
    # them both keep the output the same on every run
    Probe(
        "I01_determinism_sets",
        "isin({...}) and primary_key={'a', 'b'} (Python sets)",
        Verdict.ABF,
        {
            "pipelines/p.py": "from ecomdsl import *\n"
            + text(
                's = Stream("s", {"id": "varchar", "cat": "varchar", "amount": "numeric", '
                '"ts": "timestamp"}, event_time="ts", watermark="1 minute")',
                't = Table("t", {"a": "varchar", "b": "varchar", "c": "int"}, primary_key={"a", "b"})',
                'mv = MaterializedView("mv", s.where(col("cat").isin({"shoes", "hats", "bags", '
                '"socks", "belts"})).group_by("cat").agg(n=count()))',
                'pipeline = Pipeline("p", objects=[s, t, mv])',
            )
        },
        expect=EITHER,
        seeds=SEEDS,
        names=("set",),
        at="t = Table",
    ),
    Probe(
        "I02_determinism_seeds",
        "weird names, a funnel with emoji stages and a 50-view chain, under four PYTHONHASHSEEDs",
        Verdict.OK,
        pq(
            'w = Table("w\\"; --é🙂", {"select": "int", "a\\nb": "varchar"})',
            'e = Stream("e", {"sid": "varchar", "step": "varchar", "ts": "timestamp"}, event_time="ts")',
            'f = MaterializedView("f", Funnel(e, session="sid", step="step", stages=["🛒", "💳"]))',
            "prev, objs = s, [w, f]",
            "for i in range(50):",
            '    prev = View(f"v{i}", prev.where(col("amount") > i))',
            "    objs.append(prev)",
            "pipeline = Pipeline('p', objects=objs)",
        ),
        expect=ACCEPT,
        seeds=SEEDS,
    ),
    Probe(
        "P01_hypothesis_10k",
        "the quoting property's alphabet (no NUL, no surrogates): "
        "300 seeded names and literals in one pipeline",
        Verdict.OK,
        {"pipelines/p.py": quoting_names(300)},
        expect=ACCEPT,
    ),
    Probe(
        "P02_hypothesis_unfiltered",
        "the property's first failure unfiltered: alias '\\x00'",
        Verdict.WS,
        mv('s.select(**{"\\x00": col("id")})'),
        names=(("NUL", "\\x00", "\\0", "U+0000"),),
        at="mv = ",
    ),
    Probe(
        "S01_sigint_compile",
        "Ctrl-C while compile resolves (a test-data generator sleeps)",
        Verdict.OK,
        interrupted_compile(),
        expect=Expect.INTERRUPT,
        sigint=Sigint("started"),
    ),
    Probe(
        "S02_sigint_run_loading",
        "Ctrl-C while `run --data` reads a 1M-row CSV (it has the file open)",
        Verdict.PE,
        shop(),
        ("run", "--data", "data", "--format", "json"),
        Expect.INTERRUPT,
        sigint=Sigint("data/orders.csv", 0.05, reading="open"),
        steps=(Make("1M-row orders.csv", big_csv),),
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "S03_sigint_run_output",
        "Ctrl-C after `run --data` read its 1M-row CSV, while it makes and prints the view",
        Verdict.OK,
        {"pipelines/shop.py": PASS_THROUGH},
        ("run", "--data", "data", "--format", "json"),
        Expect.INTERRUPT,
        sigint=Sigint("data/orders.csv", 0.3, reading="done"),
        steps=(Make("1M-row orders.csv", big_csv),),
        unsteady="Ctrl-C while a 1M-row view is printed: under load the 1 GB limit can come first",
    ),
    Probe(
        "T01_run_leftovers",
        "`run --data` on the 1M-row project leaves no temp files",
        Verdict.OK,
        shop(),
        ("run", "--data", "data", "--limit", "3"),
        ACCEPT,
        env={"TMPDIR": "{root}/tmp"},
        check=no_leftovers,
        steps=(Mkdir("tmp"), Make("1M-row orders.csv", big_csv)),
    ),
)
