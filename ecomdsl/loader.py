"""Import pipeline files and find the `Pipeline` objects they define."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from ecomdsl.dsl.objects import Pipeline
from ecomdsl.errors import CompileError, LoadError


def pipeline_files(paths: list[Path]) -> list[Path]:
    """The .py files named, or found directly in the folders named (not ``_*.py``), sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.glob("*.py")) if not p.name.startswith("_"))
        elif path.is_file() and path.suffix == ".py":
            files.append(path)
        else:
            raise LoadError(f"{path}: no such pipeline file or folder")
    return sorted({f.resolve() for f in files})


def _module_name(path: Path) -> tuple[Path, str]:
    """The sys.path entry and dotted module name for ``path`` (packages honoured)."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def load_module(path: Path) -> object:
    base, name = _module_name(path)
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() == path:
        return existing
    try:
        return importlib.import_module(name)
    except CompileError:
        raise
    except Exception as err:
        raise LoadError(f"{path}: importing it failed: {type(err).__name__}: {err}") from err


def load_pipelines(paths: list[Path]) -> list[Pipeline]:
    """Every `Pipeline` defined at module level in the given files, in name order."""
    found: dict[int, Pipeline] = {}
    for path in pipeline_files(paths):
        module = load_module(path)
        for value in vars(module).values():
            if isinstance(value, Pipeline) and Path(value.location.path).resolve() == path:
                found[id(value)] = value
    pipelines = sorted(found.values(), key=lambda p: str(p.name))
    names = [p.name for p in pipelines]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise LoadError(f"two pipelines are named {dupes[0]!r}; each needs its own name")
    return pipelines
