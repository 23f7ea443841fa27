"""Accounts and signing in: adding, disabling and resetting accounts, password sign-in with
lock-out, browser sessions with expiry and CSRF tokens, and API tokens for service accounts.

Every change to an account and every sign-in (successful or not) is written to the audit trail.
Sign-in is kept behind one function (``sign_in``) returning a ``Principal``, so a council's single
sign-on can later produce the same ``Principal`` without touching the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.auth import passwords, tokens
from caseload.auth.principal import Principal
from caseload.auth.roles import ALL_TEAMS_ROLES, AccountRole, Permission
from caseload.errors import AccessDeniedError, AuthenticationError, InvalidInputError, NotFoundError
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.storage import account_queries, queries, sign_in_writes
from caseload.storage.account_models import ApiToken, UserAccount, UserSession
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.schema import require_current

MAX_FAILED_ATTEMPTS = 5
LOCK_OUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=10)
SESSION_TOUCH = timedelta(seconds=60)
MAX_TOKEN_DAYS = 3650
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
MAX_FAILURES_PER_SOURCE = 20
SOURCE_WINDOW = timedelta(minutes=15)
TOO_MANY_FAILURES = (
    "too many failed sign-ins from your network address; wait 15 minutes and try again"
)
SIGN_IN_FAILED = "the user name or password is wrong, or the account is locked or disabled"


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AccountView:
    username: str
    display_name: str
    role: AccountRole
    teams: list[str]
    worker_id: int | None
    is_service: bool
    disabled: bool
    locked: bool
    must_change_password: bool
    last_sign_in_at: datetime | None
    active_tokens: int = 0

    @property
    def state(self) -> str:
        """One word for lists: disabled, locked, new (one-time password not yet changed) or
        active."""
        if self.disabled:
            return "disabled"
        if self.locked:
            return "locked"
        if self.must_change_password and not self.is_service:
            return "new"
        return "active"

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "teams": self.teams,
            "worker_id": self.worker_id,
            "service_account": self.is_service,
            "disabled": self.disabled,
            "locked": self.locked,
            "must_change_password": self.must_change_password,
            "last_sign_in_at": (self.last_sign_in_at.isoformat() if self.last_sign_in_at else None),
            "active_tokens": self.active_tokens,
        }


@dataclass(frozen=True)
class TokenView:
    """An API token as listed to an administrator (never the token itself)."""

    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now():
            return "expired"
        return "active"


def _token_views(session: Session, account_id: int) -> list[TokenView]:
    return [
        TokenView(
            name=token.name,
            created_at=_aware(token.created_at) or now(),
            expires_at=_aware(token.expires_at),
            last_used_at=_aware(token.last_used_at),
            revoked_at=_aware(token.revoked_at),
        )
        for token in account_queries.tokens_of(session, account_id)
    ]


def _view(session: Session, account: UserAccount) -> AccountView:
    locked_until = _aware(account.locked_until)
    return AccountView(
        username=account.username,
        display_name=account.display_name,
        role=AccountRole(account.role),
        teams=account_queries.account_team_names(session, account.id),
        worker_id=account.worker_id,
        is_service=account.is_service,
        disabled=account.disabled_at is not None,
        locked=locked_until is not None and locked_until > now(),
        must_change_password=account.must_change_password,
        last_sign_in_at=_aware(account.last_sign_in_at),
        active_tokens=sum(t.state == "active" for t in _token_views(session, account.id)),
    )


def _valid_username(username: str) -> str:
    name = username.strip().casefold()
    if not name or len(name) > 80 or not set(name) <= USERNAME_CHARS:
        raise InvalidInputError(
            f"user name {username!r} is not allowed: use 1-80 letters, digits, '.', '_' or '-'"
        )
    return name


def _authority(session: Session, code: str | None) -> Authority:
    if code is not None:
        return queries.authorities(session, code)[0]
    found = queries.first_authorities(session)
    if len(found) != 1:
        raise InvalidInputError(
            "say which council the account belongs to with --authority CODE"
            if found
            else "the database holds no council yet; run 'caseload demo' or load data first"
        )
    return found[0]


def _team_ids(session: Session, authority_id: int, names: Sequence[str]) -> list[int]:
    """Team ids by name, ignoring case (names are compared whole: no wildcards)."""
    ids = []
    for name in names:
        found = account_queries.team_ids_named(session, authority_id, name)
        if not found:
            raise NotFoundError(f"no team called {name!r}; 'caseload caseloads' lists the teams")
        if len(found) > 1:
            raise InvalidInputError(f"more than one team is called {name!r}; use its exact name")
        ids.append(found[0])
    return ids


def _worker_id(session: Session, authority_id: int, staff_number: str) -> int:
    worker_id = account_queries.worker_id_by_staff_number(session, authority_id, staff_number)
    if worker_id is None:
        raise NotFoundError(f"no worker with staff number {staff_number!r}")
    return worker_id


def _managing(engine: Engine, by: Principal | Actor) -> int | None:
    """The council whose accounts ``by`` may manage: a signed-in administrator their own (the
    permission is checked and a refusal recorded); the command line any (None)."""
    if isinstance(by, Principal):
        audit.require(engine, by, Permission.MANAGE_USERS, "accounts")
        return by.authority_id
    return None


def add_user(
    engine: Engine,
    by: Principal | Actor,
    *,
    username: str,
    display_name: str,
    role: AccountRole,
    teams: Sequence[str] = (),
    staff_number: str | None = None,
    authority_code: str | None = None,
    service: bool = False,
    password: str | None = None,
) -> tuple[AccountView, str | None]:
    """Add an account; returns it with its one-time password (None for a service account, which
    signs in with API tokens only). A team manager needs teams; a social worker needs their
    staff number. An administrator adds accounts to their own council only."""
    require_current(engine)
    scope = _managing(engine, by)
    name = _valid_username(username)
    if role is AccountRole.TEAM_MANAGER and not teams:
        raise InvalidInputError("a team manager's account needs at least one --team")
    if role is AccountRole.SOCIAL_WORKER and not staff_number:
        raise InvalidInputError("a social worker's account needs their --staff-number")
    secret = None if service else (password or passwords.one_time_password())
    if secret is not None and password is not None:
        passwords.check_password_rules(secret, username=name)
    with session_scope(engine) as session:
        if account_queries.account_by_name(session, name) is not None:
            raise InvalidInputError(f"there is already an account called {name!r}")
        authority = (
            _authority(session, authority_code)
            if scope is None
            else session.get_one(Authority, scope)
        )
        if scope is not None and authority_code not in (None, authority.code):
            raise InvalidInputError("an administrator adds accounts to their own council only")
        account = UserAccount(
            authority_id=authority.id,
            username=name,
            display_name=display_name.strip() or name,
            role=role.value,
            worker_id=(_worker_id(session, authority.id, staff_number) if staff_number else None),
            is_service=service,
            password_hash=passwords.hash_password(secret) if secret else None,
            must_change_password=secret is not None and password is None,
            failed_attempts=0,
            created_at=now(),
            created_by=by.username if isinstance(by, Principal) else by.name,
        )
        session.add(account)
        session.flush()
        account_queries.set_account_teams(
            session, account.id, _team_ids(session, authority.id, teams)
        )
        session.flush()
        audit.record_in(
            session,
            audit.under(by, authority.id),
            "account_add",
            "account",
            name,
            {"role": role.value, "service": service},
        )
        return _view(session, account), (secret if password is None else None)


def _account(session: Session, username: str, scope: int | None = None) -> UserAccount:
    """The account called ``username``; with ``scope``, only one of that council (another
    council's account is reported as missing, to give nothing away)."""
    account = account_queries.account_by_name(session, username)
    if account is None or (scope is not None and account.authority_id != scope):
        raise NotFoundError(f"no account called {username!r}; 'caseload users list' lists them")
    return account


def disable_user(engine: Engine, by: Principal | Actor, username: str) -> AccountView:
    """Disable an account, end its sessions and revoke its API tokens. Accounts are never
    deleted, so the audit trail always names someone who existed. An administrator cannot
    disable their own account (so a council always keeps one)."""
    require_current(engine)
    scope = _managing(engine, by)
    if isinstance(by, Principal) and by.username == username.strip().casefold():
        raise AccessDeniedError(
            "you cannot disable your own account; ask another administrator to do it"
        )
    with session_scope(engine) as session:
        account = _account(session, username, scope)
        moment = now()
        account.disabled_at = account.disabled_at or moment
        account_queries.end_sessions(session, account.id, moment)
        for token in account_queries.tokens_of(session, account.id):
            token.revoked_at = token.revoked_at or moment
        audit.record_in(
            session,
            audit.under(by, account.authority_id),
            "account_disable",
            "account",
            account.username,
        )
        return _view(session, account)


def enable_user(engine: Engine, by: Principal | Actor, username: str) -> AccountView:
    """Enable a disabled account, or unlock a locked one (its API tokens stay revoked)."""
    require_current(engine)
    scope = _managing(engine, by)
    with session_scope(engine) as session:
        account = _account(session, username, scope)
        account.disabled_at = None
        account.failed_attempts = 0
        account.locked_until = None
        audit.record_in(
            session,
            audit.under(by, account.authority_id),
            "account_enable",
            "account",
            account.username,
        )
        return _view(session, account)


def reset_password(engine: Engine, by: Principal | Actor, username: str) -> str:
    """Give the account a new one-time password (to be changed at next sign-in), unlock it and
    end its sessions."""
    require_current(engine)
    scope = _managing(engine, by)
    secret = passwords.one_time_password()
    with session_scope(engine) as session:
        account = _account(session, username, scope)
        if account.is_service:
            raise InvalidInputError(
                f"{account.username!r} is a service account: it signs in with API tokens only"
            )
        account.password_hash = passwords.hash_password(secret)
        account.must_change_password = True
        account.failed_attempts = 0
        account.locked_until = None
        account_queries.end_sessions(session, account.id, now())
        audit.record_in(
            session,
            audit.under(by, account.authority_id),
            "password_reset",
            "account",
            account.username,
        )
    return secret


def list_users(engine: Engine, authority_code: str | None = None) -> list[AccountView]:
    require_current(engine)
    with session_scope(engine) as session:
        authority_id = (
            queries.authorities(session, authority_code)[0].id if authority_code else None
        )
        return [_view(session, a) for a in account_queries.accounts(session, authority_id)]


def list_users_for(engine: Engine, principal: Principal) -> list[AccountView]:
    """The accounts page: administrators only."""
    audit.require(engine, principal, Permission.MANAGE_USERS, "accounts")
    with session_scope(engine) as session:
        found = [
            _view(session, a) for a in account_queries.accounts(session, principal.authority_id)
        ]
    # Accounts carry staff names: a person-level view, recorded like a worker page's.
    audit.record(engine, principal, "view", "accounts", None, {"accounts_shown": len(found)})
    return found


def account_for(
    engine: Engine, principal: Principal, username: str
) -> tuple[AccountView, list[TokenView]]:
    """One account of the administrator's council with its API tokens."""
    audit.require(engine, principal, Permission.MANAGE_USERS, "accounts")
    with session_scope(engine) as session:
        account = _account(session, username, principal.authority_id)
        found = _view(session, account), _token_views(session, account.id)
    audit.record(engine, principal, "view", "account", account.id, {})
    return found


def team_names_for(engine: Engine, principal: Principal) -> list[str]:
    """The teams of the administrator's council, for the new-account form."""
    audit.require(engine, principal, Permission.MANAGE_USERS, "accounts")
    with session_scope(engine) as session:
        return account_queries.team_names(session, principal.authority_id)


def principal_of(session: Session, account: UserAccount, source: str) -> Principal:
    return Principal(
        user_id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=AccountRole(account.role),
        authority_id=account.authority_id,
        team_ids=frozenset(
            account_queries.account_team_ids(session, account.id)
            if AccountRole(account.role) not in ALL_TEAMS_ROLES
            else ()
        ),
        worker_id=account.worker_id,
        source=source,
        is_service=account.is_service,
    )


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_token: str
    csrf_token: str
    must_change_password: bool


ADDRESS = "address"


def _start_attempt(engine: Engine, source: str, moment: datetime) -> int | None:
    """Note a sign-in attempt from ``source`` in the database, where every server worker counts
    it; None (and the note removed) when the address already has ``MAX_FAILURES_PER_SOURCE``
    failures or attempts in flight within ``SOURCE_WINDOW``. An attempt is counted from the
    moment it starts, so a burst of parallel guesses cannot all pass the check before any of
    them has failed."""
    with session_scope(engine) as session:
        sign_in_writes.prune_attempts(session, before=moment - SOURCE_WINDOW)
        attempt = sign_in_writes.add_attempt(session, ADDRESS, source, moment=moment)
    with session_scope(engine) as session:
        recent = sign_in_writes.attempts_since(session, ADDRESS, source, moment - SOURCE_WINDOW)
        if recent <= MAX_FAILURES_PER_SOURCE:
            return attempt
        sign_in_writes.forget_attempt(session, attempt)
    return None


def sign_in(engine: Engine, username: str, password: str, *, source: str) -> SignedIn:
    """Check a password and open a browser session. Five failures in a row lock the account for
    15 minutes, and 20 failures from one address within 15 minutes stop that address trying;
    the message never says whether the name exists.

    Both limits hold however many attempts arrive at once, on any number of server workers:
    failures are counted by the database in one statement (``storage.sign_in_writes``), a
    sign-in is accepted only if the account is still unlocked as it is written, and the
    attempts by address are rows every worker counts."""
    require_current(engine)
    name = username.strip().casefold()[:80]
    moment = now()
    attempt = _start_attempt(engine, source, moment)
    if attempt is None:
        audit.record(
            engine,
            Actor("(throttled)", "unknown", None, source),
            "sign_in",
            "account",
            None,
            {"reason": "too many failed sign-ins from this address"},
            outcome="failed",
        )
        raise AuthenticationError(TOO_MANY_FAILURES)
    with session_scope(engine) as session:
        account = account_queries.account_by_name(session, name)
        stored = account.password_hash if account is not None else None
        matches = passwords.verify_password(stored, password)
        locked_until = _aware(account.locked_until) if account else None
        usable = (
            account is not None
            and not account.is_service
            and account.disabled_at is None
            and (locked_until is None or locked_until <= moment)
        )
        if account is not None and usable and matches:
            if sign_in_writes.accept_sign_in(session, account.id, moment=moment):
                sign_in_writes.forget_attempt(session, attempt)
                return _open_session(session, account, password, source, moment)
            usable = False  # locked by parallel failures since it was read
        _record_failure(session, account, name, source, moment, usable=usable)
    raise AuthenticationError(SIGN_IN_FAILED)


def _open_session(
    session: Session, account: UserAccount, password: str, source: str, moment: datetime
) -> SignedIn:
    if account.password_hash is not None and passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    token, csrf = tokens.new_token(), tokens.new_token()
    session.add(
        UserSession(
            token_sha256=tokens.token_digest(token),
            user_id=account.id,
            csrf_token=csrf,
            created_at=moment,
            last_seen_at=moment,
            expires_at=moment + SESSION_LIFETIME,
            source=source[:64],
        )
    )
    principal = principal_of(session, account, source)
    audit.record_in(session, principal, "sign_in", "account", account.username)
    return SignedIn(principal, token, csrf, account.must_change_password)


def _record_failure(
    session: Session,
    account: UserAccount | None,
    name: str,
    source: str,
    moment: datetime,
    *,
    usable: bool,
) -> None:
    """Count a wrong password against a usable account (locking it at the limit) and record the
    failure: under the account's council, or the installation's for an unknown name (which is
    not recorded: people type passwords into the name box, and the trail can never be
    cleaned)."""
    if account is None:
        actor = Actor("(unknown)" if name else "(blank)", "unknown", None, source)
        detail: dict[str, Any] = {"reason": "unknown user"}
    else:
        actor = Actor(name, account.role, account.authority_id, source)
        detail = {"reason": "disabled, locked or service account"}
        counted = (
            sign_in_writes.count_failure(
                session,
                account.id,
                moment=moment,
                limit=MAX_FAILED_ATTEMPTS,
                lock_until=moment + LOCK_OUT,
            )
            if usable
            else None
        )
        if counted is not None:
            detail["reason"] = "wrong password"
            if counted.locked_until is not None:
                detail["locked_until"] = counted.locked_until.isoformat()
    audit.record_in(
        session,
        actor,
        "sign_in",
        "account",
        account.username if account is not None else None,
        detail,
        outcome="failed",
    )


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    csrf_token: str
    must_change_password: bool


def resolve_session(engine: Engine, token: str | None, *, source: str) -> ActiveSession:
    """The principal behind a session cookie; refuses an unknown, ended, idle or expired one.
    One query reads the session with its account (and one more a team manager's teams): this
    runs on every page view."""
    if not token:
        raise AuthenticationError("please sign in")
    moment = now()
    with session_scope(engine) as session:
        found = account_queries.session_with_account(session, tokens.token_digest(token))
        if found is None or found[0].ended_at is not None:
            raise AuthenticationError("your session has ended; please sign in again")
        row, account = found
        expires = _aware(row.expires_at)
        last_seen = _aware(row.last_seen_at)
        assert expires is not None and last_seen is not None
        if expires <= moment or last_seen + SESSION_IDLE <= moment:
            row.ended_at = moment
            session.commit()
            raise AuthenticationError("your session has expired; please sign in again")
        if account.disabled_at is not None:
            raise AuthenticationError("this account is disabled")
        if last_seen + SESSION_TOUCH <= moment:
            row.last_seen_at = moment
        return ActiveSession(
            principal_of(session, account, source), row.csrf_token, account.must_change_password
        )


def sign_out(engine: Engine, token: str | None, *, source: str) -> None:
    if not token:
        return
    with session_scope(engine) as session:
        row = account_queries.session_by_digest(session, tokens.token_digest(token))
        if row is None or row.ended_at is not None:
            return
        row.ended_at = now()
        account = session.get(UserAccount, row.user_id)
        if account is not None:
            audit.record_in(
                session,
                principal_of(session, account, source),
                "sign_out",
                "account",
                account.username,
            )


def change_password(
    engine: Engine, principal: Principal, current: str, new: str, *, keep_token: str | None
) -> None:
    """Change one's own password; other sessions of the account are ended."""
    passwords.check_password_rules(new, username=principal.username)
    if current == new:
        raise InvalidInputError("the new password must differ from the current one")
    with session_scope(engine) as session:
        account = session.get(UserAccount, principal.user_id)
        if account is None or not passwords.verify_password(account.password_hash, current):
            raise AuthenticationError("the current password is wrong")
        moment = now()
        account.password_hash = passwords.hash_password(new)
        account.must_change_password = False
        account.password_changed_at = moment
        account_queries.end_sessions(
            session,
            account.id,
            moment,
            keep_digest=tokens.token_digest(keep_token) if keep_token else None,
        )
        audit.record_in(session, principal, "password_change", "account", account.username)


def create_api_token(
    engine: Engine, by: Principal | Actor, username: str, *, name: str, days: int | None = 365
) -> str:
    """A bearer token for an account (usually a service account); shown once, stored hashed."""
    require_current(engine)
    scope = _managing(engine, by)
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInputError(f"a token lasts from 1 to {MAX_TOKEN_DAYS} days, not {days}")
    token = tokens.new_api_token()
    with session_scope(engine) as session:
        account = _account(session, username, scope)
        if account.disabled_at is not None:
            raise InvalidInputError(f"{account.username!r} is disabled")
        moment = now()
        session.add(
            ApiToken(
                user_id=account.id,
                name=name.strip()[:80] or "token",
                token_sha256=tokens.token_digest(token),
                created_at=moment,
                expires_at=moment + timedelta(days=days) if days else None,
            )
        )
        audit.record_in(
            session,
            audit.under(by, account.authority_id),
            "token_add",
            "account",
            account.username,
            {"name": name},
        )
    return token


def revoke_api_tokens(engine: Engine, by: Principal | Actor, username: str) -> int:
    """Revoke every token of the account; returns how many were not revoked before."""
    require_current(engine)
    scope = _managing(engine, by)
    with session_scope(engine) as session:
        account = _account(session, username, scope)
        count = 0
        for token in account_queries.tokens_of(session, account.id):
            if token.revoked_at is None:
                token.revoked_at = now()
                count += 1
        audit.record_in(
            session,
            audit.under(by, account.authority_id),
            "token_revoke",
            "account",
            account.username,
            {"count": count},
        )
    return count


def principal_for_token(engine: Engine, token: str | None, *, source: str) -> Principal:
    if not token:
        raise AuthenticationError("send an API token as 'Authorization: Bearer TOKEN'")
    moment = now()
    with session_scope(engine) as session:
        row = account_queries.token_by_digest(session, tokens.token_digest(token))
        expires = _aware(row.expires_at) if row else None
        if row is None or row.revoked_at is not None or (expires is not None and expires <= moment):
            raise AuthenticationError("the API token is unknown, revoked or expired")
        account = session.get(UserAccount, row.user_id)
        if account is None or account.disabled_at is not None:
            raise AuthenticationError("the API token's account is disabled")
        last_used = _aware(row.last_used_at)
        if last_used is None or last_used + SESSION_TOUCH <= moment:
            row.last_used_at = moment
        return principal_of(session, account, source)
