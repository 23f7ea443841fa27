"""The headline scorecard: the five areas the Workforce Steering Group monitors, each measure
rated against the council's own target (:mod:`caseload.services.targets`) and against England,
the region and the statistical neighbours, with its trend.

A measure's value is the one the pages show for the same date: census indicators for the latest
census year (the workforce page), the rest on the reporting date (the caseloads page and the
caseload report). Trends use stored scorecards (``caseload report snapshot``) where there are
any, as they were reported; otherwise census measures are traced over the census years from
today's data."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import Engine

from caseload.census.benchmarking.reference import CONTINUITY_YEAR, shipped_continuity
from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.errors import InvalidInputError, NotFoundError
from caseload.reports.model import Audience
from caseload.retention import flows
from caseload.services import audit, rag
from caseload.services.audit import Actor
from caseload.services.benchmarks import statistical_neighbours
from caseload.services.practice import PRACTICE_MEASURES
from caseload.services.report_figures import ReportFigures, gather
from caseload.storage import scorecard_store
from caseload.storage.engine import session_scope

CASELOADS = "Manageable caseloads"
RECORDING = "Recording data"
QUALITY = "Quality and learning"
RETENTION = "Recruitment and retention"
PRACTICE = "Quality of frontline practice"
AREAS = (CASELOADS, RECORDING, QUALITY, RETENTION, PRACTICE)
NO_DATA_YET = {
    CASELOADS: "needs the council's case records (the SSD)",
    RECORDING: "needs statutory visits with the dates they were written up (the SSD's visits "
    "tables)",
    QUALITY: "needs supervision records (the supervision import)",
    RETENTION: "needs the council's HR records",
    PRACTICE: "needs statutory visits (the SSD's visits tables) or case file audits (the audit "
    "import)",
}
Value = float | int | str | None
CONTINUITY_AMBER_WITHIN = 5.0  # points worse than England before continuity is red


@dataclass(frozen=True)
class MeasureSpec:
    key: str
    area: str
    label: str
    unit: str  # "%" or ""
    places: int
    better: Literal["lower", "higher"]
    census: bool  # a census indicator (latest census year) or a figure on the reporting date


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec("caseload_fte", CASELOADS, "Average caseload (DfE)", "", 1, "lower", True),
    MeasureSpec(
        "over_cap_share", CASELOADS, "Case holders over their caseload cap", "%", 1, "lower", False
    ),
    MeasureSpec(
        "children_waiting", CASELOADS, "Children waiting for a social worker", "", 0, "lower", False
    ),
    MeasureSpec(
        "cla_three_or_more_share",
        CASELOADS,
        "Looked-after children with 3 or more social workers in 12 months",
        "%",
        1,
        "lower",
        False,
    ),
    MeasureSpec("turnover_rate_fte", RETENTION, "Turnover rate", "%", 1, "lower", True),
    MeasureSpec("agency_rate_fte", RETENTION, "Agency worker rate", "%", 1, "lower", True),
    MeasureSpec("vacancy_rate_fte", RETENTION, "Vacancy rate", "%", 1, "lower", True),
    MeasureSpec("absence_rate_fte", RETENTION, "Sickness absence rate", "%", 1, "lower", True),
    MeasureSpec(
        "recording_on_time",
        RECORDING,
        "Visits written up within the standard",
        "%",
        1,
        "higher",
        False,
    ),
    MeasureSpec(
        "supervision_compliance",
        QUALITY,
        "Supervision up to date (share of worker-days)",
        "%",
        1,
        "higher",
        False,
    ),
    MeasureSpec(
        "visits_on_time", PRACTICE, "Statutory visits made on time", "%", 1, "higher", False
    ),
    MeasureSpec(
        "audits_good_or_better",
        PRACTICE,
        "Case file audits graded good or better",
        "%",
        1,
        "higher",
        False,
    ),
    MeasureSpec(
        "stability_index",
        RETENTION,
        "Social workers with more than 2 years' experience",
        "%",
        1,
        "higher",
        False,
    ),
)
BY_KEY = {spec.key: spec for spec in MEASURES}


@dataclass(frozen=True)
class Measure:
    spec: MeasureSpec
    value: Value
    as_of: str  # "2025 census" or the reporting date
    target: float | None
    rag_target: str | None
    england: float | None
    region: float | None
    neighbour_median: float | None
    rag_england: str | None
    rag_region: str | None
    rag_neighbours: str | None  # against the neighbours' median
    better_than: int | None  # neighbours the council does better than
    neighbours_ranked: int | None
    trend: tuple[tuple[str, Value], ...]
    trend_source: str  # "stored", "census years", "practice records" or "none"


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rate(better: str, value: float | None, benchmark: float | None, margin: float) -> str | None:
    if value is None or benchmark is None:
        return None
    worse = value - benchmark if better == "lower" else benchmark - value
    if worse <= 1e-9:
        return "green"
    return "amber" if worse <= margin + 1e-9 else "red"


def better_than(better: str, value: float | None, others: list[float]) -> int | None:
    """How many of ``others`` the council does strictly better than (None without a value)."""
    if value is None or not others:
        return None
    if better == "lower":
        return sum(1 for other in others if value < other)
    return sum(1 for other in others if value > other)


def day_values(figures: ReportFigures) -> dict[str, Value]:
    """The measures on the reporting date, as the audience may see them."""
    values: dict[str, Value] = {}
    caseloads = figures.caseloads
    if caseloads is not None:
        summary = caseloads["summary"]
        values["caseload_fte_day"] = summary["dfe_average"]
        values["children_waiting"] = summary["unallocated"]
    bands = figures.bands
    if bands is not None:
        holders = bands["red"] + bands["amber"] + bands["green"]
        hidden = figures.audience is Audience.PUBLIC and (
            is_small(bands["red"]) or is_small(holders - bands["red"])
        )
        share = round(100.0 * bands["red"] / holders, 1) if holders else None
        values["over_cap_share"] = SUPPRESSED if hidden else share
    continuity = figures.continuity
    if continuity is not None:
        hidden = figures.audience is Audience.PUBLIC and is_small(continuity["three_or_more"])
        values["cla_three_or_more_share"] = SUPPRESSED if hidden else continuity["share"]
    if figures.practice is not None:
        for name in PRACTICE_MEASURES:
            value = figures.practice.measure(name)
            if value is not None:
                values[name] = value
    if figures.council is not None and figures.as_at is not None:
        frames = figures.council
        stability = flows.stability_index(
            frames.data.spells, frames.census.workers, figures.as_at
        ).row(0, named=True)
        hidden = figures.audience is Audience.PUBLIC and (
            is_small(stability["numerator"])
            or is_small(stability["denominator"] - stability["numerator"])
        )
        values["stability_index"] = SUPPRESSED if hidden else stability["share"]
    return values


def current_values(figures: ReportFigures) -> dict[str, Value]:
    """Every measure's value for the report's date (census measures: the latest census year)."""
    values = day_values(figures)
    for spec in MEASURES:
        if spec.census:
            values[spec.key] = figures.value(spec.key)
    values.pop("caseload_fte_day", None)
    return values


def continuity_benchmarks(figures: ReportFigures) -> tuple[float | None, float | None, list[float]]:
    table = shipped_continuity()
    england = table.filter(table["geographic_level"] == "National")["percentage"].to_list()
    region = table.filter(
        (table["geographic_level"] == "Regional") & (table["region_name"] == figures.region)
    )["percentage"].to_list()
    codes = statistical_neighbours(figures.code)
    neighbours = table.filter(table["la_code"].is_in(list(codes)))["percentage"].drop_nulls()
    return (
        england[0] if england else None,
        region[0] if region else None,
        [float(value) for value in neighbours.to_list()],
    )


def scorecard(figures: ReportFigures) -> list[Measure]:
    """Each measure with its ratings and trend (measures with no figure are left out)."""
    values = current_values(figures)
    latest = figures.latest_year
    compared = None
    for year in reversed(figures.years):
        found = figures.comparisons.get(year)
        if found is not None and found.release is not None:
            compared = found
            break
    measures: list[Measure] = []
    for spec in MEASURES:
        if spec.key not in values or values[spec.key] is None:
            continue
        value = values[spec.key]
        number = _number(value)
        england = region = median = None
        others: list[float] = []
        benchmark_year = None
        if spec.census and compared is not None:
            england = compared.england.get(spec.key)
            region = compared.region.get(spec.key)
            others = [v for v in compared.neighbours.get(spec.key, {}).values() if v is not None]
            benchmark_year = compared.year
        elif spec.key == "cla_three_or_more_share":
            england, region, others = continuity_benchmarks(figures)
            benchmark_year = CONTINUITY_YEAR
        if others:
            median = round(statistics.median(others), spec.places)
        target = figures.targets.get(spec.key)
        own_value = number
        if spec.census and benchmark_year is not None and benchmark_year != latest:
            # Compare like with like: the council's figure for the year DfE last published.
            own_value = figures.value(spec.key, benchmark_year)
        trend, source = _trend(figures, spec, value)

        def against(
            benchmark: float | None, spec: MeasureSpec = spec, own: float | None = own_value
        ) -> str | None:
            """The benchmark rule of the pages (census indicators), or the continuity margin."""
            if spec.census:
                return rag.rate(spec.key, own, benchmark)
            return _rate(spec.better, own, benchmark, CONTINUITY_AMBER_WITHIN)

        measures.append(
            Measure(
                spec=spec,
                value=value,
                as_of=f"{latest} census"
                if spec.census
                else (figures.as_at.strftime("%-d %b %Y") if figures.as_at else ""),
                target=target.target if target else None,
                rag_target=target.rate(number) if target else None,
                england=england,
                region=region,
                neighbour_median=median,
                rag_england=against(england),
                rag_region=against(region),
                rag_neighbours=against(median),
                better_than=better_than(spec.better, own_value, others),
                neighbours_ranked=len(others) or None,
                trend=trend,
                trend_source=source,
            )
        )
    return measures


def _label(day: date | None) -> str:
    return day.strftime("%b %Y") if day else "now"


def _trend(
    figures: ReportFigures, spec: MeasureSpec, current: Value
) -> tuple[tuple[tuple[str, Value], ...], str]:
    """The measure over time: the stored scorecards as they were reported, with today's figure
    after them; without any, census measures by census year and practice measures on each
    census date since the baseline and on the reporting date, from today's data."""
    stored: list[tuple[str, Value]] = [
        (_label(item.as_at), item.measures.get(spec.key))
        for item in figures.stored
        if spec.key in item.measures
    ]
    if stored:
        if figures.stored[-1].as_at != figures.as_at:
            stored.append((_label(figures.as_at), current))
        return tuple(stored), "stored"
    if spec.census:
        return tuple((str(year), figures.value(spec.key, year)) for year in figures.years), (
            "census years"
        )
    if spec.key in PRACTICE_MEASURES and figures.practice_trend:
        points = (
            *(
                (_label(day), measures.get(spec.key))
                for day, measures in sorted(figures.practice_trend.items())
            ),
            (_label(figures.as_at), current),
        )
        if sum(value is not None for _, value in points) >= 2:
            return points, "practice records"
    return (), "none"


