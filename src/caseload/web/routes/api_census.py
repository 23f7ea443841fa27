"""JSON API (/api/v1): census indicators, the overview and the workforce page's figures. Each
endpoint returns the very dictionary its page renders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Security
from fastapi.security import HTTPBearer
from typing_extensions import TypedDict

from caseload.domain.numbers import CENSUS_YEARS
from caseload.services.overview import OverviewContext, overview_context
from caseload.services.workforce_view import (
    IndicatorTable,
    WorkforceContext,
    indicator_table,
    workforce_context,
)
from caseload.web.deps import ApiUser, AsAt, EngineDep, checked_number

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A service account's API token: 'Authorization: Bearer TOKEN'.",
)
router = APIRouter(prefix="/api/v1", tags=["census"], dependencies=[Security(BEARER)])


class ApiError(TypedDict):
    error: str
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "A year or date out of range (see detail)."},
    401: {"model": ApiError, "description": "No valid token or session."},
    403: {"model": ApiError, "description": "Your role cannot see these figures (recorded)."},
    404: {"model": ApiError, "description": "No census figures for that year."},
}
Year = Annotated[
    int | None,
    checked_number("year", CENSUS_YEARS),
    Query(description="Census year (1 Oct to 30 Sep), e.g. 2025; from 2000 to 2100."),
]
BaselineYear = Annotated[
    int | None,
    checked_number("baseline_year", CENSUS_YEARS),
    Query(description="A census year to compare the latest year with; from 2000 to 2100."),
]


@router.get("/census/indicators", response_model=IndicatorTable, responses=ERRORS)
def census_indicators(
    engine: EngineDep,
    principal: ApiUser,
    as_at: AsAt,
    year: Year = None,
    by: Annotated[
        Literal["team", "role"] | None,
        Query(description="Break the year's figures down by team or by role."),
    ] = None,
) -> IndicatorTable:
    """DfE's census indicators for the council: one row per census year with figures (or the
    year asked for), or by team or role for a year (default the latest). Values are rounded as
    DfE publishes them; null where DfE prints z or x; "c" where a small number is suppressed
    (elected members)."""
    return indicator_table(engine, principal, year=year, by=by, as_at=as_at)


@router.get("/overview", response_model=OverviewContext, responses=ERRORS)
def overview(
    engine: EngineDep,
    principal: ApiUser,
    as_at: AsAt,
    baseline_year: BaselineYear = None,
) -> OverviewContext:
    """The overview page's figures: key indicators with trends and ratings against England and
    the region, caseload bands, children waiting and alerts."""
    return overview_context(engine, principal, as_at=as_at, baseline_year=baseline_year)


@router.get("/workforce", response_model=WorkforceContext, responses=ERRORS)
def workforce(
    engine: EngineDep, principal: ApiUser, as_at: AsAt, year: Year = None
) -> WorkforceContext:
    """The workforce page's figures for a census year (default the latest): indicators by year,
    team and role, benchmarks and, for roles that may download it, the census return's
    validation report."""
    return workforce_context(engine, principal, year=year, as_at=as_at)
