"""A plan for programs: JSON, and a plan saved by ``ecomdsl plan --out`` for
``ecomdsl apply FILE``, which runs exactly it (or refuses it as stale)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs

from ecomdsl.deploy.errors import DeployError
from ecomdsl.deploy.plan import Options, Plan
from ecomdsl.deploy.target import Target, resolve_target

SAVED_FORMAT = 1


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


@attrs.frozen
class SavedPlan:
    """What `ecomdsl apply FILE` needs of a saved plan: which pipeline, where, with which
    options, and the hash the plan made again under the lock must have."""

    hash: str
    pipeline: str
    schema: str
    options: Options

    def target(
        self, root: Path, *, dsn: str | None, target: str | None, schema: str | None
    ) -> Target:
        """The plan's schema, unless --schema or --target says where: then they must agree."""
        chosen = schema if schema is not None or target is not None else self.schema
        found = resolve_target(root, dsn=dsn, target=target, schema=chosen)
        if found.schema != self.schema:
            raise DeployError(f"the saved plan is for schema {self.schema!r}, not {found.schema!r}")
        return found


def load_saved(path: Path) -> SavedPlan:
    """A saved plan's pipeline, schema, options and hash, checked."""
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
    return SavedPlan(data["hash"], data["pipeline"], data["schema"], _options(options))


def _options(o: dict[str, Any]) -> Options:
    return Options(
        prune=o.get("prune") is True,
        adopt=o.get("adopt") is True,
        allow_destructive=tuple(o.get("allow_destructive", ())),
        keep_tables=o.get("keep_tables") is True,
    )
