"""The optimiser on hand-built teams whose best allocation is known: each goal, each hard rule,
the explanations and the reasons children are left waiting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from caseload.allocation.build import complexity_level
from caseload.allocation.plan import AllocationPlan, make_plan
from caseload.allocation.problem import Child, Problem, Unit, Worker
from caseload.caseloads.policy import default_policy

POLICY = default_policy()
PRIORITY = {"cp": 0, "cla": 1, "assessment": 2, "cin": 3, "care_leaver": 4}


def worker(
    number: int,
    role: str = "social_worker",
    *,
    cases: int = 10,
    points: float | None = None,
    cap: int | None = None,
    team: int = 1,
    unavailable: str | None = None,
    level: int | None = None,
) -> Worker:
    cap_cases = cap if cap is not None else POLICY.caps[role].cases
    cap_points = round(POLICY.caps[role].points * 100 * cap_cases / POLICY.caps[role].cases)
    return Worker(
        worker_id=number,
        staff_number=f"E{number}",
        name=f"Worker {number}",
        role=role,
        team_id=team,
        team=f"Team {team}",
        fte=1.0,
        level=level if level is not None else {"asye": 0, "social_worker": 1}.get(role, 2),
        cases=cases,
        points=round((points if points is not None else cases) * 100),
        cap_cases=cap_cases,
        cap_points=cap_points,
        unavailable=unavailable,
        protecting=role in POLICY.co_worker_roles,
    )


def child(
    number: int,
    case_type: str = "cin",
    *,
    waited: int = 0,
    proceedings: str | None = None,
    known: tuple[int, ...] = (),
    siblings: str | None = None,
) -> Child:
    points = round(POLICY.case_points(case_type, proceedings is not None) * 100)
    protected = POLICY.protected(case_type, proceedings is not None)
    return Child(
        child_id=number,
        child_ref=f"C{number}",
        case_type=case_type,
        proceedings=proceedings,
        points=points,
        protected=protected,
        priority=POLICY.priority_rank(case_type, proceedings is not None),
        days_waiting=waited,
        complexity=complexity_level(protected, points),
        sibling_group=siblings,
        known_workers=known,
    )


def unit(*children: Child, team: int | None = 1, sibling_workers: tuple[int, ...] = ()) -> Unit:
    group = children[0].sibling_group
    return Unit(
        key=f"siblings {group}" if group else f"child {children[0].child_ref}",
        children=children,
        home_team_ids=(team,) if team is not None else (),
        home_team=f"Team {team}" if team is not None else None,
        home_from="last worker" if team is not None else None,
        sibling_workers=sibling_workers,
    )


def solve(units: list[Unit], workers: list[Worker], *, cross_team: bool = False) -> AllocationPlan:
    problem = Problem(
        day=date(2025, 3, 31),
        units=tuple(units),
        workers=tuple(workers),
        allow_cross_team=cross_team,
        leaving_window_days=28,
        co_worker_roles=POLICY.co_worker_roles,
    )
    return make_plan(problem, time_limit=5)


def placed(plan: AllocationPlan) -> dict[str, str]:
    return {r.child_ref: r.staff_number for r in plan.recommendations}


def waiting(plan: AllocationPlan) -> dict[str, str]:
    return {w.child_ref: w.rule for w in plan.waiting}


def test_child_protection_first_even_when_two_children_in_need_would_fit() -> None:
    # Room for 2 cases and 2.0 points: either the CP child (1.5) or both CIN children (2 x 1.0).
    plan = solve(
        [unit(child(1, "cp", waited=3)), unit(child(2, waited=10)), unit(child(3, waited=5))],
        [worker(1, cases=18, points=20.0)],
    )
    assert placed(plan) == {"C1": "E1"}
    assert waiting(plan) == {"C2": "room", "C3": "room"}
    assert plan.solve.optimal
    reason = next(w.reason for w in plan.waiting if w.child_ref == "C2")
    assert reason == (
        "no eligible worker has room: 1 eligible worker(s) in Team 1 have no room for 1 case(s), "
        "1 points: Worker 1 (E1) at 19/20 cases, 21.5/22 points; the room there was went to more "
        "urgent or longer-waiting children"
    )


def test_the_longer_wait_goes_first_within_a_priority() -> None:
    plan = solve(
        [unit(child(1, waited=5)), unit(child(2, waited=30))],
        [worker(1, cases=19, points=19.0)],
    )
    assert placed(plan) == {"C2": "E1"}
    assert waiting(plan) == {"C1": "room"}


def test_siblings_go_to_one_worker() -> None:
    brother, sister = child(1, siblings="F1"), child(2, siblings="F1")
    plan = solve([unit(brother, sister)], [worker(1, cases=19), worker(2, cases=14)])
    assert placed(plan) == {"C1": "E2", "C2": "E2"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.siblings == ("C2",)
    assert "keeps siblings C1, C2 together" in recommendation.reasons


def test_siblings_wait_together_rather_than_split_where_the_baseline_splits_them() -> None:
    brother, sister = child(1, siblings="F1"), child(2, siblings="F1")
    plan = solve([unit(brother, sister)], [worker(1, cases=19), worker(2, cases=19)])
    assert waiting(plan) == {"C1": "room", "C2": "room"}
    assert plan.optimiser.siblings_split == 0
    assert (plan.greedy.allocated, plan.greedy.siblings_split) == (2, 1)


def test_a_sibling_already_allocated_anchors_the_child() -> None:
    plan = solve(
        [unit(child(1, siblings="F1"), sibling_workers=(2,))],
        [worker(1, cases=5), worker(2, cases=15)],
    )
    assert placed(plan) == {"C1": "E2"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.decided_by == "siblings"


def test_a_sibling_with_a_full_worker_waits_with_the_reason() -> None:
    plan = solve(
        [unit(child(1, siblings="F1"), sibling_workers=(2,))],
        [worker(1, cases=5), worker(2, cases=20, points=20.0)],
    )
    assert placed(plan) == {}
    (left,) = plan.waiting
    assert left.rule == "siblings"
    assert left.reason == (
        "a sibling is already allocated and siblings stay with one worker, but Worker 2 (E2) has "
        "no room (20/20 cases, 20/22 points); reallocate the siblings together or override with a "
        "reason"
    )


def test_continuity_keeps_a_child_with_a_worker_they_know() -> None:
    plan = solve([unit(child(1, known=(2,)))], [worker(1, cases=5), worker(2, cases=15)])
    assert placed(plan) == {"C1": "E2"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.decided_by == "continuity"
    assert recommendation.reasons[-1] == (
        "decided by continuity: Worker 2 (E2) worked with C1 in the last 12 months"
    )
    assert plan.optimiser.continuity_kept == 1


def test_balance_keeps_the_highest_utilisation_down() -> None:
    plan = solve(
        [unit(child(n)) for n in (1, 2, 3)],
        [worker(1, cases=10), worker(2, cases=15)],
    )
    # Any case for worker 2 lifts the highest utilisation above 75%; worker 1 ends at 65%.
    assert placed(plan) == {"C1": "E1", "C2": "E1", "C3": "E1"}
    assert plan.optimiser.highest_utilisation == 75.0
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.decided_by == "balance"
    assert recommendation.utilisation_after == 65.0


def test_spread_evens_out_full_and_part_time_workers() -> None:
    # A part-timer at 6 of 10 and a full-timer at 12 of 20: two children keep both at 70%.
    plan = solve(
        [unit(child(1)), unit(child(2)), unit(child(3))],
        [worker(1, cases=6, cap=10), worker(2, cases=12)],
    )
    assert sorted(placed(plan).values()) == ["E1", "E2", "E2"]


def test_complexity_is_matched_to_experience_when_balance_ties() -> None:
    plan = solve(
        [unit(child(1, "cp")), unit(child(2, "care_leaver"))],
        [worker(1, "social_worker"), worker(2, "senior_social_worker")],
    )
    assert placed(plan) == {"C1": "E2", "C2": "E1"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.decided_by in {"experience", "balance"}
    assert plan.optimiser.experience_mismatch == 1


def test_asye_never_holds_child_protection_without_a_protecting_co_worker() -> None:
    plan = solve(
        [unit(child(1, "cp"))],
        [worker(1, "asye", cases=2), worker(2, cases=20, points=20.0)],
    )
    assert placed(plan) == {}
    (left,) = plan.waiting
    assert left.rule == "asye_protection"
    assert left.reason == (
        "only ASYEs have room: 1 eligible worker(s) in Team 1 have no room for 1 case(s), 1.5 "
        "points: Worker 2 (E2) at 20/20 cases, 20/22 points; 1 ASYE(s) may not hold this "
        "protected case without a protecting co-worker, and none is available: Worker 1 (E1)"
    )


def test_asye_holds_child_protection_with_an_advanced_practitioner_co_working() -> None:
    plan = solve(
        [unit(child(1, "cp"))],
        [worker(1, "asye", cases=2), worker(3, "advanced_practitioner", cases=12, points=12.0)],
    )
    assert placed(plan) == {"C1": "E1"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.co_worker == "Worker 3 (E3)"
    assert any(line.startswith("ASYE protection: Worker 3 (E3)") for line in recommendation.reasons)


def test_proceedings_are_protected_too() -> None:
    plan = solve(
        [unit(child(1, "cin", proceedings="care_proceedings"))],
        [worker(1, "asye", cases=2)],
    )
    assert waiting(plan) == {"C1": "asye_protection"}


def test_children_stay_in_their_team_unless_the_policy_allows_otherwise() -> None:
    workers = [worker(1, cases=20, points=20.0, team=1), worker(2, cases=5, team=2)]
    plan = solve([unit(child(1), team=1)], workers)
    assert waiting(plan) == {"C1": "room"}
    crossing = solve([unit(child(1), team=1)], workers, cross_team=True)
    assert placed(crossing) == {"C1": "E2"}


def test_a_team_with_no_case_holders() -> None:
    plan = solve([unit(child(1), team=3)], [worker(1)])
    assert plan.waiting[0].rule == "team"
    assert plan.waiting[0].reason == "no case holders in Team 3"


def test_nobody_absent_or_leaving_gets_new_work() -> None:
    plan = solve(
        [unit(child(1))],
        [
            worker(1, cases=2, unavailable="absent since 2025-03-01"),
            worker(2, cases=2, unavailable="leaves the role after 2025-04-15"),
        ],
    )
    (left,) = plan.waiting
    assert left.rule == "unavailable"
    assert left.reason == (
        "no worker may take them: 2 unavailable: Worker 1 (E1) - absent since 2025-03-01, "
        "Worker 2 (E2) - leaves the role after 2025-04-15"
    )


def test_children_with_no_home_team_may_go_to_any_team() -> None:
    plan = solve(
        [unit(child(1), team=None)], [worker(1, cases=18, team=1), worker(2, cases=4, team=2)]
    )
    assert placed(plan) == {"C1": "E2"}
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert "the child has no home team yet, so any team may take them" in recommendation.reasons


def test_explanations_name_the_rules_and_the_alternatives() -> None:
    plan = solve([unit(child(1, waited=4))], [worker(1, cases=10), worker(2, cases=14)])
    recommendation = plan.recommendation_for("C1")
    assert recommendation is not None
    assert recommendation.reasons == (
        "available: social worker, in post, not absent, not leaving or starting long absence "
        "within 28 days",
        "in Team 1: their last worker's team",
        "room: holds 10 of 20 cases and 10 of 22 points now; 11 and 11 with the recommendations",
        "decided by balance: 55% after this allocation, the lowest; next Worker 2 (E2) at 75%",
    )
    assert recommendation.alternatives == ("Worker 2 (E2): 75% if given this, experienced",)


def test_a_rejected_worker_is_passed_over_and_named() -> None:
    rejected = replace(unit(child(1)), rejected_workers=(1,))
    plan = solve([rejected], [worker(1, cases=2), worker(2, cases=15)])
    assert placed(plan) == {"C1": "E2"}  # the less loaded worker was rejected for this child
    plan = solve([rejected], [worker(1, cases=2)])
    (left,) = plan.waiting
    assert left.rule == "rejected"
    assert left.reason == (
        "the workers who could take them were rejected by a manager: 1 rejected for them by a "
        "manager while they wait: Worker 1 (E1)"
    )
