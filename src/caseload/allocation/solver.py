"""The optimiser: OR-Tools CP-SAT, solving the goals one after another (lexicographically).

The model (:mod:`caseload.allocation.model`) holds the hard rules. The goals, in order; after each
stage the model keeps what it achieved (``>=`` its value for a maximum, ``<=`` for a minimum), so a
later goal can never undo an earlier one:

1. coverage: as many children as possible of the most urgent priority class, then of the next,
   and so on (one stage, with exact lexicographic weights);
2. waiting: among those, the children who have waited longest (total days waited, to a year each);
3. continuity: as many children as possible with a worker who held or co-worked them in the last
   12 months;
4. highest utilisation: the largest utilisation among the workers who could take any of the
   units, as low as possible;
5. spread, then experience (one stage, exact lexicographic weights): the sum over those workers
   of how far their cases and points go past every 5% step of their caps, as low as possible (a
   convex penalty that makes one heavy worker cost more than two moderate ones, so utilisation
   evens out across full- and part-timers); then the distance between each case's complexity
   and its worker's experience, as small as possible. This last stage stops once it is within
   0.5% of the best possible (of what is left to gain): these are tie-breaks, and proving them
   exactly can take longer than everything before.

Units split into independent groups (no eligible worker in common), each solved on its own. The
stages run across all groups in turn, so every group's first goals are settled before any
group's later ones; each stage has a share of the time limit, divided between groups by size.
A group larger than ``joint_limit`` pairs (children who may go to any team of a service area, or
anywhere) is first split by routing each such child to one team (a min-cost flow, see
:mod:`caseload.allocation.routing`), so every team is then solved exactly.

Every stage starts from the best allocation so far (first, the greedy allocation of whole sibling
units), so a stage cut short by the time limit still returns an allocation at least as good as the
one before; its gap to the solver's bound is reported. A stage whose starting allocation already
reaches the best possible value is proven without a solve. A final pass places any unit that
still fits with any eligible worker, so a child is left waiting only when no eligible worker has
room.

Each solve is single-threaded by default, so the same data gives the same recommendations when
no stage hits the time limit."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.greedy import greedy
from caseload.allocation.model import Assignment, Goal, GroupModel, utilisation_percent
from caseload.allocation.problem import Problem, Unit
from caseload.allocation.routing import route

OPTIMAL, FEASIBLE, KEPT = "optimal", "feasible", "kept"
JOINT_LIMIT = 3000
# Shares of the time limit by stage: coverage, waiting, continuity, highest utilisation, and
# spread with experience (each stage also inherits what earlier ones left unused).
STAGE_WEIGHTS = (3, 1, 1, 1, 5)
MIN_SOLVE_SECONDS = 0.05
_WORST = {OPTIMAL: 0, FEASIBLE: 1, KEPT: 2}


@dataclass(frozen=True)
class Stage:
    """One goal's solves, summed over the independent groups."""

    name: str
    status: str  # optimal | feasible (stopped with a gap) | kept (no solve finished in time)
    objective: float
    bound: float
    seconds: float
    low: float = 0.0  # where the gap is measured from: 0 for counts, the ideal for penalties

    @property
    def gap(self) -> float:
        """Distance between the value reached and the solver's bound, relative to the part of
        the value the allocation can change (0 when proven)."""
        if self.status == OPTIMAL:
            return 0.0
        return abs(self.bound - self.objective) / max(abs(self.objective - self.low), 1.0)

    @property
    def solver_gap(self) -> float:
        """The solver's own relative gap, ``|objective - bound| / |objective|``, as CP-SAT and most
        solvers report it (looser than :attr:`gap` for penalties far from zero)."""
        if self.status == OPTIMAL:
            return 0.0
        return abs(self.bound - self.objective) / max(abs(self.objective), 1.0)


