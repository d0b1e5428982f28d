"""The ``generated/`` folder: write a compile's files (only those that changed) and diff them.

The files are the compile's output (`ecomdsl.compiler.Compiled.files`); a folder belongs to
a pipeline, so a stale .sql file in it is removed by `write` and reported by `diff`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import attrs

from ecomdsl.compiler import Compiled


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
