"""Practice work lists: the statutory visits overdue or falling due soon, and the workers
overdue a supervision (or due one soon), for the people who act on them.

- **Visits**: children allocated, on the day, to a worker in the principal's teams whose next
  visit (:func:`caseload.practice.visits.visits_position`, under the plan that rules) is overdue
  or due within ``VISIT_DAYS_AHEAD`` working days (the practice standards' calendar).
- **Supervision**: workers in a supervised role in the principal's teams on the day who are
  overdue a supervision or due one within ``SUPERVISION_DAYS_AHEAD`` calendar days
  (:func:`caseload.practice.supervision.supervision_position`).

A worker's team is their team on the day (:func:`caseload.services.practice.worker_teams`).

Who sees what: a team manager their teams (named, with links), the service leader every team
(named; a team filter narrows it), a social worker only their own children and their own
supervision, the performance analyst every team with pseudonyms instead of names (as on the
team page); the elected member and the administrator are refused. Every view of named rows and
every download is written to the audit trail with the teams and counts, never the names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, cast

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.position import CASE_LABELS
from caseload.domain.dates import reporting_date
from caseload.errors import InvalidInputError, NotFoundError
from caseload.practice import supervision, visits
from caseload.practice.calendar import add_working_days, working_calendar
from caseload.services import access, audit
from caseload.services.caseload_views import pseudonyms_of
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    check_audience_date,
    council_data,
)
from caseload.services.paging import Page, PageFields
from caseload.services.practice import (
    PracticeRecords,
    council_standards,
    practice_records,
    worker_teams,
)
from caseload.services.pseudonyms import Pseudonyms
from caseload.services.table_download import TableFile, table_file
from caseload.services.view_rows import Choice, Detail, detail_for, role_text

VISIT_DAYS_AHEAD = 5
SUPERVISION_DAYS_AHEAD = 7
SHORT_LIST = 10
PAGE_SIZE = 50
CASE_CODES = {"cin": "CIN", "cp": "CP", "cla": "CLA"}
LISTS = {"visits": "Visits", "supervision": "Supervision"}
STATUSES = {"overdue": "Overdue only", "due": "Due soon only"}

Audience = Literal["named", "pseudonymised", "own"]


class VisitRow(TypedDict):
    child: str | None
    child_href: str | None
    case_code: str
    case: str
    worker: str | None
    worker_href: str | None
    team: str | None
    last_visit: str | None
    due: str
    overdue: bool
    days_overdue: int
    seen: str


class SupervisionRow(TypedDict):
    worker: str | None
    worker_href: str | None
    role: str
    team: str | None
    last_supervision: str | None
    next_due: str
    overdue: bool
    days_overdue: int


class ShortLists(TypedDict):
    """A team's (or a worker's) two lists, the first ``SHORT_LIST`` rows of each, with the
    counts and the full list's address."""

    visits: list[VisitRow]
    visits_total: int
    visits_overdue: int
    supervision: list[SupervisionRow]
    supervision_total: int
    supervision_overdue: int
    href: str | None
    visit_days: int
    supervision_days: int


class WorklistContext(PageFields):
    title: str
    as_at: str
    data_date: str
    authority: dict[str, str]
    detail: str
    filters: dict[str, str]
    teams: list[Choice]
    lists: list[Choice]
    statuses: list[Choice]
    chosen: str
    visits: list[VisitRow] | None
    supervision: list[SupervisionRow] | None
    total: int
    matching: int
    visit_days: int
    supervision_days: int


@dataclass(frozen=True)
class CouncilWorklists:
    """The whole council's two lists on a day (worked out once per state of its data), before
    anyone's scope: ``visits`` (child_id, child_ref, case_type, last_visit_date, seen,
    seen_alone, next_due, overdue, days_overdue, worker_id, worker, staff_number, team,
    team_id) and ``supervision`` (worker_id, worker, staff_number, role, team, team_id,
    last_supervision, next_due, overdue, days_overdue)."""

    day: date
    visits: pl.DataFrame
    supervision: pl.DataFrame


