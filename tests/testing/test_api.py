"""The pipeline-test API users write: given rows in, expected rows out, for one view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecomdsl import CompileError, EcomdslError
from ecomdsl.testing import ViewMismatch, check_view, run_view
from ecomdsl.testing.plugin import PipelineTester
from pipelines.ecommerce import pipeline

PURCHASE = {
    "event_id": "e1",
    "user_id": "u1",
    "session_id": "s1",
    "event_type": "purchase",
    "event_time": "2026-03-02 10:07:00",
    "event_data": {"total_amount": 10.5, "item_count": 2},
}


def test_one_purchase_is_in_twelve_hop_windows() -> None:
    rows = run_view(pipeline, "revenue_tracker", {"user_events": [PURCHASE]})
    starts = [r["window_start"] for r in rows]
    assert starts == [
        dt.datetime(2026, 3, 2, 9, 10) + dt.timedelta(minutes=5 * i) for i in range(12)
    ]
    assert {r["total_revenue"] for r in rows} == {Decimal("10.5")}
    assert {r["items_sold"] for r in rows} == {2}


def test_check_view_passes_and_compares_money_exactly() -> None:
    check_view(
        pipeline,
        "funnel_analysis",
        given={
            "user_events": [
                PURCHASE,
                dict(PURCHASE, event_id="e2", event_type="pageview", event_data=None),
            ]
        },
        expect=[
            {
                "total_sessions": 1,
                "pageview_count": 1,
                "purchase_count": 1,
                "overall_conversion_rate": 1.0,
            }
        ],
    )


def test_check_view_fails_with_a_row_diff() -> None:
    with pytest.raises(ViewMismatch) as info:
        check_view(
            pipeline,
            "revenue_tracker",
            given={"user_events": [PURCHASE]},
            expect=[{"window_start": "2026-03-02 10:05:00", "total_revenue": "10.50"}],
        )
    message = str(info.value)
    assert message.startswith("revenue_tracker on duckdb:\n  12 rows, expected 1")
    assert "unexpected row {window_start: 2026-03-02 09:10:00, total_revenue: 10.5}" in message


def test_statements_in_order_drop_late_rows() -> None:
    late = dict(PURCHASE, event_id="late", event_time="2026-03-02 08:00:00")
    given = [("user_events", [PURCHASE]), ("user_events", [late])]
    rows = run_view(pipeline, "anomaly_detection", given)
    assert [(r["hour"], r["purchase_count"]) for r in rows] == [(dt.datetime(2026, 3, 2, 10), 1)]
    # in one statement nothing is dropped
    rows = run_view(pipeline, "anomaly_detection", {"user_events": [PURCHASE, late]})
    assert len(rows) == 2


def test_bad_given_rows_are_clear_errors() -> None:
    with pytest.raises(
        EcomdslError, match="given rows for 'user_event', which is not an input table"
    ):
        run_view(pipeline, "revenue_tracker", {"user_event": [PURCHASE]})
    with pytest.raises(CompileError, match="'user_events' has no column 'event_tim'"):
        run_view(pipeline, "revenue_tracker", {"user_events": [{"event_tim": "x"}]})
    with pytest.raises(ViewMismatch, match="revenue_tracker has no column 'revenue'"):
        check_view(pipeline, "revenue_tracker", {"user_events": [PURCHASE]}, [{"revenue": 1}])


@pytest.mark.postgres
def test_the_fixture_runs_on_postgres(pipeline_tester: PipelineTester) -> None:
    rows = pipeline_tester.check(
        pipeline,
        "product_performance",
        given={
            "products": [{"product_id": "p1", "name": "Mug", "category": "home", "price": "4.25"}],
            "user_events": [dict(PURCHASE, product_id="p1")],
        },
        expect=[
            {
                "product_id": "p1",
                "purchases": 1,
                "cart_to_purchase_ratio": 0.0,
                "estimated_revenue": "4.25",
            }
        ],
        engine="postgres",
    )
    assert rows[0]["estimated_revenue"] == Decimal("4.25")
