"""The caseloads pages: the service > team > worker drill-down and the unallocated queue. Each
builds one plain context dictionary from the engine and the signed-in person; the page renders
it and the API returns it, so the two never disagree.

Roles: anyone with aggregate figures (leader, team manager, analyst, elected member,
administrator) opens both pages; a team manager sees only their teams. Worker and child rows
follow :mod:`caseload.services.view_rows` (named, pseudonymised or none), and every view that
shows named rows is written to the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.definitions import amber_share
from caseload.caseloads.queue import waiting_by_home_team
from caseload.caseloads.report import CaseloadReport
from caseload.domain.dates import reference_date
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services import audit, census_view
from caseload.services.caseload_disclosure import (
    CensusYear,
    Shield,
    TeamPage,
    council_cell,
    home_cell,
    service_cell,
    shield_for,
)
from caseload.services.caseloads import (
    CouncilData,
    Scope,
    check_audience_date,
    council_data,
    make_scope,
    scoped_report,
)
from caseload.services.census import Breakdown, Source
from caseload.services.paging import Page, PageFields
from caseload.services.pseudonyms import Pseudonyms, pseudonym_key
from caseload.services.table_download import TableFile, table_file
from caseload.services.view_rows import (
    BreachRow,
    Count,
    Crumb,
    Detail,
    HistoryPoint,
    QueueRow,
    RuleCount,
    ServiceRow,
    TeamRow,
    WorkerRow,
    breach_row,
    detail_for,
    month_end_cases,
    plain,
    queue_row,
    rule_counts,
    service_row,
    team_row,
    worker_row,
)


class AuthorityName(TypedDict):
    code: str
    name: str


class Bands(TypedDict):
    """An average caseload (cases per FTE) up to ``green`` is green, up to ``amber`` amber, above
    it red; a worker is red over their role's case or points cap and amber above
    ``worker_amber_share`` of it (:func:`caseload.caseloads.definitions.band`)."""

    green: float
    amber: float
    worker_amber_share: float


class ScopeFields(TypedDict):
    authority: AuthorityName
    as_at: str
    data_date: str
    scope: str | list[str]  # "all", or the names of the teams the account covers
    policy: str
    bands: Bands


class CaseloadsSummary(TypedDict):
    case_holders: Count
    fte: float | str | None
    cases: Count
    dfe_average: float | str | None
    unallocated: Count
    escalate: Count
    rules_broken: Count


class DistributionRow(TypedDict):
    band: str
    workers: Count
    share: float | str | None


class CaseloadsContext(ScopeFields):
    """The caseloads page: ``workers`` and ``breaches`` are null where the role sees no rows or
    the page is the whole council (choose a service area to see its workers)."""

    title: str
    detail: str
    suppressed: bool
    service: str | None
    breadcrumbs: list[Crumb]
    summary: CaseloadsSummary
    services: list[ServiceRow]
    teams: list[TeamRow]
    distribution: list[DistributionRow]
    rules: list[RuleCount]
    workers: list[WorkerRow] | None
    breaches: list[BreachRow] | None


class QueueSummary(TypedDict):
    children: Count
    escalate: Count
    review: Count
    new: Count
    longest_wait: int | None


class HomeTeamCount(TypedDict):
    home_team: str
    children: Count
    escalate: Count
    longest_wait: int | None


class QueueContext(ScopeFields):
    """The unallocated queue: ``children`` is null for roles that see no child rows."""

    title: str
    detail: str
    suppressed: bool
    breadcrumbs: list[Crumb]
    review_days: int
    escalate_days: int
    summary: QueueSummary
    by_home_team: list[HomeTeamCount]
    children: list[QueueRow] | None


@dataclass(frozen=True)
class Scoped:
    """The council's cached data, the principal's scope of it and the report for that scope,
    with the council's pseudonyms when the principal sees pseudonymised rows."""

    council: CouncilData
    scope: Scope
    report: CaseloadReport
    names: Pseudonyms | None = None
    engine: Engine | None = None


