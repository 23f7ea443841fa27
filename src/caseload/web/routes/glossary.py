"""/glossary: every code and abbreviation Caseload shows, with what it means."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from caseload.domain.glossary import CODE_SETS
from caseload.web.deps import CurrentUser
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, principal: CurrentUser) -> HTMLResponse:
    """Open to everyone signed in: it holds no data, only meanings."""
    return render(
        request, "glossary.html", {"title": "Codes and what they mean", "sets": CODE_SETS}
    )
