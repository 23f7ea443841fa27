"""Demand and the posts it needs: the page /planning/demand and the API's
/api/v1/forecast/demand and /api/v1/forecast/backtest, all from
:mod:`caseload.services.demand`, so the page and the API never disagree. The charts are drawn
here from the context's numbers (:func:`caseload.web.charts.fan_chart`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse

from caseload.domain.numbers import FORECAST_MONTHS
from caseload.services.demand import backtest_view, demand_view
from caseload.web.charts import Chart, fan_chart
from caseload.web.deps import (
    ApiUser,
    AsAt,
    CurrentUser,
    EngineDep,
    checked_day,
    checked_number,
)
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/forecast", tags=["forecast"], dependencies=[Security(BEARER)])
Months = Annotated[
    int | None,
    checked_number("months", FORECAST_MONTHS),
    Query(description="Months to forecast ahead, 1 to 60 (default 36)."),
]
BacktestMonths = Annotated[
    int | None,
    checked_number("months", FORECAST_MONTHS),
    Query(description="Months to compare after the start, 1 to 60 (default: up to the date)."),
]
From = Annotated[
    date | None,
    checked_day("from"),
    Query(
        alias="from",
        description="Forecast as if on this day, YYYY-MM-DD; default 12 months before the date.",
    ),
]
DEFAULT_MONTHS = 36


def _month(text: str) -> date:
    return date.fromisoformat(f"{text}-01")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def series_chart(series: dict[str, Any]) -> Chart | None:
    """The fan chart of one series of the context (None when nothing can be drawn)."""
    history = pl.DataFrame(
        {
            "month": [_month(p["month"]) for p in series["history"]],
            "actual": [_number(p["actual"]) for p in series["history"]],
        },
        schema={"month": pl.Date, "actual": pl.Float64},
    )
    forecast = pl.DataFrame(
        {
            "month": [_month(p["month"]) for p in series["forecast"]],
            **{c: [_number(p[c]) for p in series["forecast"]] for c in ("p10", "p50", "p90")},
        },
        schema={"month": pl.Date, "p10": pl.Float64, "p50": pl.Float64, "p90": pl.Float64},
    )
    if series["hidden"] or history.height == 0:
        return None
    return fan_chart(
        history,
        forecast,
        title="Month by month: records (solid line), middle forecast (dashed), P10 to P90 (shaded)",
        y_label=series["unit"].capitalize(),
    )


@router.get("/planning/demand", response_class=HTMLResponse)
def demand_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    months: Months = None,
) -> HTMLResponse:
    context = demand_view(engine, principal, as_at=as_at, months=months or DEFAULT_MONTHS)
    charts = {series["key"]: series_chart(series) for series in context["series"]}
    return render(request, "planning_demand.html", {**context, "charts": charts})


@api.get("/demand", responses=ERRORS)
def demand(
    engine: EngineDep, principal: ApiUser, as_at: AsAt, months: Months = None
) -> dict[str, Any]:
    """Referrals and open cases by type, month by month from the council's own records, with the
    forecast (P10, P50, P90) for ``months`` ahead, the numbers by year, DfE's published rates per
    10,000 children for context, the case-holding FTE needed at the caseload policy's targets
    against the funded posts and the staff in post, and the backtest from 12 months before.
    Small numbers are "c" for elected members."""
    return demand_view(engine, principal, as_at=as_at, months=months or DEFAULT_MONTHS)


@api.get("/backtest", responses=ERRORS)
def backtest(
    engine: EngineDep,
    principal: ApiUser,
    as_at: AsAt,
    start: From = None,
    months: BacktestMonths = None,
) -> dict[str, Any]:
    """The forecast made again as if on ``from`` with only the records known then, compared
    month by month with what happened: mean absolute error, mean absolute percentage error, bias
    and the share of months inside the P10 to P90 band, per series."""
    return backtest_view(engine, principal, origin=start, months=months, as_at=as_at)
