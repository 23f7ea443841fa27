"""The five-area scorecard as a page, an API resource and a command: one context for all three.

The measures are the board pack's headline (:func:`report_scorecard.scorecard` over
:func:`report_figures.gather`), read as the signed-in person's role reads the reports: an elected
member as the public report (small numbers hidden, the data date only), every other role with
aggregate figures as the internal one. Below the council, a service area shows the practice and
caseload measures that exist per service (visits and recording on time, from the practice
figures; average caseload and the share over cap, from the caseloads page's service row) and
supervision by team within it; roles that open named records also get links to the existing team
and worker pages (the caseloads view records that view in the audit trail)."""

from __future__ import annotations

from datetime import date
from typing import cast
from urllib.parse import quote

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.errors import NotFoundError
from caseload.practice.linked import LINKED_METHOD
from caseload.reports.model import Audience, Table
from caseload.services import audit, caseload_views
from caseload.services.caseloads import only_council
from caseload.services.practice import PRACTICE_MEASURES
from caseload.services.report_figures import ReportFigures, audience_principal, gather
from caseload.services.report_scorecard import AREAS, NO_DATA_YET, Measure
from caseload.services.report_scorecard import scorecard as rated_measures
from caseload.services.report_sections import headline
from caseload.storage import queries
from caseload.storage.engine import session_scope

Value = float | int | str | None
RAG_KEY = (
    "Green: at or better than the target (or England, the region, the statistical neighbours' "
    "median); amber: a little worse; red: clearly worse. 'Against neighbours' is rated against "
    "the median of the statistical neighbours' figures."
)


class TrendPoint(TypedDict):
    label: str
    value: Value


class MeasureRow(TypedDict):
    key: str
    label: str
    unit: str
    places: int
    better: str  # "lower" or "higher"
    as_of: str
    value: Value
    target: float | None
    rag_target: str | None
    england: float | None
    region: float | None
    neighbour_median: float | None
    rag_england: str | None
    rag_region: str | None
    rag_neighbours: str | None
    better_than: int | None
    neighbours_ranked: int | None
    trend: list[TrendPoint]
    trend_text: str | None
    trend_source: str  # "stored", "census years", "practice records" or "none"


class AreaRow(TypedDict):
    area: str
    measures: list[MeasureRow]
    no_data: str | None  # what the area needs, when it has no measure yet


class ServiceLink(TypedDict):
    service: str
    href: str


class TeamSupervision(TypedDict):
    team: str
    href: str | None  # the team's page, for roles that open named records
    workers: int | str
    compliance: Value


class WorkerLink(TypedDict):
    label: str
    href: str | None
    team: str | None
    caseload: float | None
    band: str | None


class ServiceDrill(TypedDict):
    service: str
    caseloads_href: str
    visits_on_time: Value
    recording_on_time: Value
    average_caseload: Value
    over_cap_share: Value
    supervision_by_team: list[TeamSupervision]
    workers: list[WorkerLink] | None  # roles that open named records only


class AuthorityName(TypedDict):
    code: str
    name: str


class ScorecardContext(TypedDict):
    title: str
    authority: AuthorityName
    audience: str  # "internal" or "public"
    suppressed: bool
    as_at: str | None
    data_date: str | None
    areas: list[AreaRow]
    summary: list[str]
    notes: list[str]
    practice_method: str | None
    services: list[ServiceLink]
    service: ServiceDrill | None


def audience_for(principal: Principal) -> Audience:
    """The report audience the role reads as: the elected member the public one, others the
    internal one."""
    return Audience.PUBLIC if principal.role is AccountRole.MEMBER else Audience.INTERNAL


