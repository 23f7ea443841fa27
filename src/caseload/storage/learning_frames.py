"""Readers of the ASYE programmes, their reviews and progression applications into frames (the
schemas of :mod:`caseload.domain.learning_records`), one query per table."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.domain.learning_records import (
    APPLICATION_SCHEMA,
    PROGRAMME_SCHEMA,
    REVIEW_SCHEMA,
)
from caseload.storage.frames import read_frame
from caseload.storage.learning_models import AsyeProgramme, AsyeReview, ProgressionApplication


def asye_programmes_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    p = AsyeProgramme
    query = select(
        p.id.label("programme_id"),
        p.worker_id,
        p.start_date,
        p.assessor,
        p.mentor,
        p.outcome,
        p.outcome_date,
        p.extended_to,
    ).where(p.authority_id.in_(authority_ids))
    return read_frame(session, query, PROGRAMME_SCHEMA)


def asye_reviews_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    r, p = AsyeReview, AsyeProgramme
    query = (
        select(r.programme_id, r.review_point, r.due_date, r.held_date, r.judgement)
        .join(p, p.id == r.programme_id)
        .where(p.authority_id.in_(authority_ids))
    )
    return read_frame(session, query, REVIEW_SCHEMA)


def progression_applications_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    a = ProgressionApplication
    query = select(
        a.id.label("application_id"),
        a.worker_id,
        a.from_role,
        a.to_role,
        a.applied_date,
        a.decided_date,
        a.outcome,
        a.evidence_note,
    ).where(a.authority_id.in_(authority_ids))
    return read_frame(session, query, APPLICATION_SCHEMA)
