"""Every route of the application with every role, against the access policy written down in
docs/web/*.md, docs/security.md and ``ROLE_PERMISSIONS`` (``caseload.auth.roles``).

``TABLE`` has one row per route (method and path template), and more for the routes whose answer
depends on whose record is asked for, with the expected answer for each role and for a caller who
is not signed in. The expectations come from the documentation, not from what the code returns;
where the code disagrees the cell is marked ``xfail(strict=True)`` in ``DISAGREEMENTS`` with the
document that says otherwise, so the disagreement stays visible until one of them is changed.

- Every route the application serves must have a row (``test_every_route_has_a_row``): a new route
  without one fails.
- Reads use the read-only ``shared_council``, signed in once per role for the module.
- Writes (forms and the API's POST) are sent only to the roles that must be refused, with a valid
  CSRF token from a page's form (or the ``X-CSRF-Token`` header for the API), so a 403 is the
  policy's and not the CSRF check's. What a role may do is not done here (``ALLOWED``): it would
  change the shared council; the area's own tests do it on a council of their own.
- Every 403 to a signed-in person must have written a ``refused`` audit event for them (docs/
  security.md: "Every refusal ... is written to the audit trail"); for worker, team and child
  refusals it must name the record (docs/web/people.md: "with the worker's or team's id";
  docs/web/allocation.md: "with the child's or worker's id").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import fastapi.routing
import httpx
import polars as pl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from caseload.auth.roles import AccountRole
from caseload.web import create_app

from .council import USERNAMES, WebCouncil
from .people_helpers import csrf_token, events, last_event_id, report

ADMIN = AccountRole.ADMIN
LEADER = AccountRole.LEADER
TM = AccountRole.TEAM_MANAGER
ANALYST = AccountRole.ANALYST
SW = AccountRole.SOCIAL_WORKER
MEMBER = AccountRole.MEMBER
ROLES = (ADMIN, LEADER, TM, ANALYST, SW, MEMBER)

# Served without an account and outside the policy: static files, the API's own description
# (Swagger UI, its OAuth2 redirect and the OpenAPI JSON) and the health check.
NOT_IN_TABLE = {"/static", "/api/docs", "/docs/oauth2-redirect", "/api/v1/openapi.json", "/health"}


@dataclass(frozen=True)
class See:
    """303 See Other to ``location``; ``None`` means the sign-in page, coming back afterwards
    (``/sign-in?next=<the address asked for>``)."""

    location: str | None = None


@dataclass(frozen=True)
class NotSent:
    """A write the role may make: not sent, so the shared council stays as it is."""

    why: str


SIGN_IN = See()
ALLOWED = NotSent("allowed; not sent: it would change the shared council")
Expect = int | See | NotSent


@dataclass(frozen=True)
class Row:
    method: str
    route: str
    """The path template, as the application declares it."""
    path: str
    """The address sent, with ``{name}`` filled from ``Site.values``."""
    expect: Mapping[AccountRole | None, Expect]
    form: Mapping[str, str] | None = None
    json: Mapping[str, Any] | None = None
    upload: bool = False
    target: tuple[str, str] | None = None
    """The audit event's target type and id (``{name}`` filled) that a refusal must name."""
    target_roles: frozenset[AccountRole] = field(default_factory=lambda: frozenset(ROLES))
    variant: str = ""
    """What tells the row from others with the same address (a different body)."""

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.variant})" if self.variant else "")


