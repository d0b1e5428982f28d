"""Deploy scenarios against a real PostgreSQL server (never skipped under CI=true), and the
same scenarios against RisingWave when ECOMDSL_RISINGWAVE_DSN is set (marked risingwave):
a failure at every step boundary is completed by a re-run; locks; stale plans."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from ecomdsl.deploy.apply import Session, apply, locked
from ecomdsl.deploy.errors import LockBusy, StalePlan, StepFailed
from ecomdsl.deploy.plan import Options, Step
from ecomdsl.deploy.target import Target
from tests.deploy.helpers import (
    RW_DSN,
    catalog_snapshot,
    deploy,
    drop_target,
    journal_snapshot,
    load_data,
    new_target,
    plan_of,
    query,
    shop,
)
from tests.helpers import ROOT


def _reject(at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            conn.execute("SELECT ecomdsl_injected_fault()")  # the server rejects it

    return fault


def _interrupt(at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            raise KeyboardInterrupt  # Ctrl-C between two steps

    return fault


def _kill(dsn: str, at: int) -> Any:
    def fault(index: int, step: Step, conn: psycopg.Connection[Any]) -> None:
        if index == at:
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))

    return fault


CHANGES = {
    "views": (
        dict(window="30 minutes", extra_column=True, with_status_view=False),
        Options(prune=True),
    ),
    "recreate": (dict(amount_type="int"), Options(allow_destructive=("orders=copy",))),
}


@pytest.mark.slow  # 3 modes x 3 changes x every step boundary: ~20 s
@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("mode", ["reject", "kill", "interrupt"])
def test_a_failure_at_every_step_boundary_is_completed_by_a_rerun(
    engine_dsn: str, mode: str, change: str
) -> None:
    if mode == "kill" and engine_dsn == RW_DSN:
        pytest.skip("RisingWave's pg_terminate_backend does nothing (it always returns false)")
    pg_dsn = engine_dsn
    variant, options = CHANGES[change]
    v1, v2 = shop(), shop(**variant)  # type: ignore[arg-type]
    reference = new_target(pg_dsn)
    try:
        deploy(reference, v1)
        load_data(reference, v1)
        steps = deploy(reference, v2, options).plan.steps
        expected = (catalog_snapshot(reference), journal_snapshot(reference))
    finally:
        drop_target(pg_dsn, reference)
    assert len(steps) >= 5
    for at in range(1, len(steps) + 1):
        t = new_target(pg_dsn)
        try:
            deploy(t, v1)
            load_data(t, v1)
            if mode == "interrupt":
                with pytest.raises(KeyboardInterrupt):
                    deploy(t, v2, options, fault=_interrupt(at), lock_kind="view")
            else:
                fault = _reject(at) if mode == "reject" else _kill(pg_dsn, at)
                with pytest.raises(StepFailed) as info:
                    deploy(t, v2, options, fault=fault)
                message = str(info.value)
                assert f"(step {at} of {len(steps)})" in message
                assert ("ecomdsl_injected_fault" in message) == (mode == "reject")
                assert ("connection was lost" in message) == (mode == "kill")
            deploy(t, v2, options, lock_kind="view" if mode == "interrupt" else None)
            assert (catalog_snapshot(t), journal_snapshot(t)) == (
                [(n.replace(t.schema, reference.schema), k, r) for n, k, r in expected[0]],
                expected[1],
            ), f"failure before step {at} ({mode})"
            assert not plan_of(t, v2, options).pending
            assert query(t, "SELECT count(*) FROM orders") == [(30,)]
        finally:
            drop_target(pg_dsn, t)


@pytest.mark.parametrize("kind", ["advisory", "view"])
def test_two_applies_never_interleave_and_the_loser_names_the_holder(
    target: Target, kind: str
) -> None:
    deploy(target, shop(), lock_kind=kind)
    with Session(target) as holder, locked(holder, 0, kind):
        with pytest.raises(LockBusy) as info, Session(target) as other:
            apply(
                other,
                shop(window="30 minutes"),
                Options(),
                root=ROOT,
                lock_kind=kind,
                lock_timeout=0.3,
            )
        message = str(info.value)
        assert holder.deploy_id in message and holder.actor in message
        assert "since" in message
    # genuinely concurrent: both finish, one after the other
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(
                deploy(target, shop(window="30 minutes"), lock_kind=kind, lock_timeout=30)
            )
        except Exception as err:  # pragma: no cover - reported by the assert below
            results.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.executed > 0 for r in results) == [False, True]
    rows = query(target, f"SELECT deploy_id FROM {target.state_schema}.steps ORDER BY seq")
    order = [r[0] for r in rows]
    # each deploy's steps are contiguous in the journal
    runs = [d for i, d in enumerate(order) if i == 0 or order[i - 1] != d]
    assert len(runs) == len(set(runs))


def test_view_lock_left_by_a_killed_apply_is_broken_only_by_unlock(target: Target) -> None:
    deploy(target, shop(), lock_kind="view")
    with Session(target) as first:
        first.journal.bootstrap()
        lock = first.lock("view")
        lock.acquire(0)
    # that session is gone; its view lock stays
    with pytest.raises(LockBusy, match="ecomdsl unlock"):
        deploy(target, shop(window="30 minutes"), lock_kind="view")
    with Session(target) as session:
        broken = session.lock("view").break_lock(None)  # type: ignore[attr-defined]
    assert broken is not None and broken.deploy_id == first.deploy_id
    assert deploy(target, shop(window="30 minutes"), lock_kind="view").executed > 0


def test_a_stale_saved_plan_is_refused(target: Target) -> None:
    deploy(target, shop())
    saved = plan_of(target, shop(window="30 minutes"))
    query(target, "CREATE TABLE someone_elses (x INT)")
    with pytest.raises(StalePlan, match="stale"):
        deploy(target, shop(window="30 minutes"), expected_hash=saved.hash)
    fresh = plan_of(target, shop(window="30 minutes"))
    assert deploy(target, shop(window="30 minutes"), expected_hash=fresh.hash).executed > 0