def scoped_for(engine: Engine, principal: Principal, as_at: date | None = None) -> Scoped:
    """The caseload report on ``as_at`` (default the data date) for the principal's scope (their
    teams, or the council), cached."""
    council = council_data(engine, authority_id=principal.authority_id)
    scope = make_scope(council, as_at=as_at, team_ids=principal.visible_team_ids())
    check_audience_date(principal, scope.day, scope.data_date)
    names = None
    if detail_for(principal) is Detail.PSEUDONYMISED:
        names = pseudonyms_of(engine, council)
    return Scoped(council, scope, scoped_report(council, scope), names, engine)


def pseudonyms_of(engine: Engine, council: CouncilData) -> Pseudonyms:
    """The council's pseudonyms (:mod:`caseload.services.pseudonyms`), made once per state of
    the data."""
    data = council.data

    def build() -> Pseudonyms:
        secret = pseudonym_key(engine)
        return Pseudonyms.of(secret, council.authority.code, data.workers, data.children)

    return cast(
        Pseudonyms, council.snapshots.views.get_or_build((*council.key, "pseudonyms"), build)
    )


def shield_of(scoped: Scoped, principal: Principal) -> Shield:
    """How the principal sees the report's figures (:mod:`caseload.services.caseload_disclosure`):
    protected once per report, with every team page's figures, for every audience whose figures
    are suppressed."""
    if not principal.suppress_small_numbers:
        return shield_for(principal, scoped.report)
    scope = scoped.scope
    team_key = None if scope.team_ids is None else tuple(scope.team_ids)
    key = (*scoped.council.key, "shield", scope.day, team_key)

    def build() -> Shield:
        teams = scoped.council.data.teams
        if scope.team_ids is not None:
            teams = teams.filter(pl.col("team_id").is_in(scope.team_ids))
        pages = []
        for row in teams.iter_rows(named=True):
            figures = team_figures(scoped, row["team_id"])
            history = tuple(
                (point["month_end"], int(point["cases"] or 0)) for point in figures.history
            )
            pages.append(
                TeamPage(
                    row["team_id"], row["parent_id"], row["team"], history, figures.queue.height
                )
            )
        months = {month for page in pages for month, _ in page.history}
        census = [] if scoped.engine is None else _census_years(scoped.engine, principal, months)
        return shield_for(principal, scoped.report, pages, census)

    return cast(Shield, scoped.council.snapshots.views.get_or_build(key, build))


def _census_years(engine: Engine, principal: Principal, months: set[str]) -> list[CensusYear]:
    """The census years computed from the day-to-day data whose 30 September is one of the team
    pages' month ends: their breakdowns by team and role show the same people and cases."""
    council = census_view.open_council(engine, principal, "census indicators")
    totals = {row["year"]: row for row in census_view.yearly_rows(engine, council)}
    found: list[CensusYear] = []
    for year, source in census_view.census_years(engine, council).items():
        reference = reference_date(year).isoformat()
        if source != Source.DERIVED.value or reference not in months:
            continue
        tables = {
            by.value: census_view.breakdown_rows(engine, council, year, by)[0] for by in Breakdown
        }
        found.append(CensusYear(year, reference, tables, totals.get(year)))
    return found


@dataclass(frozen=True)
class TeamFigures:
    """What a team's page counts: the team with its sub-teams (``ids``, ``names``), their cases
    at each month end and the children waiting for them."""

    ids: list[int]
    names: list[str]
    history: list[HistoryPoint]
    queue: pl.DataFrame


def team_figures(scoped: Scoped, team_id: int) -> TeamFigures:
    council, scope, report = scoped.council, scoped.scope, scoped.report
    teams = council.data.teams
    ids = sorted({team_id, *teams.filter(pl.col("parent_id") == team_id)["team_id"].to_list()})
    names = sorted(set(teams.filter(pl.col("team_id").is_in(ids))["team"].to_list()))
    queue = report.queue.filter(pl.col("home_team_ids").list.set_intersection(ids).list.len() > 0)
    memberships = (
        council.data.spells.join(teams.select("team_id", "team"), on="team")
        .filter(pl.col("team_id").is_in(ids))
        .select("worker_id", "start_date", "end_date")
    )
    allocations = council.data.allocations.filter(
        (pl.col("role") == "allocated")
        & pl.col("worker_id").is_in(memberships["worker_id"].unique().implode())
    )
    history = month_end_cases(allocations, scope.day, memberships)
    return TeamFigures(ids, names, history, queue)