@dataclass(frozen=True)
class SolveResult:
    assignment: Assignment
    stages: tuple[Stage, ...]
    seconds: float
    groups: int
    repaired: int = 0
    routed: dict[str, int] = field(default_factory=dict)  # unit key -> team routed to

    @property
    def optimal(self) -> bool:
        return all(stage.status == OPTIMAL for stage in self.stages)

    @property
    def gap(self) -> float:
        return max((stage.gap for stage in self.stages), default=0.0)

    def summary(self) -> str:
        """'every goal proven optimal', or which goals were and the largest gap."""
        if self.optimal:
            return "every goal proven optimal"
        proven = [stage.name for stage in self.stages if stage.status == OPTIMAL]
        worst = max(self.stages, key=lambda stage: stage.gap)
        first = f"{', '.join(proven)} proven optimal; " if proven else ""
        return (
            f"{first}stopped within {100 * worst.gap:.2f}% of the best possible on {worst.name} "
            "(time limit or the balance tolerance)"
        )


@dataclass
class _Tally:
    """Stage results summed over groups, keeping the worst status."""

    status: dict[str, str] = field(default_factory=dict)
    objective: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    bound: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    low: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, goal: Goal, status: str, objective: float, bound: float, seconds: float) -> None:
        name = goal.name
        if _WORST[status] >= _WORST[self.status.get(name, OPTIMAL)]:
            self.status[name] = status
        if name == "highest utilisation":  # the council's highest is the highest of any group
            self.objective[name] = max(self.objective[name], objective)
            self.bound[name] = max(self.bound[name], bound)
            self.low[name] = max(self.low[name], goal.gap_reference)
        else:
            self.objective[name] += objective
            self.bound[name] += bound
            self.low[name] += goal.gap_reference
        self.seconds[name] += seconds

    def stages(self) -> tuple[Stage, ...]:
        return tuple(
            Stage(
                name,
                status,
                self.objective[name],
                self.bound[name],
                round(self.seconds[name], 3),
                self.low[name],
            )
            for name, status in self.status.items()
        )


def groups_of(units: Sequence[Unit], pairs: dict[str, list[int]]) -> list[list[Unit]]:
    """Units connected through a shared eligible worker (units with none are left out)."""
    parent: dict[tuple[str, object], tuple[str, object]] = {}

    def find(item: tuple[str, object]) -> tuple[str, object]:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for unit in units:
        for worker_id in pairs[unit.key]:
            parent[find(("unit", unit.key))] = find(("worker", worker_id))
    grouped: dict[tuple[str, object], list[Unit]] = defaultdict(list)
    for unit in units:
        if pairs[unit.key]:
            grouped[find(("unit", unit.key))].append(unit)
    return sorted(grouped.values(), key=lambda group: group[0].key)


def _solve_goal(
    group: GroupModel,
    goal: Goal,
    incumbent: Assignment,
    seconds: float,
    threads: int,
) -> tuple[Assignment, str, float]:
    """Improve ``incumbent`` on one goal; returns the allocation, status and bound."""
    before = goal.value(incumbent)
    if before == goal.proven_at:
        return incumbent, OPTIMAL, float(before)
    if seconds < 0.005:
        return incumbent, KEPT, float(goal.proven_at)
    model = group.model
    if goal.maximise:
        model.maximize(goal.expression)
    else:
        model.minimize(goal.expression)
    model.clear_hints()  # type: ignore[no-untyped-call]
    for (key, worker_id), var in group.x.items():
        model.add_hint(var, incumbent.get(key) == worker_id)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = threads
    solver.parameters.random_seed = 0
    if goal.tolerance:
        room = abs(before - (goal.low if not goal.maximise else goal.high))
        solver.parameters.absolute_gap_limit = max(goal.tolerance * room, 0.5)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return incumbent, KEPT, float(goal.proven_at)
    found = {key: w for (key, w), var in group.x.items() if solver.boolean_value(var)}
    value = goal.value(found)
    better = value >= before if goal.maximise else value <= before
    chosen = found if better else incumbent
    bound = float(solver.best_objective_bound)
    proven = status == cp_model.OPTIMAL and bound == goal.value(chosen)
    return chosen, OPTIMAL if proven else FEASIBLE, bound


