"""Dependencies every route shares, declared once as ``Annotated`` aliases."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from starlette.datastructures import FormData

from caseload.auth.principal import Principal
from caseload.auth.tokens import same_token
from caseload.domain.dates import parse_day
from caseload.errors import AuthenticationError
from caseload.services import accounts
from caseload.services.accounts import ActiveSession

SESSION_COOKIE = "caseload_session"
PRESIGN_COOKIE = "caseload_presign"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class CsrfError(Exception):
    """A form arrived without the session's CSRF token."""


class PasswordChangeRequiredError(Exception):
    """The account still has its one-time password."""


def client_source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def browser_session(request: Request, engine: EngineDep) -> ActiveSession:
    active = accounts.resolve_session(
        engine, request.cookies.get(SESSION_COOKIE), source=client_source(request)
    )
    request.state.csrf_token = active.csrf_token
    request.state.principal = active.principal
    return active


SessionDep = Annotated[ActiveSession, Depends(browser_session)]


def signed_in(active: SessionDep) -> Principal:
    """The signed-in person; one still holding a one-time password is sent to change it."""
    if active.must_change_password:
        raise PasswordChangeRequiredError()
    return active.principal


CurrentUser = Annotated[Principal, Depends(signed_in)]


async def csrf_form(request: Request, active: SessionDep) -> FormData:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not same_token(given if isinstance(given, str) else None, active.csrf_token):
        raise CsrfError()
    return form


CheckedForm = Annotated[FormData, Depends(csrf_form)]


def api_principal(request: Request, engine: EngineDep) -> Principal:
    """An API caller: a bearer token, or a browser session (reading only, or writing with the
    session's CSRF token in the ``X-CSRF-Token`` header)."""
    source = client_source(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = accounts.principal_for_token(engine, header[7:].strip(), source=source)
        request.state.principal = principal
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        active = accounts.resolve_session(engine, cookie, source=source)
        if request.method not in ("GET", "HEAD") and not same_token(
            request.headers.get(CSRF_HEADER), active.csrf_token
        ):
            raise CsrfError()
        request.state.principal = active.principal
        return active.principal
    raise AuthenticationError("send an API token as 'Authorization: Bearer TOKEN'")


ApiUser = Annotated[Principal, Depends(api_principal)]


def reporting_day(
    as_at: Annotated[
        str | None,
        Query(
            description="The day the figures answer for, YYYY-MM-DD; default the council's data "
            "date (the last day its data covers). A later day is refused.",
            max_length=40,
        ),
    ] = None,
) -> date | None:
    """The reporting date asked for in the address (``?as_at=``), range-checked here, where it
    enters; the service checks it against the council's data date."""
    return parse_day(as_at, "as_at")


AsAt = Annotated[date | None, Depends(reporting_day)]
