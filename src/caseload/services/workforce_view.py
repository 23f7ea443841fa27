"""The workforce page and the census JSON API: census indicators by year, by team and by role,
the council against England, its region and comparators, the census return's validation report and
its XML download. Each builds one plain dictionary that the page renders and the API returns.

Elected members see small numbers suppressed in the team and role breakdowns, which are shown
together beside the council's totals, so they are protected together
(:func:`caseload.services.census_view.suppress_tables`). The validation report and the download
need ``DOWNLOAD_RETURN`` (service leader, administrator): the XML holds SWE numbers and birth
dates. The performance analyst (``VIEW_RETURN_CHECKS``) sees the validation report without them:
workers by their position in the return only, and no value of a worker-level item. Every
download (or refusal) is written to the audit trail."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.census.validation import Problem, Severity
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services import audit, caseload_views, census_returns, census_view
from caseload.services.caseload_disclosure import census_prefix
from caseload.services.census import Breakdown
from caseload.services.census_view import (
    AuthorityInfo,
    Benchmark,
    Council,
    IndicatorInfo,
    Row,
    all_indicators,
    apply_hidden,
    benchmark,
    breakdown_rows,
    census_years,
    pick_year,
    reporting_day,
    suppress_tables,
    yearly_rows,
    years_by,
)
from caseload.services.table_download import TableFile, table_file

PROBLEMS_SHOWN = 200
DOWNLOAD_LINK = "Download the census return (XML)"


class IndicatorTable(TypedDict):
    """Census indicators: one row per year (``breakdown`` null) or per team or role in ``year``.
    Rows hold every DfE indicator by its column name, rounded as DfE publishes; "c" where a small
    number is suppressed; null where DfE prints z or x."""

    authority: AuthorityInfo
    years: list[int]
    year: int | None
    breakdown: str | None
    suppressed: bool
    suppression_note: str | None
    message: str | None
    indicators: list[IndicatorInfo]
    rows: list[Row]


class ProblemRow(TypedDict):
    severity: str
    where: str
    item: str
    value: str | None
    problem: str


class ReturnReport(TypedDict):
    year: int
    errors: int
    warnings: int
    problems: list[ProblemRow]
    more: int
    can_download: bool
    download_url: str | None
    download_text: str


class WorkforceContext(TypedDict):
    title: str
    as_at: str | None
    data_date: str | None
    authority: AuthorityInfo
    years: list[int]
    year: int | None
    source: str | None
    by_year: IndicatorTable
    by_team: IndicatorTable
    by_role: IndicatorTable
    benchmark: Benchmark
    census_return: ReturnReport | None
    census_return_message: str | None
    suppressed: bool


def _table(
    engine: Engine,
    council: Council,
    principal: Principal,
    *,
    years: dict[int, str],
    year: int | None,
    by: Breakdown | None,
) -> IndicatorTable:
    message = None
    if by is None:
        rows = [
            row
            for row in yearly_rows(engine, council)
            if row["year"] in years and (year is None or row["year"] == year)
        ]
        hide = False  # council totals, as DfE publishes them
    else:
        chosen = pick_year(years, year)
        year = chosen
        rows, message = (
            breakdown_rows(engine, council, chosen, by) if chosen is not None else ([], None)
        )
        hide = principal.suppress_small_numbers
        if hide and chosen is not None and rows:
            rows = _member_tables(engine, council, principal, chosen)[by.value]
    if not years:
        message = "There are no census figures yet: the data does not cover a census year."
    return {
        "authority": council.info(),
        "years": list(years),
        "year": year,
        "breakdown": by.value if by else None,
        "suppressed": hide,
        "suppression_note": census_view.SUPPRESSION_NOTE if hide else None,
        "message": message,
        "indicators": all_indicators(),
        "rows": rows,
    }


def _member_tables(
    engine: Engine, council: Council, principal: Principal, year: int
) -> dict[str, list[Row]]:
    """The breakdowns of ``year`` as an elected member sees them: through the shield of the
    caseload pages when the year's 30 September is on them (the same teams, people and cases:
    :mod:`caseload.services.caseload_disclosure`), else protected on their own."""
    try:
        scoped = caseload_views.scoped_for(engine, principal)
    except NotFoundError:
        return _protected(engine, council, year)
    shield = caseload_views.shield_of(scoped, principal)
    tables = {by.value: breakdown_rows(engine, council, year, by)[0] for by in Breakdown}
    # (the shield protected these very rows, unless the census figures changed since)
    if shield.protection is None or shield.census.get(year) != tables:
        return _protected(engine, council, year)
    return apply_hidden(tables, shield.protection.hidden, census_prefix(year))


def _protected(engine: Engine, council: Council, year: int) -> dict[str, list[Row]]:
    """The team and role breakdowns of ``year`` as elected members see them: protected together
    with the council's totals for the year, once per state of the data."""

    def build() -> dict[str, list[Row]]:
        tables = {by.value: breakdown_rows(engine, council, year, by)[0] for by in Breakdown}
        totals = next((row for row in yearly_rows(engine, council) if row["year"] == year), None)
        return suppress_tables(tables, totals)

    return census_view.cached(council, ("suppressed", year), build)