@dataclass(frozen=True)
class WorklistFilter:
    """Which rows: one team (by name, with its sub-teams), overdue or due soon; empty: any."""

    team: str = ""
    status: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"team": self.team, "status": self.status}


def council_worklists(
    council: CouncilData, records: PracticeRecords, day: date
) -> CouncilWorklists:
    """Every child's visit overdue or due within ``VISIT_DAYS_AHEAD`` working days of ``day``
    and every supervised worker overdue or due within ``SUPERVISION_DAYS_AHEAD`` days, each with
    the worker's team on ``day``."""
    data = council.data
    standards = council_standards(council)
    calendar = working_calendar(standards)
    horizon = add_working_days(pl.Series("d", [day], dtype=pl.Date), VISIT_DAYS_AHEAD, calendar)
    visit_until = horizon[0] if isinstance(horizon, pl.Series) else day
    teams = worker_teams(council, day).join(
        data.teams.select("team_id", "team"), on="team", how="left"
    )
    workers = data.workers.select("worker_id", pl.col("name").alias("worker"), "staff_number")
    window = visits.visit_windows(
        data.statuses, records.visits, standards, calendar, day, since=day
    )
    position = visits.visits_position(window, records.visits, data.allocations, day)
    due_visits = (
        position.filter(
            pl.col("worker_id").is_not_null()
            & (pl.col("overdue") | (pl.col("next_due") <= visit_until))
        )
        .join(data.children.select("child_id", "child_ref"), on="child_id", how="left")
        .join(workers, on="worker_id", how="left")
        .join(teams.select("worker_id", "team", "team_id"), on="worker_id", how="left")
        .select(
            "child_id",
            "child_ref",
            "case_type",
            "last_visit_date",
            "seen",
            "seen_alone",
            "next_due",
            "overdue",
            "days_overdue",
            "worker_id",
            "worker",
            "staff_number",
            "team",
            "team_id",
        )
        .sort(["days_overdue", "next_due", "child_ref"], descending=[True, False, False])
    )
    position_now = supervision.supervision_position(
        data.spells, records.supervisions, standards, day, managers=data.managers, teams=data.teams
    )
    gaps = (
        position_now.filter(
            pl.col("overdue") | (pl.col("next_due") <= day + timedelta(SUPERVISION_DAYS_AHEAD))
        )
        .drop("team", "team_id")
        .join(workers, on="worker_id", how="left")
        .join(teams.select("worker_id", "team", "team_id"), on="worker_id", how="left")
        .select(
            "worker_id",
            "worker",
            "staff_number",
            "role",
            "team",
            "team_id",
            "last_supervision",
            "next_due",
            "overdue",
            "days_overdue",
        )
        .sort(["days_overdue", "next_due", "worker"], descending=[True, False, False])
    )
    return CouncilWorklists(day, due_visits, gaps)


def _audience(engine: Engine, principal: Principal) -> Audience:
    """How the principal sees the lists, or a recorded refusal."""
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
        "practice_worklist",
        None,
        f"the {principal.role.label.lower()} role cannot see practice work lists",
    )


@dataclass(frozen=True)
class Scoped:
    """The principal's view of the council's lists: the rows in their scope (after a team
    filter), how they see them, and the teams they may choose from."""

    council: CouncilData
    data_date: date
    lists: CouncilWorklists
    audience: Audience
    names: Pseudonyms | None
    team_ids: list[int] | None
    teams: list[str]

    @property
    def day(self) -> date:
        return self.lists.day


