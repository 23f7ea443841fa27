"""Workforce diversity: the page /workforce/diversity and the API's /api/v1/diversity, both from
:func:`caseload.services.diversity.diversity_view`, so the two never disagree."""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, Request, Security
from fastapi.responses import HTMLResponse

from caseload.services.diversity import DiversityContext, diversity_view
from caseload.web.charts import Chart, grouped_bar_chart
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["diversity"], dependencies=[Security(BEARER)])
STAFF = "Our social work staff"
RESIDENTS = "Residents (Census 2021)"


def community_chart(context: DiversityContext) -> Chart | None:
    """Our staff's share of each ethnic group beside the residents'; groups whose staff share is
    hidden (a small number) are drawn for the residents only, and there is no chart when every
    staff share is hidden."""
    comparison = context["community"]
    if comparison is None:
        return None
    rows: list[dict[str, object]] = []
    for row in comparison["rows"]:
        for who, value in ((STAFF, row["workforce_share"]), (RESIDENTS, row["community_share"])):
            if isinstance(value, int | float):
                rows.append({"group": row["group"], "who": who, "share": float(value)})
    if not any(
        row["who"] == STAFF for row in rows
    ):  # every staff share hidden: nothing to set beside
        return None
    return grouped_bar_chart(
        pl.DataFrame(rows),
        category="group",
        value="share",
        series="who",
        title=f"Ethnic group: our staff and the residents of {comparison['area']} (%)",
        labels={"group": "Ethnic group", "share": "Per cent", "who": ""},
        sort=[row["group"] for row in comparison["rows"]],
        series_order=[STAFF, RESIDENTS],
    )


@router.get("/workforce/diversity", response_class=HTMLResponse)
def diversity_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    context = diversity_view(engine, principal, as_at=as_at)
    crumbs = [
        {"label": "Workforce", "href": "/workforce"},
        {"label": "Diversity", "href": None},
    ]
    return render(
        request,
        "diversity.html",
        {**context, "chart": community_chart(context), "breadcrumbs": crumbs},
    )


@api.get("/diversity", response_model=DiversityContext, responses=ERRORS)
def diversity(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> DiversityContext:
    """Own social work staff in post by ethnic group, sex and age at each grade (headcount and
    share of those whose group is known), the workforce beside the residents of the council's
    area (ONS Census 2021) and starters, leavers and progressions per 100 staff of each group in
    the latest census year. Small numbers are "c" for elected members."""
    return diversity_view(engine, principal, as_at=as_at)
