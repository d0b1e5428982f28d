"""`ecomdsl plan`, `apply`, `destroy`, `unlock`: put a pipeline on a database (docs/deploy.md)."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ecomdsl.cli.core import PathsArg, _fail, _paths, _root, app
from ecomdsl.errors import EcomdslError

if TYPE_CHECKING:  # the deploy stack (psycopg) loads only when a deploy command runs
    from ecomdsl.deploy.plan import Step

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
PipelineOpt = Annotated[
    str | None,
    typer.Option("--pipeline", "-p", help="Which pipeline, when there are several."),
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


class PlanFormat(StrEnum):
    text = "text"
    json = "json"


def _target(root: Path, dsn: str | None, target: str | None, schema: str | None) -> Any:
    from ecomdsl.deploy.target import resolve_target

    return resolve_target(root, dsn=dsn, target=target, schema=schema)


def _pipeline(paths: list[Path] | None, root: Path, name: str | None, test_data: bool) -> Any:
    from ecomdsl.compiler import resolve_paths

    resolved = resolve_paths(_paths(paths, root), root, test_data=test_data)
    if name is not None:
        chosen = [p for p in resolved if p.name == name]
        if not chosen:
            found = ", ".join(p.name for p in resolved)
            raise EcomdslError(f"no pipeline named {name!r} (found: {found})")
        return chosen[0]
    if len(resolved) > 1:
        found = ", ".join(p.name for p in resolved)
        raise EcomdslError(f"several pipelines ({found}): choose one with --pipeline")
    return resolved[0]


def _options(prune: bool, adopt: bool, allow: list[str] | None) -> Any:
    from ecomdsl.deploy.plan import Options

    return Options(prune=prune, adopt=adopt, allow_destructive=tuple(sorted(set(allow or ()))))


def _colour() -> bool:
    return sys.stdout.isatty()


def _interactive() -> bool:
    """A person can answer a confirmation (stdin is a terminal)."""
    return sys.stdin.isatty()


class ConsoleProgress:
    """One line per step with its time; on a terminal a live spinner while it runs."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.live = self.console.is_terminal
        self.status: Any = None
        self.started = 0.0

    def _label(self, index: int, total: int, step: Step) -> str:
        return f"[{index}/{total}] {step.object}: {step.what}"

    def start(self, index: int, total: int, step: Step) -> None:
        self.started = time.monotonic()
        if self.live:
            self.status = self.console.status(self._label(index, total, step))
            self.status.start()
        else:
            self.console.print(f"{self._label(index, total, step)} ...", markup=False)

    def update(self, index: int, total: int, step: Step, detail: str) -> None:
        elapsed = time.monotonic() - self.started
        text = f"{self._label(index, total, step)}: {detail} ({elapsed:.0f}s)"
        if self.status is not None:
            self.status.update(text)
        else:
            self.console.print(text, markup=False)

    def _end(self, index: int, total: int, step: Step, seconds: float, word: str) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        self.console.print(
            f"{self._label(index, total, step)}: {word} in {seconds:.2f}s", markup=False
        )

    def done(self, index: int, total: int, step: Step, seconds: float) -> None:
        self._end(index, total, step, seconds, "done")

    def failed(self, index: int, total: int, step: Step, seconds: float) -> None:
        self._end(index, total, step, seconds, "FAILED")


def _failures() -> tuple[type[Exception], ...]:
    """What a deploy command turns into one line (evaluated only when something failed)."""
    import psycopg

    return (EcomdslError, psycopg.Error, OSError)


def _one_line(err: Exception) -> EcomdslError:
    """A database or file error that escaped the deploy as one readable line."""
    import psycopg

    if isinstance(err, EcomdslError):
        return err
    if isinstance(err, psycopg.Error):
        lines = str(err).strip().splitlines()
        code = f" [{err.sqlstate}]" if err.sqlstate else ""
        return EcomdslError(
            f"the database refused: {lines[0] if lines else type(err).__name__}{code} "
            "(is the state schema intact and may this user create there?)"
        )
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        return EcomdslError(f"{where}{err.strerror or err}")
    return EcomdslError(str(err))


def _interrupted(command: str) -> None:
    typer.echo(
        f"{command} interrupted: what ran is journaled; run the same command again to "
        "complete it (every step is idempotent)",
        err=True,
    )
    raise typer.Exit(130)


