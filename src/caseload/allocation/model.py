"""The CP-SAT model of one independent group of units and workers, and its goals.

``x[u, w] = 1`` when unit ``u`` goes to worker ``w`` (only pairs passing the hard rules on their
own). Each unit goes to at most one worker; each worker's new cases and points fit their room.
``level[w]`` is the worker's utilisation in whole percent after allocation, rounded up: the higher
of cases / case cap and points / points cap.

Each goal has a linear expression for the model, a ``value`` function that measures any allocation
the same way, and the range its value can take. The coverage goals (one per priority class) are
merged into one objective with weights that make the order exact: each class's weight is larger
than the whole range of every class after it, so no gain later can pay for a loss earlier. When
the weights would grow too large for exact arithmetic, the classes are solved one by one."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ortools.sat.python import cp_model

from caseload.allocation.problem import POINTS_SCALE, Problem, Unit, Worker

PERCENT = 100
SPREAD_STEP = 5  # percent: the spread penalty bends at every 5% of utilisation
WAIT_CAP_DAYS = 365
EXACT_LIMIT = 2**52  # merged objectives stay below this, so the solver's arithmetic is exact
BALANCE_TOLERANCE = 0.005  # spread and experience stop within 0.5% of what is left to gain

Assignment = dict[str, int]  # unit key -> worker id


def utilisation_percent(worker: Worker, cases: int, points: int) -> int:
    """Utilisation in whole percent, rounded up: the higher of the two ratios."""
    values = [0]
    if worker.cap_cases > 0:
        values.append(math.ceil(PERCENT * cases / worker.cap_cases))
    if worker.cap_points > 0:
        values.append(math.ceil(PERCENT * points / worker.cap_points))
    return max(values)


def _count_of_rank(unit: Unit, rank: int) -> int:
    return sum(1 for child in unit.children if child.priority == rank)


def spread_excess(load: int, cap: int) -> int:
    """How far ``load`` goes past every 5% step of ``cap``, summed (in hundredths of the cap's
    unit): convex, so each case costs more the fuller a worker is, and in proportion to the cap,
    so one case on a part-timer (a bigger step in utilisation) costs more than on a full-timer."""
    if cap <= 0:
        return 0
    return sum(max(0, PERCENT * load - step * cap) for step in range(0, PERCENT, SPREAD_STEP))


@dataclass
class Goal:
    """One goal: ``expression`` in the model, ``value`` of any allocation, and its range."""

    name: str
    maximise: bool
    expression: cp_model.LinearExprT
    value: Callable[[Assignment], int]
    low: int
    high: int
    tolerance: float = 0.0  # stop within this share of the value still to gain (0: prove it)
    reference: int | None = None  # gaps are measured from here (default: 0, or the ideal low)

    @property
    def gap_reference(self) -> int:
        """Counts (maximised) measure gaps against their value; penalties (minimised, or merged
        into a maximised negative) against the value the allocation can change."""
        if self.reference is not None:
            return self.reference
        return 0 if self.maximise else self.low

    @property
    def proven_at(self) -> int:
        """The value that proves the goal optimal when reached."""
        return self.high if self.maximise else self.low


def merge(name: str, goals: list[Goal], tolerance: float = 0.0) -> list[Goal]:
    """Goals in order as one exact weighted goal (maximised), or as they are if too large."""
    if len(goals) < 2:
        return goals
    weights: list[int] = []
    weight = 1
    for goal in reversed(goals):
        weights.append(weight)
        weight *= goal.high - goal.low + 1
    weights.reverse()
    if weight >= EXACT_LIMIT:
        return goals
    signs = [1 if goal.maximise else -1 for goal in goals]
    expression = sum(
        sign * w * goal.expression for sign, w, goal in zip(signs, weights, goals, strict=True)
    )

    def value(assignment: Assignment) -> int:
        return sum(
            sign * w * goal.value(assignment)
            for sign, w, goal in zip(signs, weights, goals, strict=True)
        )

    high = sum(
        w * (goal.high if goal.maximise else -goal.low)
        for w, goal in zip(weights, goals, strict=True)
    )
    low = sum(
        w * (goal.low if goal.maximise else -goal.high)
        for w, goal in zip(weights, goals, strict=True)
    )
    reference = high if any(not goal.maximise for goal in goals) else 0
    return [Goal(name, True, expression, value, low, high, tolerance, reference)]


class GroupModel:
    """Variables and constraints of one group; goals are built when their stage comes."""

    def __init__(self, problem: Problem, units: list[Unit], pairs: dict[str, list[int]]) -> None:
        self.problem = problem
        self.units = units
        self.by_key = {unit.key: unit for unit in units}
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.taken: dict[int, list[tuple[Unit, cp_model.IntVar]]] = defaultdict(list)
        for unit in units:
            choices = []
            for worker_id in pairs[unit.key]:
                var = self.model.new_bool_var(f"x[{unit.key},{worker_id}]")
                self.x[unit.key, worker_id] = var
                self.taken[worker_id].append((unit, var))
                choices.append(var)
            self.model.add_at_most_one(choices)
        self.workers = [problem.worker(w) for w in sorted(self.taken)]
        for worker in self.workers:
            mine = self.taken[worker.worker_id]
            self.model.add(sum(unit.cases * var for unit, var in mine) <= worker.room_cases)
            self.model.add(sum(unit.points * var for unit, var in mine) <= worker.room_points)
        self._level: dict[int, cp_model.IntVar] = {}
        self.alike = self._break_symmetry(pairs)

    def _break_symmetry(self, pairs: dict[str, list[int]]) -> list[list[Unit]]:
        """Units alike in everything but their wait are interchangeable for every goal except
        waiting, which prefers the longer wait. So the longer-waiting one is placed whenever the
        other is, with a worker listed no later: one of many equal answers, found faster."""
        alike: dict[tuple[object, ...], list[Unit]] = defaultdict(list)
        for unit in self.units:
            shape = (
                tuple(pairs[unit.key]),
                unit.sibling_workers,
                tuple(
                    sorted(
                        (
                            c.priority,
                            c.points,
                            c.complexity,
                            c.protected,
                            c.known_workers,
                            c.co_workers,
                        )
                        for c in unit.children
                    )
                ),
            )
            alike[shape].append(unit)
        chains = []
        for units in alike.values():
            if len(units) < 2:
                continue
            units.sort(key=lambda u: (-u.days_waiting, u.key))
            order = {w: index + 1 for index, w in enumerate(pairs[units[0].key])}
            for first, second in itertools.pairwise(units):
                placed_first = sum(self.x[first.key, w] for w in order)
                placed_second = sum(self.x[second.key, w] for w in order)
                self.model.add(placed_first >= placed_second)
                rank_first = sum(i * self.x[first.key, w] for w, i in order.items())
                rank_second = sum(i * self.x[second.key, w] for w, i in order.items())
                big = len(order)
                self.model.add(rank_first - rank_second + big * placed_second <= big)
            chains.append(units)
        return chains

    def canonical(self, assignment: Assignment) -> Assignment:
        """The same allocation with alike units reordered to meet the symmetry constraints."""
        result = dict(assignment)
        for units in self.alike:
            order = {w: i for i, (key, w) in enumerate(k for k in self.x if k[0] == units[0].key)}
            given = sorted(
                (result[u.key] for u in units if u.key in result), key=lambda w: order[w]
            )
            for unit in units:
                result.pop(unit.key, None)
            for unit, worker_id in zip(units, given, strict=False):
                result[unit.key] = worker_id
        return result

    def loads(self, assignment: Assignment) -> dict[int, tuple[int, int]]:
        """Each worker's cases and points under an allocation."""
        added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for unit in self.units:
            worker_id = assignment.get(unit.key)
            if worker_id is not None:
                added[worker_id][0] += unit.cases
                added[worker_id][1] += unit.points
        return {
            w.worker_id: (w.cases + added[w.worker_id][0], w.points + added[w.worker_id][1])
            for w in self.workers
        }

    def levels(self, assignment: Assignment) -> dict[int, int]:
        """Each worker's utilisation percent under an allocation."""
        return {
            worker_id: utilisation_percent(self.problem.worker(worker_id), cases, points)
            for worker_id, (cases, points) in self.loads(assignment).items()
        }

    def stages(self) -> list[Callable[[], list[Goal]]]:
        """The goals in lexicographic order, grouped into stages, each built on demand."""
        return [
            lambda: merge("coverage", self._coverage()),
            lambda: [self._waiting()],
            self._continuity,
            lambda: [self._highest()],
            lambda: merge(
                "spread and experience",
                [self._spread(), *self._experience()],
                BALANCE_TOLERANCE,
            ),
        ]

    def _linear(
        self, name: str, weights: dict[tuple[str, int], int], maximise: bool, high: int
    ) -> Goal:
        def value(assignment: Assignment) -> int:
            return sum(weights.get((key, worker_id), 0) for key, worker_id in assignment.items())

        expression = sum(weight * self.x[pair] for pair, weight in weights.items())
        return Goal(name, maximise, expression, value, 0, high)

    def _per_unit(self, score: Callable[[Unit], int], name: str) -> Goal:
        weights = {(key, w): score(self.by_key[key]) for key, w in self.x}
        weights = {pair: n for pair, n in weights.items() if n}
        high = sum(score(unit) for unit in self.units)
        return self._linear(name, weights, True, high)

    def _coverage(self) -> list[Goal]:
        """Children placed in each priority class, most urgent class first."""
        ranks = sorted({child.priority for unit in self.units for child in unit.children})
        return [
            self._per_unit(partial(_count_of_rank, rank=rank), f"coverage {rank}") for rank in ranks
        ]

    def _waiting(self) -> Goal:
        """Days waited by the children placed (to a year each): older waits first."""
        return self._per_unit(
            lambda unit: sum(min(c.days_waiting, WAIT_CAP_DAYS) for c in unit.children),
            "waiting",
        )

    def _continuity(self) -> list[Goal]:
        kept: dict[tuple[str, int], int] = {}
        best: dict[str, int] = defaultdict(int)
        for key, worker_id in self.x:
            known = sum(1 for c in self.by_key[key].children if worker_id in c.known_workers)
            if known:
                kept[key, worker_id] = known
                best[key] = max(best[key], known)
        if not kept:
            return []
        return [self._linear("continuity", kept, True, sum(best.values()))]

    def _experience(self) -> list[Goal]:
        mismatch: dict[tuple[str, int], int] = {}
        worst: dict[str, int] = defaultdict(int)
        for key, worker_id in self.x:
            level = self.problem.worker(worker_id).level
            distance = sum(abs(c.complexity - level) for c in self.by_key[key].children)
            if distance:
                mismatch[key, worker_id] = distance
                worst[key] = max(worst[key], distance)
        if not mismatch:
            return []
        goal = self._linear("experience", mismatch, False, sum(worst.values()))
        goal.tolerance = BALANCE_TOLERANCE
        return [goal]

    def level(self, worker: Worker) -> cp_model.IntVar:
        """The worker's utilisation percent after allocation, as a model variable."""
        if worker.worker_id not in self._level:
            mine = self.taken[worker.worker_id]
            cases = worker.cases + sum(unit.cases * var for unit, var in mine)
            points = worker.points + sum(unit.points * var for unit, var in mine)
            base = utilisation_percent(worker, worker.cases, worker.points)
            var = self.model.new_int_var(base, max(base, PERCENT), f"level[{worker.worker_id}]")
            if worker.cap_cases > 0:
                self.model.add(worker.cap_cases * var >= PERCENT * cases)
            if worker.cap_points > 0:
                self.model.add(worker.cap_points * var >= PERCENT * points)
            self._level[worker.worker_id] = var
        return self._level[worker.worker_id]

    def _highest(self) -> Goal:
        floor = max((utilisation_percent(w, w.cases, w.points) for w in self.workers), default=0)
        top = self.model.new_int_var(floor, max(floor, PERCENT), "highest")
        for worker in self.workers:
            self.model.add(top >= self.level(worker))

        def value(assignment: Assignment) -> int:
            return max(self.levels(assignment).values(), default=0)

        return Goal("highest utilisation", False, top, value, floor, max(floor, PERCENT))

    def _spread(self) -> Goal:
        """Sum over workers and over every 5% step of how far their cases, and their points, go
        past that step of their cap. Convex in each worker's load, and in proportion to their
        cap, so it evens out utilisation rather than case counts."""
        terms: list[cp_model.LinearExprT] = []
        low = high = 0
        for worker in self.workers:
            mine = self.taken[worker.worker_id]
            loads = (
                (worker.cases, worker.cap_cases, POINTS_SCALE, [(u.cases, v) for u, v in mine]),
                (worker.points, worker.cap_points, 1, [(u.points, v) for u, v in mine]),
            )
            for base, cap, scale, added in loads:
                if cap <= 0:
                    continue
                load = base + sum(size * var for size, var in added)
                low += scale * spread_excess(base, cap)
                high += scale * spread_excess(max(base, cap), cap)
                for step in range(0, PERCENT, SPREAD_STEP):
                    if PERCENT * base >= step * cap:  # always past this step: exactly linear
                        terms.append(scale * (PERCENT * load - step * cap))
                        continue
                    excess = self.model.new_int_var(
                        0, PERCENT * cap, f"excess[{worker.worker_id},{scale},{step}]"
                    )
                    self.model.add(excess >= PERCENT * load - step * cap)
                    terms.append(scale * excess)

        def value(assignment: Assignment) -> int:
            total = 0
            loads = self.loads(assignment)
            for worker in self.workers:
                cases, points = loads[worker.worker_id]
                total += POINTS_SCALE * spread_excess(cases, worker.cap_cases)
                total += spread_excess(points, worker.cap_points)
            return total

        return Goal("spread", False, sum(terms), value, low, high, BALANCE_TOLERANCE)
