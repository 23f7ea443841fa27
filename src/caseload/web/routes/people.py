"""The people pages: /teams/{id}, /workers/{id}, /me (a social worker's own record, with their
ASYE year while it runs) and /search (the header's search box)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caseload.auth.roles import Permission
from caseload.errors import InvalidInputError
from caseload.services import search
from caseload.services.asye import own_programme
from caseload.services.people import me_view, team_view, worker_view
from caseload.services.worklists import short_lists
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_record_id
from caseload.web.formatting import sentence
from caseload.web.routes.caseloads import fragment
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
WorkerId = Annotated[int, checked_record_id("worker"), Path(description="The worker's id.")]
TeamId = Annotated[int, checked_record_id("team"), Path(description="The team's id.")]
Typed = Annotated[str | None, Query(alias="q", max_length=200)]


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_page(
    request: Request, engine: EngineDep, principal: CurrentUser, team_id: TeamId, as_at: AsAt
) -> HTMLResponse:
    context = team_view(engine, principal, team_id, as_at=as_at)
    practice = short_lists(engine, principal, team_id=team_id, as_at=as_at)
    return render(
        request,
        "team.html",
        {
            "title": context["title"],
            "breadcrumbs": context["breadcrumbs"],
            "as_at": context["as_at"],
            "data_date": context["data_date"],
            "content": fragment(request, "team_content.html", context),
            "practice": practice,
            "team_name": context["team"]["name"],
        },
    )


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
    context = dict(me_view(engine, principal, as_at=as_at))
    context["practice"] = short_lists(engine, principal, as_at=as_at, where="me")
    context["asye"] = own_programme(engine, principal, as_at=as_at)
    return render(request, "me.html", context)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, engine: EngineDep, principal: CurrentUser, as_at: AsAt, typed: Typed = None
) -> Response:
    """Workers, children and teams whose name, number or reference contains what was typed."""
    if not (typed or "").strip():
        context = {"title": "Search", "query": "", "groups": None, "total": 0}
        return render(request, "search.html", context)
    try:
        found = search.search(engine, principal, typed, as_at=as_at)
    except InvalidInputError as exc:
        context = {"title": "Search", "query": typed, "groups": None, "error": sentence(str(exc))}
        return render(request, "search.html", context, status_code=400)
    if found["total"] == 1:
        # One match: straight to it, on the same reporting date.
        path, _, anchor = found["groups"][0]["results"][0]["href"].partition("#")
        dated = f"{path}?as_at={as_at.isoformat()}" if as_at else path
        return RedirectResponse(dated + (f"#{anchor}" if anchor else ""), status_code=303)
    return render(request, "search.html", dict(found))
