"""New probes (not in the report), part 1: names, sizes, pipeline files and how they import.

Categories the report did not try: unicode normalisation, names reserved only in DuckDB or
PostgreSQL, the issue's own size targets (2,000 chained views, a 1,000-step query, a
1,000-term sum), large test data, deep raw() and when(), files with a BOM, CRLF or another
encoding, pipelines importing each other, empty and zero-column objects, self-reading views.
"""

from __future__ import annotations

import unicodedata

from tests.bad_inputs.probe import Expect, Probe, Verdict
from tests.bad_inputs.sources import HEAD, PIPE, mv, pq, q_file, text

ACCEPT, EITHER, NEW = Expect.ACCEPT, Expect.EITHER, Verdict.NEW
NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")
# reserved in DuckDB but not PostgreSQL, then in PostgreSQL but not DuckDB
KEYWORDS = (
    "qualify",
    "pivot",
    "unpivot",
    "positional",
    "lambda",
    "user",
    "do",
    "analyse",
    "window",
    "limit",
)
SUM_1000 = HEAD + text(
    "import functools, operator",
    'cols = {f"c{i}": "int" for i in range(1000)}',
    't = Table("wide", cols)',
    "total = functools.reduce(operator.add, [col(c) for c in cols])",
    'pipeline = Pipeline("p", objects=[MaterializedView("tot", t.select(total=total))])',
)
SHARED = q_file("orders = Table('orders', {'id': 'int'})")
USES_SHARED = HEAD + text(
    "from shared import orders",
    'mv = MaterializedView("mv", orders.select("id"))',
    PIPE,
)
CIRCLE_A = "from b import thing\nfrom ecomdsl import *\n" + q_file(PIPE.replace("[mv]", "[s]"))
CIRCLE_B = "from a import pipeline\nthing = 1\n"


def keywords() -> dict[str, str | bytes]:
    columns = ", ".join(f'"{k}": "int"' for k in KEYWORDS)
    picked = ", ".join(f'"{k}"' for k in KEYWORDS)
    return pq(
        f't = Table("t", {{{columns}}})',
        f'mv = MaterializedView("mv", t.select({picked}))',
        "pipeline = Pipeline('p', objects=[t, mv], "
        f"test_data=lambda: [('t', [{{{', '.join(f'{k!r}: 1' for k in KEYWORDS)}}}])])",
    )


def chain(n: int) -> dict[str, str | bytes]:
    return pq(
        "prev, objs = s, []",
        f"for i in range({n}):",
        '    prev = View(f"v{i}", prev.where(col("amount") > i))',
        "    objs.append(prev)",
        "pipeline = Pipeline('p', objects=objs)",
    )


def steps(n: int) -> dict[str, str | bytes]:
    return pq(
        "q = s",
        f"for i in range({n}):",
        '    q = q.select("id", "amount", "ts").where(col("amount") > i)',
        'pipeline = Pipeline("p", objects=[MaterializedView("deep", q)])',
    )


def many_rows(n: int) -> dict[str, str | bytes]:
    return pq(
        'mv = MaterializedView("mv", s.select("id", "amount", "ts"))',
        "rows = [{'id': f'o{i}', 'amount': Decimal(i) / 100, 'qty': i % 7, "
        "'ts': dt.datetime(2024, 1, 1) + dt.timedelta(seconds=i)} "
        f"for i in range({n})]",
        "pipeline = Pipeline('p', objects=[mv], test_data=lambda: [('s', rows)])",
    )


def plain(source: str) -> bytes:
    return source.encode()


