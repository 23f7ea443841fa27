"""The audit trail: writing events for views, exports, changes, sign-ins and refusals, checking
the chain, and searching it.

Events hold identifiers (worker id, child id, team id, file name), never names or other personal
details, so the trail itself can be shown to an administrator.

Every event belongs to a council (``authority_id``) or to the installation (NULL): what a
signed-in person does is their council's; what the command line does to a council's data or
accounts is that council's (:func:`under`); what concerns no council (a failed sign-in with an
unknown name, an address stopped for too many failures, a policy for every council, an export
across councils) is the installation's. A council's administrator sees their council's events
only; the installation's are read on the command line (``caseload audit events``), since the
web has no installation-wide account."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseload.auth.audit_chain import ChainBreak, verify_chain
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import AccessDeniedError, InvalidInputError
from caseload.storage import audit_writes, queries
from caseload.storage.audit_writes import EventFilter as EventFilter
from caseload.storage.audit_writes import NewEvent
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current

ATTEMPTS = 5


@dataclass(frozen=True)
class Actor:
    """Who an event is about when there is no signed-in principal (the command line, a failed
    sign-in)."""

    name: str
    role: str
    authority_id: int | None
    source: str


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.username, principal.role.value, principal.authority_id, principal.source)


def cli_actor(name: str, authority_id: int | None = None) -> Actor:
    return Actor(name.casefold(), "cli", authority_id, "cli")


def under(who: Principal | Actor, authority_id: int | None) -> Principal | Actor:
    """``who``, acting on council ``authority_id``'s data or accounts: a command-line actor's
    event is placed under that council (a signed-in person's is always their own council's)."""
    if isinstance(who, Actor) and who.authority_id is None:
        return replace(who, authority_id=authority_id)
    return who


def council_actor(engine: Engine, who: Actor, authority_code: str | None) -> Actor:
    """A command-line actor placed under the council with ``authority_code`` (the installation's
    when no code is given)."""
    if authority_code is None or who.authority_id is not None:
        return who
    with session_scope(engine) as session:
        return replace(who, authority_id=queries.authorities(session, authority_code)[0].id)


def _event(
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object | None,
    detail: Mapping[str, Any] | None,
    outcome: str,
) -> NewEvent:
    return NewEvent(
        actor=actor.name,
        role=actor.role,
        authority_id=actor.authority_id,
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        source=actor.source,
        detail=detail or {},
    )


def record_in(
    session: Session,
    who: Principal | Actor,
    action: str,
    target_type: str,
    target_id: object | None = None,
    detail: Mapping[str, Any] | None = None,
    *,
    outcome: str = "allowed",
) -> None:
    """Append an event inside the caller's transaction, so a change and its record of it commit
    or fail together."""
    actor = actor_of(who) if isinstance(who, Principal) else who
    audit_writes.append_event(
        session, _event(actor, action, target_type, target_id, detail, outcome)
    )


def record(
    engine: Engine,
    who: Principal | Actor,
    action: str,
    target_type: str,
    target_id: object | None = None,
    detail: Mapping[str, Any] | None = None,
    *,
    outcome: str = "allowed",
) -> None:
    """Append an event in its own transaction (views, exports, refusals), retrying when another
    writer took the same place in the chain."""
    actor = actor_of(who) if isinstance(who, Principal) else who
    event = _event(actor, action, target_type, target_id, detail, outcome)
    for attempt in range(ATTEMPTS):
        try:
            if engine.dialect.name == "postgresql":
                # One statement in autocommit: the chain's lock is released as it ends.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    audit_writes.append_event(c, event)
            else:
                with session_scope(engine) as session:
                    audit_writes.append_event(session, event)
            return
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise


def refuse(
    engine: Engine,
    principal: Principal,
    action: str,
    target_type: str,
    target_id: object | None,
    why: str,
) -> AccessDeniedError:
    """Write the refusal and return the error for the caller to raise."""
    record(engine, principal, action, target_type, target_id, {"why": why}, outcome="refused")
    return AccessDeniedError(f"you do not have access to this: {why}")


def require(engine: Engine, principal: Principal, permission: Permission, what: str) -> None:
    """Refuse (and record the refusal) unless the principal's role has ``permission``."""
    if not principal.can(permission):
        raise refuse(
            engine,
            principal,
            "view" if permission.value.startswith("view") else permission.value,
            what,
            None,
            f"the {principal.role.label.lower()} role cannot {permission.value.replace('_', ' ')}",
        )


