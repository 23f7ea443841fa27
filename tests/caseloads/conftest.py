"""Fixtures for caseload tests: the hand-built council in ``council.build_north``."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from caseloads.caseload_council import Council, build_north


@pytest.fixture
def north(engine: Engine) -> Council:
    return build_north(engine)
