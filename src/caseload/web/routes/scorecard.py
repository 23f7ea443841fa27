"""The five-area scorecard: the page /scorecard (the service leader's landing page) and the API's
/api/v1/scorecard, both from :func:`caseload.services.scorecard.scorecard_view`, so the two never
disagree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse

from caseload.services.scorecard import ScorecardContext, scorecard_view
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["scorecard"], dependencies=[Security(BEARER)])
Service = Annotated[
    str | None,
    Query(max_length=120, description="A service area's name, for its own measures."),
]


@router.get("/scorecard", response_class=HTMLResponse)
def scorecard_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    service: Service = None,
) -> HTMLResponse:
    context = scorecard_view(engine, principal, as_at=as_at, service=service)
    crumbs = []
    if context["service"] is not None:
        crumbs = [
            {"label": "Scorecard", "href": "/scorecard"},
            {"label": context["service"]["service"], "href": None},
        ]
    return render(request, "scorecard.html", {**context, "breadcrumbs": crumbs})


@api.get("/scorecard", response_model=ScorecardContext, responses=ERRORS)
def scorecard(
    engine: EngineDep, principal: ApiUser, as_at: AsAt, service: Service = None
) -> ScorecardContext:
    """The five areas (manageable caseloads, recording data, quality and learning, recruitment
    and retention, quality of frontline practice), each measure with its target, ratings against
    the target, England, the region and the statistical neighbours, and its trend; areas without
    data say what they need. With ``service``, that service area's own measures (visits and
    recording on time, average caseload, share over cap, supervision by team). Small numbers are
    "c" for elected members."""
    return scorecard_view(engine, principal, as_at=as_at, service=service)
