"""Allocation: recommendations for the unallocated queue, the plan for moving a leaving or absent
worker's caseload, and the decisions a named user takes on them (accepted, overridden with a
reason, manual, rejected), all recorded and never deleted.

Every decision and every allocation a move ends is written to the audit trail in the same
transaction as the change (``actor``: the signed-in person, or the command line's user). Plans
are cached by data fingerprint, like caseload reports: the plan a manager sees is the plan their
decision is checked against until the data changes."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.allocation.build import build_problem
from caseload.allocation.eligibility import Eligibility, Rule
from caseload.allocation.pending import with_decisions_since
from caseload.allocation.plan import AllocationPlan as AllocationPlan
from caseload.allocation.plan import CouncilPlan, Recommendation, make_plan, plan_for_council
from caseload.allocation.problem import POINTS_SCALE, Problem
from caseload.allocation.problem import Worker as ProblemWorker
from caseload.auth.principal import Principal
from caseload.caseloads.report import position_on
from caseload.domain import WorkerChangeReason
from caseload.domain.dates import day_in_england
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services import audit, report_cache
from caseload.services.audit import Actor
from caseload.services.caseloads import (
    CouncilData,
    Scope,
    council_data,
    make_scope,
    one_authority,
)
from caseload.services.snapshot import snapshots
from caseload.storage import allocation_writes, caseload_queries, fingerprint, workbench_queries
from caseload.storage.engine import session_scope
from caseload.storage.fingerprint import Fingerprint
from caseload.storage.models import Worker

MOVE_REASONS = (WorkerChangeReason.LEFTRL, WorkerChangeReason.ABSENC)


@dataclass(frozen=True)
class Move:
    """A caseload being moved: whose, from which day, and the SSD change reason."""

    worker_id: int
    worker: str
    start: date
    reason: WorkerChangeReason
    why: str


@dataclass(frozen=True)
class AllocationRun:
    """A plan for a scope: ``problem`` is the council's (every child waiting and every worker),
    ``plan`` the scope's share of the council's plan."""

    scope: Scope
    problem: Problem
    plan: AllocationPlan
    move: Move | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.scope.to_dict() | self.plan.to_dict()
        if self.move is not None:
            data["move"] = {
                "worker": self.move.worker,
                "from": self.move.start.isoformat(),
                "reason": self.move.reason.value,
                "why": self.move.why,
            }
        return data


@dataclass(frozen=True)
class DecisionResult:
    child_ref: str
    decision: str
    worker: str | None
    co_worker: str | None
    effective_date: date
    decision_id: int
    allocation_id: int | None
    child_id: int | None = None
    worker_id: int | None = None  # chosen (or, for a rejection, the rejected) worker
    co_worker_id: int | None = None
    position_as_at: date | None = None  # the day of the position the decision was made on

    def to_dict(self) -> dict[str, Any]:
        return {
            "child": self.child_ref,
            "decision": self.decision,
            "worker": self.worker,
            "co_worker": self.co_worker,
            "effective_date": self.effective_date.isoformat(),
            "position_as_at": None
            if self.position_as_at is None
            else self.position_as_at.isoformat(),
            "decision_id": self.decision_id,
            "allocation_id": self.allocation_id,
        }


def _check_time_limit(time_limit: float) -> None:
    if not 0.1 <= time_limit <= 600:
        raise InvalidInputError(
            f"--time-limit must be between 0.1 and 600 seconds, not {time_limit:g}"
        )


def _plan(council: CouncilData, scope: Scope, time_limit: float) -> AllocationRun:
    """The council-wide plan for the day, made once per data fingerprint, and the scope's share
    of it: a team manager's recommendations are the leader's for the same children."""
    whole = _council_plan(council, scope, time_limit)
    return AllocationRun(scope, whole.problem, whole.for_teams(scope.team_ids))


def _council_plan(council: CouncilData, scope: Scope, time_limit: float) -> CouncilPlan:
    key: tuple[Hashable, ...] = (*council.key, "council plan", scope.day, time_limit)

    def build() -> CouncilPlan:
        policy = scope.policy.policy
        data = with_decisions_since(council.data, scope.day)
        position = position_on(data, scope.day, policy)
        problem = build_problem(data, position, policy)
        return plan_for_council(problem, time_limit=time_limit)

    whole: CouncilPlan = council.snapshots.plans.get_or_build(key, build)
    return whole


@dataclass(frozen=True)
class MeetingPlan:
    """The council's plan for the allocation meeting on its data date, kept while nothing but
    recommendations accepted as made changes the data: each such decision takes its children out
    of the plan and adds them to the worker's load (``taken``), and every other recommendation
    stays as it was, because the plan already counted those children with that worker. Any other
    change (an override, a rejection, a move, an import) makes a new plan.

    ``stamp`` is the data fingerprint the plan is in step with (decisions after its highest
    decision id are the ones not yet counted)."""

    council: CouncilData
    stamp: Fingerprint
    whole: CouncilPlan
    taken: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    """Cases and points (hundredths) accepted for each worker since the plan was made."""

    def load(self, worker: ProblemWorker) -> tuple[int, int]:
        """A worker's cases and points (hundredths) now, with what was accepted since."""
        cases, points = self.taken.get(worker.worker_id, (0, 0))
        return worker.cases + cases, worker.points + points


