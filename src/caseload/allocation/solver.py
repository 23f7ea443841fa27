"""The optimiser: OR-Tools CP-SAT, solving the goals one after another (lexicographically).

The model (:mod:`caseload.allocation.model`) holds the hard rules. It decides how many units of
each *kind* (alike units, :mod:`caseload.allocation.kinds`) each worker takes, not which unit:
units alike in everything but their wait are interchangeable for every goal, and the longest
waiting of a kind always go first, so counting them loses nothing and spares the solver the
symmetry between them. The goals, in order; after each stage the model keeps what it achieved
(``>=`` its value for a maximum, ``<=`` for a minimum), so a later goal can never undo an earlier
one:

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
   and its worker's experience, as small as possible.

Each worker's load enters the spread goal in unary steps (:meth:`GroupModel.steps`): the
penalty's value at the present load plus its rise at each step taken. The penalty is convex, so
the linear relaxation is exact at every load and a team's spread stage is proven in milliseconds.
After a merged stage each of its goals is kept on its own (never the merged weights).

Kinds split into independent groups (no eligible worker in common), each solved on its own, side
by side on up to ``MAX_LANES`` processors (each solve single-threaded; groups share nothing, so the
answer does not depend on the lanes unless a solve reaches the time limit). The
stages run across all groups in turn, so every group's first goals are settled before any
group's later ones; each stage has a share of the time limit, divided between groups by size.
A group larger than ``joint_limit`` kind-worker pairs (children who may go to any team of a
service area, or anywhere, in a large council) is first split by routing each such child to one
team (a min-cost flow, see :mod:`caseload.allocation.routing`); every team is then solved exactly,
and its stages report ``routed`` rather than ``optimal``: proven for the teams as routed, not for
the council as a whole.

Every stage starts from the best allocation so far (first, the greedy allocation of whole sibling
units), so a stage cut short by the time limit still returns an allocation at least as good as the
one before on that goal; its status is then ``feasible`` with its gap to the solver's bound, or
``kept`` when no solve finished. A stage whose starting allocation already reaches the best
possible value is proven without a solve. A final pass places any unit that still fits with any
eligible worker, so a child is left waiting only when no eligible worker has room.

Each solve is single-threaded and seeded, so the same data gives the same recommendations when
no stage hits the time limit."""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.greedy import greedy
from caseload.allocation.kinds import Counts, Kind, assignment_of, counts_of, kinds_of
from caseload.allocation.model import Assignment, Goal, GroupModel, utilisation_percent
from caseload.allocation.problem import Problem
from caseload.allocation.routing import route

OPTIMAL, ROUTED, FEASIBLE, KEPT = "optimal", "routed", "feasible", "kept"
JOINT_LIMIT = 1500
# Shares of the time limit by stage: coverage, waiting, continuity, highest utilisation, and
# spread with experience (each stage also inherits what earlier ones left unused).
STAGE_WEIGHTS = (3, 1, 1, 2, 4)
STAGE_NAMES = (
    "coverage",
    "waiting",
    "continuity",
    "highest utilisation",
    "spread and experience",
)
MIN_SOLVE_SECONDS = 0.25  # a group may run past its share this long (capped by the limit)
MAX_LANES = 4
_WORST = {OPTIMAL: 0, ROUTED: 1, FEASIBLE: 2, KEPT: 3}


@dataclass(frozen=True)
class Stage:
    """One goal's solves, summed over the independent groups."""

    name: str
    # optimal (proven) | routed (proven for the teams children were routed to) | feasible
    # (stopped by the time limit with a gap) | kept (no solve finished in time)
    status: str
    objective: float
    bound: float
    seconds: float
    low: float = 0.0  # where the gap is measured from: 0 for counts, the ideal for penalties

    @property
    def gap(self) -> float:
        """Distance between the value reached and the solver's bound, relative to the part of
        the value the allocation can change (0 when proven)."""
        if self.status in (OPTIMAL, ROUTED):
            return 0.0
        return abs(self.bound - self.objective) / max(abs(self.objective - self.low), 1.0)

    @property
    def solver_gap(self) -> float:
        """The solver's own relative gap, ``|objective - bound| / |objective|``, as CP-SAT and most
        solvers report it (looser than :attr:`gap` for penalties far from zero)."""
        if self.status in (OPTIMAL, ROUTED):
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
        """A technical summary for the command line and JSON: 'every goal proven optimal', or
        each goal's status (with the gap of those stopped by the time limit)."""
        if self.optimal:
            return "every goal proven optimal"
        parts = []
        for stage in self.stages:
            text = f"{stage.name} {stage.status}"
            if stage.status in (FEASIBLE, KEPT):
                text += f" (gap {100 * stage.gap:.2f}%)"
            parts.append(text)
        return "; ".join(parts)

    def plain(self) -> str:
        """How far the recommendations can be trusted, in a manager's words."""
        statuses = {stage.status for stage in self.stages}
        if statuses <= {OPTIMAL}:
            return "These are the best recommendations the rules allow, checked in full."
        if statuses <= {OPTIMAL, ROUTED}:
            return (
                "These are the best recommendations for each team, once the children who could go "
                "to several teams were shared out between them."
            )
        return (
            "These recommendations keep every rule, but the time allowed ran out before they "
            "could be checked as the best possible."
        )


