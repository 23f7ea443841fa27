"""Fixtures for the security tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from caseload.storage import schema
from caseload.storage.engine import make_engine

POSTGRES_ENV = "CASELOAD_TEST_DATABASE_URL"


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