PROBES: tuple[Probe, ...] = (
    Probe(
        "N01_nfc_nfd_tables",
        "two tables 'café' in NFC and NFD (different bytes)",
        NEW,
        pq(
            f't1 = Table({NFC!r}, {{"x": "int"}})',
            f't2 = Table({NFD!r}, {{"x": "int"}})',
            "pipeline = Pipeline('p', objects=[t1, t2])",
        ),
        expect=ACCEPT,
        origin="new",
        smoke=True,
    ),
    Probe(
        "N02_nfc_nfd_columns_run",
        "columns 'café' NFC and NFD in one table, `ecomdsl run`",
        NEW,
        pq(
            f't = Table("t", {{{NFC!r}: "int", {NFD!r}: "int"}})',
            f'mv = MaterializedView("mv", t.select({NFC!r}, {NFD!r}))',
            PIPE,
        ),
        ("run",),
        EITHER,
        names=(NFC,),
        at="t = Table",
        origin="new",
    ),
    Probe(
        "N03_duckdb_pg_keywords",
        "columns named after words reserved only in DuckDB or PG",
        NEW,
        keywords(),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N04_duckdb_pg_keywords_run",
        "the same, previewed with `ecomdsl run`",
        NEW,
        keywords(),
        ("run",),
        ACCEPT,
        names=("qualify", "window"),
        origin="new",
    ),
    Probe(
        "N05_chain2000_views",
        "2,000 chained plain Views (the issue's target)",
        NEW,
        chain(2000),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N06_query1000_steps",
        "one query of 1,000 select/where steps (the issue's target)",
        NEW,
        steps(1000),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N07_sum1000_terms",
        "a sum of 1,000 columns (the issue's target)",
        NEW,
        {"pipelines/p.py": SUM_1000},
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N08_test_data_30k_rows",
        "30,000 rows of test data",
        NEW,
        many_rows(30_000),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N09_raw_nested_parens",
        "raw() with 400 nested parentheses",
        NEW,
        mv(f's.select("id", x=raw("{"(" * 400}amount{")" * 400}"))'),
        expect=EITHER,
        names=("raw",),
        at="mv = ",
        origin="new",
        known="a raw() fragment nested too deep is refused without naming raw()",
    ),
    Probe(
        "N10_raw_long_sum",
        "raw() summing a column 300 times",
        NEW,
        mv(f's.select("id", x=raw("{" + ".join(["amount"] * 300)}"))'),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N11_when_500_branches",
        "when() with 500 branches",
        NEW,
        mv('s.select("id", x=when(*[(col("qty") == i, i) for i in range(500)], otherwise=-1))'),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N12_when_nested_300",
        "when() nested 300 deep in otherwise=",
        NEW,
        pq(
            "e = lit(0)",
            "for i in range(300):",
            '    e = when((col("qty") == i, i), otherwise=e)',
            'mv = MaterializedView("mv", s.select("id", x=e))',
            PIPE,
        ),
        expect=EITHER,
        names=("mv",),
        origin="new",
        known="a when() nested 300 deep is written, but sqlglot cannot read the SQL back (RecursionError)",
    ),
    Probe(
        "N13_isin_10000",
        "isin() with 10,000 values",
        NEW,
        mv('s.where(col("id").isin([f"v{i}" for i in range(10000)])).select("id")'),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N14_bom_file",
        "a pipeline file starting with a UTF-8 BOM",
        NEW,
        {
            "pipelines/p.py": b"\xef\xbb\xbf"
            + plain(q_file('mv = MaterializedView("mv", s.select("id"))', PIPE))
        },
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N15_crlf_file",
        "a pipeline file with CRLF line ends",
        NEW,
        {
            "pipelines/p.py": plain(
                q_file('mv = MaterializedView("mv", s.select("id"))', PIPE)
            ).replace(b"\n", b"\r\n")
        },
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N16_utf16_file",
        "a pipeline file saved as UTF-16",
        NEW,
        {
            "pipelines/p.py": q_file('mv = MaterializedView("mv", s.select("id"))', PIPE).encode(
                "utf-16"
            )
        },
        names=("pipelines/p.py",),
        origin="new",
    ),
    Probe(
        "N17_latin1_coding",
        "a latin-1 file with a coding declaration and 'é' in a name",
        NEW,
        {
            "pipelines/p.py": b"# -*- coding: latin-1 -*-\n"
            + q_file('mv = MaterializedView("caf\xe9", s.select("id"))', PIPE).encode("latin-1")
        },
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "N18_tab_error",
        "inconsistent tabs and spaces",
        NEW,
        pq("if True:", "        x = 1", "\ty = 2", PIPE),
        names=(("TabError", "indent"),),
        at="\ty = 2",
        origin="new",
    ),
    Probe(
        "N19_import_sibling",
        "a pipeline importing a table from a sibling file",
        NEW,
        {"pipelines/shared.py": SHARED, "pipelines/p.py": USES_SHARED},
        expect=EITHER,
        names=("shared",),
        at="from shared import",
        origin="new",
    ),
    Probe(
        "N20_circular_import",
        "two pipeline files importing each other",
        NEW,
        {"pipelines/a.py": CIRCLE_A, "pipelines/b.py": CIRCLE_B},
        names=(("circular", "import"), "pipelines/"),
        origin="new",
    ),
    Probe(
        "N21_zero_column_table",
        "Table('t', {}) listed as an object",
        NEW,
        pq('t = Table("t", {})', "pipeline = Pipeline('p', objects=[t])"),
        names=("column",),
        at="t = Table",
        origin="new",
    ),
)
