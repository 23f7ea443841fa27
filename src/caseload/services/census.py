"""Census records and indicators for councils, from day-to-day data or imported returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.census.definitions import INDICATOR_COLUMNS as INDICATOR_COLUMNS
from caseload.census.definitions import RATE_BY_NAME as RATE_BY_NAME
from caseload.census.definitions import STOCK_BY_NAME as STOCK_BY_NAME
from caseload.census.definitions import SUPPLEMENTARY_COLUMNS as SUPPLEMENTARY_COLUMNS
from caseload.census.definitions import Change as Change
from caseload.census.definitions import change_between
from caseload.census.derive import (
    DayToDay,
    Window,
    council_vacancies,
    derive_records,
    derive_vacancies,
)
from caseload.census.indicators import compute_indicators, round_indicators
from caseload.census.series import SERIES_COLUMNS as SERIES_COLUMNS
from caseload.census.series import indicators_on
from caseload.census.trends import IndicatorTrend as IndicatorTrend
from caseload.census.trends import indicator_trend
from caseload.domain.census_records import VACANCY_SCHEMA, conform_records
from caseload.errors import InvalidInputError, NotFoundError
from caseload.practice.asye import with_asye_years
from caseload.services.caseloads import council_data
from caseload.storage import learning_frames, queries, workforce_frames
from caseload.storage.columnar import columnar_reader
from caseload.storage.engine import session_scope
from caseload.storage.frames import FrameSource
from caseload.storage.models import Authority
from caseload.storage.schema import require_current
from caseload.storage.workforce_frames import ALLOCATED_SCHEMA


class Source(str, Enum):
    DERIVED = "derived"
    RETURN = "return"


class Breakdown(str, Enum):
    TEAM = "team"
    ROLE = "role"


@dataclass(frozen=True)
class CensusData:
    """Census records (record shape) and council-level vacancies for one or more authorities.
    ``vacancy_detail`` breaks vacancies down by team and role where derived data allows."""

    records: pl.DataFrame
    vacancies: pl.DataFrame
    vacancy_detail: pl.DataFrame | None
    source: str


def day_to_day(
    source: FrameSource, authority_ids: Sequence[int], windows: Sequence[Window]
) -> DayToDay:
    """The census engine's inputs for these councils, read in one pass: the cases each worker
    held on each reference day counted by the database, and only the absences under way in the
    years' windows."""
    return DayToDay(
        spells=workforce_frames.spells_frame(source, authority_ids),
        workers=with_asye_years(
            workforce_frames.workers_frame(source, authority_ids),
            learning_frames.asye_programmes_frame(source, authority_ids),
        ),
        allocations=pl.DataFrame(schema=ALLOCATED_SCHEMA),
        cases_held=workforce_frames.cases_held_frame(
            source, authority_ids, [window.reference for window in windows]
        ),
        absences=workforce_frames.absences_frame(
            source,
            authority_ids,
            overlapping=(
                min(window.start for window in windows),
                max(window.reference for window in windows),
            ),
        ),
        posts=workforce_frames.posts_frame(source, authority_ids),
    )


def _covers(span: tuple[date | None, date | None], census_year: int) -> bool:
    first, last = span
    return (
        first is not None
        and last is not None
        and first <= date(census_year - 1, 10, 1)
        and last >= date(census_year, 9, 30)
    )


def covers_year(session: Session, authority: Authority, census_year: int) -> bool:
    """Whether the day-to-day data spans the whole census year."""
    return _covers(queries.data_spans(session, [authority.id])[authority.id], census_year)


def derive_census(data: DayToDay, years: Sequence[int]) -> CensusData:
    """Census records and vacancies for every council in ``data`` and every year, in one pass
    (the engine groups by council)."""
    windows = [Window.census_year(year) for year in years]
    records = derive_records(data, windows).drop("AsAt")
    detail = derive_vacancies(data, windows)
    return CensusData(records, council_vacancies(detail), detail, Source.DERIVED.value)