def _meeting_key(engine: Engine, authority_id: int, time_limit: float) -> tuple[Hashable, ...]:
    stamp = report_cache.policy_file_stamp()  # a changed policy file makes a new plan
    return ("meeting", report_cache.engine_token(engine), authority_id, time_limit, stamp)


def _kept_in_step(engine: Engine, kept: MeetingPlan, stamp: Fingerprint) -> MeetingPlan | None:
    """``kept`` with the decisions made since it was planned taken out, when every one of them
    accepted a recommendation as made; None when anything else changed."""
    if not fingerprint.changed_only_by_decisions(kept.stamp, stamp):
        return None
    with session_scope(engine) as session:
        since = workbench_queries.decisions_after(
            session, kept.council.authority.id, kept.stamp[5] or 0
        )
    recommended = {r.child_id: r for r in kept.whole.plan.recommendations}
    accepted: list[Recommendation] = []
    for decision in since:
        found = recommended.get(decision["child_id"])
        if (
            decision["decision"] != "accepted"
            or found is None
            or decision["chosen_worker_id"] != found.worker_id
        ):
            return None
        accepted.append(found)
    if fingerprint.open_allocated(stamp) - fingerprint.open_allocated(kept.stamp) != len(accepted):
        return None  # an allocation was made or ended some other way
    gone = {r.child_id for r in accepted}
    taken = dict(kept.taken)
    for r in accepted:
        cases, points = taken.get(r.worker_id, (0, 0))
        taken[r.worker_id] = (cases + 1, points + round(r.points * POINTS_SCALE))
    plan = replaced(
        kept.whole.plan,
        recommendations=tuple(r for r in kept.whole.plan.recommendations if r.child_id not in gone),
    )
    return replaced(kept, stamp=stamp, whole=CouncilPlan(kept.whole.problem, plan), taken=taken)


def meeting_plan(engine: Engine, authority_id: int, time_limit: float = 10.0) -> MeetingPlan:
    """The plan for the allocation meeting on the data date: kept and repaired as
    recommendations are accepted (see :class:`MeetingPlan`), made afresh on any other change."""
    _check_time_limit(time_limit)
    stamp = report_cache.current_fingerprint(engine, authority_id)
    store = snapshots(engine).plans
    key = _meeting_key(engine, authority_id, time_limit)
    kept: MeetingPlan | None = store.get(key)
    if kept is not None and kept.stamp == stamp:
        return kept
    meeting = _kept_in_step(engine, kept, stamp) if kept is not None else None
    if meeting is None:
        council = council_data(engine, authority_id=authority_id)
        scope = make_scope(council, as_at=None)
        whole = _council_plan(council, scope, time_limit)
        meeting = MeetingPlan(council, cast(Fingerprint, council.key[2]), whole)
    store.put(key, meeting)
    return meeting


