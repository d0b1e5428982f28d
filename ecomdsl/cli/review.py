"""`ecomdsl lint`, `explain` and `graph`: read the pipelines and report; nothing is written."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ecomdsl.cli.app import pipeline_paths, project_root, reports_errors
from ecomdsl.cli.options import PathsArg, PipelineOpt

if TYPE_CHECKING:
    from ecomdsl.errors import CompileError, EcomdslError


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@reports_errors()
def lint(
    paths: PathsArg = None,
    format: Annotated[
        LintFormat,
        typer.Option("--format", "-f", help="text, json, or github (Actions annotations)."),
    ] = LintFormat.text,
) -> None:
    """Check the pipelines against RisingWave's rules (docs/rules.md).

    Errors are what RisingWave would reject; warnings are state that grows without bound
    or work it could avoid. Warnings silenced with allow={"RWxxx": "reason"} are listed
    with their reasons. Exits 1 when there is any error.
    """
    from ecomdsl.compiler import lint_paths
    from ecomdsl.errors import CompileError, EcomdslError
    from ecomdsl.lint import report

    root = project_root()
    try:
        results = lint_paths(pipeline_paths(paths, root), root)
    except EcomdslError as err:  # in the chosen format, so that CI annotates the lines
        if not isinstance(err, CompileError) and format is LintFormat.text:
            raise  # a file or config error: one line on stderr, as for every command
        typer.echo(report.compile_errors(_as_compile_error(err), root, format.value), nl=False)
        raise typer.Exit(1) from None
    render = {"json": report.json_text, "github": report.github}.get(format.value, report.text)
    typer.echo(render(results, root), nl=False)
    if any(r.errors for r in results):
        raise typer.Exit(1)


def _as_compile_error(err: EcomdslError) -> CompileError:
    """A load or configuration error as the one diagnostic of a `CompileError`."""
    from ecomdsl.errors import CompileError, Diagnostic
    from ecomdsl.loader import LoadFailure

    if isinstance(err, CompileError):
        return err
    return CompileError(
        [err.diagnostic() if isinstance(err, LoadFailure) else Diagnostic(str(err))]
    )


@reports_errors()
def explain(
    name: Annotated[str, typer.Argument(help="The object to explain.")],
    paths: PathsArg = None,
    pipeline: PipelineOpt = None,
) -> None:
    """Explain one object: its inputs, append-only or not, watermark columns, emit mode,
    what bounds its state, and which rules fire on it."""
    from ecomdsl.compiler import lint_paths, lint_result_of
    from ecomdsl.lint import report

    root = project_root()
    result = lint_result_of(lint_paths(pipeline_paths(paths, root), root), name, pipeline)
    typer.echo(report.explain(result.reports[name], result, root), nl=False)


class GraphFormat(StrEnum):
    text = "text"
    mermaid = "mermaid"


@reports_errors()
def graph(
    paths: PathsArg = None,
    format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="text (a tree) or mermaid.")
    ] = GraphFormat.text,
) -> None:
    """Print each pipeline's dependency graph, inputs first."""
    from ecomdsl.compiler import resolve_paths
    from ecomdsl.graphview import mermaid, text_tree

    root = project_root()
    resolved = resolve_paths(pipeline_paths(paths, root), root, test_data=False)
    render = mermaid if format is GraphFormat.mermaid else text_tree
    typer.echo("\n".join(render(p) for p in resolved), nl=False)
