"""Readers of the ASYE programmes, their reviews and progression applications into frames (the
schemas of :mod:`caseload.domain.learning_records`), one query per table."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, select

from caseload.domain.learning_records import (
    APPLICATION_SCHEMA,
    PROGRAMME_SCHEMA,
    REVIEW_SCHEMA,
)
from caseload.storage.frames import FrameSource, read_frame
from caseload.storage.learning_models import AsyeProgramme, AsyeReview, ProgressionApplication


def asye_programmes_frame(source: FrameSource, authority_ids: Sequence[int]) -> pl.DataFrame:
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
    return read_frame(source, query, PROGRAMME_SCHEMA)


def asye_reviews_frame(source: FrameSource, authority_ids: Sequence[int]) -> pl.DataFrame:
    r, p = AsyeReview, AsyeProgramme
    query = (
        select(r.programme_id, r.review_point, r.due_date, r.held_date, r.judgement)
        .join(p, p.id == r.programme_id)
        .where(p.authority_id.in_(authority_ids))
    )
    return read_frame(source, query, REVIEW_SCHEMA)


def progression_applications_frame(
    source: FrameSource, authority_ids: Sequence[int]
) -> pl.DataFrame:
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
    return read_frame(source, query, APPLICATION_SCHEMA)


# --- what a re-import compares with -------------------------------------------------------------

REVIEW_PREFIXES = {
    "3": "review_3",
    "6": "review_6",
    "12": "review_12",
    "extension": "extension_review",
}


def programmes_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The council's programmes with their reviews side by side (``review_3_held``,
    ``review_3_judgement``, ... ``extension_review_judgement``), as an ASYE file lays them out."""
    p, r = AsyeProgramme, AsyeReview
    programmes = read_frame(
        connection,
        select(
            p.id,
            p.worker_id,
            p.start_date,
            p.assessor,
            p.mentor,
            p.outcome,
            p.outcome_date,
            p.extended_to,
        ).where(p.authority_id == authority),
        {"id": pl.Int64, **{k: v for k, v in PROGRAMME_SCHEMA.items() if k != "programme_id"}},
    )
    reviews = read_frame(
        connection,
        select(r.programme_id, r.review_point, r.held_date, r.judgement)
        .join(p, p.id == r.programme_id)
        .where(p.authority_id == authority),
        {
            "programme_id": pl.Int64,
            "review_point": pl.Utf8,
            "held_date": pl.Date,
            "judgement": pl.Utf8,
        },
    )
    for point, prefix in REVIEW_PREFIXES.items():
        one = reviews.filter(pl.col("review_point") == point).select(
            pl.col("programme_id").alias("id"),
            pl.col("held_date").alias(f"{prefix}_held"),
            pl.col("judgement").alias(f"{prefix}_judgement"),
        )
        programmes = programmes.join(one, on="id", how="left")
    return programmes


def programme_ids(connection: Connection, authority: int) -> pl.DataFrame:
    """id, worker_id, start_date of the council's programmes."""
    p = AsyeProgramme
    return read_frame(
        connection,
        select(p.id, p.worker_id, p.start_date).where(p.authority_id == authority),
        {"id": pl.Int64, "worker_id": pl.Int64, "start_date": pl.Date},
    )


def applications_held(connection: Connection, authority: int) -> pl.DataFrame:
    a = ProgressionApplication
    return read_frame(
        connection,
        select(
            a.id,
            a.worker_id,
            a.from_role,
            a.to_role,
            a.applied_date,
            a.decided_date,
            a.outcome,
            a.evidence_note,
        ).where(a.authority_id == authority),
        {"id": pl.Int64, **{k: v for k, v in APPLICATION_SCHEMA.items() if k != "application_id"}},
    )
