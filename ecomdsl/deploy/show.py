"""A plan and what a deploy did, for people: text, coloured on a terminal.

For programs (JSON, saved plans) see `ecomdsl.deploy.saved`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ecomdsl.deploy.plan import Action, Plan

if TYPE_CHECKING:
    from ecomdsl.deploy.apply import ApplyResult
    from ecomdsl.deploy.data import Loaded

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


def applied(result: ApplyResult, where: str, colour: bool = False) -> str:
    """What an apply did (the plan's review was shown before it ran)."""
    if result.executed == 0:
        plan = text(result.plan, where, colour=colour, show_sql=False)
        return plan + "Nothing to apply: the database already matches the pipeline.\n"
    note = f" (completed the interrupted deploy {result.recovered})" if result.recovered else ""
    return (
        f"Applied {result.executed} step(s) in {result.seconds:.2f}s as deploy "
        f"{result.deploy_id}{note}.\n"
    )


def destroyed(result: ApplyResult) -> str:
    if result.executed == 0:
        return "Nothing to destroy: no object of this pipeline is deployed there.\n"
    return f"Destroyed: {result.executed} step(s) in {result.seconds:.2f}s.\n"


def loaded(data: Loaded) -> str:
    """What ``apply --with-test-data`` loaded, left alone and refreshed."""
    rows = ", ".join(f"{k} {v:,}" for k, v in data.rows.items()) or "no rows"
    lines = [f"test data: loaded {rows}"]
    lines += [f"test data: {name} already holds rows: left alone" for name in data.skipped]
    if data.refreshed:
        lines.append(f"refreshed {len(data.refreshed)} materialized view(s)")
    return "\n".join(lines) + "\n"
