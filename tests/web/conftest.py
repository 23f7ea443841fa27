"""Web fixtures: ``shared_council`` is built once per test process on SQLite for tests that only
read; ``council`` is built per test on each backend for tests that change data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseload.storage import schema
from caseload.storage.engine import make_engine

from .council import WebCouncil, populate


@pytest.fixture(scope="session")
def shared_council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCouncil]:
    path: Path = tmp_path_factory.mktemp("web") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    yield populate(engine)
    engine.dispose()


@pytest.fixture
def council(engine: Engine) -> WebCouncil:
    return populate(engine)