def row(
    method: str,
    route: str,
    admin: Expect,
    leader: Expect,
    team_manager: Expect,
    analyst: Expect,
    social_worker: Expect,
    member: Expect,
    anonymous: Expect | None = None,
    *,
    path: str | None = None,
    form: Mapping[str, str] | None = None,
    json: Mapping[str, Any] | None = None,
    upload: bool = False,
    target: tuple[str, str] | None = None,
    target_roles: tuple[AccountRole, ...] = ROLES,
    variant: str = "",
) -> Row:
    """One row of the table: the answer for each role, in the order of ``ROLES``, then for a
    caller who is not signed in (by default: pages send them to sign in, the API answers 401,
    docs/security.md and docs/web/README.md)."""
    if anonymous is None:
        anonymous = 401 if route.startswith("/api/") else SIGN_IN
    cells = (admin, leader, team_manager, analyst, social_worker, member)
    return Row(
        method=method,
        route=route,
        path=path or route,
        expect={**dict(zip(ROLES, cells, strict=True)), None: anonymous},
        form=form,
        json=json,
        upload=upload,
        target=target,
        target_roles=frozenset(target_roles),
        variant=variant,
    )


# Bodies for the writes: well formed, so that the only reason to refuse them is who sends them.
DECISION = {"child_ref": "{child_ref}", "action": "reject", "reason": "Role matrix test."}
DECISION_OTHER_CHILD = {**DECISION, "child_ref": "{other_child_ref}"}
OVERRIDE_OTHER_WORKER = {
    "child_ref": "{child_ref}",
    "action": "override",
    "worker_id": "{other_worker_id}",
    "reason": "Role matrix test.",
}
MOVE = {"worker_id": "{own_worker_id}", "from": "{move_from}", "reason": "LEFTRL"}
MOVE_OTHER_WORKER = {**MOVE, "worker_id": "{other_worker_id}"}
UPLOAD = {"kind": "hr", "mapping": "generic", "as_at": "2026-09-30"}
NEW_ACCOUNT = {"username": "role-matrix-probe", "display_name": "Probe", "role": "analyst"}
FORGED_SIGN_IN = {"username": "role-matrix-nobody", "password": "wrong", "presign": "forged"}

