"""Training and the learning academy for a council on a day: mandatory training compliance by
team and role, each worker's gaps, one's own record and the learning offer (searchable), for the
page /learning, its API, the ``caseload training`` command and the board pack. The figures are
defined in :mod:`caseload.practice.training`; the records are read once per state of the
council's data and each day's statuses worked out once (:mod:`caseload.services.snapshot`).

Who sees what: everyone with the learning page sees their own record (a social worker) and the
offer; a team manager their teams' compliance and gaps by named worker; the service leader and
the analyst the council's compliance by team and role (the analyst without names). Caseload has
no HR role: the service leader holds the HR-only views. Every view of named workers' training is
written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain import Role
from caseload.domain.training_records import ITEM_KIND_LABELS
from caseload.errors import InvalidInputError, NotFoundError
from caseload.practice import training
from caseload.practice.academy import Catalogue, load_catalogue
from caseload.retention.flows import team_services
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.services.caseloads import CouncilData, council_data, one_authority, only_council
from caseload.services.snapshot import snapshots
from caseload.storage import training_frames
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current

ATTENDANCE_MONTHS = 12
MAX_QUERY = 120


@dataclass(frozen=True)
class LearningRecords:
    courses: pl.DataFrame
    training: pl.DataFrame
    offer: pl.DataFrame
    attendance: pl.DataFrame
    educators: pl.DataFrame
    placements: pl.DataFrame


def learning_records(engine: Engine, council: CouncilData) -> LearningRecords:
    """The council's learning and pipeline records, read once per state of its data."""

    def build() -> LearningRecords:
        ids = [council.authority.id]
        with session_scope(engine) as session:
            return LearningRecords(
                courses=training_frames.courses_frame(session, ids),
                training=training_frames.training_frame(session, ids),
                offer=training_frames.offer_frame(session, ids),
                attendance=training_frames.attendance_frame(session, ids),
                educators=training_frames.educators_frame(session, ids),
                placements=training_frames.placements_frame(session, ids),
            )

    found: LearningRecords = council.snapshots.council_data.get_or_build(
        (*council.key, "learning records"), build
    )
    return found


def training_status(engine: Engine, council: CouncilData, as_at: date) -> pl.DataFrame:
    """Every (own worker, mandatory course) pair on ``as_at`` with its status, the worker's
    name, team and service (:func:`caseload.practice.training.training_status`), worked out
    once per day and state of the data."""

    def build() -> pl.DataFrame:
        records = learning_records(engine, council)
        staff = training.staff_on(council.data.spells, as_at)
        status = training.training_status(staff, records.courses, records.training, as_at)
        names = council.data.workers.select("worker_id", "name", "staff_number")
        return status.join(names, on="worker_id", how="left").join(
            team_services(council.data.teams), on="team", how="left"
        )

    found: pl.DataFrame = council.snapshots.reports.get_or_build(
        (*council.key, "training status", as_at), build
    )
    return found


def reporting_day(council: CouncilData, as_at: date | None, field: str = "as_at") -> date:
    latest = council.latest
    if latest is None:
        raise NotFoundError(f"council {council.authority.code} holds no dated records yet")
    if as_at is None:
        return latest
    if as_at > latest:
        raise InvalidInputError(
            f"{field} {as_at.isoformat()} is after the data date {latest.isoformat()}"
        )
    return as_at


def frame_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in row.items()
        }
        for row in frame.to_dicts()
    ]


