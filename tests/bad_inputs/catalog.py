"""The whole probe table, and which part of it a quick local run takes.

The default (dev) run takes a deterministic sample: every 8th probe of the table plus the
probes marked ``smoke``. Under ``CI=true`` or ``ECOMDSL_ALL_PROBES=1`` every probe runs.
"""

from __future__ import annotations

import os

from tests.bad_inputs import (
    table_a,
    table_b,
    table_d,
    table_e,
    table_f,
    table_g,
    table_h,
    table_j,
    table_k,
    table_new,
    table_new_data,
    table_new_env,
)
from tests.bad_inputs.probe import Probe

SAMPLE_EVERY = 8

REPORT: tuple[Probe, ...] = (
    table_a.PROBES
    + table_b.PROBES
    + table_d.PROBES
    + table_e.PROBES
    + table_f.PROBES
    + table_g.PROBES
    + table_h.PROBES
    + table_j.PROBES
    + table_k.PROBES
)
NEW: tuple[Probe, ...] = table_new.PROBES + table_new_data.PROBES + table_new_env.PROBES
ALL: tuple[Probe, ...] = REPORT + NEW


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def full_run() -> bool:
    """Run every probe (CI, or asked for), not just the quick sample."""
    return _truthy("CI") or _truthy("ECOMDSL_ALL_PROBES")


def in_sample(probe: Probe) -> bool:
    """Part of the quick default run: a smoke probe, or every 8th row of the table."""
    return probe.smoke or ALL.index(probe) % SAMPLE_EVERY == 0


def selected() -> tuple[Probe, ...]:
    """The probes this run takes."""
    return ALL if full_run() else tuple(p for p in ALL if in_sample(p))
