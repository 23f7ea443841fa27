"""Retention for a council on a day: how long own social work staff stay (Kaplan-Meier survival by
cohort, route, role, service or team), how likely they are to leave by length of service (the
leaving hazard), who left and why, the stability index, and progression and moves between
services. One context for the page ``/retention``, the API's ``/api/v1/retention`` and the
``caseload retention`` commands, so they can never disagree.

The figures are defined in :mod:`caseload.retention` (``episodes``, ``survival``, ``hazard``,
``flows``); this module reads the council's frames from the snapshot, works out each day's figures
once (cached in :class:`caseload.services.snapshot.Snapshots` by the data fingerprint) and lays them
out for the person asking:

- roles with aggregate figures see the council; a team manager also sees their own teams, and
  survival by team only for them;
- an elected member sees the council with small numbers hidden (counts of 1 to 4, with enough
  others that none can be worked out from a total; estimates resting on fewer than 5 people) and
  no breakdown by team.

Periods: survival counts every episode that started in the last :data:`COHORT_YEARS` census years
(to the reporting date); the hazard is for the 12 months and the 3 years to the reporting date;
leavers, progression and moves are for the last :data:`COUNT_YEARS` census years that ended on or
before it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast
from urllib.parse import urlencode

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.domain.dates import census_year_of, reference_date, reporting_date
from caseload.domain.disclosure import DEFAULT_THRESHOLD
from caseload.domain.disclosure import SUPPRESSED as SUPPRESSED
from caseload.errors import NotFoundError
from caseload.reports.model import Cell
from caseload.retention import flows
from caseload.retention.episodes import service_episodes
from caseload.retention.hazard import leaving_hazard
from caseload.retention.survival import MILESTONE_YEARS, Survival, records_start, survival
from caseload.retention.survival import Grouping as Grouping
from caseload.services import audit
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    check_audience_date,
    council_data,
)
from caseload.services.report_people import protect_counts

COHORT_YEARS = 10
COUNT_YEARS = 3
Count = int | str  # a count, or "c" when hidden
Share = float | str | None  # a percentage, "c" when hidden, None when there is no figure


class Milestone(TypedDict):
    years: int
    at_risk: Count
    still_here: Share  # per cent still with the council, 1 dp
    lower: Share
    upper: Share


class GroupRow(TypedDict):
    group: str
    episodes: Count
    leavers: Count
    still_here: Count
    too_small: bool
    before_records: bool  # everyone in it started before the records of leavers begin
    milestones: list[Milestone]
    median_years: float | None  # years by which half have left, 1 dp; None when not reached


class CurvePoint(TypedDict):
    group: str
    months: float
    still_here: float  # per cent, 1 dp
    lower: float
    upper: float
    at_risk: int | None  # None for audiences that see no small counts


class HazardRow(TypedDict):
    band: str
    exposure_years: float  # person-years in the band in the window, 1 dp
    leavers: Count
    annual_rate: Share  # leavers per 100 person-years, 1 dp
    chance_within_year: Share  # per cent, 1 dp


class HazardWindow(TypedDict):
    label: str
    start: str
    end: str
    rows: list[HazardRow]
    peak: str | None  # the band with the highest rate, when it can be shown


class CountRow(TypedDict):
    name: str
    code: int | None
    counts: list[Count]


class CountTable(TypedDict):
    title: str
    label: str
    years: list[int]
    rows: list[CountRow]


class Stability(TypedDict):
    day: str
    numerator: Count
    denominator: Count
    not_known: Count
    share: Share


class GroupingLink(TypedDict):
    value: str
    label: str
    href: str
    current: bool


class OwnTeams(TypedDict):
    teams: list[str]
    survival: list[GroupRow]
    hazard: list[HazardRow]


class AuthorityName(TypedDict):
    code: str
    name: str


class RetentionContext(TypedDict):
    title: str
    authority: AuthorityName
    suppressed: bool
    as_at: str
    data_date: str
    by: str
    by_label: str
    groupings: list[GroupingLink]
    cohorts: list[int]  # first and last census year of the starts counted
    records_start: str | None  # staff who started earlier count from this day (delayed entry)
    milestone_years: list[int]
    council: GroupRow | None  # all own social work staff together
    survival: list[GroupRow]
    curves: list[CurvePoint]
    hazard: list[HazardWindow]
    leavers_by_reason: CountTable
    leavers_by_destination: CountTable
    progression: CountTable
    service_moves: CountTable
    stability: Stability
    own_teams: OwnTeams | None
    summary: list[str]


@dataclass(frozen=True)
class RetentionDay:
    """The council's retention figures on one day, unsuppressed (callers apply disclosure)."""

    as_at: date
    episodes: pl.DataFrame
    cohorts: tuple[int, int]
    records_start: date | None
    windows: tuple[tuple[str, date, date], ...]
    hazard: tuple[pl.DataFrame, ...]
    count_years: tuple[int, ...]
    reasons: pl.DataFrame
    destinations: pl.DataFrame
    progression: pl.DataFrame
    service_moves: pl.DataFrame
    stability: pl.DataFrame


