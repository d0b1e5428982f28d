"""Find the user's file and line for a builder call.

Builders record where they were created so that a compile error can point at the line the
user wrote, not at ecomdsl's internals.

Reading ``frame.f_lineno`` decodes the code object's line table from the start each time,
so on a pipeline file of thousands of builder calls it made loading quadratic. The line is
instead looked up by bisection in a table built once per code object.
"""

from __future__ import annotations

import bisect
import functools
import sys
from pathlib import Path
from types import CodeType

from ecomdsl.errors import UNKNOWN_LOCATION, SourceLocation

_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_GENERATED_CODE = ("<attrs generated", "<string>")


def _is_internal(filename: str) -> bool:
    return (
        filename.startswith(_PACKAGE_DIR)
        or filename.startswith(_GENERATED_CODE)
        or "/site-packages/attr" in filename
    )


@functools.lru_cache(maxsize=512)
def _line_table(code: CodeType) -> tuple[list[int], list[int]]:
    """Start offsets of the code's bytecode ranges, and the line of each range."""
    starts: list[int] = []
    lines: list[int] = []
    for start, _end, line in code.co_lines():
        starts.append(start)
        lines.append(line if line is not None else (lines[-1] if lines else code.co_firstlineno))
    return starts, lines


def _line(code: CodeType, offset: int) -> int:
    starts, lines = _line_table(code)
    i = bisect.bisect_right(starts, offset) - 1
    return lines[i] if i >= 0 else code.co_firstlineno


def caller_location() -> SourceLocation:
    """The first frame outside the ecomdsl package (and attrs' generated code)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_internal(filename):
            return SourceLocation(filename, _line(frame.f_code, frame.f_lasti))
        frame = frame.f_back  # type: ignore[assignment]
    return UNKNOWN_LOCATION
