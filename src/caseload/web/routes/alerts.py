"""/alerts: every alert in the signed-in person's teams, filtered and a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from caseload.domain.numbers import PAGE_NUMBERS
from caseload.services.alerts_view import AlertFilter, alerts_download, alerts_view
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_number
from caseload.web.downloads import file_response, table_links
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=120)]
Page = Annotated[int | None, checked_number("page", PAGE_NUMBERS), Query()]


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    kind: Text = "",
    severity: Text = "",
    page: Page = None,
) -> HTMLResponse:
    page = page or 1
    wanted = AlertFilter(team=team.strip(), kind=kind.strip(), severity=severity.strip())
    context = alerts_view(engine, principal, wanted, page=page, as_at=as_at)
    links = table_links("/alerts", wanted.as_dict(), as_at, page, context["pages"])
    return render(
        request,
        "alerts.html",
        {
            **context,
            **links,
            "clear_url": "/alerts" + (f"?as_at={as_at.isoformat()}" if as_at else ""),
        },
    )


@router.get("/alerts/download")
def alerts_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    kind: Text = "",
    severity: Text = "",
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """Every alert the page's filters match, as an Excel workbook or a CSV file."""
    wanted = AlertFilter(team=team.strip(), kind=kind.strip(), severity=severity.strip())
    return file_response(alerts_download(engine, principal, wanted, file_format, as_at=as_at))
