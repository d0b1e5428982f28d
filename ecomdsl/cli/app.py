"""The `ecomdsl` Typer app: its global options, the entry point, and how a command fails.

A command reports an error that is the user's to fix (an `EcomdslError`; for the deploy
commands also a database or file error) as one message on stderr and exit code 1, through
`reports_errors`; a traceback appears only with ``--debug``.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec

import attrs
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


def project_root() -> Path:
    """The project the command works on: the folder with pyproject.toml above the cwd."""
    return find_root(Path.cwd())


def pipeline_paths(paths: list[Path] | None, root: Path) -> list[Path]:
    """The pipeline files or folders named, else the project's pipelines/ folder."""
    return paths if paths else [root / "pipelines"]


@attrs.frozen
class Failures:
    """The errors a command reports as one message, and how it words them.

    ``kinds`` is called only once something was raised, so that the module an error class
    comes from (psycopg, for the deploy commands) is imported only when one was.
    """

    kinds: Callable[[], tuple[type[Exception], ...]]
    wording: Callable[[Exception], EcomdslError]


def _user_errors() -> tuple[type[Exception], ...]:
    return (EcomdslError,)


def _as_is(err: Exception) -> EcomdslError:
    assert isinstance(err, EcomdslError)
    return err


USER_ERRORS = Failures(_user_errors, _as_is)

P = ParamSpec("P")


def reports_errors(
    failures: Failures = USER_ERRORS, *, journaled: bool = False
) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Turn ``failures`` raised by the command into one message and exit code 1.

    Ctrl-C is one line and exit code 130 (``journaled``: the deploy commands, whose line
    says how to complete what was interrupted); ``sys.exit()`` called by the user's pipeline
    code (a test-data generator, say) is reported with its file and line, not obeyed.
    """

    def decorate(command: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                command(*args, **kwargs)
            except KeyboardInterrupt:
                _interrupted(command.__name__, journaled=journaled)
            except SystemExit as err:
                fail(_user_exit(err, command.__name__))
            except failures.kinds() as err:
                fail(failures.wording(err))

        return run

    return decorate


def fail(err: EcomdslError) -> None:
    """Print ``err`` as its one message and exit 1 (with ``--debug``: raise it)."""
    if _state["debug"]:
        raise err
    typer.echo(err.render(project_root()), err=True)
    raise typer.Exit(1)


def _user_exit(err: SystemExit, command: str) -> EcomdslError:
    """``sys.exit()`` in the user's code while the command ran it (ecomdsl never calls it)."""
    from ecomdsl.loader import EXIT_HINT, LoadFailure, exit_text, user_code_location

    return LoadFailure(
        f"the pipeline code {exit_text(err)} while `ecomdsl {command}` ran it",
        user_code_location(err),
        EXIT_HINT,
    )


def _interrupted(command: str, *, journaled: bool) -> None:
    if journaled:
        typer.echo(
            f"{command} interrupted: what ran is journaled; run the same command again to "
            "complete it (every step is idempotent)",
            err=True,
        )
    else:
        typer.echo(f"{command} interrupted", err=True)
    raise typer.Exit(130)


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


def main() -> None:
    """Console entry point."""
    # a command builds many small trees that live to its end: collect garbage less often
    # (as mypy does); the cycle collector's passes were a fifth of a large plan's time
    gc.set_threshold(100_000, 50, 100)
    app(prog_name="ecomdsl")
