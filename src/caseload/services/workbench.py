"""The allocation workbench: the morning allocation meeting for a team manager's teams (or, for
the service leader, the council), the decisions taken in it, and the move of a leaving or absent
worker's caseload.

The meeting's queue has one row per child or sibling group: who they are (age band, status,
court work, siblings), how long they have waited, and what is proposed: the recommended worker
with their caseload after it and the reason in plain words; or, when nobody eligible has room,
the least overloaded eligible worker over cap, for the service manager to agree; or the reason
nobody can take them. The plan behind it is the council's (see
:func:`caseload.services.allocation.meeting_plan`): accepting a recommendation takes the child out
and leaves every other recommendation as it was, so the page keeps its place.

Rules (checked here, before the allocation service's own):

- only roles that allocate (service leader, team manager) open the workbench or decide;
- a team manager decides only for children in their teams' share of the plan (a child of another
  team's share is refused, 403, and the refusal recorded) and only chooses workers in their
  teams; the leader decides for any child and worker of the council;
- an accept names the worker the manager was shown and the recommendation's version: if the
  recommendation has changed since, it is refused (409) and the fresh one is shown;
- overriding chooses another worker and always needs a reason; a choice that breaks a hard rule
  (a cap, ASYE protection, siblings, availability, team) is allowed only through the override, and
  the rules broken are recorded with the reason; rejecting needs a reason and leaves the child
  waiting;
- when nobody has room, a team manager asks the service manager to agree the overflow proposal,
  or holds the child's case themselves (a named holding arrangement); the service leader agrees
  (allocating over cap, with the reason) or declines;
- every decision, request and move is written to the audit trail in the transaction that makes
  it, and every view of the workbench or a move plan is recorded too."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.allocation import metrics
from caseload.allocation.eligibility import Eligibility, Rule
from caseload.allocation.overflow import Overflow
from caseload.allocation.plan import Recommendation, Waiting
from caseload.allocation.problem import Unit, Worker
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.definitions import escalation_of
from caseload.domain import WorkerChangeReason
from caseload.domain.dates import day_in_england
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services import access, allocation, audit
from caseload.services.allocation import AllocationRun, DecisionResult, MeetingPlan
from caseload.services.caseload_views import ScopeFields, report_for, scope_dict
from caseload.services.view_rows import Choice, Crumb, flags
from caseload.storage import allocation_requests, workbench_queries
from caseload.storage.engine import session_scope

ACTIONS = ("accept", "override", "reject")
MAX_OPTIONS = 60
REASON_LIMIT = 2000
MAX_SELECTED = 200
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
# The reasons a manager picks from when choosing another worker or rejecting (with free text).
OVERRIDE_REASONS = (
    "Knows the child or family",
    "Better skills or experience for this case",
    "Keeps siblings or a household with one worker",
    "The recommended worker's real workload is higher",
    "Worker's own request or development plan",
    "Other (say why below)",
)
REJECT_REASONS = (
    "The worker's real workload is higher than recorded",
    "Not the right experience for this case",
    "A conflict of interest",
    "The worker is about to be away",
    "Other (say why below)",
)
STATUS_TEXT = {
    "assessment": "Assessment",
    "cin": "CIN",
    "cp": "CP",
    "cla": "CLA",
    "care_leaver": "Care leaver",
}
COURT_TEXT = {"pre_proceedings": "PLO", "care_proceedings": "Care proceedings"}
WAITS = {"new": "New", "review": "Review", "escalate": "Escalate"}


class WorkerOption(TypedDict):
    """A worker the manager may choose instead, and the rules choosing them would break."""

    worker_id: int
    label: str
    breaks: list[str]


class ChildFacts(TypedDict):
    child: str
    age: str
    status: str
    court: str | None


class Proposal(TypedDict):
    """What is proposed for a row: ``kind`` 'recommended' (a worker with room), 'overflow' (over
    cap, for the service manager to agree) or 'none' (nobody eligible)."""

    kind: str
    worker_id: int | None
    worker: str | None
    worker_href: str | None
    team: str | None
    cases_now: int | None
    cases_after: int | None
    cap_cases: int | None
    why: str
    version: str | None


class RequestInfo(TypedDict):
    request_id: int
    kind: str
    text: str


class QueueRow(TypedDict):
    key: str
    anchor: str
    children: list[ChildFacts]
    days_waiting: int
    escalation: str
    escalation_label: str
    home_team: str
    proposal: Proposal
    request: RequestInfo | None
    decide_href: str


class Filters(TypedDict):
    team: str
    status: str
    wait: str


class SolverInfo(TypedDict):
    status: str
    summary: str
    plain: str
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


class Counts(TypedDict):
    children: int
    recommended: int
    overflow: int
    none: int
    shown: int


class PendingRequest(TypedDict):
    request_id: int
    child: str
    worker: str | None
    text: str
    requested_by: str


class WorkbenchContext(ScopeFields):
    """The meeting's queue for the account's teams (one row per child or sibling group), with
    the filters chosen; ``confirmations`` confirm the decisions just taken; ``requests`` are the
    overflow proposals waiting for the service leader's agreement (leader only)."""

    title: str
    confirmations: list[str]
    rows: list[QueueRow]
    counts: Counts
    filters: Filters
    teams: list[Choice]
    statuses: list[Choice]
    waits: list[Choice]
    requests: list[PendingRequest]
    can_agree: bool
    solver: SolverInfo
    comparison: Comparison


