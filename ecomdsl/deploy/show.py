"""A plan for people (text, coloured on a terminal) and for programs (JSON, saved plans)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer

from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.plan import Action, Options, Plan

SAVED_FORMAT = 1

_MARK = {
    Action.CREATE: ("+", "green"),
    Action.UNCHANGED: ("=", None),
    Action.REBUILD: ("~", "yellow"),
    Action.IN_PLACE: ("~", "cyan"),
    Action.RETIRE: ("-", "magenta"),
    Action.DESTRUCTIVE: ("!", "red"),
    Action.BLOCKED: ("x", "red"),
    Action.ADOPT: (">", "cyan"),
}


def _style(text: str, colour: str | None, enabled: bool, bold: bool = False) -> str:
    if not enabled or (colour is None and not bold):
        return text
    return str(typer.style(text, fg=colour, bold=bold))


def text(plan: Plan, where: str, colour: bool = False, show_sql: bool = True) -> str:
    """The plan as the user reviews it: one line per object, then every statement."""
    out = [_style(f"Plan for pipeline {plan.pipeline} on {where}", None, colour, bold=True), ""]
    width = max((len(c.name) for c in plan.changes), default=10)
    kind_width = max((len(c.kind) for c in plan.changes), default=5)
    for c in plan.changes:
        mark, fg = _MARK[c.action]
        detail = f": {c.detail}" if c.detail else ""
        line = f"  {mark} {c.name:<{width}}  {c.kind:<{kind_width}}  {c.action.value}{detail}"
        out.append(_style(line, fg, colour))
        if c.action is Action.REBUILD and c.previous and c.physical:
            pad = " " * (width + kind_width + 8)
            out.append(f"{pad}{c.physical} replaces {c.previous}")
        elif c.action is Action.CREATE and c.physical and c.physical != c.name:
            pad = " " * (width + kind_width + 8)
            out.append(f"{pad}built as {c.physical}, read through the view {c.name}")
    for w in plan.warnings:
        out.append(_style(f"warning: {w}", "yellow", colour))
    if plan.problems:
        out.append("")
        out.append(_style(f"{len(plan.problems)} problem(s) stop this plan:", "red", colour))
        for p in plan.problems:
            out.append(_style(f"  {p.name}: {p.action.value}: {p.message}", "red", colour))
            if p.hint:
                out.append(f"      hint: {p.hint}")
    if show_sql and plan.steps:
        out.append("")
        out.append(f"SQL: {len(plan.steps)} step(s), exactly what `ecomdsl apply` runs")
        for i, step in enumerate(plan.steps, start=1):
            out.append("")
            out.append(
                _style(
                    f"-- step {i}/{len(plan.steps)} ({step.phase.value}) {step.object}: {step.what}",
                    "blue",
                    colour,
                )
            )
            if not step.statements:
                out.append("-- (journal only: no SQL)")
            if step.transaction:
                out.append("BEGIN;")
            out.extend(f"{s};" for s in step.statements)
            if step.transaction:
                out.append("COMMIT;")
    out.append("")
    out.append(summary(plan))
    return "\n".join(out) + "\n"


def summary(plan: Plan) -> str:
    counts = plan.counts()
    parts = [f"{n} {a}" for a, n in counts.items() if a != Action.UNCHANGED.value]
    unchanged = counts.get(Action.UNCHANGED.value, 0)
    if plan.problems:
        return f"Plan: {len(plan.problems)} problem(s); nothing can be applied."
    if not plan.pending:
        return f"No changes: the database matches the pipeline ({unchanged} object(s))."
    with_sql = sum(1 for s in plan.steps if s.statements)
    listed = (
        ", ".join(parts)
        if parts
        else f"{with_sql} clean-up step(s) with SQL"
        if with_sql
        else "journal updates only"
    )
    return f"Plan: {listed}; {unchanged} unchanged; {len(plan.steps)} step(s)."


def as_dict(plan: Plan, where: str) -> dict[str, Any]:
    return {
        "ecomdsl_plan": SAVED_FORMAT,
        "hash": plan.hash,
        "pipeline": plan.pipeline,
        "engine": plan.engine,
        "target": where,
        "schema": plan.schema,
        "pending": plan.pending,
        "options": plan.options.as_dict(),
        "summary": plan.counts(),
        "changes": [
            {
                "name": c.name,
                "kind": c.kind,
                "action": c.action.value,
                "detail": c.detail,
                "physical": c.physical,
                "previous": c.previous,
            }
            for c in plan.changes
        ],
        "steps": [
            {
                "phase": s.phase.value,
                "object": s.object,
                "what": s.what,
                "transaction": s.transaction,
                "statements": list(s.statements),
            }
            for s in plan.steps
        ],
        "problems": [
            {"name": p.name, "action": p.action.value, "message": p.message, "hint": p.hint}
            for p in plan.problems
        ],
        "warnings": list(plan.warnings),
    }


def json_text(plan: Plan, where: str) -> str:
    return json.dumps(as_dict(plan, where), indent=2) + "\n"


def save(plan: Plan, where: str, path: Path) -> None:
    path.write_text(json_text(plan, where))


def load_saved(path: Path) -> dict[str, Any]:
    """A saved plan's pipeline, schema, options and hash (what `apply FILE` checks)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise DeployError(f"{path}: not a saved plan ({err})") from None
    if not isinstance(data, dict) or data.get("ecomdsl_plan") != SAVED_FORMAT:
        raise DeployError(f"{path}: not a plan saved by `ecomdsl plan --out`")
    for key in ("hash", "pipeline", "schema", "options"):
        if key not in data:
            raise DeployError(f"{path}: saved plan has no {key!r}")
    if not (isinstance(data["hash"], str) and re.fullmatch(r"[0-9a-f]{64}", data["hash"])):
        raise DeployError(f"{path}: the saved plan's hash is damaged: make the plan again")
    if not isinstance(data["pipeline"], str) or not isinstance(data["schema"], str):
        raise DeployError(f"{path}: the saved plan's pipeline or schema is damaged")
    options = data["options"]
    allowed = options.get("allow_destructive", []) if isinstance(options, dict) else None
    if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
        raise DeployError(f"{path}: the saved plan's options are damaged: make the plan again")
    return data


def saved_options(data: dict[str, Any]) -> Options:
    o = data["options"]
    return Options(
        prune=o.get("prune") is True,
        adopt=o.get("adopt") is True,
        allow_destructive=tuple(o.get("allow_destructive", ())),
        keep_tables=o.get("keep_tables") is True,
    )
