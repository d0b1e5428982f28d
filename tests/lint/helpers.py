"""Helpers of the lint tests: lint a few objects, pick a rule's finding, check that compile
fails with it."""

from __future__ import annotations

import pytest

from ecomdsl import MaterializedView, Pipeline, Stream, Tumble, count
from ecomdsl.compiler import compile_pipelines
from ecomdsl.dsl.objects import PipelineObject
from ecomdsl.errors import CompileError, Diagnostic
from ecomdsl.lint import lint
from ecomdsl.lint.engine import Issue
from ecomdsl.model.resolve import resolve
from tests.helpers import ROOT


def issues(*objects: PipelineObject) -> list[Issue]:
    return list(lint(resolve(Pipeline("t", objects=list(objects)))).issues)


def codes(*objects: PipelineObject) -> list[tuple[str, str]]:
    return [(i.finding.code, i.finding.obj) for i in issues(*objects)]


def resolve_errors(*objects: PipelineObject) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        resolve(Pipeline("t", objects=list(objects)))
    return list(info.value.diagnostics)


def compile_fails_with(code: str, *objects: PipelineObject) -> None:
    with pytest.raises(CompileError) as info:
        compile_pipelines([Pipeline("t", objects=list(objects))], ROOT)
    assert code in [d.code for d in info.value.diagnostics]


def only(found: list[Issue], code: str) -> Issue:
    matching = [i for i in found if i.finding.code == code]
    assert len(matching) == 1, [(i.finding.code, i.finding.message) for i in found]
    return matching[0]


def hourly(e: Stream) -> MaterializedView:
    return MaterializedView(
        "hourly",
        Tumble(e, "event_time", size="1 hour").group_by("window_start").agg(n=count()),
    )
