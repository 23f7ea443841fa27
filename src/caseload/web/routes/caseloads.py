"""The caseloads pages: /caseloads (service > team > worker drill-down) and /caseloads/queue
(the children waiting for a worker).

Their contexts are cached by the service layer (one object per data fingerprint, scope and
role); the HTML of a page's content is rendered once per such object and kept beside it, so a
repeat view renders only the page's frame (header, menu, breadcrumbs)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from caseload.auth.roles import Permission
from caseload.domain.numbers import PAGE_NUMBERS
from caseload.services.caseload_views import (
    QueueFilter,
    caseloads_view,
    queue_download,
    queue_rows,
    queue_view,
)
from caseload.services.snapshot import Snapshots
from caseload.services.worker_list_view import WorkerFilter, workers_download, workers_view
from caseload.web.deps import AsAt, CurrentUser, EngineDep, checked_number
from caseload.web.downloads import file_response, table_links
from caseload.web.templating import TEMPLATES, render

router = APIRouter(include_in_schema=False)
Service = Annotated[
    str | None, Query(max_length=120, description="A service area's name, to narrow the page.")
]


def fragment(request: Request, template: str, context: Mapping[str, Any], **extra: Hashable) -> str:
    """``template`` rendered with ``context``, once per context object (kept alive beside its
    HTML in the application's snapshots, so its id cannot be reused by another while the entry
    lasts)."""
    kept: Snapshots = request.app.state.snapshots
    key = (template, id(context), *sorted(extra.items()))
    found: tuple[object, str] | None = kept.fragments.get(key)
    if found is not None and found[0] is context:
        return found[1]
    html = TEMPLATES.env.get_template(template).render({**context, **extra})
    kept.fragments.put(key, (context, html))
    return html


def render_page(
    request: Request, page: str, content: str, context: Mapping[str, Any], **extra: Hashable
) -> HTMLResponse:
    """The page: its frame around the content rendered by ``fragment``."""
    return render(
        request,
        page,
        {
            "title": context["title"],
            "breadcrumbs": context.get("breadcrumbs", []),
            "as_at": context.get("as_at"),
            "data_date": context.get("data_date"),
            "content": fragment(request, content, context, **extra),
        },
    )


@router.get("/caseloads", response_class=HTMLResponse)
def caseloads_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    service: Service = None,
) -> HTMLResponse:
    context = caseloads_view(engine, principal, service=service, as_at=as_at)
    return render_page(request, "caseloads.html", "caseloads_content.html", context)


Text = Annotated[str, Query(max_length=120)]
Page = Annotated[int | None, checked_number("page", PAGE_NUMBERS), Query()]


@router.get("/caseloads/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    case: Text = "",
    wait: Text = "",
    page: Page = None,
) -> HTMLResponse:
    page = page or 1
    context = queue_view(engine, principal, as_at=as_at)
    wanted = QueueFilter(team.strip(), case.strip(), wait.strip())
    rows = queue_rows(context, wanted, page)
    extra: dict[str, Any] = {}
    if rows is not None:
        extra = {
            "rows": rows,
            "detail": context["detail"],
            "can_allocate": principal.can(Permission.ALLOCATE),
            **table_links("/caseloads/queue", wanted.as_dict(), as_at, page, rows["pages"]),
        }
    return render(
        request,
        "caseloads_queue.html",
        {
            "title": context["title"],
            "breadcrumbs": context.get("breadcrumbs", []),
            "as_at": context.get("as_at"),
            "data_date": context.get("data_date"),
            "content": fragment(
                request,
                "caseloads_queue_content.html",
                context,
                can_allocate=principal.can(Permission.ALLOCATE),
            ),
            **extra,
        },
    )


@router.get("/caseloads/queue/download")
def queue_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    case: Text = "",
    wait: Text = "",
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The children waiting that the page's filters keep, as an Excel workbook or a CSV file."""
    wanted = QueueFilter(team.strip(), case.strip(), wait.strip())
    return file_response(queue_download(engine, principal, wanted, file_format, as_at=as_at))


@router.get("/caseloads/workers", response_class=HTMLResponse)
def workers_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    service: Text = "",
    role: Text = "",
    band: Text = "",
    contract: Text = "",
    page: Page = None,
) -> HTMLResponse:
    """Every worker's caseload, filtered and a page at a time, with downloads."""
    page = page or 1
    wanted = WorkerFilter(team.strip(), service.strip(), role.strip(), band.strip(), contract)
    context = workers_view(engine, principal, wanted, page=page, as_at=as_at)
    links = table_links("/caseloads/workers", wanted.as_dict(), as_at, page, context["pages"])
    return render(request, "caseloads_workers.html", {**context, **links})


@router.get("/caseloads/workers/download")
def workers_file(
    engine: EngineDep,
    principal: CurrentUser,
    as_at: AsAt,
    team: Text = "",
    service: Text = "",
    role: Text = "",
    band: Text = "",
    contract: Text = "",
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The workers the page's filters match, as an Excel workbook or a CSV file."""
    wanted = WorkerFilter(team.strip(), service.strip(), role.strip(), band.strip(), contract)
    return file_response(workers_download(engine, principal, wanted, file_format, as_at=as_at))