# fmt: off
TABLE: tuple[Row, ...] = (
    #   method  route                    admin   leader  t.man.  analyst s.work. member  (anon.)
    # Signing in and out, one's own password (docs/security.md): every account. The sign-in
    # page is open; a signed-in person may see it too (the docs are silent; it shows nothing).
    row("GET",  "/sign-in",              200,    200,    200,    200,    200,    200,    200),
    # Posting the sign-in form signs in whoever it names, so it is not sent for the roles; a
    # form without its one-hour presign token is refused (400) and signs nobody in.
    row("POST", "/sign-in",              ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED,
        400, form=FORGED_SIGN_IN),
    row("POST", "/sign-out",             ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED,
        form={}),
    row("GET",  "/account/password",     200,    200,    200,    200,    200,    200),
    row("POST", "/account/password",     ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED,
        form={"current": "x", "new": "role matrix test", "again": "role matrix test"}),

    # Overview (docs/web/overview.md): view_aggregates; a social worker lands on /me and a team
    # manager on their team's page (docs/web/README.md "Where each role lands").
    row("GET",  "/",                     200,    See("/scorecard"), See("/teams/{own_team_id}"),
        200,    See("/me"), 200),
    row("GET",  "/overview",             200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/overview",      200,    200,    200,    200,    403,    200),
    # The scorecard (docs/web/scorecard.md): every role with aggregate figures; the leader lands
    # on it.
    row("GET",  "/scorecard",            200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/scorecard",     200,    200,    200,    200,    403,    200),
    # Retention (docs/web/retention.md): every role with aggregate figures; an elected member
    # cannot ask by team (refused and recorded).
    row("GET",  "/retention",            200,    200,    200,    200,    403,    200),
    row("GET",  "/retention",            200,    200,    200,    200,    403,    403,
        variant="by team", path="/retention?by=team"),
    row("GET",  "/api/v1/retention",     200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/retention/survival", 200, 200,  200,    200,    403,    200),

    # Demand and posts (docs/web/planning.md): every role with aggregate figures, small numbers
    # hidden for the elected member.
    row("GET",  "/planning/demand",      200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/forecast/demand", 200,  200,    200,    200,    403,    200),
    row("GET",  "/api/v1/forecast/backtest", 200, 200,   200,    200,    403,    200),

    # Leaving risk and stay conversations (docs/web/stay-conversations.md): the model's summary
    # for every role with aggregate figures except elected members (view_leaving_risk); the
    # named list for the service leader only (stay_conversations).
    row("GET",  "/retention/model",      200,    200,    200,    200,    403,    403),
    row("GET",  "/api/v1/retention/model", 200,  200,    200,    200,    403,    403),
    row("GET",  "/retention/stay",       403,    200,    403,    403,    403,    403),
    row("GET",  "/api/v1/retention/stay", 403,   200,    403,    403,    403,    403),
    row("GET",  "/retention/stay/download", 403, 200,    403,    403,    403,    403),
    # The staff health check (docs/web/health-check.md): every role sees the council's results;
    # which groups beside them depends on the role.
    row("GET",  "/health-check",         200,    200,    200,    200,    200,    200),
    row("GET",  "/api/v1/health-check",  200,    200,    200,    200,    200,    200),

    # Workforce (docs/web/workforce.md, docs/disclosure.md): view_aggregates; the return's
    # download needs download_return (leader, administrator): it holds SWE numbers and birth
    # dates, so the analyst, a team manager and an elected member answer 403. The social worker
    # has neither permission.
    row("GET",  "/workforce",            200,    200,    200,    200,    403,    200),
    row("GET",  "/workforce/return.xml", 200,    200,    403,    403,    403,    403),
    row("GET",  "/workforce/download",   200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/workforce",     200,    200,    200,    200,    403,    200),
    # Workforce diversity (docs/web/diversity.md): view_aggregates; members see it suppressed.
    row("GET",  "/workforce/diversity",  200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/diversity",     200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/census/indicators", 200, 200,   200,    200,    403,    200),

    # Caseloads and the queue (docs/web/caseloads.md "Who sees what"): social worker refused.
    row("GET",  "/caseloads",            200,    200,    200,    200,    403,    200),
    row("GET",  "/caseloads/queue",      200,    200,    200,    200,    403,    200),
    row("GET",  "/caseloads/queue/download", 403, 200,    200,    200,    403,    403),
    # Every worker's caseload (docs/web/caseloads.md "Every worker"): rows, so named or
    # pseudonymised roles only (view_pseudonymised).
    row("GET",  "/caseloads/workers",    403,    200,    200,    200,    403,    403),
    row("GET",  "/caseloads/workers/download", 403, 200,  200,    200,    403,    403),
    row("GET",  "/api/v1/caseloads",     200,    200,    200,    200,    403,    200),
    row("GET",  "/api/v1/caseloads/queue", 200,  200,    200,    200,    403,    200),

    # Allocation (docs/web/allocation.md): leader and team managers (permission allocate),
    # "everyone else is refused (403, recorded)"; a team manager only within their teams.
    row("GET",  "/allocation",           403,    200,    200,    403,    403,    403),
    row("GET",  "/api/v1/allocations",   403,    200,    200,    403,    403,    403),
    row("GET",  "/allocation/moves",     403,    200,    200,    403,    403,    403),
    row("GET",  "/allocation/moves",     403,    200,    200,    403,    403,    403,
        path="/allocation/moves?worker_id={own_worker_id}"),
    row("GET",  "/allocation/moves",     403,    200,    403,    403,    403,    403,
        path="/allocation/moves?worker_id={other_worker_id}",
        target=("worker", "{other_worker_id}"), target_roles=(TM,)),
    row("POST", "/allocation/decisions", 403,    ALLOWED, ALLOWED, 403,  403,    403,
        form=DECISION),
    row("POST", "/allocation/decisions", 403,    ALLOWED, 403,   403,    403,    403,
        variant="another team's child", form=DECISION_OTHER_CHILD,
        target=("child", "{other_child_id}"), target_roles=(TM,)),
    row("POST", "/allocation/decisions", 403,    ALLOWED, 403,   403,    403,    403,
        variant="another team's worker", form=OVERRIDE_OTHER_WORKER,
        target=("worker", "{other_worker_id}"), target_roles=(TM,)),
    row("POST", "/allocation/decisions/selected", 403, ALLOWED, ALLOWED, 403, 403,  403,
        form={"selected": "{child_ref}|{own_worker_id}|stale"}),
    row("GET",  "/allocation/children/{child_ref}", 403, 200, 200, 403,   403,    403,
        path="/allocation/children/{child_ref}"),
    row("GET",  "/allocation/children/{child_ref}", 403, 200, 403, 403,   403,    403,
        path="/allocation/children/{other_child_ref}", variant="another team's child",
        target=("child", "{other_child_id}"), target_roles=(TM,)),
    row("POST", "/allocation/children/{child_ref}/requests", 403, ALLOWED, ALLOWED, 403, 403,
        403, path="/allocation/children/{child_ref}/requests", form={"kind": "holding"}),
    row("POST", "/allocation/requests/{request_id}", 403, ALLOWED, 403, 403, 403, 403,
        path="/allocation/requests/1", form={"answer": "agree", "reason": "Role matrix."}),
    row("POST", "/api/v1/allocations/requests", 403, ALLOWED, ALLOWED, 403, 403, 403,
        json={"child_ref": "{child_ref}", "kind": "holding", "reason": "Role matrix."}),
    row("POST", "/api/v1/allocations/requests/{request_id}", 403, ALLOWED, 403, 403, 403, 403,
        path="/api/v1/allocations/requests/1", json={"answer": "agree", "reason": "Matrix."}),
    # The supported first year and progression (docs/web/asye.md, docs/web/progression.md):
    # the leader's and team managers' named programmes, the social worker's own, pseudonymised
    # for the analyst; refused to the member and administrator.
    row("GET",  "/asye",                 403,    200,    200,    200,    200,    403),
    row("GET",  "/api/v1/asye",          403,    200,    200,    200,    200,    403),
    row("GET",  "/progression",          403,    200,    200,    200,    200,    403),
    row("GET",  "/api/v1/progression",   403,    200,    200,    200,    200,    403),
    row("POST", "/allocation/moves",     403,    ALLOWED, ALLOWED, 403,  403,    403,
        form=MOVE),
    row("POST", "/allocation/moves",     403,    ALLOWED, 403,   403,    403,    403,
        variant="another team's worker", form=MOVE_OTHER_WORKER,
        target=("worker", "{other_worker_id}"), target_roles=(TM,)),
    row("POST", "/api/v1/allocations/decisions", 403, ALLOWED, ALLOWED, 403, 403, 403,
        json=DECISION),
    row("POST", "/api/v1/allocations/decisions", 403, ALLOWED, 403, 403,  403,    403,
        variant="another team's child", json=DECISION_OTHER_CHILD,
        target=("child", "{other_child_id}"), target_roles=(TM,)),
    row("POST", "/api/v1/allocations/decisions", 403, ALLOWED, 403, 403,  403,    403,
        variant="another team's worker", json=OVERRIDE_OTHER_WORKER,
        target=("worker", "{other_worker_id}"), target_roles=(TM,)),

    # Team pages (docs/web/people.md "Who sees what"): the leader any team, a team manager
    # their teams, the analyst, member and administrator any team (pseudonymised or figures
    # only), the social worker refused. (The README's one-line summary lists only leader and
    # team manager for "team and worker pages"; people.md is the detailed table.)
    # Alerts (docs/web/overview.md "The alerts page"): named, so view_people only.
    row("GET",  "/alerts",               403,    200,    200,    403,    403,    403),
    row("GET",  "/alerts/download",      403,    200,    200,    403,    403,    403),
    # The practice work list (docs/web/practice.md "Who sees what"): named for the leader and
    # team managers, the social worker's own, pseudonymised for the analyst; refused to the
    # member and administrator; another team refused to a team manager and a social worker.
    row("GET",  "/practice/worklist",    403,    200,    200,    200,    200,    403),
    row("GET",  "/practice/worklist",    403,    200,    403,    200,    403,    403,
        variant="another team", path="/practice/worklist?team_id={other_team_id}",
        target=("team", "{other_team_id}"), target_roles=(TM,)),
    row("GET",  "/practice/worklist/download", 403, 200,  200,    200,    200,    403),
    # Agency rules (docs/web/agency.md "Who sees what"): named breaches for the service leader
    # only (view_agency_rules; Caseload has no HR role); the quarterly return, which carries SWE
    # numbers, also for whoever downloads the census return (the administrator).
    row("GET",  "/agency",               403,    200,    403,    403,    403,    403),
    row("GET",  "/api/v1/agency/breaches", 403,  200,    403,    403,    403,    403),
    row("GET",  "/agency/return",        200,    200,    403,    403,    403,    403,
        path="/agency/return?quarter=2025Q3"),
    row("GET",  "/api/v1/agency/return", 200,    200,    403,    403,    403,    403,
        path="/api/v1/agency/return?quarter=2025Q3"),
    # Learning (docs/web/learning.md "Who sees what"): the leader, team managers, the analyst
    # and social workers; not the member or the administrator. The pipeline
    # (docs/web/pipeline.md): the leader and the analyst.
    row("GET",  "/learning",             403,    200,    200,    200,    200,    403),
    row("GET",  "/api/v1/learning",      403,    200,    200,    200,    200,    403),
    row("GET",  "/api/v1/learning/offer", 403,   200,    200,    200,    200,    403),
    row("GET",  "/pipeline",             403,    200,    403,    200,    403,    403),
    row("GET",  "/api/v1/pipeline",      403,    200,    403,    200,    403,    403),
    # Reports (docs/web/reports.md "Who produces which"): leader and administrator, both
    # audiences; the elected member, the public version only.
    row("GET",  "/reports",              200,    200,    403,    403,    403,    200),
    row("GET",  "/reports/download",     200,    200,    403,    403,    403,    200,
        path="/reports/download?format=html&audience=public"),
    row("GET",  "/reports/download",     200,    200,    403,    403,    403,    403,
        path="/reports/download?format=html&audience=internal"),
    row("POST", "/reports/scorecards",   ALLOWED, ALLOWED, 403,  403,    403,    403,
        form={}),
    # The workforce plan (docs/web/scenarios.md "Who sees it"): the plan_workforce permission,
    # service leaders and performance analysts; never elected members.
    row("GET",  "/planning",             403,    200,    403,    200,    403,    403),
    row("POST", "/planning/runs",        403,    ALLOWED, 403,   ALLOWED, 403,   403,
        form={}),
    row("GET",  "/api/v1/scenarios",     403,    200,    403,    200,    403,    403),
    row("GET",  "/api/v1/scenarios/compare", 403, 200,   403,    200,    403,    403,
        path="/api/v1/scenarios/compare?names=retention-payments&paths=200"),
    row("POST", "/api/v1/scenarios/runs", 403,   ALLOWED, 403,   ALLOWED, 403,   403,
        json={"as_at": ""}),
    # The glossary (docs/web/README.md "Codes and what they mean"): every account; no data.
    row("GET",  "/glossary",             200,    200,    200,    200,    200,    200),
    # Search (docs/web/people.md "Search"): the roles that open named records (view_people).
    row("GET",  "/search",               403,    200,    200,    403,    403,    403,
        path="/search?q=team"),
    row("GET",  "/teams/{team_id}",      200,    200,    200,    200,    403,    200,
        path="/teams/{own_team_id}", target=("team", "{own_team_id}")),
    row("GET",  "/teams/{team_id}",      200,    200,    403,    200,    403,    200,
        path="/teams/{other_team_id}", target=("team", "{other_team_id}")),
    row("GET",  "/api/v1/teams/{team_id}", 200,  200,    200,    200,    403,    200,
        path="/api/v1/teams/{own_team_id}", target=("team", "{own_team_id}")),
    row("GET",  "/api/v1/teams/{team_id}", 200,  200,    403,    200,    403,    200,
        path="/api/v1/teams/{other_team_id}", target=("team", "{other_team_id}")),
    # "GET /api/v1/teams ... list the teams in the caller's scope": whoever sees team pages.
    row("GET",  "/api/v1/teams",         200,    200,    200,    200,    403,    200),

    # Worker pages (docs/web/people.md): the leader any worker, a team manager their teams'
    # workers, a social worker only themself; analyst, member and administrator refused.
    row("GET",  "/workers/{worker_id}",  403,    200,    200,    403,    403,    403,
        path="/workers/{own_worker_id}", target=("worker", "{own_worker_id}")),
    row("GET",  "/workers/{worker_id}",  403,    200,    403,    403,    403,    403,
        path="/workers/{other_worker_id}", target=("worker", "{other_worker_id}")),
    row("GET",  "/workers/{worker_id}",  403,    200,    403,    403,    200,    403,
        path="/workers/{social_worker_id}", target=("worker", "{social_worker_id}")),
    row("GET",  "/api/v1/workers/{worker_id}", 403, 200, 200,    403,    403,    403,
        path="/api/v1/workers/{own_worker_id}", target=("worker", "{own_worker_id}")),
    row("GET",  "/api/v1/workers/{worker_id}", 403, 200, 403,    403,    403,    403,
        path="/api/v1/workers/{other_worker_id}", target=("worker", "{other_worker_id}")),
    row("GET",  "/api/v1/workers/{worker_id}", 403, 200, 403,    403,    200,    403,
        path="/api/v1/workers/{social_worker_id}", target=("worker", "{social_worker_id}")),
    # "GET /api/v1/workers": leader all, team manager their teams, analyst pseudonymised;
    # social worker, member and administrator refused.
    row("GET",  "/api/v1/workers",       403,    200,    200,    200,    403,    403),
    # My caseload: the social worker; "Other roles are sent to the overview (/)";
    # "GET /api/v1/me answers 404 for an account not linked to a worker".
    row("GET",  "/me",                   See("/"), See("/"), See("/"), See("/"), 200, See("/")),
    row("GET",  "/api/v1/me",            404,    404,    404,    404,    200,    404),

    # Data (docs/web/data.md): uploads for administrators (import_data); data quality for
    # administrators, leaders and analysts (view_data_quality). An upload is bound to the
    # account and session that made it; the others lack the permission and are refused.
    row("GET",  "/data",                 200,    403,    403,    403,    403,    403),
    row("POST", "/data/upload",          ALLOWED, 403,   403,    403,    403,    403,
        form=UPLOAD, upload=True),
    row("GET",  "/data/uploads/{token}", 200,    403,    403,    403,    403,    403,
        path="/data/uploads/{upload_token}"),
    row("POST", "/data/uploads/{token}/confirm", ALLOWED, 403, 403, 403,  403,    403,
        path="/data/uploads/{upload_token}/confirm", form={}),
    row("POST", "/data/uploads/{token}/discard", ALLOWED, 403, 403, 403,  403,    403,
        path="/data/uploads/{upload_token}/discard", form={}),
    # A load's result (docs/web/data.md): the administrator's; no such load here, so 404.
    row("GET",  "/data/runs/{run_id}",   404,    403,    403,    403,    403,    403,
        path="/data/runs/999999"),
    row("GET",  "/data/quality",         200,    200,    403,    200,    403,    403),
    row("GET",  "/data/quality/download", 200,   200,    403,    200,    403,    403),

    # Accounts and the audit trail (docs/web/admin.md): administrators only, "every other role
    # is refused (and the refusal recorded)".
    row("GET",  "/admin/users",          200,    403,    403,    403,    403,    403),
    row("GET",  "/admin/users/new",      200,    403,    403,    403,    403,    403),
    row("POST", "/admin/users/new",      ALLOWED, 403,   403,    403,    403,    403,
        form=NEW_ACCOUNT),
    row("GET",  "/admin/users/{username}", 200,  403,    403,    403,    403,    403,
        path="/admin/users/{username}"),
    row("POST", "/admin/users/{username}/disable", ALLOWED, 403, 403, 403, 403,   403,
        form={}),
    row("POST", "/admin/users/{username}/enable", ALLOWED, 403, 403, 403, 403,    403,
        form={}),
    row("POST", "/admin/users/{username}/reset-password", ALLOWED, 403, 403, 403, 403, 403,
        form={}),
    row("POST", "/admin/users/{username}/token", ALLOWED, 403, 403, 403, 403,     403,
        form={"name": "role-matrix", "days": "1"}),
    row("POST", "/admin/users/{username}/revoke-tokens", ALLOWED, 403, 403, 403, 403, 403,
        form={}),
    row("GET",  "/admin/audit",          200,    403,    403,    403,    403,    403),
    row("GET",  "/admin/audit/download", 200,    403,    403,    403,    403,    403),
)
# fmt: on

# Cells where the code answers otherwise than the documents: (row name, role) -> why.
# Cells where the code disagrees with the documented policy (none at present): each maps
# (row name, role) to the document it contradicts, and is marked xfail(strict=True).
DISAGREEMENTS: dict[tuple[str, AccountRole | None], str] = {}


def _cases() -> Iterator[Any]:
    for entry in TABLE:
        for role, expected in entry.expect.items():
            if isinstance(expected, NotSent):
                continue
            who = role.value if role is not None else "anonymous"
            why = DISAGREEMENTS.get((entry.name, role))
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            yield pytest.param(entry, role, id=f"{entry.name} {who}", marks=marks)


@dataclass
class Site:
    council: WebCouncil
    clients: dict[AccountRole | None, TestClient]
    csrf: dict[AccountRole, str]
    values: dict[str, str]


@pytest.fixture(scope="module")
def site(shared_council: WebCouncil, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One client per role, signed in once (argon2 is slow on purpose), their CSRF tokens
    taken from a page's form, and the values the paths and bodies need."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASELOAD_UPLOAD_DIR", str(tmp_path_factory.mktemp("matrix") / "uploads"))
        clients: dict[AccountRole | None, TestClient] = {
            role: shared_council.client(role) for role in ROLES
        }
        clients[None] = shared_council.client()
        csrf = {role: csrf_token(clients[role]) for role in ROLES}
        values = {
            "own_team_id": str(shared_council.own_team_id),
            "other_team_id": str(shared_council.other_team_id),
            "own_worker_id": str(shared_council.own_worker_id),
            "other_worker_id": str(shared_council.other_worker_id),
            "social_worker_id": str(shared_council.social_worker_id),
            "username": USERNAMES[MEMBER],
            **_children(shared_council, clients),
            "upload_token": _staged_upload(clients[ADMIN], csrf[ADMIN]),
        }
        yield Site(shared_council, clients, csrf, values)


def _children(
    council: WebCouncil, clients: Mapping[AccountRole | None, TestClient]
) -> dict[str, str]:
    """A child waiting in the team manager's teams, one waiting elsewhere (on the leader's
    workbench and not on theirs) and the first day a caseload move could take effect."""
    mine = clients[TM].get("/api/v1/allocations").json()
    everyone = clients[LEADER].get("/api/v1/allocations").json()

    def refs(workbench: dict[str, Any]) -> list[str]:
        return [c["child"] for r in workbench["rows"] for c in r["children"]]

    other = next(ref for ref in refs(everyone) if ref not in refs(mine))
    queue = report(council).queue
    other_id = queue.filter(pl.col("child_ref") == other)["child_id"][0]
    as_at = date.fromisoformat(mine["as_at"])
    return {
        "child_ref": refs(mine)[0],
        "other_child_ref": other,
        "other_child_id": str(other_id),
        "move_from": (as_at + timedelta(days=1)).isoformat(),
    }


def _upload_file() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", ("hr.csv", b"Name,Colour\nA,Blue\n", "text/csv"))]


def _staged_upload(admin: TestClient, csrf: str) -> str:
    """An upload waiting for its check, made by the administrator's session. It is kept in this
    module's own upload folder: nothing is loaded into the shared council."""
    response = admin.post("/data/upload", data={"csrf_token": csrf, **UPLOAD}, files=_upload_file())
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def _send(site: Site, entry: Row, role: AccountRole | None, address: str) -> httpx.Response:
    client = site.clients[role]
    if entry.method == "GET":
        return client.get(address)
    token = site.csrf[role] if role is not None else "none"
    if entry.json is not None:
        body: dict[str, Any] = {k: v.format(**site.values) for k, v in entry.json.items()}
        if "worker_id" in body:
            body["worker_id"] = int(body["worker_id"])
        return client.post(address, json=body, headers={"X-CSRF-Token": token})
    assert entry.form is not None, entry.name
    data = {key: value.format(**site.values) for key, value in entry.form.items()}
    if entry.route != "/sign-in":
        data["csrf_token"] = token
    files = _upload_file() if entry.upload else None
    return client.post(address, data=data, files=files)


def _check_redirect(
    response: httpx.Response, expected: See, address: str, values: Mapping[str, Any]
) -> None:
    location = response.headers.get("location", "")
    if expected.location is not None:
        assert location == expected.location.format(**values)
        return
    parts = urlsplit(location)
    assert parts.path == "/sign-in", location
    assert parse_qs(parts.query).get("next") == [address], location


def _check_refusal_recorded(
    site: Site, entry: Row, role: AccountRole, response: httpx.Response, before: int
) -> None:
    if entry.route.startswith("/api/"):
        assert response.json()["error"] == "Not allowed", response.text
    else:
        assert "Not allowed" in response.text
    refused = [
        e
        for e in events(site.council.engine, after=before)
        if e.actor == USERNAMES[role] and e.outcome == "refused"
    ]
    assert refused, f"no refused audit event for {USERNAMES[role]}"
    if entry.target is not None and role in entry.target_roles:
        kind, ident = entry.target
        wanted = (kind, ident.format(**site.values))
        assert wanted in {(e.target_type, e.target_id) for e in refused}, refused


@pytest.mark.parametrize(("entry", "role"), list(_cases()))
def test_each_role_is_answered_as_documented(
    site: Site, entry: Row, role: AccountRole | None
) -> None:
    address = entry.path.format(**site.values)
    before = last_event_id(site.council.engine)
    response = _send(site, entry, role, address)
    expected = entry.expect[role]
    wanted = 303 if isinstance(expected, See) else expected
    assert response.status_code == wanted, response.text[:500]
    if isinstance(expected, See):
        _check_redirect(response, expected, address, site.values)
    if wanted == 403 and role is not None:
        _check_refusal_recorded(site, entry, role, response, before)


def _served(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every route the application serves. FastAPI 0.137+ keeps each
    included router as one lazy entry in ``app.routes`` (no ``path``): ``iter_route_contexts``
    flattens them into the routes as served; older versions copy the routes into ``app.routes``."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: list[Any] = list(flatten(app.routes)) if flatten else list(app.routes)
    served: set[tuple[str, str]] = set()
    for route in routes:
        path = str(route.path)
        if path in NOT_IN_TABLE:
            continue
        if isinstance(getattr(route, "original_route", route), Mount):
            served.add(("MOUNT", path))  # a new mount needs a decision too
            continue
        methods = set(route.methods or ())
        if "GET" in methods:
            methods.discard("HEAD")  # answered as GET
        served |= {(method, path) for method in methods}
    return served


def test_every_route_has_a_row(shared_council: WebCouncil) -> None:
    served = _served(create_app(shared_council.engine))
    # Not vacuous: the enumeration reaches inside the included routers.
    assert {("GET", "/workers/{worker_id}"), ("POST", "/api/v1/allocations/decisions")} <= served
    rows = {(entry.method, entry.route) for entry in TABLE}
    assert sorted(served - rows) == [], "routes without a row in TABLE"
    assert sorted(rows - served) == [], "rows for routes the application does not serve"
    assert all(set(entry.expect) == {*ROLES, None} for entry in TABLE)
