"""One error hierarchy for the whole tool.

Every error a user can cause names the pipeline object, the column or option at fault and
the user's own Python file and line. The CLI turns an `EcomdslError` into one readable
message and exit code 1; tracebacks appear only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import difflib
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
    # a second place the problem involves, e.g. ("first declared at", <location>); shown after
    # the message and, like `location`, made relative to the root only when displayed
    related: tuple[str, SourceLocation] | None = None

    def text(self, root: Path | None = None) -> str:
        """The message, followed by the related place if there is one."""
        if self.related is None:
            return self.message
        label, where = self.related
        return f"{self.message} ({label} {where.display(root)})"

    def format(self, root: Path | None = None) -> str:
        where = self.location.display(root) if self.location != UNKNOWN_LOCATION else "<pipeline>"
        label = f"{self.severity}[{self.code}]" if self.code else self.severity
        subject = f"{self.obj}: " if self.obj else ""
        text = f"{where}: {label}: {subject}{self.text(root)}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@attrs.define
class Diagnostics:
    """The sink resolution reports problems into, so that one run reports all of them.

    `about` gives a view that names the pipeline object in each problem; every view appends
    to the same list, in the order the problems were found.
    """

    found: list[Diagnostic] = attrs.Factory(list)
    obj: str | None = None  # the pipeline object the problems of this view are about

    def about(self, obj: str | None) -> Diagnostics:
        return Diagnostics(self.found, obj)

    def error(
        self,
        message: str,
        location: SourceLocation,
        *,
        hint: str | None = None,
        code: str | None = None,
        related: tuple[str, SourceLocation] | None = None,
    ) -> None:
        self.found.append(Diagnostic(message, location, self.obj, hint, code=code, related=related))

    def __len__(self) -> int:
        return len(self.found)


def did_you_mean(name: str, candidates: Sequence[str], *, loose: bool = True) -> str | None:
    """A hint naming the candidate closest to ``name``, if one is close enough.

    Close means a similar spelling; with ``loose`` a prefix either way or the same word in
    another case also counts (names users abbreviate). Type names use spelling only.
    """
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if loose and not close and name:
        close = [c for c in candidates if c.startswith(name) or name.startswith(c)][:1]
    if loose and not close:
        lowered = {c.lower(): c for c in candidates}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    return f"did you mean {close[0]!r}?" if close else None


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


class BuilderError(CompileError, TypeError):
    """A builder was given an argument it cannot take (a wrong type or shape), raised at once.

    It carries the user's file and line, so the CLI prints it like any compile problem,
    ``file:line: error: object: message``; the loader lets a `CompileError` through unchanged.
    It is also a TypeError, which is what Python code expects from a call with a bad argument.
    """

    def __init__(
        self,
        message: str,
        location: SourceLocation,
        *,
        obj: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.location = location
        self.message = message
        super().__init__([Diagnostic(message, location, obj, hint)])

    def render(self, root: Path | None = None) -> str:
        return self.diagnostics[0].format(root)