def meeting_run(
    engine: Engine,
    *,
    authority_id: int,
    teams: Sequence[str] = (),
    team_ids: Collection[int] | None = None,
    time_limit: float = 10.0,
) -> tuple[AllocationRun, MeetingPlan]:
    """The meeting's plan and the share of it for the teams named (or the ids of an account's
    teams, or all)."""
    meeting = meeting_plan(engine, authority_id, time_limit)
    scope = make_scope(meeting.council, as_at=None, teams=teams, team_ids=team_ids)
    run = AllocationRun(scope, meeting.whole.problem, meeting.whole.for_teams(scope.team_ids))
    return run, meeting


def recommend(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
    time_limit: float = 10.0,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
) -> AllocationRun:
    """Recommendations for every child waiting on ``as_at`` (in the named teams, or the team ids
    of an account's scope, or all); on the data date, the allocation meeting's plan."""
    _check_time_limit(time_limit)
    if as_at is None:
        if authority_id is None:
            with session_scope(engine) as session:
                authority_id = one_authority(session, authority_code).id
        run, _ = meeting_run(
            engine,
            authority_id=authority_id,
            teams=teams,
            team_ids=team_ids,
            time_limit=time_limit,
        )
        return run
    council = council_data(engine, authority_code=authority_code, authority_id=authority_id)
    scope = make_scope(council, as_at=as_at, teams=teams, team_ids=team_ids)
    return _plan(council, scope, time_limit)


def _move_reason(row: dict[str, Any], start: date, window: int) -> tuple[WorkerChangeReason, str]:
    until = row["holding_until"]
    if not row["in_post"] or not row["case_holding"]:
        return WorkerChangeReason.LEFTRL, "is no longer in a case-holding post"
    if until is not None and until < start + timedelta(days=window):
        return WorkerChangeReason.LEFTRL, f"leaves the role after {until}"
    if row["absent"]:
        return WorkerChangeReason.ABSENC, f"is absent since {row['absent_since']}"
    if row["long_absence_from"] is not None:
        return WorkerChangeReason.ABSENC, f"starts a long absence on {row['long_absence_from']}"
    raise InvalidInputError(
        f"{row['name']} ({row['staff_number']}) is neither leaving nor absent around {start}; "
        "pass --reason LEFTRL or --reason ABSENC to move the caseload anyway"
    )


def plan_reallocation(
    engine: Engine,
    *,
    staff_number: str | None = None,
    start: date,
    reason: WorkerChangeReason | None = None,
    authority_code: str | None = None,
    time_limit: float = 10.0,
    worker_id: int | None = None,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
) -> AllocationRun:
    """The move of a worker's whole caseload from ``start`` (the first day with the new
    workers): a recommendation per child, a reason for any child who cannot be placed. The
    worker is named by staff number or id; ``team_ids`` keeps the new workers in those teams."""
    _check_time_limit(time_limit)
    if (staff_number is None) == (worker_id is None):
        raise InvalidInputError("name the worker whose caseload moves (staff number or id)")
    council = council_data(engine, authority_code=authority_code, authority_id=authority_id)
    with session_scope(engine) as session:
        worker = _worker(session, council.authority.id, staff_number, worker_id)
    key: tuple[Hashable, ...] = (
        *council.key,
        "move",
        worker.id,
        start,
        reason,
        None if team_ids is None else tuple(sorted(team_ids)),
        time_limit,
    )
    run: AllocationRun = council.snapshots.plans.get_or_build(
        key, lambda: _reallocation(council, worker, start, reason, team_ids, time_limit)
    )
    return run