def scoped_worklists(
    engine: Engine,
    principal: Principal,
    *,
    team: str = "",
    team_id: int | None = None,
    as_at: date | None = None,
) -> Scoped:
    """The principal's two lists on ``as_at`` (default the data date): their teams' rows (a
    team manager), every team's (the leader, the analyst), their own (a social worker);
    narrowed to ``team`` (a name) or ``team_id`` with its sub-teams. Refuses (recorded) the
    roles that see no person-level rows and a team outside the principal's teams."""
    audience = _audience(engine, principal)
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise NotFoundError("your council holds no dated records yet")
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    teams = council.data.teams
    if team and team_id is None:
        found = teams.filter(pl.col("team") == team)
        if found.is_empty():
            raise InvalidInputError(f"there is no team called {team!r}; choose a team")
        team_id = int(found["team_id"][0])
    if team_id is not None:
        if audience == "own":
            raise audit.refuse(
                engine,
                principal,
                "view",
                "practice_worklist",
                team_id,
                "a social worker sees only their own work list",
            )
        access.check_team(engine, principal, team_id)
    lists = cast(
        CouncilWorklists,
        council.snapshots.views.get_or_build(
            (*council.key, "practice worklists", day),
            lambda: council_worklists(council, practice_records(engine, council), day),
        ),
    )
    chosen: list[int] | None = None
    visible = principal.visible_team_ids()
    if visible is not None:
        chosen = sorted(visible)
    if team_id is not None:
        below = teams.filter(pl.col("parent_id") == team_id)["team_id"].to_list()
        narrowed = {team_id, *below}
        chosen = sorted(narrowed if chosen is None else narrowed.intersection(chosen))
    visit_rows, gap_rows = lists.visits, lists.supervision
    if audience == "own":
        visit_rows = visit_rows.filter(pl.col("worker_id") == principal.worker_id)
        gap_rows = gap_rows.filter(pl.col("worker_id") == principal.worker_id)
        chosen = None
    elif chosen is not None:
        visit_rows = visit_rows.filter(pl.col("team_id").is_in(chosen))
        gap_rows = gap_rows.filter(pl.col("team_id").is_in(chosen))
    in_scope = teams if visible is None else teams.filter(pl.col("team_id").is_in(sorted(visible)))
    names = pseudonyms_of(engine, council) if audience == "pseudonymised" else None
    return Scoped(
        council=council,
        data_date=council.latest,
        lists=CouncilWorklists(day, visit_rows, gap_rows),
        audience=audience,
        names=names,
        team_ids=chosen,
        teams=[] if audience == "own" else sorted(in_scope["team"].to_list()),
    )


def _by_status(frame: pl.DataFrame, status: str) -> pl.DataFrame:
    if status == "overdue":
        return frame.filter(pl.col("overdue"))
    if status == "due":
        return frame.filter(~pl.col("overdue"))
    if status:
        raise InvalidInputError("choose overdue or due soon")
    return frame


def _seen_text(row: dict[str, Any]) -> str:
    if row["last_visit_date"] is None:
        return "no visit yet"
    if row["seen"] is False:
        return "not seen"
    if row["seen_alone"] is False:
        return "seen, not alone"
    if row["seen"] and row["seen_alone"]:
        return "seen alone"
    return "not recorded"


