"""The allocation workbench: accepting, overriding and rejecting recommendations, moving a
caseload, each written with its audit event in one transaction, and the scope rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.auth.roles import AccountRole
from caseload.domain import AllocationRole
from caseload.services import allocation
from caseload.storage.models import Allocation, Child, Worker
from caseload.storage.operations_models import AllocationDecision
from caseload.web.templating import visible_text

from .council import WebCouncil
from .people_helpers import csrf_token, events, last_event_id, report


def allocations(council: WebCouncil, ref: str) -> list[tuple[int, str, date, date | None]]:
    with Session(council.engine) as session:
        rows = session.execute(
            select(
                Allocation.worker_id, Allocation.role, Allocation.start_date, Allocation.end_date
            )
            .join(Child, Child.id == Allocation.child_id)
            .where(Child.child_ref == ref)
            .order_by(Allocation.start_date, Allocation.id)
        ).all()
    return [(w, r.value, s, e) for w, r, s, e in rows]


def decisions(council: WebCouncil) -> list[tuple[str, str, str | None, str]]:
    with Session(council.engine) as session:
        rows = session.execute(
            select(
                Child.child_ref,
                AllocationDecision.decision,
                AllocationDecision.reason,
                AllocationDecision.decided_by,
            )
            .join(Child, Child.id == AllocationDecision.child_id)
            .order_by(AllocationDecision.id)
        ).all()
    return [(c, d, r, b) for c, d, r, b in rows]


def child_id(council: WebCouncil, ref: str) -> int:
    with Session(council.engine) as session:
        found = session.scalar(select(Child.id).where(Child.child_ref == ref))
    assert found is not None
    return found


def label(council: WebCouncil, worker_id: int) -> str:
    with Session(council.engine) as session:
        worker = session.get(Worker, worker_id)
        assert worker is not None
        return f"{worker.first_name} {worker.last_name} ({worker.staff_number})"


def recommended(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the meeting with a worker who has room."""
    return [row for row in data["rows"] if row["proposal"]["kind"] == "recommended"]


def accept_form(client: TestClient, row: dict[str, Any], **extra: str) -> dict[str, str]:
    """The row's Accept form, as the page sends it."""
    return {
        "csrf_token": csrf_token(client, "/allocation"),
        "child_ref": row["children"][0]["child"],
        "action": "accept",
        "worker_id": str(row["proposal"]["worker_id"]),
        "version": row["proposal"]["version"],
        **extra,
    }


def options(client: TestClient, child: str) -> list[tuple[int, str]]:
    """The workers offered on the child's decision page."""
    page = client.get(f"/allocation/children/{child}")
    assert page.status_code == 200, page.text[:300]
    return [
        (int(v), text)
        for v, text in re.findall(r'<option value="(\d+)">([^<]*)</option>', page.text)
    ]


