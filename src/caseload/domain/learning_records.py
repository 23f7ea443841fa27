"""The frames of the ASYE programme and the progression framework.

- **programmes**: one row per ASYE programme: ``outcome`` one of :data:`ASYE_OUTCOMES` (null
  while none is recorded) from ``outcome_date``; ``extended_to`` the last day of an extension;
  ``assessor`` and ``mentor`` (mentor or practice educator) as the council writes them.
- **reviews**: one row per review point recorded: ``review_point`` one of :data:`REVIEW_POINTS`,
  ``due_date`` when the council set one (else it is worked out from the start), ``held_date``
  and ``judgement`` (one of :data:`JUDGEMENTS`, against the Knowledge and Skills Statement).
- **applications**: one row per application to progress: ``outcome`` one of
  :data:`APPLICATION_OUTCOMES` from ``decided_date`` (both null while awaiting a decision)."""

from __future__ import annotations

from typing import Final

import polars as pl

ASYE_OUTCOMES: Final = ("pass", "extend", "fail")
REVIEW_POINTS: Final = ("3", "6", "12", "extension")
JUDGEMENTS: Final = ("on_track", "concerns", "not_on_track")
APPLICATION_OUTCOMES: Final = ("approved", "refused", "withdrawn")

PROGRAMME_SCHEMA: Final[dict[str, pl.DataType]] = {
    "programme_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "start_date": pl.Date(),
    "assessor": pl.Utf8(),
    "mentor": pl.Utf8(),
    "outcome": pl.Utf8(),
    "outcome_date": pl.Date(),
    "extended_to": pl.Date(),
}
REVIEW_SCHEMA: Final[dict[str, pl.DataType]] = {
    "programme_id": pl.Int64(),
    "review_point": pl.Utf8(),
    "due_date": pl.Date(),
    "held_date": pl.Date(),
    "judgement": pl.Utf8(),
}
APPLICATION_SCHEMA: Final[dict[str, pl.DataType]] = {
    "application_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "from_role": pl.Utf8(),
    "to_role": pl.Utf8(),
    "applied_date": pl.Date(),
    "decided_date": pl.Date(),
    "outcome": pl.Utf8(),
    "evidence_note": pl.Utf8(),
}