def derived_census(
    source: FrameSource, authority_ids: Sequence[int], years: Sequence[int]
) -> CensusData:
    """The councils' census records derived from their day-to-day data, read in one pass."""
    windows = [Window.census_year(year) for year in years]
    return derive_census(day_to_day(source, authority_ids, windows), years)


def _returned_census(session: Session, authority_ids: Sequence[int], year: int) -> CensusData:
    from caseload.storage.census_queries import return_records

    records, vacancies = return_records(session, authority_ids, year)
    return CensusData(conform_records(records), vacancies, None, Source.RETURN.value)


def _pairs(frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` whose council and year are among ``pairs`` (LEA, Year)."""
    return frame.join(pairs, on=["LEA", "Year"], how="semi", maintain_order="left")


def _census_for(
    engine: Engine,
    session: Session,
    authorities: Sequence[Authority],
    census_years: Sequence[int],
    source: Source | None,
) -> CensusData:
    """Every council's census for the years: each council-year whose day-to-day data covers the
    year (or every one, with ``source`` derived) derived in one pass from one read of all those
    councils' tables, the others from their imported returns in one read a year; never a loop
    over councils."""
    spans = queries.data_spans(session, [authority.id for authority in authorities])
    chosen = {
        (authority, year): source
        or (Source.DERIVED if _covers(spans[authority.id], year) else Source.RETURN)
        for authority in authorities
        for year in census_years
    }
    derived = [pair for pair, kind in chosen.items() if kind is Source.DERIVED]
    parts: list[CensusData] = []
    if derived:
        ids = sorted({authority.id for authority, _ in derived})
        years = sorted({year for _, year in derived})
        if len(ids) == 1:
            # One council: its snapshot already holds the frames (read once per data state).
            part = derive_census(council_data(engine, authority_id=ids[0]).census, years)
        else:
            with columnar_reader(engine) as reader:
                part = derived_census(reader, ids, years)
        if len(derived) < len(ids) * len(years):
            pairs = pl.DataFrame(
                [(authority.code, year) for authority, year in derived],
                schema={"LEA": pl.Utf8, "Year": pl.Int64},
                orient="row",
            )
            detail = part.vacancy_detail
            part = CensusData(
                _pairs(part.records, pairs),
                _pairs(part.vacancies, pairs),
                None if detail is None else _pairs(detail, pairs),
                part.source,
            )
        parts.append(part)
    for year in census_years:
        returned = [a.id for a in authorities if chosen[(a, year)] is Source.RETURN]
        if returned:
            parts.append(_returned_census(session, returned, year))
    present = {
        (str(code), int(year))
        for part in parts
        for frame in (part.records, part.vacancies)
        for code, year in frame.select("LEA", "Year").unique().iter_rows()
    }
    missing = [pair for pair in chosen if (pair[0].code, pair[1]) not in present]
    if missing and (source is not None or len(authorities) == 1):
        authority, year = missing[0]
        raise NotFoundError(
            f"no {chosen[(authority, year)].value} census data for authority {authority.code} "
            f"in {year}; import its return with 'caseload census import' or load "
            "day-to-day data covering 1 Oct to 30 Sep"
        )
    parts = [part for part in parts if part.records.height or part.vacancies.height]
    if not parts:
        wanted = ", ".join(str(year) for year in census_years)
        raise NotFoundError(f"no census data for {wanted} in the database")
    sources = sorted({part.source for part in parts})
    details = [part.vacancy_detail for part in parts if part.vacancy_detail is not None]
    return CensusData(
        records=pl.concat([part.records for part in parts]).sort(
            "LEA", "Year", maintain_order=True
        ),
        vacancies=pl.concat([part.vacancies for part in parts])
        .cast(VACANCY_SCHEMA)  # type: ignore[arg-type]
        .sort("LEA", "Year", maintain_order=True),
        vacancy_detail=pl.concat(details) if len(details) == len(parts) else None,
        source="+".join(sources),
    )


def check_year(census_year: int) -> None:
    if not 2000 <= census_year <= 2100:
        raise InvalidInputError(f"--year must be a census year such as 2025, not {census_year}")


ALL_AUTHORITIES = "all"


def names_several(authority: str | None, region: str | None = None) -> bool:
    """Whether ``--authority`` (all, or codes separated by commas) or ``--region`` asks for
    several councils rather than one."""
    if region is not None:
        return True
    return authority is not None and (
        authority.strip().lower() == ALL_AUTHORITIES or "," in authority
    )


def authority_codes(authority: str | None) -> list[str] | None:
    """The codes an ``--authority`` value names: None (every authority) for no value or
    ``all``, else the comma-separated codes."""
    if authority is None or authority.strip().lower() == ALL_AUTHORITIES:
        return None
    codes = [code.strip() for code in authority.split(",") if code.strip()]
    if not codes:
        raise InvalidInputError(
            "--authority must be a 3-digit code, several separated by commas, or all"
        )
    return codes


def load_census(
    engine: Engine,
    *,
    census_year: int,
    authority_code: str | None = None,
    source: Source | str | None = None,
    region: str | None = None,
    last_year: int | None = None,
) -> CensusData:
    """Census records for the authorities chosen and the year: ``authority_code`` is one code,
    several separated by commas, or ``all`` (the default), narrowed to ``region`` when given.
    Default source: derived where the day-to-day data covers the year, otherwise the imported
    return. With ``last_year``, every year from ``census_year`` to it. Every council and year is
    read and derived in one pass."""
    years = year_range(census_year, last_year)
    require_current(engine)
    chosen = Source(source) if source is not None else None
    with session_scope(engine) as session:
        authorities = queries.authorities_in(session, authority_codes(authority_code), region)
        return _census_for(engine, session, authorities, years, chosen)


def year_range(first: int, last: int | None) -> list[int]:
    """The census years from ``first`` to ``last`` (``first`` alone without it)."""
    check_year(first)
    if last is None:
        return [first]
    check_year(last)
    if last < first:
        raise InvalidInputError(f"--to-year must not be before --year {first}, not {last}")
    return list(range(first, last + 1))


@dataclass(frozen=True)
class IndicatorTable:
    frame: pl.DataFrame  # rounded as DfE publishes; null where DfE prints z or x
    source: str
    breakdown: str | None

    def rows(self) -> list[dict[str, Any]]:
        return self.frame.to_dicts()


def census_indicators(
    engine: Engine,
    *,
    census_year: int,
    authority_code: str | None = None,
    by: Breakdown | None = None,
    source: Source | str | None = None,
    region: str | None = None,
    last_year: int | None = None,
) -> IndicatorTable:
    """DfE's indicators per authority and year (or per team or role within each)."""
    census = load_census(
        engine,
        census_year=census_year,
        authority_code=authority_code,
        source=source,
        region=region,
        last_year=last_year,
    )
    breakdown: tuple[str, ...] = ()
    vacancies = census.vacancies
    if by is not None:
        if census.source != Source.DERIVED.value:
            raise InvalidInputError(
                f"--by {by.value} needs day-to-day data for the year; an imported return has no "
                "teams, and its roles give no vacancies (use --source derived)"
            )
        breakdown = (by.value,)
        assert census.vacancy_detail is not None
        vacancies = census.vacancy_detail
    frame = compute_indicators(census.records, vacancies, breakdown, supplementary=True)
    return IndicatorTable(round_indicators(frame), census.source, by.value if by else None)


def council_indicators(
    engine: Engine, *, census_year: int, authority_code: str
) -> dict[str, float | None]:
    """One council's indicators for one year, rounded as DfE publishes (for benchmarking)."""
    table = census_indicators(engine, census_year=census_year, authority_code=authority_code)
    row = table.frame.select(INDICATOR_COLUMNS).row(0, named=True)
    return {name: (None if value is None else float(value)) for name, value in row.items()}


def month_ends(first: date, last: date) -> list[date]:
    days = pl.date_range(first, last, "1mo", eager=True).dt.month_end()
    return [day for day in days.to_list() if first <= day <= last]


def monthly_series(
    engine: Engine, *, authority_code: str, first: date | None = None, last: date | None = None
) -> pl.DataFrame:
    """Stock indicators (in post, agency, vacancy rate, caseload) at each month end."""
    require_current(engine)
    with session_scope(engine) as session:
        (authority,) = queries.authorities(session, authority_code)
        end = last or queries.latest_data_date(session, [authority.id])
        if end is None:
            raise NotFoundError(f"authority {authority_code} has no day-to-day data")
        start = first or date(end.year - 1, end.month, 1)
        if start > end:
            raise InvalidInputError("--from must be on or before --to")
        days = month_ends(start, end)
        if not days:
            raise InvalidInputError("the period holds no month end")
    data = council_data(engine, authority_id=authority.id).census
    return indicators_on(data, days, SERIES_COLUMNS)


@dataclass(frozen=True)
class TrendTable:
    """Each authority's indicators for a year with their change on the previous year and on a
    baseline year (see :func:`caseload.census.trends.indicator_trend`)."""

    census_year: int
    baseline_year: int | None
    trends: dict[str, list[IndicatorTrend]]  # LEA -> one trend per indicator

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.census_year,
            "baseline_year": self.baseline_year,
            "authorities": {
                lea: [trend.to_dict() for trend in rows] for lea, rows in self.trends.items()
            },
        }


def _values_by_lea(
    engine: Engine,
    year: int,
    authority_code: str | None,
    source: Source | str | None,
    region: str | None,
) -> dict[str, dict[str, Any]]:
    try:
        table = census_indicators(
            engine, census_year=year, authority_code=authority_code, source=source, region=region
        )
    except NotFoundError:
        return {}
    return {str(row["LEA"]): row for row in table.frame.iter_rows(named=True)}


def indicator_trends(
    engine: Engine,
    *,
    census_year: int,
    authority_code: str | None = None,
    baseline_year: int | None = None,
    source: Source | str | None = None,
    region: str | None = None,
) -> TrendTable:
    """The year's indicators (DfE's and the supplementary ones) per authority, each with its
    change on the previous census year and, when ``baseline_year`` is given, on that year; a
    year without figures gives no change (null)."""
    if baseline_year is not None:
        check_year(baseline_year)
        if baseline_year >= census_year:
            raise InvalidInputError(
                f"--baseline-year must be before the census year {census_year}, not {baseline_year}"
            )
    latest = _values_by_lea(engine, census_year, authority_code, source, region)
    if not latest:
        raise NotFoundError(f"no census data for {census_year} in the database")
    previous = _values_by_lea(engine, census_year - 1, authority_code, source, region)
    baseline = (
        {}
        if baseline_year is None
        else _values_by_lea(engine, baseline_year, authority_code, source, region)
    )
    names = (*INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS)
    trends = {
        lea: [
            indicator_trend(
                name,
                {
                    census_year: row.get(name),
                    census_year - 1: previous.get(lea, {}).get(name),
                    **(
                        {}
                        if baseline_year is None
                        else {baseline_year: baseline.get(lea, {}).get(name)}
                    ),
                },
                census_year,
                baseline_year,
            )
            for name in names
        ]
        for lea, row in latest.items()
    }
    return TrendTable(census_year, baseline_year, trends)


def series_changes(
    engine: Engine, *, authority_code: str, series: pl.DataFrame, baseline_year: int
) -> list[dict[str, Any]]:
    """Each month end of ``series`` (from :func:`monthly_series`) against the baseline: the
    census reference date 30 September ``baseline_year``. One dict per month end: ``AsAt`` and,
    per series column, its change (value, unit, verdict)."""
    check_year(baseline_year)
    reference = date(baseline_year, 9, 30)
    base = monthly_series(
        engine, authority_code=authority_code, first=reference.replace(day=1), last=reference
    ).row(0, named=True)
    return [
        {
            "AsAt": row["AsAt"],
            "baseline": reference,
            **{
                name: change_between(name, row[name], base[name]).to_dict()
                for name in SERIES_COLUMNS
            },
        }
        for row in series.iter_rows(named=True)
    ]
