"""Reads and writes for imports. Every function runs on the caller's connection, inside the
caller's transaction, so a load either commits whole or leaves nothing behind.

Reads return the authority's current records as frames (codes as their stored text, FTE as
floats); writes take frames whose columns are the table's columns."""

from __future__ import annotations

import json
import zlib
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update

from caseload.storage.bulk import insert_rows
from caseload.storage.frames import as_float, as_text, read_frame
from caseload.storage.models import (
    Absence,
    Allocation,
    Authority,
    Base,
    Child,
    ChildStatus,
    EmploymentSpell,
    Post,
    Referral,
    Team,
    Worker,
)
from caseload.storage.operations_models import ImportRun
from caseload.storage.practice_models import (
    CaseAudit,
    CaseAuditGrade,
    Review,
    Supervision,
    Visit,
)

BATCH_ROWS = 10_000
DELETE_BATCH = 500  # ids per DELETE ... IN (...), well inside SQLite's limit on parameters
Schema = dict[str, Any]


# --- authorities and runs -------------------------------------------------------------------


def lock_authority(connection: Connection, code: str) -> None:
    """Serialise loads for one authority (PostgreSQL; SQLite writes are serial already)."""
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(f"caseload-import-{code}".encode())
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def authority_codes(connection: Connection) -> list[str]:
    return list(connection.scalars(select(Authority.code).order_by(Authority.code)))


def authority_id(connection: Connection, code: str) -> int | None:
    return connection.scalar(select(Authority.id).where(Authority.code == code))


def create_authority(connection: Connection, *, code: str, name: str, region: str | None) -> int:
    result = connection.execute(
        insert(Authority).returning(Authority.id),
        {"code": code, "name": name, "region": region, "data_as_at": None},
    )
    return int(result.scalar_one())


def data_as_at(connection: Connection, authority: int) -> date | None:
    """The authority's data date: the last day its loaded data covers (None before any load)."""
    return connection.scalar(select(Authority.data_as_at).where(Authority.id == authority))


def advance_data_as_at(connection: Connection, authority: int, as_at: date) -> None:
    """Move the authority's data date forward to ``as_at`` (never back)."""
    current = connection.scalar(select(Authority.data_as_at).where(Authority.id == authority))
    if current is None or current < as_at:
        connection.execute(
            update(Authority).where(Authority.id == authority).values(data_as_at=as_at)
        )


def last_run(connection: Connection, authority: int, kind: str) -> dict[str, Any] | None:
    """The latest import run of ``kind`` with its details decoded, or None."""
    row = connection.execute(
        select(ImportRun.id, ImportRun.content_sha256, ImportRun.details, ImportRun.loaded_at)
        .where(ImportRun.authority_id == authority, ImportRun.kind == kind)
        .order_by(ImportRun.loaded_at.desc(), ImportRun.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    try:
        details = json.loads(row.details)
    except ValueError:
        details = {}
    return {"id": row.id, "sha256": row.content_sha256, "details": details}


def insert_run(
    connection: Connection,
    *,
    authority: int,
    kind: str,
    source_name: str,
    sha256: str,
    mapping_name: str | None,
    loaded_at: datetime,
    loaded_by: str | None,
    added: int,
    changed: int,
    ended: int,
    warnings: int,
    details: dict[str, Any],
) -> int:
    result = connection.execute(
        insert(ImportRun).returning(ImportRun.id),
        {
            "authority_id": authority,
            "kind": kind,
            "source_name": source_name[:260],
            "content_sha256": sha256,
            "mapping_name": mapping_name,
            "loaded_at": loaded_at,
            "loaded_by": loaded_by,
            "added": added,
            "changed": changed,
            "ended": ended,
            "warnings": warnings,
            "details": json.dumps(details, default=str, sort_keys=True),
        },
    )
    return int(result.scalar_one())


def runs_frame(connection: Connection, authority: int | None, limit: int) -> pl.DataFrame:
    r = ImportRun
    query = (
        select(
            r.id,
            Authority.code,
            r.kind,
            r.source_name,
            r.mapping_name,
            r.loaded_at,
            r.loaded_by,
            r.added,
            r.changed,
            r.ended,
            r.warnings,
        )
        .join(Authority, Authority.id == r.authority_id)
        .order_by(r.loaded_at.desc(), r.id.desc())
        .limit(limit)
    )
    if authority is not None:
        query = query.where(r.authority_id == authority)
    return read_frame(
        connection,
        query,
        {
            "run": pl.Int64,
            "authority": pl.Utf8,
            "kind": pl.Utf8,
            "source": pl.Utf8,
            "mapping": pl.Utf8,
            "loaded_at": pl.Datetime,
            "loaded_by": pl.Utf8,
            "added": pl.Int64,
            "changed": pl.Int64,
            "ended": pl.Int64,
            "warnings": pl.Int64,
        },
    )


# --- current records, as frames -------------------------------------------------------------


def teams_frame(connection: Connection, authority: int) -> pl.DataFrame:
    t = Team
    query = select(t.id, t.name, as_text(t.kind), t.parent_id, t.external_id).where(
        t.authority_id == authority
    )
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "name": pl.Utf8,
            "kind": pl.Utf8,
            "parent_id": pl.Int64,
            "external_id": pl.Utf8,
        },
    )


