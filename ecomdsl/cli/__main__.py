"""``python -m ecomdsl.cli``."""

from ecomdsl.cli import main

main()
