"""/practice/worklist: the visits overdue or due soon and the supervision gaps in the signed-in
person's teams (or, for a social worker, their own), filtered and a page at a time, and their
downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from caseload.domain.numbers import PAGE_NUMBERS, RECORD_IDS
from caseload.services.worklists import WorklistFilter, worklist_download, worklist_view
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_number
from caseload.web.downloads import file_response, table_links
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=120)]
Page = Annotated[int | None, checked_number("page", PAGE_NUMBERS), Query()]
TeamId = Annotated[int | None, checked_number("team_id", RECORD_IDS), Query()]


@router.get("/practice/worklist", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    team_id: TeamId = None,
    status: Text = "",
    list_name: Annotated[str, Query(alias="list", max_length=20)] = "",
    page: Page = None,
) -> HTMLResponse:
    page = page or 1
    wanted = WorklistFilter(team=team.strip(), status=status.strip())
    context = worklist_view(
        engine,
        principal,
        wanted,
        which=list_name.strip(),
        team_id=team_id,
        page=page,
        as_at=as_at,
    )
    kept = {**context["filters"]}
    if team_id is not None:
        kept["team_id"] = str(team_id)
    links = table_links("/practice/worklist", kept, as_at, page, context["pages"])
    dated = f"as_at={as_at.isoformat()}" if as_at else ""
    return render(
        request,
        "worklist.html",
        {
            **context,
            **links,
            "clear_url": "/practice/worklist" + (f"?{dated}" if dated else ""),
        },
    )


@router.get("/practice/worklist/download")
def worklist_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    team_id: TeamId = None,
    status: Text = "",
    list_name: Annotated[str, Query(alias="list", max_length=20)] = "",
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The chosen list (every page) as the page's filters match it, as Excel or CSV."""
    wanted = WorklistFilter(team=team.strip(), status=status.strip())
    return file_response(
        worklist_download(
            engine,
            principal,
            wanted,
            file_format,
            which=list_name.strip(),
            team_id=team_id,
            as_at=as_at,
        )
    )
