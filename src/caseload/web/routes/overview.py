"""The overview page ("/", and "/overview" for the roles that land elsewhere): the council's
position on one screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.domain.numbers import CENSUS_YEARS
from caseload.services.overview import overview_context
from caseload.web import page_bodies
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_number
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)


def landing_page(principal: Principal) -> str | None:
    """Where a role lands instead of the council overview: a social worker on their own
    caseload; a team manager on their team's page (with several teams, on the caseloads of
    their teams); the service leader on the five-area scorecard. The analyst, administrator and
    elected member land here (and the leader reaches it at /overview)."""
    if not principal.can(Permission.VIEW_AGGREGATES) and principal.can(Permission.VIEW_OWN_RECORD):
        return "/me"
    if principal.role is AccountRole.TEAM_MANAGER and principal.team_ids:
        if len(principal.team_ids) == 1:
            return f"/teams/{next(iter(principal.team_ids))}"
        return "/caseloads"
    if principal.role is AccountRole.LEADER:
        return "/scorecard"
    return None


BaselineYear = Annotated[
    int | None,
    checked_number("baseline_year", CENSUS_YEARS),
    Query(description="A census year to compare the latest year with, e.g. 2024."),
]


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    baseline_year: BaselineYear = None,
) -> Response:
    landing = landing_page(principal)
    if landing is not None:
        query = request.url.query
        return RedirectResponse(landing + (f"?{query}" if query else ""), status_code=303)
    return _overview(request, engine, principal, as_at, baseline_year)


@router.get("/overview", response_class=HTMLResponse)
def overview_itself(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    baseline_year: BaselineYear = None,
) -> Response:
    """The council overview for whoever lands elsewhere (the service leader on the scorecard)."""
    return _overview(request, engine, principal, as_at, baseline_year)


def _overview(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    baseline_year: int | None,
) -> Response:
    context = overview_context(engine, principal, as_at=as_at, baseline_year=baseline_year)
    main = page_bodies.body(request, "overview_body.html", context, dict)
    return render(
        request,
        "overview.html",
        {
            **context,
            "body": main,
        },
    )
