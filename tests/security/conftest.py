"""Fixtures of the security probes: two councils with an administrator and an analyst each, on
each backend, with cheap password hashes (the probes are about who may do what, not the hash's
cost)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine

from caseload.auth import passwords

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
