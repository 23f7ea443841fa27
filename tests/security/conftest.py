"""Fixtures of the security probes: two councils with an administrator and an analyst each, on
each backend, with cheap password hashes (the probes are about who may do what, not the hash's
cost)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine

from caseload.auth import passwords
from caseload.storage import schema
from caseload.storage.engine import make_engine

from .councils import Councils, two_councils

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
