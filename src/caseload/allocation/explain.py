"""Explanations a team manager can check: for each recommendation, the rules it satisfies and the
goal that decided it, with the alternatives; for each child left waiting, the rule that stopped
every worker who might have taken them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from caseload.allocation.eligibility import Eligibility, Rule
from caseload.allocation.model import utilisation_percent
from caseload.allocation.problem import (
    COMPLEXITY_NAMES,
    LEVEL_NAMES,
    POINTS_SCALE,
    Problem,
    Unit,
    Worker,
)
from caseload.domain import Role

SHOWN = 4


def _points(value: int) -> str:
    return f"{value / POINTS_SCALE:g}"


def _role(role: str) -> str:
    try:
        return Role(role).label.lower().replace("asye", "ASYE")
    except ValueError:
        return role.replace("_", " ")


def _a(words: str) -> str:
    """The words with their indefinite article: 'an experienced', 'a senior'."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def _names(workers: list[str]) -> str:
    shown = ", ".join(workers[:SHOWN])
    return shown + (f" and {len(workers) - SHOWN} more" if len(workers) > SHOWN else "")


@dataclass(frozen=True)
class Explanation:
    decided_by: str
    reasons: tuple[str, ...]
    alternatives: tuple[str, ...]
    co_workers: dict[int, Worker]  # child_id -> protecting co-worker (ASYE with protected cases)


