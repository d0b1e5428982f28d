"""Deploy errors: one line for the user, with the object, the SQL and the server's words;
and the one-line wording of a database or file error that escaped a deploy command."""

from __future__ import annotations

from ecomdsl.errors import EcomdslError


class DeployError(EcomdslError):
    """A deploy could not go ahead or stopped; the message says what and what to do."""


class LockBusy(DeployError):
    """Another apply holds the lock."""


class StalePlan(DeployError):
    """The database changed since the saved plan was made."""


class StepFailed(DeployError):
    """A statement failed on the server; names the object, the SQL and the message."""


def escaped() -> tuple[type[Exception], ...]:
    """The errors a deploy command reports as one line: ours, the database's and the file
    system's (psycopg is imported here only once something was raised)."""
    import psycopg

    return (EcomdslError, psycopg.Error, OSError)


def one_line(err: Exception) -> EcomdslError:
    """A database or file error that escaped the deploy, as one readable line."""
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
