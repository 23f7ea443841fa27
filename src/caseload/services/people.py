"""The worker, team and "my caseload" pages, and the people lists of the API: one context
dictionary each, built from the engine and the signed-in person.

Who sees what (checked here, in :mod:`caseload.services.access` and the audit trail):

- a worker's page: the service leader (any worker), a team manager (their teams' workers), the
  worker themself; an analyst, elected member or administrator is refused (403, recorded).
  Absence reasons are health data: shown to those three only (everyone else is refused the page
  anyway, and the team page never shows them).
- a team's page: anyone with aggregate figures, a team manager only for their teams; workers are
  named, pseudonymised or left out by role (:mod:`caseload.services.view_rows`).
- the worker list of the API: leader and team manager (named, in scope), analyst (pseudonymised).

Every view of a named worker's record, a team page naming workers, or a named worker list is
written to the audit trail. The worker page reads only the worker's own rows (their children and
those children's other workers), never the whole council, and computes the caseload exactly as
the council's report does."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from urllib.parse import quote

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain import AbsenceReason, SpellEndReason
from caseload.domain.dates import reporting_date
from caseload.errors import NotFoundError
from caseload.services import access, audit
from caseload.services.caseload_disclosure import history_cell, waiting_cell
from caseload.services.caseload_views import (
    AuthorityName,
    Scoped,
    ScopeFields,
    cached_view,
    scope_dict,
    scoped_for,
    shield_of,
    team_figures,
)
from caseload.services.caseloads import REPORTING_DATE_FIELD, CouncilData, cached_policy
from caseload.services.report_cache import data_key
from caseload.services.snapshot import snapshots
from caseload.services.view_rows import (
    BreachRow,
    Count,
    Crumb,
    Detail,
    HistoryPoint,
    QueueRow,
    TeamRow,
    WorkerRow,
    breach_row,
    detail_for,
    plain,
    queue_row,
    role_text,
    team_row,
    worker_row,
)
from caseload.services.worker_record import WorkerParts, council_index, subset_parts
from caseload.storage import people_queries, queries
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority

ABSENCE_TEXT = {
    AbsenceReason.MAT.value: "maternity, paternity or adoption",
    AbsenceReason.OTH.value: "other paid authorised",
    AbsenceReason.PUB.value: "public duties",
    AbsenceReason.SIC.value: "sickness",
    AbsenceReason.TRN.value: "training",
    AbsenceReason.UNA.value: "unauthorised",
    AbsenceReason.UNP.value: "unpaid authorised",
}
END_TEXT = {
    SpellEndReason.LEFT.value: "left the council",
    SpellEndReason.ROLE_CHANGE.value: "changed role",
    SpellEndReason.FTE_CHANGE.value: "changed hours",
    SpellEndReason.TEAM_CHANGE.value: "changed team",
    SpellEndReason.CONTRACT_ENDED.value: "contract ended",
}


class WorkerFacts(TypedDict):
    worker_id: int
    name: str
    staff_number: str
    swe_number: str | None
    qualification_date: str | None
    in_post: bool
    team_id: int | None
    team: str | None
    team_href: str | None
    role: str
    contract: str | None
    fte: float | None


class CaseRow(TypedDict):
    child: str
    case: str
    since: str
    points: float
    protected: bool
    co_workers: list[str]


class CoWorkRow(TypedDict):
    child: str
    case: str
    allocated_worker: str | None


class SpellRow(TypedDict):
    role: str
    contract: str | None
    fte: float | None
    team: str | None
    team_href: str | None
    start_date: str
    end_date: str | None
    end_reason: str | None


class AbsenceRow(TypedDict):
    """An absence; ``reason`` (health data) is null unless the viewer may see it."""

    start_date: str
    end_date: str | None
    working_days_lost: float | None
    reason: str | None


class WorkerContext(TypedDict):
    """A worker's record: ``caseload`` is null for someone neither in a case-holding role nor
    holding cases on the day."""

    title: str
    as_at: str
    data_date: str
    authority: AuthorityName
    breadcrumbs: list[Crumb]
    worker: WorkerFacts
    caseload: WorkerRow | None
    rules_broken: list[BreachRow]
    cases: list[CaseRow]
    co_working: list[CoWorkRow]
    history: list[HistoryPoint]
    spells: list[SpellRow]
    absence_reasons_shown: bool
    absences: list[AbsenceRow]


class TeamInfo(TypedDict):
    team_id: int
    name: str
    kind: str
    service: str | None


class TeamContext(ScopeFields):
    """A team (with its sub-teams): ``workers``, ``queue`` and ``breaches`` are null for roles
    that see no rows about people."""

    title: str
    team: TeamInfo
    detail: str
    suppressed: bool
    breadcrumbs: list[Crumb]
    teams: list[TeamRow]
    history: list[HistoryPoint]
    waiting: Count
    workers: list[WorkerRow] | None
    queue: list[QueueRow] | None
    breaches: list[BreachRow] | None


class WorkerList(ScopeFields):
    detail: str
    workers: list[WorkerRow]


class TeamList(ScopeFields):
    suppressed: bool
    teams: list[TeamRow]


def _authority(engine: Engine, principal: Principal) -> tuple[Authority, date]:
    with session_scope(engine) as session:
        authority = session.get(Authority, principal.authority_id)
        day = queries.latest_data_date(session, [principal.authority_id])
    if authority is None or day is None:
        raise NotFoundError("your council holds no dated records yet")
    return authority, day


def sees_absence_reasons(principal: Principal, worker_id: int) -> bool:
    """Absence reasons (health data): the service leader, the worker's team manager (who has
    passed the scope check to see the worker at all) and the worker themself."""
    return principal.can(Permission.VIEW_PEOPLE) or principal.worker_id == worker_id


def _team_link(principal: Principal, team_id: int | None) -> str | None:
    """Links only to team pages the principal may open (the page checks again)."""
    if team_id is None or not principal.can(Permission.VIEW_AGGREGATES):
        return None
    return f"/teams/{team_id}" if principal.covers_teams([team_id]) else None


def worker_view(
    engine: Engine,
    principal: Principal,
    worker_id: int,
    *,
    title: str | None = None,
    as_at: date | None = None,
) -> WorkerContext:
    """A worker's record on ``as_at`` (default the data date): caseload (as in the council's
    report), the
    children they hold and co-work, rules broken, month-end cases over 24 months, employment
    spells and absences."""
    key = data_key(engine, principal.authority_id)
    council: CouncilData | None = snapshots(engine).council_data.get(key)
    if council is not None and council.latest is not None:
        # The council is cached: its index answers the scope check (a refusal still goes
        # through access.check_worker, which records it) and holds the record.
        authority, data_date = council.authority, council.latest
        day = reporting_date(as_at, data_date, REPORTING_DATE_FIELD).as_at
        index = council_index(engine, council, day)
        if not index.allows(principal, worker_id):
            access.check_worker(engine, principal, worker_id, day=day)
        facts = index.facts.get(worker_id)
        parts = index.parts(worker_id)
    else:
        authority, data_date = _authority(engine, principal)
        day = reporting_date(as_at, data_date, REPORTING_DATE_FIELD).as_at
        access.check_worker(engine, principal, worker_id, day=day)
        with session_scope(engine) as session:
            facts = people_queries.worker_facts(session, authority.id, worker_id)
        policy = cached_policy(engine, authority, key).policy
        parts = subset_parts(engine, authority.id, worker_id, day, policy)
    if facts is None:
        raise NotFoundError(f"no worker with id {worker_id}")
    context = _worker_context(principal, authority, (day, data_date), facts, parts, title)
    audit.record(engine, principal, "view", "worker", worker_id)
    return context


def _worker_context(
    principal: Principal,
    authority: Authority,
    days: tuple[date, date],
    facts: dict[str, Any],
    parts: WorkerParts,
    title: str | None,
) -> WorkerContext:
    day, data_date = days
    worker_id = int(facts["worker_id"])
    current = [
        s
        for s in parts.spells
        if s["start_date"] <= day and (s["end_date"] is None or s["end_date"] >= day)
    ]
    latest = (current or parts.spells)[-1] if parts.spells else None
    team_id = latest["team_id"] if latest else None
    reasons = sees_absence_reasons(principal, worker_id)
    return {
        "title": title or facts["name"],
        "as_at": day.isoformat(),
        "data_date": data_date.isoformat(),
        "authority": {"code": authority.code, "name": authority.name},
        "breadcrumbs": _worker_crumbs(principal, latest, facts["name"]),
        "worker": {
            "worker_id": worker_id,
            "name": facts["name"],
            "staff_number": facts["staff_number"],
            "swe_number": facts["swe_number"],
            "qualification_date": plain(facts["qualification_date"]),
            "in_post": bool(current),
            "team_id": team_id,
            "team": latest["team"] if latest else None,
            "team_href": _team_link(principal, team_id),
            "role": role_text(latest["role"]) if latest else "no post",
            "contract": latest["contract"] if latest else None,
            "fte": plain(latest["fte"]) if latest else None,
        },
        "caseload": None if parts.caseload is None else worker_row(parts.caseload, Detail.NAMED),
        "rules_broken": [breach_row(r, Detail.NAMED) for r in parts.breaches],
        "cases": cast(list[CaseRow], parts.cases),
        "co_working": cast(list[CoWorkRow], parts.co_working),
        "history": parts.history,
        "spells": [
            {
                "role": role_text(s["role"]),
                "contract": s["contract"],
                "fte": plain(s["fte"]),
                "team": s["team"],
                "team_href": _team_link(principal, s["team_id"]),
                "start_date": plain(s["start_date"]),
                "end_date": plain(s["end_date"]),
                "end_reason": END_TEXT.get(s["end_reason"] or "", s["end_reason"]),
            }
            for s in reversed(parts.spells)
        ],
        "absence_reasons_shown": reasons,
        "absences": [
            {
                "start_date": plain(a["start_date"]),
                "end_date": plain(a["end_date"]),
                "working_days_lost": plain(a["working_days_lost"]),
                "reason": ABSENCE_TEXT.get(a["reason"], a["reason"]) if reasons else None,
            }
            for a in reversed(parts.absences)
        ],
    }


def _worker_crumbs(principal: Principal, latest: dict[str, Any] | None, name: str) -> list[Crumb]:
    if not principal.can(Permission.VIEW_AGGREGATES):
        return []
    crumbs: list[Crumb] = [{"label": "Caseloads", "href": "/caseloads"}]
    if latest is not None and latest["team"] is not None:
        crumbs.append({"label": latest["team"], "href": _team_link(principal, latest["team_id"])})
    return [*crumbs, {"label": name, "href": None}]


def me_view(engine: Engine, principal: Principal, *, as_at: date | None = None) -> WorkerContext:
    """The signed-in social worker's own record and caseload."""
    if principal.worker_id is None:
        raise NotFoundError("your account is not linked to a worker's record")
    return worker_view(engine, principal, principal.worker_id, title="My caseload", as_at=as_at)