def _compliance_rows(status: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    rows = frame_rows(training.compliance(status, by).filter(pl.col(by).is_not_null()))
    if by == "role":
        for row in rows:
            row["role_label"] = Role(row["role"]).label
    return rows


def _gap_rows(status: pl.DataFrame) -> list[dict[str, Any]]:
    gaps = training.gaps(status).select(
        "worker_id",
        "name",
        "team",
        "code",
        "title",
        "status",
        pl.col("status").replace_strict(training.STATUS_LABELS).alias("status_label"),
        "completed_date",
        "expiry_date",
    )
    return frame_rows(gaps)


def offer_items(offer: pl.DataFrame, query: str, day: date | None) -> list[dict[str, Any]]:
    """The offer's entries matching ``query`` (:func:`caseload.practice.training.search_offer`),
    with the kind in words and, for an event, whether it was held before ``day``."""
    if len(query) > MAX_QUERY:
        raise InvalidInputError(f"the search is longer than {MAX_QUERY} characters; shorten it")
    found = training.search_offer(offer, query).with_columns(
        pl.col("kind").replace_strict(ITEM_KIND_LABELS).alias("kind_label"),
        (pl.col("event_date") < day).alias("held") if day else pl.lit(None).alias("held"),
    )
    return frame_rows(found.drop("item_id", "course_id"))


def learning_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None, query: str = ""
) -> dict[str, Any]:
    """The learning page's context (and the API's answer): the day, the council's compliance
    (leader and analyst: council, by service, team and role; team manager: their teams), the
    gaps by named worker (leader and team manager, audited), one's own record (a social worker)
    and the offer matching ``query``."""
    audit.require(engine, principal, Permission.VIEW_LEARNING, "learning")
    council = council_data(engine, authority_id=principal.authority_id)
    day = reporting_day(council, as_at)
    records = learning_records(engine, council)
    status = training_status(engine, council, day)
    context: dict[str, Any] = {
        "title": "Learning",
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat() if council.latest else None,
        "has_courses": records.courses.height > 0,
        "mandatory_courses": [
            {**row, "roles": [Role(code).label for code in row["roles"]]}
            for row in frame_rows(
                records.courses.filter(pl.col("mandatory")).select(
                    "code", "title", "roles", "renewal_months"
                )
            )
        ],
        "expiring_days": training.EXPIRING_DAYS,
        "query": query.strip(),
        "offer": offer_items(records.offer, query.strip(), day),
        "offer_total": records.offer.height,
        "council": None,
        "by_service": [],
        "by_team": [],
        "by_role": [],
        "gaps": [],
        "mine": None,
        "attendance": [],
    }
    scoped = status
    if principal.can(Permission.VIEW_AGGREGATES) and not principal.all_teams:
        names = council.data.teams.filter(pl.col("team_id").is_in(list(principal.team_ids)))
        scoped = status.filter(pl.col("team").is_in(names["team"].implode()))
    if principal.can(Permission.VIEW_AGGREGATES):
        context["council"] = frame_rows(training.compliance(scoped))[0]
        context["by_team"] = _compliance_rows(scoped, "team")
        context["by_role"] = _compliance_rows(scoped, "role")
        if principal.all_teams:
            context["by_service"] = _compliance_rows(scoped, "service")
            start = day - timedelta(days=365) + timedelta(days=1)
            counts = training.attendance_counts(records.offer, records.attendance, start, day)
            context["attendance"] = frame_rows(counts.filter(pl.col("attendances") > 0).head(10))
    if principal.can(Permission.VIEW_PEOPLE):
        gaps = _gap_rows(scoped)
        context["gaps"] = gaps
        workers = sorted({row["worker_id"] for row in gaps})
        if workers:
            audit.record(
                engine,
                principal,
                "view",
                "training gaps",
                None,
                {"as_at": day.isoformat(), "workers": workers},
            )
    if principal.worker_id is not None and principal.can(Permission.VIEW_OWN_RECORD):
        context["mine"] = own_record(engine, principal, council, status, records, day)
    return context


def own_record(
    engine: Engine,
    principal: Principal,
    council: CouncilData,
    status: pl.DataFrame,
    records: LearningRecords,
    day: date,
) -> dict[str, Any]:
    """A worker's own training: every course completed to ``day`` (newest first) and their
    mandatory courses' status (audited as a view of their record)."""
    worker_id = principal.worker_id
    done = (
        records.training.filter(
            (pl.col("worker_id") == worker_id) & (pl.col("completed_date") <= day)
        )
        .join(records.courses.select("course_id", "code", "title"), on="course_id", how="left")
        .sort("completed_date", descending=True)
        .select("code", "title", "completed_date", "expiry_date")
    )
    mine = status.filter(pl.col("worker_id") == worker_id)
    audit.record(engine, principal, "view", "training", worker_id, {"as_at": day.isoformat()})
    return {
        "done": frame_rows(done),
        "required": frame_rows(
            mine.select(
                "code",
                "title",
                "status",
                pl.col("status").replace_strict(training.STATUS_LABELS).alias("status_label"),
                "completed_date",
                "expiry_date",
            )
        ),
        "compliance": frame_rows(training.compliance(mine))[0]["compliance"],
    }


