"""A small synthetic council with one account per role, for the web tests."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.services.caseloads import caseload_report
from caseload.services.demo_accounts import busiest_waiting_team
from caseload.services.generation import build_council
from caseload.storage.engine import session_scope
from caseload.storage.models import Worker
from caseload.synthetic import CouncilSpec
from caseload.web import create_app

# Children first needing a worker in the last week wait for the allocation meeting, and the
# typical preset leaves room to place them, so the team manager's workbench has recommendations
# (in the struggling preset every worker is over their cap and nothing can be recommended).
WEB_SPEC = CouncilSpec(
    code="802",
    name="Webtown (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
    awaiting_allocation_days=7,
)
PASSWORD = "correct horse battery staple"
USERNAMES = {
    AccountRole.ADMIN: "admin",
    AccountRole.LEADER: "leader",
    AccountRole.TEAM_MANAGER: "manager",
    AccountRole.ANALYST: "analyst",
    AccountRole.SOCIAL_WORKER: "worker",
    AccountRole.MEMBER: "member",
}


@dataclass(frozen=True)
class WebCouncil:
    """The council and the ids tests need: the team manager's team and one worker in it, a
    team and a worker outside it, and the social worker's own worker id."""

    engine: Engine
    code: str
    own_team_id: int
    own_team: str
    own_worker_id: int
    other_team_id: int
    other_worker_id: int
    social_worker_id: int

    def client(self, role: AccountRole | None = None) -> TestClient:
        """A test client, signed in as the role's account when a role is given."""
        client = TestClient(create_app(self.engine), follow_redirects=False)
        if role is not None:
            sign_in(client, USERNAMES[role], PASSWORD)
        return client


def sign_in(client: TestClient, username: str, password: str) -> None:
    page = client.get("/sign-in")
    presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/sign-in",
        data={"username": username, "password": password, "presign": presign, "next": "/"},
    )
    assert response.status_code == 303, response.text


def populate(engine: Engine, *, seed: int = 5, spec: CouncilSpec = WEB_SPEC) -> WebCouncil:
    build_council(engine, spec, years=1, seed=seed)
    _, report = caseload_report(engine, authority_code=spec.code)
    teams = report.teams
    own_team_id = busiest_waiting_team(report.queue, teams)
    own_team = str(teams.filter(pl.col("team_id") == own_team_id)["team"][0])
    holders = report.workers.sort(["cases", "worker_id"], descending=[True, False])
    own_worker = holders.filter(pl.col("team") == own_team)
    other = holders.filter(pl.col("team") != own_team)
    other_team = other["team"][0]
    other_team_id = int(teams.filter(pl.col("team") == other_team)["team_id"][0])
    social_worker_id = int(other["worker_id"][0])
    with session_scope(engine) as session:
        staff_number = session.scalar(
            select(Worker.staff_number).where(Worker.id == social_worker_id)
        )
    assert staff_number is not None
    by = cli_actor("tests")
    for role, username in USERNAMES.items():
        accounts.add_user(
            engine,
            by,
            username=username,
            display_name=f"Test {role.label.lower()}",
            role=role,
            authority_code=spec.code,
            teams=[own_team] if role is AccountRole.TEAM_MANAGER else [],
            staff_number=staff_number if role is AccountRole.SOCIAL_WORKER else None,
            password=PASSWORD,
        )
    return WebCouncil(
        engine=engine,
        code=spec.code,
        own_team_id=own_team_id,
        own_team=own_team,
        own_worker_id=int(own_worker["worker_id"][0]),
        other_team_id=other_team_id,
        other_worker_id=int(other["worker_id"][1]) if other.height > 1 else social_worker_id,
        social_worker_id=social_worker_id,
    )
