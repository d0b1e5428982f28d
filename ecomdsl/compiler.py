"""Compile pipelines into the files under ``generated/`` and compare them with what is there."""

from __future__ import annotations

import difflib
from pathlib import Path

import attrs

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.errors import CompileError, Diagnostic, LoadError
from ecomdsl.lint.engine import LintResult, lint, load_severities
from ecomdsl.loader import load_pipelines
from ecomdsl.model import ir
from ecomdsl.model.resolve import resolve
from ecomdsl.render import render


@attrs.frozen
class Compiled:
    pipelines: tuple[ir.ResolvedPipeline, ...]
    files: dict[str, str]  # path relative to the output folder (posix) -> text
    lint: tuple[LintResult, ...] = ()


def compile_pipelines(pipelines: list[Pipeline], root: Path) -> Compiled:
    """Resolve, lint and render every pipeline.

    All errors of all pipelines (resolving and lint errors) are raised together as one
    CompileError; lint warnings come back in ``Compiled.lint`` for the caller to print.
    """
    resolved, diagnostics = _resolve_all(pipelines, test_data=True)
    severities = load_severities(root)
    results = [lint(p, severities) for p in resolved]
    diagnostics += [i.diagnostic() for r in results for i in r.errors]
    if diagnostics:
        raise CompileError(diagnostics)
    files: dict[str, str] = {}
    for p in resolved:
        for name, text in render(p, root).items():
            files[f"{p.name}/{name}"] = text
    return Compiled(tuple(resolved), dict(sorted(files.items())), tuple(results))


def load_paths(paths: list[Path], root: Path) -> list[Pipeline]:
    pipelines = load_pipelines(paths, root)
    if not pipelines:
        shown = ", ".join(str(p) for p in paths)
        raise LoadError(
            f"no Pipeline found in {shown}; a pipeline file defines `pipeline = Pipeline(...)`"
        )
    return pipelines


def compile_paths(paths: list[Path], root: Path) -> Compiled:
    return compile_pipelines(load_paths(paths, root), root)


def resolve_paths(
    paths: list[Path], root: Path, *, test_data: bool = True
) -> list[ir.ResolvedPipeline]:
    """Load and check the pipelines without rendering SQL files (for `run`, `lint`, ...)."""
    resolved, diagnostics = _resolve_all(load_paths(paths, root), test_data=test_data)
    if diagnostics:
        raise CompileError(diagnostics)
    return resolved


def lint_paths(paths: list[Path], root: Path) -> list[LintResult]:
    """Load, check and lint the pipelines (with the project's configured severities)."""
    resolved = resolve_paths(paths, root, test_data=False)
    severities = load_severities(root)
    return [lint(p, severities) for p in resolved]


def _resolve_all(
    pipelines: list[Pipeline], *, test_data: bool
) -> tuple[list[ir.ResolvedPipeline], list[Diagnostic]]:
    """Resolve every pipeline, collecting the errors of all of them."""
    resolved: list[ir.ResolvedPipeline] = []
    diagnostics: list[Diagnostic] = []
    for pipeline in pipelines:
        try:
            resolved.append(resolve(pipeline, test_data=test_data))
        except CompileError as err:
            diagnostics.extend(err.diagnostics)
    return resolved, diagnostics


def owned_files(out: Path, compiled: Compiled) -> set[str]:
    """Existing .sql files in the output folders of the compiled pipelines."""
    found: set[str] = set()
    for p in compiled.pipelines:
        folder = out / p.name
        if folder.is_dir():
            found.update(f"{p.name}/{f.name}" for f in folder.glob("*.sql"))
    return found


@attrs.frozen
class WriteResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def write(out: Path, compiled: Compiled) -> WriteResult:
    """Write the files (only those that changed) and remove stale .sql files of the pipelines."""
    written, unchanged = [], []
    for rel, text in compiled.files.items():
        path = out / rel
        if path.is_file() and path.read_bytes() == text.encode():
            unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
        written.append(rel)
    removed = sorted(owned_files(out, compiled) - set(compiled.files))
    for rel in removed:
        (out / rel).unlink()
    return WriteResult(tuple(written), tuple(unchanged), tuple(removed))


def diff(out: Path, compiled: Compiled, label: str = "generated") -> list[str]:
    """Unified diffs between the files on disk and a fresh compile (empty when up to date)."""
    chunks: list[str] = []
    for rel in sorted(set(compiled.files) | owned_files(out, compiled)):
        path = out / rel
        old = path.read_text() if path.is_file() else ""
        new = compiled.files.get(rel, "")
        if old == new:
            continue
        chunks.append(
            "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"{label}/{rel}" if path.is_file() else "/dev/null",
                    tofile=f"{label}/{rel} (fresh compile)"
                    if rel in compiled.files
                    else "/dev/null",
                )
            )
        )
    return chunks
