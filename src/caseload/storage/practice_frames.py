"""Readers of the practice records into frames (:mod:`caseload.domain.practice_records`), one
query per table for one or many councils."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.domain.practice_records import (
    AUDIT_GRADE_SCHEMA,
    AUDIT_SCHEMA,
    REVIEW_SCHEMA,
    SUPERVISION_SCHEMA,
    VISIT_SCHEMA,
)
from caseload.storage.frames import read_frame
from caseload.storage.practice_models import (
    CaseAudit,
    CaseAuditGrade,
    Review,
    Supervision,
    Visit,
)


def visits_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    v = Visit
    query = select(
        v.id,
        v.child_id,
        v.worker_id,
        v.case_type,
        v.visit_date,
        v.seen,
        v.seen_alone,
        v.recorded_date,
    ).where(v.authority_id.in_(authority_ids))
    return read_frame(session, query, VISIT_SCHEMA)


def reviews_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    r = Review
    query = select(r.id, r.child_id, r.case_type, r.due_date, r.review_date).where(
        r.authority_id.in_(authority_ids)
    )
    return read_frame(session, query, REVIEW_SCHEMA)


def supervisions_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    s = Supervision
    query = select(
        s.id, s.worker_id, s.supervisor_id, s.supervision_date, s.kind, s.duration_minutes
    ).where(s.authority_id.in_(authority_ids))
    return read_frame(session, query, SUPERVISION_SCHEMA)


def audits_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    a = CaseAudit
    query = select(
        a.id,
        a.child_id,
        a.worker_id,
        a.auditor,
        a.audit_date,
        a.instrument,
        a.overall_grade,
        a.moderated_grade,
        a.moderator,
        a.themes,
    ).where(a.authority_id.in_(authority_ids))
    flat = read_frame(session, query, {**AUDIT_SCHEMA, "themes": pl.Utf8()})
    return flat.with_columns(
        pl.col("themes")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .fill_null(pl.lit([], dtype=pl.List(pl.Utf8)))
    )


def audit_grades_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    g, a = CaseAuditGrade, CaseAudit
    query = (
        select(g.audit_id, g.domain, g.grade)
        .join(a, a.id == g.audit_id)
        .where(a.authority_id.in_(authority_ids))
    )
    return read_frame(session, query, AUDIT_GRADE_SCHEMA)
