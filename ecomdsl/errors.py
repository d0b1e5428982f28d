"""One error hierarchy for the whole tool.

Every error a user can cause names the pipeline object, the column or option at fault and
the user's own Python file and line. The CLI turns an `EcomdslError` into one readable
message and exit code 1; tracebacks appear only with ``--debug``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

import attrs


@attrs.frozen(order=True)
class SourceLocation:
    """Where a builder was called in the user's code (absolute path, 1-based line)."""

    path: str
    line: int

    def display(self, root: Path | None = None) -> str:
        """``path:line``, relative to ``root`` when the file lies below it."""
        path = Path(self.path)
        if root is not None:
            with contextlib.suppress(ValueError):
                path = path.resolve().relative_to(root.resolve())
        return f"{path.as_posix()}:{self.line}"


UNKNOWN_LOCATION = SourceLocation("<unknown>", 0)


class Severity(StrEnum):
    """How much a diagnostic matters: an error fails the compile, a warning is only printed.
    The value is the word the output shows (``error[RW006]``, ``"severity": "warning"``)."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Diagnostic:
    """One problem found at compile time."""

    message: str
    location: SourceLocation = UNKNOWN_LOCATION
    obj: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    code: str | None = None

    def format(self, root: Path | None = None) -> str:
        where = self.location.display(root) if self.location != UNKNOWN_LOCATION else "<pipeline>"
        label = f"{self.severity}[{self.code}]" if self.code else self.severity
        subject = f"{self.obj}: " if self.obj else ""
        text = f"{where}: {label}: {subject}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class EcomdslError(Exception):
    """Base of every error that is the user's to fix (bad input, stale files, failed deploy)."""

    def render(self, root: Path | None = None) -> str:
        return str(self)


class LoadError(EcomdslError):
    """A pipeline file could not be found or imported."""


class CompileError(EcomdslError):
    """One or more problems in a pipeline, all reported together."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: Sequence[Diagnostic] = tuple(diagnostics)
        super().__init__(self.render())

    def render(self, root: Path | None = None) -> str:
        count = len(self.diagnostics)
        lines = [d.format(root) for d in self.diagnostics]
        lines.append(f"{count} error{'s' if count != 1 else ''} found")
        return "\n".join(lines)


class StaleOutputError(EcomdslError):
    """`ecomdsl check` found generated files that differ from a fresh compile."""
