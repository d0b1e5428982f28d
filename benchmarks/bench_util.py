"""Shared pieces of the benchmark scripts: timing cold processes and printing tables."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path


@dataclass
class Timing:
    label: str
    times: list[float] = field(default_factory=list)
    first: float | None = None  # the untimed warm-up run (cold disk and bytecode caches)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def repeat(label: str, runs: int, once: Callable[[], float], note: str = "") -> Timing:
    """One untimed warm-up run, then ``runs`` timed ones."""
    timing = Timing(label, note=note)
    timing.first = once()
    for _ in range(runs):
        timing.times.append(once())
    print(f"  {label}: median {timing.median:.3f} s over {runs} runs", flush=True)
    return timing


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra or {})
    return env


def ecomdsl_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m ecomdsl.cli``."""
    script = Path(sys.executable).parent / "ecomdsl"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ecomdsl.cli"]


def load_average() -> str:
    """The 1-minute load average (other work on the machine makes the numbers noisy)."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"


def machine(*packages: str) -> str:
    """Python, OS, CPUs and the versions of ``packages`` (no host names or paths)."""
    versions = ", ".join(f"{p} {version(p)}" for p in packages)
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; {versions}"
    )


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A markdown table; ``align`` has one letter per column, l(eft) or r(ight); by default
    the first column is left-aligned and the others right-aligned."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = "".join(" ---: |" if a == "r" else " --- |" for a in align)
    lines = ["| " + " | ".join(header) + " |", "|" + rule]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def timing_table(timings: Sequence[Timing]) -> str:
    rows = [
        [
            t.label,
            f"{t.median:.3f}",
            f"{min(t.times):.3f}",
            f"{max(t.times):.3f}",
            str(len(t.times)),
            f"{t.first:.3f}" if t.first is not None else "-",
            t.note,
        ]
        for t in timings
    ]
    header = ["what", "median s", "min s", "max s", "runs", "first run s", "notes"]
    return markdown(header, rows, "lrrrrrl")
