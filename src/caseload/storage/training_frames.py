"""Readers of the learning academy and pipeline tables into frames
(:mod:`caseload.domain.training_records`), and the writes of the academy's catalogue file and the
training import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from caseload.domain.training_records import (
    ATTENDANCE_SCHEMA,
    COURSE_SCHEMA,
    EDUCATOR_SCHEMA,
    OFFER_SCHEMA,
    PLACEMENT_SCHEMA,
    TRAINING_SCHEMA,
    split_list,
)
from caseload.storage.frames import read_frame
from caseload.storage.training_models import (
    Attendance,
    Course,
    LearningItem,
    Placement,
    PracticeEducator,
    TrainingRecord,
)


def courses_frame(source: Session | Connection, authority_ids: Sequence[int]) -> pl.DataFrame:
    c = Course
    query = select(c.id, c.code, c.title, c.mandatory, c.roles, c.renewal_months).where(
        c.authority_id.in_(authority_ids)
    )
    flat = read_frame(source, query, {**COURSE_SCHEMA, "roles": pl.Utf8()})
    return flat.with_columns(split_list("roles")).sort("code")


def training_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    t = TrainingRecord
    query = select(t.id, t.worker_id, t.course_id, t.completed_date, t.expiry_date).where(
        t.authority_id.in_(authority_ids)
    )
    return read_frame(session, query, TRAINING_SCHEMA)


def offer_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    i = LearningItem
    query = select(
        i.id, i.code, i.kind, i.title, i.summary, i.link, i.event_date, i.tags, i.course_id
    ).where(i.authority_id.in_(authority_ids))
    flat = read_frame(session, query, {**OFFER_SCHEMA, "tags": pl.Utf8()})
    return flat.with_columns(split_list("tags")).sort("code")


def attendance_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    a = Attendance
    query = select(a.worker_id, a.item_id, a.attended_date).where(a.authority_id.in_(authority_ids))
    return read_frame(session, query, ATTENDANCE_SCHEMA)


def educators_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    e = PracticeEducator
    query = select(e.worker_id, e.stage, e.accredited_date, e.capacity).where(
        e.authority_id.in_(authority_ids)
    )
    return read_frame(session, query, EDUCATOR_SCHEMA)


def placements_frame(session: Session, authority_ids: Sequence[int]) -> pl.DataFrame:
    p = Placement
    query = select(
        p.id,
        p.learner_ref,
        p.learner_kind,
        p.programme,
        p.study_year,
        p.team_id,
        p.educator_id,
        p.start_date,
        p.end_date,
        p.outcome,
        p.converted_worker_id,
        p.converted_date,
    ).where(p.authority_id.in_(authority_ids))
    return read_frame(session, query, PLACEMENT_SCHEMA)


def training_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's training records with their source ids (for a re-import)."""
    t = TrainingRecord
    query = select(
        t.id, t.worker_id, t.course_id, t.completed_date, t.expiry_date, t.external_id
    ).where(t.authority_id == authority)
    return read_frame(connection, query, {**TRAINING_SCHEMA, "external_id": pl.Utf8()})


def placements_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's placements with their source ids (for a re-import)."""
    p = Placement
    query = select(
        p.id,
        p.learner_ref,
        p.learner_kind,
        p.programme,
        p.study_year,
        p.team_id,
        p.educator_id,
        p.start_date,
        p.end_date,
        p.outcome,
        p.converted_worker_id,
        p.converted_date,
        p.external_id,
    ).where(p.authority_id == authority)
    return read_frame(connection, query, {**PLACEMENT_SCHEMA, "external_id": pl.Utf8()})


def educators_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's practice educators with their row ids (for a re-import)."""
    e = PracticeEducator
    query = select(e.id, e.worker_id, e.stage, e.accredited_date, e.capacity).where(
        e.authority_id == authority
    )
    return read_frame(connection, query, {"id": pl.Int64(), **EDUCATOR_SCHEMA})


def replace_catalogue(
    connection: Connection,
    authority: int,
    *,
    courses: list[dict[str, Any]],
    items: list[dict[str, Any]],
) -> dict[str, int]:
    """Write the academy's catalogue: courses are added or updated by code (a course no longer
    listed is kept while training records name it); the offer is replaced by ``items`` (each
    item's ``course`` is a course code, or None). Returns the counts written."""
    held = {
        row.code: row.id
        for row in connection.execute(
            select(Course.id, Course.code).where(Course.authority_id == authority)
        )
    }
    for course in courses:
        values = {key: course[key] for key in ("title", "mandatory", "roles", "renewal_months")}
        if course["code"] in held:
            connection.execute(
                update(Course).where(Course.id == held[course["code"]]).values(**values)
            )
        else:
            found = connection.execute(
                insert(Course)
                .values(authority_id=authority, code=course["code"], **values)
                .returning(Course.id)
            ).scalar_one()
            held[course["code"]] = int(found)
    kept = {
        row.code: row.id
        for row in connection.execute(
            select(LearningItem.id, LearningItem.code).where(LearningItem.authority_id == authority)
        )
    }
    listed = {item["code"] for item in items}
    gone = [item_id for code, item_id in kept.items() if code not in listed]
    if gone:
        connection.execute(delete(LearningItem).where(LearningItem.id.in_(gone)))
    for item in items:
        values = {
            key: item[key] for key in ("kind", "title", "summary", "link", "event_date", "tags")
        }
        values["course_id"] = held.get(item["course"]) if item["course"] else None
        if item["code"] in kept:
            connection.execute(
                update(LearningItem).where(LearningItem.id == kept[item["code"]]).values(**values)
            )
        else:
            connection.execute(
                insert(LearningItem).values(authority_id=authority, code=item["code"], **values)
            )
    return {"courses": len(courses), "items": len(items), "removed": len(gone)}
