"""Report probes B and C: unions, argument types, case and names (quoting, 63-byte limit)."""

from __future__ import annotations

from tests.bad_inputs.checks import BLAMES_DUCKDB
from tests.bad_inputs.probe import Expect, Probe, Verdict
from tests.bad_inputs.sources import PIPE, pb, pq

T = 't = Table("t", {"id": "varchar", "x": "int"}, primary_key="id")'
ACCEPT = Expect.ACCEPT


CASE_DUP = pb(
    't = Table("t", {"Amount": "int", "amount": "int"})',
    'mv = MaterializedView("mv", t.select("Amount", "amount"))',
    PIPE,
)
ALIAS_DUP = pb('mv = MaterializedView("mv", s.select("id", ID=col("amount")))', PIPE)
OBJ_DUP = pb(
    'a = MaterializedView("Totals", s.select("id"))',
    'mv = MaterializedView("totals", s.select("id"))',
    "pipeline = Pipeline('p', objects=[a, mv])",
)
WEIRD = pq(
    'w = Table("we\\"ird; --name\\nx", {"select": "int", "é🙂": "varchar", "a\\"b": "int", '
    '"from": "int", "*/ x /*": "int"})',
    'mv = MaterializedView("view; DROP TABLE s --", w.select("select", "é🙂", "a\\"b", "*/ x /*"))',
    PIPE,
)
LONG = "total_revenue_for_each_product_category_in_the_last_sliding_hour"
STAGE = "visited_the_landing_page_from_a_paid_search_campaign_a"

