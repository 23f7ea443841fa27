"""The allocation workbench: the recommendations for the children waiting in a team manager's
teams (or, for the service leader, the council) with their explanations, the decisions taken on
them, and the move of a leaving or absent worker's caseload.

Rules (checked here, before the allocation service's own):

- only roles that allocate (service leader, team manager) open the workbench or decide;
- a team manager decides only for children waiting in their teams (a child whose home team is
  another team is refused, 403, and the refusal recorded) and only chooses workers in their
  teams; the leader decides for any child and worker of the council;
- accepting takes the recommendation (siblings come with it); overriding chooses another worker
  and always needs a reason; a choice that breaks a hard rule (a cap, ASYE protection, siblings,
  availability, team) is allowed only through the override, and the rules broken are recorded
  with the reason; rejecting needs a reason and leaves the child waiting;
- every decision and move is written to the audit trail in the transaction that makes it, and
  every view of the workbench or a move plan is recorded too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.allocation import metrics
from caseload.allocation.eligibility import Eligibility, Rule
from caseload.allocation.plan import Recommendation, Waiting
from caseload.allocation.problem import Unit, Worker
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.definitions import escalation_of
from caseload.caseloads.policy import CaseloadPolicy
from caseload.domain import WorkerChangeReason
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services import access, allocation, audit
from caseload.services.allocation import AllocationRun, DecisionResult
from caseload.services.caseload_views import (
    ScopeFields,
    cached_view,
    report_for,
    scope_dict,
    scoped_for,
)
from caseload.services.caseloads import caseload_report
from caseload.services.view_rows import Crumb, flags
from caseload.storage import workbench_queries
from caseload.storage.engine import session_scope

ACTIONS = ("accept", "override", "reject")
MAX_OPTIONS = 60
REASON_LIMIT = 2000
MOVE_REASONS = {
    "": "From the worker's record (leaving or absent)",
    WorkerChangeReason.LEFTRL.value: "Left the role (LEFTRL)",
    WorkerChangeReason.ABSENC.value: "Absence (ABSENC)",
}
BREAK_TEXT = {
    Rule.UNAVAILABLE: "unavailable",
    Rule.REJECTED: "rejected for this child",
    Rule.SIBLINGS: "a sibling has another worker",
    Rule.TEAM: "not the child's team",
    Rule.ASYE_PROTECTION: "ASYE without a protecting co-worker",
}


class WorkerOption(TypedDict):
    """A worker the manager may choose instead, and the rules choosing them would break."""

    worker_id: int
    label: str
    breaks: list[str]


class RecommendationRow(TypedDict):
    child: str
    case: str
    points: float
    days_waiting: int
    escalation: str
    worker_id: int
    worker: str
    worker_href: str | None
    team: str | None
    co_worker: str | None
    siblings: list[str]
    cases_after: int
    points_after: float
    utilisation_after: float
    decided_by: str
    why: str
    reasons: list[str]
    alternatives: list[str]
    options: list[WorkerOption]


class WaitingRow(TypedDict):
    child: str
    case: str
    days_waiting: int
    escalation: str
    home_team: str
    rule: str
    reason: str
    options: list[WorkerOption]


class SolverInfo(TypedDict):
    status: str
    summary: str
    seconds: float


class Measures(TypedDict):
    """How a plan does: children allocated (and urgent ones), caps broken, the highest
    utilisation (%), sibling groups split, children kept with a known worker, experience
    mismatches."""

    allocated: int
    urgent_allocated: int
    cap_breaches: int
    highest_utilisation: float
    siblings_split: int
    continuity_kept: int
    experience_mismatch: int


class Comparison(TypedDict):
    optimiser: Measures
    greedy: Measures


class WorkbenchContext(ScopeFields):
    """Recommendations for the children waiting in the account's teams, and children left
    waiting with the reason; ``confirmations`` confirm the decisions just taken."""

    title: str
    confirmations: list[str]
    recommendations: list[RecommendationRow]
    waiting: list[WaitingRow]
    solver: SolverInfo
    comparison: Comparison


class Decision(TypedDict):
    child: str
    decision: str
    worker: str | None
    co_worker: str | None
    effective_date: str
    position_as_at: str | None
    decision_id: int
    allocation_id: int | None


class DecisionOutcome(TypedDict):
    decisions: list[Decision]
    messages: list[str]


class MoveChoice(TypedDict):
    worker_id: int
    label: str


class MoveReason(TypedDict):
    code: str
    label: str


class MovePlaced(TypedDict):
    child: str
    case: str
    worker: str
    team: str | None
    co_worker: str | None
    cases_after: int
    utilisation_after: float
    why: str
    reasons: list[str]


class MoveWaiting(TypedDict):
    child: str
    case: str
    rule: str
    reason: str


class MovePlan(TypedDict):
    worker: str
    start: str
    reason: str
    why: str
    recommendations: list[MovePlaced]
    waiting: list[MoveWaiting]


class MoveContext(ScopeFields):
    title: str
    breadcrumbs: list[Crumb]
    choices: list[MoveChoice]
    reasons: list[MoveReason]
    worker_id: int | None
    start: str
    reason: str
    plan: MovePlan | None
    error: str | None


class MoveOutcome(TypedDict):
    decisions: list[Decision]
    decision_ids: list[int]
    now_waiting: list[str]


def _decision(result: DecisionResult) -> Decision:
    return {
        "child": result.child_ref,
        "decision": result.decision,
        "worker": result.worker,
        "co_worker": result.co_worker,
        "effective_date": result.effective_date.isoformat(),
        "position_as_at": (
            None if result.position_as_at is None else result.position_as_at.isoformat()
        ),
        "decision_id": result.decision_id,
        "allocation_id": result.allocation_id,
    }


def _measures(found: metrics.Measures) -> Measures:
    return {
        "allocated": found.allocated,
        "urgent_allocated": found.urgent_allocated,
        "cap_breaches": found.cap_breaches,
        "highest_utilisation": found.highest_utilisation,
        "siblings_split": found.siblings_split,
        "continuity_kept": found.continuity_kept,
        "experience_mismatch": found.experience_mismatch,
    }


def _run(engine: Engine, principal: Principal) -> AllocationRun:
    return allocation.recommend(
        engine, authority_id=principal.authority_id, team_ids=principal.visible_team_ids()
    )


def _escalation(days: int, policy: CaseloadPolicy) -> str:
    return escalation_of(days, policy)  # the one definition (caseloads.definitions)


def _worker_link(principal: Principal, worker: Worker | None) -> str | None:
    if worker is None or worker.team_id is None or not principal.covers_teams([worker.team_id]):
        return None
    return f"/workers/{worker.worker_id}"


def _breaks(eligibility: Eligibility, unit: Unit, worker: Worker) -> list[str]:
    found = []
    rule = eligibility.blocked(unit, worker)
    if rule is not None:
        found.append(BREAK_TEXT.get(rule, rule.value))
    if not eligibility.fits(unit, worker):
        found.append("over cap")
    return found


@dataclass(frozen=True)
class Choices:
    """The workers a principal may choose from in a plan: available case holders in their
    teams, by team."""

    everyone: list[Worker]
    by_team: dict[int, list[Worker]]

    @classmethod
    def of(cls, run: AllocationRun, principal: Principal) -> Choices:
        everyone = [
            w
            for w in run.problem.workers
            if w.unavailable is None
            and w.team_id is not None
            and principal.covers_teams([w.team_id])
        ]
        by_team: dict[int, list[Worker]] = defaultdict(list)
        for worker in everyone:
            assert worker.team_id is not None
            by_team[worker.team_id].append(worker)
        return cls(everyone, by_team)


def _options(
    run: AllocationRun,
    eligibility: Eligibility,
    choices: Choices,
    principal: Principal,
    unit: Unit,
    child_id: int,
    exclude: int | None,
) -> list[WorkerOption]:
    """Workers a manager may choose instead: available case holders in the principal's teams
    (the leader: the child's home teams and any sibling's worker, else everyone), those that
    break no rule first, then by load; each says which rules choosing them would break."""
    child = next(c for c in unit.children if c.child_id == child_id)
    alone = eligibility.single(child, unit)
    pool = choices.everyone
    if principal.all_teams and (unit.home_team_ids or unit.sibling_workers):
        near = [w for team in unit.home_team_ids for w in choices.by_team.get(team, [])]
        seen = {w.worker_id for w in near}
        near += [
            w
            for w in choices.everyone
            if w.worker_id in unit.sibling_workers and w.worker_id not in seen
        ]
        pool = near
    pool = [w for w in pool if w.worker_id != exclude]
    rows = []
    for worker in pool:
        breaks = _breaks(eligibility, alone, worker)
        load = worker.utilisation(worker.cases, worker.points) or 0.0
        rows.append((bool(breaks), load, worker, breaks))
    rows.sort(key=lambda r: (r[0], r[1], r[2].worker_id))
    return [
        {
            "worker_id": worker.worker_id,
            "label": f"{worker.label}, {worker.team}: {worker.cases} of {worker.cap_cases} cases"
            + (f" (breaks: {', '.join(breaks)})" if breaks else ""),
            "breaks": breaks,
        }
        for _, _, worker, breaks in rows[:MAX_OPTIONS]
    ]


def _recommendation(
    r: Recommendation,
    run: AllocationRun,
    eligibility: Eligibility,
    choices: Choices,
    principal: Principal,
) -> RecommendationRow:
    unit = run.problem.unit_of(r.child_id)
    worker = run.problem.worker(r.worker_id)
    return {
        "child": r.child_ref,
        "case": r.case,
        "points": r.points,
        "days_waiting": r.days_waiting,
        "escalation": _escalation(r.days_waiting, run.scope.policy.policy),
        "worker_id": r.worker_id,
        "worker": r.worker,
        "worker_href": _worker_link(principal, worker),
        "team": r.team,
        "co_worker": r.co_worker,
        "siblings": list(r.siblings),
        "cases_after": r.cases_after,
        "points_after": r.points_after,
        "utilisation_after": r.utilisation_after,
        "decided_by": r.decided_by,
        "why": r.reasons[-1] if r.reasons else "",
        "reasons": list(r.reasons),
        "alternatives": list(r.alternatives),
        "options": _options(run, eligibility, choices, principal, unit, r.child_id, r.worker_id),
    }


def _waiting(
    w: Waiting,
    run: AllocationRun,
    eligibility: Eligibility,
    choices: Choices,
    principal: Principal,
) -> WaitingRow:
    unit = run.problem.unit_of(w.child_id)
    return {
        "child": w.child_ref,
        "case": w.case,
        "days_waiting": w.days_waiting,
        "escalation": _escalation(w.days_waiting, run.scope.policy.policy),
        "home_team": w.home_team or "any team",
        "rule": w.rule,
        "reason": w.reason,
        "options": _options(run, eligibility, choices, principal, unit, w.child_id, None),
    }


def confirmations(engine: Engine, principal: Principal, decision_ids: Collection[int]) -> list[str]:
    """Sentences confirming the principal's own decisions with these ids."""
    if not decision_ids:
        return []
    with session_scope(engine) as session:
        found = workbench_queries.decisions_by(
            session, principal.authority_id, decision_ids, principal.username
        )
    lines = []
    for row in found:
        since = row["effective_date"].strftime("%-d %b %Y")
        position = row["position_as_at"]
        if position is not None and position != row["effective_date"]:
            # Decided after the data date: say which day's figures it was made on.
            since += f", decided on the figures of {position.strftime('%-d %b %Y')}"
        if row["decision"] == "rejected":
            lines.append(
                f"Recorded: you rejected {row['recommended'] or 'the recommendation'} for "
                f"{row['child']}, who stays in the queue."
            )
        elif row["decision"] == "accepted":
            lines.append(f"{row['child']} is allocated to {row['worker']} from {since}.")
        else:
            lines.append(
                f"{row['child']} is allocated to {row['worker']} from {since} "
                f"({row['decision']}, with your reason recorded)."
            )
    return lines


