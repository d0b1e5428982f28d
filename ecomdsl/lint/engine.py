"""Run the rules, apply suppressions and configured severities, and collect the results.

A warning can be silenced on one object with a reason (``allow={"RW101": "why"}`` on the
builder); a suppression without a reason, or one that silences nothing, is an error.
``pyproject.toml`` can change the severity of warning rules::

    [tool.ecomdsl.lint.severity]
    RW102 = "error"    # or "warning", or "off"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import attrs

from ecomdsl.errors import Diagnostic, EcomdslError, Severity, did_you_mean
from ecomdsl.kinds import EmitMode
from ecomdsl.lint.analyze import Analysis, analyze
from ecomdsl.lint.checks import Finding, findings
from ecomdsl.lint.facts import Facts
from ecomdsl.lint.rules import RULES, WARNINGS
from ecomdsl.lint.state import state
from ecomdsl.model import ir
from ecomdsl.project import PyprojectError, tool_section

Level = Severity | Literal["off"]
"""A rule's configured level: a severity, or "off" (not reported at all)."""


class ConfigError(EcomdslError):
    """pyproject.toml's [tool.ecomdsl.lint] is not valid."""


@attrs.frozen
class ObjectReport:
    """What the rules found on one object, and what `ecomdsl explain` says about it."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    facts: Facts
    emit: EmitMode
    state: tuple[str, ...]  # what bounds (or does not bound) its state
    findings: tuple[Finding, ...]


def object_reports(pipeline: ir.ResolvedPipeline) -> dict[str, ObjectReport]:
    """The facts pass, then the rules and the state prose over its sites, for every object."""
    analysis = analyze(pipeline)
    return {d.name: _report(d, analysis[d.name]) for d in pipeline.objects}


def _report(d: ir.ObjectDef, a: Analysis) -> ObjectReport:
    if isinstance(d, ir.TableDef):
        emit = EmitMode.NONE
    else:
        emit = EmitMode.ON_WINDOW_CLOSE if d.emit_on_window_close else EmitMode.ON_UPDATE
    return ObjectReport(
        name=d.name,
        kind=d.kind,
        inputs=d.reads,
        facts=a.facts,
        emit=emit,
        state=state(d, a.sites),
        findings=findings(d, a.sites),
    )


@attrs.frozen
class Issue:
    """A finding with its effective severity."""

    finding: Finding
    severity: Severity

    def diagnostic(self) -> Diagnostic:
        f = self.finding
        return Diagnostic(
            f.message, f.location, obj=f.obj, hint=f.hint, severity=self.severity, code=f.code
        )


@attrs.frozen
class Suppressed:
    finding: Finding
    reason: str


@attrs.frozen
class LintResult:
    pipeline: str
    issues: tuple[Issue, ...]
    suppressed: tuple[Suppressed, ...]
    reports: Mapping[str, ObjectReport]

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)


_LEVELS = ("error", "warning", "off")
_LINT_KEYS = ("severity",)
_SEVERITY_TABLE = "[tool.ecomdsl.lint.severity]"


def load_severities(root: Path) -> dict[str, Level]:
    """``[tool.ecomdsl.lint.severity]`` from the project's pyproject.toml.

    Every value is checked, so that a mistake in the file is one `ConfigError` naming the
    key, the value and pyproject.toml, never a traceback or a setting silently ignored.
    """
    section = _lint_section(root)
    for key in section:
        if key not in _LINT_KEYS:
            hint = did_you_mean(key, _LINT_KEYS)
            raise ConfigError(
                f"pyproject.toml [tool.ecomdsl.lint]: unknown key {key!r}"
                + (f"; {hint}" if hint else f" (known: {', '.join(_LINT_KEYS)})")
            )
    table = section.get("severity", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"pyproject.toml [tool.ecomdsl.lint]: severity = {table!r}; it is a table of "
            f'rule = level, e.g. {_SEVERITY_TABLE} with RW102 = "error"'
        )
    return {code: _level(code, level) for code, level in table.items()}


def _level(code: str, level: object) -> Level:
    """One ``RWxxx = "level"`` line, checked."""
    if code not in RULES:
        hint = did_you_mean(code, sorted(WARNINGS), loose=False)
        raise ConfigError(
            f"pyproject.toml {_SEVERITY_TABLE}: unknown rule {code!r}"
            + (f"; {hint}" if hint else "")
        )
    if code not in WARNINGS:
        raise ConfigError(
            f"pyproject.toml {_SEVERITY_TABLE}: {code} is an error "
            "(RisingWave would reject it); only warnings can be configured"
        )
    if level not in _LEVELS:
        raise ConfigError(
            f"pyproject.toml {_SEVERITY_TABLE}: {code} = {level!r}; use 'error', 'warning' or 'off'"
        )
    return "off" if level == "off" else Severity(str(level))


def _lint_section(root: Path) -> dict[str, object]:
    """``[tool.ecomdsl.lint]`` (empty when absent)."""
    try:
        return tool_section(root, "lint")
    except PyprojectError as err:
        raise ConfigError(str(err)) from err


def lint(
    pipeline: ir.ResolvedPipeline, severities: Mapping[str, Level] | None = None
) -> LintResult:
    """All lint-stage findings of ``pipeline``, with suppressions and severities applied."""
    severities = severities or {}
    reports = object_reports(pipeline)
    issues: list[Issue] = []
    suppressed: list[Suppressed] = []
    for d in pipeline.objects:
        report = reports[d.name]
        allow = dict(d.allow)
        used: set[str] = set()
        for finding in report.findings:
            rule = RULES[finding.code]
            level: Level = severities.get(finding.code, rule.severity)
            if level == "off":
                continue
            reason = allow.get(finding.code)
            if rule.severity is Severity.WARNING and reason is not None and str(reason).strip():
                suppressed.append(Suppressed(finding, str(reason).strip()))
                used.add(finding.code)
                continue
            issues.append(Issue(finding, level))
        for code, reason in d.allow:
            issues.extend(_check_suppression(d, code, reason, used))
    return LintResult(pipeline.name, tuple(issues), tuple(suppressed), reports)


def _check_suppression(d: ir.ObjectDef, code: str, reason: object, used: set[str]) -> list[Issue]:
    def issue(rule: str, message: str, hint: str) -> Issue:
        finding = Finding(code=rule, obj=d.name, location=d.location, message=message, hint=hint)
        return Issue(finding, Severity.ERROR)

    if not isinstance(reason, str) or not reason.strip():
        return [
            issue("RW201", f"allow={{{code!r}: ...}} needs a reason", "say why it is fine here")
        ]
    if code not in RULES:
        return [issue("RW202", f"allow: unknown rule {code!r}", "see docs/rules.md for the codes")]
    if code not in WARNINGS:
        return [
            issue(
                "RW202",
                f"allow: {code} is an error (RisingWave would reject the view); it cannot be allowed",
                "fix the view",
            )
        ]
    if code not in used:
        return [
            issue(
                "RW202",
                f"allow={{{code!r}: ...}} silences nothing: {code} does not fire on {d.name!r}",
                "remove the suppression",
            )
        ]
    return []