def team_view(
    engine: Engine, principal: Principal, team_id: int, *, as_at: date | None = None
) -> TeamContext:
    """A team (or a service area with its teams): figures, month-end cases over 24 months, the
    children waiting for it, rules broken there and, by role, its workers."""
    access.check_team(engine, principal, team_id)
    scoped = scoped_for(engine, principal, as_at)
    context = cached_view(
        scoped, principal, "team", lambda: _team(scoped, principal, team_id), team_id
    )
    if context["workers"] is not None and context["detail"] == Detail.NAMED.value:
        audit.record(engine, principal, "view", "team", team_id)
    return context


def _team(scoped: Scoped, principal: Principal, team_id: int) -> TeamContext:
    council, scope, report = scoped.council, scoped.scope, scoped.report
    teams = council.data.teams
    me = teams.filter(pl.col("team_id") == team_id).row(0, named=True)
    figures = team_figures(scoped, team_id)
    ids, names, queue = figures.ids, figures.names, figures.queue
    detail = detail_for(principal)
    suppress = principal.suppress_small_numbers
    shield = shield_of(scoped, principal)
    team_rows = report.teams.filter(pl.col("team_id").is_in(ids))
    breaches = report.breaches.filter(pl.col("team_id").is_in(ids))
    per_team = dict(breaches.group_by("team_id").len().iter_rows())
    people = detail is not Detail.AGGREGATE
    service = me["parent"]
    crumbs: list[Crumb] = [{"label": "Caseloads", "href": "/caseloads"}]
    if service and principal.all_teams:
        crumbs.append({"label": service, "href": f"/caseloads?service={quote(service)}"})
    context: TeamContext = {
        "title": me["team"],
        **scope_dict(scope, principal),
        "team": {
            "team_id": team_id,
            "name": me["team"],
            "kind": me["kind"],
            "service": service,
        },
        "detail": detail.value,
        "suppressed": suppress,
        "breadcrumbs": [*crumbs, {"label": me["team"], "href": None}],
        "teams": [
            team_row(row, shield, per_team.get(row["team_id"], 0))
            for row in team_rows.iter_rows(named=True)
        ],
        "history": [
            {
                "month_end": point["month_end"],
                "month": point["month"],
                "cases": cast(
                    Count,
                    shield.show(history_cell(team_id, point["month_end"]), point["cases"]),
                ),
            }
            for point in figures.history
        ],
        "waiting": cast(Count, shield.show(waiting_cell(team_id), queue.height)),
        "workers": (
            [
                worker_row(row, detail, scoped.names)
                for row in report.workers.filter(pl.col("team").is_in(sorted(names))).iter_rows(
                    named=True
                )
            ]
            if people
            else None
        ),
        "queue": [queue_row(row, detail, scoped.names) for row in queue.iter_rows(named=True)]
        if people
        else None,
        "breaches": [
            breach_row(row, detail, scoped.names) for row in breaches.iter_rows(named=True)
        ]
        if people
        else None,
    }
    return context


