"""The agency rules: the page /agency and the API's /api/v1/agency/breaches, both from
:func:`caseload.services.agency.agency_view`, and the quarterly agency data return as a workbook
(/agency/return) or as JSON (/api/v1/agency/return)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.responses import HTMLResponse, Response

from caseload.services.agency import (
    agency_return,
    agency_return_file,
    agency_view,
    return_summary,
)
from caseload.services.table_download import FORMATS
from caseload.web.deps import ApiUser, AsAt, CurrentUser, EngineDep
from caseload.web.routes.api_census import BEARER, ERRORS
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["agency"], dependencies=[Security(BEARER)])
QuarterParam = Annotated[
    str,
    Query(max_length=10, description="Calendar quarter, e.g. 2026Q3 (July to September 2026)."),
]
XLSX = FORMATS["xlsx"]


@router.get("/agency", response_class=HTMLResponse)
def agency_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt
) -> HTMLResponse:
    return render(request, "agency.html", agency_view(engine, principal, as_at=as_at))


@router.get("/agency/return")
def agency_return_download(
    engine: EngineDep, principal: CurrentUser, quarter: QuarterParam
) -> Response:
    name, content = agency_return_file(engine, principal, quarter=quarter)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@api.get("/agency/breaches", responses=ERRORS)
def agency_breaches(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> dict[str, Any]:
    """The share of agency engagements meeting each DfE agency rule on the date, every breach
    with its evidence (named; each view audited) and the price caps in use."""
    return agency_view(engine, principal, as_at=as_at)


@api.get("/agency/return", responses=ERRORS)
def agency_return_json(
    engine: EngineDep, principal: ApiUser, quarter: QuarterParam
) -> dict[str, Any]:
    """The quarterly agency data return for the quarter, validated, one list of rows per part."""
    return return_summary(agency_return(engine, principal, quarter=quarter))