def _worker(
    session: Session, authority_id: int, staff_number: str | None, worker_id: int | None
) -> Worker:
    if staff_number is not None:
        return caseload_queries.worker_by_staff_number(session, authority_id, staff_number)
    worker = session.get(Worker, worker_id)
    if worker is None or worker.authority_id != authority_id:
        raise NotFoundError(f"no worker with id {worker_id} in this authority")
    return worker


def _reallocation(
    council: CouncilData,
    worker: Worker,
    start: date,
    reason: WorkerChangeReason | None,
    team_ids: Collection[int] | None,
    time_limit: float,
) -> AllocationRun:
    # A move is planned from a day of the manager's choosing, often after the data date: the
    # caseload it moves is the one the data shows open on that day.
    scope = make_scope(council, as_at=start, planning=True)
    policy = scope.policy.policy
    position = position_on(council.data, start, policy)
    staff_number = worker.staff_number
    rows = position.caseloads.filter(pl.col("worker_id") == worker.id)
    if rows.is_empty() or rows["cases"][0] == 0:
        raise NotFoundError(
            f"{worker.first_name} {worker.last_name} ({staff_number}) holds no cases on {start}"
        )
    row = rows.row(0, named=True)
    if reason is None:
        found, why = _move_reason(row, start, policy.exclude_leaving_within_days)
    elif reason not in MOVE_REASONS:
        raise InvalidInputError("--reason must be LEFTRL (left the role) or ABSENC (absence)")
    else:
        found, why = reason, f"are moved on the manager's word ({reason.value})"
    problem = build_problem(
        council.data,
        position,
        policy,
        moving_worker=worker.id,
        team_ids=None if team_ids is None else sorted(team_ids),
    )
    move = Move(worker.id, f"{row['name']} ({staff_number})", start, found, why)
    return AllocationRun(scope, problem, make_plan(problem, time_limit=time_limit), move)


def _now() -> datetime:
    return datetime.now(UTC)


def decision_day(run: AllocationRun, start: date, now: datetime) -> date:
    """The day an allocation decided at ``now`` starts: the day the decision is made (in
    England), never before the position it was made on. A planned move keeps its own day."""
    if run.move is not None:
        return start
    return max(start, day_in_england(now))


def _who(actor: Principal | Actor | None, user: str, authority_id: int) -> Principal | Actor:
    """The audit trail's actor: the one given, else the command line's user; an actor without an
    authority is recorded against the council decided for."""
    if actor is None:
        return audit.cli_actor(user, authority_id)
    if isinstance(actor, Actor) and actor.authority_id is None:
        return replaced(actor, authority_id=authority_id)
    return actor


def _audit(
    session: Session,
    who: Principal | Actor,
    result: DecisionResult,
    child_id: int,
    **extra: Any,
) -> None:
    """The decision as an audit event: ids only, never names or the reason's text."""
    detail: dict[str, Any] = {
        "decision": result.decision,
        "decision_id": result.decision_id,
        "allocation_id": result.allocation_id,
        "worker_id": result.worker_id,
        "co_worker_id": result.co_worker_id,
        "effective_date": result.effective_date.isoformat(),
    }
    action = "reject" if result.decision == "rejected" else "allocate"
    audit.record_in(session, who, action, "child", child_id, detail | extra)