def scorecard_view(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    service: str | None = None,
    people: bool = True,
) -> ScorecardContext:
    """The five areas with their measures on ``as_at`` (default the data date), as the board
    pack's headline rates them; with ``service``, that service area's own measures. Worker links
    only for roles that open named records, and only when ``people`` (the command line leaves
    them out)."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "scorecard")
    audience = audience_for(principal)
    try:
        figures = gather(
            engine,
            authority_id=principal.authority_id,
            audience=audience,
            as_at=as_at,
            baseline_year=None,
        )
    except NotFoundError:
        if as_at is not None:
            raise
        return _empty(engine, principal, audience)
    measures = rated_measures(figures)
    section = headline(figures, measures)
    context: ScorecardContext = {
        "title": "Scorecard",
        "authority": {"code": figures.code, "name": figures.name},
        "audience": audience.value,
        "suppressed": audience is Audience.PUBLIC,
        "as_at": figures.as_at.isoformat() if figures.as_at else None,
        "data_date": figures.data_date.isoformat() if figures.data_date else None,
        "areas": _areas(measures, section.tables),
        "summary": list(section.commentary),
        "notes": list(section.notes),
        "practice_method": (
            LINKED_METHOD if any(m.spec.key in PRACTICE_MEASURES for m in measures) else None
        ),
        "services": [],
        "service": None,
    }
    if figures.as_at is None:
        return context
    context["services"] = _services(engine, principal, figures.as_at)
    if service is not None and service.strip():
        known = [item["service"] for item in context["services"]]
        if service.strip().casefold() not in {name.casefold() for name in known}:
            raise NotFoundError(
                f"no service area called {service.strip()!r}; choose one of: "
                + (", ".join(known) or "none (no teams have a service area)")
            )
        context["service"] = _drill(engine, principal, figures, service, people)
    return context


def _areas(measures: list[Measure], tables: tuple[Table, ...]) -> list[AreaRow]:
    """The areas in order, each measure with the trend as the board pack writes it (the
    headline's table of an area lists its measures in the same order)."""
    written = {table.title: table.rows for table in tables}
    areas: list[AreaRow] = []
    for area in AREAS:
        mine = [m for m in measures if m.spec.area == area]
        rows = written.get(area, ())
        areas.append(
            {
                "area": area,
                "measures": [
                    _row(m, cast(str | None, row["trend"]))
                    for m, row in zip(mine, rows, strict=True)
                ],
                "no_data": None if mine else NO_DATA_YET.get(area, "needs records"),
            }
        )
    return areas


def _row(measure: Measure, trend_text: str | None) -> MeasureRow:
    spec = measure.spec
    return {
        "key": spec.key,
        "label": spec.label,
        "unit": spec.unit,
        "places": spec.places,
        "better": spec.better,
        "as_of": measure.as_of,
        "value": measure.value,
        "target": measure.target,
        "rag_target": measure.rag_target,
        "england": measure.england,
        "region": measure.region,
        "neighbour_median": measure.neighbour_median,
        "rag_england": measure.rag_england,
        "rag_region": measure.rag_region,
        "rag_neighbours": measure.rag_neighbours,
        "better_than": measure.better_than,
        "neighbours_ranked": measure.neighbours_ranked,
        "trend": [{"label": label, "value": value} for label, value in measure.trend],
        "trend_text": trend_text,
        "trend_source": measure.trend_source,
    }


def _empty(engine: Engine, principal: Principal, audience: Audience) -> ScorecardContext:
    with session_scope(engine) as session:
        found = [a for a in queries.authorities(session) if a.id == principal.authority_id]
    code, name = (found[0].code, found[0].name) if found else ("", "")
    return {
        "title": "Scorecard",
        "authority": {"code": code, "name": name},
        "audience": audience.value,
        "suppressed": audience is Audience.PUBLIC,
        "as_at": None,
        "data_date": None,
        "areas": [
            {"area": area, "measures": [], "no_data": NO_DATA_YET.get(area, "needs records")}
            for area in AREAS
        ],
        "summary": ["Your council holds no figures yet: load its data first."],
        "notes": [],
        "practice_method": None,
        "services": [],
        "service": None,
    }


def _services(engine: Engine, principal: Principal, day: date) -> list[ServiceLink]:
    """The service areas in the principal's caseloads, each linked to its scorecard."""
    report = caseload_views.scoped_for(engine, principal, day).report
    names = sorted(str(s) for s in report.teams["service"].drop_nulls().unique().to_list())
    return [{"service": name, "href": f"/scorecard?service={quote(name)}"} for name in names]


def _share(part: Value, whole: Value, value: Value, public: bool) -> Value:
    """A share as the public report shows it: hidden when either count it is built from is
    small (or already hidden)."""
    if isinstance(part, str) or isinstance(whole, str):
        return SUPPRESSED
    small = (
        isinstance(part, int)
        and isinstance(whole, int)
        and (is_small(part) or is_small(whole - part))
    )
    if public and small:
        return SUPPRESSED
    return value


def _first(frame: pl.DataFrame, column: str, service: str) -> dict[str, object] | None:
    if frame.height == 0 or column not in frame.columns:
        return None
    rows = frame.filter(pl.col(column) == service)
    return rows.row(0, named=True) if rows.height else None


def _drill(
    engine: Engine, principal: Principal, figures: ReportFigures, wanted: str, people: bool
) -> ServiceDrill:
    assert figures.as_at is not None
    public = figures.audience is Audience.PUBLIC
    caseloads = caseload_views.caseloads_view(
        engine, principal, service=wanted, as_at=figures.as_at
    )
    chosen = cast(str, caseloads["service"])
    summary = caseloads["summary"]
    cases, fte = summary["cases"], summary["fte"]
    average: Value = (
        SUPPRESSED
        if isinstance(cases, str) or isinstance(fte, str)
        else (round(cases / fte, 1) if fte and cases is not None else None)
    )
    teams = caseloads["teams"]
    red = sum(t["red"] for t in teams if isinstance(t["red"], int))
    holders = sum(
        count
        for t in teams
        for count in (t["red"], t["amber"], t["green"])
        if isinstance(count, int)
    )
    hidden = any(isinstance(t[b], str) for t in teams for b in ("red", "amber", "green"))
    over_cap: Value = (
        SUPPRESSED
        if hidden
        else _share(red, holders, round(100.0 * red / holders, 1) if holders else None, public)
    )
    visits_on_time: Value = None
    recording_on_time: Value = None
    supervision: list[TeamSupervision] = []
    names = principal.can(Permission.VIEW_PEOPLE) and people
    day = figures.practice
    if day is not None:
        if day.has_visits:
            row = _first(day.visits_by_service, "service", chosen)
            if row is not None:
                done = cast(int, row["on_time"]) + cast(int, row["late"]) + cast(int, row["missed"])
                visits_on_time = _share(
                    cast(int, row["on_time"]), done, cast(Value, row["on_time_rate"]), public
                )
            row = _first(day.recording_by_service, "service", chosen)
            if row is not None:
                written = cast(int, row["on_time"]) + cast(int, row["late"])
                recording_on_time = _share(
                    cast(int, row["on_time"]), written, cast(Value, row["on_time_rate"]), public
                )
        if day.has_supervision and day.supervision_by_team.height:
            ids = {t["team"]: t["team_id"] for t in teams}
            rows = day.supervision_by_team.filter(pl.col("team").is_in(list(ids))).sort("team")
            for found in rows.iter_rows(named=True):
                small = public and is_small(int(found["workers"]))
                team_id = ids.get(str(found["team"]))
                supervision.append(
                    {
                        "team": str(found["team"]),
                        "href": f"/teams/{team_id}" if names and team_id is not None else None,
                        "workers": SUPPRESSED if small else int(found["workers"]),
                        "compliance": SUPPRESSED if small else found["compliance"],
                    }
                )
    workers: list[WorkerLink] | None = None
    if names and caseloads["workers"] is not None:
        workers = [
            {
                "label": w["label"] or "",
                "href": w["href"],
                "team": w["team"],
                "caseload": w["caseload"],
                "band": w["band"],
            }
            for w in caseloads["workers"]
        ]
    return {
        "service": chosen,
        "caseloads_href": f"/caseloads?service={quote(chosen)}",
        "visits_on_time": visits_on_time,
        "recording_on_time": recording_on_time,
        "average_caseload": average,
        "over_cap_share": over_cap,
        "supervision_by_team": supervision,
        "workers": workers,
    }


def council_principal(engine: Engine, authority_code: str | None) -> Principal:
    """Who the command line reads the scorecard as: the council's leader (the internal report's
    reader), for the council named or the database's only one."""
    code = authority_code or only_council(engine)
    with session_scope(engine) as session:
        found = queries.authorities(session, code)
    if not found:
        raise NotFoundError(f"no council with the code {code} in the database")
    return leader_principal(found[0].id)


def leader_principal(authority_id: int) -> Principal:
    """The council's leader as the command line reads as them (see :func:`council_principal`)."""
    principal = audience_principal(authority_id, Audience.INTERNAL)
    return Principal(
        user_id=principal.user_id,
        username="cli",
        display_name="command line",
        role=principal.role,
        authority_id=principal.authority_id,
        source="cli",
    )
