"""Report probes J: connectors, allow=, and the expression builders."""

from __future__ import annotations

from tests.bad_inputs.checks import INTERNALS
from tests.bad_inputs.probe import Expect, Probe, Verdict
from tests.bad_inputs.sources import PIPE, mv, pq

ACCEPT, EITHER = Expect.ACCEPT, Expect.EITHER
GROUPED = 's.group_by("id").agg(n=count())'


def allow(value: str) -> dict[str, str | bytes]:
    return pq(f'mv = MaterializedView("mv", {GROUPED}, allow={value})', PIPE)


PROBES: tuple[Probe, ...] = (
    Probe(
        "J01_connector_str",
        "Stream(..., connector='kafka')",
        Verdict.TB,
        pq(
            'k = Stream("k", {"a": "int", "ts": "timestamp"}, event_time="ts", connector="kafka")',
            'mv = MaterializedView("mv", k.select("a"))',
            PIPE,
        ),
        names=("connector",),
        at="k = Stream",
        smoke=True,
    ),
    Probe(
        "J02_allow_unknown_code",
        "allow={'RW999': ...}",
        Verdict.GE,
        allow('{"RW999": "x"}'),
        names=("RW999",),
        at="mv = ",
    ),
    Probe(
        "J02b_allow_error_code",
        "allow={'RW001': ...}",
        Verdict.GE,
        allow('{"RW001": "x"}'),
        names=("RW001",),
        at="mv = ",
    ),
    Probe(
        "J02c_allow_empty_reason",
        "allow={'RW102': ''}",
        Verdict.GE,
        allow('{"RW102": ""}'),
        names=("RW102",),
        at="mv = ",
    ),
    Probe(
        "J02d_allow_reason_not_str",
        "allow={'RW102': 5}",
        Verdict.GE,
        allow('{"RW102": 5}'),
        names=("RW102",),
        at="mv = ",
    ),
    Probe(
        "J03_col_int",
        "col(5)",
        Verdict.GE,
        mv("s.select(x=col(5))"),
        names=("col", "int"),
        at="mv = ",
    ),
    Probe(
        "J03b_func_unknown",
        "func('system', 'rm -rf /')",
        Verdict.GE,
        mv('s.select(x=func("system", "rm -rf /"))'),
        names=("system",),
        at="mv = ",
    ),
    Probe(
        "J03c_func_no_args",
        "func('lower')",
        Verdict.GE,
        mv('s.select(x=func("lower"))'),
        names=("lower",),
        at="mv = ",
    ),
    Probe(
        "J03d_when_empty",
        "s.select(x=when())",
        Verdict.WS,
        mv("s.select(x=when())"),
        names=("when",),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "J03e_interval_int",
        "interval(5)",
        Verdict.GE,
        mv('s.where(col("ts") > col("ts") - interval(5)).select("id")'),
        names=("interval",),
        at="mv = ",
    ),
    Probe(
        "J03f_json_int_key",
        ".json(5)",
        Verdict.GE,
        mv('s.select(x=col("id").json(5))'),
        names=("json",),
        at="mv = ",
    ),
    Probe(
        "J03g_cast_int",
        ".cast(5)",
        Verdict.GE,
        mv('s.select(x=col("id").cast(5))'),
        names=("cast", "int"),
        at="mv = ",
    ),
    # a Column where a column name is expected: using its name is as good as a clear error,
    # but a message must not print the builder's repr
    Probe(
        "J03h_zscore_value_expr",
        "ZScore(value=col('amount'))",
        Verdict.PE,
        mv('ZScore(s, value=col("amount"), order_by="ts", partition_by=["id"])'),
        expect=EITHER,
        names=("value",),
        at="mv = ",
        check=INTERNALS,
    ),
    Probe(
        "J03i_tumble_time_expr",
        "Tumble(s, col('ts'), ...)",
        Verdict.PE,
        mv('Tumble(s, col("ts"), "1 hour").group_by("window_start").agg(n=count())'),
        expect=EITHER,
        names=(("TUMBLE", "Tumble"),),
        at="mv = ",
        check=INTERNALS,
    ),
    Probe(
        "J03j_where_string",
        "s.where('amount > 5')",
        Verdict.TB,
        mv('s.where("amount > 5").select("id")'),
        names=("where", ("str", "amount > 5")),
        at="mv = ",
    ),
    Probe(
        "J03k_agg_empty",
        "group_by().agg()",
        Verdict.GE,
        mv('s.group_by("id").agg()'),
        names=("agg",),
        at="mv = ",
    ),
    Probe(
        "J03l_union_single",
        "union_all(one)",
        Verdict.GE,
        mv('union_all(s.select("id"))'),
        names=("union",),
        at="mv = ",
    ),
    Probe(
        "J03m_eowc_no_window",
        "emit_on_window_close without a window",
        Verdict.GE,
        pq(f'mv = MaterializedView("mv", {GROUPED}, emit_on_window_close=True)', PIPE),
        names=(("RW006", "EMIT ON WINDOW CLOSE"),),
        at="mv = ",
    ),
    Probe(
        "J03n_funnel_session_int",
        "Funnel(session=5)",
        Verdict.GE,
        mv('Funnel(s, session=5, step="id", stages=["a", "b"])'),
        names=("session",),
        at="mv = ",
    ),
    Probe(
        "J03o_lag_offset_negative",
        "lag(x, -3)",
        Verdict.OK,
        mv('s.select("id", prev=lag(col("amount"), -3).over(partition_by="id", order_by="ts"))'),
        expect=ACCEPT,
    ),
    Probe(
        "J03p_lag_offset_str",
        "lag(x, '1; DROP TABLE s')",
        Verdict.ABF,
        mv(
            's.select("id", prev=lag(col("amount"), "1; DROP TABLE s")'
            '.over(partition_by="id", order_by="ts"))'
        ),
        names=("lag",),
        at="mv = ",
    ),
    Probe(
        "J03q_over_rows_huge",
        "over(rows=(10**30, None))",
        Verdict.ABF,
        mv(
            's.select("id", r=sum_(col("amount")).over(partition_by="id", order_by="ts", '
            "rows=(10**30, None)))"
        ),
        names=("rows",),
        at="mv = ",
    ),
    Probe(
        "J03r_over_rows_str",
        "over(rows=('1 hour; DROP', None))",
        Verdict.GE,
        mv(
            's.select("id", r=sum_(col("amount")).over(partition_by="id", order_by="ts", '
            'rows=("1 hour; DROP", None)))'
        ),
        names=("rows",),
        at="mv = ",
    ),
    Probe(
        "J03s_isin_empty",
        "isin([])",
        Verdict.GE,
        mv('s.where(col("id").isin([])).select("id")'),
        names=("isin",),
        at="mv = ",
    ),
    Probe(
        "J03t_between_reversed_types",
        "between('a', 5) on numeric",
        Verdict.GE,
        mv('s.where(col("amount").between("a", 5)).select("id")'),
        names=("between",),
        at="mv = ",
    ),
    Probe(
        "J03u_round_str_digits",
        "round(x, '2')",
        Verdict.OK,
        mv('s.select("id", r=func("round", col("amount"), "2"))'),
        expect=ACCEPT,
    ),
    Probe(
        "J03v_date_trunc_bad_unit",
        "func('date_trunc', 'fortnight', ts)",
        Verdict.ABF,
        mv('s.select(x=func("date_trunc", "fortnight", col("ts")))'),
        names=("fortnight",),
        at="mv = ",
    ),
    Probe(
        "J03w_pipeline_bad_name",
        "Pipeline('../../etc')",
        Verdict.GE,
        pq(
            'mv = MaterializedView("mv", s.select("id"))',
            "pipeline = Pipeline('../../etc', objects=[mv])",
        ),
        names=("../../etc",),
        at="pipeline = ",
    ),
    Probe(
        "J03x_select_star_dupes",
        "select('id', 'id')",
        Verdict.GE,
        mv('s.select("id", "id")'),
        names=("'id'",),
        at="mv = ",
    ),
    Probe(
        "J03y_select_kw_and_pos_dup",
        "select('id', id=...)",
        Verdict.GE,
        mv('s.select("id", id=col("amount"))'),
        names=("'id'",),
        at="mv = ",
    ),
    Probe(
        "J03z_debug_flag",
        "--debug compile with an error",
        Verdict.OK,
        mv('s.select("nope")'),
        ("--debug", "compile"),
        traceback_ok=True,
        names=("nope",),
    ),
)
