"""Every row of the synthetic tables, read back exactly as stored, to compare two databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from caseload.storage import bulk, schema
from caseload.storage.engine import make_engine

TABLES = ("authority", *bulk.INSERT_ORDER)


def table_contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Table name to its rows in id order. On SQLite each value comes with its storage class
    (integer, real, text or null), so that 1 and 1.0, or a date and its text, never pass as
    equal."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name in TABLES:
            columns = [c.name for c in bulk.table_of(name).c]
            if connection.dialect.name == "sqlite":
                columns += [f"typeof({c})" for c in columns]
            listed = ", ".join(columns)
            rows = connection.execute(text(f"SELECT {listed} FROM {name} ORDER BY id"))
            contents[name] = [tuple(row) for row in rows]
    return contents


@contextmanager
def another_database(backend: str, folder: Path) -> Iterator[Engine]:
    """A second upgraded database of the backend (a SQLite file in ``folder``, or a throwaway
    PostgreSQL schema), to write the same data another way."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / f'another_{uuid.uuid4().hex[:8]}.db'}")
        schema.upgrade(engine)
        yield engine
        engine.dispose()
        return
    url = os.environ["CASELOAD_TEST_DATABASE_URL"]
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(url, schema=name)
    try:
        schema.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
