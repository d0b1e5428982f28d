"""New probes (not in the report), part 2: empty and self-reading objects, names, import-time
side effects, test data shapes and values, big literals and wide tables."""

from __future__ import annotations

from tests.bad_inputs.probe import Expect, Probe, ProbeView, Verdict
from tests.bad_inputs.sources import PIPE, line_of, mv, pq, q_file
from tests.bad_inputs.steps import Mkdir

ACCEPT, EITHER, NEW = Expect.ACCEPT, Expect.EITHER, Verdict.NEW
SAME_NAME = q_file(
    't = Table("t", {"a": "int"})',
    'v = MaterializedView("t", s.select("id"))',
    "pipeline = Pipeline('p', objects=[t, v])",
)


def generated_at_root(view: ProbeView) -> list[str]:
    """The pipeline changed the cwd at import: the output still goes to the project."""
    return [] if (view.root / "generated" / "p").is_dir() else ["generated/p/ not written"]


PROBES: tuple[Probe, ...] = (
    Probe(
        "N22_empty_pipeline",
        "Pipeline('p', objects=[])",
        NEW,
        pq("pipeline = Pipeline('p', objects=[])"),
        expect=EITHER,
        names=("objects",),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N23_global_agg_only",
        "a stream's global aggregate s.agg(n=count())",
        NEW,
        mv("s.agg(n=count())"),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N24_view_reads_itself",
        "a plain View reading ref() to itself",
        NEW,
        pq('v = View("v", ref("v").select("id"))', "pipeline = Pipeline('p', objects=[v])"),
        names=("cycle", "v -> v"),
        at="v = View",
        origin="new",
    ),
    Probe(
        "N25_ref_unknown",
        "ref('revenu') where 'revenue' exists",
        NEW,
        pq(
            'revenue = MaterializedView("revenue", s.select("id"))',
            'mv = MaterializedView("mv", ref("revenu").select("id"))',
            "pipeline = Pipeline('p', objects=[revenue, mv])",
        ),
        names=("revenu", "revenue"),
        at="mv = ",
        origin="new",
    ),
    Probe(
        "N26_two_objects_one_name",
        "a Table and a MaterializedView both named 't'",
        NEW,
        {"pipelines/p.py": SAME_NAME},
        names=("'t'", line_of(SAME_NAME, "t = Table"), line_of(SAME_NAME, "v = ")),
        origin="new",
    ),
    Probe(
        "N27_pipeline_name_300",
        "a pipeline name of 300 letters (too long for a folder)",
        NEW,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('a' * 300, objects=[mv])",
        ),
        names=(("255", "too long"),),
        origin="new",
    ),
    Probe(
        "N28_pipeline_name_empty",
        "Pipeline('')",
        NEW,
        pq('mv = MaterializedView("mv", s.select("id"))', "pipeline = Pipeline('', objects=[mv])"),
        names=("name",),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N29_name_only_space",
        "a table named ' ' and a column named ' '",
        NEW,
        pq('t = Table(" ", {" ": "int"})', 'mv = MaterializedView("mv", t.select(" "))', PIPE),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N30_input_at_import",
        "input() at import (no stdin)",
        NEW,
        pq("name = input('table? ')", PIPE.replace("[mv]", "[s]")),
        names=("EOFError",),
        at="input(",
        origin="new",
    ),
    Probe(
        "N31_chdir_at_import",
        "os.chdir('elsewhere') at import",
        NEW,
        pq(
            "import os",
            "os.chdir('elsewhere')",
            'mv = MaterializedView("mv", s.select("id"))',
            PIPE,
        ),
        expect=ACCEPT,
        check=generated_at_root,
        steps=(Mkdir("elsewhere"),),
        origin="new",
    ),
    Probe(
        "N32_print_at_import_json",
        "print() at import, then lint --format json",
        NEW,
        pq(
            "print('hello from the pipeline')", 'mv = MaterializedView("mv", s.select("idd"))', PIPE
        ),
        ("lint", "--format", "json"),
        names=("idd",),
        origin="new",
        check=lambda view: (
            [] if view.stdout.lstrip().startswith(("{", "[")) else ["stdout is not JSON"]
        ),
        known="print() in a pipeline file goes to stdout and breaks `lint --format json`",
    ),
    Probe(
        "N33_test_data_generator_object",
        "test_data returning a generator, not a list",
        NEW,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=lambda: "
            "(x for x in [('s', [{'id': 'a'}])]))",
        ),
        expect=EITHER,
        names=("test data",),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N34_test_data_none",
        "test_data returning None",
        NEW,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=lambda: None)",
        ),
        names=(("test data", "test_data"),),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N35_test_data_tz_aware",
        "a timezone-aware datetime for a timestamp column",
        NEW,
        pq(
            'mv = MaterializedView("mv", s.select("id", "ts"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=lambda: [('s', [{'id': 'a', "
            "'ts': dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))}])])",
        ),
        expect=EITHER,
        names=("ts",),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N36_test_data_1000_statements",
        "1,000 test data statements (1,000 FLUSHes)",
        NEW,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=lambda: "
            "[('s', [{'id': str(i), 'ts': dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i)}]) "
            "for i in range(1000)])",
        ),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N37_literal_1mb",
        "a 1 MB string literal",
        NEW,
        mv('s.where(col("id") == "x" * 1_000_000).select("id")'),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N38_raw_escaped_nul",
        "raw(\"E'\\\\x00'\"): a NUL through an escape string",
        NEW,
        mv('s.select("id", x=raw("E\'\\\\x00\'"))'),
        names=("raw",),
        at="mv = ",
        origin="new",
        known="a NUL written as an escape inside raw() text (E'\\\\x00') is accepted",
    ),
    Probe(
        "N39_wide_1000_columns",
        "a 1,000-column table and an MV over all of them",
        NEW,
        pq(
            'cols = {f"c{i}": "int" for i in range(1000)}',
            't = Table("t", cols)',
            'mv = MaterializedView("mv", t.select(*cols))',
            PIPE,
        ),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N40_float_inf_test_data",
        "test data float('inf') for a double precision column",
        NEW,
        pq(
            't = Table("t", {"a": "double precision"})',
            'mv = MaterializedView("mv", t.select("a"))',
            "pipeline = Pipeline('p', objects=[t, mv], "
            "test_data=lambda: [('t', [{'a': float('inf')}])])",
        ),
        expect=EITHER,
        names=("inf",),
        at="pipeline = ",
        origin="new",
    ),
    Probe(
        "N41_huge_decimal_digits",
        "a Decimal literal with 1,000 digits",
        NEW,
        mv('s.where(col("amount") > Decimal("9" * 1000)).select("id")'),
        expect=EITHER,
        names=("amount",),
        at="mv = ",
        origin="new",
        known="a Decimal with too many digits is refused without naming its column",
    ),
    Probe(
        "N42_trailing_space_names",
        "columns 'a' and 'a ' (a trailing space)",
        NEW,
        pq(
            't = Table("t", {"a": "int", "a ": "int"})',
            'mv = MaterializedView("mv", t.select("a", "a "))',
            PIPE,
        ),
        expect=ACCEPT,
        origin="new",
    ),
)
