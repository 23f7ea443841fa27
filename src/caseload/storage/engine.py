"""Engines and sessions. SQLite gets foreign keys switched on for every connection, and the
function ``caseload_sha256`` with which the audit trail appends an event in one statement."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from caseload.errors import DatabaseUnavailableError


def make_engine(url: URL | str, *, schema: str | None = None) -> Engine:
    """Create an engine. ``schema`` (PostgreSQL only) puts every table in that schema, which the
    tests use to keep concurrent runs apart."""
    options: dict[str, Any] = {}
    engine_url = url if isinstance(url, URL) else make_url(url)
    if engine_url.get_backend_name() == "postgresql":
        if schema:
            # In the address, not only the connection's arguments, so that every client of the
            # engine (the columnar reader's own connections too) reads the same schema.
            engine_url = engine_url.update_query_dict({"options": f"-csearch_path={schema}"})
        # The web server runs requests on up to 40 threads; keep enough connections open.
        options = {"pool_size": 10, "max_overflow": 30, "pool_pre_ping": True}
    # hide_parameters: database errors and logs never carry the values of a statement, which may
    # be personal data.
    engine = create_engine(engine_url, future=True, hide_parameters=True, **options)
    if engine_url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
    dbapi_connection.create_function("caseload_sha256", 1, _sha256_hex, deterministic=True)


def _sha256_hex(text: str | None) -> str | None:
    """SHA-256 of UTF-8 text as lower-case hex (PostgreSQL's
    ``encode(sha256(convert_to(text, 'UTF8')), 'hex')``)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_connection(engine: Engine) -> None:
    """Fail with a one-line message when the database cannot be reached."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailableError(
            f"cannot connect to the database {engine.url.render_as_string(hide_password=True)}: "
            f"{reason}. Check CASELOAD_DATABASE_URL."
        ) from None


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
