"""Everything a board pack or scrutiny report shows, gathered once from the council snapshot.

The figures come from the same readers as the pages, never a second formula:

- census indicators by year: :func:`census_view.yearly_rows` (the council's own data) or, for a
  council with no day-to-day data in Caseload, its row in the imported DfE release;
- England, the region and the statistical neighbours: :func:`census_view.benchmark` (or
  :func:`benchmarks.compare` for a council known only from the release);
- caseloads, bands, rules broken and children waiting: :func:`caseload_views.caseloads_view`;
- continuity: the caseload report's children with their workers in the last 12 months;
- establishment and people flows: the council's frames (:class:`caseloads.CouncilData`).

The audience decides the disclosure: an internal report is read as the council's leader reads
the pages; a public one exactly as the elected member does (the same role, so the same
suppression of small numbers, and only on the data date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.domain.dates import reference_date
from caseload.errors import InvalidInputError, NotFoundError
from caseload.reports.model import Audience
from caseload.services import benchmarks, caseload_views, census_view
from caseload.services.agency import agency_check
from caseload.services.caseload_views import CaseloadsContext
from caseload.services.caseloads import CouncilData, council_data, only_council
from caseload.services.census_view import Benchmark, Row
from caseload.services.health_check import health_check_view
from caseload.services.learning import learning_records
from caseload.services.practice import (
    PracticeDay,
    practice_figures,
    practice_records,
)
from caseload.services.report_training import training_figures
from caseload.services.targets import Target, workforce_targets
from caseload.storage import queries, scorecard_store
from caseload.storage.benchmark_queries import authority as stored_authority
from caseload.storage.engine import session_scope
from caseload.workforce.agency_rules import RuleCheck

if TYPE_CHECKING:
    from caseload.services.report_learning import LearningFigures

DEFAULT_YEARS = 5  # the baseline, unless asked: four years before the latest
Values = dict[str, float | None]


@dataclass(frozen=True)
class YearComparison:
    """One census year: the council's indicators beside England, its region and its
    statistical neighbours, as the imported DfE release prints them."""

    year: int
    release: str | None
    council: Values
    england: Values
    region: Values
    region_name: str | None
    neighbours: dict[str, Values]  # indicator -> neighbour code -> value
    neighbour_names: dict[str, str | None]


@dataclass(frozen=True)
class StoredScorecard:
    as_at: date
    taken_at: datetime
    measures: dict[str, float | int | None]


@dataclass(frozen=True)
class ReportFigures:
    code: str
    name: str
    region: str | None
    audience: Audience
    local: bool  # the council's day-to-day data is in Caseload
    as_at: date | None
    data_date: date | None
    years: list[int]  # census years shown, from the baseline to the latest
    baseline_year: int | None
    yearly: dict[int, Row]  # the council's own indicators by year
    comparisons: dict[int, YearComparison]
    caseloads: CaseloadsContext | None = None
    continuity: dict[str, Any] | None = None
    bands: dict[str, int] | None = None  # case holders by caseload band (red: over their cap)
    council: CouncilData | None = field(default=None, repr=False)
    targets: dict[str, Target] = field(default_factory=dict)
    stored: list[StoredScorecard] = field(default_factory=list)
    practice: PracticeDay | None = None
    practice_trend: dict[date, dict[str, float | None]] = field(default_factory=dict)
    agency: RuleCheck | None = None
    """The agency rules on the reporting date (:func:`caseload.services.agency.check_on`)."""
    """The practice measures on each census date since the baseline before the reporting date
    (:func:`caseload.services.practice.practice_trend`)."""
    learning: LearningFigures | None = None
    """The supported first year and progression (:mod:`caseload.services.report_learning`)."""
    demand: dict[str, Any] | None = field(default=None, repr=False)  # the board pack's, internal
    health_check: dict[str, Any] | None = None
    """The latest staff health check closed by the reporting date, as the audience's reader sees
    it (:func:`caseload.services.health_check.health_check_view`); None when there is none."""
    training: dict[str, Any] | None = field(default=None, repr=False)  # the internal board pack's
    placements: pl.DataFrame | None = field(default=None, repr=False)
    """The council's pipeline of students and apprentices (the plan's newly qualified intakes)."""

    @property
    def short_name(self) -> str:
        """The council's name for a chart's legend: "Demoshire" for "Demoshire Council
        (synthetic)"."""
        name = self.name.split(" (")[0]
        for ending in (" City Council", " County Council", " Borough Council", " Council"):
            name = name.removesuffix(ending)
        return name or self.name

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def value(self, indicator: str, year: int | None = None) -> float | None:
        chosen = self.latest_year if year is None else year
        row = self.yearly.get(chosen) if chosen is not None else None
        found = row.get(indicator) if row else None
        return float(found) if isinstance(found, int | float) else None


