"""Helpers of the builder tests: what a builder call is refused with, and where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecomdsl.errors import BuilderError
from tests.helpers import ROOT


def untyped(value: object) -> Any:
    """``value`` typed Any, to pass a builder what mypy would refuse: the runtime check is
    what is tested."""
    return value


def refusal(make: Callable[[], object]) -> str:
    """The error ``make()`` is refused with, as the CLI prints it without its place.

    It asserts the place: the line of ``make`` (a one-line lambda standing for the user's
    builder call), shown relative to the project as ``tests/dsl/...py:<line>: error: ``.
    """
    with pytest.raises(BuilderError) as info:
        make()
    code = make.__code__
    where = Path(code.co_filename).resolve().relative_to(ROOT).as_posix()
    prefix = f"{where}:{code.co_firstlineno}: error: "
    text = info.value.render(ROOT)
    assert text.startswith(prefix), text
    return text.removeprefix(prefix)
