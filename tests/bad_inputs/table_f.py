"""Report probes F: literals, test data, docs and Kafka options (values the SQL must carry).

Root cause 3 of the issue: a value is written correctly or refused with a clear error. Where
both are possible (``Decimal('NaN')`` can be ``'NaN'::numeric``, bytes a bytea literal, a
timedelta an interval) the probe expects EITHER; a NUL byte or a lone surrogate cannot be
written in PostgreSQL/RisingWave text at all, and a value that does not fit its column has no
meaning, so those must be refused.
"""

from __future__ import annotations

from tests.bad_inputs.probe import Expect, Name, Probe, Verdict
from tests.bad_inputs.sources import PIPE, mv, pq

ACCEPT, EITHER = Expect.ACCEPT, Expect.EITHER
NUL: Name = ("NUL", "\\x00", "\\0", "U+0000")
TS = "dt.datetime(2024, 1, 1)"
AT_PIPE = "pipeline = Pipeline"


def where_id(literal: str) -> dict[str, str | bytes]:
    return mv(f"""s.where(col("id") == {literal}).select("id")""")


def rows(row: str) -> dict[str, str | bytes]:
    """Test data: one row of ``s`` (``row`` is the dict's source)."""
    return pq(
        'mv = MaterializedView("mv", s.select("id", "amount", "ts"))',
        f"pipeline = Pipeline('p', objects=[mv], test_data=lambda: [('s', [{row}])])",
    )


def typed(type_: str, value: str) -> dict[str, str | bytes]:
    """Test data: one value for a one-column table ``t`` of ``type_``."""
    return pq(
        f't = Table("t", {{"a": "{type_}"}})',
        'mv = MaterializedView("mv", t.select("a"))',
        f"pipeline = Pipeline('p', objects=[t, mv], test_data=lambda: [('t', [{{'a': {value}}}])])",
    )


def kafka(options: str) -> dict[str, str | bytes]:
    return pq(
        'k = Stream("k", {"a": "int", "ts": "timestamp"}, event_time="ts", '
        f"""connector=Kafka("top'ic", "host:9092'); DROP SOURCE k; --", options={options}))""",
        'mv = MaterializedView("mv", k.select("a"))',
        PIPE,
    )


