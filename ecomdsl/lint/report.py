"""Lint results as text, JSON, or GitHub Actions annotations; `explain` output."""

from __future__ import annotations

import json
from pathlib import Path

from ecomdsl.errors import UNKNOWN_LOCATION, CompileError, Diagnostic, Severity
from ecomdsl.lint.engine import LintResult, ObjectReport, Suppressed
from ecomdsl.lint.rules import RULES


def _diag(result: LintResult) -> list[Diagnostic]:
    return [i.diagnostic() for i in result.issues]


def text(results: list[LintResult], root: Path) -> str:
    lines: list[str] = []
    for r in results:
        for d in _diag(r):
            lines.append(d.format(root))
        if r.suppressed:
            lines.append(f"{r.pipeline}: suppressed on purpose:")
            for s in r.suppressed:
                f = s.finding
                lines.append(f"  {f.location.display(root)}: {f.code} on {f.obj}: {s.reason}")
        lines.append(
            f"{r.pipeline}: {len(r.errors)} error(s), {len(r.warnings)} warning(s), "
            f"{len(r.suppressed)} suppressed"
        )
    return "\n".join(lines) + "\n"


def _place(d: Diagnostic, root: Path) -> tuple[str | None, int | None]:
    """The file and line of ``d``, or none for a problem of no one file (a config error)."""
    if d.location == UNKNOWN_LOCATION:
        return None, None
    file, _, line = d.location.display(root).rpartition(":")
    return file, int(line) if line.isdigit() else None


def _entry(d: Diagnostic, root: Path) -> dict[str, object]:
    file, line = _place(d, root)
    return {
        "code": d.code,
        "severity": d.severity,
        "object": d.obj,
        "file": file,
        "line": line,
        "message": d.text(root),
        "hint": d.hint,
        "title": RULES[d.code].title if d.code in RULES else None,
    }


def json_text(results: list[LintResult], root: Path) -> str:
    data = {
        "pipelines": [
            {
                "name": r.pipeline,
                "findings": [_entry(d, root) for d in _diag(r)],
                "suppressed": [_suppressed_entry(s, root) for s in r.suppressed],
            }
            for r in results
        ]
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _suppressed_entry(s: Suppressed, root: Path) -> dict[str, object]:
    """A suppressed finding is listed as the warning it would be, with the reason."""
    f = s.finding
    warning = Diagnostic(
        f.message, f.location, obj=f.obj, hint=f.hint, severity=Severity.WARNING, code=f.code
    )
    return {**_entry(warning, root), "reason": s.reason}


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(results: list[LintResult], root: Path) -> str:
    """``::error file=...,line=...,title=...::message`` lines for GitHub Actions."""
    lines = []
    for r in results:
        for d in _diag(r):
            lines.append(_annotation(d, root))
    return "\n".join(lines) + ("\n" if lines else "")


def _annotation(d: Diagnostic, root: Path) -> str:
    file, line = _place(d, root)
    title = f"{d.code} {RULES[d.code].title}" if d.code in RULES else (d.code or "ecomdsl")
    subject = f"{d.obj}: " if d.obj else ""
    message = f"{subject}{d.text(root)}" + (f" (fix: {d.hint})" if d.hint else "")
    where = f"file={_escape(file, prop=True)},line={line}," if file is not None else ""
    props = f"{where}title={_escape(title, prop=True)}"
    return f"::{d.severity} {props}::{_escape(message)}"


def compile_errors(err: CompileError, root: Path, fmt: str) -> str:
    """Resolve-stage errors in the chosen format."""
    if fmt == "json":
        return json.dumps({"errors": [_entry(d, root) for d in err.diagnostics]}, indent=2) + "\n"
    if fmt == "github":
        return "\n".join(_annotation(d, root) for d in err.diagnostics) + "\n"
    return err.render(root) + "\n"


def explain(report: ObjectReport, result: LintResult, root: Path) -> str:
    f = report.facts
    lines = [
        f"{report.name} ({report.kind})",
        f"  reads:        {', '.join(report.inputs) or '-'}",
        f"  append-only:  {'yes' if f.append_only else 'no (updates and deletes)'}",
        f"  watermarks:   {', '.join(sorted(f.watermarks)) or '-'}"
        + (f" (from {', '.join(sorted(f.origins))})" if f.origins else ""),
        f"  emit:         {report.emit}",
        "  state:        " + ("; ".join(report.state) or "-"),
    ]
    fired = [i for i in result.issues if i.finding.obj == report.name]
    quiet = [s for s in result.suppressed if s.finding.obj == report.name]
    if not fired and not quiet:
        lines.append("  rules:        none fire")
    for i in fired:
        lines.append(f"  {i.severity}[{i.finding.code}]: {i.finding.message}")
    for s in quiet:
        lines.append(f"  suppressed[{s.finding.code}]: {s.finding.message} -- {s.reason}")
    return "\n".join(lines) + "\n"