def worker_list(engine: Engine, principal: Principal, *, as_at: date | None = None) -> WorkerList:
    """Workers in the principal's scope with their caseloads (named, or pseudonymised for the
    analyst); refused for roles without worker rows."""
    audit.require(engine, principal, Permission.VIEW_PSEUDONYMISED, "workers")
    scoped = scoped_for(engine, principal, as_at)
    detail = detail_for(principal)

    def build() -> WorkerList:
        rows = [
            worker_row(row, detail, scoped.names)
            for row in scoped.report.workers.iter_rows(named=True)
        ]
        return {**scope_dict(scoped.scope, principal), "detail": detail.value, "workers": rows}

    listed = cached_view(scoped, principal, "workers", build)
    if detail is Detail.NAMED:
        audit.record(
            engine, principal, "view", "workers", None, {"workers": len(listed["workers"])}
        )
    return listed


def team_list(engine: Engine, principal: Principal, *, as_at: date | None = None) -> TeamList:
    """Teams in the principal's scope with their figures (suppressed for elected members)."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "teams")
    scoped = scoped_for(engine, principal, as_at)
    return cached_view(scoped, principal, "teams", lambda: _teams(scoped, principal))


def _teams(scoped: Scoped, principal: Principal) -> TeamList:
    scope, report = scoped.scope, scoped.report
    suppress = principal.suppress_small_numbers
    shield = shield_of(scoped, principal)
    per_team = dict(
        report.breaches.filter(pl.col("team_id").is_not_null())
        .group_by("team_id")
        .len()
        .iter_rows()
    )
    return {
        **scope_dict(scope, principal),
        "suppressed": suppress,
        "teams": [
            team_row(row, shield, per_team.get(row["team_id"], 0))
            for row in report.teams.iter_rows(named=True)
        ],
    }
