"""Shared fixtures. Database tests take the ``engine`` fixture, which runs each test once on a
fresh SQLite file and once on a fresh PostgreSQL schema (when CASELOAD_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from caseload.storage import schema
from caseload.storage.engine import make_engine

# Helpers shared by tests in several folders (e.g. disclosure_attack) import from here.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

# No time limit on a property test's examples: tests check behaviour, never speed (speed lives
# in benchmarks/), and a loaded machine must not fail a correct example.
settings.register_profile("caseload", deadline=None)
settings.load_profile("caseload")

POSTGRES_ENV = "CASELOAD_TEST_DATABASE_URL"
POSTGRES_SKIP = f"{POSTGRES_ENV} is not set, so the PostgreSQL runs are skipped"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(POSTGRES_SKIP)
    return str(request.param)


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of the backend, dropped afterwards."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
        return
    url = os.environ[POSTGRES_ENV]
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(url, schema=name)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database upgraded to the current schema."""
    schema.upgrade(empty_engine)
    return empty_engine


def pytest_report_header() -> str:
    if os.environ.get(POSTGRES_ENV):
        return f"database tests: SQLite and PostgreSQL ({POSTGRES_ENV} is set)"
    return f"database tests: SQLite only; {POSTGRES_SKIP}"


@pytest.fixture
def decide_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Freezes the allocation decisions' clock at mid-morning on a day: a decision starts on the
    day it is made, so tests that expect allocations from the data date decide on that day."""

    def freeze(day: date) -> None:
        moment = datetime.combine(day, time(10, 0), tzinfo=UTC)
        monkeypatch.setattr("caseload.services.allocation._now", lambda: moment)

    return freeze


@pytest.fixture
def decide_on_data_date(decide_on: Callable[[date], None]) -> Callable[[Engine], date]:
    """Freezes the decisions' clock on the engine's council's data date, and returns that day."""

    def freeze(engine: Engine) -> date:
        from caseload.services.caseloads import council_data

        day = council_data(engine).latest
        assert day is not None
        decide_on(day)
        return day

    return freeze
