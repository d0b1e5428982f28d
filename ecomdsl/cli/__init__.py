"""The `ecomdsl` command line: the app (`app.py`) and a module per command group.

`files`: compile, check; `review`: lint, explain, graph; `run`: run; `deploy`: plan, apply,
destroy, unlock. Each command parses its options and makes one call into the core. They are
registered here, in the order ``ecomdsl --help`` lists them.
"""

from ecomdsl.cli import deploy, files, review, run
from ecomdsl.cli.app import app, main

COMMANDS = (
    files.compile,
    files.check,
    review.lint,
    review.explain,
    review.graph,
    run.run,
    deploy.plan,
    deploy.apply,
    deploy.destroy,
    deploy.unlock,
)
for _command in COMMANDS:
    app.command()(_command)

__all__ = ["app", "main"]
