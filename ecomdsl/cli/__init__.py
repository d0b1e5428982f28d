"""The `ecomdsl` command line: a module per command group, each command one call into the core.

`core` holds the app and the authoring commands (compile, check, lint, explain, graph, run);
`deploy` adds plan, apply, destroy and unlock.
"""

from ecomdsl.cli import deploy as _deploy  # noqa: F401  (registers the deploy commands)
from ecomdsl.cli.core import app, main

__all__ = ["app", "main"]
