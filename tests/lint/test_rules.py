"""The rule table (`ecomdsl.lint.rules`): every rule reports its code, object, file:line,
message and fix, in one table-driven test, and is documented in docs/rules.md."""

from __future__ import annotations

import pytest

from ecomdsl import (
    Join,
    MaterializedView,
    Pipeline,
    Stream,
    Table,
    Tumble,
    ZScore,
    col,
    count,
    max_,
)
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.lint import RULES, lint
from ecomdsl.model.resolve import resolve
from tests.helpers import ROOT, events, products, where
from tests.lint.helpers import compile_fails_with, hourly


def at(marker: str) -> str:
    return where(marker, __file__)


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text()
    for code, rule in RULES.items():
        assert f"| {code} |" in doc, code
        assert rule.title in doc, code


def test_every_lint_stage_rule_has_a_check_and_every_check_a_rule() -> None:
    from ecomdsl.lint.checks import CHECKS

    # the engine itself reports RW201 (a suppression without a reason) and RW202 (one that
    # silences nothing); every other lint-stage rule is a row of the check table
    by_engine = {"RW201", "RW202"}
    lint_stage = {code for code, rule in RULES.items() if rule.stage == "lint"} - by_engine
    checked = {check.code for check in CHECKS}
    assert lint_stage == checked
    assert len(checked) >= 10


def _case_rw001() -> list[PipelineObject]:
    from ecomdsl import Hop

    hop = Hop(events(), "event_time", hop="7 minutes", size="1 hour")  # C:RW001
    return [MaterializedView("m", hop.agg(n=count()))]


def _case_rw002() -> list[PipelineObject]:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(order_by="event_time")  # C:RW002
    return [MaterializedView("m", e.select("event_id", rn=rn).where(col("rn") <= 3)), hourly(e)]


def _case_rw003() -> list[PipelineObject]:
    from ecomdsl import now

    e = events()
    age = now() - col("event_time")  # C:RW003
    return [MaterializedView("m", e.select(age=age)), hourly(e)]


def _case_rw004() -> list[PipelineObject]:
    from ecomdsl import proctime

    e = events()
    late = col("event_time") < proctime()  # C:RW004
    return [MaterializedView("m", e.where(late).select("event_id")), hourly(e)]


def _case_rw005() -> list[PipelineObject]:
    cols = {"id": "int", "ts": "timestamp"}
    return [Table("m", cols, primary_key="id", event_time="ts", watermark="1 minute")]  # C:RW005


def _case_rw006() -> list[PipelineObject]:
    e = events()
    per_user = e.group_by("user_id").agg(n=count())  # C:RW006
    return [MaterializedView("m", per_user, emit_on_window_close=True), hourly(e)]


def _case_rw007() -> list[PipelineObject]:
    return [Table("m", {"name": "varchar(20)"})]  # C:RW007


def _case_rw008() -> list[PipelineObject]:
    cols = {"id": "int", "email": "varchar"}
    return [Table("m", cols, primary_key="id", unique=["email"])]  # C:RW008


def _case_rw009() -> list[PipelineObject]:
    return [Table("m", {"id": "int"}, primary_key="id", append_only=True)]  # C:RW009


def _case_rw010() -> list[PipelineObject]:
    s = Stream("s", {"ts": "timestamptz"}, event_time="ts", watermark="1 minute")
    hours = Tumble(s, "ts", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    z = ZScore(hours, value="n", order_by="hour", lookback="1 day")  # C:RW010
    return [MaterializedView("m", z, allow={"RW103": "one row per hour"})]


def _case_rw011() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on="product_id", how="full", temporal=True)  # C:RW011
    return [MaterializedView("m", j.select(e.c.event_id)), hourly(e)]


def _case_rw012() -> list[PipelineObject]:
    e = events()
    by_payload = e.group_by("payload")  # C:RW012
    return [MaterializedView("m", by_payload.agg(n=count()))]


def _case_rw013() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on=e.c.amount > p.c.price)  # C:RW013
    return [MaterializedView("m", j.select(e.c.event_id)), hourly(e)]


def _case_rw014() -> list[PipelineObject]:
    inner = Tumble(events(), "event_time", size="1 hour")
    outer = Tumble(inner, "event_time", size="1 day")  # C:RW014
    return [MaterializedView("m", outer.agg(n=count()))]


def _case_rw101() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(e, p, on="product_id")  # C:RW101
    return [MaterializedView("m", j.select(e.c.event_id, p.c.price)), hourly(e)]


def _case_rw102() -> list[PipelineObject]:
    e = events()
    per_user = e.group_by("user_id").agg(n=count())  # C:RW102
    return [MaterializedView("m", per_user), hourly(e)]


