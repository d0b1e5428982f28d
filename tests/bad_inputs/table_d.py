"""Report probes D: windows, watermarks, ZScore, Funnel and joins."""

from __future__ import annotations

from tests.bad_inputs.checks import INTERNALS
from tests.bad_inputs.probe import Expect, Probe, Verdict
from tests.bad_inputs.sources import EVENTS, PIPE, mv, pq

ACCEPT = Expect.ACCEPT


def window(call: str) -> dict[str, str | bytes]:
    """An MV counting rows per window_start of ``call`` (a Hop or Tumble over ``s``)."""
    return mv(f'{call}.group_by("window_start").agg(n=count())')


def watermark(value: str) -> dict[str, str | bytes]:
    return pq(
        f't = Stream("t", {{"ts": "timestamp", "a": "int"}}, event_time="ts", watermark={value})',
        'mv = MaterializedView("mv", t.select("a"))',
        PIPE,
    )


def zscore(**args: str) -> dict[str, str | bytes]:
    given = {"value": '"amount"', "order_by": '"ts"', "partition_by": '["id"]'} | args
    return mv("ZScore(s, " + ", ".join(f"{k}={v}" for k, v in given.items()) + ")")


def funnel(args: str, events: str = EVENTS) -> dict[str, str | bytes]:
    return pq(events, f'mv = MaterializedView("mv", Funnel(e, {args}))', PIPE)


def join(left: str, right: str, on: str, *, how: str = "") -> dict[str, str | bytes]:
    return pq(
        f't1 = Table("t1", {{"k": "{left}", "a": "int"}})',
        f't2 = Table("t2", {{"k": "{right}", "b": "int"}})',
        f'mv = MaterializedView("mv", Join(t1, t2, on={on}{how}))',
        PIPE,
    )


