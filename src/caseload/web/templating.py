"""Jinja2 templates and the one way pages are rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from caseload import __version__
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.web import formatting

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters.update(formatting.FILTERS)
# Templates ship with the package: no need to look at the files again on every render.
TEMPLATES.env.auto_reload = False

# (path, label, permission needed to see the link); pages check again in the service layer.
NAVIGATION = (
    ("/", "Overview", Permission.VIEW_AGGREGATES),
    ("/workforce", "Workforce", Permission.VIEW_AGGREGATES),
    ("/caseloads", "Caseloads", Permission.VIEW_AGGREGATES),
    ("/allocation", "Allocation", Permission.ALLOCATE),
    ("/me", "My caseload", Permission.VIEW_OWN_RECORD),
    ("/data", "Data", Permission.IMPORT_DATA),
    ("/data/quality", "Data quality", Permission.VIEW_DATA_QUALITY),
    ("/admin/users", "Accounts", Permission.MANAGE_USERS),
    ("/admin/audit", "Audit trail", Permission.VIEW_AUDIT),
)


def navigation(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return [(path, label) for path, label, needed in NAVIGATION if principal.can(needed)]


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    principal: Principal | None = getattr(request.state, "principal", None)
    kept = [(name, value) for name, value in request.query_params.multi_items() if name != "as_at"]
    full = {
        "principal": principal,
        "navigation": navigation(principal),
        # The header's search box, for the roles that open named records.
        "can_search": principal is not None and principal.can(Permission.VIEW_PEOPLE),
        "version": __version__,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "current_path": request.url.path,
        # The reporting date form keeps the page's other choices (year, service area, ...).
        "kept_query": kept,
        "data_date_href": request.url.path + (f"?{urlencode(kept)}" if kept else ""),
        # Pages that answer for the data date only say so instead of offering a date picker.
        "date_note": (
            "Figures are for that day, with small numbers hidden."
            if principal is not None and principal.suppress_small_numbers
            else None
        ),
        **context,
    }
    return TEMPLATES.TemplateResponse(request, template, full, status_code=status_code)