def report_for(
    engine: Engine, principal: Principal, as_at: date | None = None
) -> tuple[Scope, CaseloadReport]:
    scoped = scoped_for(engine, principal, as_at)
    return scoped.scope, scoped.report


V = TypeVar("V")


def cached_view(
    scoped: Scoped, principal: Principal, name: str, build: Callable[[], V], *extra: Hashable
) -> V:
    """A page's context, built once per data fingerprint for everyone who sees it alike: the
    same scope, detail level and suppression. (Audit events are written by the caller on every
    view, outside the cache.)"""
    scope = scoped.scope
    key: tuple[Hashable, ...] = (
        *scoped.council.key,
        "view",
        name,
        scope.day,
        None if scope.team_ids is None else tuple(scope.team_ids),
        detail_for(principal),
        principal.suppress_small_numbers,
        principal.all_teams,
        *extra,
    )
    return cast(V, scoped.council.snapshots.views.get_or_build(key, build))


def scope_dict(scope: Scope, principal: Principal) -> ScopeFields:
    return {
        "authority": {"code": scope.authority.code, "name": scope.authority.name},
        "as_at": scope.day.isoformat(),
        "data_date": scope.data_date.isoformat(),
        "scope": "all" if principal.all_teams else scope.team_names,
        "policy": scope.policy.source,
        "bands": {
            "green": scope.policy.policy.band_green,
            "amber": scope.policy.policy.band_amber,
            "worker_amber_share": amber_share(scope.policy.policy),
        },
    }


def _service(report: CaseloadReport, wanted: str) -> str:
    known: dict[str, str] = {
        str(s).casefold(): str(s) for s in report.teams["service"].drop_nulls().unique().to_list()
    }
    chosen = known.get(wanted.strip().casefold())
    if chosen is None:
        raise NotFoundError(
            f"no service area called {wanted!r} in your caseloads; choose one from the list on "
            "the Caseloads page"
        )
    return chosen


def _in_teams(frame: pl.DataFrame, team_ids: list[int]) -> pl.DataFrame:
    return frame.filter(pl.col("home_team_ids").list.set_intersection(team_ids).list.len() > 0)


def _distribution(report: CaseloadReport, shield: Shield) -> list[DistributionRow]:
    """Workers in case-holding roles by cases held; for elected members a band of 1 to 4 workers
    (or one that would give such a band away) and its share are hidden."""
    rows: list[DistributionRow] = []
    for row in report.distribution:
        band = cast(str, row["band"])
        rows.append(
            {
                "band": band,
                "workers": cast(
                    Count, shield.show(("band", band, "workers"), cast(int, row["workers"]))
                ),
                "share": cast(
                    float | str | None,
                    shield.show(("band", band, "share"), cast(float | None, row["share"])),
                ),
            }
        )
    return rows


