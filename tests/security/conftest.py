"""Fixtures of the security probes: two councils with an administrator and an analyst each, on
each backend, with cheap password hashes (the probes are about who may do what, not the hash's
cost); a database address a separate process can use; the web tests' council (one account per
role) built once on SQLite for the probes that only read (the walks); and a council with no data
yet on each backend for the probes of uploads."""

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
from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage import schema
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority
from web.council import PASSWORD, WebCouncil, populate

from .councils import Councils, two_councils
from .upload_site import UploadSite

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


@pytest.fixture(scope="session")
def probed_council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCouncil]:
    """The web tests' council (one account per role), on SQLite, for probes that only read."""
    path: Path = tmp_path_factory.mktemp("security") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    yield populate(engine)
    engine.dispose()


@pytest.fixture
def upload_site(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UploadSite:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("CASELOAD_UPLOAD_DIR", str(folder))
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    monkeypatch.delenv("CASELOAD_UPLOAD_MAX_MB", raising=False)
    with session_scope(engine) as session:
        session.add(Authority(code="301", name="Testshire Council", region="North West"))
    for username, role in (("admin", AccountRole.ADMIN), ("analyst", AccountRole.ANALYST)):
        accounts.add_user(
            engine,
            cli_actor("tests"),
            username=username,
            display_name=username,
            role=role,
            authority_code="301",
            password=PASSWORD,
        )
    return UploadSite(engine, folder)
