"""The hard rules: who may take a unit of children at all.

In the order they are checked (the first one broken is the reason given):

1. ``unavailable``: the worker must be in post in a case-holding role, not absent, not leaving the
   role or starting a long absence within the policy's window, and not the worker whose caseload is
   moving;
   ``rejected``: nor a worker a manager rejected for one of the children while they have been
   waiting this time (the rejection is recorded with its reason; a new wait starts afresh);
2. ``siblings``: when a sibling already has a worker, the unit goes to that worker;
3. ``team``: a child stays in their home team (a sibling's worker's team; else their last worker's
   team when it handles the case type; else the teams of the service areas that handle it) unless
   the policy allows cross-team allocation; children with no home team may go anywhere;
4. ``asye_protection``: an ASYE takes a protected case (child protection, proceedings) only with a
   co-worker in a protecting role: one already co-working the child, or one available in the
   ASYE's team;
5. ``room``: the unit's cases and points fit under the worker's caps.

Rules 1-4 depend only on the unit and worker; rule 5 also on what else the worker is given."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from enum import Enum

from caseload.allocation.problem import Child, Problem, Unit, Worker


class Rule(str, Enum):
    UNAVAILABLE = "unavailable"
    REJECTED = "rejected"
    SIBLINGS = "siblings"
    TEAM = "team"
    ASYE_PROTECTION = "asye_protection"
    ROOM = "room"


class Eligibility:
    """Indexes over a problem answering which rules a worker breaks for a unit."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.by_team: dict[int | None, list[Worker]] = defaultdict(list)
        self.protectors: dict[int | None, list[Worker]] = defaultdict(list)
        self.available_protectors: set[int] = set()
        for worker in problem.workers:
            self.by_team[worker.team_id].append(worker)
            if worker.protecting and worker.unavailable is None:
                self.protectors[worker.team_id].append(worker)
                self.available_protectors.add(worker.worker_id)

    def candidates(self, unit: Unit) -> list[Worker]:
        """Workers the siblings and team rules leave open for the unit."""
        if unit.sibling_workers:
            return [self.problem.worker(w) for w in unit.sibling_workers]
        if self.problem.allow_cross_team or not unit.home_team_ids:
            return list(self.problem.workers)
        return [w for team in unit.home_team_ids for w in self.by_team.get(team, [])]

    def blocked(self, unit: Unit, worker: Worker) -> Rule | None:
        """The first of rules 1-4 the worker breaks for the unit, or None."""
        if worker.unavailable is not None:
            return Rule.UNAVAILABLE
        if worker.worker_id in unit.rejected_workers:
            return Rule.REJECTED
        if unit.sibling_workers and worker.worker_id not in unit.sibling_workers:
            return Rule.SIBLINGS
        if (
            not unit.sibling_workers
            and not self.problem.allow_cross_team
            and unit.home_team_ids
            and worker.team_id not in unit.home_team_ids
        ):
            return Rule.TEAM
        if worker.role == "asye" and any(
            child.protected and not self.co_workers_for(child, worker) for child in unit.children
        ):
            return Rule.ASYE_PROTECTION
        return None

    def fits(self, unit: Unit, worker: Worker, cases: int = 0, points: int = 0) -> bool:
        """Rule 5, given ``cases`` and ``points`` already added to the worker."""
        return (
            unit.cases + cases <= worker.room_cases and unit.points + points <= worker.room_points
        )

    def co_workers_for(self, child: Child, worker: Worker) -> list[Worker]:
        """Protecting co-workers for an ASYE's protected child: those already co-working it, else
        the available protecting workers in the ASYE's team (fewest co-worked cases first)."""
        existing = [w for w in child.co_workers if w in self.available_protectors]
        if existing:
            return [self.problem.worker(w) for w in existing]
        team = [
            w for w in self.protectors.get(worker.team_id, []) if w.worker_id != worker.worker_id
        ]
        return sorted(team, key=lambda w: (w.co_working, w.worker_id))

    def eligible_pairs(self, units: Sequence[Unit]) -> dict[str, list[int]]:
        """For each unit, the workers passing every rule on their own (room before allocation)."""
        return {
            unit.key: [
                worker.worker_id
                for worker in self.candidates(unit)
                if self.blocked(unit, worker) is None and self.fits(unit, worker)
            ]
            for unit in units
        }

    def single(self, child: Child, unit: Unit) -> Unit:
        """A child on their own, as a unit keeping the home team but not the siblings rule (what a
        child-by-child allocation sees)."""
        return Unit(
            key=f"child:{child.child_id}",
            children=(child,),
            home_team_ids=unit.home_team_ids,
            home_team=unit.home_team,
            home_from=unit.home_from,
        )
