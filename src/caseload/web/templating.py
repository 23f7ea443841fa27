"""Jinja2 templates and the one way pages are rendered."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from caseload import __version__
from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.domain.glossary import codes_in
from caseload.web import formatting

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters.update(formatting.FILTERS)
# Templates ship with the package: no need to look at the files again on every render.
TEMPLATES.env.auto_reload = False

# (path, label, permission needed to see the link); pages check again in the service layer.
NAVIGATION = (
    ("/", "Overview", Permission.VIEW_AGGREGATES),
    ("/scorecard", "Scorecard", Permission.VIEW_AGGREGATES),
    ("/workforce", "Workforce", Permission.VIEW_AGGREGATES),
    ("/caseloads", "Caseloads", Permission.VIEW_AGGREGATES),
    ("/retention", "Retention", Permission.VIEW_AGGREGATES),
    ("/planning/demand", "Demand and posts", Permission.VIEW_AGGREGATES),
    ("/asye", "First year", Permission.VIEW_PEOPLE),
    ("/progression", "Progression", Permission.VIEW_PEOPLE),
    ("/alerts", "Alerts", Permission.VIEW_PEOPLE),
    ("/retention/model", "Leaving risk", Permission.VIEW_LEAVING_RISK),
    ("/retention/stay", "Stay conversations", Permission.VIEW_STAY_CONVERSATIONS),
    ("/allocation", "Allocation", Permission.ALLOCATE),
    ("/health-check", "Staff health check", Permission.VIEW_HEALTH_CHECK),
    ("/agency", "Agency rules", Permission.VIEW_AGENCY_RULES),
    ("/planning", "Planning", Permission.PLAN_WORKFORCE),
    ("/reports", "Reports", Permission.PUBLIC_REPORTS),
    ("/me", "My caseload", Permission.VIEW_OWN_RECORD),
    ("/learning", "Learning", Permission.VIEW_LEARNING),
    ("/pipeline", "Pipeline", Permission.VIEW_PIPELINE),
    ("/data", "Data", Permission.IMPORT_DATA),
    ("/data/quality", "Data quality", Permission.VIEW_DATA_QUALITY),
    ("/admin/users", "Accounts", Permission.MANAGE_USERS),
    ("/admin/audit", "Audit trail", Permission.VIEW_AUDIT),
)


def navigation(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    # A team manager's "/" is their team's page and the service leader's the scorecard (see
    # routes.overview.landing_page), so the leader's overview is at /overview.
    home = "My team" if principal.role is AccountRole.TEAM_MANAGER else "Overview"
    start = "/overview" if principal.role is AccountRole.LEADER else "/"
    return [
        (start if path == "/" else path, home if path == "/" else label)
        for path, label, needed in NAVIGATION
        if principal.can(needed)
    ]


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
        # After a password change every landing page says so once.
        "password_changed": request.query_params.get("password") == "changed",
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
    page = TEMPLATES.get_template(template).render({"request": request, **full})
    return HTMLResponse(with_codes_explained(page), status_code=status_code)


_HIDDEN = re.compile(r"<(script|style|title)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_FOOTER = "<footer"


def visible_text(page: str) -> str:
    """The words a reader sees on a page: no markup, scripts, styles or attribute values."""
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def with_codes_explained(page: str) -> str:
    """The page with a list of the codes and abbreviations it shows and what each means, above
    the footer (the glossary page lists them all)."""
    at = page.rfind(_FOOTER)
    if at < 0:
        return page
    found = codes_in([visible_text(page[:at])])
    if not found:
        return page
    items = "".join(
        f"<dt>{html.escape(code)}</dt><dd>{html.escape(meaning)}</dd>" for code, meaning in found
    )
    box = (
        '<aside class="codes-used" aria-labelledby="codes-used-title">'
        '<h2 id="codes-used-title">Codes on this page</h2>'
        f'<dl>{items}</dl><p><a href="/glossary">All codes and what they mean</a></p></aside>\n'
    )
    return page[:at] + box + page[at:]