def _write_recommendation(
    session: Session,
    run: AllocationRun,
    recommendation: Recommendation,
    user: str,
    start: date,
    who: Principal | Actor,
) -> DecisionResult:
    child = allocation_writes.lock_child(session, run.scope.authority.id, recommendation.child_ref)
    moved_from = None
    if run.move is not None:
        allocation_writes.end_worker_allocations(
            session,
            child_id=child.id,
            worker_id=run.move.worker_id,
            move_day=start,
            reason=run.move.reason,
        )
        moved_from = run.move.worker_id
    now = _now()
    allocation_writes.ensure_unallocated(session, child, start)
    start = decision_day(run, start, now)
    allocation, record = allocation_writes.allocate(
        session,
        child=child,
        worker_id=recommendation.worker_id,
        start=start,
        decision="accepted",
        user=user,
        now=now,
        recommended_worker_id=recommendation.worker_id,
        reason=None,
        co_worker_id=recommendation.co_worker_id,
        position_as_at=run.scope.day,
    )
    result = DecisionResult(
        recommendation.child_ref,
        "accepted",
        recommendation.worker,
        recommendation.co_worker,
        start,
        record.id,
        allocation.id,
        child_id=child.id,
        worker_id=recommendation.worker_id,
        co_worker_id=recommendation.co_worker_id,
        position_as_at=run.scope.day,
    )
    extra = {} if moved_from is None else {"moved_from_worker_id": moved_from}
    _audit(session, who, result, child.id, **extra)
    return result


def _units_for(run: AllocationRun, children: Sequence[str] | None) -> list[Recommendation]:
    """The recommendations for the children named (with their siblings), or all."""
    if children is None:
        return list(run.plan.recommendations)
    wanted = set(children)
    known = {r.child_ref for r in run.plan.recommendations} | {
        w.child_ref for w in run.plan.waiting
    }
    for ref in sorted(wanted - known):
        raise NotFoundError(
            f"{ref} is not waiting for a worker on {run.scope.day} in the teams planned (already "
            "allocated, closed, or unknown); see 'caseload caseloads'"
        )
    for waiting in run.plan.waiting:
        if waiting.child_ref in wanted:
            raise InvalidInputError(
                f"{waiting.child_ref} has no recommendation: {waiting.reason}; allocate manually "
                "with --child and --worker and a --reason"
            )
    for recommendation in run.plan.recommendations:
        if recommendation.child_ref in wanted:
            wanted.update(recommendation.siblings)
    return [r for r in run.plan.recommendations if r.child_ref in wanted]


@dataclass(frozen=True)
class Accepted:
    run: AllocationRun
    decisions: list[DecisionResult]
    refused: list[DataIntegrityError]  # one per child someone else allocated in the meantime


def accept(
    engine: Engine,
    *,
    user: str,
    children: Sequence[str] | None = None,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
    time_limit: float = 10.0,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
    actor: Principal | Actor | None = None,
) -> Accepted:
    """Accept the current recommendations for the children named (siblings come with them), or
    for every child with one. Each child is its own transaction: a child someone else allocated
    in the meantime is refused with a message and does not stop the others."""
    run = recommend(
        engine,
        as_at=as_at,
        authority_code=authority_code,
        teams=teams,
        time_limit=time_limit,
        team_ids=team_ids,
        authority_id=authority_id,
    )
    who = _who(actor, user, run.scope.authority.id)
    decisions: list[DecisionResult] = []
    refused: list[DataIntegrityError] = []
    for recommendation in _units_for(run, children):
        try:
            with session_scope(engine) as session:
                decisions.append(
                    _write_recommendation(session, run, recommendation, user, run.scope.day, who)
                )
        except DataIntegrityError as exc:
            refused.append(exc)
    return Accepted(run, decisions, refused)


