"""The staff health check: the page /health-check and the API's /api/v1/health-check, both from
:func:`caseload.services.health_check.health_check_view`, so the two never disagree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse

from caseload.domain.numbers import CENSUS_YEARS
from caseload.services.health_check import association_words, health_check_view
from caseload.web.deps import ApiUser, CurrentUser, EngineDep, checked_number
from caseload.web.health_check_charts import team_link_chart
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["health check"], dependencies=[Security(BEARER)])
Year = Annotated[
    int | None,
    checked_number("year", CENSUS_YEARS),
    Query(description="The survey's year; default: the latest loaded."),
]


@router.get("/health-check", response_class=HTMLResponse)
def health_check_page(
    request: Request, engine: EngineDep, principal: CurrentUser, year: Year = None
) -> HTMLResponse:
    context = health_check_view(engine, principal, year=year)
    link = context["link"]
    extra: dict[str, Any] = {"chart": None, "link_words": None}
    if link is not None:
        extra["chart"] = team_link_chart(link["rows"])
        extra["link_words"] = {
            "turnover": association_words(link["turnover_correlation"]),
            "caseload": association_words(link["caseload_correlation"]),
        }
    return render(request, "health_check.html", {**context, **extra})


@api.get("/health-check", responses=ERRORS)
def health_check(engine: EngineDep, principal: ApiUser, year: Year = None) -> dict[str, Any]:
    """The staff health check of ``year`` (default the latest): the favourable share (answers of
    4 or 5 on a 1 to 5 scale, as the survey sets it) by theme and question with the change since
    the previous survey, and by the groups the role may see (council, service areas, teams,
    roles, experience bands). Groups with fewer responses than the council's minimum, and those
    that would give them away by subtraction, are null with a note."""
    return health_check_view(engine, principal, year=year)