def caseloads_view(
    engine: Engine, principal: Principal, *, service: str | None = None, as_at: date | None = None
) -> CaseloadsContext:
    """Caseloads by service area and team (and, below a service area or for a team manager's
    own teams, by worker), with bands, utilisation, rules broken and the DfE average."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "caseloads")
    scoped = scoped_for(engine, principal, as_at)
    wanted = (service or "").strip().casefold() or None
    context = cached_view(
        scoped, principal, "caseloads", lambda: _caseloads(scoped, principal, service), wanted
    )
    if context["workers"] is not None and context["detail"] == Detail.NAMED.value:
        audit.record(
            engine,
            principal,
            "view",
            "caseloads",
            None,
            {"team_ids": sorted(t["team_id"] for t in context["teams"] if t["team_id"])},
        )
    return context


def _caseloads(scoped: Scoped, principal: Principal, service: str | None) -> CaseloadsContext:
    scope, report = scoped.scope, scoped.report
    detail = detail_for(principal)
    suppress = principal.suppress_small_numbers
    shield = shield_of(scoped, principal)
    teams, workers, breaches, queue = report.teams, report.workers, report.breaches, report.queue
    chosen = None
    if service:
        chosen = _service(report, service)
        teams = teams.filter(pl.col("service") == chosen)
        workers = workers.filter(pl.col("service") == chosen)
        ids = [i for i in teams["team_id"].to_list() if i is not None]
        breaches = breaches.filter(pl.col("team_id").is_in(ids))
        queue = _in_teams(queue, ids)
    per_team = dict(
        breaches.filter(pl.col("team_id").is_not_null()).group_by("team_id").len().iter_rows()
    )
    show_people = detail is not Detail.AGGREGATE and (chosen is not None or not principal.all_teams)
    holders = int(teams["case_holders"].sum())

    def total(column: str, value: int | float) -> Count:
        cell = service_cell(chosen, column) if chosen else council_cell(column)
        return cast(Count, shield.show(cell, value))

    crumbs: list[Crumb] = [{"label": "Caseloads", "href": "/caseloads" if chosen else None}]
    if chosen:
        crumbs.append({"label": chosen, "href": None})
    context: CaseloadsContext = {
        "title": f"Caseloads: {chosen}" if chosen else "Caseloads",
        **scope_dict(scope, principal),
        "detail": detail.value,
        "suppressed": suppress,
        "service": chosen,
        "breadcrumbs": crumbs,
        "summary": {
            "case_holders": total("case_holders", holders),
            "fte": total("fte", plain(float(teams["fte"].sum()))),
            "cases": total("cases", int(teams["cases"].sum())),
            "dfe_average": cast(
                float | str | None,
                shield.show(("dfe", "average"), plain(report.dfe_average.get("caseload_fte"))),
            ),
            "unallocated": total("unallocated", queue.height),
            "escalate": total("escalate", queue.filter(pl.col("escalation") == "escalate").height),
            "rules_broken": total("rules_broken", breaches.height),
        },
        "services": (
            []
            if chosen
            else [service_row(row, shield) for row in report.services.iter_rows(named=True)]
        ),
        "teams": [
            team_row(row, shield, per_team.get(row["team_id"], 0))
            for row in teams.iter_rows(named=True)
        ],
        "distribution": [] if chosen else _distribution(report, shield),
        "rules": rule_counts(breaches, shield, chosen),
        "workers": (
            [worker_row(row, detail, scoped.names) for row in workers.iter_rows(named=True)]
            if show_people
            else None
        ),
        "breaches": (
            [breach_row(row, detail, scoped.names) for row in breaches.iter_rows(named=True)]
            if show_people
            else None
        ),
    }
    return context


def queue_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None, record: bool = True
) -> QueueContext:
    """The children waiting for a worker in the principal's scope, most urgent first, with days
    waiting and escalation; counts only for aggregate roles. A named view is recorded (unless
    ``record`` is off: a download records itself as an export)."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "unallocated queue")
    scoped = scoped_for(engine, principal, as_at)
    context = cached_view(scoped, principal, "queue", lambda: _queue(scoped, principal))
    if record and context["children"] is not None and context["detail"] == Detail.NAMED.value:
        audit.record(
            engine, principal, "view", "queue", None, {"children": len(context["children"])}
        )
    return context


def _queue(scoped: Scoped, principal: Principal) -> QueueContext:
    scope, report = scoped.scope, scoped.report
    detail = detail_for(principal)
    suppress = principal.suppress_small_numbers
    shield = shield_of(scoped, principal)
    queue = report.queue
    by_status = {
        status: queue.filter(pl.col("escalation") == status).height
        for status in ("escalate", "review", "new")
    }
    home = waiting_by_home_team(queue).sort("children", "home_team", descending=[True, False])
    policy = scope.policy.policy
    context: QueueContext = {
        "title": "Children waiting for a worker",
        **scope_dict(scope, principal),
        "detail": detail.value,
        "suppressed": suppress,
        "breadcrumbs": [
            {"label": "Caseloads", "href": "/caseloads"},
            {"label": "Unallocated queue", "href": None},
        ],
        "review_days": policy.review_days,
        "escalate_days": policy.escalate_days,
        "summary": {
            "children": cast(Count, shield.show(council_cell("unallocated"), queue.height)),
            "escalate": cast(Count, shield.show(("queue", "escalate"), by_status["escalate"])),
            "review": cast(Count, shield.show(("queue", "review"), by_status["review"])),
            "new": cast(Count, shield.show(("queue", "new"), by_status["new"])),
            "longest_wait": (
                None
                if queue.is_empty() or shield.hides(("queue", "longest_wait"))
                else cast(int, queue["days_waiting"].max())
            ),
        },
        "by_home_team": [
            {
                "home_team": row["home_team"],
                "children": cast(
                    Count, shield.show(home_cell(row["home_team"], "children"), row["children"])
                ),
                "escalate": cast(
                    Count, shield.show(home_cell(row["home_team"], "escalate"), row["escalate"])
                ),
                "longest_wait": None
                if shield.hides(home_cell(row["home_team"], "longest_wait"))
                else int(row["longest"]),
            }
            for row in home.iter_rows(named=True)
        ],
        "children": (
            None
            if detail is Detail.AGGREGATE
            else [queue_row(row, detail, scoped.names) for row in queue.iter_rows(named=True)]
        ),
    }
    return context


