"""When nobody has room: every child waiting has a worker with room, a worker proposed over cap
(for the service manager to agree) or a stated reason; a team manager asks the service manager
or holds the case; the service leader agrees (allocating over cap) or declines; each step is
recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.auth.roles import AccountRole
from caseload.services.generation import CouncilSpec
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.storage.models import Child
from caseload.storage.operations_models import AllocationDecision, AllocationRequest

from .council import WebCouncil, populate
from .people_helpers import csrf_token, events, last_event_id

STRUGGLING = CouncilSpec(
    code="803",
    name="Struggleton (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="struggling",
    awaiting_allocation_days=7,
)


@pytest.fixture(scope="module")
def struggling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCouncil]:
    path: Path = tmp_path_factory.mktemp("struggling") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    yield populate(engine, spec=STRUGGLING)
    engine.dispose()


@pytest.fixture
def struggling_each(engine: Engine) -> WebCouncil:
    return populate(engine, spec=STRUGGLING)


def _rows(council: WebCouncil, role: AccountRole) -> list[dict[str, Any]]:
    data = council.client(role).get("/api/v1/allocations").json()
    rows: list[dict[str, Any]] = data["rows"]
    return rows


def test_every_child_waiting_has_a_worker_a_proposal_or_a_reason(struggling: WebCouncil) -> None:
    rows = _rows(struggling, AccountRole.LEADER)
    kinds = {row["proposal"]["kind"] for row in rows}
    assert "overflow" in kinds, "the struggling council should have children nobody has room for"
    for row in rows:
        proposal = row["proposal"]
        if proposal["kind"] == "none":
            assert proposal["why"].startswith("Nobody can take this case: ")
            continue
        assert proposal["worker"] and proposal["worker_id"]
        if proposal["kind"] == "overflow":
            assert proposal["cases_after"] > proposal["cap_cases"] or "points" in proposal["why"]
            assert "Needs the service manager's agreement." in proposal["why"]
    page = struggling.client(AccountRole.LEADER).get("/allocation")
    for row in rows:
        assert (
            f'<tr id="{row["anchor"]}" class="meeting-row proposal-{row["proposal"]["kind"]}"'
            in (page.text)
        )


def _overflow_row(council: WebCouncil) -> dict[str, Any]:
    rows = _rows(council, AccountRole.TEAM_MANAGER)
    found = [r for r in rows if r["proposal"]["kind"] == "overflow"]
    assert found, "the team manager's share should hold a child only placeable over cap"
    return found[0]


def _requests(council: WebCouncil) -> list[tuple[str, str, str | None, str | None]]:
    with Session(council.engine) as session:
        rows = session.execute(
            select(
                Child.child_ref,
                AllocationRequest.kind,
                AllocationRequest.answer,
                AllocationRequest.answered_by,
            )
            .join(Child, Child.id == AllocationRequest.child_id)
            .order_by(AllocationRequest.id)
        ).all()
    return [(c, k, a, b) for c, k, a, b in rows]


def test_a_manager_asks_the_service_manager_who_agrees_over_cap(
    struggling_each: WebCouncil,
) -> None:
    council = struggling_each
    row = _overflow_row(council)
    ref = row["children"][0]["child"]
    manager = council.client(AccountRole.TEAM_MANAGER)
    page = manager.get(f"/allocation/children/{ref}")
    assert "Ask the service manager" in page.text
    before = last_event_id(council.engine)
    asked = manager.post(
        f"/allocation/children/{ref}/requests",
        data={"csrf_token": csrf_token(manager, "/allocation"), "kind": "overflow", "reason": ""},
    )
    assert asked.status_code == 303
    assert [r[:3] for r in _requests(council)] == [
        (c["child"], "overflow", None) for c in row["children"]
    ]
    again = manager.get("/allocation")
    assert "Asked the service manager on" in again.text
    twice = manager.post(
        f"/allocation/children/{ref}/requests",
        data={"csrf_token": csrf_token(manager, "/allocation"), "kind": "overflow"},
    )
    assert twice.status_code == 409  # one open request of a kind for a child
    leader = council.client(AccountRole.LEADER)
    listed = leader.get("/allocation")
    assert "Waiting for your agreement" in listed.text
    request_id = int(re.findall(r'action="/allocation/requests/(\d+)"', listed.text)[0])
    refused = manager.post(
        f"/allocation/requests/{request_id}",
        data={"csrf_token": csrf_token(manager, "/allocation"), "answer": "agree", "reason": "x"},
    )
    assert refused.status_code == 403
    agreed = leader.post(
        f"/allocation/requests/{request_id}",
        data={
            "csrf_token": csrf_token(leader, "/allocation"),
            "answer": "agree",
            "reason": "Agency cover starts next week.",
        },
    )
    assert agreed.status_code == 303
    with Session(council.engine) as session:
        made = session.scalars(select(AllocationDecision)).all()
        chosen = sorted(
            session.scalar(select(Child.child_ref).where(Child.id == d.child_id)) or ""
            for d in made
        )
    assert chosen == sorted(c["child"] for c in row["children"])  # siblings together
    for decision in made:
        assert decision.chosen_worker_id == row["proposal"]["worker_id"]
        assert decision.reason is not None
        assert decision.reason.startswith(
            "Agreed over cap by the service manager: Agency cover starts next week."
        )
        assert "[rules overridden: " in decision.reason
    assert {r[2:] for r in _requests(council)} == {("agreed", "leader")}
    recorded = [(e.actor, e.action) for e in events(council.engine, after=before)]
    assert ("manager", "request") in recorded
    assert ("leader", "agree") in recorded
    assert ("leader", "allocate") in recorded


def test_a_manager_holds_the_case_and_the_leader_can_decline(struggling_each: WebCouncil) -> None:
    council = struggling_each
    row = _overflow_row(council)
    ref = row["children"][0]["child"]
    manager = council.client(AccountRole.TEAM_MANAGER)
    token = csrf_token(manager, "/allocation")
    empty = manager.post(
        f"/allocation/children/{ref}/requests",
        data={"csrf_token": token, "kind": "holding", "reason": ""},
    )
    assert empty.status_code == 400
    assert "Say how you will hold the case" in empty.text
    held = manager.post(
        f"/allocation/children/{ref}/requests",
        data={"csrf_token": token, "kind": "holding", "reason": "Weekly visits by me."},
    )
    assert held.status_code == 303
    page = manager.get("/allocation")
    assert "Held by manager since" in page.text
    asked = manager.post(
        f"/allocation/children/{ref}/requests",
        data={"csrf_token": token, "kind": "overflow"},
    )
    assert asked.status_code == 303
    leader = council.client(AccountRole.LEADER)
    listed = leader.get("/allocation")
    request_id = int(re.findall(r'action="/allocation/requests/(\d+)"', listed.text)[0])
    declined = leader.post(
        f"/allocation/requests/{request_id}",
        data={
            "csrf_token": csrf_token(leader, "/allocation"),
            "answer": "decline",
            "reason": "Not safe to add to Hannah.",
        },
    )
    assert declined.status_code == 303
    with Session(council.engine) as session:
        assert session.scalars(select(AllocationDecision)).all() == []
    kinds = sorted((k, a) for child, k, a, _by in _requests(council) if child == ref)
    assert ("holding", None) in kinds and ("overflow", "declined") in kinds


def test_the_api_asks_and_the_leader_answers(struggling_each: WebCouncil) -> None:
    council = struggling_each
    row = _overflow_row(council)
    ref = row["children"][0]["child"]
    manager = council.client(AccountRole.TEAM_MANAGER)
    headers = {"X-CSRF-Token": csrf_token(manager)}
    asked = manager.post(
        "/api/v1/allocations/requests",
        json={"child_ref": ref, "kind": "overflow"},
        headers=headers,
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["message"].startswith("The service manager has been asked to agree ")
    again = manager.post(
        "/api/v1/allocations/requests", json={"child_ref": ref, "kind": "overflow"}, headers=headers
    )
    assert again.status_code == 409
    leader = council.client(AccountRole.LEADER)
    pending = leader.get("/api/v1/allocations").json()["requests"][0]
    siblings = [c["child"] for c in row["children"]]
    refused = manager.post(
        f"/api/v1/allocations/requests/{pending['request_id']}",
        json={"answer": "agree", "reason": "x"},
        headers=headers,
    )
    assert refused.status_code == 403
    agreed = leader.post(
        f"/api/v1/allocations/requests/{pending['request_id']}",
        json={"answer": "agree", "reason": "Cover from next week."},
        headers={"X-CSRF-Token": csrf_token(leader)},
    )
    assert agreed.status_code == 200, agreed.text
    decided = agreed.json()["decisions"]
    # Siblings asked about together are agreed and allocated together.
    assert sorted((d["child"], d["decision"]) for d in decided) == sorted(
        (child, "manual")
        for child in siblings  # over cap: there was no recommendation
    )
    assert {r[2:] for r in _requests(council)} == {("agreed", "leader")}
