"""`ecomdsl plan`, `apply`, `destroy`, `unlock`: put a pipeline on a database (docs/deploy.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomdsl.cli.app import Failures, pipeline_paths, project_root, reports_errors
from ecomdsl.cli.options import (
    AdoptOpt,
    DestructiveOpt,
    DsnOpt,
    LockTimeoutOpt,
    PathsArg,
    PipelineOpt,
    PruneOpt,
    SchemaOpt,
    TargetOpt,
)
from ecomdsl.cli.progress import ConsoleProgress
from ecomdsl.deploy import errors

if TYPE_CHECKING:  # the deploy stack (psycopg) loads only when a deploy command runs
    from ecomdsl.deploy.apply import Session
    from ecomdsl.deploy.plan import Options, Plan
    from ecomdsl.deploy.saved import SavedPlan
    from ecomdsl.deploy.target import Target
    from ecomdsl.model import ir

DEPLOY_ERRORS = Failures(errors.escaped, errors.one_line)


class PlanFormat(StrEnum):
    text = "text"
    json = "json"


def _pipeline(
    paths: list[Path] | None, root: Path, name: str | None, test_data: bool
) -> ir.ResolvedPipeline:
    from ecomdsl.compiler import resolve_paths, select_pipeline

    resolved = resolve_paths(pipeline_paths(paths, root), root, test_data=test_data)
    return select_pipeline(resolved, name)


def _options(prune: bool, adopt: bool, allow: list[str] | None) -> Options:
    from ecomdsl.deploy.plan import Options

    return Options(prune=prune, adopt=adopt, allow_destructive=tuple(sorted(set(allow or ()))))


def _colour() -> bool:
    return sys.stdout.isatty()


def _interactive() -> bool:
    """A person can answer a confirmation (stdin is a terminal)."""
    return sys.stdin.isatty()


def _need_confirmation(yes: bool, message: str) -> None:
    """Without --yes a person must confirm: refuse when nobody can."""
    if not yes and not _interactive():
        typer.echo(message, err=True)
        raise typer.Exit(1)


def _confirm(
    session: Session, yes: bool, question: Callable[[Plan], str]
) -> Callable[[Plan], bool]:
    """Show the plan made under the lock, then ask (unless --yes)."""
    from ecomdsl.deploy import show

    def confirm(result: Plan) -> bool:
        typer.echo(show.text(result, session.where, colour=_colour()), nl=False)
        return yes or typer.confirm(question(result), default=False)

    return confirm


@reports_errors(DEPLOY_ERRORS)
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
    from ecomdsl.deploy import saved, show
    from ecomdsl.deploy.apply import Session
    from ecomdsl.deploy.target import resolve_target

    root = project_root()
    t = resolve_target(root, dsn=dsn, target=target, schema=schema)
    p = _pipeline(paths, root, pipeline, test_data=False)
    options = _options(prune, adopt, allow_destructive)
    with Session(t, purpose="plan") as session:
        result = session.plan(p, options)
        where = session.where
    if format is PlanFormat.json:
        typer.echo(saved.json_text(result, where), nl=False)
    else:
        typer.echo(show.text(result, where, colour=_colour(), show_sql=not no_sql), nl=False)
    if out is not None:
        saved.save(result, where, out)
        typer.echo(f"plan saved to {out}; `ecomdsl apply {out}` runs exactly it", err=True)
    if result.problems:
        raise typer.Exit(1)
    raise typer.Exit(2 if result.pending else 0)


@reports_errors(DEPLOY_ERRORS)
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
    from ecomdsl.deploy.target import resolve_target

    if dry_run:
        plan(paths, pipeline, dsn, target, schema, prune, adopt, allow_destructive)
        return
    saved = _saved_plan(paths)
    _need_confirmation(
        yes, "apply: no terminal to confirm on; review `ecomdsl plan` and pass --yes"
    )
    root = project_root()
    if saved is None:
        t = resolve_target(root, dsn=dsn, target=target, schema=schema)
        options = _options(prune, adopt, allow_destructive)
        source, expected_hash = (paths, pipeline), None
    else:
        t = saved.target(root, dsn=dsn, target=target, schema=schema)
        options, source, expected_hash = saved.options, (None, saved.pipeline), saved.hash
    _deploy(
        t,
        source,
        options,
        expected_hash=expected_hash,
        yes=yes,
        test_data=with_test_data,
        lock_timeout=lock_timeout,
    )


def _saved_plan(paths: list[Path] | None) -> SavedPlan | None:
    """The saved plan named instead of pipeline files (one file, not a .py), if any."""
    if paths and len(paths) == 1 and paths[0].is_file() and paths[0].suffix != ".py":
        from ecomdsl.deploy.saved import load_saved

        return load_saved(paths[0])
    return None


@reports_errors(DEPLOY_ERRORS, journaled=True)
def _deploy(
    t: Target,
    source: tuple[list[Path] | None, str | None],
    options: Options,
    *,
    expected_hash: str | None,
    yes: bool,
    test_data: bool,
    lock_timeout: float,
) -> None:
    """The deploy itself, once the target is known: ``source`` is where the pipeline comes
    from (paths and --pipeline), ``expected_hash`` the saved plan's, if one was given."""
    from ecomdsl.deploy import show
    from ecomdsl.deploy.apply import Session, apply
    from ecomdsl.deploy.data import load_after_apply

    root = project_root()
    paths, pipeline = source
    p = _pipeline(paths, root, pipeline, test_data=test_data)
    with Session(t) as session:
        result = apply(
            session,
            p,
            options,
            root=root,
            expected_hash=expected_hash,
            confirm=_confirm(session, yes, lambda r: f"Apply these {len(r.steps)} step(s)?"),
            progress=ConsoleProgress(),
            lock_timeout=lock_timeout,
        )
        typer.echo(show.applied(result, session.where, colour=_colour()), nl=False)
        if test_data:
            typer.echo(show.loaded(load_after_apply(session, p)), nl=False)


