"""Where the project is: the folder holding pyproject.toml, above a pipeline file."""

from __future__ import annotations

from pathlib import Path


def find_root(start: str | Path) -> Path:
    """The nearest folder at or above ``start`` with a pyproject.toml, else the cwd."""
    path = Path(start).resolve()
    for folder in (path, *path.parents) if path.is_dir() else path.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd().resolve()


def display_path(path: Path, root: Path) -> str:
    """``path`` as messages show it: relative to the project root when it lies below it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
