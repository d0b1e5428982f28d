"""RisingWave rules at compile time: what RisingWave rejects, and what it pays for."""

from ecomdsl.lint.engine import LintResult, lint, load_severities
from ecomdsl.lint.rules import RULES

__all__ = ["RULES", "LintResult", "lint", "load_severities"]
