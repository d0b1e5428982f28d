"""Deploy errors: one line for the user, with the object, the SQL and the server's words."""

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
