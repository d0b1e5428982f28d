"""The base of every builder: the file and line where the user wrote it.

A compile error found in the model layer points at that line, so each builder records it
when it is created. The field's default is `caller_location`, which skips every frame inside
ecomdsl (and attrs' generated ``__init__``): however deep the builder is created (an operator
method, ``.where()``, a converter turning ``"stage"`` into a `Stage`), the location is the
user's own call. The field is keyword-only, so it never shifts the positional arguments of a
builder, and left out of the repr, so a repr reads like the code that built it.
"""

from __future__ import annotations

import attrs

from ecomdsl.errors import SourceLocation
from ecomdsl.location import caller_location


@attrs.frozen(eq=False)
class Node:
    """An immutable builder that knows where it was written."""

    location: SourceLocation = attrs.field(factory=caller_location, kw_only=True, repr=False)
