"""The FastAPI application: pages, the JSON API, static assets, security headers and the
translation of service errors into pages or JSON."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from caseload import __version__
from caseload.errors import (
    AccessDeniedError,
    AuthenticationError,
    CaseloadError,
    DataIntegrityError,
    NotFoundError,
)
from caseload.services import uploads
from caseload.services.snapshot import snapshots
from caseload.web.deps import CsrfError, PasswordChangeRequiredError
from caseload.web.routes import ROUTERS
from caseload.web.templating import render

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            response = await call_next(request)
        except Exception as exc:
            # Logged by kind and route only: a message may quote personal data.
            log.error(
                "unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path
            )
            response = _error(
                request,
                500,
                "Something went wrong",
                "Caseload could not finish this request. Try again, and tell your administrator "
                "if it keeps happening.",
            )
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.url.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        if request.url.scheme == "https":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": title, "detail": message}, status_code=status)
    return render(request, "error.html", {"title": title, "message": message}, status_code=status)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up, remove the uploads a stopped server left behind (personal data)."""
    try:
        removed = uploads.remove_leftovers()
    except CaseloadError as exc:  # an unusable upload folder is reported when one is made
        log.warning("upload folder not swept at start-up: %s", type(exc).__name__)
    else:
        if removed:
            log.info("removed %d uploads left from before the start", removed)
    yield


def create_app(engine: Engine) -> FastAPI:
    """The application serving ``engine``'s database."""
    app = FastAPI(
        title="Caseload",
        version=__version__,
        description="Children's social care workforce and caseloads: the JSON API. Sign in "
        "with a service account's token ('Authorization: Bearer TOKEN').",
        # No Swagger UI: it loads its scripts from a CDN, which the site's own policy (and a
        # council's network) blocks. /api/docs is a plain page of the app's own (routes/api_docs).
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=_lifespan,
    )
    app.state.engine = engine
    # The one cache of the council snapshots, owned by the application (see docs/architecture.md).
    app.state.snapshots = snapshots(engine)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(AuthenticationError)
    async def not_signed_in(request: Request, exc: AuthenticationError) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": "not signed in", "detail": str(exc)},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)

    @app.exception_handler(PasswordChangeRequiredError)
    async def change_first(request: Request, exc: PasswordChangeRequiredError) -> Response:
        if wants_json(request):
            return _error(request, 403, "password change needed", "change your password first")
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(CsrfError)
    async def csrf_failed(request: Request, exc: CsrfError) -> Response:
        return _error(
            request,
            403,
            "Form expired",
            "The form was out of date or did not come from this site. Go back, reload the "
            "page and try again.",
        )

    @app.exception_handler(AccessDeniedError)
    async def refused(request: Request, exc: AccessDeniedError) -> Response:
        return _error(request, 403, "Not allowed", str(exc))

    @app.exception_handler(NotFoundError)
    async def missing(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, "Not found", str(exc))

    @app.exception_handler(DataIntegrityError)
    async def changed_meanwhile(request: Request, exc: DataIntegrityError) -> Response:
        # Someone else's decision (or a newer recommendation) got there first: 409 Conflict.
        return _error(request, 409, "Changed meanwhile", str(exc))

    @app.exception_handler(CaseloadError)
    async def bad_input(request: Request, exc: CaseloadError) -> Response:
        return _error(request, 400, "Cannot do that", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            # FastAPI's own body, as the OpenAPI description declares it.
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ())[1:]) or 'request'}: "
            f"{error.get('msg', 'invalid')}"
            for error in exc.errors()[:5]
        )
        return _error(request, 400, "Invalid request", f"Please check the address: {problems}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Page not found", 405: "Not allowed", 422: "Invalid request"}
        return _error(
            request, exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail)
        )

    return app
