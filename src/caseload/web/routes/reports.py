"""/reports: the Workforce Steering Group pack and the scrutiny report, as PDF, Excel or HTML,
for the leader and the administrator (internal or public) and the elected member (public)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caseload.domain.numbers import CENSUS_YEARS
from caseload.errors import InvalidInputError
from caseload.services.reports import (
    Audience,
    FileFormat,
    ReportKind,
    ReportRequest,
    report_file_for,
    reports_page,
    store_scorecard_for,
)
from caseload.web.deps import CheckedForm, CurrentUser, EngineDep, checked_day, checked_number
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)

# The HTML report carries its own styles and charts inline and runs no script.
REPORT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
KIND_TEXT = {
    ReportKind.BOARD_PACK: (
        "For the Workforce Steering Group: the five areas against targets, England and the "
        "statistical neighbours; the census since the baseline year; caseloads by service and "
        "team; the establishment; recruitment, progression and leavers; absence."
    ),
    ReportKind.SCRUTINY: (
        "For the scrutiny committee: the five areas and the census since the baseline year "
        "against England, the region and the statistical neighbours; the establishment; "
        "caseloads by service; absence."
    ),
}
AUDIENCE_TEXT = {
    Audience.INTERNAL: "Internal: teams and services in full, not for publication",
    Audience.PUBLIC: "Public: no names, small numbers hidden, fit to publish",
}
FORMAT_TEXT = {
    FileFormat.PDF: "PDF document",
    FileFormat.XLSX: "Excel workbook",
    FileFormat.HTML: "Web page (printable)",
}


@router.get("/reports", response_class=HTMLResponse)
def reports(
    request: Request,
    principal: CurrentUser,
    engine: EngineDep,
    stored: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    page = reports_page(engine, principal)
    notice = None
    if stored == "already":
        notice = "The scorecard of the data date is stored already: the stored one is kept."
    elif stored:
        notice = "The scorecard of the data date is stored: the reports' trends now include it."
    return render(
        request,
        "reports.html",
        {
            "title": "Reports",
            "page": page,
            "kinds": [(kind.value, kind.title, KIND_TEXT[kind]) for kind in page.kinds],
            "audiences": [(item.value, AUDIENCE_TEXT[item]) for item in page.audiences],
            "formats": [(item.value, FORMAT_TEXT[item]) for item in page.formats],
            "notice": notice,
        },
    )


@router.post("/reports/scorecards")
def store_scorecard(
    request: Request, principal: CurrentUser, engine: EngineDep, form: CheckedForm
) -> Response:
    """Store the scorecard of the data date; a date already stored is kept (the page says so)."""
    try:
        stored = store_scorecard_for(engine, principal)
    except InvalidInputError:
        return RedirectResponse("/reports?stored=already", status_code=303)
    return RedirectResponse(f"/reports?stored={stored.as_at.isoformat()}", status_code=303)


@router.get("/reports/download")
def report_download(
    principal: CurrentUser,
    engine: EngineDep,
    kind: Annotated[ReportKind, Query()] = ReportKind.BOARD_PACK,
    audience: Annotated[Audience, Query()] = Audience.PUBLIC,
    file_format: Annotated[FileFormat, Query(alias="format")] = FileFormat.PDF,
    as_at: Annotated[date | None, checked_day("as_at"), Query()] = None,
    baseline_year: Annotated[
        int | None, checked_number("baseline_year", CENSUS_YEARS), Query()
    ] = None,
) -> Response:
    made = report_file_for(
        engine,
        principal,
        ReportRequest(
            kind=kind,
            audience=audience,
            file_format=file_format,
            as_at=as_at,
            baseline_year=baseline_year,
        ),
    )
    inline = file_format is FileFormat.HTML
    headers = {
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{made.name}"',
        "Cache-Control": "no-store",
    }
    if inline:
        headers["Content-Security-Policy"] = REPORT_PAGE_POLICY
    return Response(made.content, media_type=made.media_type, headers=headers)