PROBES: tuple[Probe, ...] = (
    Probe(
        "B01_union_missing_table",
        "an MV over union_all(t..., t...); t not listed in objects",
        Verdict.WS,
        pb(
            T,
            'mv = MaterializedView("mv", union_all(t.select("id", "x"), t.select("id", "x")))',
            PIPE,
        ),
        expect=ACCEPT,
        smoke=True,
    ),
    Probe(
        "B01b_union_order",
        "MV 'aa' = union_all over MV 'zz'",
        Verdict.WS,
        pb(
            T,
            'zz = MaterializedView("zz", t.select("id", "x"))',
            'mv = MaterializedView("aa", union_all(zz.select("id", "x"), zz.select("id", "x")))',
            "pipeline = Pipeline('p', objects=[t, zz, mv])",
        ),
        expect=ACCEPT,
    ),
    Probe(
        "B01c_union_cycle",
        "a = union_all(ref('b'), t), b = union_all(a, t)",
        Verdict.WS,
        pb(
            T,
            'a = MaterializedView("a", union_all(ref("b").select("id", "x"), t.select("id", "x")))',
            'b = MaterializedView("b", union_all(a.select("id", "x"), t.select("id", "x")))',
            "pipeline = Pipeline('p', objects=[t, a, b])",
        ),
        names=("cycle", "pipelines/p.py:"),
    ),
    Probe(
        "B02_int_name",
        "MaterializedView(123, ...)",
        Verdict.PE,
        pb('mv = MaterializedView(123, s.select("id"))', PIPE),
        names=(("123", "int"),),
        at="MaterializedView(123",
    ),
    Probe(
        "B02b_int_column_name",
        "Table('t', {1: 'int', 'b': 'varchar'})",
        Verdict.ABF,
        pb(
            't = Table("t", {1: "int", "b": "varchar"})',
            'mv = MaterializedView("mv", t.select("b"))',
            PIPE,
        ),
        names=(("int", "'1'"),),
        at="t = Table",
    ),
    Probe(
        "B02c_int_type",
        "{'a': 5} as a column type",
        Verdict.GE,
        pb('t = Table("t", {"a": 5})', 'mv = MaterializedView("mv", t.select("a"))', PIPE),
        names=("'a'", "int"),
        at="t = Table",
    ),
    Probe(
        "B02d_str_query",
        "MaterializedView('mv', 'SELECT * FROM s')",
        Verdict.TB,
        pb('mv = MaterializedView("mv", "SELECT * FROM s")', PIPE),
        names=("mv", "str"),
        at='mv = MaterializedView("mv", "SELECT',
        smoke=True,
    ),
    Probe(
        "B02e_int_colname_in_select",
        "s.select(5)",
        Verdict.PE,
        pb('mv = MaterializedView("mv", s.select(5))', PIPE),
        names=("5", ("int", "str")),
        at="s.select(5)",
    ),
    Probe(
        "B02f_int_time_column",
        "Tumble(s, 5, '1 hour')",
        Verdict.PE,
        pb(
            'mv = MaterializedView("mv", Tumble(s, 5, "1 hour").group_by("window_start").agg(n=count()))',
            PIPE,
        ),
        names=(("TUMBLE", "Tumble"), "5", ("str", "name")),
        at="Tumble(s, 5",
    ),
    Probe(
        "B02g_int_watermark",
        "watermark=120",
        Verdict.GE,
        pb(
            't = Stream("t", {"ts": "timestamp"}, event_time="ts", watermark=120)',
            'mv = MaterializedView("mv", t.select("ts"))',
            PIPE,
        ),
        names=("watermark", "120"),
        at="watermark=120",
    ),
    Probe(
        "B02h_columns_is_list_of_str",
        "Table('t', ['a', 'b'])",
        Verdict.PE,
        pb('t = Table("t", ["a", "b"])', 'mv = MaterializedView("mv", t.select("a"))', PIPE),
        names=("columns",),
        at="t = Table",
    ),
    Probe(
        "B02i_emit_eowc_str",
        "emit_on_window_close='no'",
        Verdict.ABF,
        pb(
            'mv = MaterializedView("mv", Tumble(s, "ts", "1 hour").group_by("window_start")'
            '.agg(n=count()), emit_on_window_close="no")',
            PIPE,
        ),
        names=("emit_on_window_close",),
        at="emit_on_window_close",
        smoke=True,
    ),
    Probe(
        "B02j_append_only_str",
        "Table(..., append_only='false')",
        Verdict.ABF,
        pb(
            't = Table("t", {"a": "int"}, append_only="false")',
            'mv = MaterializedView("mv", t.select("a"))',
            PIPE,
        ),
        names=("append_only",),
        at="append_only",
    ),
    Probe(
        "B03_unknown_type",
        "type 'strnig'",
        Verdict.GE,
        pb('t = Table("t", {"a": "strnig"})', 'mv = MaterializedView("mv", t.select("a"))', PIPE),
        names=("strnig", "string"),
        at="t = Table",
    ),
    Probe(
        "B03b_type_injection",
        "type 'int); DROP TABLE x; --'",
        Verdict.GE,
        pb(
            't = Table("t", {"a": "int); DROP TABLE x; --"})',
            'mv = MaterializedView("mv", t.select("a"))',
            PIPE,
        ),
        names=("int); DROP TABLE x; --",),
        at="t = Table",
    ),
    Probe(
        "B03c_cast_injection",
        ".cast('int) FROM s; DROP TABLE s; --')",
        Verdict.GE,
        pb(
            'mv = MaterializedView("mv", s.select(x=col("amount").cast("int) FROM s; DROP TABLE s; --")))',
            PIPE,
        ),
        names=("cast", "int) FROM s; DROP TABLE s; --"),
        at="mv = ",
    ),
    Probe(
        "B04_empty_columns",
        "Table('t', {}) then t.select()",
        Verdict.GE,
        pb('t = Table("t", {})', 'mv = MaterializedView("mv", t.select())', PIPE),
        names=("select",),
        at="t.select()",
    ),
    Probe(
        "B04b_empty_stream",
        "Stream('t', {}, event_time='ts')",
        Verdict.GE,
        pb(
            't = Stream("t", {}, event_time="ts")',
            'mv = MaterializedView("mv", t.select("ts"))',
            PIPE,
        ),
        names=("column",),
        at="t = Stream",
    ),
    Probe("B05_case_dup", "columns 'Amount' and 'amount'", Verdict.OK, CASE_DUP, expect=ACCEPT),
    # DuckDB compares names without case, so the preview cannot hold both: an error that says
    # so (not DuckDB's catalog error) is the honest outcome
    Probe(
        "B05b_case_dup_run",
        "columns 'Amount' and 'amount', `ecomdsl run`",
        Verdict.PE,
        CASE_DUP,
        command=("run",),
        names=("Amount", "amount"),
        at="t = Table",
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "B05c_select_alias_case_dup",
        "select('id', ID=col('amount'))",
        Verdict.OK,
        ALIAS_DUP,
        expect=ACCEPT,
    ),
    Probe(
        "B05d_select_alias_case_dup_run",
        "select('id', ID=...), `ecomdsl run`",
        Verdict.ABF,
        ALIAS_DUP,
        command=("run",),
        names=("ID", "id"),
        at="mv = ",
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "B05e_objects_case_dup", "objects 'Totals' and 'totals'", Verdict.OK, OBJ_DUP, expect=ACCEPT
    ),
    Probe(
        "B05f_objects_case_dup_run",
        "objects 'Totals' and 'totals', `ecomdsl run`",
        Verdict.PE,
        OBJ_DUP,
        command=("run",),
        names=("Totals", "totals", "pipelines/p.py:"),
        check=BLAMES_DUCKDB,
    ),
    Probe(
        "C01_weird_names",
        'names with " ; newline unicode emoji reserved words -- */',
        Verdict.OK,
        WEIRD,
        expect=ACCEPT,
        smoke=True,
    ),
    Probe(
        "C01b_nul_in_name",
        "Table('t\\x00x', {'a\\x00b': 'int'})",
        Verdict.WS,
        pq(
            't = Table("t\\x00x", {"a\\x00b": "int"})',
            'mv = MaterializedView("mv", t.select("a\\x00b"))',
            "pipeline = Pipeline('p', objects=[t, mv])",
        ),
        names=(("NUL", "\\x00", "\\0"),),
        at="t = Table",
    ),
    Probe(
        "C02_long_names_collide",
        "tables 'a'*63+'_one' and 'a'*63+'_two'",
        Verdict.ABF,
        pq(
            'base = "a" * 63',
            't1 = Table(base + "_one", {"x": "int"})',
            't2 = Table(base + "_two", {"x": "int"})',
            'mv = MaterializedView("mv", Join(t1, t2, on="x").select(x=t1.c.x))',
            "pipeline = Pipeline('p', objects=[t1, t2, mv])",
        ),
        names=("67", "63"),
        at="t1 = Table",
        smoke=True,
    ),
    Probe(
        "C02b_long_columns_collide",
        "two 67-byte column names sharing 63 bytes",
        Verdict.ABF,
        pq(
            'base = "c" * 63',
            't = Table("t", {base + "_one": "int", base + "_two": "int"})',
            'mv = MaterializedView("mv", t.select(base + "_one", base + "_two"))',
            "pipeline = Pipeline('p', objects=[t, mv])",
        ),
        names=("67", "63"),
        at="t = Table",
    ),
    Probe(
        "C02c_long_alias_collide",
        f"agg({LONG}_sum=..., {LONG}_max=...)",
        Verdict.ABF,
        pq(
            f'base = "{LONG}"',
            'mv = MaterializedView("mv", s.group_by("id").agg(**{base + "_sum": '
            'sum_(col("amount")), base + "_max": max_(col("amount"))}))',
            PIPE,
        ),
        names=("68", "63"),
        at="mv = ",
    ),
    Probe(
        "C02d_funnel_rate_truncation",
        "Funnel with 54-char stage names: 118-byte rate columns",
        Verdict.ABF,
        pq(
            'e = Stream("e", {"sid": "varchar", "step": "varchar", "ts": "timestamp"}, event_time="ts")',
            f'a = "{STAGE}"',
            'stages = [a, a + "x", a + "y"]',
            'mv = MaterializedView("mv", Funnel(e, session="sid", step="step", stages=stages))',
            PIPE,
        ),
        names=(("118", "119"), "63"),
        at="mv = ",
    ),
    Probe(
        "C02e_multibyte_long",
        "a table named 'é'*40 (80 bytes)",
        Verdict.ABF,
        pq(
            't1 = Table("é" * 40, {"x": "int"})',
            't2 = Table("é" * 31 + "ex", {"x": "int"})',
            "pipeline = Pipeline('p', objects=[t1, t2])",
        ),
        names=("80", "63"),
        at="t1 = Table",
    ),
)
