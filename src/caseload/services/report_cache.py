"""An in-process cache for caseload data, reports and allocation plans, keyed by a fingerprint of
the data (:mod:`caseload.storage.fingerprint`).

A page view costs the fingerprint query and a dictionary look-up; any change to the data (a
decision, a move, an import, a new policy) changes the fingerprint, so the next view builds
afresh. Entries are bounded (least recently used goes first) and the cache is safe to share
between the web server's threads: when several requests miss on the same key at once, one
builds and the others wait for its result instead of building it again."""

from __future__ import annotations

import os
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.services.policy import POLICY_ENV
from caseload.storage import change_watch, fingerprint
from caseload.storage.engine import session_scope

V = TypeVar("V")


class FingerprintCache(Generic[V]):
    """A bounded, thread-safe mapping from keys to built values."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        """The value when it is cached, else None (nothing is built)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._items:
                    self.hits += 1
                    return self._items[key]
                self.misses += 1
            try:
                value = build()
            except BaseException:
                with self._lock:
                    self._building.pop(key, None)
                raise
            with self._lock:
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._building.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


_TOKENS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_TOKENS_LOCK = threading.Lock()


def engine_token(engine: Engine) -> str:
    """A name for the engine's database that no other engine in the process shares (two test
    databases built alike have the same fingerprint, but never the same token)."""
    with _TOKENS_LOCK:
        token = _TOKENS.get(engine)
        if token is None:
            token = _TOKENS[engine] = uuid.uuid4().hex
        return token


def policy_file_stamp() -> tuple[str, float | None]:
    """The ``CASELOAD_POLICY`` file and its modification time: editing the file is seen too."""
    path = os.environ.get(POLICY_ENV, "")
    if not path:
        return "", None
    try:
        return path, os.stat(path).st_mtime
    except OSError:
        return path, None


def key_of(
    engine: Engine, authority_id: int, stamp: fingerprint.Fingerprint
) -> tuple[Hashable, ...]:
    return (engine_token(engine), authority_id, stamp, policy_file_stamp())


# A reading of the database (a fingerprint, a stamp) is trusted while this process has written no
# council data since (storage.change_watch) and for at most this many seconds, so that a change
# made by another process (a command-line import, another server worker) is seen within that time.
FRESH_SECONDS = 2.0
_READINGS: dict[tuple[str, Hashable], tuple[int, float, object]] = {}
_READINGS_LOCK = threading.Lock()
R = TypeVar("R")


def fresh_reading(engine: Engine, what: Hashable, read: Callable[[Session], R]) -> R:
    """``read(session)``, done again only when this process has written council data since the
    last reading of ``what`` or ``FRESH_SECONDS`` have passed."""
    place = (engine_token(engine), what)
    generation = change_watch.generation(engine)
    with _READINGS_LOCK:
        known = _READINGS.get(place)
    if known is not None and known[0] == generation and time.monotonic() - known[1] < FRESH_SECONDS:
        return cast(R, known[2])
    with session_scope(engine) as session:
        value = read(session)
    with _READINGS_LOCK:
        if len(_READINGS) > 1024:
            _READINGS.clear()
        _READINGS[place] = (generation, time.monotonic(), value)
    return value


def current_fingerprint(engine: Engine, authority_id: int) -> fingerprint.Fingerprint:
    """The authority's data fingerprint, as fresh as ``fresh_reading`` keeps it."""
    return fresh_reading(
        engine,
        ("fingerprint", authority_id),
        lambda session: fingerprint.data_fingerprint(session, authority_id),
    )


def data_key(engine: Engine, authority_id: int) -> tuple[Hashable, ...]:
    """What a cached value for the authority's data depends on (see ``current_fingerprint``)."""
    return key_of(engine, authority_id, current_fingerprint(engine, authority_id))