def audience_principal(authority_id: int, audience: Audience) -> Principal:
    """Who the report is read as: the elected member for the public, the leader inside."""
    role = AccountRole.MEMBER if audience is Audience.PUBLIC else AccountRole.LEADER
    return Principal(
        user_id=0,
        username=f"{audience.value} report",
        display_name=f"{audience.value} report",
        role=role,
        authority_id=authority_id,
        source="report",
    )


def gather(
    engine: Engine,
    *,
    authority_code: str | None = None,
    authority_id: int | None = None,
    audience: Audience,
    as_at: date | None,
    baseline_year: int | None,
) -> ReportFigures:
    """The figures for a council held in Caseload (by id or code) or, when the code names a
    council Caseload holds no data for, the figures DfE published for it."""
    if authority_id is None and authority_code is None:
        authority_code = only_council(engine)
    with session_scope(engine) as session:
        if authority_id is None and authority_code is not None:
            found = stored_authority(session, authority_code)
            authority_id = found.id if found is not None else None
        holds_data = (
            authority_id is not None
            and queries.latest_data_date(session, [authority_id]) is not None
        )
    if authority_id is not None and holds_data:
        return _local(engine, authority_id, audience, as_at, baseline_year)
    if authority_code is None:
        raise NotFoundError("your council holds no figures yet: load its data first")
    return _published(engine, authority_code, audience, as_at, baseline_year)


def _years_from(available: list[int], baseline_year: int | None) -> tuple[list[int], int | None]:
    if not available:
        if baseline_year is not None:
            raise InvalidInputError(
                f"there are no census figures for {baseline_year}: none for any year yet"
            )
        return [], None
    latest = available[-1]
    if baseline_year is None:
        baseline = max(available[0], latest - DEFAULT_YEARS + 1)
        baseline = min(year for year in available if year >= baseline)
    else:
        if baseline_year not in available or baseline_year == latest:
            earlier = ", ".join(str(year) for year in available if year != latest) or "none"
            raise InvalidInputError(
                f"baseline year {baseline_year}: there are no census figures for it to compare "
                f"{latest} with; choose one of the earlier years with figures: {earlier}"
            )
        baseline = baseline_year
    return [year for year in available if year >= baseline], baseline


def _local(
    engine: Engine,
    authority_id: int,
    audience: Audience,
    as_at: date | None,
    baseline_year: int | None,
) -> ReportFigures:
    viewer = audience_principal(authority_id, audience)
    council = census_view.open_council(engine, viewer, "report")
    reporting = census_view.reporting_day(council, as_at, viewer)
    by_year = census_view.years_by(census_view.census_years(engine, council), reporting)
    years, baseline = _years_from(sorted(by_year), baseline_year)
    yearly = {
        int(str(row["year"])): row
        for row in census_view.yearly_rows(engine, council)
        if row["year"] in years
    }
    comparisons = {
        year: _from_benchmark(
            year,
            census_view.benchmark(engine, council, year, with_comparators=True),
            yearly[year],
        )
        for year in years
    }
    caseloads = None
    continuity = None
    bands = None
    frames = None
    practice = None
    agency = None
    practice_by_day: dict[date, dict[str, float | None]] = {}
    learning = None
    training = None
    placements: pl.DataFrame | None = None
    stored: list[StoredScorecard] = []
    survey: dict[str, Any] | None = None
    if reporting is not None:
        caseloads = caseload_views.caseloads_view(engine, viewer, as_at=reporting.as_at)
        scoped = caseload_views.scoped_for(engine, viewer, reporting.as_at)
        continuity = looked_after_continuity(scoped.report.continuity_by_child)
        teams = scoped.report.teams
        bands = {band: int(teams[band].sum()) for band in ("red", "amber", "green")}
        frames = council_data(engine, authority_id=authority_id)
        if not practice_records(engine, frames).empty:
            trend_days = [
                reference_date(year) for year in years if reference_date(year) < reporting.as_at
            ]
            practice, practice_by_day = practice_figures(
                engine, authority_id=authority_id, as_at=reporting.as_at, trend_days=trend_days
            )
        from caseload.services.report_learning import learning_figures

        learning = learning_figures(engine, frames, reporting.as_at, years)
        survey = staff_health_check(engine, authority_id, audience, reporting.as_at)
        agency = agency_check(engine, authority_id, reporting.as_at)
        if audience is Audience.INTERNAL:
            training = training_figures(engine, frames, reporting.as_at)
            placements = learning_records(engine, frames).placements
        with session_scope(engine) as session:
            stored = [
                StoredScorecard(day, taken, measures)
                for day, taken, measures in scorecard_store.stored_scorecards(
                    session, authority_id, reporting.as_at
                )
            ]
    return ReportFigures(
        code=council.code,
        name=council.name,
        region=council.region,
        audience=audience,
        local=True,
        as_at=reporting.as_at if reporting else None,
        data_date=reporting.data_date if reporting else None,
        years=years,
        baseline_year=baseline,
        yearly=yearly,
        comparisons=comparisons,
        caseloads=caseloads,
        continuity=continuity,
        bands=bands,
        council=frames,
        targets=workforce_targets(),
        stored=stored,
        practice=practice,
        learning=learning,
        practice_trend=practice_by_day,
        health_check=survey,
        agency=agency,
        training=training,
        placements=placements,
    )