def test_the_meeting_shows_one_compact_row_per_child_or_group(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    page = client.get("/allocation")
    assert page.status_code == 200
    data = client.get("/api/v1/allocations").json()
    rows = recommended(data)
    assert len(rows) >= 2, "the web council should have children to allocate"
    for row in data["rows"]:
        assert f'<tr id="{row["anchor"]}"' in page.text
        assert f'href="/allocation/children/{row["children"][0]["child"]}"' in page.text
    for row in rows:
        proposal = row["proposal"]
        first = proposal["worker"].split(" ", 1)[0]
        assert proposal["why"].startswith(
            f"{first} has room: {proposal['cases_after']} of {proposal['cap_cases']} cases after"
        )
        assert proposal["cases_after"] == proposal["cases_now"] + len(row["children"])
    assert page.text.count('<button type="submit">Accept</button>') == len(rows)
    assert page.text.count('name="selected" form="accept-selected"') == len(rows)
    # No solver words and no command-line hints on the page.
    text = visible_text(page.text).lower()
    for jargon in ("objective", "bound", "cp-sat", "proven optimal", "--", "caseload allocate"):
        assert jargon not in text, jargon
    assert len(text.split()) < 2000


def test_the_child_page_offers_other_workers_and_reasons(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    row = recommended(client.get("/api/v1/allocations").json())[0]
    page = client.get(f"/allocation/children/{row['children'][0]['child']}")
    assert page.status_code == 200
    assert ">Choose another worker</h3>" in page.text and ">Reject " in page.text
    assert "<option>Knows the child or family</option>" in page.text
    offered = options(client, row["children"][0]["child"])
    assert offered and all(worker != row["proposal"]["worker_id"] for worker, _ in offered)


def test_accepting_allocates_records_and_confirms(
    council: WebCouncil, decide_on_data_date: Callable[[Engine], date]
) -> None:
    decide_on_data_date(council.engine)
    client = council.client(AccountRole.TEAM_MANAGER)
    workbench = client.get("/api/v1/allocations").json()
    first = recommended(workbench)[0]
    second = recommended(workbench)[1]
    ref = first["children"][0]["child"]
    worker = first["proposal"]
    before = last_event_id(council.engine)
    response = client.post(
        "/allocation/decisions", data=accept_form(client, first, next_anchor=second["anchor"])
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/allocation?decided=")
    assert response.headers["location"].endswith(f"#{second['anchor']}")
    page = client.get(response.headers["location"])
    as_at = date.fromisoformat(workbench["as_at"])
    assert f"{ref} is allocated to {worker['worker']} from {as_at:%-d %b %Y}." in page.text
    assert f'<tr id="{first["anchor"]}"' not in page.text
    assert allocations(council, ref) == [(worker["worker_id"], "allocated", as_at, None)]
    group = [c["child"] for c in first["children"]]
    assert sorted(decisions(council)) == sorted((c, "accepted", None, "manager") for c in group)
    changes = [e for e in events(council.engine, after=before) if e.action == "allocate"]
    assert len(changes) == len(group)
    mine = next(e for e in changes if e.target_id == str(child_id(council, ref)))
    assert (mine.actor, mine.outcome, mine.target_type) == ("manager", "allowed", "child")
    assert mine.detail["decision"] == "accepted"
    assert mine.detail["worker_id"] == worker["worker_id"]
    assert all(isinstance(v, int | str | None) for v in mine.detail.values())
    assert worker["worker"] not in str(mine.detail)  # ids only, never names
    # Every other recommendation stays as it was: the plan was kept, not made again.
    after = client.get("/api/v1/allocations").json()
    kept = {r["anchor"]: r["proposal"]["version"] for r in recommended(after)}
    assert kept == {
        r["anchor"]: r["proposal"]["version"] for r in recommended(workbench) if r is not first
    }


def test_a_stale_accept_is_refused_with_the_fresh_recommendation(council: WebCouncil) -> None:
    client = council.client(AccountRole.TEAM_MANAGER)
    row = recommended(client.get("/api/v1/allocations").json())[0]
    ref = row["children"][0]["child"]
    offered = options(client, ref)
    other = next(worker for worker, _ in offered)
    # What the manager saw: another worker (a page shown before the plan changed).
    seen = accept_form(client, row, worker_id=str(other))
    response = client.post("/allocation/decisions", data=seen)
    assert response.status_code == 409
    assert f"The recommendation for {ref} has changed since the page was shown" in response.text
    assert f"it is now {row['proposal']['worker']}" in response.text
    assert decisions(council) == []
    answer = client.post("/allocation/decisions", data=seen, headers={"Accept": "application/json"})
    assert answer.status_code == 409
    stale = answer.json()["stale"]
    assert [s["child"] for s in stale] == [ref]
    assert f'<tr id="{row["anchor"]}"' in stale[0]["row_html"]
    assert f'value="{row["proposal"]["version"]}"' in stale[0]["row_html"]
    old = client.post("/allocation/decisions", data=accept_form(client, row, version="0" * 12))
    assert old.status_code == 409
    assert decisions(council) == []


def test_accept_selected_takes_the_rows_ticked_and_reports_changed_ones(
    council: WebCouncil,
) -> None:
    client = council.client(AccountRole.TEAM_MANAGER)
    rows = recommended(client.get("/api/v1/allocations").json())[:3]
    ticked = [
        f"{r['children'][0]['child']}|{r['proposal']['worker_id']}|{r['proposal']['version']}"
        for r in rows
    ]
    ticked[-1] = ticked[-1].rsplit("|", 1)[0] + "|stale"
    response = client.post(
        "/allocation/decisions/selected",
        data={"csrf_token": csrf_token(client, "/allocation"), "selected": ticked},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    answer = response.json()
    done = sorted(c["child"] for r in rows[:-1] for c in r["children"])
    assert answer["decided"] == done
    assert [s["child"] for s in answer["stale"]] == [rows[-1]["children"][0]["child"]]
    assert sorted(d[0] for d in decisions(council)) == done
    assert len(answer["messages"]) == len(done)


def test_an_override_needs_a_reason_and_records_it(council: WebCouncil) -> None:
    client = council.client(AccountRole.TEAM_MANAGER)
    row = recommended(client.get("/api/v1/allocations").json())[0]
    ref = row["children"][0]["child"]
    other, _ = options(client, ref)[-1]
    form = {
        "csrf_token": csrf_token(client),
        "child_ref": ref,
        "action": "override",
        "worker_id": str(other),
        "reason": "   ",
    }
    refused = client.post("/allocation/decisions", data=form)
    assert refused.status_code == 400
    assert (
        f"Give a reason for choosing another worker for {ref}: it is recorded with "
        "the decision." in refused.text
    )
    assert decisions(council) == []
    picked = form | {"reason_choice": "Knows the child or family", "reason": "Met them in May."}
    done = client.post("/allocation/decisions", data=picked)
    assert done.status_code == 303
    (recorded,) = [d for d in decisions(council) if d[0] == ref]
    assert recorded[1] == "overridden"
    assert recorded[2] is not None
    assert recorded[2].startswith("Knows the child or family: Met them in May.")
    page = client.get(done.headers["location"])
    assert f"{ref} is allocated to {label(council, other)}" in page.text


def test_a_choice_breaking_rules_records_them_with_the_reason(council: WebCouncil) -> None:
    client = council.client(AccountRole.LEADER)
    first = recommended(client.get("/api/v1/allocations").json())[0]
    row = {"child": first["children"][0]["child"], "worker_id": first["proposal"]["worker_id"]}
    full = report(council)
    fullest = full.workers.filter(
        (pl.col("cases") > 0) & ~pl.col("absent") & (pl.col("worker_id") != row["worker_id"])
    ).sort(["utilisation", "worker_id"], descending=[True, False])
    worker_id = int(fullest["worker_id"][0])
    run = allocation.recommend(council.engine, authority_code=council.code)
    broken = allocation.rules_broken(run, row["child"], worker_id)
    assert broken, "the fullest worker should break a rule for this child"
    body = {"child_ref": row["child"], "action": "override", "worker_id": worker_id}
    headers = {"X-CSRF-Token": csrf_token(client)}
    response = client.post(
        "/api/v1/allocations/decisions", json=body | {"reason": "cover"}, headers=headers
    )
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert [(d["child"], d["decision"], d["worker"]) for d in outcome["decisions"]] == [
        (row["child"], "overridden", label(council, worker_id))
    ]
    assert decisions(council) == [
        (row["child"], "overridden", f"cover [rules overridden: {'; '.join(broken)}]", "leader")
    ]


def test_rejecting_keeps_the_child_waiting(council: WebCouncil) -> None:
    client = council.client(AccountRole.TEAM_MANAGER)
    row = recommended(client.get("/api/v1/allocations").json())[0]
    ref = row["children"][0]["child"]
    token = csrf_token(client)
    form = {"csrf_token": token, "child_ref": ref, "action": "reject", "reason": ""}
    refused = client.post("/allocation/decisions", data=form)
    assert refused.status_code == 400
    assert "Give a reason for rejecting the recommendation" in refused.text
    done = client.post("/allocation/decisions", data=form | {"reason": "Needs a senior."})
    assert done.status_code == 303
    assert decisions(council) == [(ref, "rejected", "Needs a senior.", "manager")]
    assert allocations(council, ref) == []
    page = client.get(done.headers["location"])
    assert f"you rejected {row['proposal']['worker']} for {ref}" in page.text
    after = client.get("/api/v1/allocations").json()
    still = [r for r in after["rows"] if ref in [c["child"] for c in r["children"]]]
    assert still, "the child is still waiting"
    assert all(r["proposal"]["worker_id"] != row["proposal"]["worker_id"] for r in still)


def test_a_team_manager_cannot_decide_for_another_teams_child(council: WebCouncil) -> None:
    full = report(council)
    outside = full.queue.filter(
        (pl.col("home_team_ids").list.len() > 0)
        & ~pl.col("home_team_ids").list.contains(council.own_team_id)
    )
    assert outside.height, "the web council should have children waiting in other teams"
    ref = str(outside["child_ref"][0])
    client = council.client(AccountRole.TEAM_MANAGER)
    before = last_event_id(council.engine)
    response = client.post(
        "/allocation/decisions",
        data={"csrf_token": csrf_token(client), "child_ref": ref, "action": "accept"},
    )
    assert response.status_code == 403
    refused = [e for e in events(council.engine, after=before) if e.outcome == "refused"]
    assert [(e.actor, e.action, e.target_type, e.target_id) for e in refused] == [
        ("manager", "allocate", "child", str(outside["child_id"][0]))
    ]
    api = client.post(
        "/api/v1/allocations/decisions",
        json={"child_ref": ref, "action": "accept"},
        headers={"X-CSRF-Token": csrf_token(client)},
    )
    assert api.status_code == 403
    assert decisions(council) == []


def test_roles_that_do_not_allocate_are_refused(shared_council: WebCouncil) -> None:
    for role in (AccountRole.ANALYST, AccountRole.MEMBER, AccountRole.SOCIAL_WORKER):
        client = shared_council.client(role)
        assert client.get("/allocation").status_code == 403
        assert client.get("/api/v1/allocations").status_code == 403
        assert client.get("/allocation/moves").status_code == 403


def test_a_decision_needs_the_forms_csrf_token(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    response = client.post(
        "/allocation/decisions", data={"csrf_token": "forged", "child_ref": "X", "action": "accept"}
    )
    assert response.status_code == 403
    api = client.post("/api/v1/allocations/decisions", json={"child_ref": "X", "action": "accept"})
    assert api.status_code == 403


def test_moving_a_caseload_plans_then_applies(council: WebCouncil) -> None:
    client = council.client(AccountRole.LEADER)
    worker_id = council.own_worker_id
    as_at = date.fromisoformat(client.get("/api/v1/caseloads").json()["as_at"])
    start = as_at + timedelta(days=1)
    form = client.get("/allocation/moves")
    assert form.status_code == 200
    assert 'name="worker_id"' in form.text and 'type="date"' in form.text
    plan = client.get(f"/allocation/moves?worker_id={worker_id}&from={start}&reason=LEFTRL")
    assert plan.status_code == 200
    assert "Apply this move" in plan.text
    held = report(council).workers.filter(pl.col("worker_id") == worker_id)["cases"][0]
    before = last_event_id(council.engine)
    response = client.post(
        "/allocation/moves",
        data={
            "csrf_token": plan.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0],
            "worker_id": str(worker_id),
            "from": start.isoformat(),
            "reason": "LEFTRL",
        },
    )
    assert response.status_code == 303
    with Session(council.engine) as session:
        still = session.scalars(
            select(Allocation).where(
                Allocation.worker_id == worker_id,
                Allocation.role == AllocationRole.ALLOCATED_WORKER,
                Allocation.end_date.is_(None),
            )
        ).all()
        ended = session.scalars(
            select(Allocation).where(
                Allocation.worker_id == worker_id, Allocation.end_date == as_at
            )
        ).all()
    assert still == []
    assert len([a for a in ended if a.role == AllocationRole.ALLOCATED_WORKER]) == held
    assert {a.change_reason.value for a in ended if a.change_reason} == {"LEFTRL"}
    moved = [e for e in events(council.engine, after=before) if e.action in ("allocate", "move")]
    assert len(moved) == held
    assert all(e.detail["moved_from_worker_id"] == worker_id for e in moved)


def test_a_team_manager_cannot_move_another_teams_worker(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    before = last_event_id(shared_council.engine)
    response = client.get(f"/allocation/moves?worker_id={shared_council.other_worker_id}")
    assert response.status_code == 403
    refused = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert [(e.action, e.target_id) for e in refused] == [
        ("allocate", str(shared_council.other_worker_id))
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"child_ref": "", "action": "accept"},
        {"child_ref": "X", "action": "approve"},
        {"child_ref": "X", "action": "override", "worker_id": 0},
        {"child_ref": "X", "action": "accept", "extra": 1},
    ],
)
def test_bad_decisions_are_refused_as_invalid(
    shared_council: WebCouncil, body: dict[str, object]
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    response = client.post(
        "/api/v1/allocations/decisions", json=body, headers={"X-CSRF-Token": csrf_token(client)}
    )
    assert response.status_code == 422