class ChildContext(ScopeFields):
    """The decision page for one child or sibling group: the row, the workers to choose from and
    the reasons to pick, and what can be asked when nobody has room."""

    title: str
    breadcrumbs: list[Crumb]
    row: QueueRow
    options: list[WorkerOption]
    override_reasons: list[str]
    reject_reasons: list[str]
    can_ask: bool
    can_hold: bool
    can_agree: bool
    error: str | None


class Decision(TypedDict):
    child: str
    decision: str
    worker: str | None
    co_worker: str | None
    effective_date: str
    position_as_at: str | None
    decision_id: int
    allocation_id: int | None


class Stale(TypedDict):
    """A decision refused because the recommendation changed: the child and the fresh row."""

    child: str
    message: str
    row: QueueRow | None


class DecisionOutcome(TypedDict):
    decisions: list[Decision]
    messages: list[str]
    decided: list[str]
    stale: list[Stale]


class StaleRecommendationError(DataIntegrityError):
    """The recommendation a manager accepted is no longer the current one (HTTP 409)."""

    def __init__(self, message: str, stale: list[Stale]) -> None:
        super().__init__(message)
        self.stale = stale


# --- the meeting's rows ------------------------------------------------------------------------


def version_of(recommendation: Recommendation) -> str:
    """What the manager was shown for a child, as a short token: the worker, the co-worker and
    the siblings who go with them. An accept carrying another token is refused."""
    text = "|".join(
        [
            recommendation.child_ref,
            str(recommendation.worker_id),
            str(recommendation.co_worker_id or ""),
            ",".join(sorted(recommendation.siblings)),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _first_name(worker: str) -> str:
    return worker.split(" ", 1)[0]


def age_band(birth: date | None, day: date) -> str:
    """The child's age on ``day`` in the bands councils report: under 1, 1-4, 5-9, 10-15, 16-17,
    18 and over."""
    if birth is None:
        return "age not known"
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for top, label in ((0, "under 1"), (4, "1-4"), (9, "5-9"), (15, "10-15"), (17, "16-17")):
        if years <= top:
            return label
    return "18 and over"


def _anchor(key: str) -> str:
    return "unit-" + "".join(c if c.isalnum() else "-" for c in key)


@dataclass(frozen=True)
class Meeting:
    """What the rows are built from: the run for the principal's teams, the meeting plan, the
    children's birth dates and the open requests by child."""

    run: AllocationRun
    meeting: MeetingPlan
    births: dict[int, date | None]
    requests: dict[int, dict[str, Any]]  # each child's latest open request
    open_requests: list[dict[str, Any]]  # every open request, oldest first

    def load(self, worker: Worker) -> tuple[int, int]:
        return self.meeting.load(worker)


def _meeting(engine: Engine, principal: Principal) -> Meeting:
    run, meeting = allocation.meeting_run(
        engine, authority_id=principal.authority_id, team_ids=principal.visible_team_ids()
    )
    children = meeting.council.data.children
    births = dict(children.select("child_id", "birth_date").iter_rows())
    with session_scope(engine) as session:
        found = allocation_requests.open_requests(session, principal.authority_id)
    return Meeting(run, meeting, births, {row["child_id"]: row for row in found}, found)


def _worker_link(principal: Principal, worker: Worker | None) -> str | None:
    if worker is None or worker.team_id is None or not principal.covers_teams([worker.team_id]):
        return None
    return f"/workers/{worker.worker_id}"


def _recommended(m: Meeting, principal: Principal, units: list[Recommendation]) -> Proposal:
    first = units[0]
    worker = m.run.problem.worker(first.worker_id)
    cases_now, _ = m.load(worker)
    after = cases_now + len(units)
    name = _first_name(first.worker)
    parts = [f"{name} has room: {after} of {first.cap_cases} cases after this"]
    if first.knows:
        parts.append("already knows the family")
    if first.co_worker:
        parts.append(f"{_first_name(first.co_worker)} co-works the case")
    if len(units) > 1:
        parts.append("the brothers and sisters stay together")
    return {
        "kind": "recommended",
        "worker_id": worker.worker_id,
        "worker": first.worker,
        "worker_href": _worker_link(principal, worker),
        "team": worker.team,
        "cases_now": cases_now,
        "cases_after": after,
        "cap_cases": first.cap_cases,
        "why": "; ".join(parts) + ".",
        "version": version_of(first),
    }


def _cap_text(overflow: Overflow) -> str:
    over = []
    for breach in overflow.breaks:
        if breach.cap == "cases":
            over.append(f"{int(breach.after)} of {int(breach.limit)} cases")
        else:
            over.append(f"{breach.after:g} of {breach.limit:g} points")
    return " and ".join(over)


def _waiting_proposal(m: Meeting, principal: Principal, waiting: Waiting) -> Proposal:
    overflow = waiting.overflow
    if overflow is None:
        reason = waiting.reason[:1].upper() + waiting.reason[1:]
        return {
            "kind": "none",
            "worker_id": None,
            "worker": None,
            "worker_href": None,
            "team": None,
            "cases_now": None,
            "cases_after": None,
            "cap_cases": None,
            "why": f"Nobody can take this case: {reason.rstrip('.')}.",
            "version": None,
        }
    worker = m.run.problem.worker(overflow.worker_id)
    cases_now, _ = m.load(worker)
    name = _first_name(overflow.worker)
    return {
        "kind": "overflow",
        "worker_id": overflow.worker_id,
        "worker": overflow.worker,
        "worker_href": _worker_link(principal, worker),
        "team": overflow.team,
        "cases_now": cases_now,
        "cases_after": overflow.cases_after,
        "cap_cases": overflow.cap_cases,
        "why": (
            f"Nobody eligible has room. {name} is the least over: {_cap_text(overflow)} after "
            f"this. Needs the {overflow.agreed_by}'s agreement."
        ),
        "version": None,
    }


def _request_info(request: dict[str, Any] | None) -> RequestInfo | None:
    if request is None:
        return None
    asked = request["requested_at"]
    if asked.tzinfo is None:  # SQLite gives back the stored UTC time without its zone
        asked = asked.replace(tzinfo=UTC)
    since = day_in_england(asked).strftime("%-d %b")
    if request["kind"] == "holding":
        text = f"Held by {request['requested_by']} since {since}"
    else:
        text = f"Asked the service manager on {since}, for {request['worker']}"
    return {"request_id": request["request_id"], "kind": request["kind"], "text": text}


def _row(
    m: Meeting,
    principal: Principal,
    unit: Unit,
    recommended: list[Recommendation],
    waiting: list[Waiting],
) -> QueueRow:
    day = m.run.scope.day
    days = unit.days_waiting
    escalation = escalation_of(days, m.run.scope.policy.policy)
    proposal = (
        _recommended(m, principal, recommended)
        if recommended
        else _waiting_proposal(m, principal, waiting[0])
    )
    refs = [child.child_ref for child in unit.children]
    request = next(
        (m.requests[c.child_id] for c in unit.children if c.child_id in m.requests), None
    )
    return {
        "key": unit.key,
        "anchor": _anchor(unit.key),
        "children": [
            {
                "child": child.child_ref,
                "age": age_band(m.births.get(child.child_id), day),
                "status": STATUS_TEXT.get(child.case_type or "", "No open case"),
                "court": COURT_TEXT.get(child.proceedings or ""),
            }
            for child in unit.children
        ],
        "days_waiting": days,
        "escalation": escalation,
        "escalation_label": WAITS.get(escalation, escalation),
        "home_team": unit.home_team or "Any team",
        "proposal": proposal,
        "request": _request_info(request),
        "decide_href": f"/allocation/children/{refs[0]}",
    }


def _rows(m: Meeting, principal: Principal) -> list[QueueRow]:
    """One row per unit in the principal's share, most urgent first."""
    plan = m.run.plan
    problem = m.run.problem
    by_unit: dict[str, tuple[list[Recommendation], list[Waiting]]] = defaultdict(lambda: ([], []))
    for r in plan.recommendations:
        by_unit[problem.unit_of(r.child_id).key][0].append(r)
    for w in plan.waiting:
        by_unit[problem.unit_of(w.child_id).key][1].append(w)
    units = {unit.key: unit for unit in problem.units if unit.key in by_unit}
    ordered = sorted(units.values(), key=lambda u: (u.priority, -u.days_waiting, u.key))
    rows = []
    for unit in ordered:
        recommended, waiting = by_unit[unit.key]
        present = {r.child_id for r in recommended} | {w.child_id for w in waiting}
        shown = Unit(  # the children of the unit still waiting (siblings decided leave it)
            key=unit.key,
            children=tuple(c for c in unit.children if c.child_id in present),
            home_team_ids=unit.home_team_ids,
            home_team=unit.home_team,
            home_from=unit.home_from,
            sibling_workers=unit.sibling_workers,
            rejected_workers=unit.rejected_workers,
        )
        rows.append(_row(m, principal, shown, recommended, waiting))
    return rows


def _filtered(rows: list[QueueRow], filters: Filters) -> list[QueueRow]:
    found = rows
    if filters["team"]:
        found = [r for r in found if filters["team"] in (r["home_team"], r["proposal"]["team"])]
    if filters["status"]:
        found = [r for r in found if any(c["status"] == filters["status"] for c in r["children"])]
    if filters["wait"]:
        found = [r for r in found if r["escalation"] == filters["wait"]]
    return found


def _checked_filters(rows: list[QueueRow], team: str, status: str, wait: str) -> Filters:
    teams = {r["home_team"] for r in rows} | {r["proposal"]["team"] or "" for r in rows}
    if team and team not in teams:
        raise InvalidInputError(f"no child in your queue belongs to {team!r}; choose a team")
    if status and status not in STATUS_TEXT.values():
        raise InvalidInputError(f"{status!r} is not a status; choose one from the list")
    if wait and wait not in WAITS:
        raise InvalidInputError("choose new, review or escalate for the wait")
    return {"team": team, "status": status, "wait": wait}


def _children_of(rows: list[QueueRow], kind: str) -> int:
    return sum(len(r["children"]) for r in rows if r["proposal"]["kind"] == kind)


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


def _pending(m: Meeting, principal: Principal) -> list[PendingRequest]:
    if not principal.all_teams:
        return []
    return [
        {
            "request_id": row["request_id"],
            "child": row["child_ref"],
            "worker": row["worker"],
            "text": row["reason"],
            "requested_by": row["requested_by"],
        }
        for row in m.open_requests
        if row["kind"] == "overflow"
    ]


def workbench_view(
    engine: Engine,
    principal: Principal,
    *,
    decided: Collection[int] = (),
    team: str = "",
    status: str = "",
    wait: str = "",
) -> WorkbenchContext:
    """The meeting's queue for the principal's teams, filtered by team (home team or the
    proposed worker's), status and age of wait."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    m = _meeting(engine, principal)
    rows = _rows(m, principal)
    filters = _checked_filters(rows, team.strip(), status.strip(), wait.strip())
    shown = _filtered(rows, filters)
    plan = m.run.plan
    context: WorkbenchContext = {
        "title": "Allocation meeting",
        **scope_dict(m.run.scope, principal),
        "confirmations": confirmations(engine, principal, decided),
        "rows": shown,
        "counts": {
            "children": sum(len(r["children"]) for r in rows),
            "recommended": _children_of(rows, "recommended"),
            "overflow": _children_of(rows, "overflow"),
            "none": _children_of(rows, "none"),
            "shown": sum(len(r["children"]) for r in shown),
        },
        "filters": filters,
        "teams": [
            {"value": t, "label": t}
            for t in sorted(
                {r["home_team"] for r in rows} | {r["proposal"]["team"] or "" for r in rows}
            )
            if t and t != "Any team"
        ],
        "statuses": [
            {"value": v, "label": v}
            for v in STATUS_TEXT.values()
            if any(c["status"] == v for r in rows for c in r["children"])
        ],
        "waits": [{"value": k, "label": v} for k, v in WAITS.items()],
        "requests": _pending(m, principal),
        "can_agree": principal.all_teams,
        "solver": {
            "status": "optimal" if plan.solve.optimal else "not proven",
            "summary": plan.solve.summary(),
            "plain": plan.solve.plain(),
            "seconds": round(plan.solve.seconds, 3),
        },
        "comparison": {"optimiser": _measures(plan.optimiser), "greedy": _measures(plan.greedy)},
    }
    audit.record(
        engine,
        principal,
        "view",
        "allocation",
        None,
        {"children": context["counts"]["children"], "shown": len(shown), **filters},
    )
    return context


# --- one child's decision page -----------------------------------------------------------------


def _breaks(eligibility: Eligibility, unit: Unit, worker: Worker) -> list[str]:
    found = []
    rule = eligibility.blocked(unit, worker)
    if rule is not None:
        found.append(BREAK_TEXT.get(rule, rule.value))
    if not eligibility.fits(unit, worker):
        found.append("over cap")
    return found


def _options(
    m: Meeting, principal: Principal, unit: Unit, exclude: int | None
) -> list[WorkerOption]:
    """Workers a manager may choose instead: available case holders in the principal's teams
    (the leader: the child's home teams and any sibling's worker, else everyone), those that
    break no rule first, then by load; each says which rules choosing them would break."""
    eligibility = Eligibility(m.run.problem)
    everyone = [
        w
        for w in m.run.problem.workers
        if w.unavailable is None and w.team_id is not None and principal.covers_teams([w.team_id])
    ]
    pool = everyone
    if principal.all_teams and (unit.home_team_ids or unit.sibling_workers):
        near = [w for w in everyone if w.team_id in unit.home_team_ids]
        seen = {w.worker_id for w in near}
        near += [
            w for w in everyone if w.worker_id in unit.sibling_workers and w.worker_id not in seen
        ]
        pool = near or everyone
    rows = []
    for worker in pool:
        if worker.worker_id == exclude:
            continue
        breaks = _breaks(eligibility, unit, worker)
        cases, points = m.load(worker)
        load = worker.utilisation(cases, points) or 0.0
        rows.append((bool(breaks), load, worker, breaks, cases))
    rows.sort(key=lambda r: (r[0], r[1], r[2].worker_id))
    return [
        {
            "worker_id": worker.worker_id,
            "label": f"{worker.name}, {worker.team}: {cases} of {worker.cap_cases} cases"
            + (f" (breaks: {', '.join(breaks)})" if breaks else ""),
            "breaks": breaks,
        }
        for _, _, worker, breaks, cases in rows[:MAX_OPTIONS]
    ]


def _unit_row(
    engine: Engine, m: Meeting, principal: Principal, child_ref: str
) -> tuple[Unit, QueueRow]:
    for row in _rows(m, principal):
        if child_ref in [c["child"] for c in row["children"]]:
            unit = next(u for u in m.run.problem.units if u.key == row["key"])
            return unit, row
    raise _not_in_share(engine, m, principal, child_ref)


def child_view(engine: Engine, principal: Principal, child_ref: str) -> ChildContext:
    """The decision page for the child's row: choose another worker (with a reason), reject the
    recommendation (with a reason), or, when nobody has room, ask the service manager or hold
    the case."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    m = _meeting(engine, principal)
    unit, row = _unit_row(engine, m, principal, child_ref)
    proposal = row["proposal"]
    context: ChildContext = {
        "title": ", ".join(c["child"] for c in row["children"]),
        **scope_dict(m.run.scope, principal),
        "breadcrumbs": [
            {"label": "Allocation meeting", "href": f"/allocation#{row['anchor']}"},
            {"label": child_ref, "href": None},
        ],
        "row": row,
        "options": _options(m, principal, unit, proposal["worker_id"]),
        "override_reasons": list(OVERRIDE_REASONS),
        "reject_reasons": list(REJECT_REASONS),
        "can_ask": proposal["kind"] == "overflow" and row["request"] is None,
        "can_hold": proposal["kind"] != "recommended"
        and not (row["request"] and row["request"]["kind"] == "holding"),
        "can_agree": proposal["kind"] == "overflow" and principal.all_teams,
        "error": None,
    }
    audit.record(
        engine, principal, "view", "allocation_child", None, {"children": len(row["children"])}
    )
    return context


# --- decisions ---------------------------------------------------------------------------------


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


def _not_in_share(engine: Engine, m: Meeting, principal: Principal, child_ref: str) -> Exception:
    """Why a child is not in the principal's share of the plan: waiting in another team
    (refused, 403, recorded), allocated since the plan was made (409), or not waiting (404)."""
    whole = m.meeting.whole.plan
    found = whole.recommendation_for(child_ref) or next(
        (w for w in whole.waiting if w.child_ref == child_ref), None
    )
    if found is not None and not principal.all_teams:
        return audit.refuse(
            engine,
            principal,
            "allocate",
            "child",
            found.child_id,
            "this child is not waiting in your teams",
        )
    return NotFoundError(
        f"{child_ref} is not waiting for a worker any more (already allocated, closed, or "
        "unknown); refresh the page"
    )


def _reason(choice: str | None, text: str | None, *, needed_for: str) -> str:
    """The reason recorded: the reason picked and the manager's own words; words are needed
    when nothing was picked or 'Other' was."""
    picked = (choice or "").strip()
    words = (text or "").strip()
    if len(words) > REASON_LIMIT or len(picked) > 200:
        raise InvalidInputError(f"keep the reason under {REASON_LIMIT} characters")
    if "\x00" in words or "\x00" in picked:
        raise InvalidInputError("give the reason in plain text")
    if picked.startswith("Other"):
        picked = ""
    if not words and not picked:
        raise InvalidInputError(f"give a reason for {needed_for}: it is recorded with the decision")
    return f"{picked}: {words}" if picked and words else (picked or words)


def _common(principal: Principal) -> dict[str, Any]:
    return {
        "user": principal.username,
        "actor": principal,
        "authority_id": principal.authority_id,
        "team_ids": principal.visible_team_ids(),
    }


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


def _stale(m: Meeting, principal: Principal, child_ref: str, message: str) -> Stale:
    row = next(
        (r for r in _rows(m, principal) if child_ref in [c["child"] for c in r["children"]]),
        None,
    )
    return {"child": child_ref, "message": message, "row": row}


def _checked_accept(
    engine: Engine,
    m: Meeting,
    principal: Principal,
    child_ref: str,
    worker_id: int | None,
    version: str | None,
) -> Recommendation:
    """The current recommendation for the child, refused (409, with the fresh one) when it is
    not the one the manager accepted."""
    found = m.run.plan.recommendation_for(child_ref)
    if found is None:
        if any(w.child_ref == child_ref for w in m.run.plan.waiting):
            message = (
                f"{child_ref} has no recommendation any more: nobody eligible has room; "
                "see the fresh proposal"
            )
            raise StaleRecommendationError(message, [_stale(m, principal, child_ref, message)])
        raise _not_in_share(engine, m, principal, child_ref)
    if worker_id is None or not version:
        raise InvalidInputError(
            f"say which recommended worker you accept for {child_ref} (the worker and the "
            "recommendation's version, as the page sends them)"
        )
    if found.worker_id != worker_id or version_of(found) != version:
        message = (
            f"the recommendation for {child_ref} has changed since the page was shown: it is "
            f"now {found.worker}; nothing was recorded"
        )
        raise StaleRecommendationError(message, [_stale(m, principal, child_ref, message)])
    return found


def _outcome(
    engine: Engine, principal: Principal, results: list[DecisionResult]
) -> DecisionOutcome:
    decided = sorted({r.child_ref for r in results})
    return {
        "decisions": [_decision(r) for r in results],
        "messages": confirmations(engine, principal, [r.decision_id for r in results]),
        "decided": decided,
        "stale": [],
    }


def decide(
    engine: Engine,
    principal: Principal,
    *,
    child_ref: str,
    action: str,
    worker_id: int | None = None,
    reason: str | None = None,
    reason_choice: str | None = None,
    version: str | None = None,
) -> DecisionOutcome:
    """Accept (``worker_id`` and ``version``: the recommendation the manager was shown),
    override (``worker_id``: the worker chosen, with a reason) or reject (with a reason) for one
    waiting child; returns the decisions recorded."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    if action not in ACTIONS:
        raise InvalidInputError(f"the action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if "\x00" in child_ref or not child_ref.strip() or len(child_ref) > 40:
        raise InvalidInputError("give the child's reference")
    m = _meeting(engine, principal)
    in_share = {r.child_ref for r in m.run.plan.recommendations} | {
        w.child_ref for w in m.run.plan.waiting
    }
    if child_ref not in in_share:
        raise _not_in_share(engine, m, principal, child_ref)
    results: list[DecisionResult]
    if action == "accept":
        _checked_accept(engine, m, principal, child_ref, worker_id, version)
        done = allocation.accept(engine, children=[child_ref], **_common(principal))
        if done.refused:
            raise done.refused[0]
        results = done.decisions
    elif action == "override":
        if worker_id is None:
            raise InvalidInputError(f"choose the worker to allocate {child_ref} to")
        text = _reason(reason_choice, reason, needed_for=f"choosing another worker for {child_ref}")
        _check_worker_scope(engine, principal, m.run, worker_id)
        results = [
            allocation.decide(
                engine,
                child_ref=child_ref,
                worker_id=worker_id,
                reason=text,
                override=True,
                **_common(principal),
            )
        ]
    else:
        text = _reason(
            reason_choice, reason, needed_for=f"rejecting the recommendation for {child_ref}"
        )
        results = [
            allocation.reject(engine, child_ref=child_ref, reason=text, **_common(principal))
        ]
    return _outcome(engine, principal, results)


def accept_selected(
    engine: Engine, principal: Principal, selected: Sequence[tuple[str, int, str]]
) -> DecisionOutcome:
    """Accept each (child, recommended worker, version) chosen; a child whose recommendation has
    changed is left out and reported with the fresh one (the others are still accepted)."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    if not selected:
        raise InvalidInputError("select the children whose recommendations you accept")
    if len(selected) > MAX_SELECTED:
        raise InvalidInputError(f"accept at most {MAX_SELECTED} children at once")
    m = _meeting(engine, principal)
    stale: list[Stale] = []
    wanted: list[str] = []
    for child_ref, worker_id, version in selected:
        try:
            _checked_accept(engine, m, principal, child_ref, worker_id, version)
        except StaleRecommendationError as exc:
            stale.extend(exc.stale)
            continue
        wanted.append(child_ref)
    results: list[DecisionResult] = []
    if wanted:
        done = allocation.accept(engine, children=wanted, **_common(principal))
        results = done.decisions
        stale.extend(
            {"child": "", "message": str(refused), "row": None} for refused in done.refused
        )
    outcome = _outcome(engine, principal, results)
    outcome["stale"] = stale
    return outcome


def _now() -> datetime:
    return datetime.now(UTC)


def request_help(
    engine: Engine,
    principal: Principal,
    *,
    child_ref: str,
    kind: str,
    reason: str | None,
) -> str:
    """Ask the service manager to agree the overflow proposal (``kind`` 'overflow'), or hold the
    child's case as the team manager (``kind`` 'holding'); returns the confirmation."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    if kind not in ("overflow", "holding"):
        raise InvalidInputError("ask the service manager or hold the case")
    m = _meeting(engine, principal)
    unit, row = _unit_row(engine, m, principal, child_ref)
    proposal = row["proposal"]
    if kind == "overflow" and proposal["kind"] != "overflow":
        raise InvalidInputError(f"{child_ref} has no proposal over cap to agree; refresh the page")
    if kind == "holding" and proposal["kind"] == "recommended":
        raise InvalidInputError(f"{child_ref} has a worker with room: accept or choose another")
    words = (reason or "").strip()
    if kind == "holding" and not words:
        raise InvalidInputError("say how you will hold the case until a worker has room")
    if len(words) > REASON_LIMIT or "\x00" in words:
        raise InvalidInputError(f"keep the reason under {REASON_LIMIT} characters, in plain text")
    text = words or "Nobody eligible has room; the least overloaded worker is proposed."
    child_ids = [
        c.child_id for c in unit.children if c.child_ref in [x["child"] for x in row["children"]]
    ]
    with session_scope(engine) as session:
        for child_id in child_ids:
            allocation_requests.add_request(
                session,
                authority_id=principal.authority_id,
                child_id=child_id,
                kind=kind,
                worker_id=proposal["worker_id"] if kind == "overflow" else principal.worker_id,
                reason=text,
                by=principal.username,
                now=_now(),
            )
            audit.record_in(
                session,
                audit.actor_of(principal),
                "request",
                "child",
                child_id,
                {"kind": kind, "worker_id": proposal["worker_id"] if kind == "overflow" else None},
            )
    names = ", ".join(c["child"] for c in row["children"])
    if kind == "holding":
        return f"You are holding the case of {names} until a worker has room."
    return (
        f"The service manager has been asked to agree {proposal['worker']} for {names}, over cap."
    )


def answer_request(
    engine: Engine,
    principal: Principal,
    *,
    request_id: int,
    agree: bool,
    reason: str | None,
) -> DecisionOutcome:
    """The service leader agrees an overflow proposal (the child, with any siblings asked about
    for the same worker, is allocated over cap, the agreement recorded as the reason) or
    declines it (with a reason)."""
    audit.require(engine, principal, Permission.ALLOCATE, "allocation")
    if not principal.all_teams:
        raise audit.refuse(
            engine,
            principal,
            "agree",
            "allocation_request",
            request_id,
            "only the service manager agrees a worker over cap",
        )
    words = (reason or "").strip()
    if not words or len(words) > REASON_LIMIT or "\x00" in words:
        raise InvalidInputError("give the reason for your answer (it is recorded)")
    m = _meeting(engine, principal)
    pending = m.open_requests
    asked = next((r for r in pending if r["request_id"] == request_id), None)
    group = [asked] if asked is not None else []
    if asked is not None and asked["kind"] == "overflow":
        # Siblings go together: their requests for the same worker are answered as one.
        try:
            unit = m.meeting.whole.problem.unit_of(asked["child_id"])
            together = {child.child_id for child in unit.children}
        except KeyError:
            together = {asked["child_id"]}
        group += [
            r
            for r in pending
            if r is not asked
            and r["kind"] == "overflow"
            and r["child_id"] in together
            and r["worker_id"] == asked["worker_id"]
        ]
    answered: list[tuple[str, int | None]] = []
    with session_scope(engine) as session:
        for one in group or [{"request_id": request_id}]:
            request = allocation_requests.answer_request(
                session,
                authority_id=principal.authority_id,
                request_id=one["request_id"],
                answer="agreed" if agree else "declined",
                by=principal.username,
                reason=words,
                now=_now(),
            )
            audit.record_in(
                session,
                audit.actor_of(principal),
                "agree" if agree else "decline",
                "allocation_request",
                request.id,
                {"child_id": request.child_id, "worker_id": request.worker_id},
            )
            answered.append(
                (workbench_queries.child_ref_of(session, request.child_id), request.worker_id)
            )
    if not agree:
        names = ", ".join(ref for ref, _ in answered)
        return {
            "decisions": [],
            "messages": [f"Declined: {names} stay{'s' if len(answered) == 1 else ''} waiting."],
            "decided": [],
            "stale": [],
        }
    results = [
        allocation.decide(
            engine,
            child_ref=child_ref,
            worker_id=worker_id,
            reason=f"Agreed over cap by the service manager: {words}",
            override=True,
            **_common(principal),
        )
        for child_ref, worker_id in answered
        if worker_id is not None
    ]
    return _outcome(engine, principal, results)


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
