"""Judge a probe's run against the promise: the right exit code, no traceback, a message that
names what the probe is about, generated/ untouched on failure, usable SQL on acceptance."""

from __future__ import annotations

import dataclasses
import enum
import re

from tests.bad_inputs.probe import Expect, Name, ProbeView
from tests.bad_inputs.runner import TIMEOUT_S, Attempt, Result, out_dir
from tests.bad_inputs.sqlcheck import postgres_problems, reparse_problems

TRACEBACK = "Traceback (most recent call last)"
_BOX = re.compile(r"[\u2500-\u257f]")  # the box drawing of Typer's usage-error panel
_ERROR_LINE = re.compile(r"\berror(\[[A-Z]+\d+\])?:")


class Kind(enum.StrEnum):
    """What is still wrong, worst first (a probe is summarised by its first problem)."""

    HANG = "hang"
    MEMORY = "memory"
    TRACEBACK = "traceback"
    ACCEPTED = "accepted, should fail"
    REFUSED = "refused, should be accepted"
    EXIT = "wrong exit code"
    CHANGED = "generated/ changed on failure"
    REPARSE = "SQL does not read back"
    POSTGRES = "PostgreSQL rejects the SQL"
    NONDETERMINISTIC = "output depends on PYTHONHASHSEED"
    MESSAGE = "message lacks a name or file:line"
    CASCADE = "more than one error for one mistake"
    CHECK = "probe-specific check"


@dataclasses.dataclass(frozen=True)
class Problem:
    kind: Kind
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def flat(text: str) -> str:
    """``text`` with box drawing removed and every run of whitespace one space, so a name
    wrapped across lines of a usage-error panel still matches."""
    return " ".join(_BOX.sub(" ", text).split())


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else "(no output)"


def exit_problems(result: Result, attempt: Attempt) -> list[Problem]:
    probe = result.probe
    out = attempt.output
    if attempt.rc is None:
        return [Problem(Kind.HANG, f"killed after {TIMEOUT_S:.0f} s")]
    found = []
    if "MemoryError" in out or attempt.rc in (-6, -9, -11):
        found.append(Problem(Kind.MEMORY, f"exit {attempt.rc}: {_last_line(out)}"))
    if TRACEBACK in out and not probe.traceback_ok:
        found.append(Problem(Kind.TRACEBACK, _last_line(attempt.stderr or out)))
    if attempt.rc not in probe.expect.value:
        if attempt.rc == 0:
            found.append(Problem(Kind.ACCEPTED, "exit 0"))
        elif probe.expect is Expect.ACCEPT:
            found.append(Problem(Kind.REFUSED, f"exit {attempt.rc}: {_last_line(out)}"))
        else:
            want = "/".join(map(str, probe.expect.value))
            found.append(Problem(Kind.EXIT, f"exit {attempt.rc}, expected {want}"))
    return found


def message_problems(result: Result, attempt: Attempt) -> list[Problem]:
    probe = result.probe
    if attempt.rc == 0 and probe.expect is not Expect.ACCEPT:
        return []  # an accepted EITHER probe is judged by its SQL
    text = flat(attempt.output)
    wanted: list[Name] = list(probe.names)
    if attempt.rc != 0 and probe.location is not None:
        wanted.append(probe.location)
    found = [
        Problem(Kind.MESSAGE, f"does not name {' or '.join(map(repr, options))}")
        for options in (w if isinstance(w, tuple) else (w,) for w in wanted)
        if not any(flat(o) in text or o in attempt.output for o in options)
    ]
    errors = len(_ERROR_LINE.findall(attempt.output))
    if probe.max_errors is not None and errors > probe.max_errors:
        found.append(Problem(Kind.CASCADE, f"{errors} errors, at most {probe.max_errors}"))
    return found


def run_problems(result: Result) -> list[Problem]:
    """Everything wrong with the runs themselves (exit code, output, generated/)."""
    found: list[Problem] = []
    for attempt in result.attempts:
        found += exit_problems(result, attempt)
        found += message_problems(result, attempt)
        if attempt.rc != 0 and attempt.after != result.before:
            found.append(Problem(Kind.CHANGED, f"{out_dir(result.probe, result.root).name}/"))
    accepted = [a.after for a in result.attempts if a.rc == 0]
    if len(set(accepted)) > 1:
        found.append(Problem(Kind.NONDETERMINISTIC, f"{len(set(accepted))} different outputs"))
    check = result.probe.check
    if check is not None and result.attempts:
        last = result.attempts[-1]
        view = ProbeView(last.rc, last.output, last.stdout, result.root)
        found += [Problem(Kind.CHECK, what) for what in check(view)]
    return found


def compiles(result: Result) -> bool:
    """Did the probe run ``compile`` and succeed (so there is SQL to check)?"""
    command = [a for a in result.probe.command if not a.startswith("-")]
    return bool(command) and command[0] == "compile" and result.attempts[-1].rc == 0


def sql_problems(result: Result, dsn: str | None) -> list[Problem]:
    """The SQL of an accepted compile: it reads back, and PostgreSQL takes it (when a
    server is at hand; ``dsn`` None skips that part)."""
    if not result.attempts or not compiles(result):
        return []
    out = out_dir(result.probe, result.root)
    found = [Problem(Kind.REPARSE, p) for p in reparse_problems(out)]
    if dsn is not None and not found:
        found += [Problem(Kind.POSTGRES, p) for p in postgres_problems(out, dsn)]
    return found


def problems(result: Result, dsn: str | None) -> list[Problem]:
    """Every problem of the probe's run, worst first."""
    found = run_problems(result) + sql_problems(result, dsn)
    order = list(Kind)
    return sorted(found, key=lambda p: order.index(p.kind))


def status(result: Result, found: list[Problem]) -> str:
    """One word for the note: good error / correct acceptance / still failing (what)."""
    if result.skipped is not None:
        return "skipped"
    if found:
        return f"still failing: {found[0].kind}"
    rc = result.attempts[-1].rc
    return "correct acceptance" if rc == 0 else "good error"
