"""Errors in the window and domain operators: HOP, TUMBLE, ZScore and Funnel
(`ecomdsl.model.query`, `ecomdsl.model.operators`). Each test asserts the whole message."""

from __future__ import annotations

import pytest

from ecomdsl import Funnel, Hop, MaterializedView, Stage, Stream, Tumble, ZScore, col, count, max_
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from tests.helpers import ROOT, errors_of, events, one_error, where


def at(marker: str) -> str:
    return where(marker, __file__)


def test_hop_on_non_time_column() -> None:
    mv = MaterializedView(
        "mv",
        Hop(events(), "user_id", hop="5 minutes", size="1 hour")  # L:hop
        .group_by("window_start")
        .agg(n=count()),
    )
    err = one_error(mv)
    assert err.message == (
        "HOP needs a time column (timestamp, timestamptz or date); 'user_id' is varchar"
    )
    assert err.location.display(ROOT) == at("L:hop")


def test_tumble_on_missing_column() -> None:
    mv = MaterializedView("mv", Tumble(events(), "event_tme", size="1 hour").agg(n=count()))
    err = one_error(mv)
    assert err.message == "TUMBLE: time column 'event_tme' not found in 'events'"
    assert err.hint == "did you mean 'event_time'?"


def test_hop_size_not_multiple_of_hop() -> None:
    mv = MaterializedView(
        "mv", Hop(events(), "event_time", hop="7 minutes", size="1 hour").agg(n=count())
    )
    assert one_error(mv).message == "HOP size '1 hour' is not a multiple of hop '7 minutes'"


def test_bad_interval_text() -> None:
    mv = MaterializedView("mv", Tumble(events(), "event_time", size="1 fortnight").agg(n=count()))
    assert one_error(mv).message.startswith("TUMBLE(size=...): '1 fortnight' is not an interval")


def test_rewindowing_a_windowed_relation() -> None:
    inner = Tumble(events(), "event_time", size="1 hour").select("event_time", "window_start")
    mv = MaterializedView("mv", Tumble(inner, "event_time", size="1 day").agg(n=count()))
    err = one_error(mv)
    assert err.message == "TUMBLE input already has a 'window_start' column"


def test_zscore_options() -> None:
    hourly = (
        Tumble(events(), "event_time", size="1 hour")
        .group_by(hour=col("window_start"))
        .agg(n=count(), who=count())
    )
    errors = errors_of(
        MaterializedView("z1", ZScore(hourly, value="nn", order_by="hour")),
        MaterializedView(
            "z2", ZScore(hourly, value="n", order_by="hour", min_periods=1, threshold=0)
        ),
        MaterializedView("z3", ZScore(hourly, value="n", order_by="hour", z_as="who")),
    )
    assert [(e.obj, e.message) for e in errors] == [
        ("z1", "ZScore(value='nn'): column not found"),
        (
            "z2",
            "ZScore(min_periods=1) must be an integer >= 2 (a sample standard deviation needs two rows)",
        ),
        ("z2", "ZScore(threshold=0) must be a positive number"),
        ("z3", "ZScore(z_as='who') clashes with an input column"),
    ]


def test_zscore_interval_lookback_needs_time_order() -> None:
    agg = events().group_by("user_id").agg(n=count(), k=count())
    mv = MaterializedView("mv", ZScore(agg, value="n", order_by="k"))
    assert one_error(mv).message == (
        "ZScore(order_by='k') must be a time column for an interval lookback; it is bigint"
    )


def test_funnel_stage_without_step() -> None:
    mv = MaterializedView("mv", Funnel(events(), session="session_id", stages=["a", "b"]))
    errors = errors_of(mv)
    assert errors[0].message == (
        "Funnel stage 'a' has no when= condition and the funnel has no step column"
    )


def test_zscore_value_and_frame() -> None:
    hourly = (
        Tumble(events(), "event_time", size="1 hour")
        .group_by(hour=col("window_start"))
        .agg(n=count(), label=max_(col("user_id")))
    )
    errors = errors_of(
        MaterializedView("z1", ZScore(hourly, value="label", order_by="hour")),
        MaterializedView(
            "z2",
            ZScore(hourly, value="n", order_by="hour", lookback="1 day", exclude_recent="2 days"),
        ),
    )
    assert [(e.obj, e.message) for e in errors] == [
        ("z1", "ZScore(value='label') must be numeric; it is varchar"),
        ("z2", "ZScore: exclude_recent '2 days' must be shorter than lookback '1 day'"),
    ]


def test_funnel_stage_count_and_duplicates() -> None:
    e = events()
    errors = errors_of(
        MaterializedView("f1", Funnel(e, session="session_id", step="event_type", stages=["a"])),
        MaterializedView(
            "f2", Funnel(e, session="session_id", step="event_type", stages=["a", "a"])
        ),
    )
    assert [(x.obj, x.message) for x in errors] == [
        ("f1", "Funnel needs at least two stages"),
        ("f2", "Funnel: duplicate stage 'a'"),
    ]


def test_funnel_rate_names_that_clash() -> None:
    e = events()
    stages: list[str | Stage] = [
        "x",
        Stage("y", label="z"),
        Stage("w", label="x"),
        Stage("v", label="z"),
    ]
    funnel = Funnel(e, session="session_id", step="event_type", stages=stages)  # L:rates
    err = one_error(MaterializedView("mv", funnel))
    assert (err.message, err.hint) == (
        "Funnel: the x->y rate and the w->v rate are both 'x_to_z_rate'",
        "give the stages distinct labels: Stage(name, label=...)",
    )
    assert err.location.display(ROOT) == at("L:rates")


def test_funnel_session_named_like_a_stage_flag() -> None:
    e = Stream("e", {"has_a": "varchar", "step": "varchar", "ts": "timestamp"}, event_time="ts")
    err = one_error(
        MaterializedView("mv", Funnel(e, session="has_a", step="step", stages=["a", "b"]))
    )
    assert (err.message, err.hint) == (
        "Funnel(session='has_a') clashes with the flag column of stage 'a'",
        "rename the session column first, e.g. .select(session_id='has_a', ...)",
    )


def test_a_bad_hop_is_one_error_not_also_a_size_mismatch() -> None:
    hop = Hop(events(), "event_time", hop="bad", size="1 hour", offset="7 minutes")
    err = one_error(MaterializedView("mv", hop.group_by("window_start").agg(n=count())))
    assert err.message.startswith("HOP(hop=...): 'bad' is not an interval like '5 minutes'")


def test_intervals_longer_than_risingwave_holds() -> None:
    tumble = Tumble(events(), "event_time", "99999999999999999999 years")
    err = one_error(MaterializedView("mv", tumble.group_by("window_start").agg(n=count())))
    assert err.message == (
        "TUMBLE(size=...): interval '99999999999999999999 years' is longer than RisingWave's "
        "interval type holds (at most 178,956,970 years)"
    )


def test_weeks_are_written_as_days() -> None:
    assert parse_interval("2 weeks") == ir.Interval(14, "DAYS", 1_209_600, 0)
    assert parse_interval("1 week").unit == "DAYS"
    with pytest.raises(IntervalError, match=r"at most 306,783,378 weeks"):
        parse_interval("306783379 weeks")
