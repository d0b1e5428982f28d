"""Small helpers to compile test pipelines in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecomdsl import Pipeline, Stream, Table
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.render import header, sql_text
from ecomdsl.sql.emit import Emitter

ROOT = Path(__file__).resolve().parent.parent


def events() -> Stream:
    return Stream(
        "events",
        {
            "event_id": "varchar",
            "user_id": "varchar",
            "session_id": "varchar",
            "event_type": "varchar",
            "product_id": "varchar",
            "amount": "numeric",
            "quantity": "int",
            "event_time": "timestamp",
            "payload": "jsonb",
        },
        event_time="event_time",
        watermark="2 minutes",
    )


def products() -> Table:
    return Table(
        "products",
        {"product_id": "varchar", "name": "varchar", "price": "numeric"},
        primary_key="product_id",
    )


def build(*objects: PipelineObject, name: str = "t") -> ir.ResolvedPipeline:
    return resolve(Pipeline(name, objects=list(objects)))


def sql_of(obj: PipelineObject, *others: PipelineObject) -> str:
    """The CREATE statement of ``obj`` (with its header), as compile would write it."""
    p = build(obj, *others)
    d = p.get(obj.name)
    tree = Emitter().create(d)
    tree.add_comments(header(d, ROOT))
    return sql_text(tree) + ";\n"


def errors_of(*objects: PipelineObject, name: str = "t") -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        build(*objects, name=name)
    return list(info.value.diagnostics)


def one_error(*objects: PipelineObject) -> Diagnostic:
    errors = errors_of(*objects)
    assert len(errors) == 1, [e.format(ROOT) for e in errors]
    return errors[0]


def line_of(marker: str, path: str) -> int:
    """The 1-based line of the first line in ``path`` containing ``marker``."""
    for i, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if marker in line:
            return i
    raise AssertionError(f"{marker!r} not in {path}")


def where(marker: str, path: str) -> str:
    """``file:line`` (relative to the repository) of the line in ``path`` holding ``marker``:
    what a diagnostic's location displays for a builder called on that line."""
    relative = Path(path).resolve().relative_to(ROOT).as_posix()
    return f"{relative}:{line_of(marker, path)}"