# --- stored scorecards ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredSnapshot:
    code: str
    as_at: date
    measures: dict[str, Value]
    replaced: bool


def take_snapshot(
    engine: Engine,
    *,
    authority_code: str | None,
    as_at: date | None,
    actor: Actor,
    taken_at: datetime,
    replace: bool = False,
) -> StoredSnapshot:
    """Store the scorecard of ``as_at`` (default the data date) as it stands now. A date already
    stored is kept unless ``replace`` (the stored one is what the group was told)."""
    figures = gather(
        engine,
        authority_code=authority_code,
        audience=Audience.INTERNAL,
        as_at=as_at,
        baseline_year=None,
    )
    if not figures.local or figures.as_at is None:
        raise NotFoundError(
            f"council {figures.code} holds no day-to-day data in Caseload, so it has no "
            "scorecard to store"
        )
    values: dict[str, float | int | None] = {
        key: value for key, value in current_values(figures).items() if not isinstance(value, str)
    }
    with session_scope(engine) as session:
        authority = scorecard_store.authority_id_of(session, figures.code)
        already = figures.as_at in scorecard_store.stored_days(session, authority)
        if already and not replace:
            raise InvalidInputError(
                f"the scorecard of {figures.as_at.isoformat()} is already stored; the stored one "
                "is what was reported. To store it again from today's data, add --replace"
            )
        scorecard_store.append_scorecard(
            session,
            authority_id=authority,
            as_at=figures.as_at,
            measures=values,
            taken_by=actor.name,
            taken_at=taken_at,
        )
        audit.record_in(
            session,
            audit.under(actor, authority),
            "store",
            "scorecard",
            figures.as_at.isoformat(),
            {"replaced": already},
        )
    return StoredSnapshot(figures.code, figures.as_at, dict(values), already)
