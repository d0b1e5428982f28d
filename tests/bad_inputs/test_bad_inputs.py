"""Every probe of the bad-input report (and this table's own), through the real CLI.

Each probe is a small project in a temporary folder, run as ``ecomdsl <command>`` in a
subprocess (no stdin, 10 s, 1 GB of address space; `tests.bad_inputs.runner`). The test
asserts the exit code (0 accept, 1 fail, 2 usage error, 130 Ctrl-C), that no traceback
appears, that the message names what the probe is about (and ``pipelines/p.py:<line>`` for
an error in a pipeline), that generated/ is untouched when the command fails, and, for an
accepted compile, that the SQL reads back with the ecomdsl dialect and that a real PostgreSQL
accepts it once the RisingWave-only clauses are lowered.

The lowering is ecomdsl's own (`ecomdsl.sql.lower`, which `ecomdsl run`, the PostgreSQL
engine and a deploy to PostgreSQL use), applied to the statements read back from the
generated files rather than to the emitter's trees: so what PostgreSQL is given is what the
user reviews, minus WATERMARK, APPEND ONLY, ON CONFLICT, connector options and FLUSH, with
windows as plain subqueries and materialized views created WITH NO DATA (as a deploy to
PostgreSQL does) and then refreshed over the test rows (`tests.bad_inputs.sqlcheck`). This is
simpler than a text filter of RisingWave clauses and cannot drift from how ecomdsl itself
runs a pipeline on PostgreSQL.

The expected outcome of each probe is what the project promises (issue 11), not what the
code did when the report was written, so probes of bugs not fixed yet fail here.

A quick default run takes a sample (every 8th probe and the smoke probes); ``CI=true`` or
``ECOMDSL_ALL_PROBES=1`` runs all of them (the rest are marked ``slow``). ``python -m
tests.bad_inputs.report`` prints the counts per report verdict.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from tests.bad_inputs.catalog import ALL, NEW, REPORT, full_run, in_sample
from tests.bad_inputs.pool import ProbePool
from tests.bad_inputs.probe import Probe, Verdict
from tests.bad_inputs.verify import compiles, problems

_FULL_ONLY = pytest.mark.skipif(
    not full_run(), reason="the full probe set runs under CI=true or ECOMDSL_ALL_PROBES=1"
)


def _param(probe: Probe) -> object:
    marks: tuple[pytest.MarkDecorator, ...] = (
        () if in_sample(probe) else (pytest.mark.slow, _FULL_ONLY)
    )
    if probe.known is not None:
        marks = (*marks, pytest.mark.xfail(reason=f"open: {probe.known}", strict=True))
    if probe.unsteady is not None:
        marks = (*marks, pytest.mark.xfail(reason=f"unsteady: {probe.unsteady}", strict=False))
    return pytest.param(probe, id=probe.id, marks=marks)


@pytest.mark.parametrize("probe", [_param(p) for p in ALL])
def test_probe(probe: Probe, probe_pool: ProbePool, request: pytest.FixtureRequest) -> None:
    result = probe_pool.result(probe)
    try:
        if result.skipped is not None:
            pytest.skip(f"cannot set up {probe.id} here: {result.skipped}")
        dsn = request.getfixturevalue("probe_dsn") if compiles(result) else None
        found = problems(result, dsn)
    finally:  # some projects hold 40 MB of CSV: `python -m tests.bad_inputs.report --only`
        shutil.rmtree(result.root, ignore_errors=True)  # rebuilds one to look at
    if found:
        last = result.attempts[-1] if result.attempts else None
        output = last.output[-3000:] if last else ""
        listed = "\n".join(f"  - {p}" for p in found)
        pytest.fail(f"{probe.id} ({probe.what}):\n{listed}\n--- output ---\n{output}", False)


# the report's counts: 256 probes, folded as in its Full table
REPORT_COUNTS = {
    Verdict.TB: 20,
    Verdict.WS: 19,
    Verdict.HANG: 4,
    Verdict.ABF: 24,
    Verdict.PE: 32,
    Verdict.GE: 102,
    Verdict.OK: 53,
    Verdict.UNV: 2,
}


def test_the_table_holds_every_report_probe_once() -> None:
    ids = [p.id for p in ALL]
    assert len(ids) == len(set(ids))
    assert len(REPORT) == 256
    assert Counter(p.verdict for p in REPORT) == REPORT_COUNTS
    assert all(p.origin == "report" for p in REPORT)


def test_the_table_adds_at_least_forty_probes_of_its_own() -> None:
    assert len(NEW) >= 40
    assert all(p.origin == "new" and p.verdict is Verdict.NEW for p in NEW)


def test_every_location_marker_is_in_its_file() -> None:
    for probe in ALL:
        assert probe.location is None or probe.location.startswith(probe.at_file + ":")