def _fix(group: GroupModel, goal: Goal, achieved: int) -> None:
    """Keep what a goal achieved while later goals are solved."""
    if goal.maximise:
        group.model.add(goal.expression >= achieved)
    else:
        group.model.add(goal.expression <= achieved)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    threads: int = 1,
    joint_limit: int = JOINT_LIMIT,
) -> SolveResult:
    """Recommend a worker for as many units as the rules and goals allow. ``threads``: CP-SAT
    workers per solve (1 keeps answers reproducible)."""
    started = time.perf_counter()
    eligibility = Eligibility(problem)
    pairs = eligibility.eligible_pairs(problem.units)
    routed: dict[str, int] = {}
    for connected in groups_of(problem.units, pairs):
        if sum(len(pairs[unit.key]) for unit in connected) > joint_limit:
            routed.update(route(connected, pairs, eligibility))
    for key, team in routed.items():
        pairs[key] = [w for w in pairs[key] if problem.worker(w).team_id == team]
    first = greedy(problem, keep_siblings=True)
    start = {
        unit.key: first[unit.children[0].child_id]
        for unit in problem.units
        if unit.children[0].child_id in first
    }
    # Smallest groups first: time they leave unused passes on to the larger ones.
    ordered = sorted(
        groups_of(problem.units, pairs),
        key=lambda units: (sum(len(pairs[unit.key]) for unit in units), units[0].key),
    )
    groups = [GroupModel(problem, units, pairs) for units in ordered]
    incumbents = [
        group.canonical({key: w for key, w in start.items() if (key, w) in group.x})
        for group in groups
    ]
    stages = [group.stages() for group in groups]
    sizes = [len(group.x) for group in groups]
    finish = started + time_limit
    tally = _Tally()
    # Stage by stage across all groups, so every group's first goals are settled before any
    # group's later ones: the time left is shared by stage weight, then by group size.
    for index, weight in enumerate(STAGE_WEIGHTS):
        stage_time = max(finish - time.perf_counter(), 0.0) * weight / sum(STAGE_WEIGHTS[index:])
        stage_end = time.perf_counter() + stage_time
        left = sum(sizes)
        for number, group in enumerate(groups):
            share = max(stage_end - time.perf_counter(), 0.0) * sizes[number] / max(left, 1)
            allowance = min(max(share, MIN_SOLVE_SECONDS), max(finish - time.perf_counter(), 0))
            left -= sizes[number]
            for goal in stages[number][index]():
                began = time.perf_counter()
                incumbent, status, bound = _solve_goal(
                    group, goal, incumbents[number], allowance, threads
                )
                achieved = goal.value(incumbent)
                _fix(group, goal, achieved)
                incumbents[number] = incumbent
                tally.add(goal, status, achieved, bound, time.perf_counter() - began)
    assignment: Assignment = {}
    for incumbent in incumbents:
        assignment.update(incumbent)
    repaired = fill(problem, eligibility, assignment)
    return SolveResult(
        assignment=assignment,
        stages=tally.stages(),
        seconds=time.perf_counter() - started,
        groups=len(groups),
        repaired=repaired,
        routed=routed,
    )


def fill(problem: Problem, eligibility: Eligibility, assignment: Assignment) -> int:
    """Place any unit that still fits with an eligible worker (possible only when a stage was
    cut short): most urgent first, to the least-loaded eligible worker with room."""
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit in problem.units:
        worker_id = assignment.get(unit.key)
        if worker_id is not None:
            added[worker_id][0] += unit.cases
            added[worker_id][1] += unit.points
    placed = 0
    for unit in sorted(problem.units, key=lambda u: (u.priority, -u.days_waiting, u.key)):
        if unit.key in assignment:
            continue
        options = []
        for worker in eligibility.candidates(unit):
            cases, points = added[worker.worker_id]
            if eligibility.blocked(unit, worker) is None and eligibility.fits(
                unit, worker, cases, points
            ):
                after = utilisation_percent(
                    worker, worker.cases + cases + unit.cases, worker.points + points + unit.points
                )
                options.append((after, worker.worker_id))
        if options:
            _, worker_id = min(options)
            assignment[unit.key] = worker_id
            added[worker_id][0] += unit.cases
            added[worker_id][1] += unit.points
            placed += 1
    return placed
