"""The council snapshots: the one cache of everything derived from a council's data.

For one council and one data fingerprint (:mod:`caseload.storage.fingerprint`), the frames are
read from the database once (:class:`caseload.services.caseloads.CouncilData`) and each day's
figures (caseloads, queue, alerts, continuity, census years, benchmarks, allocation plans, page
contexts) are derived once from them, then shared by every page, API call, command and report.
Any change to the data (an import, a decision, a move, a new policy) changes the fingerprint,
so the next request builds afresh.

All of it lives in one :class:`Snapshots` object per database engine, owned by whoever owns the
engine: the web application creates it with the app (``app.state.snapshots``), a command creates
it for its run. No module holds a cache of its own."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine

V = TypeVar("V")
COUNCILS_KEPT = 4
"""Councils whose frames are kept at once."""
COUNCIL_PARTS = 7
"""What is kept for each: its frames, and its practice, ASYE, progression, learning, health check
and agency records."""


class FingerprintCache(Generic[V]):
    """A bounded, thread-safe mapping from keys to built values: when several requests miss
    on the same key at once, one builds and the others wait for its result."""

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

    def put(self, key: Hashable, value: V) -> None:
        """Keep ``value`` under ``key`` (replacing what was there)."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class Snapshots:
    """Every cache of one database's derived figures, in one object.

    - ``council_data``: each council's frames, read once per data fingerprint, and the records
      read beside them (practice, ASYE, progression, learning, health check and agency
      records): room for :data:`COUNCILS_KEPT` councils with all of them, so reading one
      council's records never pushes its own frames out;
    - ``policies``: the caseload policy in force;
    - ``reports``: caseloads, queue, alerts and continuity per day and scope;
    - ``census``: census years, indicators, breakdowns and benchmarks;
    - ``views``: page contexts per day, scope and kind of role;
    - ``plans``: allocation recommendations and planned moves;
    - ``worker_index``: each worker's record parts per day;
    - ``forecasts``: demand series, forecasts, posts needed and backtests per day and horizon;
    - ``page_bodies``, ``fragments``: the rendered main part of pages, per context;
    - ``planning``: workforce plan inputs and scenario runs per day, paths and seed;
    - ``readings``: small database readings (fingerprints, stamps), trusted for a moment."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex  # names this database in keys shared with other engines
        self.council_data: FingerprintCache[Any] = FingerprintCache(
            size=COUNCILS_KEPT * COUNCIL_PARTS
        )
        self.policies: FingerprintCache[Any] = FingerprintCache(size=8)
        self.reports: FingerprintCache[Any] = FingerprintCache(size=32)
        self.census: FingerprintCache[Any] = FingerprintCache(size=256)
        self.views: FingerprintCache[object] = FingerprintCache(size=256)
        self.plans: FingerprintCache[Any] = FingerprintCache(size=16)
        self.worker_index: FingerprintCache[Any] = FingerprintCache(size=4)
        self.forecasts: FingerprintCache[Any] = FingerprintCache(size=32)
        self.page_bodies: FingerprintCache[Any] = FingerprintCache(size=64)
        self.fragments: FingerprintCache[Any] = FingerprintCache(size=256)
        self.planning: FingerprintCache[Any] = FingerprintCache(size=32)
        self.readings: dict[Hashable, tuple[int, float, object]] = {}
        self.readings_lock = threading.Lock()

    def caches(self) -> dict[str, FingerprintCache[Any]]:
        return {
            name: value for name, value in vars(self).items() if isinstance(value, FingerprintCache)
        }

    def clear(self) -> None:
        for cache in self.caches().values():
            cache.clear()
        with self.readings_lock:
            self.readings.clear()

    def stats(self) -> dict[str, dict[str, int]]:
        """Entries, hits and misses of each cache (for benchmarks and operators)."""
        return {
            name: {"entries": len(cache), "hits": cache.hits, "misses": cache.misses}
            for name, cache in self.caches().items()
        }


_ATTACH_LOCK = threading.Lock()
_ATTRIBUTE = "caseload_snapshots"


def snapshots(engine: Engine) -> Snapshots:
    """The engine's snapshots: the application (or command) that opened the engine creates them
    with it (:func:`attach`); an engine opened without them gets them on first use."""
    found: Snapshots | None = getattr(engine, _ATTRIBUTE, None)
    if found is None:
        with _ATTACH_LOCK:
            found = getattr(engine, _ATTRIBUTE, None)
            if found is None:
                found = attach(engine)
    return found


def attach(engine: Engine, owned: Snapshots | None = None) -> Snapshots:
    """Give the engine its snapshots (a new object unless ``owned`` is given) and return them."""
    chosen = owned or Snapshots()
    setattr(engine, _ATTRIBUTE, chosen)
    return chosen
