"""The audit trail: writing events for views, exports, changes, sign-ins and refusals, checking
the chain, and searching it.

Events hold identifiers (worker id, child id, team id, file name), never names or other personal
details, so the trail itself can be shown to an administrator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseload.auth.audit_chain import ChainBreak, verify_chain
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import AccessDeniedError
from caseload.storage import audit_writes
from caseload.storage.audit_writes import EventFilter, NewEvent
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
    for attempt in range(ATTEMPTS):
        try:
            with session_scope(engine) as session:
                record_in(session, who, action, target_type, target_id, detail, outcome=outcome)
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
    checked: int
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(engine: Engine) -> Verification:
    """Recompute every hash in the chain."""
    require_current(engine)
    with session_scope(engine) as session:
        checked, breaks = verify_chain(audit_writes.all_events(session))
    return Verification(checked, breaks)


def search(
    engine: Engine,
    principal: Principal,
    wanted: EventFilter,
    *,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Events for the audit page (administrators only), newest first."""
    require(engine, principal, Permission.VIEW_AUDIT, "audit trail")
    with session_scope(engine) as session:
        return audit_writes.filtered_events(
            session, principal.authority_id, wanted, limit=limit, offset=offset
        )