class Explainer:
    """Explains one solved problem; ``assignment`` maps unit keys to worker ids."""

    def __init__(self, problem: Problem, assignment: dict[str, int]) -> None:
        self.problem = problem
        self.assignment = assignment
        self.eligibility = Eligibility(problem)
        self.added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for unit in problem.units:
            worker_id = assignment.get(unit.key)
            if worker_id is not None:
                self.added[worker_id][0] += unit.cases
                self.added[worker_id][1] += unit.points
        self.co_assigned: Counter[int] = Counter()

    def final(self, worker: Worker) -> tuple[int, int]:
        cases, points = self.added[worker.worker_id]
        return worker.cases + cases, worker.points + points

    def _team_reason(self, unit: Unit, worker: Worker) -> str:
        if unit.sibling_workers:
            return f"a sibling of {unit.children[0].child_ref} is already with {worker.label}"
        if not unit.home_team_ids:
            return "the child has no home team yet, so any team may take them"
        if worker.team_id in unit.home_team_ids:
            source = {
                "sibling": "a sibling's worker's team",
                "last worker": "their last worker's team",
                "case type": "a team of the service area handling this case type",
            }.get(unit.home_from or "", "their team")
            return f"in {worker.team}: {source}"
        return f"cross-team allocation is allowed: {worker.team} for a {unit.home_team} child"

    def _co_workers(self, unit: Unit, worker: Worker) -> tuple[dict[int, Worker], list[str]]:
        chosen: dict[int, Worker] = {}
        lines: list[str] = []
        if worker.role != Role.ASYE.value or not unit.protected:
            return chosen, lines
        for child in unit.children:
            if not child.protected:
                continue
            options = self.eligibility.co_workers_for(child, worker)
            existing = [w for w in options if w.worker_id in child.co_workers]
            if existing:
                helper = chosen[child.child_id] = existing[0]
                lines.append(
                    f"ASYE protection: {helper.label} ({_role(helper.role)}) already co-works "
                    f"{child.child_ref}"
                )
                continue
            options.sort(key=lambda w: (w.co_working + self.co_assigned[w.worker_id], w.worker_id))
            helper = chosen[child.child_id] = options[0]
            self.co_assigned[helper.worker_id] += 1
            lines.append(
                f"ASYE protection: {helper.label} ({_role(helper.role)}) to co-work "
                f"{child.child_ref}, the protecting co-worker in {worker.team} with the fewest "
                "co-worked cases"
            )
        return chosen, lines

    def recommendation(self, unit: Unit, worker: Worker) -> Explanation:
        cases, points = self.final(worker)
        reasons = [
            f"available: {_role(worker.role)}, in post, not absent, not leaving or starting long "
            f"absence within {self.problem.leaving_window_days} days",
            self._team_reason(unit, worker),
        ]
        if len(unit.children) > 1:
            reasons.append(f"keeps siblings {unit.refs} together")
        co_workers, lines = self._co_workers(unit, worker)
        reasons.extend(lines)
        now = f"{worker.cases} of {worker.cap_cases} cases and {_points(worker.points)} of "
        reasons.append(
            f"room: holds {now}{_points(worker.cap_points)} points now; {cases} and "
            f"{_points(points)} with the recommendations"
        )
        decided_by, goal, alternatives = self._decision(unit, worker)
        reasons.append(goal)
        return Explanation(decided_by, tuple(reasons), tuple(alternatives), co_workers)

    def _decision(self, unit: Unit, worker: Worker) -> tuple[str, str, list[str]]:
        after = utilisation_percent(worker, *self.final(worker))
        others: list[tuple[int, Worker]] = []
        for other in self.eligibility.candidates(unit):
            if other.worker_id == worker.worker_id:
                continue
            if self.eligibility.blocked(unit, other) is not None:
                continue
            cases, points = self.added[other.worker_id]
            if self.eligibility.fits(unit, other, cases, points):
                load = utilisation_percent(
                    other, other.cases + cases + unit.cases, other.points + points + unit.points
                )
                others.append((load, other))
        others.sort(key=lambda pair: (pair[0], pair[1].worker_id))
        alternatives = [
            f"{w.label}: {load}% if given this, {LEVEL_NAMES[w.level]}" for load, w in others[:3]
        ]
        known = [c.child_ref for c in unit.children if worker.worker_id in c.known_workers]
        complexity = max(c.complexity for c in unit.children)
        if unit.sibling_workers:
            return (
                "siblings",
                "decided by the siblings rule: their worker keeps them together",
                alternatives,
            )
        if known:
            return (
                "continuity",
                f"decided by continuity: {worker.label} worked with {', '.join(known)} in the "
                "last 12 months",
                alternatives,
            )
        if not others:
            return (
                "only option",
                "decided by the rules: the only eligible worker with room once more urgent and "
                "longer-waiting children were placed",
                alternatives,
            )
        best_load, best = others[0]
        if after <= best_load:
            return (
                "balance",
                f"decided by balance: {after}% after this allocation, the lowest; next "
                f"{best.label} at {best_load}%",
                alternatives,
            )
        if abs(complexity - worker.level) < abs(complexity - best.level):
            return (
                "experience",
                f"decided by experience: {_a(COMPLEXITY_NAMES[complexity] + '-complexity')} case "
                f"suits {_a(LEVEL_NAMES[worker.level])} worker; {best.label} is "
                f"{LEVEL_NAMES[best.level]}",
                alternatives,
            )
        return (
            "team balance",
            f"decided by the team's balance as a whole: {worker.label} ends at {after}%, "
            "and any swap would leave someone fuller or the loads less even",
            alternatives,
        )

    def waiting(self, unit: Unit) -> tuple[str, str]:
        """The rule that left the unit waiting and a message naming who was stopped by what."""
        candidates = self.eligibility.candidates(unit)
        if unit.sibling_workers:
            holders = [self.problem.worker(w) for w in unit.sibling_workers]
            why = []
            for w in holders:
                rule = self.eligibility.blocked(unit, w)
                if rule is Rule.UNAVAILABLE:
                    why.append(f"{w.label} - {w.unavailable}")
                elif rule is Rule.ASYE_PROTECTION:
                    why.append(f"{w.label} is an ASYE with no protecting co-worker available")
                elif rule is Rule.REJECTED:
                    why.append(f"{w.label} was rejected for them by a manager")
                else:
                    cases, points = self.final(w)
                    why.append(
                        f"{w.label} has no room ({cases}/{w.cap_cases} cases, "
                        f"{_points(points)}/{_points(w.cap_points)} points)"
                    )
            return (
                Rule.SIBLINGS.value,
                f"a sibling is already allocated and siblings stay with one worker, but "
                f"{'; '.join(why)}; reallocate the siblings together or override with a reason",
            )
        where = unit.home_team if unit.home_team_ids and not self.problem.allow_cross_team else None
        if not candidates:
            place = f"in {where}" if where else "in the teams planned"
            return Rule.TEAM.value, f"no case holders {place}"
        blocked: dict[Rule, list[str]] = defaultdict(list)
        full: list[tuple[float, str]] = []
        taken = asye_with_room = False
        for w in candidates:
            if w.worker_id == self.problem.moving_worker:
                continue
            rule = self.eligibility.blocked(unit, w)
            if rule is Rule.UNAVAILABLE:
                blocked[rule].append(f"{w.label} - {w.unavailable}")
            elif rule is not None:
                blocked[rule].append(w.label)
                if rule is Rule.ASYE_PROTECTION:
                    cases, points = self.added[w.worker_id]
                    asye_with_room = asye_with_room or self.eligibility.fits(unit, w, cases, points)
            else:
                cases, points = self.final(w)
                load = (
                    f"{w.label} at {cases}/{w.cap_cases} cases, "
                    f"{_points(points)}/{_points(w.cap_points)} points"
                )
                full.append((w.utilisation(cases, points) or 0.0, load))
                taken = taken or self.eligibility.fits(unit, w)
        scope = f"in {where}" if where else "who might take them"
        parts = []
        if full:
            needs = f"{unit.cases} case(s), {_points(unit.points)} points"
            loads = _names([text for _, text in sorted(full)])
            parts.append(
                f"{len(full)} eligible worker(s) {scope} have no room for {needs}: {loads}"
            )
            if taken:
                parts.append("the room there was went to more urgent or longer-waiting children")
        if blocked[Rule.UNAVAILABLE]:
            parts.append(
                f"{len(blocked[Rule.UNAVAILABLE])} unavailable: {_names(blocked[Rule.UNAVAILABLE])}"
            )
        if blocked[Rule.REJECTED]:
            parts.append(
                f"{len(blocked[Rule.REJECTED])} rejected for them by a manager while they wait: "
                f"{_names(blocked[Rule.REJECTED])}"
            )
        asye = blocked[Rule.ASYE_PROTECTION]
        if asye:
            parts.append(
                f"{len(asye)} ASYE(s) may not hold this protected case without a protecting "
                f"co-worker, and none is available: {_names(asye)}"
            )
        if asye_with_room:
            rule = Rule.ASYE_PROTECTION  # there is room, but only with ASYEs
        elif full:
            rule = Rule.ROOM
        elif blocked[Rule.REJECTED]:
            rule = Rule.REJECTED
        elif blocked[Rule.ASYE_PROTECTION] and not blocked[Rule.UNAVAILABLE]:
            rule = Rule.ASYE_PROTECTION
        else:
            rule = Rule.UNAVAILABLE
        prefix = {
            Rule.ASYE_PROTECTION: "only ASYEs have room",
            Rule.ROOM: "no eligible worker has room",
            Rule.REJECTED: "the workers who could take them were rejected by a manager",
        }.get(rule, "no worker may take them")
        return rule.value, f"{prefix}: " + "; ".join(parts)
