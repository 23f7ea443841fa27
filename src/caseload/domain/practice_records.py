"""The frames of practice records: statutory visits, reviews, supervision and case file audits.

``storage`` reads each table into one of these frames (for one or many councils); the practice
analysis (``caseload.practice``) takes them with the caseload frames
(:class:`caseload.domain.caseload_data.CaseloadData`) and the practice standards. Dates are
``pl.Date``; ids are the database's own (``child_id``, ``worker_id`` as in the caseload frames).

- **visits**: one row per statutory visit to a child: ``case_type`` is the plan the visit was
  for (``cin``, ``cp`` or ``cla``, the values of :class:`caseload.domain.codes.CaseType`);
  ``seen`` and ``seen_alone`` are null when not recorded; ``recorded_date`` is the day the visit
  was written up (null when not yet, or not known); ``worker_id`` is the worker who visited (null
  when the source does not say: the allocated worker on the day is then assumed by the analysis).
- **reviews**: one row per child protection conference review or looked-after child review held
  (or due and not yet held: ``review_date`` null).
- **supervisions**: one row per supervision session a worker had: ``supervisor_id`` is a worker
  when the supervisor is in the council's records, ``kind`` one of :data:`SUPERVISION_KINDS`.
- **audits**: one row per case file audit: ``overall_grade`` and ``moderated_grade`` are
  :data:`AUDIT_GRADES` values; ``themes`` the audit's learning themes (free words the council
  uses, e.g. "voice of the child"); ``worker_id`` the child's allocated worker the audit was of.
- **audit_grades**: one row per domain graded in an audit, by the instrument the council uses
  (``reference/practice_standards.yaml`` lists the domains)."""

from __future__ import annotations

from typing import Final

import polars as pl

AUDIT_GRADES: Final = ("outstanding", "good", "requires_improvement", "inadequate")
AUDIT_GRADE_LABELS: Final = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
SUPERVISION_KINDS: Final = ("formal", "group", "reflective", "ad_hoc")
VISIT_CASE_TYPES: Final = ("cin", "cp", "cla")
REVIEW_CASE_TYPES: Final = ("cp", "cla")

VISIT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "visit_id": pl.Int64(),
    "child_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "case_type": pl.Utf8(),
    "visit_date": pl.Date(),
    "seen": pl.Boolean(),
    "seen_alone": pl.Boolean(),
    "recorded_date": pl.Date(),
}
REVIEW_SCHEMA: Final[dict[str, pl.DataType]] = {
    "review_id": pl.Int64(),
    "child_id": pl.Int64(),
    "case_type": pl.Utf8(),
    "due_date": pl.Date(),
    "review_date": pl.Date(),
}
SUPERVISION_SCHEMA: Final[dict[str, pl.DataType]] = {
    "supervision_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "supervisor_id": pl.Int64(),
    "supervision_date": pl.Date(),
    "kind": pl.Utf8(),
    "duration_minutes": pl.Int64(),
}
AUDIT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "audit_id": pl.Int64(),
    "child_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "auditor": pl.Utf8(),
    "audit_date": pl.Date(),
    "instrument": pl.Utf8(),
    "overall_grade": pl.Utf8(),
    "moderated_grade": pl.Utf8(),
    "moderator": pl.Utf8(),
    "themes": pl.List(pl.Utf8()),
}
AUDIT_GRADE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "audit_id": pl.Int64(),
    "domain": pl.Utf8(),
    "grade": pl.Utf8(),
}