def _case_rw103() -> list[PipelineObject]:
    e = events()
    hours = Tumble(e, "event_time", size="1 hour").group_by(hour=col("window_start")).agg(n=count())
    z = ZScore(hours, value="n", order_by="hour")  # C:RW103
    return [MaterializedView("m", z)]


def _case_rw104() -> list[PipelineObject]:
    e, p = events(), products()
    j = Join(p, e, on="product_id", how="left")
    top = j.group_by(p.c.product_id).agg(top=max_(e.c.amount))  # C:RW104
    return [MaterializedView("m", top, allow={"RW101": "test", "RW102": "test"}), hourly(e)]


def _case_rw105() -> list[PipelineObject]:
    from ecomdsl import union

    e = events()
    a = e.where(col("event_type") == "a").select("user_id")
    b = e.where(col("event_type") == "b").select("user_id")
    both = union(a, b)  # C:RW105
    return [MaterializedView("m", both.select("user_id")), hourly(e)]


def _case_rw106() -> list[PipelineObject]:
    from ecomdsl import row_number

    e = events()
    rn = row_number().over(partition_by="user_id", order_by="event_time")  # C:RW106
    return [MaterializedView("m", e.select("user_id", rn=rn)), hourly(e)]


def _case_rw107() -> list[PipelineObject]:
    cols = {"ts": "timestamp", "k": "int"}
    return [Stream("m", cols, event_time="ts", watermark="1 minute")]  # C:RW107


def _case_rw201() -> list[PipelineObject]:
    e = events()
    m = MaterializedView("m", e.group_by("user_id").agg(n=count()), allow={"RW102": ""})  # C:RW201
    return [m, hourly(e)]


def _case_rw202() -> list[PipelineObject]:
    e = events()
    m = MaterializedView("m", e.agg(n=count()), allow={"RW101": "just in case"})  # C:RW202
    return [m, hourly(e)]


MESSAGES = {
    "RW001": "HOP size '1 hour' is not a multiple of hop '7 minutes'",
    "RW002": "a window function without PARTITION BY is refused in streaming",
    "RW003": "NOW() is allowed only in WHERE, HAVING, ON and FROM of a streaming query, not in its output",
    "RW004": "PROCTIME() is allowed only in CREATE TABLE/SOURCE",
    "RW005": "a watermark on a table needs APPEND ONLY (or WITH TTL)",
    "RW006": "EMIT ON WINDOW CLOSE needs a watermark column (e.g. window_start) in GROUP BY",
    "RW007": "column 'name': RisingWave rejects type parameters in 'varchar(20)'",
    "RW008": "Table(unique=...): RisingWave does not support UNIQUE constraints",
    "RW009": "an APPEND ONLY table with a primary key needs ON CONFLICT DO NOTHING",
    "RW010": "a RANGE frame on a timestamptz column cannot use day (1 day)",
    "RW011": "temporal join: a temporal join cannot be FULL",
    "RW012": "cannot group by jsonb column 'payload'",
    "RW013": "join without an equality between the two sides: RisingWave would need a nested-loop "
    "join, which it does not run in streaming",
    "RW014": "TUMBLE input already has a 'window_start' column",
    "RW101": "regular join of events and products keeps both inputs in state, and events grows "
    "without bound",
    "RW102": "GROUP BY over an unbounded stream with no window: one state row per key, kept forever",
    "RW103": "an OVER window over a growing input without EMIT ON WINDOW CLOSE: its state is "
    "never cleaned",
    "RW104": "max over input that is not append-only keeps every input row in state (to handle "
    "deletes)",
    "RW105": "UNION removes duplicates, so RisingWave keeps every row in state",
    "RW106": "row_number() (rn) without a top-N filter: RisingWave runs a general OVER window and "
    "keeps every row",
    "RW107": "the watermark on 'ts' is used by no window or EMIT ON WINDOW CLOSE downstream",
    "RW201": "allow={'RW102': ...} needs a reason",
    "RW202": "allow={'RW101': ...} silences nothing: RW101 does not fire on 'm'",
}


def _all_findings(objects: list[PipelineObject]) -> list[Diagnostic]:
    try:
        resolved = resolve(Pipeline("t", objects=objects))
    except CompileError as err:
        return list(err.diagnostics)
    return [i.diagnostic() for i in lint(resolved).issues]


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_reports_code_object_line_and_message(code: str) -> None:
    objects = globals()[f"_case_{code.lower()}"]()
    found = [d for d in _all_findings(objects) if d.code == code]
    assert len(found) >= 1, _all_findings(objects)
    d = found[0]
    assert (d.obj, d.location.display(ROOT), d.message, d.severity) == (
        "m",
        at(f"C:{code}"),
        MESSAGES[code],
        RULES[code].severity,
    )
    assert d.hint, f"{code} gives no fix"
    if RULES[code].severity == "error":
        compile_fails_with(code, *objects)