@dataclass(frozen=True)
class Verification:
    """The result of recomputing the chain. ``head`` is the newest event's id and hash: note it
    somewhere else (a ticket, the operations log) and pass it back with ``expect`` later, since
    removing the newest events leaves a chain that is intact but shorter."""

    checked: int
    breaks: list[ChainBreak]
    head: tuple[int, str] | None = None

    @property
    def intact(self) -> bool:
        return not self.breaks


def parse_head(text: str) -> tuple[int, str]:
    """``ID:HASH`` as printed by ``caseload audit verify``."""
    event_id, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not event_id.strip().isdigit() or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
        raise InvalidInputError(
            f"{text!r} is not an event's id and hash; give them as ID:HASH, as 'caseload audit "
            "verify' prints them"
        )
    return int(event_id), digest


def verify(engine: Engine, *, expect: tuple[int, str] | None = None) -> Verification:
    """Recompute every hash in the chain; with ``expect`` (an earlier head), also check that
    event is still there unchanged, so removing the newest events is caught too."""
    require_current(engine)
    with session_scope(engine) as session:
        checked, breaks = verify_chain(audit_writes.all_events(session))
        head = audit_writes.newest_event(session)
        if expect is not None:
            found = audit_writes.event_hash_of(session, expect[0])
            if found is None:
                breaks.append(
                    ChainBreak(
                        expect[0], "is missing: the trail ends before it (events were removed)"
                    )
                )
            elif found != expect[1]:
                breaks.append(ChainBreak(expect[0], "has a different hash from the one recorded"))
    return Verification(checked, breaks, head)


def verify_for(engine: Engine, principal: Principal) -> Verification:
    """The chain check on the audit page (administrators only). The chain covers every
    council's events, so only event numbers are named."""
    require(engine, principal, Permission.VIEW_AUDIT, "audit trail")
    return verify(engine)


def choices_for(engine: Engine, principal: Principal) -> dict[str, list[str]]:
    """Actions and target types present in the principal's part of the trail."""
    require(engine, principal, Permission.VIEW_AUDIT, "audit trail")
    with session_scope(engine) as session:
        return audit_writes.event_choices(session, principal.authority_id)


def search(
    engine: Engine,
    principal: Principal,
    wanted: EventFilter,
    *,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Events of the administrator's council for the audit page, newest first (never another
    council's nor the installation's)."""
    require(engine, principal, Permission.VIEW_AUDIT, "audit trail")
    with session_scope(engine) as session:
        return audit_writes.filtered_events(
            session, principal.authority_id, wanted, limit=limit, offset=offset
        )


def operator_search(
    engine: Engine,
    *,
    authority_code: str | None = None,
    installation: bool = False,
    wanted: EventFilter = EventFilter(),
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int]:
    """Events for the command line (the operator holds the database, so sees every event):
    one council's with ``authority_code``, the installation's with ``installation``, else
    all; newest first."""
    require_current(engine)
    if authority_code is not None and installation:
        raise InvalidInputError("choose either --authority or --installation, not both")
    with session_scope(engine) as session:
        scope: audit_writes.EventScope = (
            queries.authorities(session, authority_code)[0].id
            if authority_code is not None
            else None
            if installation
            else audit_writes.EVERY_EVENT
        )
        return audit_writes.filtered_events(session, scope, wanted, limit=limit, offset=0)