def offer_view(engine: Engine, principal: Principal, *, query: str = "") -> dict[str, Any]:
    """The learning offer and resource hub matching ``query`` (every word, in the title,
    summary or tags)."""
    audit.require(engine, principal, Permission.VIEW_LEARNING, "learning offer")
    council = council_data(engine, authority_id=principal.authority_id)
    records = learning_records(engine, council)
    items = offer_items(records.offer, query.strip(), council.latest)
    return {"query": query.strip(), "items": items, "total": records.offer.height}


def council_training(
    engine: Engine,
    *,
    authority_code: str | None,
    as_at: date | None,
    team: str | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """The command line's figures (``caseload training``): the council's compliance, by service,
    team and role, and with ``team`` that team's gaps by named worker (audited)."""
    council = council_data(engine, authority_code=authority_code or only_council(engine))
    day = reporting_day(council, as_at, "--as-at")
    records = learning_records(engine, council)
    if records.courses.height == 0:
        raise NotFoundError(
            f"council {council.authority.code} has no courses yet: load the academy's catalogue "
            "with 'caseload academy load FILE'"
        )
    status = training_status(engine, council, day)
    result: dict[str, Any] = {
        "as_at": day.isoformat(),
        "council": frame_rows(training.compliance(status))[0],
        "by_service": _compliance_rows(status, "service"),
        "by_team": _compliance_rows(status, "team"),
        "by_role": _compliance_rows(status, "role"),
    }
    if team is not None:
        known = set(status["team"].drop_nulls().to_list()) | set(council.data.teams["team"])
        chosen = next((name for name in known if name.casefold() == team.strip().casefold()), None)
        if chosen is None:
            raise NotFoundError(f"no team called {team!r}; see the teams in 'caseload training'")
        gaps = _gap_rows(status.filter(pl.col("team") == chosen))
        result["team"] = chosen
        result["gaps"] = gaps
        if actor is not None:
            audit.record(
                engine,
                audit.under(actor, council.authority.id),
                "view",
                "training gaps",
                None,
                {"as_at": day.isoformat(), "team": chosen},
            )
    return result


def load_academy(
    engine: Engine, *, path: Path, authority_code: str | None, actor: Actor
) -> dict[str, int]:
    """Load the academy's catalogue file (:mod:`caseload.practice.academy`) for a council:
    courses added or updated by code, the offer replaced; recorded in the audit trail."""
    require_current(engine)
    catalogue: Catalogue = load_catalogue(path)
    code = authority_code or only_council(engine)
    with session_scope(engine) as session:
        authority_id = one_authority(session, code).id
    with engine.begin() as connection:
        counts = training_frames.replace_catalogue(
            connection,
            authority_id,
            courses=[
                {
                    "code": c.code,
                    "title": c.title,
                    "mandatory": c.mandatory,
                    "roles": ";".join(c.roles) or None,
                    "renewal_months": c.renewal_months,
                }
                for c in catalogue.courses
            ],
            items=[
                {
                    "code": i.code,
                    "kind": i.kind,
                    "title": i.title,
                    "summary": i.summary,
                    "link": i.link,
                    "event_date": i.date,
                    "tags": ";".join(i.tags) or None,
                    "course": i.course,
                }
                for i in catalogue.offer
            ],
        )
    # Course changes do not move the data fingerprint: drop this process's cached figures.
    snapshots(engine).clear()
    audit.record(
        engine, audit.under(actor, authority_id), "load", "academy catalogue", path.name, counts
    )
    return counts
