"""The compile service: the render errors of every pipeline together, and a tree too deep
for sqlglot's recursive generator as one error instead of a RecursionError."""

from __future__ import annotations

import attrs
import pytest

from ecomdsl import MaterializedView, Pipeline, Table
from ecomdsl.compiler import TOO_DEEP, render_all
from ecomdsl.errors import CompileError
from ecomdsl.kinds import BinaryOperator
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.types import SqlType
from tests.helpers import ROOT


def _pipeline(name: str) -> ir.ResolvedPipeline:
    t = Table("t", {"x": "int"})
    return resolve(Pipeline(name, objects=[t, MaterializedView("mv", t.select("x"))]))


def _with_select(p: ir.ResolvedPipeline, e: ir.IExpr) -> ir.ResolvedPipeline:
    mv = p.get("mv")
    assert isinstance(mv, ir.ViewDef) and isinstance(mv.query.body, ir.Block)
    body = attrs.evolve(mv.query.body, select=(("y", e),))
    mv = attrs.evolve(mv, query=attrs.evolve(mv.query, body=body))
    return attrs.evolve(p, objects=tuple(mv if d.name == "mv" else d for d in p.objects))


def test_an_expression_nested_too_deeply_is_one_error_at_the_pipeline() -> None:
    # nested to the right, 5,000 deep: x + (x + (x + ...)), which no flat chain prints
    x = ir.IColumn("x", None, SqlType.INT)
    e: ir.IExpr = x
    for _ in range(5000):
        e = ir.IBinary(BinaryOperator.ADD, x, e, SqlType.INT)
    deep, fine = _with_select(_pipeline("deep"), e), _pipeline("fine")
    with pytest.raises(CompileError) as info:
        render_all([fine, deep], ROOT)
    (problem,) = info.value.diagnostics
    assert (problem.obj, problem.message) == ("pipeline 'deep'", TOO_DEEP)
    assert problem.location == deep.location


def test_the_render_errors_of_all_pipelines_come_together() -> None:
    nul = ir.ILiteral("\x00", SqlType.VARCHAR)
    first, second = _with_select(_pipeline("a"), nul), _with_select(_pipeline("b"), nul)
    with pytest.raises(CompileError) as info:
        render_all([first, second], ROOT)
    assert [d.location for d in info.value.diagnostics] == [
        first.get("mv").location,
        second.get("mv").location,
    ]
