"""What no generated SQL may hold, checked on the text itself as the last line of defence.

The model refuses NUL bytes and lone surrogates in names, literals, docs and options where
the user wrote them; this check runs on every statement's finished text (`ecomdsl.render`,
`ecomdsl.sql.statements`), so that whatever path a character takes, no file ecomdsl writes
and no statement it runs can contain one:

- a NUL byte (U+0000): RisingWave's and PostgreSQL's text types cannot hold it, and psql
  and libpq stop reading a statement at it, so a quoted string or comment never ends;
- a lone surrogate (U+D800..U+DFFF): not Unicode text, so it has no UTF-8 encoding and the
  file cannot be written at all.

A value that no SQL literal can spell (`ecomdsl.sql.atoms`) is reported the same way.
"""

from __future__ import annotations

import re

from ecomdsl.errors import EcomdslError

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class Unwritable(EcomdslError):
    """A statement or value that cannot be written as SQL: the message says why. The caller
    that knows the pipeline object turns it into a `Diagnostic` at the object's location."""


def check_text(text: str) -> str:
    """``text``, unless it holds a NUL byte or a lone surrogate (then `Unwritable`)."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return text
    char = found.group()
    start = max(found.start() - 20, 0)
    context = text[start : found.end() + 20]
    what = (
        "a NUL byte (U+0000), which RisingWave and PostgreSQL cannot store or read"
        if char == "\x00"
        else f"a lone surrogate (U+{ord(char):04X}), which is not text and has no UTF-8 form"
    )
    raise Unwritable(f"the SQL would contain {what}, in {context!r}")


def shown(name: str) -> str:
    """``name`` as an error message may print it: quoted with escapes when it holds what
    this module refuses (a terminal would print a NUL, and a surrogate cannot be printed)."""
    return ascii(name) if _FORBIDDEN.search(name) else name
