"""Report probes E: raw() fragments (injection, refused shapes, checks it must not bypass)."""

from __future__ import annotations

from tests.bad_inputs.probe import Expect, Name, Probe, Verdict
from tests.bad_inputs.sources import mv

ACCEPT = Expect.ACCEPT


def raw(
    fragment: str,
    verdict: Verdict,
    *,
    id: str,
    expect: Expect = Expect.FAIL,
    names: tuple[Name, ...] = ("raw",),
    smoke: bool = False,
    known: str | None = None,
) -> Probe:
    """``s.select("id", x=raw(fragment))``; a refusal names raw() and the line."""
    return Probe(
        id,
        f"raw({fragment!r})",
        verdict,
        mv(f's.select("id", x=raw({fragment!r}))'),
        expect=expect,
        names=names if expect is not ACCEPT else (),
        at="mv = ",
        smoke=smoke,
        known=known,
    )


PROBES: tuple[Probe, ...] = (
    raw("1); DROP TABLE x; --", Verdict.GE, id="E01_raw_inject_paren", smoke=True),
    raw(
        "amount; DROP TABLE s",
        Verdict.GE,
        id="E01b_raw_inject_semicolon",
        names=("raw", "amount; DROP TABLE s", ";"),
    ),
    raw("amount -- ; DROP TABLE s", Verdict.OK, id="E01c_raw_comment_tail", expect=ACCEPT),
    raw("amount /* */ DROP TABLE s; /* */", Verdict.GE, id="E01d_raw_block_comment"),
    raw(
        "amount /* x */ + 1 -- */ ; DROP TABLE s",
        Verdict.OK,
        id="E01e_raw_comment_escape",
        expect=ACCEPT,
    ),
    raw("(SELECT max(amount) FROM s)", Verdict.GE, id="E02_raw_subquery"),
    raw("EXISTS (SELECT 1 FROM s)", Verdict.GE, id="E02b_raw_exists"),
    raw("id IN (SELECT id FROM s)", Verdict.GE, id="E02c_raw_in_subquery"),
    raw("row_number() OVER (ORDER BY ts)", Verdict.GE, id="E02d_raw_window"),
    raw("sum(amount)", Verdict.GE, id="E02e_raw_agg", names=("raw", "sum(amount)")),
    # pg_sleep() returns void: PostgreSQL refuses a void column ("column has pseudo-type
    # void"), so the report's acceptance only holds if the SQL is valid
    raw(
        "pg_sleep(10)",
        Verdict.OK,
        id="E02f_raw_side_effect_fn",
        expect=Expect.EITHER,
        known="a raw() call of a void function (pg_sleep) is accepted; PostgreSQL refuses a "
        "void column",
    ),
    raw(
        "set_config('search_path', 'evil', false)",
        Verdict.OK,
        id="E02g_raw_set_config",
        expect=ACCEPT,
    ),
    raw("*", Verdict.GE, id="E02h_raw_star"),
    raw("amout * 2", Verdict.GE, id="E02i_raw_unknown_col", names=("amout",)),
    raw("other.amount", Verdict.GE, id="E02j_raw_qualified_other", names=("other",)),
    raw("E'\\\\' || id", Verdict.OK, id="E02k_raw_escape_string", expect=ACCEPT),
    raw("$$it's$$ || id", Verdict.OK, id="E02l_raw_dollar_quote", expect=ACCEPT),
    raw("E'a\\'b' || id", Verdict.OK, id="E02m_raw_estring_quote", expect=ACCEPT),
    raw('"Amount" * 2', Verdict.GE, id="E02n_raw_case_quoted_col", names=("Amount",)),
    raw("ARRAY[1,2][1]", Verdict.OK, id="E02o_raw_array_subscript", expect=ACCEPT),
    raw("(VALUES (1))", Verdict.GE, id="E02p_raw_values"),
    # json is refused as a column type (RW007); a cast through raw() must not get past that
    raw("CAST(amount AS json)", Verdict.ABF, id="E02q_raw_cast_json", names=("json",)),
    # NOW() outside a temporal filter is RW003, written by hand or not
    raw("now()", Verdict.ABF, id="E02r_raw_now", names=(("RW003", "now", "NOW"),), smoke=True),
    raw("generate_series(1, 10)", Verdict.OK, id="E02s_raw_lateral_func", expect=ACCEPT),
    raw("   ", Verdict.GE, id="E02t_raw_empty"),
    Probe(
        "E02u_raw_type_bad",
        "raw(..., type='nonsense')",
        Verdict.GE,
        mv('s.select("id", x=raw("amount * 2", type="nonsense"))'),
        names=("nonsense",),
        at="mv = ",
    ),
    raw("amount IS DISTINCT FROM 1", Verdict.OK, id="E02v_raw_noncall", expect=ACCEPT),
)
