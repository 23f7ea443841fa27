"""The supported first year (ASYE) on a day: the cohorts, the overdue reviews and each newly
qualified worker's programme, with their caseload against the ASYE cap (the caseload engine's)
and their supervision against the ASYE schedule (the practice work's). One context for the page
/asye, the API's /api/v1/asye and ``caseload asye``.

Who sees what: the service leader every team, a team manager their teams, a social worker their
own programme, the performance analyst every team with pseudonyms; other roles are refused (and
the refusal recorded). Every view of named programmes is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain.dates import reporting_date
from caseload.errors import NotFoundError
from caseload.practice import asye
from caseload.services import audit
from caseload.services.caseload_views import pseudonyms_of
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    check_audience_date,
    council_data,
    council_position,
)
from caseload.services.practice import practice_records, supervision_on, worker_teams
from caseload.services.view_rows import Detail, detail_for
from caseload.storage import learning_frames
from caseload.storage.engine import session_scope

Audience = Literal["named", "own", "pseudonymised"]
TARGET = "asye_programme"
IN_YEAR = ("in_programme", "extended")  # a programme's statuses while its year runs


@dataclass(frozen=True)
class AsyeRecords:
    programmes: pl.DataFrame
    reviews: pl.DataFrame


def asye_records(engine: Engine, council: CouncilData) -> AsyeRecords:
    """The council's ASYE programmes and reviews, read once per state of its data."""

    def build() -> AsyeRecords:
        ids = [council.authority.id]
        with session_scope(engine) as session:
            return AsyeRecords(
                programmes=learning_frames.asye_programmes_frame(session, ids),
                reviews=learning_frames.asye_reviews_frame(session, ids),
            )

    found: AsyeRecords = council.snapshots.council_data.get_or_build(
        (*council.key, "asye records"), build
    )
    return found


def audience_of(engine: Engine, principal: Principal, target: str = TARGET) -> Audience:
    """How the principal sees people's programmes, or a recorded refusal."""
    detail = detail_for(principal)
    if detail is Detail.NAMED:
        return "named"
    if principal.can(Permission.VIEW_OWN_RECORD) and principal.worker_id is not None:
        return "own"
    if detail is Detail.PSEUDONYMISED:
        return "pseudonymised"
    raise audit.refuse(
        engine,
        principal,
        "view",
        target,
        None,
        f"the {principal.role.label.lower()} role cannot see people's programmes",
    )


@dataclass(frozen=True)
class AsyeDay:
    """The council's programmes on a day (every team), before any scope."""

    as_at: date
    programmes: pl.DataFrame  # programme_view + team, team_id, name
    schedule: pl.DataFrame  # review_schedule


def asye_day(engine: Engine, council: CouncilData, day: date) -> AsyeDay:
    """Every programme on ``day``, built once per data fingerprint and day."""

    def build() -> AsyeDay:
        records = asye_records(engine, council)
        schedule = asye.review_schedule(records.programmes, records.reviews, day)
        data = council.data
        caseloads = council_position(council, day).caseloads
        supervised = supervision_on(council, practice_records(engine, council), day)
        view = asye.programme_view(
            records.programmes, schedule, day, caseloads=caseloads, supervision=supervised
        )
        teams = worker_teams(council, day).join(
            data.teams.select("team", "team_id"), on="team", how="left"
        )
        named = view.join(teams.select("worker_id", "team", "team_id"), on="worker_id", how="left")
        named = named.join(
            data.workers.select("worker_id", "name", "staff_number"), on="worker_id", how="left"
        )
        return AsyeDay(day, named, schedule)

    found = council.snapshots.views.get_or_build((*council.key, "asye day", day), build)
    return cast(AsyeDay, found)


