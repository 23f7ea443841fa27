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
    VIEW_AGENCY_RULES = "view_agency_rules"
    """The agency rules' compliance and the named breaches with their evidence (Caseload has no HR
    role: the service leader holds this)."""
    MANAGE_USERS = "manage_users"
    MANAGE_POLICY = "manage_policy"
    VIEW_AUDIT = "view_audit"
    VIEW_LEAVING_RISK = "view_leaving_risk"
    """The leaving-risk model's summary: hazard ratios, concordance, caveat. Council-wide
    figures only, but never for elected members."""
    VIEW_STAY_CONVERSATIONS = "stay_conversations"
    """The named list of people to offer a stay conversation, with the factors behind their
    leaving risk (the service leader; an HR role would hold it too)."""
    VIEW_HEALTH_CHECK = "view_health_check"
    """The staff health check's shown results (which groups depends on the role)."""
    PLAN_WORKFORCE = "plan_workforce"
    """Run workforce plan scenarios (supply, agency, cost) and store their results."""
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
            _P.VIEW_LEAVING_RISK,
            _P.VIEW_HEALTH_CHECK,
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
            _P.VIEW_LEAVING_RISK,
            _P.VIEW_STAY_CONVERSATIONS,
            _P.VIEW_HEALTH_CHECK,
            _P.VIEW_AGENCY_RULES,
            _P.PLAN_WORKFORCE,
            _P.VIEW_LEARNING,
            _P.VIEW_PIPELINE,
        }
    ),
    AccountRole.TEAM_MANAGER: frozenset(
        {
            _P.VIEW_AGGREGATES,
            _P.VIEW_PSEUDONYMISED,
            _P.VIEW_PEOPLE,
            _P.ALLOCATE,
            _P.VIEW_LEAVING_RISK,
            _P.VIEW_HEALTH_CHECK,
            _P.VIEW_LEARNING,
        }
    ),
    AccountRole.ANALYST: frozenset(
        {
            _P.VIEW_AGGREGATES,
            _P.VIEW_PSEUDONYMISED,
            _P.VIEW_RETURN_CHECKS,
            _P.VIEW_DATA_QUALITY,
            _P.VIEW_LEAVING_RISK,
            _P.VIEW_HEALTH_CHECK,
            _P.PLAN_WORKFORCE,
            _P.VIEW_LEARNING,
            _P.VIEW_PIPELINE,
        }
    ),
    AccountRole.SOCIAL_WORKER: frozenset(
        {_P.VIEW_OWN_RECORD, _P.VIEW_HEALTH_CHECK, _P.VIEW_LEARNING}
    ),
    AccountRole.MEMBER: frozenset({_P.VIEW_AGGREGATES, _P.PUBLIC_REPORTS, _P.VIEW_HEALTH_CHECK}),
}

# Roles that see every team; the others are limited to their own teams or their own record.
ALL_TEAMS_ROLES = frozenset(
    {AccountRole.ADMIN, AccountRole.LEADER, AccountRole.ANALYST, AccountRole.MEMBER}
)
# Roles whose aggregate figures have small numbers suppressed.
SUPPRESSED_ROLES = frozenset({AccountRole.MEMBER})
