"""A council with no data yet, for the probes of uploads."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from caseload.web import create_app
from web.council import PASSWORD, sign_in


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