def indicator_table(
    engine: Engine,
    principal: Principal,
    *,
    year: int | None = None,
    by: Breakdown | str | None = None,
    as_at: date | None = None,
) -> IndicatorTable:
    """Census indicators for every year (or ``year``), or by team or role for ``year`` (default
    the latest), counting the years whose reference date is on or before ``as_at`` (default the
    data date)."""
    council = census_view.open_council(engine, principal, "census indicators")
    years = years_by(census_years(engine, council), reporting_day(council, as_at, principal))
    chosen = Breakdown(by) if by is not None else None
    if year is not None:
        pick_year(years, year)
    return _table(engine, council, principal, years=years, year=year, by=chosen)


def workforce_context(
    engine: Engine, principal: Principal, *, year: int | None = None, as_at: date | None = None
) -> WorkforceContext:
    """Everything on the workforce page for ``year`` (default the latest with figures by
    ``as_at``, itself by default the data date)."""
    council = census_view.open_council(engine, principal, "workforce")
    reporting = reporting_day(council, as_at, principal)
    years = years_by(census_years(engine, council), reporting)
    chosen = pick_year(years, year)
    report: ReturnReport | None = None
    report_message = None
    if principal.can(Permission.VIEW_RETURN_CHECKS) and chosen is not None:
        report = _return_report(
            engine, council, chosen, personal=principal.can(Permission.DOWNLOAD_RETURN)
        )
    elif chosen is not None:
        report_message = (
            "The census return's validation report is for service leaders, performance "
            "analysts and administrators; its download for service leaders and administrators."
        )
    return {
        "title": "Workforce",
        "as_at": reporting.as_at.isoformat() if reporting else None,
        "data_date": reporting.data_date.isoformat() if reporting else None,
        "authority": council.info(),
        "years": list(years),
        "year": chosen,
        "source": years.get(chosen) if chosen is not None else None,
        "by_year": _table(engine, council, principal, years=years, year=None, by=None),
        "by_team": _table(engine, council, principal, years=years, year=chosen, by=Breakdown.TEAM),
        "by_role": _table(engine, council, principal, years=years, year=chosen, by=Breakdown.ROLE),
        "benchmark": benchmark(engine, council, chosen, with_comparators=True),
        "census_return": report,
        "census_return_message": report_message,
        "suppressed": principal.suppress_small_numbers,
    }


# --- the census return ------------------------------------------------------------------------


def _problems(engine: Engine, council: Council, year: int) -> list[Problem]:
    return census_view.cached(
        council,
        ("validation", year),
        lambda: census_returns.validate(engine, census_year=year, authority_code=council.code),
    )


def _problem_row(problem: Problem, personal: bool) -> ProblemRow:
    """A problem as listed; without ``personal`` a worker is only their position in the return
    (no SWE number) and the value of a worker-level item (a birth date...) is left out."""
    worker_level = problem.worker is not None
    return {
        "severity": problem.severity.value,
        "where": problem.where() if personal or not worker_level else f"worker {problem.worker}",
        "item": problem.item,
        "value": problem.value if personal or not worker_level else None,
        "problem": problem.message,
    }


