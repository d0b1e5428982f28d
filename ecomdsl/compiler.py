"""The application service: load the pipeline files, resolve, lint, render.

Every command goes through here (compile, check, lint, explain, graph, run, the deploy).
All errors of all pipelines come back together as one `CompileError`. Writing and diffing
the files under ``generated/`` is `ecomdsl.generated`'s job.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import attrs

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.errors import CompileError, Diagnostic, EcomdslError, did_you_mean
from ecomdsl.lint.engine import LintResult, lint, load_severities
from ecomdsl.loader import load_pipelines
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render

TOO_DEEP = (
    "a query or expression nests too deeply to be written as SQL (past Python's recursion "
    "limit); split it into views, or build long sums and conditions as flat chains"
)


@attrs.frozen
class Compiled:
    pipelines: tuple[ir.ResolvedPipeline, ...]
    files: dict[str, str]  # path relative to the output folder (posix) -> text
    lint: tuple[LintResult, ...] = ()


def compile_pipelines(pipelines: list[Pipeline], root: Path) -> Compiled:
    """Resolve, lint and render every pipeline.

    All errors of all pipelines (resolving and lint errors) are raised together as one
    CompileError; lint warnings come back in ``Compiled.lint`` for the caller to print.
    """
    resolved, diagnostics = _resolve_all(pipelines, test_data=True)
    severities = load_severities(root)
    results = [lint(p, severities) for p in resolved]
    diagnostics += [i.diagnostic() for r in results for i in r.errors]
    if diagnostics:
        raise CompileError(diagnostics)
    files = render_all(resolved, root)
    return Compiled(tuple(resolved), dict(sorted(files.items())), tuple(results))


def render_all(resolved: list[ir.ResolvedPipeline], root: Path) -> dict[str, str]:
    """Every pipeline's files, keyed ``<pipeline>/<file>``; the errors of all of them (text
    that cannot be SQL, `ecomdsl.sql.writable`) are raised together."""
    files: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for p in resolved:
        try:
            rendered = render(p, root)
        except CompileError as err:
            diagnostics.extend(err.diagnostics)
            continue
        except RecursionError:  # sqlglot's own generator recurses over the trees
            diagnostics.append(Diagnostic(TOO_DEEP, p.location, f"pipeline {p.name!r}"))
            continue
        files.update((f"{p.name}/{name}", text) for name, text in rendered.items())
    if diagnostics:
        raise CompileError(diagnostics)
    return files


def load_paths(paths: list[Path], root: Path) -> list[Pipeline]:
    """The pipelines of ``paths``; none at all is an error (`ecomdsl.loader`)."""
    return load_pipelines(paths, root)


def compile_paths(paths: list[Path], root: Path) -> Compiled:
    return compile_pipelines(load_paths(paths, root), root)


def resolve_paths(
    paths: list[Path], root: Path, *, test_data: bool = True
) -> list[ir.ResolvedPipeline]:
    """Load and check the pipelines without rendering SQL files (for `run`, `lint`, ...)."""
    resolved, diagnostics = _resolve_all(load_paths(paths, root), test_data=test_data)
    if diagnostics:
        raise CompileError(diagnostics)
    return resolved


def lint_paths(paths: list[Path], root: Path) -> list[LintResult]:
    """Load, check and lint the pipelines (with the project's configured severities)."""
    resolved = resolve_paths(paths, root, test_data=False)
    severities = load_severities(root)
    return [lint(p, severities) for p in resolved]


def _resolve_all(
    pipelines: list[Pipeline], *, test_data: bool
) -> tuple[list[ir.ResolvedPipeline], list[Diagnostic]]:
    """Resolve every pipeline, collecting the errors of all of them."""
    resolved: list[ir.ResolvedPipeline] = []
    diagnostics: list[Diagnostic] = []
    for pipeline in pipelines:
        try:
            resolved.append(resolve(pipeline, test_data=test_data))
        except CompileError as err:
            diagnostics.extend(err.diagnostics)
    return resolved, diagnostics


def select_pipelines(
    pipelines: list[ir.ResolvedPipeline], name: str | None
) -> list[ir.ResolvedPipeline]:
    """The pipeline named ``name`` (``--pipeline``), or all of them when no name is given."""
    if name is None:
        return pipelines
    chosen = [p for p in pipelines if p.name == name]
    if not chosen:
        found = ", ".join(p.name for p in pipelines)
        raise EcomdslError(f"no pipeline named {name!r} (found: {found})")
    return chosen


def select_pipeline(pipelines: list[ir.ResolvedPipeline], name: str | None) -> ir.ResolvedPipeline:
    """The one pipeline a command works on: the one named, or the only one there is."""
    chosen = select_pipelines(pipelines, name)
    if len(chosen) > 1:
        found = ", ".join(p.name for p in chosen)
        raise EcomdslError(f"several pipelines ({found}): choose one with --pipeline")
    return chosen[0]


def lint_result_of(results: list[LintResult], name: str, pipeline: str | None = None) -> LintResult:
    """The lint result of the pipeline that has the object ``name`` (`ecomdsl explain`).

    ``pipeline`` names the pipeline; without it, an object name that several pipelines use
    is refused with each of them rather than answered for the first.
    """
    if pipeline is not None:
        found = ", ".join(r.pipeline for r in results)
        results = [r for r in results if r.pipeline == pipeline]
        if not results:
            raise EcomdslError(f"no pipeline named {pipeline!r} (found: {found})")
    owners = [r for r in results if name in r.reports]
    if len(owners) > 1:
        names = ", ".join(r.pipeline for r in owners)
        raise EcomdslError(
            f"{len(owners)} pipelines have an object named {name!r} ({names}); choose one "
            f"with --pipeline, e.g. `ecomdsl explain {shlex.quote(name)} --pipeline "
            f"{owners[0].pipeline}`, or give its pipeline file after the name"
        )
    if owners:
        return owners[0]
    hint = did_you_mean(name, sorted(n for r in results for n in r.reports))
    raise EcomdslError(f"no object named {name!r}" + (f"; {hint}" if hint else ""))
