"""The pipeline's statements in the one order everything uses, each with its fingerprint.

`ecomdsl.render` writes these statements into ``generated/`` and `ecomdsl.deploy` runs them on
a database; both take the order from here, so the files and a deploy never disagree:

- creation order: the resolved pipeline's dependency order (inputs first, ties by name);
- each statement belongs to the *tables* stage (tables, sources, and plain views that read
  only such objects) or the *views* stage (materialized views and what reads them); the
  tables stage comes first;
- drop order: exactly the reverse of creation order.

The **fingerprint** of an object is the SHA-256 of its ``CREATE`` statement as ecomdsl SQL,
computed from the sqlglot tree *before* any header comment is attached: a header holds
``defined at file:line`` and the doc, so moving a definition or rewording its doc does not
change the fingerprint, and a deploy does not rebuild the object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from enum import StrEnum

import attrs
from sqlglot import exp

from ecomdsl.dialect import DIALECT
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.model import ir
from ecomdsl.sql.emit import Emitter
from ecomdsl.sql.writable import Unwritable, check_text, shown


class Stage(StrEnum):
    TABLES = "tables"
    VIEWS = "views"


@attrs.frozen
class Statement:
    """One object's ``CREATE`` (without comments), its stage and its fingerprint."""

    obj: ir.ObjectDef
    create: exp.Create
    stage: Stage
    fingerprint: str

    @property
    def name(self) -> str:
        return self.obj.name


def fingerprint(tree: exp.Expr) -> str:
    """SHA-256 (hex) of the statement's canonical ecomdsl SQL, comments left out."""
    text = check_text(tree.sql(dialect=DIALECT, comments=False))
    return hashlib.sha256(text.encode()).hexdigest()


def stages(objects: Sequence[ir.ObjectDef]) -> dict[str, Stage]:
    """The stage of every object: tables and sources, and plain views that read only such
    objects, are the tables stage; the rest is the views stage.

    ``objects`` are in dependency order (`ir.ResolvedPipeline.objects`), so one pass decides
    every object after its inputs, each looked at once. Deciding an object by walking its
    inputs again is exponential in a lattice of plain views that share ancestors, and
    recursing once per view overflows Python's stack on a long chain.
    """
    found: dict[str, Stage] = {}
    for d in objects:
        inputs = [found[n] for n in d.reads if n in found] if isinstance(d, ir.ViewDef) else []
        found[d.name] = _stage(d, inputs)
    return found


def _stage(d: ir.ObjectDef, inputs: list[Stage]) -> Stage:
    if isinstance(d, ir.TableDef):
        return Stage.TABLES
    if d.materialized:
        return Stage.VIEWS
    return Stage.TABLES if all(s is Stage.TABLES for s in inputs) else Stage.VIEWS


def statements(p: ir.ResolvedPipeline, emitter: Emitter | None = None) -> list[Statement]:
    """Every object's statement, in creation order. An object whose SQL cannot be written
    (`ecomdsl.sql.writable`) is an error at its definition; all of them are raised together."""
    emitter = emitter or Emitter()
    stage = stages(p.objects)
    found, problems, broken = [], [], set()
    for d in p.objects:
        try:
            create = emitter.create(d)
            found.append(Statement(d, create, stage[d.name], fingerprint(create)))
        except Unwritable as err:
            broken.add(d.name)
            # one mistake, one error: not again for each object reading the broken one
            if isinstance(d, ir.TableDef) or not broken.intersection(d.reads):
                problems.append(Diagnostic(str(err), d.location, shown(d.name)))
    if problems:
        raise CompileError(problems)
    return found


def creation_order(stmts: list[Statement]) -> list[Statement]:
    """The tables stage, then the views stage; dependency order within each."""
    return [s for stage in Stage for s in stmts if s.stage is stage]


def drop_order(stmts: list[Statement]) -> Iterator[Statement]:
    """Dependents first: exactly the reverse of `creation_order`."""
    return reversed(creation_order(stmts))
