"""Imports point down the layers: nothing below ``ecomdsl.deploy`` imports it, and nothing
but the command line imports ``ecomdsl.cli``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ecomdsl"


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def offenders(banned: str, allowed: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(allowed):
            continue
        bad += [f"{rel}: {m}" for m in sorted(imports(path)) if m.startswith(banned)]
    return bad


def test_nothing_below_deploy_imports_it() -> None:
    assert offenders("ecomdsl.deploy", ("deploy/", "cli/")) == []


def test_only_the_command_line_imports_it() -> None:
    assert offenders("ecomdsl.cli", ("cli/",)) == []


def test_the_deploy_package_builds_no_sql_from_strings_of_names() -> None:
    """SQL that names objects comes from sqlglot trees (adapters) or psycopg's composition
    (journal, lock); no f-string starts a statement."""
    bad = []
    for path in sorted((PACKAGE / "deploy").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and str(first.value).lstrip().startswith(
                    ("SELECT ", "CREATE ", "DROP ", "ALTER ", "INSERT ", "DELETE ", "UPDATE ")
                ):
                    bad.append(f"{path.name}:{node.lineno}")
    assert bad == []
