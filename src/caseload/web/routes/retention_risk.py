"""The leaving-risk model (/retention/model, /api/v1/retention/model) and the stay-conversation
list (/retention/stay, /api/v1/retention/stay), each page and its API resource from one
service context (:mod:`caseload.services.retention_risk`), so the two never disagree."""

from __future__ import annotations

from typing import Annotated

import altair as alt
import polars as pl
from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse, Response

from caseload.auth.roles import Permission
from caseload.services.retention_risk import (
    ModelContext,
    StayContext,
    model_view,
    stay_download,
    stay_view,
)
from caseload.web.charts import PALETTE, Chart, _svg
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.downloads import file_response
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["retention"], dependencies=[Security(BEARER)])


AXIS_TITLE = "Times as likely to leave (log scale; 1 = no difference)"


def forest_chart(context: ModelContext) -> Chart | None:
    """Each working condition's hazard ratio as a dot with its 95% interval as a line, on a
    log scale with a rule at 1 (no difference)."""
    rows = [r for r in context["ratios"] if r["hazard_ratio"] is not None]
    if not rows:
        return None
    frame = pl.DataFrame(
        {
            "label": [r["label"] for r in rows],
            "ratio": [r["hazard_ratio"] for r in rows],
            "low": [r["low"] for r in rows],
            "high": [r["high"] for r in rows],
        }
    )
    values = frame.to_dicts()
    lowest = min(0.5, *(r["low"] for r in values))
    highest = max(2.0, *(r["high"] for r in values))
    scale = alt.Scale(type="log", domain=[lowest, highest], nice=False)
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(alt.InlineData(values=values))
    ranges = base.mark_rule(strokeWidth=3, color=PALETTE[0]).encode(
        x=alt.X(
            "low:Q", scale=scale, title="Times as likely to leave (log scale; 1 = no difference)"
        ),
        x2="high:Q",
        y=y,
    )
    dots = base.mark_point(filled=True, size=90, color=PALETTE[0]).encode(
        x=alt.X("ratio:Q", scale=scale), y=y
    )
    one = (
        alt.Chart(alt.InlineData(values=[{"one": 1.0}]))
        .mark_rule(color="#444", strokeDash=[4, 3])
        .encode(x=alt.X("one:Q", scale=scale))
    )
    spec = (
        alt.layer(ranges, dots, one)
        .properties(width=420, height=36 * len(values))
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_view(stroke=None)
        .to_json()
    )
    return Chart(
        title="Hazard ratios with their 95% ranges",
        svg=_svg(spec),
        columns=["Working condition", "Hazard ratio", "95% from", "95% to"],
        rows=[[r["label"], r["ratio"], r["low"], r["high"]] for r in values],
        description="A dot right of the dashed line at 1 means likelier to leave; a range "
        "crossing the line means no clear link.",
    )


@router.get("/retention/model", response_class=HTMLResponse)
def model_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    context = model_view(engine, principal, as_at=as_at)
    extra = {
        "chart": forest_chart(context),
        "can_stay": principal.can(Permission.VIEW_STAY_CONVERSATIONS),
    }
    return render(request, "retention_risk_model.html", {**context, **extra})


@router.get("/retention/stay", response_class=HTMLResponse)
def stay_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    context = stay_view(engine, principal, as_at=as_at)
    return render(request, "retention_risk_stay.html", dict(context))


@router.get("/retention/stay/download")
def stay_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The stay-conversation list as Excel or CSV (recorded as an export)."""
    return file_response(stay_download(engine, principal, file_format, as_at=as_at))


@api.get("/retention/model", response_model=ModelContext, responses=ERRORS)
def model(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> ModelContext:
    """The leaving-risk model on the day: hazard ratios with 95% intervals for months over
    caseload cap, sickness absence spells, changes of manager or team and team turnover, the
    concordance index, the people and leavers it learnt from, and the caveat that it shows
    association, not cause. Never for elected members."""
    return model_view(engine, principal, as_at=as_at)


@api.get("/retention/stay", response_model=StayContext, responses=ERRORS)
def stay(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> StayContext:
    """The people to offer a stay conversation on the day, most at risk first, with the reasons
    and the factors behind their risk in plain words. Service leader only; every call is
    written to the audit trail with the ids of the people listed."""
    return stay_view(engine, principal, as_at=as_at)
