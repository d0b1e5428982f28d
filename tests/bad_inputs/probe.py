"""One hostile input as data: the files of a tiny project, the command, what must happen.

A `Probe` is a row of the probe table. Its expectation comes from the project's promise
(issue 11), not from what the code does today: an input the report saw accepted although it
should fail is expected to fail, a hang is expected to end in an error or a correct result.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

from tests.bad_inputs.steps import Step


class Verdict(enum.StrEnum):
    """The report's verdict for a probe (``NEW`` for the probes this table added)."""

    TB = "traceback"
    WS = "wrong SQL"
    HANG = "hang"
    ABF = "accepted but should fail"
    PE = "poor error"
    GE = "good error"
    OK = "accepted, correct"
    UNV = "accepted, unverifiable here"
    NEW = "new probe"


class Expect(enum.Enum):
    """What the command must do; each value is the set of exit codes that count."""

    ACCEPT = (0,)
    FAIL = (1,)
    # the issue allows both: "written correctly ... or refused at compile time" (root cause 3);
    # an acceptance is then held to the SQL checks, a refusal to the message checks
    EITHER = (0, 1)
    USAGE = (2,)  # a command-line usage error (Click's exit code)
    # Ctrl-C: exit 130, or death by SIGINT itself (-2 here), which a shell also shows as 130
    INTERRUPT = (130, -2)


@dataclasses.dataclass(frozen=True)
class Sigint:
    """Send SIGINT to the command's process group, ``delay`` seconds after the command reached
    the moment to interrupt: ``marker`` exists (a file the probe's pipeline writes when it
    reaches the slow part), or with ``reading``, the command has ``marker`` open (it is
    loading that file; seen in /proc), or with ``reading="done"`` has opened and closed it."""

    marker: str
    delay: float = 0.0
    reading: Literal["", "open", "done"] = ""


Check = Callable[["ProbeView"], list[str]]
Name = str | tuple[str, ...]  # a text the output must contain, or a tuple: any one of them


@dataclasses.dataclass(frozen=True)
class ProbeView:
    """What an extra check of a probe sees: the exit code, the output (stdout and stderr
    together, and stdout alone) and the project folder."""

    rc: int | None
    output: str
    stdout: str
    root: Path


@dataclasses.dataclass(frozen=True)
class Probe:
    """A probe: a project (``files`` and ``steps``), a command, and its expected outcome.

    ``names`` must all appear in the command's output (stdout and stderr): the object, column,
    option or path the probe is about, in the probe's own spelling (a tuple: any one of them).
    ``at`` is a piece of text in ``at_file``; a failure must name its line
    (``pipelines/p.py:7``), as every error about a pipeline does. ``max_errors`` limits the
    error lines, for probes whose problem was a cascade of errors from one mistake.
    """

    id: str
    what: str
    verdict: Verdict
    files: Mapping[str, str | bytes]
    command: tuple[str, ...] = ("compile",)
    expect: Expect = Expect.FAIL
    names: tuple[Name, ...] = ()
    at: str | None = None
    at_file: str = "pipelines/p.py"
    steps: tuple[Step, ...] = ()
    cwd: str = "."
    out: str = "generated"  # where compile writes without --out (relative to the project)
    pyproject: bool = True  # write an empty-ish pyproject.toml unless ``files`` has one
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    seeds: tuple[str, ...] = ()  # run once per PYTHONHASHSEED; the output must not change
    sigint: Sigint | None = None
    check: Check | None = None
    max_errors: int | None = None
    traceback_ok: bool = False  # only for --debug, which shows one as documented
    smoke: bool = False  # always in the quick default run
    origin: Literal["report", "new"] = "report"
    # a probe of a bug still open (issue 11): the test is a strict xfail with this reason, so
    # it fails loudly (and this must be removed) once the bug is fixed
    known: str | None = None
    # a probe that passes or fails with the machine's load: a non-strict xfail
    unsteady: str | None = None

    @property
    def location(self) -> str | None:
        """``<file>:<line>`` of the first line of ``at_file`` that contains ``at``."""
        if self.at is None:
            return None
        text = self.files[self.at_file]
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if self.at in line:
                return f"{self.at_file}:{number}"
        raise ValueError(f"{self.id}: {self.at!r} is not in {self.at_file}")
