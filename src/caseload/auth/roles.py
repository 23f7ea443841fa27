"""The roles people sign in with and what each may do.

Permissions are checked in the service layer (``caseload.services.access``); pages and the API only
hide what a role cannot use. Team scope (a team manager's own teams, a social worker's own record)
is a second check on top of the permission."""

from __future__ import annotations

from enum import StrEnum


class AccountRole(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    TEAM_MANAGER = "team_manager"
    ANALYST = "analyst"
    SOCIAL_WORKER = "social_worker"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    AccountRole.ADMIN: "Administrator",
    AccountRole.LEADER: "Service leader",
    AccountRole.TEAM_MANAGER: "Team manager",
    AccountRole.ANALYST: "Performance analyst",
    AccountRole.SOCIAL_WORKER: "Social worker",
    AccountRole.MEMBER: "Elected member",
}


class Permission(StrEnum):
    VIEW_AGGREGATES = "view_aggregates"
    """Council, service and team figures: census indicators, bands, queue length."""
    VIEW_PSEUDONYMISED = "view_pseudonymised"
    """Worker- and child-level rows with pseudonyms instead of names."""
    VIEW_PEOPLE = "view_people"
    """Named worker and child records (within the account's team scope)."""
    VIEW_OWN_RECORD = "view_own_record"
    """The social worker's own record and caseload."""
    ALLOCATE = "allocate"
    """Accept, override or reject recommendations and plan caseload moves (within scope)."""
    DOWNLOAD_RETURN = "download_return"
    """The census return's XML (SWE numbers, birth dates) and its validation report in full."""
    VIEW_RETURN_CHECKS = "view_return_checks"
    """The census return's validation report without personal details (no SWE numbers, no
    values of worker items)."""
    IMPORT_DATA = "import_data"
    """Upload HR extracts, absences and SSD folders."""
    VIEW_DATA_QUALITY = "view_data_quality"
    PUBLIC_REPORTS = "public_reports"
    """The board pack and scrutiny report prepared for publication (small numbers hidden)."""
    INTERNAL_REPORTS = "internal_reports"
    """The board pack and scrutiny report with team and service figures in full."""
    MANAGE_USERS = "manage_users"
    MANAGE_POLICY = "manage_policy"
    VIEW_AUDIT = "view_audit"
    VIEW_LEARNING = "view_learning"
    """The learning page: one's own training and the offer; training gaps within one's scope."""
    VIEW_PIPELINE = "view_pipeline"
    """Placements of students and apprentices, practice educators and conversions to ASYE posts."""


_P = Permission
ROLE_PERMISSIONS: dict[AccountRole, frozenset[Permission]] = {
    AccountRole.ADMIN: frozenset(
        {
            _P.VIEW_AGGREGATES,
            _P.DOWNLOAD_RETURN,
            _P.VIEW_RETURN_CHECKS,
            _P.IMPORT_DATA,
            _P.VIEW_DATA_QUALITY,
            _P.PUBLIC_REPORTS,
            _P.INTERNAL_REPORTS,
            _P.MANAGE_USERS,
            _P.MANAGE_POLICY,
            _P.VIEW_AUDIT,
        }
    ),
    AccountRole.LEADER: frozenset(
        {
            _P.VIEW_AGGREGATES,
            _P.VIEW_PSEUDONYMISED,
            _P.VIEW_PEOPLE,
            _P.ALLOCATE,
            _P.DOWNLOAD_RETURN,
            _P.VIEW_RETURN_CHECKS,
            _P.VIEW_DATA_QUALITY,
            _P.PUBLIC_REPORTS,
            _P.INTERNAL_REPORTS,
            _P.VIEW_LEARNING,
            _P.VIEW_PIPELINE,
        }
    ),
    AccountRole.TEAM_MANAGER: frozenset(
        {_P.VIEW_AGGREGATES, _P.VIEW_PSEUDONYMISED, _P.VIEW_PEOPLE, _P.ALLOCATE, _P.VIEW_LEARNING}
    ),
    AccountRole.ANALYST: frozenset(
        {
            _P.VIEW_AGGREGATES,
            _P.VIEW_PSEUDONYMISED,
            _P.VIEW_RETURN_CHECKS,
            _P.VIEW_DATA_QUALITY,
            _P.VIEW_LEARNING,
            _P.VIEW_PIPELINE,
        }
    ),
    AccountRole.SOCIAL_WORKER: frozenset({_P.VIEW_OWN_RECORD, _P.VIEW_LEARNING}),
    AccountRole.MEMBER: frozenset({_P.VIEW_AGGREGATES, _P.PUBLIC_REPORTS}),
}

# Roles that see every team; the others are limited to their own teams or their own record.
ALL_TEAMS_ROLES = frozenset(
    {AccountRole.ADMIN, AccountRole.LEADER, AccountRole.ANALYST, AccountRole.MEMBER}
)
# Roles whose aggregate figures have small numbers suppressed.
SUPPRESSED_ROLES = frozenset({AccountRole.MEMBER})