def posts_frame(connection: Connection, authority: int) -> pl.DataFrame:
    p = Post
    query = select(
        p.id,
        p.reference,
        p.team_id,
        as_text(p.role),
        as_float(p.funded_fte),
        p.start_date,
        p.end_date,
    ).where(p.authority_id == authority)
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "reference": pl.Utf8,
            "team_id": pl.Int64,
            "role": pl.Utf8,
            "funded_fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )


WORKER_SCHEMA: Schema = {
    "id": pl.Int64,
    "staff_number": pl.Utf8,
    "swe_number": pl.Utf8,
    "first_name": pl.Utf8,
    "last_name": pl.Utf8,
    "birth_date": pl.Date,
    "gender": pl.Int64,
    "ethnicity": pl.Utf8,
    "qualification_date": pl.Date,
    "qualification_level": pl.Int64,
    "qualification_institution": pl.Utf8,
    "step_up": pl.Boolean,
    "frontline": pl.Boolean,
    "case_system_id": pl.Utf8,
    "spells": pl.Int64,
}


def workers_frame(connection: Connection, authority: int) -> pl.DataFrame:
    """Workers with the number of employment spells each has."""
    w = Worker
    spells = (
        select(EmploymentSpell.worker_id, func.count().label("n"))
        .where(EmploymentSpell.authority_id == authority)
        .group_by(EmploymentSpell.worker_id)
        .subquery()
    )
    query = (
        select(
            w.id,
            w.staff_number,
            w.swe_number,
            w.first_name,
            w.last_name,
            w.birth_date,
            w.gender,
            w.ethnicity,
            w.qualification_date,
            w.qualification_level,
            w.qualification_institution,
            w.step_up,
            w.frontline,
            w.case_system_id,
            func.coalesce(spells.c.n, 0),
        )
        .outerjoin(spells, spells.c.worker_id == w.id)
        .where(w.authority_id == authority)
    )
    return read_frame(connection, query, WORKER_SCHEMA)


SPELL_SCHEMA: Schema = {
    "id": pl.Int64,
    "worker_id": pl.Int64,
    "external_id": pl.Utf8,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "team_id": pl.Int64,
    "post_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
    "start_origin": pl.Int64,
    "reason_leave": pl.Int64,
    "leaver_destination": pl.Int64,
    "agency_contract_weeks": pl.Float64,
}


