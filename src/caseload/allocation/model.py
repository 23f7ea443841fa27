"""The CP-SAT model of one independent group of kinds and workers, and its goals.

``n[k, w]`` is how many units of kind ``k`` (:mod:`caseload.allocation.kinds`) worker ``w`` takes,
for the pairs that pass the hard rules on their own; ``p[k, i] = 1`` when the ``i``-th
longest-waiting unit of the kind is placed (``p[k, i] >= p[k, i + 1]``, and the ``p`` of a kind
add up to its ``n``). Each worker's new cases and points fit their room. The highest-utilisation
goal is a variable ``highest`` with ``cap * highest >= 100 * load`` for each worker's cases and
points (utilisation in whole percent, rounded up). For the spread goal each worker's new load is
also written in unary steps (:class:`Steps`), so the convex penalty is linear in them.

Each goal has a linear expression for the model, a ``value`` function that measures any allocation
(as counts) the same way, and the range its value can take. The coverage goals (one per priority
class) are merged into one objective with weights that make the order exact: each class's weight
is larger than the whole range of every class after it, so no gain later can pay for a loss
earlier. When the weights would grow too large for exact arithmetic, the classes are solved one by
one."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import reduce

from ortools.sat.python import cp_model

from caseload.allocation.kinds import Counts, Kind, placed_in
from caseload.allocation.problem import POINTS_SCALE, Problem, Worker

PERCENT = 100
SPREAD_STEP = 5  # percent: the spread penalty bends at every 5% of utilisation
EXACT_LIMIT = 2**52  # merged objectives stay below this, so the solver's arithmetic is exact

Assignment = dict[str, int]  # unit key -> worker id
CASES, POINTS = "cases", "points"


@dataclass(frozen=True)
class Steps:
    """One measure of a worker's load (cases, or points in steps of ``unit`` hundredths) in
    unary form: ``flags[i]`` is true when the worker takes at least ``i + 1`` steps on top of
    ``base`` (``flags[i + 1]`` implies ``flags[i]``)."""

    measure: str
    base: int
    cap: int
    unit: int
    flags: list[cp_model.IntVar]


def utilisation_percent(worker: Worker, cases: int, points: int) -> int:
    """Utilisation in whole percent, rounded up: the higher of the two ratios."""
    values = [0]
    if worker.cap_cases > 0:
        values.append(math.ceil(PERCENT * cases / worker.cap_cases))
    if worker.cap_points > 0:
        values.append(math.ceil(PERCENT * points / worker.cap_points))
    return max(values)


def spread_excess(load: int, cap: int) -> int:
    """How far ``load`` goes past every 5% step of ``cap``, summed (in hundredths of the cap's
    unit): convex, so each case costs more the fuller a worker is, and in proportion to the cap,
    so one case on a part-timer (a bigger step in utilisation) costs more than on a full-timer."""
    if cap <= 0:
        return 0
    return sum(max(0, PERCENT * load - step * cap) for step in range(0, PERCENT, SPREAD_STEP))


def spread_of(worker: Worker, cases: int, points: int) -> int:
    """A worker's spread penalty at a load: cases (weighted as a point each) and points."""
    return POINTS_SCALE * spread_excess(cases, worker.cap_cases) + spread_excess(
        points, worker.cap_points
    )


@dataclass
class Goal:
    """One goal: ``expression`` in the model, ``value`` of any allocation, and its range."""

    name: str
    maximise: bool
    expression: cp_model.LinearExprT
    value: Callable[[Counts], int]
    low: int
    high: int
    parts: tuple[Goal, ...] = ()  # the goals merged into this one, in order

    @property
    def proven_at(self) -> int:
        """The value that proves the goal optimal when reached."""
        return self.high if self.maximise else self.low