# --- the queue's filters, pages and download --------------------------------------------------

QUEUE_PAGE_SIZE = 50
WAIT_LABELS = {"escalate": "Escalate", "review": "Review", "new": "New"}


@dataclass(frozen=True)
class QueueFilter:
    """Which children waiting: a home team, a kind of case, an age of wait; empty means any."""

    team: str = ""
    case: str = ""
    wait: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"team": self.team, "case": self.case, "wait": self.wait}

    def matches(self, row: QueueRow) -> bool:
        return (
            (not self.team or row["home_team"] == self.team)
            and (not self.case or row["case"].split(",")[0] == self.case)
            and (not self.wait or row["escalation"] == self.wait)
        )


class QueuePage(PageFields):
    """The queue's rows after the filters, one page of them, and the choices."""

    filters: dict[str, str]
    teams: list[str]
    cases: list[str]
    waits: list[dict[str, str]]
    rows: list[QueueRow]
    matching: int


def queue_rows(context: QueueContext, wanted: QueueFilter, page: int = 1) -> QueuePage | None:
    """The page of the queue's child rows that the filters keep (None for roles without rows)."""
    children = context["children"]
    if children is None:
        return None
    teams = sorted({row["home_team"] for row in children})
    cases = sorted({row["case"].split(",")[0] for row in children})
    if wanted.team and wanted.team not in teams:
        raise InvalidInputError(f"no child waiting has {wanted.team!r} as home team; choose one")
    if wanted.case and wanted.case not in cases:
        raise InvalidInputError(f"no child waiting has a {wanted.case!r} case; choose one")
    if wanted.wait and wanted.wait not in WAIT_LABELS:
        raise InvalidInputError("choose new, review or escalate for the wait")
    kept = [row for row in children if wanted.matches(row)]
    where = Page.of(len(kept), page, QUEUE_PAGE_SIZE, "children")
    shown = kept[where.start : where.start + QUEUE_PAGE_SIZE]
    return {
        "filters": wanted.as_dict(),
        "teams": teams,
        "cases": cases,
        "waits": [{"value": k, "label": v} for k, v in WAIT_LABELS.items()],
        "rows": shown,
        "matching": len(kept),
        **where.bounds(len(shown)),
    }


QUEUE_COLUMNS = ("Child", "Case", "Points", "Waiting since", "Days waiting", "Status", "Home team")


def queue_download(
    engine: Engine,
    principal: Principal,
    wanted: QueueFilter,
    file_format: str,
    *,
    as_at: date | None = None,
) -> TableFile:
    """Every child waiting that the filters keep (all pages), as the queue page shows them."""
    context = queue_view(engine, principal, as_at=as_at, record=False)
    found = queue_rows(context, wanted, 1) if context["children"] is not None else None
    if found is None:
        raise audit.refuse(
            engine, principal, "export", "queue", None, "your role sees counts, not children"
        )
    rows = [
        [
            row["child"],
            row["case"],
            row["points"],
            row["waiting_since"],
            row["days_waiting"],
            row["escalation_label"],
            row["home_team"],
        ]
        for row in context["children"] or []
        if wanted.matches(row)
    ]
    return table_file(
        engine,
        principal,
        what="queue",
        title="Children waiting",
        day=date.fromisoformat(context["as_at"]),
        columns=QUEUE_COLUMNS,
        rows=rows,
        file_format=file_format,
        detail={"detail": context["detail"], **wanted.as_dict()},
    )
