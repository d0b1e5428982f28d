"""How `ecomdsl apply` and `destroy` show their steps (a `deploy.execute.Progress`)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the deploy stack (psycopg) loads only when a deploy command runs
    from ecomdsl.deploy.plan import Step


class ConsoleProgress:
    """One line per step with its time; on a terminal a live spinner while it runs."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.live = self.console.is_terminal
        self.status: Any = None
        self.started = 0.0

    def _label(self, index: int, total: int, step: Step) -> str:
        return f"[{index}/{total}] {step.object}: {step.what}"

    def start(self, index: int, total: int, step: Step) -> None:
        self.started = time.monotonic()
        if self.live:
            self.status = self.console.status(self._label(index, total, step))
            self.status.start()
        else:
            self.console.print(f"{self._label(index, total, step)} ...", markup=False)

    def update(self, index: int, total: int, step: Step, detail: str) -> None:
        elapsed = time.monotonic() - self.started
        text = f"{self._label(index, total, step)}: {detail} ({elapsed:.0f}s)"
        if self.status is not None:
            self.status.update(text)
        else:
            self.console.print(text, markup=False)

    def _end(self, index: int, total: int, step: Step, seconds: float, word: str) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        self.console.print(
            f"{self._label(index, total, step)}: {word} in {seconds:.2f}s", markup=False
        )

    def done(self, index: int, total: int, step: Step, seconds: float) -> None:
        self._end(index, total, step, seconds, "done")

    def failed(self, index: int, total: int, step: Step, seconds: float) -> None:
        self._end(index, total, step, seconds, "FAILED")