def _return_report(
    engine: Engine, council: Council, year: int, *, personal: bool = True
) -> ReturnReport:
    """The validation report; ``personal`` (those who may download the return) with SWE
    numbers and the values of worker items, and the download link."""
    problems = _problems(engine, council, year)
    ordered = sorted(problems, key=lambda p: p.severity is not Severity.ERROR)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    return {
        "year": year,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [_problem_row(p, personal) for p in ordered[:PROBLEMS_SHOWN]],
        "more": max(0, len(problems) - PROBLEMS_SHOWN),
        "can_download": personal and errors == 0,
        "download_url": f"/workforce/return.xml?year={year}" if personal and errors == 0 else None,
        "download_text": DOWNLOAD_LINK,
    }


@dataclass(frozen=True)
class ReturnDownload:
    """The XML (``data``), or the report of the errors that stop it (``report``)."""

    filename: str
    data: bytes | None
    report: ReturnReport


def census_return_download(
    engine: Engine, principal: Principal, *, year: int | None = None
) -> ReturnDownload:
    """The council's census return as XML for ``year`` (default the latest). Refused (and
    recorded) without ``DOWNLOAD_RETURN``; refused while the records have errors (recorded as a
    failed export, and the errors returned instead)."""
    if not principal.can(Permission.DOWNLOAD_RETURN):
        raise audit.refuse(
            engine,
            principal,
            "export",
            "census_return",
            year,
            f"the {principal.role.label.lower()} role cannot download the census return",
        )
    council = census_view.open_council(engine, principal, "census return")
    chosen = pick_year(census_years(engine, council), year)
    if chosen is None:
        raise InvalidInputError("there is no census year to export yet")
    filename = f"csww_{council.code}_{chosen}.xml"
    report = _return_report(engine, council, chosen)
    if not report["can_download"]:
        audit.record(
            engine,
            principal,
            "export",
            "census_return",
            f"{council.code}/{chosen}",
            {"why": "the return has errors", "errors": report["errors"]},
            outcome="failed",
        )
        return ReturnDownload(filename, None, report)
    with tempfile.TemporaryDirectory(prefix="caseload-return-") as folder:
        out = Path(folder) / filename
        census_returns.export(
            engine, census_year=chosen, authority_code=council.code, out=out, actor=principal
        )
        data = out.read_bytes()
    return ReturnDownload(filename, data, report)


BREAKDOWN_HEADINGS: dict[str | None, tuple[str, str]] = {
    None: ("year", "Census year"),
    "team": ("team", "Team"),
    "role": ("role", "Role"),
}


def indicator_download(
    engine: Engine,
    principal: Principal,
    file_format: str,
    *,
    year: int | None = None,
    by: str | None = None,
    as_at: date | None = None,
) -> TableFile:
    """A census indicator table of the workforce page (by year, or by team or role in a year),
    as the page shows it (small numbers hidden for elected members), as a file."""
    if by not in BREAKDOWN_HEADINGS:
        raise InvalidInputError("choose the table by year, by team or by role")
    council = census_view.open_council(engine, principal, "census indicators")
    reporting = reporting_day(council, as_at, principal)
    table = indicator_table(engine, principal, year=year, by=by, as_at=as_at)
    if reporting is None or not table["rows"]:
        raise NotFoundError("there are no census figures to download yet")
    key, heading = BREAKDOWN_HEADINGS[by]
    indicators = table["indicators"]
    rows = [
        [row.get(key), *(row.get(info["name"]) for info in indicators)] for row in table["rows"]
    ]
    name = "census-" + (f"{by}-{table['year']}" if by else "years")
    return table_file(
        engine,
        principal,
        what=name,
        title="Census indicators" + (f" by {by}, {table['year']}" if by else ""),
        day=reporting.as_at,
        columns=[heading, *(info["label"] for info in indicators)],
        rows=rows,
        file_format=file_format,
        detail={"table": by or "years", "year": table["year"]},
    )
