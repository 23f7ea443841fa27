"""Reads for the data-quality report and the pseudonymised export: the chosen authorities'
records as frames. Names are never read here."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from caseload.storage.frames import as_float, as_text, read_frame
from caseload.storage.models import (
    Allocation,
    Authority,
    Child,
    ChildStatus,
    EmploymentSpell,
    Referral,
    Team,
    Worker,
)


def workers_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    w = Worker
    query = select(
        w.id,
        w.authority_id,
        w.staff_number,
        w.swe_number,
        w.birth_date,
        w.gender,
        w.ethnicity,
        w.qualification_level,
        w.qualification_institution,
        w.case_system_id,
    ).where(w.authority_id.in_(ids))
    return read_frame(
        session,
        query,
        {
            "worker_id": pl.Int64,
            "authority_id": pl.Int64,
            "staff_number": pl.Utf8,
            "swe_number": pl.Utf8,
            "birth_date": pl.Date,
            "gender": pl.Int64,
            "ethnicity": pl.Utf8,
            "qualification_level": pl.Int64,
            "qualification_institution": pl.Utf8,
            "case_system_id": pl.Utf8,
        },
    )


def spells_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    s = EmploymentSpell
    query = select(
        s.id,
        s.worker_id,
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
    ).where(s.authority_id.in_(ids))
    return read_frame(
        session,
        query,
        {
            "spell_id": pl.Int64,
            "worker_id": pl.Int64,
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
        },
    )


def statuses_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    c = ChildStatus
    query = (
        select(
            c.child_id,
            Child.authority_id,
            Child.child_ref,
            as_text(c.status),
            c.start_date,
            c.end_date,
        )
        .join(Child, Child.id == c.child_id)
        .where(c.authority_id.in_(ids))
    )
    return read_frame(
        session,
        query,
        {
            "child_id": pl.Int64,
            "authority_id": pl.Int64,
            "child_ref": pl.Utf8,
            "status": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )


def allocations_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    a = Allocation
    query = select(
        a.id,
        a.child_id,
        a.worker_id,
        as_text(a.role),
        a.start_date,
        a.end_date,
        a.external_id,
        as_text(a.change_reason),
    ).where(a.authority_id.in_(ids))
    return read_frame(
        session,
        query,
        {
            "allocation_id": pl.Int64,
            "child_id": pl.Int64,
            "worker_id": pl.Int64,
            "role": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "external_id": pl.Utf8,
            "change_reason": pl.Utf8,
        },
    )


# --- reads for the pseudonymised export ---------------------------------------------------


def export_workers_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    w = Worker
    query = (
        select(
            w.id,
            Authority.code,
            w.staff_number,
            w.swe_number,
            w.birth_date,
            w.gender,
            w.ethnicity,
            w.qualification_level,
            w.step_up,
            w.frontline,
        )
        .join(Authority, Authority.id == w.authority_id)
        .where(w.authority_id.in_(ids))
    )
    return read_frame(
        session,
        query,
        {
            "worker_id": pl.Int64,
            "authority": pl.Utf8,
            "staff_number": pl.Utf8,
            "swe_number": pl.Utf8,
            "birth_date": pl.Date,
            "gender": pl.Int64,
            "ethnicity": pl.Utf8,
            "qualification_level": pl.Int64,
            "step_up": pl.Boolean,
            "frontline": pl.Boolean,
        },
    )


def teams_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    parent = aliased(Team)
    query = (
        select(Team.id, Authority.code, Team.name, as_text(Team.kind), parent.name)
        .join(Authority, Authority.id == Team.authority_id)
        .outerjoin(parent, parent.id == Team.parent_id)
        .where(Team.authority_id.in_(ids))
    )
    return read_frame(
        session,
        query,
        {
            "team_id": pl.Int64,
            "authority": pl.Utf8,
            "team": pl.Utf8,
            "kind": pl.Utf8,
            "parent": pl.Utf8,
        },
    )


def children_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    query = (
        select(Child.id, Authority.code, Child.child_ref, Child.birth_date, Child.sibling_group)
        .join(Authority, Authority.id == Child.authority_id)
        .where(Child.authority_id.in_(ids))
    )
    return read_frame(
        session,
        query,
        {
            "child_id": pl.Int64,
            "authority": pl.Utf8,
            "child_ref": pl.Utf8,
            "birth_date": pl.Date,
            "sibling_group": pl.Utf8,
        },
    )


def referrals_frame(session: Session, ids: Sequence[int]) -> pl.DataFrame:
    r = Referral
    query = select(r.child_id, r.referral_date, r.source, r.led_to_assessment).where(
        r.authority_id.in_(ids)
    )
    return read_frame(
        session,
        query,
        {
            "child_id": pl.Int64,
            "referral_date": pl.Date,
            "source": pl.Utf8,
            "led_to_assessment": pl.Boolean,
        },
    )
