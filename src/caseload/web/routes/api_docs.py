"""/api/docs: the JSON API's operations on a plain page of the site's own, linking the OpenAPI
description. (FastAPI's Swagger UI loads its scripts from a CDN, which the site's
Content-Security-Policy, and a council's network, would block.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    description = request.app.openapi()
    rows = [
        [method.upper(), path, operation.get("summary", "")]
        for path, item in description.get("paths", {}).items()
        for method in HTTP_METHODS
        if (operation := item.get(method)) is not None
    ]
    return render(
        request,
        "api_docs.html",
        {
            "title": "The JSON API",
            "rows": rows,
            "openapi_url": request.app.openapi_url,
            "version": description.get("info", {}).get("version", ""),
        },
    )
