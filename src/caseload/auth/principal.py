"""Who is asking: the signed-in person (or service account) with their role and scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caseload.auth.roles import (
    ALL_TEAMS_ROLES,
    ROLE_PERMISSIONS,
    SUPPRESSED_ROLES,
    AccountRole,
    Permission,
)


@dataclass(frozen=True)
class Principal:
    """An authenticated account. ``team_ids`` are the teams a team manager looks after (with any
    sub-teams); ``worker_id`` links a social worker to their own record. ``source`` is where the
    request came from (an address, or ``cli``) for the audit trail."""

    user_id: int
    username: str
    display_name: str
    role: AccountRole
    authority_id: int
    team_ids: frozenset[int] = frozenset()
    worker_id: int | None = None
    source: str = "unknown"
    is_service: bool = False

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def all_teams(self) -> bool:
        return self.role in ALL_TEAMS_ROLES

    @property
    def sees_names(self) -> bool:
        """Names of workers and children are shown only to roles allowed person-level records."""
        return self.can(Permission.VIEW_PEOPLE) or self.can(Permission.VIEW_OWN_RECORD)

    @property
    def suppress_small_numbers(self) -> bool:
        return self.role in SUPPRESSED_ROLES

    def covers_teams(self, team_ids: Iterable[int]) -> bool:
        """True when every one of ``team_ids`` is in scope (an empty set is in scope only for
        all-teams roles: a record with no team belongs to nobody's team)."""
        wanted = set(team_ids)
        if self.all_teams:
            return True
        return bool(wanted) and wanted <= self.team_ids

    def visible_team_ids(self) -> frozenset[int] | None:
        """None means every team."""
        return None if self.all_teams else self.team_ids