def workbench_view(
    engine: Engine, principal: Principal, *, decided: Collection[int] = ()
) -> WorkbenchContext:
    """Recommendations (with explanations and other workers to choose) and children left
    waiting (with the reason), for the principal's teams."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    scoped = scoped_for(engine, principal)
    run = allocation.plan_for(scoped.council, scoped.scope)
    base = cached_view(scoped, principal, "workbench", lambda: _workbench(run, principal))
    context: WorkbenchContext = {**base, "confirmations": confirmations(engine, principal, decided)}
    audit.record(
        engine,
        principal,
        "view",
        "allocation",
        None,
        {"children": len(context["recommendations"]) + len(context["waiting"])},
    )
    return context


def _workbench(run: AllocationRun, principal: Principal) -> WorkbenchContext:
    eligibility = Eligibility(run.problem)
    choices = Choices.of(run, principal)
    plan = run.plan
    return {
        "title": "Allocation",
        **scope_dict(run.scope, principal),
        "confirmations": [],
        "recommendations": [
            _recommendation(r, run, eligibility, choices, principal) for r in plan.recommendations
        ],
        "waiting": [_waiting(w, run, eligibility, choices, principal) for w in plan.waiting],
        "solver": {
            "status": "optimal" if plan.solve.optimal else "not proven",
            "summary": plan.solve.plain(),
            "seconds": round(plan.solve.seconds, 3),
        },
        "comparison": {"optimiser": _measures(plan.optimiser), "greedy": _measures(plan.greedy)},
    }


def _refuse_child(engine: Engine, principal: Principal, run: AllocationRun, child_ref: str) -> None:
    """A child outside the plan: refused (and recorded) when they wait in another team, else
    not found."""
    if not principal.all_teams:
        _, council = caseload_report(engine, authority_id=principal.authority_id)
        match = council.queue.filter(pl.col("child_ref") == child_ref)
        if match.height:
            raise audit.refuse(
                engine,
                principal,
                "allocate",
                "child",
                int(match["child_id"][0]),
                "this child is not waiting in your teams",
            )
    raise NotFoundError(
        f"{child_ref} is not waiting for a worker on {run.scope.day} (already allocated, "
        "closed, or unknown); refresh the page"
    )


def _check_worker_scope(
    engine: Engine, principal: Principal, run: AllocationRun, worker_id: int
) -> None:
    if principal.all_teams:
        return
    known = next((w for w in run.problem.workers if w.worker_id == worker_id), None)
    if known is not None and known.team_id is not None:
        teams = {known.team_id}
    else:
        with session_scope(engine) as session:
            teams = access.worker_team_ids(session, worker_id, run.scope.day)
    access.check_teams_in_scope(engine, principal, teams, what="worker", target=worker_id)


def decide(
    engine: Engine,
    principal: Principal,
    *,
    child_ref: str,
    action: str,
    worker_id: int | None = None,
    reason: str | None = None,
) -> DecisionOutcome:
    """Accept, override or reject for one waiting child; returns the decisions recorded."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    if action not in ACTIONS:
        raise InvalidInputError(f"the action must be one of {', '.join(ACTIONS)}, not {action!r}")
    text = (reason or "").strip()
    if len(text) > REASON_LIMIT:
        raise InvalidInputError(f"keep the reason under {REASON_LIMIT} characters")
    if "\x00" in text or "\x00" in child_ref or not child_ref.strip():
        raise InvalidInputError("give the child's reference and a reason in plain text")
    run = _run(engine, principal)
    waiting = {r.child_ref for r in run.plan.recommendations} | {
        w.child_ref for w in run.plan.waiting
    }
    if child_ref not in waiting:
        _refuse_child(engine, principal, run, child_ref)
    common: dict[str, Any] = {
        "user": principal.username,
        "actor": principal,
        "authority_id": principal.authority_id,
        "team_ids": principal.visible_team_ids(),
    }
    results: list[DecisionResult]
    if action == "accept":
        if run.plan.recommendation_for(child_ref) is None:
            raise InvalidInputError(
                f"{child_ref} has no recommendation to accept; choose a worker and give a reason"
            )
        done = allocation.accept(engine, children=[child_ref], **common)
        if done.refused:
            raise done.refused[0]
        results = done.decisions
    elif action == "override":
        if worker_id is None:
            raise InvalidInputError(f"choose the worker to allocate {child_ref} to")
        if not text:
            raise InvalidInputError(
                f"give a reason for choosing another worker for {child_ref}: it is recorded "
                "with the decision"
            )
        _check_worker_scope(engine, principal, run, worker_id)
        results = [
            allocation.decide(
                engine,
                child_ref=child_ref,
                worker_id=worker_id,
                reason=text,
                override=True,
                **common,
            )
        ]
    else:
        if not text:
            raise InvalidInputError(
                f"give a reason for rejecting the recommendation for {child_ref}: it is recorded "
                "and that worker is not recommended again while the child waits"
            )
        results = [allocation.reject(engine, child_ref=child_ref, reason=text, **common)]
    return {
        "decisions": [_decision(r) for r in results],
        "messages": confirmations(engine, principal, [r.decision_id for r in results]),
    }


