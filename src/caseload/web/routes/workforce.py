"""The workforce page ("/workforce"): census indicators by year, team and role, benchmarks, and
the census return's validation report and XML download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from caseload.domain.numbers import CENSUS_YEARS
from caseload.services.workforce_view import (
    WorkforceContext,
    census_return_download,
    indicator_download,
    workforce_context,
)
from caseload.web import census_charts, page_bodies
from caseload.web.charts import Chart
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_number
from caseload.web.downloads import file_response
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
Year = Annotated[
    int | None, checked_number("year", CENSUS_YEARS), Query(description="Census year, e.g. 2025.")
]

# Columns of the team and role tables on the page (the API has every indicator).
BREAKDOWN_COLUMNS = (
    "inpost_fte",
    "inpost_headcount",
    "agency_fte",
    "agency_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "cases",
    "caseload_fte",
    "absence_rate_fte",
    "days_lost_per_fte",
)
BENCHMARK_CHARTS = ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "caseload_fte")


def workforce_charts(context: WorkforceContext) -> dict[str, Chart | None]:
    """The page's charts, drawn from the context's own numbers."""
    by_year = context["by_year"]["rows"]
    teams = context["by_team"]["rows"]
    roles = context["by_role"]["rows"]
    charts: dict[str, Chart | None] = {
        "staff": census_charts.values_by_year(
            by_year,
            {"inpost_fte": "Own staff in post", "agency_fte": "Agency workers"},
            title="Staff in post by census year (FTE)",
            axis="FTE",
        ),
        "rates": census_charts.rates_by_year(by_year, title="Rates by census year (%)"),
        "caseload": census_charts.values_by_year(
            by_year,
            {"caseload_fte": "Average caseload"},
            title="Average caseload by census year (cases per case-holding FTE)",
            axis="Cases per FTE",
        ),
        "team_caseload": census_charts.bars(
            [(str(row["label"]), row["caseload_fte"]) for row in teams],
            title=f"Average caseload by team, {context['year']}",
            category="Team",
            axis="Cases per FTE",
        ),
        "role_fte": census_charts.bars(
            [(str(row["label"]), row["inpost_fte"]) for row in roles],
            title=f"Own staff in post by role, {context['year']} (FTE)",
            category="Role",
            axis="FTE",
        ),
    }
    compared = context["benchmark"]
    if compared["loaded"]:
        region = compared["region_name"] or "Region"
        for row in compared["indicators"]:
            if row["name"] not in BENCHMARK_CHARTS:
                continue
            items = [
                ("This council", row["council"]),
                ("England", row["england"]),
                (region, row["region"]),
            ] + [
                (str(item["name"] or item["code"]), row["comparators"].get(item["code"]))
                for item in compared["comparators"]
            ]
            charts[f"benchmark_{row['name']}"] = census_charts.bars(
                items,
                title=f"{row['label']}, {compared['year']}",
                category="Area",
                axis=row["label"],
            )
    return charts


@router.get("/workforce", response_class=HTMLResponse)
def workforce_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt, year: Year = None
) -> Response:
    context = workforce_context(engine, principal, year=year, as_at=as_at)
    main = page_bodies.body(
        request,
        "workforce_body.html",
        context,
        lambda: {
            "charts": workforce_charts(context),
            "columns": BREAKDOWN_COLUMNS,
            "benchmark_charts": BENCHMARK_CHARTS,
        },
    )
    return render(request, "workforce.html", {**context, "body": main})


@router.get("/workforce/return.xml")
def census_return_xml(
    request: Request, engine: EngineDep, principal: CurrentUser, year: Year = None
) -> Response:
    """The census return as XML; its errors instead when it has any."""
    download = census_return_download(engine, principal, year=year)
    if download.data is None:
        return render(
            request,
            "workforce_return_errors.html",
            {"title": f"The {download.report['year']} census return has errors", **download.report},
            status_code=409,
        )
    return Response(
        download.data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.get("/workforce/download")
def indicators_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    year: Year = None,
    by: Annotated[str | None, Query(max_length=8)] = None,
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """A census indicator table (by year, or by team or role in a year), as Excel or CSV."""
    found = indicator_download(engine, principal, file_format, year=year, by=by, as_at=as_at)
    return file_response(found)
