"""The learning page /learning and the pipeline page /pipeline, and their API resources
/api/v1/learning, /api/v1/learning/offer and /api/v1/pipeline: each page and its resource come
from one service function (:mod:`caseload.services.learning`, :mod:`caseload.services.pipeline`),
so the two never disagree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse

from caseload.services.learning import learning_view, offer_view
from caseload.services.pipeline import pipeline_view
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["learning"], dependencies=[Security(BEARER)])
Search = Annotated[
    str,
    Query(max_length=120, description="Words to find in the offer's titles, summaries and tags."),
]


@router.get("/learning", response_class=HTMLResponse)
def learning_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt, q: Search = ""
) -> HTMLResponse:
    return render(request, "learning.html", learning_view(engine, principal, as_at=as_at, query=q))


@router.get("/pipeline", response_class=HTMLResponse)
def pipeline_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    return render(request, "pipeline.html", pipeline_view(engine, principal, as_at=as_at))


@api.get("/learning", responses=ERRORS)
def learning(engine: EngineDep, principal: ApiUser, as_at: AsAt, q: Search = "") -> dict[str, Any]:
    """Mandatory training on the day: compliance for the council, by service, team and role
    (team managers: their teams), the gaps by named worker (leaders and team managers), one's
    own record (social workers) and the learning offer matching ``q``."""
    return learning_view(engine, principal, as_at=as_at, query=q)


@api.get("/learning/offer", responses=ERRORS)
def learning_offer(engine: EngineDep, principal: ApiUser, q: Search = "") -> dict[str, Any]:
    """The learning offer and resource hub (courses, practice guidance, tools, events) whose
    title, summary or tags hold every word of ``q``."""
    return offer_view(engine, principal, query=q)


@api.get("/pipeline", responses=ERRORS)
def pipeline(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> dict[str, Any]:
    """Students and apprentices on placement, practice educators' places, conversions to ASYE
    posts by year and the expected intake of newly qualified workers by year."""
    return pipeline_view(engine, principal, as_at=as_at)
