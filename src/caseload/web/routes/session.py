"""Signing in and out, changing one's password, and the health check."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import Engine

from caseload.errors import AuthenticationError, InvalidInputError
from caseload.services import accounts, sign_in_forms
from caseload.web.deps import (
    PRESIGN_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    EngineDep,
    SessionDep,
    client_source,
)
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//'), else the overview."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _sign_in_page(
    request: Request,
    engine: Engine,
    next_path: str,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    presign = sign_in_forms.issue(engine)
    response = render(
        request,
        "sign_in.html",
        {"title": "Sign in", "next": safe_next(next_path), "presign": presign, "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        PRESIGN_COOKIE,
        presign,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=int(sign_in_forms.FORM_LIFETIME.total_seconds()),
    )
    return response


@router.api_route("/health", methods=["GET", "HEAD"])
def health() -> JSONResponse:
    """Static: the floor the load benchmark compares pages with."""
    return JSONResponse({"status": "ok"})


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, engine: EngineDep, next: str = "/") -> HTMLResponse:
    return _sign_in_page(request, engine, next)


@router.post("/sign-in")
def sign_in(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
    presign: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not sign_in_forms.is_valid(engine, presign, request.cookies.get(PRESIGN_COOKIE)):
        return _sign_in_page(
            request,
            engine,
            next,
            "The sign-in form has expired or did not come from this site. Please try again.",
            status_code=400,
        )
    try:
        signed = accounts.sign_in(engine, username, password, source=client_source(request))
    except AuthenticationError as exc:
        return _sign_in_page(request, engine, next, f"Sign-in failed: {exc}.", status_code=401)
    target = "/account/password" if signed.must_change_password else safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    response.delete_cookie(PRESIGN_COOKIE)
    return response


@router.post("/sign-out")
def sign_out(request: Request, engine: EngineDep, form: CheckedForm) -> Response:
    accounts.sign_out(engine, request.cookies.get(SESSION_COOKIE), source=client_source(request))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, active: SessionDep) -> HTMLResponse:
    return render(
        request,
        "change_password.html",
        {"title": "Change your password", "must_change": active.must_change_password},
    )


@router.post("/account/password")
def change_password(
    request: Request, engine: EngineDep, active: SessionDep, form: CheckedForm
) -> Response:
    current, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    error = None
    if new != again:
        error = "The two new passwords are different."
    else:
        try:
            accounts.change_password(
                engine,
                active.principal,
                current,
                new,
                keep_token=request.cookies.get(SESSION_COOKIE),
            )
        except (InvalidInputError, AuthenticationError) as exc:
            error = str(exc).capitalize() + "."
    if error:
        return render(
            request,
            "change_password.html",
            {
                "title": "Change your password",
                "must_change": active.must_change_password,
                "error": error,
            },
            status_code=400,
        )
    return RedirectResponse("/?password=changed", status_code=303)