@reports_errors(DEPLOY_ERRORS, journaled=True)
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
    from ecomdsl.deploy.target import resolve_target

    _need_confirmation(yes, "destroy: no terminal to confirm on; pass --yes")
    root = project_root()
    t = resolve_target(root, dsn=dsn, target=target, schema=schema)
    p = _pipeline(paths, root, pipeline, test_data=False)
    with Session(t, purpose="destroy") as session:
        result = run_destroy(
            session,
            p,
            include_tables=include_tables,
            root=root,
            confirm=_confirm(
                session, yes, lambda r: f"Drop these objects ({len(r.steps)} step(s))?"
            ),
            progress=ConsoleProgress(),
            lock_timeout=lock_timeout,
        )
    typer.echo(show.destroyed(result), nl=False)


@reports_errors(DEPLOY_ERRORS)
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
    from ecomdsl.deploy.lock import AdvisoryLock
    from ecomdsl.deploy.target import resolve_target

    t = resolve_target(project_root(), dsn=dsn, target=target, schema=schema)
    with Session(t, purpose="unlock") as session:
        held = (
            AdvisoryLock(session.conn, t.schema).holder() if session.adapter.ADVISORY_LOCK else None
        )
        if held is not None:
            typer.echo(
                f"The apply lock on schema {t.schema!r} is held by {held.display()}: "
                "a PostgreSQL advisory lock, freed when that apply ends or its "
                "connection closes (pg_terminate_backend ends it); nothing to break."
            )
        if not session.journal.exists():
            typer.echo("No lock: nothing was ever deployed there.")
            return
        broken = session.view_lock().break_lock(deploy_id)
    if broken is None:
        typer.echo(f"No lock is held on schema {t.schema!r}.")
    else:
        typer.echo(f"Broke the lock held by {broken.display()}.")