def _scoped(frame: pl.DataFrame, principal: Principal, audience: Audience) -> pl.DataFrame:
    if audience == "own":
        return frame.filter(pl.col("worker_id") == principal.worker_id)
    visible = principal.visible_team_ids()
    if visible is None:
        return frame
    return frame.filter(pl.col("team_id").is_in(sorted(visible)))


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _programme_rows(
    engine: Engine,
    council: CouncilData,
    principal: Principal,
    audience: Audience,
    frame: pl.DataFrame,
    schedule: pl.DataFrame,
) -> list[dict[str, Any]]:
    names = pseudonyms_of(engine, council) if audience == "pseudonymised" else None
    points = schedule.group_by("programme_id").agg(pl.struct(pl.all()).alias("points"))
    joined = frame.join(points, on="programme_id", how="left")
    rows = []
    for row in joined.iter_rows(named=True):
        label = names.worker(row["worker_id"]) if names is not None else row["name"]
        reviews = [
            {
                "review_point": point["review_point"],
                "label": review_point_label(point["review_point"]),
                "due_date": _date(point["due_date"]),
                "held_date": _date(point["held_date"]),
                "judgement": asye.JUDGEMENT_LABELS.get(point["judgement"] or "", None),
                "status": point["status"],
                "status_label": asye.REVIEW_STATUS_LABELS[point["status"]],
                "days_overdue": point["days_overdue"],
            }
            for point in (row["points"] or [])
        ]
        over = row.get("over_cap")
        rows.append(
            {
                "programme_id": row["programme_id"],
                "worker_id": row["worker_id"] if audience != "pseudonymised" else None,
                "worker": label,
                "href": f"/workers/{row['worker_id']}" if audience == "named" else None,
                "team": row["team"],
                "start_date": _date(row["start_date"]),
                "year_ends": _date(row["year_ends"]),
                "assessor": row["assessor"] if audience != "pseudonymised" else None,
                "mentor": row["mentor"] if audience != "pseudonymised" else None,
                "status": row["status"],
                "status_label": asye.STATUS_LABELS[row["status"]],
                "outcome_date": _date(row["outcome_date"]),
                "extended_to": _date(row["extended_to"]),
                "next_review": None
                if row["next_review"] is None
                else review_point_label(row["next_review"]),
                "next_due": _date(row["next_due"]),
                "overdue_reviews": row["overdue_reviews"],
                "cases": row.get("cases"),
                "cap_cases": row.get("cap_cases"),
                "over_cap": None if over is None else bool(over),
                "last_supervision": _date(row.get("last_supervision")),
                "supervision_next_due": _date(row.get("supervision_next_due")),
                "supervision_overdue": row.get("supervision_overdue"),
                "reviews": reviews,
            }
        )
    return rows


def review_point_label(point: str) -> str:
    return "Extension review" if point == asye.EXTENSION else f"{point}-month review"


def asye_view(engine: Engine, principal: Principal, *, as_at: date | None = None) -> dict[str, Any]:
    """The /asye page's context: cohorts, overdue reviews and programmes in the principal's
    scope on ``as_at`` (default the data date)."""
    audience = audience_of(engine, principal)
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise NotFoundError("your council holds no dated records yet")
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    found = asye_day(engine, council, day)
    mine = _scoped(found.programmes, principal, audience)
    schedule = found.schedule.filter(pl.col("programme_id").is_in(mine["programme_id"].implode()))
    cohort_frame = asye.cohorts(mine.select(*asye.PROGRAMME_SCHEMA), day)
    rows = _programme_rows(engine, council, principal, audience, mine, schedule)
    overdue = [
        {**review, "worker": row["worker"], "href": row["href"], "team": row["team"]}
        for row in rows
        for review in row["reviews"]
        if review["status"] == "overdue"
    ]
    overdue.sort(key=lambda review: -int(review["days_overdue"]))
    if audience != "pseudonymised" and rows:
        audit.record(
            engine,
            principal,
            "view",
            TARGET,
            None,
            {"programmes": len(rows), "as_at": day.isoformat(), "audience": audience},
        )
    authority = council.authority
    return {
        "title": "The supported first year (ASYE)",
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat(),
        "authority": {"code": authority.code, "name": authority.name},
        "audience": audience,
        "every_team": audience != "own" and principal.visible_team_ids() is None,
        "cohorts": cohort_frame.to_dicts(),
        "overdue": overdue,
        "programmes": rows,
        "in_programme": sum(row["status"] in ("in_programme", "extended") for row in rows),
        "over_cap": sum(bool(row["over_cap"]) for row in rows),
    }


def own_programme(
    engine: Engine, principal: Principal, *, as_at: date | None = None
) -> dict[str, Any] | None:
    """The signed-in worker's programme while they are in their ASYE year on ``as_at`` (default
    the data date): in the programme or extended, with the reviews not yet held (due or
    overdue) and the link to the programme's page, for their own page /me; None for anyone
    else, or when they are not in their ASYE year that day. Their own record: not recorded as a
    view of other people's programmes."""
    if principal.worker_id is None or not principal.can(Permission.VIEW_OWN_RECORD):
        return None
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        return None
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    found = asye_day(engine, council, day)
    mine = (
        found.programmes.filter(
            (pl.col("worker_id") == principal.worker_id) & pl.col("status").is_in(IN_YEAR)
        )
        .sort("start_date")
        .tail(1)
    )
    if mine.height == 0:
        return None
    schedule = found.schedule.filter(pl.col("programme_id").is_in(mine["programme_id"].implode()))
    (row,) = _programme_rows(engine, council, principal, "own", mine, schedule)
    return {
        **row,
        "as_at": day.isoformat(),
        "href": "/asye" if day == council.latest else f"/asye?as_at={day.isoformat()}",
        "reviews_due": [r for r in row["reviews"] if r["status"] in ("due", "overdue")],
    }