def hr_spells_frame(connection: Connection, authority: int) -> pl.DataFrame:
    """Spells an HR import loaded (those with a source id); others are left alone."""
    s = EmploymentSpell
    query = select(
        s.id,
        s.worker_id,
        s.external_id,
        as_text(s.contract),
        as_text(s.role),
        as_float(s.fte),
        s.team_id,
        s.post_id,
        s.start_date,
        s.end_date,
        as_text(s.end_reason),
        s.start_origin,
        s.reason_leave,
        s.leaver_destination,
        as_float(s.agency_contract_weeks),
    ).where(s.authority_id == authority, s.external_id.is_not(None))
    return read_frame(connection, query, SPELL_SCHEMA)


def absences_frame(connection: Connection, authority: int) -> pl.DataFrame:
    a = Absence
    query = select(
        a.id,
        a.worker_id,
        a.external_id,
        a.start_date,
        a.end_date,
        as_text(a.reason),
        as_float(a.working_days_lost),
    ).where(a.authority_id == authority)
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "worker_id": pl.Int64,
            "external_id": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "reason": pl.Utf8,
            "working_days_lost": pl.Float64,
        },
    )


def children_frame(connection: Connection, authority: int) -> pl.DataFrame:
    query = select(Child.id, Child.child_ref, Child.birth_date, Child.sibling_group).where(
        Child.authority_id == authority
    )
    return read_frame(
        connection,
        query,
        {"id": pl.Int64, "child_ref": pl.Utf8, "birth_date": pl.Date, "sibling_group": pl.Utf8},
    )


def referrals_frame(connection: Connection, authority: int) -> pl.DataFrame:
    r = Referral
    query = select(
        r.id, r.child_id, r.external_id, r.referral_date, r.source, r.led_to_assessment
    ).where(r.authority_id == authority, r.external_id.is_not(None))
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "child_id": pl.Int64,
            "external_id": pl.Utf8,
            "referral_date": pl.Date,
            "source": pl.Utf8,
            "led_to_assessment": pl.Boolean,
        },
    )


def statuses_frame(connection: Connection, authority: int) -> pl.DataFrame:
    c = ChildStatus
    query = select(
        c.id, c.child_id, c.external_id, as_text(c.status), c.start_date, c.end_date
    ).where(c.authority_id == authority, c.external_id.is_not(None))
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "child_id": pl.Int64,
            "external_id": pl.Utf8,
            "status": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )


def allocations_frame(connection: Connection, authority: int) -> pl.DataFrame:
    """Every allocation of the authority, with or without a source id."""
    a = Allocation
    query = select(
        a.id,
        a.child_id,
        a.worker_id,
        a.external_id,
        as_text(a.role),
        a.start_date,
        a.end_date,
        as_text(a.change_reason),
    ).where(a.authority_id == authority)
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "child_id": pl.Int64,
            "worker_id": pl.Int64,
            "external_id": pl.Utf8,
            "role": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "change_reason": pl.Utf8,
        },
    )


def source_visits_frame(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's visits that came from a source system (``external_id`` set)."""
    v = Visit
    query = select(
        v.id,
        v.child_id,
        v.external_id,
        v.case_type,
        v.visit_date,
        v.seen,
        v.seen_alone,
        v.recorded_date,
    ).where(v.authority_id == authority, v.external_id.is_not(None))
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "child_id": pl.Int64,
            "external_id": pl.Utf8,
            "case_type": pl.Utf8,
            "visit_date": pl.Date,
            "seen": pl.Boolean,
            "seen_alone": pl.Boolean,
            "recorded_date": pl.Date,
        },
    )


def source_reviews_frame(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's reviews that came from a source system (``external_id`` set)."""
    r = Review
    query = select(r.id, r.child_id, r.external_id, r.case_type, r.due_date, r.review_date).where(
        r.authority_id == authority, r.external_id.is_not(None)
    )
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "child_id": pl.Int64,
            "external_id": pl.Utf8,
            "case_type": pl.Utf8,
            "due_date": pl.Date,
            "review_date": pl.Date,
        },
    )


# --- writes ---------------------------------------------------------------------------------


