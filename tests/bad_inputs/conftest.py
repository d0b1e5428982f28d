"""Fixtures of the probe test: the pool that runs the probes, and PostgreSQL if at hand."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bad_inputs.catalog import selected
from tests.bad_inputs.pool import ProbePool
from tests.bad_inputs.probe import Probe


def _collected(session: pytest.Session) -> list[Probe]:
    """The probes of the test items this session runs, in collection order."""
    found = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and isinstance(callspec.params.get("probe"), Probe):
            found.append(callspec.params["probe"])
    return found


@pytest.fixture(scope="session")
def probe_pool(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProbePool]:
    """Starts every probe this session runs (a few at a time) as soon as the first is asked
    for; each test then waits for its own."""
    pool = ProbePool(tmp_path_factory.mktemp("probes"))
    wanted = {p.id for p in selected()}
    pool.submit(p for p in _collected(request.session) if p.id in wanted)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def probe_dsn(request: pytest.FixtureRequest) -> str | None:
    """The session's PostgreSQL DSN, or None where there is none (outside CI the SQL of an
    accepted probe is then only read back, not applied)."""
    try:
        return str(request.getfixturevalue("pg_dsn"))
    except pytest.skip.Exception:
        return None
