"""The people pages: /teams/{id}, /workers/{id} and /me (a social worker's own record)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caseload.auth.roles import Permission
from caseload.services.people import me_view, team_view, worker_view
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_record_id
from caseload.web.routes.caseloads import render_page
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
WorkerId = Annotated[int, checked_record_id("worker"), Path(description="The worker's id.")]
TeamId = Annotated[int, checked_record_id("team"), Path(description="The team's id.")]


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_page(
    request: Request, engine: EngineDep, principal: CurrentUser, team_id: TeamId, as_at: AsAt
) -> HTMLResponse:
    context = team_view(engine, principal, team_id, as_at=as_at)
    return render_page(request, "team.html", "team_content.html", context)


@router.get("/workers/{worker_id}", response_class=HTMLResponse)
def worker_page(
    request: Request, engine: EngineDep, principal: CurrentUser, worker_id: WorkerId, as_at: AsAt
) -> HTMLResponse:
    context = worker_view(engine, principal, worker_id, as_at=as_at)
    return render(request, "worker.html", dict(context))


@router.get("/me", response_class=HTMLResponse)
def my_page(request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt) -> Response:
    """The social worker's own record; everyone else goes to the overview."""
    if not principal.can(Permission.VIEW_OWN_RECORD) or principal.worker_id is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "me.html", dict(me_view(engine, principal, as_at=as_at)))
