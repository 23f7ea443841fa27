"""Fair scoping on the typical demo council: the children who may go to several teams are shared
out by one council-wide plan, and a team manager's workbench is their share of it, the same
recommendations the leader sees for those children."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.services import allocation
from caseload.services.caseloads import council_data
from caseload.services.generation import build_demo
from caseload.services.workbench import workbench_view


@pytest.fixture
def demo(engine: Engine, backend: str) -> Engine:
    if backend != "sqlite":
        pytest.skip("one backend is enough for the synthetic council; it reads the same tables")
    build_demo(engine, seed=1, preset="typical", years=1)
    return engine


def test_the_mash_managers_recommendations_are_the_leaders_for_the_same_children(
    demo: Engine,
) -> None:
    council = council_data(demo)
    authority = council.authority.id
    teams = dict(council.data.teams.select("team_id", "team").iter_rows())
    (mash,) = [
        team_id for team_id, name in teams.items() if name == "Multi-Agency Safeguarding Hub"
    ]
    leader = Principal(1, "leader", "Leader", AccountRole.LEADER, authority)
    manager = Principal(
        2, "manager", "Manager", AccountRole.TEAM_MANAGER, authority, team_ids=frozenset({mash})
    )
    run = allocation.recommend(demo, authority_id=authority)
    shared = {
        child.child_ref
        for unit in run.problem.units
        if len(unit.home_team_ids) != 1
        for child in unit.children
    }
    assert shared, "the demo has children who may go to several teams"

    def recommended(principal: Principal) -> dict[str, dict[str, Any]]:
        """Each child with a recommended worker on the principal's meeting, and the proposal."""
        return {
            child["child"]: dict(row["proposal"])
            for row in workbench_view(demo, principal)["rows"]
            if row["proposal"]["kind"] == "recommended"
            for child in row["children"]
        }

    everyone = recommended(leader)
    mine = recommended(manager)
    problem_team = {w.worker_id: w.team_id for w in run.problem.workers}
    # The manager sees exactly the leader's recommendations to MASH workers, worker for worker.
    assert {child: row["worker_id"] for child, row in mine.items()} == {
        child: row["worker_id"]
        for child, row in everyone.items()
        if problem_team[row["worker_id"]] == mash
    }
    assert {c for c in mine if c in shared}, "MASH has its share of the shared children"
    # The shared children are spread over several teams, not all given to MASH.
    spread = {problem_team[row["worker_id"]] for c, row in everyone.items() if c in shared}
    assert mash in spread
    assert len(spread) > 1
