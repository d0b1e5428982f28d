"""The `ecomdsl` command line (authoring commands): thin; each command is one call into the core."""

from __future__ import annotations

import gc
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ecomdsl import __version__
from ecomdsl.errors import EcomdslError
from ecomdsl.project import find_root

app = typer.Typer(
    name="ecomdsl",
    help=(
        "Author, check and compile RisingWave streaming pipelines written in Python.\n\n"
        "Pipelines live in pipelines/*.py as `Pipeline(...)` objects. `ecomdsl compile` checks "
        "them (types, columns, RisingWave's rules) and writes their SQL to generated/<pipeline>/ "
        "for review; `ecomdsl check` fails when that SQL is stale; `ecomdsl run` previews the "
        "views on embedded DuckDB; `ecomdsl lint` and `ecomdsl explain` show what RisingWave "
        "would reject or pay for; `ecomdsl plan` shows what `ecomdsl apply` would change on a "
        "database, and `ecomdsl apply` deploys it (docs/deploy.md)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_state = {"debug": False}

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Pipeline files or folders (default: pipelines/ of the project).", show_default=False
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output folder (default: generated/ of the project)."),
]


def _root() -> Path:
    return find_root(Path.cwd())


def _paths(paths: list[Path] | None, root: Path) -> list[Path]:
    return paths if paths else [root / "pipelines"]


def _fail(err: EcomdslError, root: Path) -> None:
    if _state["debug"]:
        raise err
    typer.echo(err.render(root), err=True)
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecomdsl {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def compile(paths: PathsArg = None, out: OutOpt = None) -> None:
    """Check the pipelines and write their SQL to generated/<pipeline>/.

    Writes create_tables.sql, create_views.sql, insert_test_data.sql and drop.sql per
    pipeline; files whose content is unchanged are not touched. All errors of all pipelines
    are reported together, with the file and line that caused them, and nothing is written
    then. RisingWave rule errors (docs/rules.md) fail the compile; rule warnings are printed.
    """
    from ecomdsl.compiler import compile_paths, write

    root = _root()
    target = out or root / "generated"
    try:
        compiled = compile_paths(_paths(paths, root), root)
        result = write(target, compiled)
    except EcomdslError as err:
        _fail(err, root)
        return
    _print_warnings(compiled, root)
    shown = _shown(target, root)
    for rel in result.written:
        typer.echo(f"wrote     {shown}/{rel}")
    for rel in result.removed:
        typer.echo(f"removed   {shown}/{rel}")
    objects = sum(len(p.objects) for p in compiled.pipelines)
    typer.echo(
        f"compiled {len(compiled.pipelines)} pipeline(s), {objects} objects: "
        f"{len(result.written)} file(s) written, {len(result.unchanged)} unchanged"
    )


@app.command()
def check(paths: PathsArg = None, out: OutOpt = None) -> None:
    """Fail (exit 1, with a diff) when generated/ differs from a fresh compile.

    Compiles in memory and writes nothing; use it in CI and pre-commit.
    """
    from ecomdsl.compiler import compile_paths, diff

    root = _root()
    target = out or root / "generated"
    try:
        compiled = compile_paths(_paths(paths, root), root)
    except EcomdslError as err:
        _fail(err, root)
        return
    _print_warnings(compiled, root)
    chunks = diff(target, compiled, label=_shown(target, root))
    if chunks:
        typer.echo("".join(chunks), nl=False)
        typer.echo(
            f"{len(chunks)} generated file(s) are stale: run `ecomdsl compile` and commit the result",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"generated/ is up to date ({len(compiled.files)} files)")


def _print_warnings(compiled: object, root: Path) -> None:
    for result in getattr(compiled, "lint", ()):
        for issue in result.warnings:
            typer.echo(issue.diagnostic().format(root), err=True)
        if result.suppressed:
            typer.echo(
                f"{result.pipeline}: {len(result.suppressed)} warning(s) suppressed "
                "(`ecomdsl lint` lists them)",
                err=True,
            )


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
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
    from ecomdsl.errors import CompileError
    from ecomdsl.lint import report

    root = _root()
    try:
        results = lint_paths(_paths(paths, root), root)
    except CompileError as err:
        typer.echo(report.compile_errors(err, root, format.value), nl=False)
        raise typer.Exit(1) from None
    except EcomdslError as err:
        _fail(err, root)
        return
    render = {"json": report.json_text, "github": report.github}.get(format.value, report.text)
    typer.echo(render(results, root), nl=False)
    if any(r.errors for r in results):
        raise typer.Exit(1)


@app.command()
def explain(
    name: Annotated[str, typer.Argument(help="The object to explain.")],
    paths: PathsArg = None,
) -> None:
    """Explain one object: its inputs, append-only or not, watermark columns, emit mode,
    what bounds its state, and which rules fire on it."""
    from ecomdsl.compiler import lint_paths
    from ecomdsl.errors import did_you_mean
    from ecomdsl.lint import report

    root = _root()
    try:
        results = lint_paths(_paths(paths, root), root)
        for result in results:
            if name in result.reports:
                typer.echo(report.explain(result.reports[name], result, root), nl=False)
                return
        known = sorted(n for r in results for n in r.reports)
        hint = did_you_mean(name, known)
        raise EcomdslError(f"no object named {name!r}" + (f"; {hint}" if hint else ""))
    except EcomdslError as err:
        _fail(err, root)


class GraphFormat(StrEnum):
    text = "text"
    mermaid = "mermaid"


@app.command()
def graph(
    paths: PathsArg = None,
    format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="text (a tree) or mermaid.")
    ] = GraphFormat.text,
) -> None:
    """Print each pipeline's dependency graph, inputs first."""
    from ecomdsl.compiler import resolve_paths
    from ecomdsl.graphview import mermaid, text_tree

    root = _root()
    try:
        resolved = resolve_paths(_paths(paths, root), root, test_data=False)
    except EcomdslError as err:
        _fail(err, root)
        return
    render = mermaid if format is GraphFormat.mermaid else text_tree
    typer.echo("\n".join(render(p) for p in resolved), nl=False)


class RunFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def run(
    paths: PathsArg = None,
    pipeline: Annotated[
        str | None, typer.Option("--pipeline", "-p", help="Which pipeline, when there are several.")
    ] = None,
    view: Annotated[
        list[str] | None,
        typer.Option("--view", "-v", help="Show only this view (repeatable); any object name."),
    ] = None,
    format: Annotated[
        RunFormat, typer.Option("--format", "-f", help="table, csv, or json (for scripts).")
    ] = RunFormat.table,
    limit: Annotated[
        int | None,
        typer.Option(help="Rows per view (default: 20 for table, all for csv/json).", min=0),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Load input tables from <table>.csv / <table>.parquet (or <table>/ folders) "
            "in this folder instead of the pipeline's test data.",
        ),
    ] = None,
) -> None:
    """Preview a pipeline locally: run it on embedded DuckDB and print its views.

    Creates the input tables, loads the test data (or --data files) keeping only the rows
    RisingWave's watermark would keep, creates every view in dependency order and prints
    each materialized view. No server needed.
    """
    import time

    from ecomdsl.compiler import resolve_paths
    from ecomdsl.engines import output
    from ecomdsl.engines.duckdb_engine import DuckDBEngine
    from ecomdsl.engines.runner import run as run_pipeline

    root = _root()
    try:
        resolved = resolve_paths(_paths(paths, root), root, test_data=data is None)
        chosen = [p for p in resolved if pipeline in (None, p.name)]
        if not chosen:
            names = ", ".join(p.name for p in resolved)
            raise EcomdslError(f"no pipeline named {pipeline!r} (found: {names})")
        started = time.perf_counter()
        results = []
        for p in chosen:
            with DuckDBEngine() as engine:
                results.append(run_pipeline(p, engine, data_dir=data, views=view or None))
    except EcomdslError as err:
        _fail(err, root)
        return
    for r in results:
        loaded = ", ".join(
            f"{t} {n:,}" + (f" ({r.dropped[t]:,} late dropped)" if r.dropped.get(t) else "")
            for t, n in r.loaded.items()
        )
        typer.echo(f"{r.pipeline}: loaded {loaded}; NOW() = {r.now.isoformat(sep=' ')}", err=True)
    views = [v for r in results for v in r.views.values()]
    if format is RunFormat.json:
        typer.echo(output.json_text(views, limit), nl=False)
    elif format is RunFormat.csv:
        typer.echo(output.csv_text(views, limit), nl=False)
    else:
        shown = 20 if limit is None else limit
        typer.echo("\n".join(output.table(v, shown) for v in views), nl=False)
    typer.echo(f"ran in {time.perf_counter() - started:.2f}s on DuckDB", err=True)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def main() -> None:
    """Console entry point."""
    # a command builds many small trees that live to its end: collect garbage less often
    # (as mypy does); the cycle collector's passes were a fifth of a large plan's time
    gc.set_threshold(100_000, 50, 100)
    app(prog_name="ecomdsl")
