"""Fixtures for the security probes: a council with one account per role, built once on SQLite
for the probes that only read (the walks), and a council with no data yet on each backend for
the probes of uploads, which write."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from caseload.auth import passwords
from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage import schema
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority
from caseload.web import create_app
from web.council import PASSWORD, WebCouncil, populate, sign_in

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(scope="session")
def probed_council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCouncil]:
    """The web tests' council (one account per role), on SQLite, for probes that only read."""
    path: Path = tmp_path_factory.mktemp("security") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    yield populate(engine)
    engine.dispose()


class UploadSite:
    """A council with no data yet (authority 301) and accounts for an administrator and a social
    worker; uploads wait in ``folder``."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder

    def client(self, username: str) -> TestClient:
        client = TestClient(create_app(self.engine), follow_redirects=False)
        sign_in(client, username, PASSWORD)
        return client

    @staticmethod
    def csrf(client: TestClient, page: str = "/") -> str:
        html = client.get(page).text
        found = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
        assert len(found) == 1 and "" not in found, found
        return found.pop()

    def left_on_disk(self) -> list[Path]:
        return sorted(self.folder.rglob("*")) if self.folder.exists() else []


@pytest.fixture
def upload_site(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UploadSite:
    monkeypatch.setattr(passwords, "_HASHER", QUICK_HASHER)
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
