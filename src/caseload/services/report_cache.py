"""The keys of the council snapshots (:mod:`caseload.services.snapshot`): a fingerprint of the
data (:mod:`caseload.storage.fingerprint`), read as fresh as a page needs it.

A page view costs the fingerprint query (or less: see ``fresh_reading``) and a dictionary
look-up; any change to the data (a decision, a move, an import, a new policy) changes the
fingerprint, so the next view builds afresh."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.services.policy import POLICY_ENV
from caseload.services.snapshot import snapshots
from caseload.storage import change_watch, fingerprint
from caseload.storage.engine import session_scope


def engine_token(engine: Engine) -> str:
    """A name for the engine's database that no other engine in the process shares (two test
    databases built alike have the same fingerprint, but never the same token)."""
    return snapshots(engine).token


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
R = TypeVar("R")


def fresh_reading(engine: Engine, what: Hashable, read: Callable[[Session], R]) -> R:
    """``read(session)``, done again only when this process has written council data since the
    last reading of ``what`` or ``FRESH_SECONDS`` have passed."""
    kept = snapshots(engine)
    generation = change_watch.generation(engine)
    with kept.readings_lock:
        known = kept.readings.get(what)
    if known is not None and known[0] == generation and time.monotonic() - known[1] < FRESH_SECONDS:
        return cast(R, known[2])
    with session_scope(engine) as session:
        value = read(session)
    with kept.readings_lock:
        if len(kept.readings) > 1024:
            kept.readings.clear()
        kept.readings[what] = (generation, time.monotonic(), value)
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
