"""The demo's accounts: one per role, the team manager on the team with the most children
waiting, the social worker linked to the busiest case holder, each password usable once."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.caseloads import caseload_report
from caseload.services.demo_accounts import create_demo_accounts
from caseload.services.generation import build_council
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="804",
    name="Demotown (synthetic)",
    region="London",
    size_fte=40.0,
    preset="typical",
    awaiting_allocation_days=7,
)


def test_one_account_per_role_with_the_right_scope(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough: the accounts service is tested on both")
    build_council(engine, SPEC, years=1, seed=5)
    _, report = caseload_report(engine, authority_code=SPEC.code)
    created = create_demo_accounts(engine, SPEC.code)
    assert [(a.username, a.role) for a in created] == [
        ("admin", AccountRole.ADMIN),
        ("leader", AccountRole.LEADER),
        ("manager", AccountRole.TEAM_MANAGER),
        ("analyst", AccountRole.ANALYST),
        ("worker", AccountRole.SOCIAL_WORKER),
        ("member", AccountRole.MEMBER),
    ]
    counts: Counter[int] = Counter()
    team_ids = set(report.teams["team_id"].to_list())
    for ids in report.queue["home_team_ids"].to_list():
        counts.update(i for i in ids or [] if i in team_ids)
    busiest = counts.most_common(1)[0][0]
    manager = accounts.sign_in(engine, "manager", created[2].password, source="test")
    assert manager.must_change_password
    assert busiest in manager.principal.team_ids
    holder = report.workers.sort(["cases", "worker_id"], descending=[True, False]).row(
        0, named=True
    )
    worker = accounts.sign_in(engine, "worker", created[4].password, source="test")
    assert worker.principal.worker_id == holder["worker_id"]
    assert created[4].scope == f"own caseload ({holder['cases']} cases)"
    assert report.teams.filter(pl.col("team_id") == busiest)["team"][0] == created[2].scope