def _who(scoped: Scoped, worker_id: int, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """The worker's label and link, as the principal sees them."""
    if scoped.audience == "pseudonymised":
        assert scoped.names is not None
        return scoped.names.worker(worker_id), None
    label = f"{row['worker']} ({row['staff_number']})"
    return label, "/me" if scoped.audience == "own" else f"/workers/{worker_id}"


def visit_rows(scoped: Scoped, frame: pl.DataFrame) -> list[VisitRow]:
    """The visits list's rows as the principal sees them (named with links, or pseudonyms)."""
    rows: list[VisitRow] = []
    for row in frame.iter_rows(named=True):
        worker, worker_href = _who(scoped, int(row["worker_id"]), row)
        child = (
            scoped.names.child(row["child_id"])
            if scoped.audience == "pseudonymised" and scoped.names is not None
            else row["child_ref"]
        )
        code = row["case_type"]
        rows.append(
            {
                "child": child,
                "child_href": None,
                "case_code": CASE_CODES.get(code, code.upper()),
                "case": CASE_LABELS.get(code, code),
                "worker": worker,
                "worker_href": worker_href,
                "team": row["team"],
                "last_visit": None
                if row["last_visit_date"] is None
                else row["last_visit_date"].isoformat(),
                "due": row["next_due"].isoformat(),
                "overdue": bool(row["overdue"]),
                "days_overdue": int(row["days_overdue"]),
                "seen": _seen_text(row),
            }
        )
    return rows


def supervision_rows(scoped: Scoped, frame: pl.DataFrame) -> list[SupervisionRow]:
    """The supervision list's rows as the principal sees them."""
    rows: list[SupervisionRow] = []
    for row in frame.iter_rows(named=True):
        worker, worker_href = _who(scoped, int(row["worker_id"]), row)
        rows.append(
            {
                "worker": worker,
                "worker_href": worker_href,
                "role": role_text(row["role"]),
                "team": row["team"],
                "last_supervision": None
                if row["last_supervision"] is None
                else row["last_supervision"].isoformat(),
                "next_due": row["next_due"].isoformat(),
                "overdue": bool(row["overdue"]),
                "days_overdue": int(row["days_overdue"]),
            }
        )
    return rows


def _teams_detail(scoped: Scoped) -> str | list[int]:
    """The teams a list covered, for the audit trail: the ids, "all" or "own"."""
    if scoped.audience == "own":
        return "own"
    return "all" if scoped.team_ids is None else scoped.team_ids


def _record_view(
    engine: Engine, principal: Principal, scoped: Scoped, shown: dict[str, int], where: str
) -> None:
    """Write the view of named rows to the audit trail: the teams and counts, no names."""
    if scoped.audience == "pseudonymised" or not any(shown.values()):
        return
    audit.record(
        engine,
        principal,
        "view",
        "practice_worklist",
        None,
        {
            "page": where,
            "teams": _teams_detail(scoped),
            **shown,
        },
    )


def short_lists(
    engine: Engine,
    principal: Principal,
    *,
    team_id: int | None = None,
    as_at: date | None = None,
    where: str = "team",
) -> ShortLists | None:
    """The first ``SHORT_LIST`` rows of each list for a team (``team_id``) or, for a social
    worker, their own; None for a role that sees no person-level rows (nothing is refused or
    recorded then: the page around it has its own check)."""
    if detail_for(principal) is Detail.AGGREGATE and not (
        principal.can(Permission.VIEW_OWN_RECORD) and principal.worker_id is not None
    ):
        return None
    scoped = scoped_worklists(engine, principal, team_id=team_id, as_at=as_at)
    lists = scoped.lists
    visits_shown = lists.visits.head(SHORT_LIST)
    gaps_shown = lists.supervision.head(SHORT_LIST)
    _record_view(
        engine,
        principal,
        scoped,
        {"visits": visits_shown.height, "supervision": gaps_shown.height},
        where,
    )
    query = [] if team_id is None else [f"team_id={team_id}"]
    if as_at is not None:
        query.append(f"as_at={as_at.isoformat()}")
    return {
        "visits": visit_rows(scoped, visits_shown),
        "visits_total": lists.visits.height,
        "visits_overdue": int(lists.visits["overdue"].sum()),
        "supervision": supervision_rows(scoped, gaps_shown),
        "supervision_total": lists.supervision.height,
        "supervision_overdue": int(lists.supervision["overdue"].sum()),
        "href": "/practice/worklist" + (f"?{'&'.join(query)}" if query else ""),
        "visit_days": VISIT_DAYS_AHEAD,
        "supervision_days": SUPERVISION_DAYS_AHEAD,
    }


def _chosen_list(name: str) -> str:
    chosen = name or "visits"
    if chosen not in LISTS:
        raise InvalidInputError("choose the visits list or the supervision list")
    return chosen


def worklist_view(
    engine: Engine,
    principal: Principal,
    wanted: WorklistFilter,
    *,
    which: str = "",
    team_id: int | None = None,
    page: int = 1,
    as_at: date | None = None,
) -> WorklistContext:
    """The full work list page: one list (visits or supervision) a page at a time, filtered by
    team and status."""
    chosen = _chosen_list(which)
    scoped = scoped_worklists(engine, principal, team=wanted.team, team_id=team_id, as_at=as_at)
    everything = scoped.lists.visits if chosen == "visits" else scoped.lists.supervision
    matching = _by_status(everything, wanted.status)
    where = Page.of(matching.height, page, PAGE_SIZE, "rows")
    shown = matching.slice(where.start, PAGE_SIZE)
    _record_view(
        engine, principal, scoped, {chosen: shown.height, "page_number": where.number}, "worklist"
    )
    authority = scoped.council.authority
    return {
        "title": "Practice work list",
        "as_at": scoped.day.isoformat(),
        "data_date": scoped.data_date.isoformat(),
        "authority": {"code": authority.code, "name": authority.name},
        "detail": scoped.audience,
        "filters": {**wanted.as_dict(), "list": chosen},
        "teams": [{"value": name, "label": name} for name in scoped.teams],
        "lists": [{"value": key, "label": label} for key, label in LISTS.items()],
        "statuses": [{"value": key, "label": label} for key, label in STATUSES.items()],
        "chosen": chosen,
        "visits": visit_rows(scoped, shown) if chosen == "visits" else None,
        "supervision": supervision_rows(scoped, shown) if chosen == "supervision" else None,
        "total": everything.height,
        "matching": matching.height,
        "visit_days": VISIT_DAYS_AHEAD,
        "supervision_days": SUPERVISION_DAYS_AHEAD,
        **where.bounds(shown.height),
    }


VISIT_COLUMNS = (
    "Child",
    "Case",
    "Worker",
    "Team",
    "Last visit",
    "Next visit due",
    "Days overdue",
    "At the last visit",
)
SUPERVISION_COLUMNS = (
    "Worker",
    "Role",
    "Team",
    "Last supervision",
    "Next due",
    "Days overdue",
)


def worklist_download(
    engine: Engine,
    principal: Principal,
    wanted: WorklistFilter,
    file_format: str,
    *,
    which: str = "",
    team_id: int | None = None,
    as_at: date | None = None,
) -> TableFile:
    """Every row of the chosen list matching ``wanted`` (all pages), as the page shows them,
    as a file (recorded as an export)."""
    chosen = _chosen_list(which)
    scoped = scoped_worklists(engine, principal, team=wanted.team, team_id=team_id, as_at=as_at)
    detail: dict[str, Any] = {**wanted.as_dict(), "list": chosen}
    detail["teams"] = _teams_detail(scoped)
    if chosen == "visits":
        frame = _by_status(scoped.lists.visits, wanted.status)
        columns: tuple[str, ...] = VISIT_COLUMNS
        rows: list[list[Any]] = [
            [
                row["child"],
                f"{row['case_code']} ({row['case']})",
                row["worker"],
                row["team"],
                row["last_visit"],
                row["due"],
                row["days_overdue"],
                row["seen"],
            ]
            for row in visit_rows(scoped, frame)
        ]
    else:
        frame = _by_status(scoped.lists.supervision, wanted.status)
        columns = SUPERVISION_COLUMNS
        rows = [
            [
                row["worker"],
                row["role"],
                row["team"],
                row["last_supervision"],
                row["next_due"],
                row["days_overdue"],
            ]
            for row in supervision_rows(scoped, frame)
        ]
    return table_file(
        engine,
        principal,
        what=f"practice-{chosen}",
        title="Visits due" if chosen == "visits" else "Supervision due",
        day=scoped.day,
        columns=columns,
        rows=rows,
        file_format=file_format,
        detail=detail,
    )
