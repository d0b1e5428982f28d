"""Find the user's file and line for a builder call.

Builders record where they were created so that a compile error can point at the line the
user wrote, not at ecomdsl's internals.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecomdsl.errors import UNKNOWN_LOCATION, SourceLocation

_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_ATTRS_MARKERS = ("<attrs generated", "<string>")


def _is_internal(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.startswith(_ATTRS_MARKERS)


def caller_location() -> SourceLocation:
    """The first frame outside the ecomdsl package (and attrs' generated code)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_internal(filename) and "/site-packages/attr" not in filename:
            return SourceLocation(filename, frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return UNKNOWN_LOCATION