def staff_health_check(
    engine: Engine, authority_id: int, audience: Audience, as_at: date
) -> dict[str, Any] | None:
    """The latest staff health check closed by ``as_at`` as the audience's reader sees it."""
    context = health_check_view(
        engine, audience_principal(authority_id, audience), link=False, closed_by=as_at
    )
    return context if context["survey"] is not None else None


def looked_after_continuity(per_child: pl.DataFrame) -> dict[str, Any]:
    """Looked-after children open on the day and how many had three or more allocated social
    workers in the 12 months to it (the nearest Caseload comes to DfE's measure, which counts
    children looked after on 31 March by their social workers in the year to that date)."""
    looked_after = per_child.filter(pl.col("case_type") == "cla")
    children = looked_after.height
    three = int((looked_after["workers_12m"] >= 3).sum())
    return {
        "children": children,
        "three_or_more": three,
        "share": round(100.0 * three / children, 1) if children else None,
    }


def _from_benchmark(year: int, compared: Benchmark, own: Row) -> YearComparison:
    council: Values = {
        name: float(value) if isinstance(value, int | float) else None
        for name in INDICATOR_COLUMNS
        for value in [own.get(name)]
    }
    rows = {row["name"]: row for row in compared["indicators"]}
    return YearComparison(
        year=year,
        release=compared["release"],
        council=council,
        england={name: row["england"] for name, row in rows.items()},
        region={name: row["region"] for name, row in rows.items()},
        region_name=compared["region_name"],
        neighbours={name: dict(row["comparators"]) for name, row in rows.items()},
        neighbour_names={item["code"]: item["name"] for item in compared["comparators"]},
    )


def _published(
    engine: Engine,
    code: str,
    audience: Audience,
    as_at: date | None,
    baseline_year: int | None,
) -> ReportFigures:
    found = benchmarks.published_council(engine, code)
    if found is None:
        raise NotFoundError(
            f"council {code} holds no data in Caseload and no imported DfE release has a row for "
            "it; check the 3-digit DfE code, or load DfE's published indicators"
        )
    if as_at is not None:
        raise InvalidInputError(
            f"council {code} has only DfE's published figures, which are for census years, "
            "so a report for it has no reporting date: leave the date out"
        )
    years, baseline = _years_from(benchmarks.published_years(engine), baseline_year)
    chosen = benchmarks.configured_comparators() or None  # else DfE's statistical neighbours
    comparisons: dict[int, YearComparison] = {}
    yearly: dict[int, Row] = {}
    for year in years:
        try:
            result = benchmarks.compare(engine, year=year, authority_code=code, comparators=chosen)
        except NotFoundError:
            continue  # no row for the council that year (a council reorganised, say)
        values = result.indicators()
        council: Values = {name: values[name]["council"] for name in values}
        yearly[year] = {"year": year, "source": "published", **council}
        comparisons[year] = YearComparison(
            year=year,
            release=result.release,
            council=council,
            england={name: values[name]["england"] for name in values},
            region={name: values[name]["region"] for name in values},
            region_name=result.authority["region_name"],
            neighbours={name: dict(values[name]["comparators"]) for name in values},
            neighbour_names={str(c["code"]): c["name"] for c in result.comparators},
        )
    shown = [year for year in years if year in yearly]
    return ReportFigures(
        code=code,
        name=str(found["name"]),
        region=found["region"],
        audience=audience,
        local=False,
        as_at=None,
        data_date=None,
        years=shown,
        baseline_year=shown[0] if shown else baseline,
        yearly=yearly,
        comparisons=comparisons,
        targets=workforce_targets(),
    )
