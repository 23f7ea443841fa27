"""Small synthetic councils shared by the synthetic tests (60 FTE, two census years)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from caseload.synthetic import CouncilSpec, SyntheticCouncil, generate_council

START = date(2023, 10, 1)
YEARS = 2
Build = Callable[..., SyntheticCouncil]


def build_small(preset: str = "typical", code: str = "801", seed: int = 7) -> SyntheticCouncil:
    spec = CouncilSpec(
        code=code, name=f"Small {preset}", region="London", size_fte=60.0, preset=preset
    )
    return generate_council(spec, start=START, years=YEARS, seed=seed)


@pytest.fixture(scope="session")
def build() -> Build:
    """Builds a small council: ``build(preset="typical", code="801", seed=7)``."""
    return build_small


@pytest.fixture(scope="session")
def small_council() -> SyntheticCouncil:
    return build_small()


@pytest.fixture(scope="session", params=["typical", "struggling", "recovering"])
def any_council(request: pytest.FixtureRequest) -> SyntheticCouncil:
    """A small council of each preset."""
    return build_small(request.param, seed=11)