@app.command()
def plan(
    paths: PathsArg = None,
    pipeline: PipelineOpt = None,
    dsn: DsnOpt = None,
    target: TargetOpt = None,
    schema: SchemaOpt = None,
    prune: PruneOpt = False,
    adopt: AdoptOpt = False,
    allow_destructive: DestructiveOpt = None,
    format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="text (for review) or json.")
    ] = PlanFormat.text,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Save the plan; `ecomdsl apply FILE` runs exactly it."),
    ] = None,
    no_sql: Annotated[
        bool, typer.Option("--no-sql", help="Leave the SQL of the steps out of the text.")
    ] = False,
) -> None:
    """Show what `ecomdsl apply` would do, object by object, with the exact SQL.

    Reads the database (never writes). Per object: create, unchanged, rebuild (a new
    version built beside the old one, with the dependents it drags along), in-place (ADD
    COLUMN), retire (gone from the pipeline: dropped only with --prune), destructive (loses
    rows: refused), blocked (an object ecomdsl does not manage is in the way: refused unless
    --adopt). Exit code: 0 nothing to do, 2 changes pending, 1 error or a problem.
    """
    from ecomdsl.deploy import show
    from ecomdsl.deploy.apply import Session

    root = _root()
    try:
        t = _target(root, dsn, target, schema)
        p = _pipeline(paths, root, pipeline, test_data=False)
        options = _options(prune, adopt, allow_destructive)
        with Session(t, purpose="plan") as session:
            result = session.plan(p, options)
            where = f"{session.adapter.engine} {t.describe()}"
    except _failures() as err:
        _fail(_one_line(err), root)
        return
    if format is PlanFormat.json:
        typer.echo(show.json_text(result, where), nl=False)
    else:
        typer.echo(show.text(result, where, colour=_colour(), show_sql=not no_sql), nl=False)
    if out is not None:
        try:
            show.save(result, where, out)
        except OSError as err:
            _fail(_one_line(err), root)
        typer.echo(f"plan saved to {out}; `ecomdsl apply {out}` runs exactly it", err=True)
    if result.problems:
        raise typer.Exit(1)
    raise typer.Exit(2 if result.pending else 0)


@app.command()
def apply(
    paths: PathsArg = None,
    pipeline: PipelineOpt = None,
    dsn: DsnOpt = None,
    target: TargetOpt = None,
    schema: SchemaOpt = None,
    prune: PruneOpt = False,
    adopt: AdoptOpt = False,
    allow_destructive: DestructiveOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Apply without asking for confirmation.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show the plan (same as `ecomdsl plan`).")
    ] = False,
    with_test_data: Annotated[
        bool,
        typer.Option(
            "--with-test-data",
            help="After deploying, load the pipeline's test data into its empty tables "
            "(the rows RisingWave keeps) and refresh PostgreSQL's materialized views.",
        ),
    ] = False,
    lock_timeout: LockTimeoutOpt = 0.0,
) -> None:
    """Deploy the pipeline: plan under a lock, show it, confirm, run it.

    PATHS may be one plan file saved by `ecomdsl plan --out FILE`: then exactly that plan
    runs, and it is refused as stale if the database or the pipeline changed since. Tables keep
    their rows; views and materialized views are built beside the old version and switched
    atomically; nothing is dropped that is not in the plan. A failed or interrupted apply
    is completed by running it again. Asks for confirmation on a terminal; without one,
    --yes is required.
    """
    from ecomdsl.deploy import show
    from ecomdsl.deploy.apply import Session
    from ecomdsl.deploy.apply import apply as run_apply

    root = _root()
    if dry_run:
        plan(paths, pipeline, dsn, target, schema, prune, adopt, allow_destructive)
        return
    saved: dict[str, Any] | None = None
    if paths and len(paths) == 1 and paths[0].is_file() and paths[0].suffix != ".py":
        try:
            saved = show.load_saved(paths[0])
        except EcomdslError as err:
            _fail(err, root)
            return
    if not yes and not _interactive():
        typer.echo(
            "apply: no terminal to confirm on; review `ecomdsl plan` and pass --yes", err=True
        )
        raise typer.Exit(1)
    try:
        if saved is not None:
            # the plan's schema, unless --schema or --target says where: then they must agree
            chosen = schema if schema is not None or target is not None else saved["schema"]
            t = _target(root, dsn, target, chosen)
            if t.schema != saved["schema"]:
                raise EcomdslError(
                    f"the saved plan is for schema {saved['schema']!r}, not {t.schema!r}"
                )
            p = _pipeline(None, root, saved["pipeline"], test_data=with_test_data)
            options = show.saved_options(saved)
        else:
            t = _target(root, dsn, target, schema)
            p = _pipeline(paths, root, pipeline, test_data=with_test_data)
            options = _options(prune, adopt, allow_destructive)
        with Session(t) as session:
            where = f"{session.adapter.engine} {t.describe()}"

            def confirm(result: Any) -> bool:
                typer.echo(show.text(result, where, colour=_colour()), nl=False)
                if yes:
                    return True
                return typer.confirm(f"Apply these {len(result.steps)} step(s)?", default=False)

            result = run_apply(
                session,
                p,
                options,
                root=root,
                expected_hash=saved["hash"] if saved else None,
                confirm=confirm,
                progress=ConsoleProgress(),
                lock_timeout=lock_timeout,
            )
            if result.executed == 0:
                typer.echo(
                    show.text(result.plan, where, colour=_colour(), show_sql=False), nl=False
                )
                typer.echo("Nothing to apply: the database already matches the pipeline.")
            else:
                note = (
                    f" (completed the interrupted deploy {result.recovered})"
                    if result.recovered
                    else ""
                )
                typer.echo(
                    f"Applied {result.executed} step(s) in {result.seconds:.2f}s as deploy "
                    f"{result.deploy_id}{note}."
                )
            if with_test_data:
                from ecomdsl.deploy.data import load_test_data

                loaded = load_test_data(session.conn, session.adapter, session.desired(p))
                rows = ", ".join(f"{k} {v:,}" for k, v in loaded.rows.items()) or "no rows"
                typer.echo(f"test data: loaded {rows}")
                for name in loaded.skipped:
                    typer.echo(f"test data: {name} already holds rows: left alone")
                if loaded.refreshed:
                    typer.echo(f"refreshed {len(loaded.refreshed)} materialized view(s)")
    except _failures() as err:
        _fail(_one_line(err), root)
    except KeyboardInterrupt:
        _interrupted("apply")


