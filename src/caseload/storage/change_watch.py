"""A generation number per engine that moves on whenever this process writes (and returns to the
pool) a connection that inserted, updated or deleted rows of a table holding council data.

Pages that cache figures by a data fingerprint use it to skip the fingerprint query while nothing
has been written here: the fingerprint is read again when the generation moves (a change made in
this process is seen at once, in-place updates included) or after a few seconds (a change made by
another process, such as a command-line import, is seen within that time).

Writes to the accounts and audit tables (signing in, session touches, audit events) do not count:
they change no figure."""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event

IGNORED_TABLES = frozenset(
    {"audit_event", "user_session", "user_account", "user_team", "api_token", "alembic_version"}
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?',
    re.IGNORECASE,
)
_FLAG = "caseload_data_written"


class _Watch:
    def __init__(self) -> None:
        self.generation = 0
        self.lock = threading.Lock()

    def bump(self) -> None:
        with self.lock:
            self.generation += 1


_WATCHES: weakref.WeakKeyDictionary[Engine, _Watch] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes to (None for anything else)."""
    found = _WRITE.match(statement)
    return found.group(1).lower() if found else None


def _watch(engine: Engine) -> _Watch:
    with _LOCK:
        watch = _WATCHES.get(engine)
        if watch is not None:
            return watch
        watch = _WATCHES[engine] = _Watch()

    def seen(connection: Any, cursor: Any, statement: str, *args: Any, **kwargs: Any) -> None:
        table = written_table(statement)
        if table is not None and table not in IGNORED_TABLES:
            connection.info[_FLAG] = True

    def returned(dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_FLAG, False):
            watch.bump()

    event.listen(engine, "after_cursor_execute", seen)
    event.listen(engine, "checkin", returned)
    return watch


def generation(engine: Engine) -> int:
    """The engine's generation (starting to watch it on first use)."""
    return _watch(engine).generation
