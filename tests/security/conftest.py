"""Fixtures of the security probes: two councils with an administrator and an analyst each, on
each backend, with cheap password hashes (the probes are about who may do what, not the hash's
cost); and a database address a separate process can use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from caseload.auth import passwords
from caseload.storage import schema
from caseload.storage.engine import make_engine

from .councils import Councils, two_councils

POSTGRES_ENV = "CASELOAD_TEST_DATABASE_URL"
# Cheap, but slow enough (a few milliseconds) that parallel attempts overlap as they would on a
# real server, where each verification takes a good part of a second.
PROBE_HASHER = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=1, type=Type.ID)


@pytest.fixture(autouse=True)
def probe_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", PROBE_HASHER)


@pytest.fixture
def councils(engine: Engine) -> Councils:
    return two_councils(engine)


@pytest.fixture
def engine_of_another_installation(tmp_path: Path) -> Iterator[Engine]:
    """A second installation (its own database, so its own secrets)."""
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    schema.upgrade(other)
    yield other
    other.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database address (a fresh SQLite file or PostgreSQL schema) at the current revision,
    usable by a separate process through CASELOAD_DATABASE_URL."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'crafted.db'}"
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        yield url
        return
    base = os.environ[POSTGRES_ENV]
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
    address = url.render_as_string(hide_password=False)
    engine = make_engine(address)
    schema.upgrade(engine)
    engine.dispose()
    try:
        yield address
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