def supervisions_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's supervision records with their source ids."""
    s = Supervision
    query = select(
        s.id,
        s.worker_id,
        s.supervisor_id,
        s.supervision_date,
        s.kind,
        s.duration_minutes,
        s.external_id,
    ).where(s.authority_id == authority)
    return read_frame(
        connection,
        query,
        {
            "id": pl.Int64,
            "worker_id": pl.Int64,
            "supervisor_id": pl.Int64,
            "supervision_date": pl.Date,
            "kind": pl.Utf8,
            "duration_minutes": pl.Int64,
            "external_id": pl.Utf8,
        },
    )


AUDIT_HELD_SCHEMA: Schema = {
    "id": pl.Int64,
    "child_id": pl.Int64,
    "worker_id": pl.Int64,
    "auditor": pl.Utf8,
    "audit_date": pl.Date,
    "instrument": pl.Utf8,
    "overall_grade": pl.Utf8,
    "moderated_grade": pl.Utf8,
    "moderator": pl.Utf8,
    "themes": pl.Utf8,
    "external_id": pl.Utf8,
}


def audits_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The authority's case file audits with their source ids (themes as stored text)."""
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
        a.external_id,
    ).where(a.authority_id == authority)
    return read_frame(connection, query, AUDIT_HELD_SCHEMA)


def audit_grades_held(connection: Connection, authority: int) -> pl.DataFrame:
    g = CaseAuditGrade
    query = (
        select(g.id, g.audit_id, g.domain, g.grade)
        .join(CaseAudit, CaseAudit.id == g.audit_id)
        .where(CaseAudit.authority_id == authority)
    )
    return read_frame(
        connection,
        query,
        {"id": pl.Int64, "audit_id": pl.Int64, "domain": pl.Utf8, "grade": pl.Utf8},
    )


# --- writes ---------------------------------------------------------------------------------


def delete_where_in(
    connection: Connection, table_name: str, column: str, values: pl.Series
) -> None:
    """Delete the rows of ``table_name`` whose ``column`` is one of ``values``."""
    table = Base.metadata.tables[table_name]
    wanted = values.drop_nulls().to_list()
    for start in range(0, len(wanted), DELETE_BATCH):
        chunk = wanted[start : start + DELETE_BATCH]
        connection.execute(delete(table).where(table.c[column].in_(chunk)))


def insert_frame(connection: Connection, table_name: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) into ``table_name``: by COPY on
    PostgreSQL and ``executemany`` on SQLite (:func:`caseload.storage.bulk.insert_rows`)."""
    if frame.height == 0:
        return 0
    insert_rows(connection, Base.metadata.tables[table_name], frame)
    return frame.height


def update_frame(connection: Connection, table_name: str, frame: pl.DataFrame) -> int:
    """Set the columns of ``frame`` on the row whose id is in its ``id`` column."""
    if frame.height == 0:
        return 0
    table = Base.metadata.tables[table_name]
    columns = [c for c in frame.columns if c != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({c: bindparam(f"new_{c}") for c in columns})
    )
    renamed = frame.rename({"id": "row_id", **{c: f"new_{c}" for c in columns}})
    for batch in renamed.iter_slices(BATCH_ROWS):
        connection.execute(statement, batch.to_dicts())
    return frame.height


def run_record(connection: Connection, authority: int, run_id: int) -> dict[str, Any] | None:
    """One load of the authority: what, when, by whom, its counts and the warnings kept."""
    r = ImportRun
    row = connection.execute(
        select(
            r.id,
            r.source_name,
            r.kind,
            r.loaded_at,
            r.added,
            r.changed,
            r.ended,
            r.warnings,
            r.details,
        ).where(r.id == run_id, r.authority_id == authority)
    ).one_or_none()
    if row is None:
        return None
    details = json.loads(row[8] or "{}")
    return {
        "run_id": row[0],
        "source": row[1],
        "kind": row[2],
        "loaded_at": row[3],
        "added": row[4],
        "changed": row[5],
        "ended": row[6],
        "warnings": row[7],
        "tables": details.get("tables", {}),
        "problems": details.get("warnings", []),
    }