def apply_reallocation(
    engine: Engine,
    *,
    user: str,
    staff_number: str | None = None,
    start: date,
    reason: WorkerChangeReason | None = None,
    authority_code: str | None = None,
    time_limit: float = 10.0,
    worker_id: int | None = None,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
    actor: Principal | Actor | None = None,
) -> tuple[AllocationRun, list[DecisionResult], list[str]]:
    """Move the caseload as planned: each placed child's old allocation ends the day before
    ``start`` with the change reason and the new one starts on ``start``; the allocations of
    children who cannot be placed also end, so they join the unallocated queue. Returns the run,
    the decisions, and the children now waiting."""
    run = plan_reallocation(
        engine,
        staff_number=staff_number,
        worker_id=worker_id,
        start=start,
        reason=reason,
        authority_code=authority_code,
        time_limit=time_limit,
        team_ids=team_ids,
        authority_id=authority_id,
    )
    assert run.move is not None
    who = _who(actor, user, run.scope.authority.id)
    results = []
    for recommendation in run.plan.recommendations:
        with session_scope(engine) as session:
            results.append(_write_recommendation(session, run, recommendation, user, start, who))
    waiting = []
    for child in run.plan.waiting:
        with session_scope(engine) as session:
            locked = allocation_writes.lock_child(session, run.scope.authority.id, child.child_ref)
            ended = allocation_writes.end_worker_allocations(
                session,
                child_id=locked.id,
                worker_id=run.move.worker_id,
                move_day=start,
                reason=run.move.reason,
            )
            audit.record_in(
                session,
                who,
                "move",
                "child",
                locked.id,
                {
                    "moved_from_worker_id": run.move.worker_id,
                    "allocations_ended": ended,
                    "change_reason": run.move.reason.value,
                    "effective_date": start.isoformat(),
                    "now_waiting": True,
                },
            )
            waiting.append(child.child_ref)
    return run, results, waiting


def _rules_broken(run: AllocationRun, child_ref: str, worker_id: int) -> list[str]:
    """The hard rules a manual choice breaks, described."""
    problem = run.problem
    shown = {r.child_ref for r in run.plan.recommendations} | {
        w.child_ref for w in run.plan.waiting
    }
    unit = next((u for u in problem.units for c in u.children if c.child_ref == child_ref), None)
    if unit is None or child_ref not in shown:
        raise NotFoundError(f"{child_ref} is not waiting for a worker on {run.scope.day}")
    if worker_id not in {w.worker_id for w in problem.workers}:
        return ["the worker is not a case holder in the teams planned"]
    eligibility = Eligibility(problem)
    worker = problem.worker(worker_id)
    single = next(c for c in unit.children if c.child_ref == child_ref)
    alone = eligibility.single(single, unit)
    broken = []
    rule = eligibility.blocked(alone, worker)
    messages = {
        Rule.UNAVAILABLE: f"{worker.label} is {worker.unavailable}",
        Rule.TEAM: f"{worker.label} is not in the child's team ({unit.home_team})",
        Rule.ASYE_PROTECTION: f"{worker.label} is an ASYE and this is a protected case with no "
        "protecting co-worker",
    }
    if rule is not None:
        broken.append(messages.get(rule, rule.value))
    if unit.sibling_workers and worker_id not in unit.sibling_workers:
        broken.append("a sibling already has another worker (siblings split)")
    if not eligibility.fits(alone, worker):
        broken.append(
            f"over cap: {worker.label} would hold {worker.cases + 1} cases "
            f"(cap {worker.cap_cases}) and {(worker.points + single.points) / 100:g} points "
            f"(cap {worker.cap_points / 100:g})"
        )
    return broken


def rules_broken(run: AllocationRun, child_ref: str, worker_id: int) -> list[str]:
    """The hard rules allocating the waiting child to the worker would break (none: allowed)."""
    return _rules_broken(run, child_ref, worker_id)


