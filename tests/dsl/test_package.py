"""What ``import ecomdsl`` loads, in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

FRESH = """
import sys

import ecomdsl

assert "sqlglot" not in sys.modules, "import ecomdsl loaded sqlglot"
import sqlglot

sqlglot.Dialect.get_or_raise("ecomdsl")
assert "ecomdsl.dialect" in sys.modules
sqlglot.parse_one("FLUSH", read="ecomdsl")
"""


def test_the_builders_load_without_sqlglot_and_sqlglot_finds_the_dialect_by_name() -> None:
    """Users' pipeline files import the builders only; the ``sqlglot.dialects`` entry point
    (pyproject.toml) makes ``read="ecomdsl"`` load the dialect when it is first asked for."""
    run = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
