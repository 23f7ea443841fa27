"""Appending to the audit trail and reading it back.

One statement appends an event, reading the chain's head and inserting the next event with its
hash, so no other writer can take the same place between the read and the write. On PostgreSQL it
is the database function ``audit_append`` (migration 0004), which takes a transaction-level
advisory lock first, so concurrent writers queue inside the database for microseconds. On SQLite it
is one ``INSERT ... SELECT`` computing the hash with ``caseload_sha256`` (a function every SQLite
connection of :func:`caseload.storage.engine.make_engine` has): a writing statement holds the
database's single write lock while it reads, so it always sees the newest head. The unique
``prev_hash`` makes a fork impossible either way."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from sqlalchemy import ColumnElement, Connection, Select, func, select, text, true
from sqlalchemy.orm import Session

from caseload.auth.audit_chain import GENESIS, event_body
from caseload.storage.account_models import AuditEvent


@dataclass(frozen=True)
class NewEvent:
    actor: str
    role: str
    authority_id: int | None
    action: str
    outcome: str
    target_type: str
    target_id: str | None
    source: str
    detail: Mapping[str, Any]


def utc_stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fields(event: NewEvent) -> dict[str, Any]:
    """The stored fields, each text cut to its column's width before hashing, so the stored row
    is what was hashed (PostgreSQL refuses an over-long value; SQLite would keep it whole)."""
    return {
        "at": utc_stamp(),
        "actor": event.actor[:80],
        "role": event.role[:20],
        "authority_id": event.authority_id,
        "action": event.action[:40],
        "outcome": event.outcome,
        "target_type": event.target_type[:40],
        "target_id": None if event.target_id is None else event.target_id[:80],
        "source": event.source[:64],
        "detail": json.dumps(dict(event.detail), sort_keys=True, default=str),
    }


APPEND = text(
    "SELECT audit_append(:at, :actor, :role, :authority_id, :action, :outcome, :target_type, "
    ":target_id, :source, :detail, :body)"
)

# The same digest as caseload.auth.audit_chain.chained_hash: previous hash, LF, id, LF, body.
SQLITE_APPEND = text(
    "INSERT INTO audit_event (id, at, actor, role, authority_id, action, outcome, target_type, "
    "target_id, source, detail, prev_hash, hash) "
    "SELECT head.next_id, :at, :actor, :role, :authority_id, :action, :outcome, :target_type, "
    ":target_id, :source, :detail, head.prev, "
    "caseload_sha256(head.prev || char(10) || head.next_id || char(10) || :body) "
    "FROM (SELECT coalesce(max(id), 0) + 1 AS next_id, "
    "coalesce((SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1), :genesis) AS prev "
    "FROM audit_event) AS head "
    "RETURNING id"
)


def append_event(executor: Session | Connection, event: NewEvent) -> int:
    """Add ``event`` at the end of the chain in the executor's transaction; returns its id."""
    fields = _fields(event)
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    if bind.dialect.name == "postgresql":
        new_id = executor.execute(APPEND, fields | {"body": event_body(fields)}).scalar_one()
        return int(new_id)
    new_id = executor.execute(
        SQLITE_APPEND, fields | {"body": event_body(fields), "genesis": GENESIS}
    ).scalar_one()
    return int(new_id)


def event_dict(row: AuditEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at,
        "actor": row.actor,
        "role": row.role,
        "authority_id": row.authority_id,
        "action": row.action,
        "outcome": row.outcome,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "source": row.source,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def all_events(session: Session, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every event in id order, read in batches."""
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
            )
        )
        if not rows:
            return
        for row in rows:
            yield event_dict(row)
        after = rows[-1].id


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: str | None = None
    until: str | None = None


# Whose events to read: one council's (its id), the installation's (None), or every event.
EVERY_EVENT: Final = "every"
EventScope = int | None | Literal["every"]


def _in_scope(scope: EventScope) -> ColumnElement[bool]:
    """A council's events only, never the installation's (authority NULL) nor another's."""
    if scope == EVERY_EVENT:
        return true()
    if scope is None:
        return AuditEvent.authority_id.is_(None)
    return AuditEvent.authority_id == scope


def filtered_events(
    session: Session, scope: EventScope, wanted: EventFilter, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Events of ``scope`` matching ``wanted``, newest first, and how many match in all."""
    query: Select[tuple[AuditEvent]] = select(AuditEvent).where(_in_scope(scope))
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor.casefold())
    for column, value in (
        (AuditEvent.action, wanted.action),
        (AuditEvent.outcome, wanted.outcome),
        (AuditEvent.target_type, wanted.target_type),
        (AuditEvent.target_id, wanted.target_id),
    ):
        if value:
            query = query.where(column == value)
    if wanted.since:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.until:
        query = query.where(AuditEvent.at < wanted.until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    return [event_dict(row) for row in rows], int(total)


def event_choices(session: Session, scope: EventScope) -> dict[str, list[str]]:
    """The distinct actions and target types of ``scope``'s events (the audit page's filters)."""
    return {
        name: sorted(session.scalars(select(column).where(_in_scope(scope)).distinct()))
        for name, column in (
            ("action", AuditEvent.action),
            ("target_type", AuditEvent.target_type),
        )
    }


def newest_event(session: Session) -> tuple[int, str] | None:
    """The id and hash of the newest event (the chain's head)."""
    row = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return None if row is None else (int(row.id), str(row.hash))


def event_hash_of(session: Session, event_id: int) -> str | None:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.id == event_id))
