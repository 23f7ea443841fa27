"""Team scope: whether a principal may see a worker, a team or a child, checked in the service
layer and written to the audit trail either way.

A team manager covers the teams on their account (with sub-teams). A worker is in a team manager's
scope when any of the worker's employment spells active on the day asked about (or, for someone
who has left, their last spell) is in one of those teams. A child is in scope when their allocated
worker is, or when they wait for allocation with a home team in scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import NotFoundError
from caseload.services import audit
from caseload.storage import people_queries
from caseload.storage.engine import session_scope
from caseload.storage.models import Team, Worker


def worker_team_ids(session: Session, worker_id: int, day: date | None) -> set[int]:
    """Teams of the worker's spells active on ``day`` (any spell when None), else their last."""
    spells = people_queries.spell_teams(session, worker_id)
    if day is None:
        return {team_id for team_id, _, _ in spells}
    active = {
        team_id for team_id, start, end in spells if start <= day and (end is None or end >= day)
    }
    if active or not spells:
        return active
    return {spells[-1][0]}


def check_worker(
    engine: Engine,
    principal: Principal,
    worker_id: int,
    *,
    day: date | None = None,
    action: str = "view",
) -> None:
    """Refuse (and record) unless the principal may see this worker's named record: a leader
    any worker of their council, a team manager their teams' workers, a social worker only
    themselves. Does not record allowed views: the caller does, once it has shown the record."""
    with session_scope(engine) as session:
        worker = session.get(Worker, worker_id)
        if worker is None or worker.authority_id != principal.authority_id:
            raise NotFoundError(f"no worker with id {worker_id}")
        teams = worker_team_ids(session, worker_id, day)
    if principal.can(Permission.VIEW_OWN_RECORD) and principal.worker_id == worker_id:
        return
    if not principal.can(Permission.VIEW_PEOPLE):
        raise audit.refuse(
            engine,
            principal,
            action,
            "worker",
            worker_id,
            f"the {principal.role.label.lower()} role cannot see named workers' records",
        )
    if not principal.covers_teams(teams):
        raise audit.refuse(
            engine, principal, action, "worker", worker_id, "this worker is not in your teams"
        )


def check_team(engine: Engine, principal: Principal, team_id: int, *, action: str = "view") -> None:
    """Refuse (and record) unless the team is the principal's council's and in their scope."""
    with session_scope(engine) as session:
        team = session.get(Team, team_id)
        if team is None or team.authority_id != principal.authority_id:
            raise NotFoundError(f"no team with id {team_id}")
    if not principal.can(Permission.VIEW_AGGREGATES):
        raise audit.refuse(
            engine,
            principal,
            action,
            "team",
            team_id,
            f"the {principal.role.label.lower()} role cannot see team pages",
        )
    if not principal.covers_teams([team_id]):
        raise audit.refuse(engine, principal, action, "team", team_id, "this is not your team")


def check_teams_in_scope(
    engine: Engine, principal: Principal, team_ids: Iterable[int], *, what: str, target: object
) -> None:
    """Refuse (and record) an action on something belonging to ``team_ids`` outside scope."""
    if not principal.covers_teams(team_ids):
        raise audit.refuse(
            engine, principal, "change", what, target, f"this {what} is not in your teams"
        )