def _low(goal: Goal) -> int:
    """Where a goal's gap is measured from: 0 for counts, the ideal for penalties."""
    return 0 if goal.maximise else goal.low


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
            self.low[name] = max(self.low[name], _low(goal))
        else:
            self.objective[name] += objective
            self.bound[name] += bound
            self.low[name] += _low(goal)
        self.seconds[name] += seconds

    def stages(self) -> tuple[Stage, ...]:
        for name in STAGE_NAMES:  # a stage with nothing to decide is settled
            self.status.setdefault(name, OPTIMAL)
        names = sorted(
            self.status,
            key=lambda name: (
                next(i for i, stage in enumerate(STAGE_NAMES) if name.startswith(stage)),
                name,
            ),
        )
        return tuple(
            Stage(
                name,
                status,
                self.objective[name],
                self.bound[name],
                round(self.seconds[name], 3),
                self.low[name],
            )
            for name in names
            for status in (self.status[name],)
        )


def groups_of(kinds: Sequence[Kind]) -> list[list[Kind]]:
    """Kinds connected through a shared eligible worker."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(item: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for kind in kinds:
        for worker_id in kind.workers:
            parent[find(("kind", kind.index))] = find(("worker", worker_id))
    grouped: dict[tuple[str, int], list[Kind]] = defaultdict(list)
    for kind in kinds:
        grouped[find(("kind", kind.index))].append(kind)
    return sorted(grouped.values(), key=lambda group: group[0].index)


def _solve_goal(
    group: GroupModel,
    goal: Goal,
    incumbent: Counts,
    seconds: float,
    threads: int,
) -> tuple[Counts, str, float]:
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
    group.hint(incumbent)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = threads
    solver.parameters.random_seed = 0
    # Measured on team-sized models: probing costs more than it saves, and the extra cuts of
    # linearization level 2 close the small knapsack gaps sooner.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return incumbent, KEPT, float(goal.proven_at)
    found = {pair: int(solver.value(var)) for pair, var in group.n.items() if solver.value(var)}
    value = goal.value(found)
    better = value >= before if goal.maximise else value <= before
    chosen = found if better else incumbent
    # The solver's bound is a float, and may miss a large whole-number objective by a rounding
    # error: its own verdict decides. (The incumbent is a solution of the model, so a proven
    # optimum is never worse than it.)
    if status == cp_model.OPTIMAL:
        return chosen, OPTIMAL, float(goal.value(chosen))
    return chosen, FEASIBLE, float(solver.best_objective_bound)


@dataclass(frozen=True)
class _Solved:
    goal: Goal
    status: str
    achieved: int
    bound: float
    seconds: float


class _Shares:
    """Each group's share of a stage's time, claimed as the group starts: the time left in the
    stage in proportion to the group's size among the groups not started yet, times the lanes
    solving side by side (time a group leaves unused passes on to the ones after it)."""

    def __init__(self, stage_end: float, finish: float, sizes: list[int], lanes: int) -> None:
        self.stage_end = stage_end
        self.finish = finish
        self.sizes = sizes
        self.lanes = lanes
        self.left = sum(sizes)
        self.lock = threading.Lock()

    def allowance(self, number: int) -> float:
        with self.lock:
            now = time.perf_counter()
            part = min(1.0, self.lanes * self.sizes[number] / max(self.left, 1))
            self.left -= self.sizes[number]
            share = max(self.stage_end - now, 0.0) * part
            return min(max(share, MIN_SOLVE_SECONDS), max(self.finish - now, 0.0))


def default_lanes() -> int:
    """Groups solved side by side: one per processor, at most ``MAX_LANES``."""
    return max(1, min(os.cpu_count() or 1, MAX_LANES))


def _fix(group: GroupModel, goal: Goal, counts: Counts) -> None:
    """Keep what a goal achieved while later goals are solved: each merged goal on its own, so
    the model never carries the merged goal's large weights as a constraint."""
    if goal.parts:
        for part in goal.parts:
            _fix(group, part, counts)
        return
    achieved = goal.value(counts)
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
    lanes: int | None = None,
) -> SolveResult:
    """Recommend a worker for as many units as the rules and goals allow. ``threads``: CP-SAT
    workers per solve (1 keeps answers reproducible); ``lanes``: independent groups solved side
    by side (default: one per processor, at most four). Groups share nothing, so the answer is
    the same whatever the lanes, unless a solve is cut short by the time limit."""
    started = time.perf_counter()
    eligibility = Eligibility(problem)
    pairs = eligibility.eligible_pairs(problem.units)
    routed: dict[str, int] = {}
    for connected in groups_of(kinds_of(problem.units, pairs)):
        if sum(len(kind.workers) for kind in connected) > joint_limit:
            units = [unit for kind in connected for unit in kind.units]
            routed.update(route(units, pairs, eligibility))
    for key, team in routed.items():
        pairs[key] = [w for w in pairs[key] if problem.worker(w).team_id == team]
    kinds = kinds_of(problem.units, pairs)
    start = greedy_assignment(problem)
    counts = counts_of(kinds, start)
    # Smallest groups first: time they leave unused passes on to the larger ones.
    ordered = sorted(
        groups_of(kinds),
        key=lambda found: (sum(len(kind.workers) for kind in found), found[0].index),
    )
    groups = [GroupModel(problem, found) for found in ordered]
    incumbents = [{pair: n for pair, n in counts.items() if pair in group.n} for group in groups]
    stages = [group.stages() for group in groups]
    crossed = [
        any(unit.key in routed for kind in group.kinds for unit in kind.units) for group in groups
    ]
    sizes = [len(group.n) for group in groups]
    finish = started + time_limit
    tally = _Tally()
    lanes = max(1, min(lanes if lanes is not None else default_lanes(), len(groups)))
    with ThreadPoolExecutor(lanes) if lanes > 1 else nullcontext() as pool:
        for index, weight in enumerate(STAGE_WEIGHTS):
            remaining = max(finish - time.perf_counter(), 0.0)
            shares = _Shares(
                time.perf_counter() + remaining * weight / sum(STAGE_WEIGHTS[index:]),
                finish,
                sizes,
                lanes,
            )

            def run(number: int, index: int = index, shares: _Shares = shares) -> list[_Solved]:
                allowance = shares.allowance(number)
                solved = []
                for goal in stages[number][index]():
                    began = time.perf_counter()
                    incumbent, status, bound = _solve_goal(
                        groups[number], goal, incumbents[number], allowance, threads
                    )
                    if status == OPTIMAL and crossed[number]:
                        status = ROUTED
                    _fix(groups[number], goal, incumbent)
                    incumbents[number] = incumbent
                    solved.append(
                        _Solved(
                            goal, status, goal.value(incumbent), bound, time.perf_counter() - began
                        )
                    )
                return solved

            numbers = range(len(groups))
            outcomes = list(pool.map(run, numbers)) if pool is not None else map(run, numbers)
            for solved in outcomes:  # in group order, whatever order they finished in
                for one in solved:
                    tally.add(one.goal, one.status, one.achieved, one.bound, one.seconds)
    assignment: Assignment = {}
    for group, incumbent in zip(groups, incumbents, strict=True):
        assignment.update(assignment_of(group.kinds, incumbent))
    repaired = fill(problem, eligibility, assignment)
    return SolveResult(
        assignment=assignment,
        stages=tally.stages(),
        seconds=time.perf_counter() - started,
        groups=len(groups),
        repaired=repaired,
        routed=routed,
    )


def greedy_assignment(problem: Problem) -> Assignment:
    """The greedy allocation of whole sibling units, by unit key."""
    first = greedy(problem, keep_siblings=True)
    return {
        unit.key: first[unit.children[0].child_id]
        for unit in problem.units
        if unit.children[0].child_id in first
    }


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
