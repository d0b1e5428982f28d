"""The arguments and options several commands share, declared once as `Annotated` aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
PipelineOpt = Annotated[
    str | None,
    typer.Option("--pipeline", "-p", help="Which pipeline, when there are several."),
]

# -- where a deploy goes and what it may do ------------------------------------------------

DsnOpt = Annotated[
    str | None,
    typer.Option(
        "--dsn",
        help="PostgreSQL-style DSN of the database (default: $ECOMDSL_DSN, else "
        "postgresql://root@localhost:4566/dev, RisingWave's local default).",
        show_default=False,
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        "-t",
        help="A named target from pyproject.toml [tool.ecomdsl.targets.NAME] "
        "(dsn_env, schema, state_schema).",
        show_default=False,
    ),
]
SchemaOpt = Annotated[
    str | None,
    typer.Option(
        "--schema",
        help="Schema to deploy into (default: the target's, else public).",
        show_default=False,
    ),
]
PruneOpt = Annotated[
    bool,
    typer.Option(
        "--prune", help="Drop views and materialized views that are gone from the pipeline."
    ),
]
AdoptOpt = Annotated[
    bool,
    typer.Option(
        "--adopt",
        help="Take over objects with a pipeline name that ecomdsl did not create: a table as "
        "it is (rows kept); a view or materialized view is renamed NAME__ecd_legacy and "
        "replaced.",
    ),
]
DestructiveOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-destructive",
        metavar="OBJECT",
        help="Allow a change that RisingWave cannot make in place to this table (repeatable): "
        "OBJECT=copy recreates it and copies its rows (cast to the new types), OBJECT=empty "
        "recreates it empty; plain OBJECT drops a table gone from the pipeline (with --prune).",
        show_default=False,
    ),
]
LockTimeoutOpt = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        min=0,
        help="Seconds to wait for another apply on the same schema to finish.",
    ),
]
