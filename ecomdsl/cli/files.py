"""`ecomdsl compile` and `ecomdsl check`: the generated/ files, written or compared."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ecomdsl.cli.app import pipeline_paths, project_root, reports_errors
from ecomdsl.cli.options import OutOpt, PathsArg
from ecomdsl.project import display_path

if TYPE_CHECKING:
    from pathlib import Path

    from ecomdsl.compiler import Compiled


@reports_errors()
def compile(paths: PathsArg = None, out: OutOpt = None) -> None:
    """Check the pipelines and write their SQL to generated/<pipeline>/.

    Writes create_tables.sql, create_views.sql, insert_test_data.sql and drop.sql per
    pipeline; files whose content is unchanged are not touched. All errors of all pipelines
    are reported together, with the file and line that caused them, and nothing is written
    then. RisingWave rule errors (docs/rules.md) fail the compile; rule warnings are printed.
    """
    from ecomdsl.compiler import compile_paths
    from ecomdsl.generated import write

    root = project_root()
    target = out or root / "generated"
    compiled = compile_paths(pipeline_paths(paths, root), root)
    result = write(target, compiled)
    print_warnings(compiled, root)
    shown = display_path(target, root)
    for rel in result.written:
        typer.echo(f"wrote     {shown}/{rel}")
    for rel in result.removed:
        typer.echo(f"removed   {shown}/{rel}")
    objects = sum(len(p.objects) for p in compiled.pipelines)
    typer.echo(
        f"compiled {len(compiled.pipelines)} pipeline(s), {objects} objects: "
        f"{len(result.written)} file(s) written, {len(result.unchanged)} unchanged"
    )


@reports_errors()
def check(paths: PathsArg = None, out: OutOpt = None) -> None:
    """Fail (exit 1, with a diff) when generated/ differs from a fresh compile.

    Compiles in memory and writes nothing; use it in CI and pre-commit.
    """
    from ecomdsl.compiler import compile_paths
    from ecomdsl.generated import diff

    root = project_root()
    target = out or root / "generated"
    compiled = compile_paths(pipeline_paths(paths, root), root)
    print_warnings(compiled, root)
    chunks = diff(target, compiled, label=display_path(target, root))
    if chunks:
        typer.echo("".join(chunks), nl=False)
        typer.echo(
            f"{len(chunks)} generated file(s) are stale: run `ecomdsl compile` and commit the result",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"generated/ is up to date ({len(compiled.files)} files)")


def print_warnings(compiled: Compiled, root: Path) -> None:
    """The lint warnings of a compile (errors fail it), and how many were suppressed."""
    for result in compiled.lint:
        for issue in result.warnings:
            typer.echo(issue.diagnostic().format(root), err=True)
        if result.suppressed:
            typer.echo(
                f"{result.pipeline}: {len(result.suppressed)} warning(s) suppressed "
                "(`ecomdsl lint` lists them)",
                err=True,
            )
