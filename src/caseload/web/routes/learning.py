"""The supported first year and progression: the pages /asye and /progression and the API's
/api/v1/asye and /api/v1/progression, each pair from one service context
(:func:`caseload.services.asye.asye_view`, :func:`caseload.services.progression.progression_view`)
so the page and the API never disagree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Security
from fastapi.responses import HTMLResponse

from caseload.services.asye import asye_view
from caseload.services.progression import progression_view
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["learning"], dependencies=[Security(BEARER)])


@router.get("/asye", response_class=HTMLResponse)
def asye_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    return render(request, "asye.html", asye_view(engine, principal, as_at=as_at))


@router.get("/progression", response_class=HTMLResponse)
def progression_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    return render(request, "progression.html", progression_view(engine, principal, as_at=as_at))


@api.get("/asye", responses=ERRORS)
def asye(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> dict[str, Any]:
    """The supported first year (ASYE) on ``as_at``: cohorts by the census year they started
    (in programme, extended, passed, failed), the overdue reviews (3, 6 and 12 months, and an
    extension's end) and each programme in the caller's scope with its reviews, caseload against
    the ASYE cap and supervision. Workers are pseudonyms for the performance analyst; a social
    worker sees their own programme."""
    return asye_view(engine, principal, as_at=as_at)


@api.get("/progression", responses=ERRORS)
def progression(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> dict[str, Any]:
    """The progression framework's ladder, who is eligible for their next step on ``as_at``
    (time in role and post-qualifying experience), the applications and their outcomes, who
    progressed in the last year, and the counts per census year, in the caller's scope."""
    return progression_view(engine, principal, as_at=as_at)
