"""The deploy plan as data: what the user reviews and what `ecomdsl apply` runs.

A `Plan` holds one `Change` per object (its action and why) and the `Step`s that carry it
out, each with the exact SQL; `ecomdsl.deploy.planner.make_plan` computes it, a pure function
of the pipeline, the catalog, the journal and the options, and `ecomdsl.deploy.apply` runs
exactly its steps. Every step is idempotent by name and its "already done" test is the
catalog, so a plan made after an interrupted apply holds only what is left.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import attrs

PLAN_FORMAT = 1


class Action(StrEnum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    REBUILD = "rebuild"
    IN_PLACE = "in-place"
    RETIRE = "retire"
    DESTRUCTIVE = "destructive"
    BLOCKED = "blocked"
    ADOPT = "adopt"


class Phase(StrEnum):
    SETUP = "setup"
    TABLES = "tables"
    BUILD = "build"
    SWITCH = "switch"
    RETIRE = "retire"


@attrs.frozen
class ObjectEvent:
    """A journal row to write about one object."""

    logical: str
    physical: str
    kind: str
    state: str
    fingerprint: str = ""
    generation: int = 0
    detail: str | None = None


@attrs.frozen
class Step:
    phase: Phase
    object: str  # the pipeline name the step is for (physical names appear in the SQL)
    what: str  # short description: "build", "switch facade", "drop", ...
    statements: tuple[str, ...]
    transaction: bool = False  # PostgreSQL's facade switch: all or nothing
    before: tuple[ObjectEvent, ...] = ()  # journaled before the SQL runs
    after: tuple[ObjectEvent, ...] = ()  # journaled once it succeeded
    wait_for: str | None = None  # a materialized view whose build progress can be shown


@attrs.frozen
class Change:
    """One line of the plan: an object and what happens to it."""

    name: str
    kind: str
    action: Action
    detail: str = ""
    physical: str | None = None
    previous: str | None = None  # the physical object a rebuild replaces


@attrs.frozen
class Problem:
    """Why the plan cannot be applied as is (blocked or destructive), and what to do."""

    name: str
    action: Action
    message: str
    hint: str = ""


@attrs.frozen
class Options:
    prune: bool = False
    adopt: bool = False
    allow_destructive: tuple[str, ...] = ()
    keep_tables: bool = False  # destroy: tables gone from the pipeline stay, silently

    def as_dict(self) -> dict[str, Any]:
        return {
            "prune": self.prune,
            "adopt": self.adopt,
            "allow_destructive": list(self.allow_destructive),
            "keep_tables": self.keep_tables,
        }


@attrs.frozen
class Plan:
    pipeline: str
    engine: str
    schema: str
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    catalog_digest: str
    base_deploy: str | None
    options: Options

    @property
    def pending(self) -> bool:
        return bool(self.steps)

    @property
    def hash(self) -> str:
        """Identifies the plan and the database state it was made against."""
        data = {
            "format": PLAN_FORMAT,
            "pipeline": self.pipeline,
            "engine": self.engine,
            "schema": self.schema,
            "catalog": self.catalog_digest,
            "base": self.base_deploy,
            "options": self.options.as_dict(),
            "steps": [[s.phase, s.object, s.what, list(s.statements)] for s in self.steps],
            "problems": [[p.name, p.message] for p in self.problems],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for c in self.changes:
            found[c.action.value] = found.get(c.action.value, 0) + 1
        return found


RowCounter = Callable[[str], int | None]