def decide(
    engine: Engine,
    *,
    user: str,
    child_ref: str,
    staff_number: str | None = None,
    reason: str | None,
    override: bool = False,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
    time_limit: float = 10.0,
    worker_id: int | None = None,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
    actor: Principal | Actor | None = None,
) -> DecisionResult:
    """Allocate a child to a worker the user chooses (by staff number or id): ``accepted`` when
    it is the recommendation, ``overridden`` (a reason is required) when another worker was
    recommended, ``manual`` (reason required) when none was. A choice breaking a hard rule (a
    cap, ASYE protection, siblings, availability, team) needs ``override`` and a reason; the
    rules overridden are recorded with the reason."""
    run = recommend(
        engine,
        as_at=as_at,
        authority_code=authority_code,
        teams=teams,
        time_limit=time_limit,
        team_ids=team_ids,
        authority_id=authority_id,
    )
    who = _who(actor, user, run.scope.authority.id)
    with session_scope(engine) as session:
        if staff_number is None and worker_id is None:
            raise InvalidInputError(f"choose a worker for {child_ref}")
        worker = _worker(session, run.scope.authority.id, staff_number, worker_id)
        named = staff_number or worker.staff_number
        recommended = run.plan.recommendation_for(child_ref)
        if recommended is not None and recommended.worker_id == worker.id and not reason:
            return _write_recommendation(session, run, recommended, user, run.scope.day, who)
        broken = _rules_broken(run, child_ref, worker.id)
        text = (reason or "").strip()
        if not text:
            raise InvalidInputError(
                f"choosing {named} for {child_ref} needs --reason (the recommendation "
                f"was {recommended.worker if recommended else 'none'})"
            )
        if broken and not override:
            raise InvalidInputError(
                f"allocating {child_ref} to {named} breaks: {'; '.join(broken)}. Pass "
                "--override with --reason to allocate anyway"
            )
        if broken:
            text = f"{text} [rules overridden: {'; '.join(broken)}]"
        if recommended is None:
            decision = "manual"
        else:
            decision = "accepted" if recommended.worker_id == worker.id else "overridden"
        child = allocation_writes.lock_child(session, run.scope.authority.id, child_ref)
        allocation_writes.ensure_unallocated(session, child, run.scope.day)
        now = _now()
        start = decision_day(run, run.scope.day, now)
        allocation, record = allocation_writes.allocate(
            session,
            child=child,
            worker_id=worker.id,
            start=start,
            decision=decision,
            user=user,
            now=now,
            recommended_worker_id=recommended.worker_id if recommended else None,
            reason=text,
            position_as_at=run.scope.day,
        )
        label = f"{worker.first_name} {worker.last_name} ({worker.staff_number})"
        result = DecisionResult(
            child_ref,
            decision,
            label,
            None,
            start,
            record.id,
            allocation.id,
            child_id=child.id,
            worker_id=worker.id,
            position_as_at=run.scope.day,
        )
        _audit(
            session,
            who,
            result,
            child.id,
            recommended_worker_id=recommended.worker_id if recommended else None,
            rules_overridden=len(broken),
        )
        return result


def reject(
    engine: Engine,
    *,
    user: str,
    child_ref: str,
    reason: str,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
    time_limit: float = 10.0,
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
    actor: Principal | Actor | None = None,
) -> DecisionResult:
    """Record that the recommendation for a child was rejected (with a reason); the child
    stays in the queue."""
    if not reason.strip():
        raise InvalidInputError("rejecting a recommendation needs --reason")
    run = recommend(
        engine,
        as_at=as_at,
        authority_code=authority_code,
        teams=teams,
        time_limit=time_limit,
        team_ids=team_ids,
        authority_id=authority_id,
    )
    who = _who(actor, user, run.scope.authority.id)
    recommended = run.plan.recommendation_for(child_ref)
    with session_scope(engine) as session:
        child = allocation_writes.lock_child(session, run.scope.authority.id, child_ref)
        record = allocation_writes.reject(
            session,
            child=child,
            recommended_worker_id=recommended.worker_id if recommended else None,
            day=run.scope.day,
            user=user,
            now=_now(),
            reason=reason.strip(),
        )
        # A rejection holds for the wait it was made on: it is dated by that position.
        result = DecisionResult(
            child_ref,
            "rejected",
            None,
            None,
            run.scope.day,
            record.id,
            None,
            child_id=child.id,
            worker_id=recommended.worker_id if recommended else None,
            position_as_at=run.scope.day,
        )
        _audit(session, who, result, child.id)
        return result
