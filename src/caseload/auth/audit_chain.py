"""The audit trail's hash chain. Each event's hash covers its own fields and the previous event's
hash, so changing, removing or reordering any event breaks every hash after it."""

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


def event_hash(previous: str, event: Mapping[str, Any]) -> str:
    payload = {name: event[name] for name in CHAINED_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous + "\n" + text).encode("utf-8")).hexdigest()


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