def merge(name: str, goals: list[Goal]) -> list[Goal]:
    """Goals in order as one exact weighted goal (maximised) named ``name``, or as they are if
    too large."""
    if len(goals) == 1:
        return [replace(goals[0], name=name)]
    if not goals:
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

    def value(counts: Counts) -> int:
        return sum(
            sign * w * goal.value(counts)
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
    return [Goal(name, True, expression, value, low, high, tuple(goals))]


class GroupModel:
    """Variables and constraints of one group; goals are built when their stage comes."""

    def __init__(self, problem: Problem, kinds: Sequence[Kind]) -> None:
        self.problem = problem
        self.kinds = list(kinds)
        self.model = cp_model.CpModel()
        self.n: dict[tuple[int, int], cp_model.IntVar] = {}
        self.p: dict[int, list[cp_model.IntVar]] = {}
        self.most: dict[tuple[int, int], int] = {}  # the most units of a kind a worker may take
        self.taken: dict[int, list[tuple[Kind, cp_model.IntVar]]] = defaultdict(list)
        unit = reduce(math.gcd, (kind.points for kind in kinds), 0) or 1
        self.point_step = unit
        for kind in self.kinds:
            for worker_id in kind.workers:
                worker = problem.worker(worker_id)
                most = min(
                    kind.size,
                    worker.room_cases // kind.cases,
                    worker.room_points // kind.points if kind.points else kind.size,
                )
                var = self.model.new_int_var(0, most, f"n[{kind.index},{worker_id}]")
                self.n[kind.index, worker_id] = var
                self.most[kind.index, worker_id] = most
                self.taken[worker_id].append((kind, var))
            placed = sum(self.n[kind.index, w] for w in kind.workers)
            if len(set(kind.waits)) > 1:
                flags = [self.model.new_bool_var(f"p[{kind.index},{i}]") for i in range(kind.size)]
                for first, second in itertools.pairwise(flags):
                    self.model.add_implication(second, first)
                self.model.add(sum(flags) == placed)
                self.p[kind.index] = flags
            else:
                self.model.add(placed <= kind.size)
        self.workers = [problem.worker(w) for w in sorted(self.taken)]
        for worker in self.workers:
            mine = self.taken[worker.worker_id]
            self.model.add(sum(kind.cases * var for kind, var in mine) <= worker.room_cases)
            if any(kind.points for kind, _ in mine):
                self.model.add(
                    sum((kind.points // unit) * var for kind, var in mine)
                    <= worker.room_points // unit
                )
        self._steps: dict[int, list[Steps]] = {}

    def placed(self, kind: Kind) -> cp_model.LinearExprT:
        return sum(self.n[kind.index, w] for w in kind.workers)

    def loads(self, counts: Counts) -> dict[int, tuple[int, int]]:
        """Each worker's cases and points under an allocation."""
        added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for (index, worker_id), number in counts.items():
            kind = self.kinds_by_index[index]
            added[worker_id][0] += number * kind.cases
            added[worker_id][1] += number * kind.points
        return {
            w.worker_id: (w.cases + added[w.worker_id][0], w.points + added[w.worker_id][1])
            for w in self.workers
        }

    @property
    def kinds_by_index(self) -> dict[int, Kind]:
        found: dict[int, Kind] | None = self.__dict__.get("_kinds_by_index")
        if found is None:
            found = {kind.index: kind for kind in self.kinds}
            self.__dict__["_kinds_by_index"] = found
        return found

    def hint(self, counts: Counts) -> None:
        """Start the next solve from this allocation."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for (index, worker_id), var in self.n.items():
            self.model.add_hint(var, counts.get((index, worker_id), 0))
        for index, flags in self.p.items():
            number = placed_in(self.kinds_by_index[index], counts)
            for i, flag in enumerate(flags):
                self.model.add_hint(flag, i < number)
        if self._steps:
            loads = self.loads(counts)
            for worker_id, measures in self._steps.items():
                cases, points = loads[worker_id]
                for steps in measures:
                    load = cases if steps.measure == CASES else points
                    taken = (load - steps.base) // steps.unit
                    for i, flag in enumerate(steps.flags):
                        self.model.add_hint(flag, i < taken)

    def stages(self) -> list[Callable[[], list[Goal]]]:
        """The goals in lexicographic order, grouped into stages, each built on demand."""
        return [
            lambda: merge("coverage", self._coverage()),
            lambda: [self._waiting()],
            self._continuity,
            lambda: [self._highest()],
            lambda: merge("spread and experience", [self._spread(), *self._experience()]),
        ]

    def _linear(
        self, name: str, weights: dict[tuple[int, int], int], high: int, maximise: bool
    ) -> Goal:
        def value(counts: Counts) -> int:
            return sum(weight * counts.get(pair, 0) for pair, weight in weights.items())

        expression = sum(weight * self.n[pair] for pair, weight in weights.items())
        return Goal(name, maximise, expression, value, 0, high)

    def _coverage(self) -> list[Goal]:
        """Children placed in each priority class, most urgent class first."""
        ranks = sorted({rank for kind in self.kinds for rank in kind.ranks})
        goals = []
        for rank in ranks:
            weights = {
                (kind.index, w): kind.ranks[rank]
                for kind in self.kinds
                if rank in kind.ranks
                for w in kind.workers
            }
            high = sum(kind.size * kind.ranks.get(rank, 0) for kind in self.kinds)
            goals.append(self._linear(f"coverage {rank}", weights, high, True))
        return goals

    def _waiting(self) -> Goal:
        """Days waited by the children placed (to a year each): longer waits first."""
        terms: list[cp_model.LinearExprT] = []
        for kind in self.kinds:
            waits = kind.waits
            if kind.index in self.p:
                terms.extend(
                    wait * flag for wait, flag in zip(waits, self.p[kind.index], strict=True)
                )
            elif waits[0]:
                terms.append(waits[0] * self.placed(kind))

        def value(counts: Counts) -> int:
            return sum(sum(kind.waits[: placed_in(kind, counts)]) for kind in self.kinds)

        high = sum(sum(kind.waits) for kind in self.kinds)
        return Goal("waiting", True, sum(terms), value, 0, high)

    def _continuity(self) -> list[Goal]:
        weights = {
            (kind.index, w): number for kind in self.kinds for w, number in kind.known.items()
        }
        if not weights:
            return []
        high = sum(kind.size * max(kind.known.values()) for kind in self.kinds if kind.known)
        return [self._linear("continuity", weights, high, True)]

    def _experience(self) -> list[Goal]:
        weights: dict[tuple[int, int], int] = {}
        worst = 0
        for kind in self.kinds:
            distances = {
                w: sum(abs(c - self.problem.worker(w).level) for c in kind.complexities)
                for w in kind.workers
            }
            weights.update({(kind.index, w): d for w, d in distances.items() if d})
            worst += kind.size * max(distances.values())
        if not weights:
            return []
        return [self._linear("experience", weights, worst, False)]

    def steps(self, worker: Worker) -> list[Steps]:
        """The worker's new load in unary ("order") form, built once, for cases and for points
        (each with a cap): any function of a load is then linear in the flags, its value at the
        present load plus its rise at each further step taken. For a convex function (the spread
        penalty) the linear relaxation of that sum is exact, which is what lets the solver prove
        the spread stage quickly."""
        found = self._steps.get(worker.worker_id)
        if found is not None:
            return found
        mine = [
            (kind, self.most[kind.index, worker.worker_id], var)
            for kind, var in self.taken[worker.worker_id]
        ]
        step = self.point_step
        measures = (
            (CASES, worker.cases, worker.cap_cases, 1, [(k.cases, most, v) for k, most, v in mine]),
            (
                POINTS,
                worker.points,
                worker.cap_points,
                step,
                [(k.points // step, most, v) for k, most, v in mine],
            ),
        )
        found = []
        for measure, base, cap, unit, added in measures:
            if cap <= 0:
                continue
            reach = sum(size * most for size, most, _ in added)
            count = min(max(cap - base, 0) // unit, reach)
            flags = [
                self.model.new_bool_var(f"{measure}[{worker.worker_id},{i}]") for i in range(count)
            ]
            for lower, higher in itertools.pairwise(flags):
                self.model.add_implication(higher, lower)
            self.model.add(sum(size * var for size, _, var in added) == sum(flags))
            found.append(Steps(measure, base, cap, unit, flags))
        self._steps[worker.worker_id] = found
        return found

    def rises(
        self, worker: Worker, cost: Callable[[str, int, int], int]
    ) -> list[cp_model.LinearExprT]:
        """``cost(measure, load, cap)`` of the worker's cases and of their points after
        allocation, each linear in the worker's steps."""
        terms: list[cp_model.LinearExprT] = []
        for steps in self.steps(worker):
            before = cost(steps.measure, steps.base, steps.cap)
            parts: list[cp_model.LinearExprT] = [before]
            for number, flag in enumerate(steps.flags, start=1):
                after = cost(steps.measure, steps.base + number * steps.unit, steps.cap)
                if after != before:
                    parts.append((after - before) * flag)
                before = after
            terms.append(sum(parts))
        return terms

    def _highest(self) -> Goal:
        floor = max((utilisation_percent(w, w.cases, w.points) for w in self.workers), default=0)
        top = self.model.new_int_var(floor, max(floor, PERCENT), "highest")
        for worker in self.workers:
            mine = self.taken[worker.worker_id]
            if worker.cap_cases > 0:
                cases = worker.cases + sum(kind.cases * var for kind, var in mine)
                self.model.add(worker.cap_cases * top >= PERCENT * cases)
            if worker.cap_points > 0:
                points = worker.points + sum(kind.points * var for kind, var in mine)
                self.model.add(worker.cap_points * top >= PERCENT * points)

        def value(counts: Counts) -> int:
            return max(
                (
                    utilisation_percent(self.problem.worker(w), cases, points)
                    for w, (cases, points) in self.loads(counts).items()
                ),
                default=0,
            )

        return Goal("highest utilisation", False, top, value, floor, max(floor, PERCENT))

    def _spread(self) -> Goal:
        """Sum over workers and over every 5% step of how far their cases, and their points, go
        past that step of their cap. Convex in each worker's load, and in proportion to their
        cap, so it evens out utilisation rather than case counts."""
        terms: list[cp_model.LinearExprT] = []
        low = high = 0
        for worker in self.workers:
            low += spread_of(worker, worker.cases, worker.points)
            high += spread_of(
                worker, max(worker.cases, worker.cap_cases), max(worker.points, worker.cap_points)
            )
            terms.extend(self.rises(worker, _spread_cost))

        def value(counts: Counts) -> int:
            loads = self.loads(counts)
            return sum(spread_of(worker, *loads[worker.worker_id]) for worker in self.workers)

        return Goal("spread", False, sum(terms), value, low, high)


def _spread_cost(measure: str, load: int, cap: int) -> int:
    scale = POINTS_SCALE if measure == CASES else 1
    return scale * spread_excess(load, cap)