def _move_choices(engine: Engine, principal: Principal) -> list[MoveChoice]:
    """Workers in scope holding cases on the data date, those leaving or absent first."""
    _, report = report_for(engine, principal)
    holders = report.workers.filter(pl.col("cases") > 0)
    rows: list[tuple[bool, str, MoveChoice]] = []
    for row in holders.iter_rows(named=True):
        notes = flags(row)
        rows.append(
            (
                not notes,
                row["name"] or "",
                {
                    "worker_id": row["worker_id"],
                    "label": f"{row['name']} ({row['staff_number']}), {row['team']}: "
                    f"{row['cases']} cases" + (f" - {', '.join(notes)}" if notes else ""),
                },
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [entry for _, _, entry in rows]


def _move_reason(code: str | None) -> WorkerChangeReason | None:
    if not code:
        return None
    if code not in MOVE_REASONS:
        raise InvalidInputError("the reason must be LEFTRL (left the role) or ABSENC (absence)")
    return WorkerChangeReason(code)


def move_view(
    engine: Engine,
    principal: Principal,
    *,
    worker_id: int | None = None,
    start: date | None = None,
    reason: str | None = None,
) -> MoveContext:
    """The form for planning a caseload move and, once a worker is chosen, the plan: a new
    worker per child with the explanation, and the children nobody has room for. The form lists
    workers by name, so every view is recorded (with the worker chosen, if any)."""
    audit.require(engine, principal, Permission.ALLOCATE, "caseload moves")
    scope, _ = report_for(engine, principal)
    first = scope.day + timedelta(days=1)
    day = start or first
    context: MoveContext = {
        "title": "Move a caseload",
        **scope_dict(scope, principal),
        "breadcrumbs": [
            {"label": "Allocation", "href": "/allocation"},
            {"label": "Move a caseload", "href": None},
        ],
        "choices": _move_choices(engine, principal),
        "reasons": [{"code": code, "label": label} for code, label in MOVE_REASONS.items()],
        "worker_id": worker_id,
        "start": day.isoformat(),
        "reason": reason or "",
        "plan": None,
        "error": None,
    }
    listed = {"workers_listed": len(context["choices"])}
    if worker_id is None:
        audit.record(engine, principal, "view", "move", None, listed)
        return context
    code = _move_reason(reason)
    access.check_worker(engine, principal, worker_id, day=scope.day, action="allocate")
    try:
        run = allocation.plan_reallocation(
            engine,
            worker_id=worker_id,
            start=day,
            reason=code,
            team_ids=principal.visible_team_ids(),
            authority_id=principal.authority_id,
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        context["error"] = str(exc).replace(
            "pass --reason LEFTRL or --reason ABSENC", "choose the reason for the move"
        )
        audit.record(engine, principal, "view", "move", worker_id, listed)
        return context
    assert run.move is not None
    context["plan"] = {
        "worker": run.move.worker,
        "start": run.move.start.isoformat(),
        "reason": run.move.reason.value,
        "why": run.move.why,
        "recommendations": [
            {
                "child": r.child_ref,
                "case": r.case,
                "worker": r.worker,
                "team": r.team,
                "co_worker": r.co_worker,
                "cases_after": r.cases_after,
                "utilisation_after": r.utilisation_after,
                "why": r.reasons[-1] if r.reasons else "",
                "reasons": list(r.reasons),
            }
            for r in run.plan.recommendations
        ],
        "waiting": [
            {"child": w.child_ref, "case": w.case, "rule": w.rule, "reason": w.reason}
            for w in run.plan.waiting
        ],
    }
    audit.record(
        engine,
        principal,
        "view",
        "move",
        worker_id,
        listed | {"from": day.isoformat(), "reason": code},
    )
    return context


def apply_move(
    engine: Engine,
    principal: Principal,
    *,
    worker_id: int,
    start: date,
    reason: str | None = None,
) -> MoveOutcome:
    """Make the move as planned: each placed child's allocation ends the day before ``start``
    and the new one starts on it; children nobody has room for join the queue."""
    audit.require(engine, principal, Permission.ALLOCATE, "caseload moves")
    scope, _ = report_for(engine, principal)
    access.check_worker(engine, principal, worker_id, day=scope.day, action="allocate")
    _, results, waiting = allocation.apply_reallocation(
        engine,
        user=principal.username,
        worker_id=worker_id,
        start=start,
        reason=_move_reason(reason),
        team_ids=principal.visible_team_ids(),
        authority_id=principal.authority_id,
        actor=principal,
    )
    return {
        "decisions": [_decision(r) for r in results],
        "decision_ids": [r.decision_id for r in results],
        "now_waiting": waiting,
    }


def decision_ids(values: Sequence[str]) -> list[int]:
    """Decision ids from a page's query string, ignoring anything that is not one."""
    return [int(v) for v in values[:200] if v.isdigit() and len(v) < 12]
