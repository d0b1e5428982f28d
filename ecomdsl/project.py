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
    """``path`` as messages show it: relative to the project root when it lies below it.

    A path that cannot be resolved (a symlink loop) is shown by its folder's resolved path
    and its own name, so that the message about it can still be given.
    """
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's "Symlink loop"
        resolved = path.absolute().parent.resolve() / path.name
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
