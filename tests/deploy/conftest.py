"""Fixtures of the deploy tests: a throwaway target on every engine the live scenarios run
on, and the seed pipeline's desired state on RisingWave 3.0 for the plan-only tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecomdsl.compiler import resolve_paths
from ecomdsl.deploy.desired import Desired, desired
from ecomdsl.deploy.target import Target
from ecomdsl.model import ir
from tests.deploy.fake_risingwave import RW3
from tests.deploy.helpers import RW_DSN, drop_target, new_target
from tests.helpers import ROOT

ENGINES = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param(
        "risingwave",
        marks=[
            pytest.mark.risingwave,
            pytest.mark.skipif(not RW_DSN, reason="ECOMDSL_RISINGWAVE_DSN is not set"),
        ],
    ),
]


@pytest.fixture(params=ENGINES)
def engine_dsn(request: pytest.FixtureRequest) -> str:
    if request.param == "risingwave":
        assert RW_DSN is not None
        return RW_DSN
    return str(request.getfixturevalue("pg_dsn"))


@pytest.fixture
def target(engine_dsn: str) -> Iterator[Target]:
    t = new_target(engine_dsn)
    yield t
    drop_target(engine_dsn, t)


@pytest.fixture(scope="module")
def seed() -> ir.ResolvedPipeline:
    return resolve_paths([ROOT / "pipelines"], ROOT)[0]


@pytest.fixture(scope="module")
def want(seed: ir.ResolvedPipeline) -> Desired:
    return desired(seed, RW3)
