"""The frames of the learning academy and the pipeline (read by ``storage``, analysed by
:mod:`caseload.practice.training` and :mod:`caseload.practice.pipeline`). Dates are ``pl.Date``;
ids are the database's own.

- **courses**: ``course_id``, ``code``, ``title``, ``mandatory``, ``roles`` (role codes the
  course is required of; empty: every role), ``renewal_months`` (null: never renewed).
- **training**: one row per course a worker completed: ``expiry_date`` is the **last day** the
  training counts (null: it never expires).
- **offer**: the learning offer and resource hub: ``kind`` one of :data:`ITEM_KINDS`, ``tags``
  a list of words.
- **attendance**: one row per worker attending an offer item on a day.
- **educators**: practice educators: ``stage`` (1 or 2), ``capacity`` (students at once).
- **placements**: one row per placement of a student or apprentice; ``converted_worker_id`` and
  ``converted_date`` when the learner took up an ASYE post with the council."""

from __future__ import annotations

from typing import Final

import polars as pl

ITEM_KINDS: Final = ("course", "guidance", "tool", "event")
ITEM_KIND_LABELS: Final = {
    "course": "Course",
    "guidance": "Practice guidance",
    "tool": "Tool",
    "event": "Event",
}
LEARNER_KINDS: Final = ("student", "apprentice")
PLACEMENT_OUTCOMES: Final = ("passed", "failed", "withdrawn")
# The routes into social work a placements file names, and the learner kind each is kept as: a
# university degree (BA or MA), the fast-track programmes Step Up to Social Work and Frontline
# (their placements fall in the qualifying year) and the degree apprenticeship.
ROUTE_LEARNER_KIND: Final = {
    "university": "student",
    "step_up": "student",
    "frontline": "student",
    "apprentice": "apprentice",
}
FAST_TRACK_ROUTES: Final = ("step_up", "frontline")
PLACEMENT_RECORDS: Final = ("placement", "educator", "conversion")

COURSE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "course_id": pl.Int64(),
    "code": pl.Utf8(),
    "title": pl.Utf8(),
    "mandatory": pl.Boolean(),
    "roles": pl.List(pl.Utf8()),
    "renewal_months": pl.Int64(),
}
TRAINING_SCHEMA: Final[dict[str, pl.DataType]] = {
    "id": pl.Int64(),
    "worker_id": pl.Int64(),
    "course_id": pl.Int64(),
    "completed_date": pl.Date(),
    "expiry_date": pl.Date(),
}
OFFER_SCHEMA: Final[dict[str, pl.DataType]] = {
    "item_id": pl.Int64(),
    "code": pl.Utf8(),
    "kind": pl.Utf8(),
    "title": pl.Utf8(),
    "summary": pl.Utf8(),
    "link": pl.Utf8(),
    "event_date": pl.Date(),
    "tags": pl.List(pl.Utf8()),
    "course_id": pl.Int64(),
}
ATTENDANCE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "worker_id": pl.Int64(),
    "item_id": pl.Int64(),
    "attended_date": pl.Date(),
}
EDUCATOR_SCHEMA: Final[dict[str, pl.DataType]] = {
    "worker_id": pl.Int64(),
    "stage": pl.Int64(),
    "accredited_date": pl.Date(),
    "capacity": pl.Int64(),
}
PLACEMENT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "id": pl.Int64(),
    "learner_ref": pl.Utf8(),
    "learner_kind": pl.Utf8(),
    "programme": pl.Utf8(),
    "study_year": pl.Int64(),
    "team_id": pl.Int64(),
    "educator_id": pl.Int64(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "outcome": pl.Utf8(),
    "converted_worker_id": pl.Int64(),
    "converted_date": pl.Date(),
}


def split_list(column: str) -> pl.Expr:
    """A ';'-separated text column as a list of trimmed, non-empty words (empty list for null)."""
    return (
        pl.col(column)
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .fill_null(pl.lit([], dtype=pl.List(pl.Utf8)))
        .alias(column)
    )
