"""Run many probes at once: a few worker threads, each probe in its own folder.

Each probe has its own project folder, process group and results, so running several at
once changes no outcome; only the wall time. The number of workers is
``ECOMDSL_PROBE_WORKERS`` (default 2: the probes are CPU-bound subprocesses, and the 10 s
timeout should not be eaten by contention on a small machine).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tests.bad_inputs.probe import Probe
from tests.bad_inputs.runner import Result, run_probe


def workers() -> int:
    return max(1, int(os.environ.get("ECOMDSL_PROBE_WORKERS", "2")))


class ProbePool:
    """Runs probes in the background; `result` waits for one."""

    def __init__(self, base: Path, count: int | None = None) -> None:
        self.base = base
        self.executor = ThreadPoolExecutor(max_workers=count or workers())
        self.futures: dict[str, Future[Result]] = {}

    def submit(self, probes: Iterable[Probe]) -> None:
        """Start every probe of ``probes`` not started yet, in order."""
        for probe in probes:
            if probe.id not in self.futures:
                root = self.base / probe.id
                root.mkdir(parents=True)
                self.futures[probe.id] = self.executor.submit(run_probe, probe, root)

    def result(self, probe: Probe) -> Result:
        self.submit([probe])
        return self.futures[probe.id].result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
