"""The workforce plan: the page /planning and the API's /api/v1/scenarios, from
:mod:`caseload.services.planning`, so the page and the API never disagree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Security
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from caseload.domain.dates import parse_day
from caseload.domain.numbers import SEEDS, NumberRange
from caseload.services.planning import (
    DEFAULT_PATHS,
    DEFAULT_SEED,
    MAX_PATHS,
    planning_view,
    scenario_catalogue,
    store_runs,
)
from caseload.web.deps import ApiUser, AsAt, CheckedForm, CurrentUser, EngineDep, checked_number
from caseload.web.planning_charts import scenario_fan_chart
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["planning"], dependencies=[Security(BEARER)])

Names = Annotated[
    list[str] | None,
    Query(max_length=60, description="Worked scenarios to compare (default: all of them)."),
]
Paths = Annotated[
    int,
    checked_number("paths", NumberRange(100, MAX_PATHS)),
    Query(description="Simulated paths (100 to 5,000)."),
]
Seed = Annotated[int, checked_number("seed", SEEDS), Query(description="Seed of the random draws.")]
CHARTS = (
    ("own_fte", "Own staff (FTE)", "FTE"),
    ("agency_fte", "Agency staff (FTE)", "FTE"),
    ("caseload", "Average caseload per case-holding FTE", "Cases per FTE"),
)


@router.get("/planning", response_class=HTMLResponse)
def planning_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    names: Names = None,
    stored: Annotated[int | None, checked_number("stored", NumberRange(0, 100)), Query()] = None,
) -> HTMLResponse:
    context = planning_view(engine, principal, as_at=as_at, names=names or ())
    charts = [
        scenario_fan_chart(context["scenarios"], measure, title=title, axis=axis)
        for measure, title, axis in CHARTS
    ]
    return render(
        request,
        "planning.html",
        {**context, "charts": charts, "stored_now": stored, "chosen": names or []},
    )


@router.post("/planning/runs")
def store_from_page(engine: EngineDep, principal: CurrentUser, form: CheckedForm) -> Response:
    """Store the runs on the page (the baseline and the scenarios shown, on its day)."""
    names = [str(name) for name in form.getlist("names")]
    as_at = form.get("as_at")
    day = parse_day(str(as_at), "as_at") if isinstance(as_at, str) else None
    ids = store_runs(engine, principal, as_at=day, names=names)
    return RedirectResponse(f"/planning?stored={len(ids)}", status_code=303)


class ScenarioItem(BaseModel):
    name: str
    title: str
    description: str
    months: int
    source: str


@api.get("/scenarios", response_model=list[ScenarioItem], responses=ERRORS)
def scenarios(engine: EngineDep, principal: ApiUser) -> list[dict[str, Any]]:
    """The worked scenarios shipped with Caseload (the baseline is always run beside them)."""
    return scenario_catalogue(engine, principal)


@api.get("/scenarios/compare", responses=ERRORS)
def compare(
    engine: EngineDep,
    principal: ApiUser,
    as_at: AsAt,
    names: Names = None,
    paths: Paths = DEFAULT_PATHS,
    seed: Seed = DEFAULT_SEED,
) -> dict[str, Any]:
    """The baseline and the scenarios side by side: funded posts, own and agency FTE, vacancies,
    average caseload and cost after 1, 3 and 5 years as P10, P50 and P90 over the simulated
    paths, with each month's series, the evidence the model was built from and the stored runs
    (the /planning page's context)."""
    return planning_view(engine, principal, as_at=as_at, names=names or (), paths=paths, seed=seed)


class RunRequest(BaseModel):
    """Scenarios to run and store (with the baseline), on a day, with paths and a seed."""

    model_config = ConfigDict(extra="forbid")
    names: list[str] = Field(default_factory=list, max_length=20)
    as_at: str | None = Field(default=None, description="YYYY-MM-DD; default the data date.")
    paths: int = Field(default=DEFAULT_PATHS, ge=100, le=MAX_PATHS)
    seed: int = Field(default=DEFAULT_SEED, ge=0, lt=2**31)


class RunsStored(BaseModel):
    ids: list[int]


@api.post("/scenarios/runs", response_model=RunsStored, responses=ERRORS)
def store(
    engine: EngineDep, principal: ApiUser, wanted: Annotated[RunRequest, Body()]
) -> dict[str, list[int]]:
    """Run the scenarios named (all worked ones when none) and the baseline, and store each run
    with its scenario file, day, paths, seed and figures; recorded in the audit trail."""
    day = parse_day(wanted.as_at, "as_at") if wanted.as_at else None
    ids = store_runs(
        engine, principal, as_at=day, names=wanted.names, paths=wanted.paths, seed=wanted.seed
    )
    return {"ids": ids}