PROBES: tuple[Probe, ...] = (
    Probe(
        "D01_hop_zero",
        "hop='0 minutes'",
        Verdict.GE,
        window('Hop(s, "ts", hop="0 minutes", size="1 hour")'),
        names=("hop", "0 minutes"),
        at="mv = ",
    ),
    Probe(
        "D01b_hop_negative",
        "hop='-5 minutes'",
        Verdict.GE,
        window('Hop(s, "ts", hop="-5 minutes", size="1 hour")'),
        names=("hop", "-5 minutes"),
        at="mv = ",
    ),
    Probe(
        "D01c_hop_gt_size",
        "hop='2 hours', size='1 hour'",
        Verdict.GE,
        window('Hop(s, "ts", hop="2 hours", size="1 hour")'),
        names=("2 hours", "1 hour"),
        at="mv = ",
    ),
    Probe(
        "D01d_tumble_zero",
        "Tumble size '0 seconds'",
        Verdict.GE,
        window('Tumble(s, "ts", "0 seconds")'),
        names=("0 seconds",),
        at="mv = ",
    ),
    Probe(
        "D01e_hop_months",
        "hop='1 month', size='1 year'",
        Verdict.GE,
        window('Hop(s, "ts", hop="1 month", size="1 year")'),
        names=("1 month",),
        at="mv = ",
    ),
    Probe(
        "D01f_tumble_huge",
        "Tumble size '99999999999999999999 years'",
        Verdict.ABF,
        window('Tumble(s, "ts", "99999999999999999999 years")'),
        names=("99999999999999999999",),
        at="mv = ",
    ),
    # RisingWave's rule for an offset beyond the size is not checked here (the report could not
    # either): compiling it is fine if PostgreSQL takes the lowered SQL, refusing names offset
    Probe(
        "D01g_tumble_offset_gt_size",
        "Tumble size '1 hour', offset '5 hours'",
        Verdict.UNV,
        window('Tumble(s, "ts", "1 hour", offset="5 hours")'),
        expect=Expect.EITHER,
        names=("offset",),
        at="mv = ",
    ),
    Probe(
        "D01h_hop_bad_hop_with_offset",
        "Hop(hop='bad', size='1 hour', offset='7 minutes')",
        Verdict.PE,
        window('Hop(s, "ts", hop="bad", size="1 hour", offset="7 minutes")'),
        names=("bad",),
        at="mv = ",
        max_errors=1,
    ),
    Probe(
        "D01i_tumble_unicode_digit",
        "size '\\u0662 hours' (Arabic-Indic 2)",
        Verdict.OK,
        window('Tumble(s, "ts", "\\u0662 hours")'),
        expect=ACCEPT,
    ),
    Probe(
        "D02_watermark_typo",
        "watermark='2 minutse'",
        Verdict.GE,
        watermark('"2 minutse"'),
        names=("watermark", "2 minutse"),
        at="t = Stream",
    ),
    Probe(
        "D02b_watermark_fraction",
        "watermark='1.5 minutes'",
        Verdict.GE,
        watermark('"1.5 minutes"'),
        names=("1.5 minutes",),
        at="t = Stream",
    ),
    Probe(
        "D02c_watermark_zero",
        "watermark='0 seconds'",
        Verdict.GE,
        watermark('"0 seconds"'),
        names=("0 seconds",),
        at="t = Stream",
    ),
    Probe(
        "D02d_watermark_injection",
        'watermark="1 minute\'; DROP TABLE t; --"',
        Verdict.GE,
        watermark('"1 minute\'; DROP TABLE t; --"'),
        names=("1 minute'; DROP TABLE t; --",),
        at="t = Stream",
    ),
    Probe(
        "D03_zscore_neg_threshold",
        "ZScore threshold=-2",
        Verdict.GE,
        zscore(threshold="-2"),
        names=("threshold",),
        at="mv = ",
    ),
    Probe(
        "D03b_zscore_nan_threshold",
        "ZScore threshold=float('nan')",
        Verdict.WS,
        zscore(threshold="float('nan')"),
        expect=Expect.EITHER,
        names=("threshold",),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "D03c_zscore_inf_threshold",
        "ZScore threshold=float('inf')",
        Verdict.WS,
        zscore(threshold="float('inf')"),
        expect=Expect.EITHER,
        names=("threshold",),
        at="mv = ",
    ),
    Probe(
        "D03d_zscore_str_threshold",
        "threshold='3'",
        Verdict.GE,
        zscore(threshold="'3'"),
        names=("threshold",),
        at="mv = ",
    ),
    Probe(
        "D03e_zscore_decimal_nan_threshold",
        "threshold=Decimal('NaN')",
        Verdict.GE,
        zscore(threshold="Decimal('NaN')"),
        names=("threshold",),
        at="mv = ",
    ),
    Probe(
        "D03f_zscore_bool_threshold",
        "threshold=True",
        Verdict.GE,
        zscore(threshold="True"),
        names=("threshold",),
        at="mv = ",
    ),
    Probe(
        "D03g_zscore_minperiods_float",
        "min_periods=2.5",
        Verdict.GE,
        zscore(min_periods="2.5"),
        names=("min_periods",),
        at="mv = ",
    ),
    Probe(
        "D03h_zscore_lookback_neg_int",
        "lookback=-5",
        Verdict.GE,
        zscore(lookback="-5", exclude_recent="1"),
        names=("lookback", "-5"),
        at="mv = ",
    ),
    # a str for a list of names: partition by that one column, or one clear error
    Probe(
        "D03i_zscore_partition_str",
        "partition_by='id' (a str, not a list)",
        Verdict.PE,
        zscore(partition_by='"id"'),
        expect=Expect.EITHER,
        names=("partition_by",),
        at="mv = ",
        max_errors=1,
    ),
    Probe(
        "D04_funnel_zero",
        "Funnel stages=[]",
        Verdict.GE,
        funnel('session="sid", step="step", stages=[]'),
        names=("stages",),
        at="mv = ",
    ),
    Probe(
        "D04b_funnel_one",
        "Funnel stages=['view']",
        Verdict.GE,
        funnel('session="sid", step="step", stages=["view"]'),
        names=("stages",),
        at="mv = ",
    ),
    Probe(
        "D04c_funnel_str_stages",
        "Funnel stages='view' (a str)",
        Verdict.ABF,
        funnel('session="sid", step="step", stages="view"'),
        names=("stages",),
        at="mv = ",
        smoke=True,
    ),
    Probe(
        "D04d_funnel_stage_label_clash",
        "stages ['a', Stage('b', label='a')]",
        Verdict.OK,
        funnel('session="sid", step="step", stages=["a", Stage("b", label="a")]'),
        expect=ACCEPT,
    ),
    Probe(
        "D04e_funnel_stage_vs_total",
        "total_as equal to a generated column",
        Verdict.GE,
        funnel('session="sid", step="step", stages=["total", "b"], total_as="total_count"'),
        names=("total_count",),
        at="mv = ",
    ),
    Probe(
        "D04f_funnel_stage_inject",
        'stage "a\'); DROP TABLE e; --"',
        Verdict.OK,
        funnel('session="sid", step="step", stages=["a\'); DROP TABLE e; --", "b"]'),
        expect=ACCEPT,
    ),
    Probe(
        "D04g_funnel_rate_label_dup",
        "stages ['x', Stage('y', label='z'), Stage('w', label='x'), Stage('v', label='z')]",
        Verdict.WS,
        funnel(
            'session="sid", step="step", stages=["x", Stage("y", label="z"), '
            'Stage("w", label="x"), Stage("v", label="z")]'
        ),
        names=("x_to_z_rate",),
        at="mv = ",
    ),
    # the session key and a stage flag share a name inside ecomdsl's own CTE: renaming the
    # internal column is as good as refusing
    Probe(
        "D04h_funnel_session_named_has_a",
        "Funnel(session='has_a', stages=['a','b'])",
        Verdict.WS,
        funnel('session="has_a", step="step", stages=["a", "b"]'),
        expect=Expect.EITHER,
        names=("has_a",),
        at="mv = ",
    ),
    Probe(
        "D05_join_type_mismatch",
        "Join on k: int vs varchar",
        Verdict.GE,
        join("int", "varchar", '"k"'),
        names=("'k'", "int", "varchar"),
        at="mv = ",
    ),
    Probe(
        "D05b_join_pred_type_mismatch",
        "Join predicate int = varchar",
        Verdict.GE,
        join("int", "varchar", "t1.c.a == t2.c.k"),
        names=("int", "varchar"),
        at="mv = ",
    ),
    Probe(
        "D05c_join_int_vs_numeric",
        "Join int vs numeric",
        Verdict.OK,
        join("int", "numeric", '"k"'),
        expect=ACCEPT,
    ),
    Probe(
        "D05d_join_timestamp_vs_tstz",
        "Join timestamp vs timestamptz",
        Verdict.OK,
        join("timestamp", "timestamptz", '"k"'),
        expect=ACCEPT,
    ),
    Probe(
        "D05e_join_how_bad",
        "how='cross'",
        Verdict.GE,
        join("int", "int", '"k"', how=', how="cross"'),
        names=("cross",),
        at="mv = ",
    ),
    # a self-join: either it works, or one error that does not show internal aliases
    Probe(
        "D05f_join_self",
        "Join(t1, t1, on=t1.c.k == t1.c.p)",
        Verdict.PE,
        pq(
            't1 = Table("t1", {"k": "int", "p": "int"})',
            'mv = MaterializedView("mv", Join(t1, t1, on=t1.c.k == t1.c.p))',
            PIPE,
        ),
        expect=Expect.EITHER,
        names=("t1",),
        at="mv = ",
        max_errors=1,
        check=INTERNALS,
    ),
)
