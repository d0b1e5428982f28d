"""`ecomdsl run`: preview the pipelines on embedded DuckDB and print their views."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ecomdsl.cli.app import pipeline_paths, project_root, reports_errors
from ecomdsl.cli.options import PathsArg, PipelineOpt


class RunFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@reports_errors()
def run(
    paths: PathsArg = None,
    pipeline: PipelineOpt = None,
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

    from ecomdsl.compiler import resolve_paths, select_pipelines
    from ecomdsl.engines import output
    from ecomdsl.engines.duckdb_engine import preview

    root = project_root()
    resolved = resolve_paths(pipeline_paths(paths, root), root, test_data=data is None)
    chosen = select_pipelines(resolved, pipeline)
    started = time.perf_counter()
    if limit is None and format is RunFormat.table:
        limit = output.TABLE_ROWS
    results = preview(chosen, data_dir=data, views=view or None, limit=limit)
    for r in results:
        typer.echo(output.loaded_text(r), err=True)
    views = [v for r in results for v in r.views.values()]
    text = {RunFormat.json: output.json_text, RunFormat.csv: output.csv_text}
    typer.echo(text.get(format, output.tables_text)(views, limit), nl=False)
    typer.echo(f"ran in {time.perf_counter() - started:.2f}s on DuckDB", err=True)