PROBES: tuple[Probe, ...] = (
    Probe(
        "F01_lit_drop",
        "where(col('id') == \"'; DROP TABLE s; --\")",
        Verdict.OK,
        where_id('"\'; DROP TABLE s; --"'),
        expect=ACCEPT,
        smoke=True,
    ),
    Probe(
        "F01b_lit_backslash",
        'literal "C:\\\\temp\\\\\'x"',
        Verdict.OK,
        where_id('"C:\\\\temp\\\\\'x"'),
        expect=ACCEPT,
    ),
    Probe(
        "F01c_lit_nul",
        "literal 'a\\x00b' in where()",
        Verdict.WS,
        where_id('"a\\x00b"'),
        names=(NUL,),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "F01d_lit_emoji",
        "a literal with an emoji and U+202E",
        Verdict.OK,
        where_id('"shop 🛒 \\u202e evil"'),
        expect=ACCEPT,
    ),
    Probe(
        "F01e_lit_dollar",
        "literal '$$; DROP TABLE s; $$'",
        Verdict.OK,
        where_id('"$$; DROP TABLE s; $$"'),
        expect=ACCEPT,
    ),
    Probe(
        "F01f_lit_lone_surrogate",
        "literal '\\ud800' (a lone surrogate)",
        Verdict.TB,
        where_id('"\\ud800"'),
        names=(("surrogate", "\\ud800", "UTF-8", "utf-8"),),
        at="mv = ",
    ),
    Probe(
        "F02_decimal_nan_where",
        "where(col('amount') > Decimal('NaN'))",
        Verdict.WS,
        mv('s.where(col("amount") > Decimal("NaN")).select("id")'),
        expect=EITHER,
        names=("NaN",),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "F02b_decimal_inf_select",
        "select(x=lit(Decimal('-Infinity')))",
        Verdict.WS,
        mv('s.select("id", x=lit(Decimal("-Infinity")))'),
        expect=EITHER,
        names=("Infinity",),
        at="mv = ",
    ),
    Probe(
        "F02c_float_nan_where",
        "a float('nan') literal",
        Verdict.GE,
        mv('s.where(col("amount") > float("nan")).select("id")'),
        # written as CAST('NaN' AS DOUBLE PRECISION) since the emitter spells NaN (issue 11,
        # root cause 3: "written correctly or refused")
        expect=Expect.EITHER,
        names=("nan",),
        at="mv = ",
    ),
    Probe(
        "F02d_huge_int",
        "qty > 10**30",
        Verdict.OK,
        mv('s.where(col("qty") > 10**30).select("id")'),
        # RisingWave refuses a number past numeric's 96 bits ("Number ... overflows",
        # bind_number in src/frontend/src/binder/expr/value.rs): refused at compile time
        names=("1000000000000000000000000000000",),
        at="mv = ",
    ),
    # RisingWave's numeric holds 28 significant digits; PostgreSQL's far more: refusing the
    # value is as good as writing it
    Probe(
        "F02e_decimal_huge",
        "amount > Decimal('1E+400')",
        Verdict.UNV,
        mv('s.where(col("amount") > Decimal("1E+400")).select("id")'),
        expect=EITHER,
        names=(("1E+400", "1e+400", "1E400"),),
        at="mv = ",
    ),
    Probe(
        "F03_td_decimal_nan",
        "test data {'amount': Decimal('NaN')}",
        Verdict.WS,
        rows(f'{{"id": "a", "amount": Decimal("NaN"), "ts": {TS}}}'),
        expect=EITHER,
        names=("NaN",),
        at=AT_PIPE,
    ),
    Probe(
        "F03b_td_nul_string",
        "test data {'id': 'a\\x00b'}",
        Verdict.WS,
        rows(f'{{"id": "a\\x00b", "amount": Decimal("1"), "ts": {TS}}}'),
        names=(NUL, "id"),
        at=AT_PIPE,
    ),
    Probe(
        "F03c_td_quote_string",
        'test data value "\'); DROP TABLE s; --\\\\"',
        Verdict.OK,
        rows(f'{{"id": "\'); DROP TABLE s; --\\\\", "amount": Decimal("1"), "ts": {TS}}}'),
        expect=ACCEPT,
    ),
    Probe(
        "F03d_td_time_for_timestamp",
        "test data dt.time(12, 0) for a timestamp column",
        Verdict.ABF,
        rows('{"id": "a", "amount": 1, "ts": dt.time(12, 0)}'),
        names=("ts",),
        at=AT_PIPE,
    ),
    Probe(
        "F03e_td_date_for_timestamp",
        "dt.date for a timestamp column",
        Verdict.OK,
        rows('{"id": "a", "amount": Decimal("1"), "ts": dt.date(2024, 1, 1)}'),
        expect=ACCEPT,
    ),
    Probe(
        "F03f_td_int_overflow",
        "test data 10**40 for a smallint column",
        Verdict.ABF,
        typed("smallint", "10**40"),
        names=("smallint", "'a'"),
        at=AT_PIPE,
    ),
    Probe(
        "F03g_td_bytes",
        "test data b'\\x00\\xff' for a bytea column",
        Verdict.TB,
        typed("bytea", "b'\\x00\\xff'"),
        expect=EITHER,
        names=("bytes", "'a'"),
        at=AT_PIPE,
    ),
    Probe(
        "F03h_td_timedelta",
        "test data dt.timedelta(hours=1) for an interval column",
        Verdict.TB,
        typed("interval", "dt.timedelta(hours=1)"),
        expect=EITHER,
        names=("timedelta", "'a'"),
        at=AT_PIPE,
    ),
    Probe(
        "F03i_td_not_callable",
        "test_data=[('s', [])] (not callable)",
        Verdict.GE,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=[('s', [])])",
        ),
        names=(("test_data", "test data"),),
        at=AT_PIPE,
    ),
    Probe(
        "F03j_td_rows_not_dicts",
        "rows as tuples [('a', 1)]",
        Verdict.TB,
        rows('("a", 1)'),
        expect=EITHER,
        names=(("tuple", "dict"),),
        at=AT_PIPE,
    ),
    Probe(
        "F03k_td_tz_for_timestamptz_naive",
        "a naive datetime for timestamptz",
        Verdict.OK,
        pq(
            't = Table("t", {"a": "timestamptz"})',
            'mv = MaterializedView("mv", t.select("a"))',
            "pipeline = Pipeline('p', objects=[t, mv], "
            "test_data=lambda: [('t', [{'a': dt.datetime(2024, 1, 1)}])])",
        ),
        expect=ACCEPT,
    ),
    Probe(
        "F03l_td_generator_sysexit",
        "test_data=lambda: exit(4)",
        Verdict.PE,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('p', objects=[mv], test_data=lambda: exit(4))",
        ),
        names=(("SystemExit", "exit"),),
        at=AT_PIPE,
    ),
    Probe(
        "F03m_td_jsonb_nan",
        "jsonb test data {'x': Decimal('NaN')}",
        Verdict.WS,
        typed("jsonb", "{'x': Decimal('NaN')}"),
        expect=EITHER,
        names=("NaN",),
        at=AT_PIPE,
    ),
    Probe(
        "F04_doc_nul",
        "doc='hello\\x00world */ DROP TABLE s; /*'",
        Verdict.WS,
        pq(
            'mv = MaterializedView("mv", s.select("id"), doc="hello\\x00world */ DROP TABLE s; /*")',
            PIPE,
        ),
        names=(NUL, "doc"),
        at="mv = ",
    ),
    Probe(
        "F04b_doc_not_str",
        "doc=42",
        Verdict.TB,
        pq('mv = MaterializedView("mv", s.select("id"), doc=42)', PIPE),
        names=("doc",),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "F05_kafka_option_value_quote",
        "Kafka topic/server with quotes, an option value with NUL",
        Verdict.WS,
        kafka('{"scan.startup.mode": "earliest\\x00"}'),
        names=(NUL, "scan.startup.mode"),
        at="k = Stream",
    ),
    Probe(
        "F05b_kafka_option_key_bad",
        "Kafka option key \"x = 'y'); DROP\"",
        Verdict.GE,
        kafka('{"x = \'y\'); DROP": "v"}'),
        names=("x = 'y'); DROP",),
        at="k = Stream",
    ),
)
