"""The administrator's pages: accounts (add, disable, enable, reset a password, API tokens) and
the audit trail with its chain check. Every change goes through ``caseload.services.accounts``,
which checks the permission and writes the audit trail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caseload.auth.principal import Principal
from caseload.auth.roles import ROLE_LABELS, AccountRole
from caseload.domain.dates import day_in_england, parse_day
from caseload.domain.numbers import PAGE_NUMBERS, TOKEN_DAYS, parse_whole_number
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services import accounts, audit, audit_words
from caseload.services.audit import EventFilter
from caseload.services.table_download import table_file
from caseload.web.deps import (
    CheckedForm,
    CurrentUser,
    EngineDep,
    checked_day,
    checked_number,
)
from caseload.web.downloads import file_response
from caseload.web.formatting import sentence
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
AUDIT_DOWNLOAD_LIMIT = 50_000  # the newest events a download holds
Page = Annotated[int | None, checked_number("page", PAGE_NUMBERS), Query()]
OUTCOMES = ("allowed", "refused", "failed")
DONE = {
    "disabled": "The account was disabled: its sessions were ended and its API tokens revoked.",
    "enabled": "The account was enabled (and unlocked).",
    "revoked": "The account's API tokens were revoked.",
}


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, engine: EngineDep, user: CurrentUser) -> HTMLResponse:
    found = accounts.list_users_for(engine, user)
    rows = [
        [
            a.username,
            a.display_name,
            a.role.label + (" (service)" if a.is_service else ""),
            ", ".join(a.teams),
            a.state,
            _when(a.last_sign_in_at),
            a.active_tokens,
        ]
        for a in found
    ]
    return render(
        request,
        "admin_users.html",
        {
            "title": "Accounts",
            "rows": rows,
            "link": lambda row: f"/admin/users/{row[0]}",
        },
    )


def _form_context(
    engine: EngineDep, user: Principal, values: dict[str, Any], error: str | None = None
) -> dict[str, Any]:
    return {
        "title": "Add an account",
        "roles": [(role.value, ROLE_LABELS[role]) for role in AccountRole],
        "teams": accounts.team_names_for(engine, user),
        "values": values,
        "error": error,
    }


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_form(request: Request, engine: EngineDep, user: CurrentUser) -> HTMLResponse:
    values = {"role": AccountRole.ANALYST.value, "teams": []}
    return render(request, "admin_user_new.html", _form_context(engine, user, values))


@router.post("/admin/users/new", response_class=HTMLResponse)
def add_user(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm
) -> HTMLResponse:
    values: dict[str, Any] = {
        "username": str(form.get("username", "")).strip(),
        "display_name": str(form.get("display_name", "")).strip(),
        "role": str(form.get("role", "")),
        "teams": [str(t) for t in form.getlist("teams")],
        "staff_number": str(form.get("staff_number", "")).strip(),
        "service": form.get("service") == "yes",
    }
    try:
        if values["role"] not in {role.value for role in AccountRole}:
            raise InvalidInputError("choose the account's role")
        account, password = accounts.add_user(
            engine,
            user,
            username=values["username"],
            display_name=values["display_name"],
            role=AccountRole(values["role"]),
            teams=values["teams"],
            staff_number=values["staff_number"] or None,
            service=values["service"],
        )
    except (InvalidInputError, NotFoundError) as exc:
        return render(
            request,
            "admin_user_new.html",
            _form_context(engine, user, values, sentence(str(exc))),
            status_code=400,
        )
    return render(
        request,
        "admin_secret.html",
        {
            "title": "Account added",
            "account": account,
            "what": "one-time password" if password else None,
            "secret": password,
            "intro": f"The account {account.username} ({account.role.label}) was added.",
        },
    )


@router.get("/admin/users/{username}", response_class=HTMLResponse)
def user_page(
    request: Request, engine: EngineDep, user: CurrentUser, username: str, done: str = ""
) -> HTMLResponse:
    account, tokens = accounts.account_for(engine, user, username)
    return render(
        request,
        "admin_user.html",
        {
            "title": f"Account {account.username}",
            "account": account,
            "tokens": [
                [t.name, t.state, _when(t.created_at), _when(t.expires_at), _when(t.last_used_at)]
                for t in tokens
            ],
            "is_self": account.username == user.username,
            "done": DONE.get(done),
        },
    )


@router.post("/admin/users/{username}/disable")
def disable(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm, username: str
) -> Response:
    account = accounts.disable_user(engine, user, username)
    return RedirectResponse(f"/admin/users/{account.username}?done=disabled", status_code=303)


@router.post("/admin/users/{username}/enable")
def enable(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm, username: str
) -> Response:
    account = accounts.enable_user(engine, user, username)
    return RedirectResponse(f"/admin/users/{account.username}?done=enabled", status_code=303)


@router.post("/admin/users/{username}/reset-password", response_class=HTMLResponse)
def reset_password(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm, username: str
) -> HTMLResponse:
    password = accounts.reset_password(engine, user, username)
    account, _ = accounts.account_for(engine, user, username)
    return render(
        request,
        "admin_secret.html",
        {
            "title": "Password reset",
            "account": account,
            "what": "one-time password",
            "secret": password,
            "intro": f"{account.username} has a new one-time password; their sessions were "
            "ended and the account unlocked.",
        },
    )


@router.post("/admin/users/{username}/token", response_class=HTMLResponse)
def create_token(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm, username: str
) -> HTMLResponse:
    name = str(form.get("name", "")).strip() or "api"
    days = parse_whole_number(str(form.get("days", "365")), "the days the token lasts", TOKEN_DAYS)
    if days is None:
        raise InvalidInputError("give the number of days the token lasts, from 1 to 3650")
    days_text = str(days)
    secret = accounts.create_api_token(engine, user, username, name=name, days=days)
    account, _ = accounts.account_for(engine, user, username)
    return render(
        request,
        "admin_secret.html",
        {
            "title": "API token created",
            "account": account,
            "what": "API token",
            "secret": secret,
            "intro": f"A token called {name!r} for {account.username}, lasting {days_text} days. "
            "Send it as 'Authorization: Bearer TOKEN'.",
        },
    )


@router.post("/admin/users/{username}/revoke-tokens")
def revoke_tokens(
    request: Request, engine: EngineDep, user: CurrentUser, form: CheckedForm, username: str
) -> Response:
    accounts.revoke_api_tokens(engine, user, username)
    return RedirectResponse(f"/admin/users/{username.casefold()}?done=revoked", status_code=303)


def _day(value: str, label: str, problems: list[str]) -> date | None:
    if not value.strip():
        return None
    try:
        return parse_day(value, label)
    except InvalidInputError:
        problems.append(f"{label} must be a date; it was left out of the search.")
        return None


def _wanted(
    actor: str,
    action: str,
    outcome: str,
    target_type: str,
    target_id: str,
    date_from: str,
    date_to: str,
    problems: list[str],
) -> EventFilter:
    """The audit page's filters; a date that cannot be read is left out, with a problem."""
    since = _day(date_from, "'From'", problems)
    until = _day(date_to, "'To'", problems)
    return EventFilter(
        actor=actor.strip() or None,
        action=action or None,
        outcome=outcome if outcome in OUTCOMES else None,
        target_type=target_type or None,
        target_id=target_id.strip() or None,
        since=since.isoformat() if since else None,
        until=(until + timedelta(days=1)).isoformat() if until else None,
    )


