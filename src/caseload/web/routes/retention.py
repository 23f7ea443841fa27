"""Retention: the page /retention and the API's /api/v1/retention and
/api/v1/retention/survival, all from :func:`caseload.services.retention.retention_view`, so they
never disagree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse, Response

from caseload.services.retention import Grouping, RetentionContext, retention_view, survival_only
from caseload.web import page_bodies, retention_charts
from caseload.web.charts import Chart
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["retention"], dependencies=[Security(BEARER)])
By = Annotated[
    Grouping,
    Query(
        description="Survival by: council, cohort (census year started), route (how they came "
        "in), role, service or team (the role, service and team they started in)."
    ),
]


def retention_page_charts(context: RetentionContext) -> dict[str, Chart | None]:
    """The page's charts, drawn from the context's own numbers."""
    charts: dict[str, Chart | None] = {
        "survival": retention_charts.survival_chart(
            context["curves"], title=f"Still with us, by {context['by_label'].lower()}"
        )
    }
    for index, window in enumerate(context["hazard"]):
        charts[f"hazard_{index}"] = retention_charts.hazard_chart(window)
    return charts


@router.get("/retention", response_class=HTMLResponse)
def retention_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    by: By = Grouping.ROUTE,
) -> Response:
    context = retention_view(engine, principal, as_at=as_at, by=by)
    main = page_bodies.body(
        request,
        "retention_body.html",
        context,
        lambda: {"charts": retention_page_charts(context)},
    )
    return render(request, "retention.html", {**context, "body": main})


@api.get("/retention", response_model=RetentionContext, responses=ERRORS)
def retention(
    engine: EngineDep, principal: ApiUser, as_at: AsAt, by: By = Grouping.ROUTE
) -> RetentionContext:
    """Retention on the date: survival by the grouping (share still with the council 1, 2, 3
    and 5 years after starting, with 95% bands and the numbers followed; the curves), the leaving
    hazard by length of service for the 12 months and 3 years to the date, leavers by reason and
    destination, progression, moves between services and the stability index. Small numbers
    are "c" for elected members, who cannot ask by team."""
    return retention_view(engine, principal, as_at=as_at, by=by)


@api.get("/retention/survival", responses=ERRORS)
def retention_survival(
    engine: EngineDep, principal: ApiUser, as_at: AsAt, by: By = Grouping.ROUTE
) -> dict[str, Any]:
    """The survival part of ``/api/v1/retention``: the milestones and curves by the grouping."""
    return survival_only(retention_view(engine, principal, as_at=as_at, by=by))
