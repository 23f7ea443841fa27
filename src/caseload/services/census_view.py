"""Census figures as the overview and workforce pages (and their JSON) show them.

Every figure comes from the census engine (:func:`caseload.services.census.census_indicators`)
and the benchmarking service (:func:`caseload.services.benchmarks.compare`); nothing here
recomputes a formula. This module decides which years to show, caches what the engine computed
until the data changes, rates indicators red, amber or green (:mod:`caseload.services.rag`) and
suppresses small numbers for the roles that need it.

Years shown: the census years the day-to-day data covers (``census.covers_year``: HR data from 1
October to 30 September) from the first year in which a leaver is recorded (an HR extract that
records nobody leaving before some date holds no turnover before it), plus any year with an
imported return. At most the latest ``MAX_YEARS``."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.census.benchmarking import RANK_NOTE
from caseload.census.definitions import (
    INDICATOR_COLUMNS,
    RATE_BY_NAME,
    STOCK_BY_NAME,
    SUPPLEMENTARY_COLUMNS,
    Kind,
    kind_of,
)
from caseload.census.indicators import compute_indicators, round_indicators
from caseload.domain.codes import Role
from caseload.domain.dates import ReportingDate, reference_date, reporting_date
from caseload.domain.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, Grid
from caseload.errors import CaseloadError, NotFoundError
from caseload.services import audit, benchmarks, census, rag
from caseload.services.caseloads import REPORTING_DATE_FIELD, check_audience_date, council_data
from caseload.services.census import Breakdown, Source
from caseload.services.report_cache import engine_token, fresh_reading, policy_file_stamp
from caseload.services.snapshot import Snapshots, snapshots
from caseload.storage import change_watch, fingerprint, queries, view_queries
from caseload.storage.census_queries import returned_years
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority

MAX_YEARS = 10
Cell = float | int | str | None
Row = dict[str, Cell]
GridCell = tuple[Hashable, ...]
T = TypeVar("T")

# Member (suppressed) views: counts of 1 to 4 become "c", and each FTE or rate below becomes "c"
# when any of the counts it is about is 1 to 4: the people it measures (its denominator) and, for
# a rate, the people or cases it counts (its numerator), so that a rate never gives away a hidden
# count. "_staff" is own staff and agency workers in post together.
SUPPRESSED_COUNTS: tuple[str, ...] = (
    "inpost_headcount",
    "starters_headcount",
    "leavers_headcount",
    "agency_headcount",
    "cases",
)
SUPPRESSED_WITH: dict[str, tuple[str, ...]] = {
    "inpost_fte": ("inpost_headcount",),
    "starters_fte": ("starters_headcount",),
    "leavers_fte": ("leavers_headcount",),
    "agency_fte": ("agency_headcount",),
    "agency_cover_fte": ("agency_headcount",),
    "case_holders_fte": ("_staff",),
    "working_days_lost_fte": ("inpost_headcount",),
    "turnover_rate_fte": ("leavers_headcount", "inpost_headcount"),
    "turnover_rate_headcount": ("leavers_headcount", "inpost_headcount"),
    "agency_rate_fte": ("agency_headcount", "_staff"),
    "agency_rate_headcount": ("agency_headcount", "_staff"),
    "agency_cover_rate_fte": ("agency_headcount",),
    "vacancy_rate_fte": ("inpost_headcount",),
    "vacancy_agency_cover_rate_fte": ("agency_headcount",),
    "caseload_fte": ("cases", "_staff"),
    "absence_rate_fte": ("inpost_headcount",),
    "days_lost_per_fte": ("inpost_headcount",),
}
# "_staff" in SUPPRESSED_WITH: own staff and agency workers in post together.
_STAFF = {"_staff": ("inpost_headcount", "agency_headcount")}
# FTE that add up from teams (or roles) to the council.
ADDITIVE_FTE: tuple[str, ...] = (
    "inpost_fte",
    "starters_fte",
    "leavers_fte",
    "agency_fte",
    "case_holders_fte",
)
SUPPRESSION_NOTE = (
    "Small numbers are hidden: a count of 1 to 4 people or cases shows as 'c', and so does any "
    "FTE or rate that would reveal one, and any other figure from which one could be worked out "
    "by subtraction. Council totals are shown in full."
)

NOT_IMPORTED = "No England or regional comparison is loaded"


class AuthorityInfo(TypedDict):
    code: str
    name: str
    region: str | None


class IndicatorInfo(TypedDict):
    """One DfE indicator: its name (DfE's column), label, kind (fte, count, rate, ratio, days),
    decimal places, unit and, when it is rated, which way is better and the amber margin."""

    name: str
    label: str
    kind: str
    places: int
    unit: str
    better: str | None
    amber_within: float | None


class ComparatorInfo(TypedDict):
    code: str
    name: str | None


class BenchmarkRow(TypedDict):
    name: str
    label: str
    places: int
    unit: str
    council: float | None
    england: float | None
    region: float | None
    comparator_median: float | None
    comparators: dict[str, float | None]
    rank: int | None
    ranked: int | None
    quartile: int | None
    difference_from_england: float | None
    difference_from_region: float | None
    rag_england: str | None
    rag_region: str | None


class Benchmark(TypedDict):
    """England, region and comparators for one year; ``loaded`` is false (with ``message`` saying
    why and how to load them) when there is nothing to compare with."""

    loaded: bool
    year: int | None
    release: str | None
    message: str | None
    region_name: str | None
    comparators: list[ComparatorInfo]
    rank_note: str
    rule: str
    indicators: list[BenchmarkRow]


@dataclass(frozen=True)
class Council:
    """The principal's council and the cache key for its figures (the data as it is now)."""

    id: int
    code: str
    name: str
    region: str | None
    data_date: date | None
    key: tuple[Hashable, ...]
    snapshots: Snapshots = field(compare=False, repr=False)

    def info(self) -> AuthorityInfo:
        return {"code": self.code, "name": self.name, "region": self.region}


def open_council(engine: Engine, principal: Principal, what: str) -> Council:
    """Refuse (and record) unless the principal may see aggregates; then their council and the
    key of its data as it is now. The council and its stamps are read as fresh as
    ``report_cache.fresh_reading`` keeps them, so a page view usually costs no query here."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, what)

    def read(
        session: Session,
    ) -> tuple[tuple[int, str, str, str | None, date | None], tuple[Hashable, ...]]:
        authority = session.get(Authority, principal.authority_id)
        if authority is None:
            raise NotFoundError("your account's council is not in the database")
        stamps = (
            fingerprint.data_fingerprint(session, authority.id),
            view_queries.census_stamp(session, authority.id),
        )
        data_date = queries.latest_data_date(session, [authority.id])
        return (authority.id, authority.code, authority.name, authority.region, data_date), stamps

    council, stamps = fresh_reading(engine, ("census council", principal.authority_id), read)
    key = (
        engine_token(engine),
        council[0],
        change_watch.generation(engine),
        stamps,
        policy_file_stamp(),
        os.environ.get(benchmarks.COMPARATORS_SETTING, ""),
    )
    return Council(*council, key=key, snapshots=snapshots(engine))


def cached(council: Council, part: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per state of the council's data."""
    value: T = council.snapshots.census.get_or_build((council.key, part), build)
    return value


# --- indicators -----------------------------------------------------------------------------


def _label(name: str) -> str:
    found = STOCK_BY_NAME.get(name) or RATE_BY_NAME.get(name)
    return found.label if found is not None else name


def indicator_info(name: str) -> IndicatorInfo:
    kind = kind_of(name)
    threshold = rag.thresholds().get(name)
    return {
        "name": name,
        "label": _label(name),
        "kind": kind.value,
        "places": 0 if kind is Kind.COUNT else 1,
        "unit": "%" if kind is Kind.RATE else "",
        "better": threshold.better if threshold else None,
        "amber_within": threshold.amber_within if threshold else None,
    }


def all_indicators() -> list[IndicatorInfo]:
    return [indicator_info(name) for name in (*INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS)]


def _plain(value: Any) -> Cell:
    if isinstance(value, float | int | str) or value is None:
        return value
    return str(value)


def _rows(frame: pl.DataFrame) -> list[Row]:
    return [
        {key: _plain(value) for key, value in row.items()} for row in frame.iter_rows(named=True)
    ]


# --- years ------------------------------------------------------------------------------------


def census_years(engine: Engine, council: Council) -> dict[int, str]:
    """The years with figures, oldest first, and where each year's figures come from."""

    def build() -> dict[int, str]:
        with session_scope(engine) as session:
            authority = session.get(Authority, council.id)
            assert authority is not None
            last = queries.latest_data_date(session, [council.id])
            first_leaver = view_queries.first_leaving_date(session, council.id)
            derived: list[int] = []
            if last is not None:
                for year in range(last.year - MAX_YEARS + 1, last.year + 1):
                    recorded = first_leaver is None or first_leaver <= date(year, 9, 30)
                    if recorded and census.covers_year(session, authority, year):
                        derived.append(year)
            returned = returned_years(session, council.id)
        years = dict.fromkeys(returned, Source.RETURN.value)
        years.update(dict.fromkeys(derived, Source.DERIVED.value))
        return {year: years[year] for year in sorted(years)[-MAX_YEARS:]}

    return cached(council, "years", build)


def reporting_day(
    council: Council, as_at: date | None, principal: Principal
) -> ReportingDate | None:
    """The reporting date for the council's pages (None while it holds no dated records); an
    audience whose figures are suppressed sees the data date only."""
    if council.data_date is None:
        if as_at is not None:
            raise NotFoundError("your council holds no dated records yet")
        return None
    reporting = reporting_date(as_at, council.data_date, REPORTING_DATE_FIELD)
    check_audience_date(principal, reporting.as_at, reporting.data_date)
    return reporting


def years_by(years: dict[int, str], reporting: ReportingDate | None) -> dict[int, str]:
    """The census years whose reference date (30 September) is on or before the reporting date:
    a year still running on that day has no census figures yet."""
    if reporting is None:
        return years
    return {
        year: source for year, source in years.items() if reference_date(year) <= reporting.as_at
    }


def pick_year(years: dict[int, str], year: int | None) -> int | None:
    """The year asked for (which must have figures), else the latest year."""
    if year is None:
        return max(years) if years else None
    census.check_year(year)
    if year not in years:
        have = ", ".join(str(y) for y in years) or "none yet"
        raise NotFoundError(f"there are no census figures for {year}; years with figures: {have}")
    return year


def derived_years(engine: Engine, council: Council) -> census.CensusData | None:
    """The census records of every year the day-to-day data covers, derived in one pass from one
    read of the council's frames, once per state of the data: the yearly rows and every
    breakdown by team and role are computed from them."""

    def build() -> census.CensusData | None:
        years = census_years(engine, council)
        derived = [year for year, source in years.items() if source == Source.DERIVED.value]
        if not derived:
            return None
        return census.derive_census(council_data(engine, authority_id=council.id).census, derived)

    return cached(council, "derived census", build)


def yearly_rows(engine: Engine, council: Council) -> list[Row]:
    """One row per year: ``year``, ``source`` and every indicator, rounded as DfE publishes.
    Years from the day-to-day data are derived in one pass (the census engine takes several
    windows at once); years from imported returns are read one by one."""

    def build() -> list[Row]:
        years = census_years(engine, council)
        data = derived_years(engine, council)
        by_year: dict[int, Row] = {}
        if data is not None:
            frame = round_indicators(
                compute_indicators(data.records, data.vacancies, supplementary=True)
            )
            for row in _rows(frame.drop("LEA")):
                year = int(str(row.pop("Year")))
                by_year[year] = {"year": year, "source": data.source, **row}
        for year, source in years.items():
            if source != Source.DERIVED.value:
                table = census.census_indicators(
                    engine, census_year=year, authority_code=council.code, source=source
                )
                for row in _rows(table.frame.drop("LEA", "Year")):
                    by_year[year] = {"year": year, "source": table.source, **row}
        return [by_year[year] for year in sorted(by_year)]

    return cached(council, "yearly", build)


def breakdown_rows(
    engine: Engine, council: Council, year: int, by: Breakdown
) -> tuple[list[Row], str | None]:
    """Indicators by team or role for the year (unsuppressed), or a note saying why there are
    none. Rows carry ``label`` (the team's name or the role as people write it)."""

    def build() -> tuple[list[Row], str | None]:
        source = census_years(engine, council).get(year)
        if source != Source.DERIVED.value:
            return [], (
                f"Figures by team and role need day-to-day data covering the {year} census "
                "year; that year's figures come from an imported return."
            )
        data = derived_years(engine, council)
        assert data is not None and data.vacancy_detail is not None
        in_year = pl.col("Year") == year
        frame = round_indicators(
            compute_indicators(
                data.records.filter(in_year),
                data.vacancy_detail.filter(in_year),
                (by.value,),
                supplementary=True,
            )
        ).drop("LEA", "Year")
        if by is Breakdown.ROLE:
            order = {role.value: index for index, role in enumerate(Role)}
            frame = frame.with_columns(
                pl.col("role")
                .replace_strict(order, default=len(order), return_dtype=pl.Int64)
                .alias("_order"),
                pl.col("role")
                .replace_strict({role.value: role.label for role in Role}, default=pl.col("role"))
                .alias("label"),
            ).sort("_order")
            frame = frame.drop("_order")
            rows = _rows(
                frame.select(by.value, "label", *INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS)
            )
        else:
            frame = frame.with_columns(pl.col("team").fill_null("No team").alias("label"))
            rows = _rows(
                frame.select(by.value, "label", *INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS)
            )
            rows.sort(key=lambda row: natural_key(str(row["label"])))
        return rows, None

    return cached(council, ("breakdown", year, by.value), build)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting "Team 2" before "Team 10"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def suppress_rows(rows: Sequence[Row]) -> list[Row]:
    """One table's rows with small numbers suppressed, and every figure built from them
    (``SUPPRESSED_COUNTS`` and ``SUPPRESSED_WITH``); see :func:`suppress_tables`."""
    return suppress_tables({"rows": rows}, None)["rows"]


def suppress_tables(
    tables: Mapping[str, Sequence[Row]], totals: Row | None
) -> dict[str, list[Row]]:
    """Breakdowns shown together (by team and by role for one year) with small numbers
    suppressed through :mod:`caseload.domain.disclosure`: counts of 1 to 4 and every FTE or rate
    built from them, and, where the rows of a table add up to the council's ``totals`` (shown in
    full beside them), enough other cells that no hidden one can be worked out by subtraction.
    (For elected members the caseload pages' figures join the same grid:
    :mod:`caseload.services.caseload_disclosure`.)"""
    grid: Grid[GridCell] = Grid()
    census_cells(grid, (), tables, totals)
    return apply_hidden(tables, grid.protect(DEFAULT_THRESHOLD).hidden, ())


def census_cells(
    grid: Grid[GridCell],
    prefix: GridCell,
    tables: Mapping[str, Sequence[Row]],
    totals: Row | None,
) -> None:
    """Add the breakdowns' cells (``(*prefix, table, row index, column)``), the figures built
    from their counts, and the sums to the council's ``totals`` (kept: shown in full)."""
    for name, rows in tables.items():
        for index, row in enumerate(rows):
            for count in SUPPRESSED_COUNTS:
                grid.count((*prefix, name, index, count), int(_value(row.get(count))))
            for figure, counts in SUPPRESSED_WITH.items():
                sources = [
                    (*prefix, name, index, source)
                    for source in counts
                    for source in _STAFF.get(source, (source,))
                ]
                value = row.get(figure)
                grid.figure(
                    (*prefix, name, index, figure),
                    float(value) if isinstance(value, int | float) else None,
                    of=sources,
                )
    if totals is None:
        return
    for column in (*SUPPRESSED_COUNTS, *ADDITIVE_FTE):
        total = (*prefix, "council", column)
        if column in SUPPRESSED_COUNTS:
            grid.count(total, int(_value(totals.get(column))))
        else:
            grid.figure(total, _value(totals.get(column)))
        grid.keep(total)
        for name, rows in tables.items():
            parts = [(*prefix, name, index, column) for index in range(len(rows))]
            within = 1e-6 if column in SUPPRESSED_COUNTS else 0.05 * (len(parts) + 1)
            grid.add_sum_if_exact(total, parts, within=within)


def apply_hidden(
    tables: Mapping[str, Sequence[Row]], hidden: Container[GridCell], prefix: GridCell
) -> dict[str, list[Row]]:
    """The tables with each hidden cell (as :func:`census_cells` names them) shown as ``c``."""
    return {
        name: [
            {
                key: SUPPRESSED if (*prefix, name, index, key) in hidden else value
                for key, value in row.items()
            }
            for index, row in enumerate(rows)
        ]
        for name, rows in tables.items()
    }


def _value(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


# --- benchmarks -------------------------------------------------------------------------------


def _no_benchmark(year: int | None, message: str) -> Benchmark:
    return {
        "loaded": False,
        "year": year,
        "release": None,
        "message": message,
        "region_name": None,
        "comparators": [],
        "rank_note": RANK_NOTE,
        "rule": rag.rule_text(),
        "indicators": [],
    }


def benchmark(
    engine: Engine, council: Council, year: int | None, *, with_comparators: bool
) -> Benchmark:
    """The council against England, its region and (when asked) the configured comparators
    (``CASELOAD_COMPARATORS``) or else its DfE statistical neighbours, with RAG ratings. Never
    raises for missing benchmark data: the result says what is missing and how to load it."""

    def build() -> Benchmark:
        if year is None:
            return _no_benchmark(None, "There are no census figures to compare yet.")
        notes: list[str] = []
        # With comparators: those configured, else the council's statistical neighbours (None).
        chosen: tuple[str, ...] | None = () if not with_comparators else None
        if with_comparators:
            try:
                chosen = benchmarks.configured_comparators() or None
            except CaseloadError as exc:
                chosen = ()
                notes.append(f"Comparators are not shown: {exc}.")
        try:
            result = _compare(engine, council, year, chosen, notes)
        except NotFoundError as exc:
            return _no_benchmark(year, _missing_message(year, str(exc)))
        rows: list[BenchmarkRow] = []
        for name, values in result.indicators().items():
            info = indicator_info(name)
            rows.append(
                {
                    "name": name,
                    "label": info["label"],
                    "places": info["places"],
                    "unit": info["unit"],
                    "council": values["council"],
                    "england": values["england"],
                    "region": values["region"],
                    "comparator_median": values["comparator_median"],
                    "comparators": values["comparators"],
                    "rank": values["rank"],
                    "ranked": values["ranked"],
                    "quartile": values["quartile"],
                    "difference_from_england": values["difference_from_england"],
                    "difference_from_region": values["difference_from_region"],
                    "rag_england": rag.rate(name, values["council"], values["england"]),
                    "rag_region": rag.rate(name, values["council"], values["region"]),
                }
            )
        return {
            "loaded": True,
            "year": year,
            "release": result.release,
            "message": " ".join(notes) or None,
            "region_name": result.authority["region_name"],
            "comparators": [
                {"code": str(item["code"]), "name": item["name"]} for item in result.comparators
            ],
            "rank_note": RANK_NOTE,
            "rule": rag.rule_text(),
            "indicators": rows,
        }

    return cached(council, ("benchmark", year, with_comparators), build)


def latest_benchmark(engine: Engine, council: Council, years: Sequence[int]) -> Benchmark:
    """The comparison for the latest year that both the council's figures and the imported DfE
    release cover (DfE publishes a year's figures months after the census date, so the council's
    latest year is often not there yet)."""
    found = benchmark(engine, council, max(years) if years else None, with_comparators=False)
    for year in sorted(years, reverse=True)[1:]:
        if found["loaded"] or NOT_IMPORTED in str(found["message"]):
            break
        earlier = benchmark(engine, council, year, with_comparators=False)
        if earlier["loaded"]:
            return earlier
    return found


def _compare(
    engine: Engine, council: Council, year: int, chosen: Sequence[str] | None, notes: list[str]
) -> benchmarks.CouncilComparison:
    # The council's own figures are the ones its pages show, from the snapshot (a year from an
    # imported return, or with no figures, is left to the benchmarking service).
    own = next((row for row in yearly_rows(engine, council) if row["year"] == year), None)
    values = (
        None
        if own is None
        else {
            name: float(value) if isinstance(value, int | float) else None
            for name in INDICATOR_COLUMNS
            for value in [own.get(name)]
        }
    )

    def ask(comparators: Sequence[str] | None) -> benchmarks.CouncilComparison:
        return benchmarks.compare(
            engine,
            year=year,
            authority_code=council.code,
            comparators=comparators,
            own_values=values,
        )

    if chosen is None:
        return ask(None)
    if chosen:
        try:
            return ask(chosen)
        except NotFoundError as exc:
            if "comparator" not in str(exc):
                raise
            notes.append(f"Comparators are not shown: {exc}.")
    return ask(())


def _missing_message(year: int, reason: str) -> str:
    if "no published indicators have been imported" in reason:
        return (
            f"{NOT_IMPORTED}: DfE's published workforce indicators have not been loaded. Ask "
            "your administrator to load them: the latest release comes with Caseload."
        )
    return (
        f"No England or regional comparison for {year}: {reason}. Ask your administrator to "
        "load a DfE release that covers the year."
    )