@router.get("/admin/audit/download")
def audit_file(
    engine: EngineDep,
    user: CurrentUser,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: Annotated[date | None, checked_day("date_from"), Query()] = None,
    date_to: Annotated[date | None, checked_day("date_to"), Query()] = None,
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The events the page's filters match (at most the newest 50,000), as a file. A file must
    hold what was asked for, so a day that cannot be read is refused (400), not left out."""
    since = "" if date_from is None else date_from.isoformat()
    until = "" if date_to is None else date_to.isoformat()
    wanted = _wanted(actor, action, outcome, target_type, target_id, since, until, [])
    events, _ = audit.search(engine, user, wanted, limit=AUDIT_DOWNLOAD_LIMIT)
    found = table_file(
        engine,
        user,
        what="audit",
        title="Audit trail",
        day=day_in_england(datetime.now(UTC)),
        columns=audit_words.COLUMNS,
        rows=[audit_words.event_row(e) for e in events],
        file_format=file_format,
        detail={k: v for k, v in asdict(wanted).items() if v},
    )
    return file_response(found)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    engine: EngineDep,
    user: CurrentUser,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: str = "",
    date_to: str = "",
    page: Page = None,
    check: str = "",
) -> HTMLResponse:
    problems: list[str] = []
    wanted = _wanted(actor, action, outcome, target_type, target_id, date_from, date_to, problems)
    page = page or 1
    events, total = audit.search(
        engine, user, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    choices = audit.choices_for(engine, user)
    verification = audit.verify_for(engine, user) if check else None
    filters = {
        "actor": actor,
        "action": action,
        "outcome": outcome,
        "target_type": target_type,
        "target_id": target_id,
        "date_from": date_from,
        "date_to": date_to,
    }
    kept = {key: value for key, value in filters.items() if value}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    rows = [audit_words.event_row(e) for e in events]
    return render(
        request,
        "audit.html",
        {
            "title": "Audit trail",
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "first": (page - 1) * PAGE_SIZE + 1 if rows else 0,
            "last": (page - 1) * PAGE_SIZE + len(rows),
            "previous_url": f"/admin/audit?{urlencode(kept | {'page': page - 1})}"
            if page > 1
            else None,
            "next_url": f"/admin/audit?{urlencode(kept | {'page': page + 1})}"
            if page < pages
            else None,
            "check_url": f"/admin/audit?{urlencode(kept | {'check': 'yes'})}",
            "downloads": {
                kind: f"/admin/audit/download?{urlencode(kept | {'format': kind})}"
                for kind in ("xlsx", "csv")
            },
            "filters": filters,
            "choices": choices,
            "action_labels": {a: audit_words.action_words(a) for a in choices["action"]},
            "target_labels": {t: audit_words.target_words(t) for t in choices["target_type"]},
            "outcome_labels": audit_words.OUTCOMES,
            "outcomes": OUTCOMES,
            "problems": problems,
            "verification": verification,
        },
    )