@app.command()
def destroy(
    paths: PathsArg = None,
    pipeline: PipelineOpt = None,
    dsn: DsnOpt = None,
    target: TargetOpt = None,
    schema: SchemaOpt = None,
    include_tables: Annotated[
        bool,
        typer.Option("--include-tables", help="Drop the pipeline's tables too (their rows go)."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    lock_timeout: LockTimeoutOpt = 0.0,
) -> None:
    """Drop what ecomdsl deployed for the pipeline, dependents first.

    Only objects ecomdsl created (per its journal) are dropped, never an object it does
    not manage; an unmanaged object that reads one of ours stops the destroy. Tables are
    kept unless --include-tables.
    """
    from ecomdsl.deploy import show
    from ecomdsl.deploy.apply import Session
    from ecomdsl.deploy.destroy import destroy as run_destroy

    root = _root()
    if not yes and not _interactive():
        typer.echo("destroy: no terminal to confirm on; pass --yes", err=True)
        raise typer.Exit(1)
    try:
        t = _target(root, dsn, target, schema)
        p = _pipeline(paths, root, pipeline, test_data=False)
        with Session(t, purpose="destroy") as session:
            where = f"{session.adapter.engine} {t.describe()}"

            def confirm(result: Any) -> bool:
                typer.echo(show.text(result, where, colour=_colour()), nl=False)
                if yes:
                    return True
                return typer.confirm(
                    f"Drop these objects ({len(result.steps)} step(s))?", default=False
                )

            result = run_destroy(
                session,
                p,
                include_tables=include_tables,
                root=root,
                confirm=confirm,
                progress=ConsoleProgress(),
                lock_timeout=lock_timeout,
            )
    except _failures() as err:
        _fail(_one_line(err), root)
        return
    except KeyboardInterrupt:
        _interrupted("destroy")
        return
    if result.executed == 0:
        typer.echo("Nothing to destroy: no object of this pipeline is deployed there.")
    else:
        typer.echo(f"Destroyed: {result.executed} step(s) in {result.seconds:.2f}s.")


@app.command()
def unlock(
    deploy_id: Annotated[
        str | None,
        typer.Argument(
            help="Break the lock only if this deploy holds it (as printed).", show_default=False
        ),
    ] = None,
    dsn: DsnOpt = None,
    target: TargetOpt = None,
    schema: SchemaOpt = None,
) -> None:
    """Break an apply lock left by an apply that was killed (RisingWave's lock view).

    PostgreSQL's advisory lock needs no unlocking: it ends with the connection that held it.
    """
    from ecomdsl.deploy.apply import Session

    root = _root()
    try:
        t = _target(root, dsn, target, schema)
        with Session(t, purpose="unlock") as session:
            if session.adapter.ADVISORY_LOCK:
                from ecomdsl.deploy.lock import AdvisoryLock

                held = AdvisoryLock(session.conn, t.schema).holder()
                if held is not None:
                    typer.echo(
                        f"The apply lock on schema {t.schema!r} is held by {held.display()}: "
                        "a PostgreSQL advisory lock, freed when that apply ends or its "
                        "connection closes (pg_terminate_backend ends it); nothing to break."
                    )
            if not session.journal.exists():
                typer.echo("No lock: nothing was ever deployed there.")
                return
            broken = session.lock("view").break_lock(deploy_id)  # type: ignore[attr-defined]
    except _failures() as err:
        _fail(_one_line(err), root)
        return
    if broken is None:
        typer.echo(f"No lock is held on schema {t.schema!r}.")
    else:
        typer.echo(f"Broke the lock held by {broken.display()}.")