def _years_before(day: date, years: int) -> date:
    """The day after the same day ``years`` years earlier (29 February falls back a day)."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:
        earlier = day.replace(year=day.year - years, day=28)
    return earlier + timedelta(days=1)


def count_years(as_at: date, many: int = COUNT_YEARS) -> tuple[int, ...]:
    """The last ``many`` census years whose 30 September is on or before ``as_at``."""
    latest = census_year_of(as_at)
    if reference_date(latest) > as_at:
        latest -= 1
    return tuple(range(latest - many + 1, latest + 1))


def _windows(as_at: date, begins: date | None) -> tuple[tuple[str, date, date], ...]:
    """The hazard's periods: the 12 months and the 3 years to ``as_at``, neither starting before
    the records of leavers begin (a period that would is cut to start then; one the same as the
    period before it is left out)."""
    found: list[tuple[str, date, date]] = []
    for named, years in (("The 12 months to the date", 1), ("The 3 years to the date", 3)):
        start, label = _years_before(as_at, years), named
        if begins is not None and start < begins <= as_at:
            start, label = begins, "Since the records of leavers begin"
        if not found or found[-1][1] != start:
            found.append((label, start, as_at))
    return tuple(found)


def _build_day(council: CouncilData, as_at: date) -> RetentionDay:
    data = council.data
    workers = council.census.workers
    services = flows.team_services(data.teams)
    episodes = service_episodes(data.spells, workers, services, as_at)
    latest = census_year_of(as_at)
    begins = records_start(episodes)
    windows = _windows(as_at, begins)
    years = count_years(as_at)
    if begins is not None:  # no year before the records of leavers begin
        years = tuple(year for year in years if year >= census_year_of(begins)) or years[-1:]
    return RetentionDay(
        as_at=as_at,
        episodes=episodes,
        cohorts=(latest - COHORT_YEARS + 1, latest),
        records_start=begins,
        windows=windows,
        hazard=tuple(leaving_hazard(episodes, start, end) for _, start, end in windows),
        count_years=years,
        reasons=flows.leavers_by_reason(data.spells, workers, years),
        destinations=flows.leavers_by_destination(data.spells, workers, years),
        progression=flows.progression(data.spells, years),
        service_moves=flows.service_moves(data.spells, services, years),
        stability=flows.stability_index(data.spells, workers, as_at),
    )


def retention_day(council: CouncilData, as_at: date) -> RetentionDay:
    """The day's figures, worked out once per state of the council's data."""
    found: RetentionDay = council.snapshots.reports.get_or_build(
        (*council.key, "retention", as_at), lambda: _build_day(council, as_at)
    )
    return found


def survival_for(
    council: CouncilData, day: RetentionDay, grouping: Grouping, teams: Sequence[str] | None
) -> Survival:
    """Survival of the day's episodes by ``grouping`` (episodes that started in ``teams`` only,
    when given), once per state of the data."""
    key = (*council.key, "survival", day.as_at, grouping, tuple(teams) if teams else None)

    def build() -> Survival:
        episodes = day.episodes
        if teams is not None:
            episodes = episodes.filter(pl.col("entry_team").is_in(list(teams)))
        return survival(episodes, grouping, cohorts=day.cohorts, observed_from=day.records_start)

    found: Survival = council.snapshots.reports.get_or_build(key, build)
    return found


# --- laying the figures out ---------------------------------------------------------------------


def _pct(value: object) -> float | None:
    return round(100.0 * float(cast(float, value)), 1) if value is not None else None


def group_rows(result: Survival, suppressed: bool) -> list[GroupRow]:
    rows: list[GroupRow] = []
    for found in result.summary.iter_rows(named=True):
        milestones: list[Milestone] = []
        for years in MILESTONE_YEARS:
            at_risk = int(found[f"at_risk_{years}y"])
            hidden = suppressed and found[f"survival_{years}y"] is not None and at_risk < 5
            milestones.append(
                {
                    "years": years,
                    "at_risk": at_risk,
                    "still_here": SUPPRESSED if hidden else _pct(found[f"survival_{years}y"]),
                    "lower": SUPPRESSED if hidden else _pct(found[f"lower_{years}y"]),
                    "upper": SUPPRESSED if hidden else _pct(found[f"upper_{years}y"]),
                }
            )
        median = found["median_months"]
        rows.append(
            {
                "group": str(found["group"]),
                "episodes": int(found["episodes"]),
                "leavers": int(found["leavers"]),
                "still_here": int(found["still_here"]),
                "too_small": bool(found["too_small"]),
                "before_records": int(found["from_start"]) == 0 and int(found["episodes"]) > 0,
                "milestones": milestones,
                "median_years": round(float(median) / 12, 1) if median is not None else None,
            }
        )
    return _protect_groups(rows) if suppressed else rows


def _protect_groups(rows: list[GroupRow]) -> list[GroupRow]:
    """Small counts hidden across the groups (with a council total kept), and the numbers at
    risk under 5 hidden."""
    if not rows:
        return rows
    keys = ["episodes", "leavers", "still_here"]
    table: list[dict[str, Cell]] = [
        {"episodes": row["episodes"], "leavers": row["leavers"], "still_here": row["still_here"]}
        for row in rows
    ]
    table.append({key: sum(cast(int, row[key]) for row in table) for key in keys})
    shown = protect_counts(table, keys, total_row=True)[:-1]
    protected: list[GroupRow] = []
    for row, counts in zip(rows, shown, strict=True):
        leavers, still = counts["leavers"], counts["still_here"]
        if SUPPRESSED in (leavers, still):  # one and the total give the other
            leavers = still = SUPPRESSED
        protected.append(
            {
                **row,
                "episodes": cast(Count, counts["episodes"]),
                "leavers": cast(Count, leavers),
                "still_here": cast(Count, still),
                "milestones": [
                    {
                        **milestone,
                        "at_risk": SUPPRESSED
                        if isinstance(milestone["at_risk"], int)
                        and 0 < milestone["at_risk"] < DEFAULT_THRESHOLD
                        else milestone["at_risk"],
                    }
                    for milestone in row["milestones"]
                ],
            }
        )
    return protected


def _curve_points(result: Survival, suppressed: bool) -> list[CurvePoint]:
    curves = result.curves
    if suppressed:  # the tail resting on a handful of people is not drawn
        curves = curves.filter(pl.col("at_risk") >= DEFAULT_THRESHOLD)
    return [
        {
            "group": str(row["group"]),
            "months": round(float(row["months"]), 2),
            "still_here": round(100.0 * float(row["survival"]), 1),
            "lower": round(100.0 * float(row["lower"]), 1),
            "upper": round(100.0 * float(row["upper"]), 1),
            "at_risk": None if suppressed else int(row["at_risk"]),
        }
        for row in curves.iter_rows(named=True)
    ]


def hazard_rows(frame: pl.DataFrame, suppressed: bool) -> list[HazardRow]:
    rows: list[HazardRow] = [
        {
            "band": str(row["band"]),
            "exposure_years": round(float(row["exposure_years"]), 1),
            "leavers": int(row["leavers"]),
            "annual_rate": _pct(row["annual_rate"]),
            "chance_within_year": _pct(row["chance_within_year"]),
        }
        for row in frame.iter_rows(named=True)
    ]
    if not suppressed or not rows:
        return rows
    table: list[dict[str, Cell]] = [{"leavers": row["leavers"]} for row in rows]
    table.append({"leavers": sum(cast(int, row["leavers"]) for row in rows)})
    shown = protect_counts(table, ["leavers"], total_row=True)[:-1]
    return [
        {
            **row,
            "leavers": cast(Count, counts["leavers"]),
            "annual_rate": SUPPRESSED if counts["leavers"] == SUPPRESSED else row["annual_rate"],
            "chance_within_year": (
                SUPPRESSED if counts["leavers"] == SUPPRESSED else row["chance_within_year"]
            ),
        }
        for row, counts in zip(rows, shown, strict=True)
    ]


def _peak(rows: list[HazardRow]) -> str | None:
    """The band with the highest chance of leaving, when it is known: not when a band's figure
    is hidden (it might be the highest) or nobody left."""
    if any(row["chance_within_year"] == SUPPRESSED for row in rows):
        return None
    rated = [row for row in rows if isinstance(row["chance_within_year"], float)]
    if not rated or not any(cast(float, row["chance_within_year"]) > 0 for row in rated):
        return None
    top = max(rated, key=lambda row: cast(float, row["chance_within_year"]))
    return (
        f"Staff with {top['band'].lower()} of service were the most likely to leave: "
        f"{top['chance_within_year']}% of them within a year."
    )


def _count_table(
    frame: pl.DataFrame,
    *,
    title: str,
    label: str,
    name: str,
    value: str,
    years: Sequence[int],
    code: str | None,
    total: str,
    suppressed: bool,
    published_total: bool,
) -> CountTable:
    """One row per ``name`` with a count per year, and a total row (kept as it is when DfE
    publishes it: the census's leavers)."""
    order = list(dict.fromkeys(frame[name].to_list())) if frame.height else []
    codes: dict[str, int | None] = {}
    table: list[dict[str, Cell]] = []
    for item in order:
        mine = frame.filter(pl.col(name) == item)
        if code is not None:
            codes[str(item)] = int(mine[code][0])
        per_year = dict(zip(mine["census_year"].to_list(), mine[value].to_list(), strict=True))
        table.append({"name": str(item), **{f"y{y}": int(per_year.get(y, 0) or 0) for y in years}})
    keys = [f"y{y}" for y in years]
    table.append({"name": total, **{k: sum(int(row[k] or 0) for row in table) for k in keys}})
    shown = protect_counts(table, keys, total_row=True) if suppressed else table
    if suppressed and not published_total:  # a total DfE does not publish is hidden when small
        shown[-1] = {
            key: SUPPRESSED
            if isinstance(value, int) and 0 < value < DEFAULT_THRESHOLD and key != "name"
            else value
            for key, value in shown[-1].items()
        }
    return {
        "title": title,
        "label": label,
        "years": list(years),
        "rows": [
            {
                "name": str(row["name"]),
                "code": codes.get(str(row["name"])),
                "counts": [cast(Count, row[k]) for k in keys],
            }
            for row in shown
        ],
    }


def _stability(frame: pl.DataFrame, suppressed: bool) -> Stability:
    row = frame.row(0, named=True)
    numerator, denominator = int(row["numerator"]), int(row["denominator"])
    small = suppressed and any(
        0 < count < DEFAULT_THRESHOLD
        for count in (numerator, denominator - numerator, int(row["not_known"]))
    )
    return {
        "day": cast(date, row["day"]).isoformat(),
        "numerator": SUPPRESSED if small else numerator,
        "denominator": SUPPRESSED if small else denominator,
        "not_known": SUPPRESSED if small else int(row["not_known"]),
        "share": SUPPRESSED if small else row["share"],
    }


def _links(
    grouping: Grouping, allowed: Sequence[Grouping], as_at: date, latest: date
) -> list[GroupingLink]:
    links: list[GroupingLink] = []
    for choice in allowed:
        query = {"by": choice.value}
        if as_at != latest:
            query["as_at"] = as_at.isoformat()
        links.append(
            {
                "value": choice.value,
                "label": choice.label,
                "href": "/retention?" + urlencode(query),
                "current": choice is grouping,
            }
        )
    return links


def groupings_for(principal: Principal) -> list[Grouping]:
    """The breakdowns the person may ask for: not by team for an elected member."""
    return [g for g in Grouping if not (g is Grouping.TEAM and principal.suppress_small_numbers)]


def _own_team_names(council: CouncilData, principal: Principal) -> list[str] | None:
    wanted = principal.visible_team_ids()
    if wanted is None:
        return None
    teams = council.data.teams
    return sorted(teams.filter(pl.col("team_id").is_in(list(wanted)))["team"].to_list())


def retention_view(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    by: Grouping = Grouping.ROUTE,
) -> RetentionContext:
    """Retention on ``as_at`` (default the data date) with survival by ``by``, as the person's
    role may see it (see the module's description)."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "retention")
    if by not in groupings_for(principal):
        raise audit.refuse(
            engine,
            principal,
            "view",
            "retention",
            None,
            "elected members see retention for the council, not team by team",
        )
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise NotFoundError(f"council {council.authority.code} holds no dated records yet")
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    suppressed = principal.suppress_small_numbers
    figures = retention_day(council, day)
    in_scope = _own_team_names(council, principal)  # None: every team
    own = in_scope if principal.role is AccountRole.TEAM_MANAGER else None
    teams = in_scope if by is Grouping.TEAM else None
    result = survival_for(council, figures, by, teams)
    hazard: list[HazardWindow] = []
    for (label, start, end), frame in zip(figures.windows, figures.hazard, strict=True):
        rows = hazard_rows(frame, suppressed)
        hazard.append(
            {
                "label": label,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "rows": rows,
                "peak": _peak(rows),
            }
        )
    years = figures.count_years

    def table(
        frame: pl.DataFrame,
        title: str,
        label: str,
        name: str,
        value: str,
        code: str | None,
        total: str,
    ) -> CountTable:
        return _count_table(
            frame,
            title=title,
            label=label,
            name=name,
            value=value,
            years=years,
            code=code,
            total=total,
            suppressed=suppressed,
            published_total=code is not None,
        )

    context: RetentionContext = {
        "title": "Retention",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "suppressed": suppressed,
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat(),
        "by": by.value,
        "by_label": by.label,
        "groupings": _links(by, groupings_for(principal), day, council.latest),
        "cohorts": list(figures.cohorts),
        "records_start": figures.records_start.isoformat() if figures.records_start else None,
        "milestone_years": list(MILESTONE_YEARS),
        "council": next(
            iter(group_rows(survival_for(council, figures, Grouping.COUNCIL, None), suppressed)),
            None,
        ),
        "survival": group_rows(result, suppressed),
        "curves": _curve_points(result, suppressed),
        "hazard": hazard,
        "leavers_by_reason": table(
            figures.reasons,
            "Own-staff leavers by reason, by census year",
            "Reason for leaving",
            "label",
            "leavers",
            "reason",
            "All leavers",
        ),
        "leavers_by_destination": table(
            figures.destinations,
            "Own-staff leavers by where they went, by census year",
            "Where they went",
            "label",
            "leavers",
            "destination",
            "All leavers",
        ),
        "progression": table(
            figures.progression,
            "Progression between grades, by census year",
            "From and to",
            "move",
            "people",
            None,
            "All progressions",
        ),
        "service_moves": table(
            figures.service_moves.with_columns(
                (pl.col("from_service") + " to " + pl.col("to_service")).alias("move")
            ),
            "Moves between services, by census year",
            "From and to",
            "move",
            "people",
            None,
            "All moves",
        ),
        "stability": _stability(figures.stability, suppressed),
        "own_teams": None,
        "summary": [],
    }
    if own is not None:
        own_episodes = figures.episodes.filter(pl.col("team").is_in(own))
        start, end = figures.windows[0][1], figures.windows[0][2]
        context["own_teams"] = {
            "teams": own,
            "survival": group_rows(survival_for(council, figures, Grouping.TEAM, own), False),
            "hazard": hazard_rows(leaving_hazard(own_episodes, start, end), False),
        }
    context["summary"] = _summary(context)
    return context


def _summary(context: RetentionContext) -> list[str]:
    lines: list[str] = []
    council = context["council"]
    if council is not None and not council["too_small"]:
        for milestone in council["milestones"]:
            if milestone["years"] in (2, 3) and isinstance(milestone["still_here"], float):
                lines.append(
                    f"An estimated {milestone['still_here']}% of own social work staff are still "
                    f"with the council {milestone['years']} years after starting (most likely "
                    f"between {milestone['lower']}% and {milestone['upper']}%)."
                )
    peak = context["hazard"][0]["peak"]
    if peak:
        lines.append(f"In the 12 months to the date: {peak[0].lower()}{peak[1:]}")
    share = context["stability"]["share"]
    if isinstance(share, float):
        lines.append(
            f"{share}% of own-staff social workers have more than two years' experience since "
            "qualifying (the stability index)."
        )
    return lines


def survival_only(context: RetentionContext) -> dict[str, object]:
    """The survival part of the context (the API's /retention/survival)."""
    keys = (
        "authority",
        "suppressed",
        "as_at",
        "data_date",
        "by",
        "by_label",
        "cohorts",
        "records_start",
        "milestone_years",
        "council",
        "survival",
        "curves",
    )
    return {key: context[key] for key in keys}  # type: ignore[literal-required]
