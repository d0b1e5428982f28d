"""The sqlglot classes the ecomdsl dialect extends, behind the one check that they can be.

Every module of this package that subclasses sqlglot's tokenizer, parser or generator takes
the parent class from here, so the check below always runs before the first subclass.
"""

from __future__ import annotations

from sqlglot import tokens
from sqlglot.dialects.risingwave import RisingWave
from sqlglot.generators.risingwave import RisingWaveGenerator
from sqlglot.parsers.risingwave import RisingWaveParser

__all__ = ["DIALECT", "RisingWave", "RisingWaveGenerator", "RisingWaveParser"]

# sqlglot[c] overlays compiled Parser/Generator classes that refuse interpreted subclasses
# ("interpreted classes cannot inherit from compiled"): fail at import with the fix.
if tokens.SQLGLOTC_INSTALLED:  # pragma: no cover - depends on the environment
    raise ImportError("ecomdsl needs pure-Python sqlglot; run `pip uninstall sqlglotc`")

# sqlglot's dialect metaclass registers every subclass under its lower-cased class name:
# `ecomdsl.dialect.Ecomdsl` is found as "ecomdsl" once the package is imported.
DIALECT = "ecomdsl"
