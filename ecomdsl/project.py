"""Where the project is: the folder holding pyproject.toml, above a pipeline file; and
its ``[tool.ecomdsl.*]`` settings."""

from __future__ import annotations

import tomllib
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


class PyprojectError(Exception):
    """pyproject.toml cannot be read, or a table on the way to a setting is not a table; the
    message is one line starting ``pyproject.toml:``. Callers raise their own error with it."""


class NotATable(PyprojectError):
    """A table on the way to the setting (``tool``, ``tool.ecomdsl``, the section) is not one."""


def tool_section(root: Path, key: str) -> dict[str, object]:
    """``[tool.ecomdsl.<key>]`` of the project's pyproject.toml (empty when absent); each
    table on the way must be a table."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data: dict[str, object] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise PyprojectError(f"pyproject.toml: {err}") from err
    except UnicodeDecodeError as err:
        raise PyprojectError(f"pyproject.toml: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise PyprojectError(f"pyproject.toml: cannot read it: {err.strerror}") from None
    name = ""
    for part in ("tool", "ecomdsl", key):
        name = f"{name}.{part}" if name else part
        value = data.get(part, {})
        if not isinstance(value, dict):
            raise NotATable(f"pyproject.toml: {name} = {value!r}; it must be a table [{name}]")
        data = value
    return data
