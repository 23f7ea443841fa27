"""The audit trail's hash chain. Each event's hash covers the previous event's hash, its own id
and its other fields (as canonical JSON, ASCII only), so changing, removing or reordering any event
breaks every hash after it:

    hash = sha256(previous_hash + "\n" + id + "\n" + canonical JSON of the other fields)

PostgreSQL computes the same digest inside the database when it appends an event (see migration
0004's ``audit_append``), so that the chain's lock is held for one statement only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "id",
    "at",
    "actor",
    "role",
    "authority_id",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "source",
    "detail",
)


BODY_FIELDS = tuple(name for name in CHAINED_FIELDS if name != "id")


def event_body(event: Mapping[str, Any]) -> str:
    """The canonical text of an event's fields other than its id (ASCII: json escapes the rest)."""
    payload = {name: event[name] for name in BODY_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def chained_hash(previous: str, event_id: int, body: str) -> str:
    return hashlib.sha256(f"{previous}\n{event_id}\n{body}".encode()).hexdigest()


def event_hash(previous: str, event: Mapping[str, Any]) -> str:
    return chained_hash(previous, int(event["id"]), event_body(event))


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(events: Iterable[Mapping[str, Any]]) -> tuple[int, list[ChainBreak]]:
    """Walk events in id order; returns how many were checked and every place the chain breaks."""
    previous = GENESIS
    checked = 0
    breaks: list[ChainBreak] = []
    for event in events:
        checked += 1
        if event["prev_hash"] != previous:
            breaks.append(
                ChainBreak(
                    int(event["id"]),
                    "does not follow the event before it (an event was removed or reordered)",
                )
            )
        if event_hash(event["prev_hash"], event) != event["hash"]:
            breaks.append(ChainBreak(int(event["id"]), "its contents were changed after writing"))
        previous = event["hash"]
    return checked, breaks
