"""Dependencies every route shares, declared once as ``Annotated`` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator
from sqlalchemy import Engine
from starlette.datastructures import FormData

from caseload.auth.principal import Principal
from caseload.auth.tokens import same_token
from caseload.domain.dates import parse_day
from caseload.domain.numbers import RECORD_IDS, NumberRange, parse_whole_number
from caseload.errors import AuthenticationError, InvalidInputError, NotFoundError
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


# --- numbers and days in the address ----------------------------------------------------------
# Every number or day a route reads from the address is declared with one of these, so it is
# parsed and range-checked where it enters (``caseload.domain.numbers``, ``caseload.domain.dates``)
# and a bad value is answered 400 (404 for a record id in the path) with the usual error page or
# JSON body, never FastAPI's 422 or a 500. ``tests/security/test_ranges.py`` walks every route and
# fails on a parameter declared otherwise.


@dataclass(frozen=True)
class NumberCheck:
    """Reads a query or path value as a whole number in ``allowed`` (``None`` when not given)."""

    field: str
    allowed: NumberRange

    def __call__(self, value: object) -> int | None:
        return None if value is None else parse_whole_number(str(value), self.field, self.allowed)


@dataclass(frozen=True)
class NumbersCheck:
    """Reads a repeated query value (``?decided=1&decided=2``) as whole numbers in ``allowed``;
    at most ``MOST_REPEATS`` are read."""

    field: str
    allowed: NumberRange

    def __call__(self, values: object) -> list[int] | None:
        if values is None:
            return None
        given = list(values) if isinstance(values, list | tuple) else [values]
        one = NumberCheck(self.field, self.allowed)
        return [n for n in (one(value) for value in given[:MOST_REPEATS]) if n is not None]


@dataclass(frozen=True)
class RecordIdCheck:
    """Reads a record's id from the path; an id that cannot exist names no record (404)."""

    what: str

    def __call__(self, value: object) -> int:
        try:
            found = parse_whole_number(str(value), "id", RECORD_IDS)
        except InvalidInputError:
            found = None
        if found is None:
            raise NotFoundError(f"there is no {self.what} with the id {str(value)[:20]!r}")
        return found


@dataclass(frozen=True)
class DayCheck:
    """Reads a query value as a day YYYY-MM-DD between 2000 and 2099 (``None`` when not given)."""

    field: str

    def __call__(self, value: object) -> date | None:
        return parse_day(None if value is None else str(value), self.field)


MOST_REPEATS = 200
RANGE_CHECKS = (NumberCheck, NumbersCheck, RecordIdCheck, DayCheck)


def checked_number(field: str, allowed: NumberRange) -> BeforeValidator:
    """Reads a query parameter as a whole number in ``allowed``:
    ``Annotated[int | None, checked_number("year", CENSUS_YEARS), Query(...)]``."""
    return BeforeValidator(NumberCheck(field, allowed))


def checked_numbers(field: str, allowed: NumberRange) -> BeforeValidator:
    """Reads a repeated query parameter as whole numbers in ``allowed``:
    ``Annotated[list[int] | None, checked_numbers("decided", RECORD_IDS), Query(...)]``."""
    return BeforeValidator(NumbersCheck(field, allowed))


def checked_day(field: str) -> BeforeValidator:
    """Reads a query parameter as a day in Caseload's range:
    ``Annotated[date | None, checked_day("from"), Query(alias="from")]``."""
    return BeforeValidator(DayCheck(field))


def checked_record_id(what: str) -> BeforeValidator:
    """Reads a record's id in the path, a bad one naming no record:
    ``Annotated[int, checked_record_id("worker"), Path()]``."""
    return BeforeValidator(RecordIdCheck(what))


def reporting_day(
    as_at: Annotated[
        date | None,
        checked_day("as_at"),
        Query(
            description="The day the figures answer for, YYYY-MM-DD; default the council's data "
            "date (the last day its data covers). A later day is refused.",
        ),
    ] = None,
) -> date | None:
    """The reporting date asked for in the address (``?as_at=``), range-checked where it enters
    (``DayCheck``); the service checks it against the council's data date."""
    return as_at


AsAt = Annotated[date | None, Depends(reporting_day)]
