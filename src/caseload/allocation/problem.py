"""The allocation problem: children waiting (in sibling units that must go to one worker), the
workers who might take them with the room they have, and the policy's boundaries.

Quantities are whole numbers so the optimiser is exact: points are in hundredths and capacity is
the whole number of cases (and hundredths of points) below the cap x FTE."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

POINTS_SCALE = 100

# Experience and complexity levels, compared by the "match complexity to experience" goal.
LEVEL_NAMES = ("newly qualified", "experienced", "senior")
COMPLEXITY_NAMES = ("lower", "standard", "high")


@dataclass(frozen=True)
class Worker:
    """A worker who might receive children, with their load before this allocation."""

    worker_id: int
    staff_number: str
    name: str
    role: str
    team_id: int | None
    team: str | None
    fte: float
    level: int
    cases: int
    points: int
    cap_cases: int
    cap_points: int
    unavailable: str | None = None
    protecting: bool = False
    co_working: int = 0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.staff_number})"

    @property
    def room_cases(self) -> int:
        return self.cap_cases - self.cases

    @property
    def room_points(self) -> int:
        return self.cap_points - self.points

    def utilisation(self, cases: int, points: int) -> float | None:
        """The higher of cases / case cap and points / points cap at a given load."""
        ratios = [load / cap for load, cap in ((cases, self.cap_cases), (points, self.cap_points))]
        valid = [
            ratio
            for ratio, cap in zip(ratios, (self.cap_cases, self.cap_points), strict=True)
            if cap > 0
        ]
        return max(valid) if valid else None


@dataclass(frozen=True)
class Child:
    """A child to allocate."""

    child_id: int
    child_ref: str
    case_type: str | None
    proceedings: str | None
    points: int
    protected: bool
    priority: int
    days_waiting: int
    complexity: int
    sibling_group: str | None = None
    known_workers: tuple[int, ...] = ()
    co_workers: tuple[int, ...] = ()


@dataclass(frozen=True)
class Unit:
    """Children who must go to one worker: a child, or siblings waiting together. When a sibling
    already has a worker, ``sibling_workers`` lists who, and the unit must go to one of them.
    ``home_team_ids`` are the teams the unit belongs to (none: any team); ``home_from`` says why
    (``sibling``, ``last worker`` or ``case type``)."""

    key: str
    children: tuple[Child, ...]
    home_team_ids: tuple[int, ...] = ()
    home_team: str | None = None
    home_from: str | None = None
    sibling_workers: tuple[int, ...] = ()
    rejected_workers: tuple[int, ...] = ()  # workers a manager rejected for these children

    @property
    def cases(self) -> int:
        return len(self.children)

    @property
    def points(self) -> int:
        return sum(child.points for child in self.children)

    @property
    def priority(self) -> int:
        return min(child.priority for child in self.children)

    @property
    def days_waiting(self) -> int:
        return max(child.days_waiting for child in self.children)

    @property
    def protected(self) -> bool:
        return any(child.protected for child in self.children)

    @property
    def refs(self) -> str:
        return ", ".join(child.child_ref for child in self.children)


@dataclass(frozen=True)
class Problem:
    """Units to place and candidate workers. ``moving_worker`` is set when planning the move of
    one worker's caseload (their cases are the units)."""

    day: date
    units: tuple[Unit, ...]
    workers: tuple[Worker, ...]
    allow_cross_team: bool
    leaving_window_days: int
    co_worker_roles: frozenset[str] = field(default_factory=frozenset)
    moving_worker: int | None = None

    def worker(self, worker_id: int) -> Worker:
        return self._by_id[worker_id]

    @property
    def _by_id(self) -> dict[int, Worker]:
        cached: dict[int, Worker] | None = self.__dict__.get("_index")
        if cached is None:
            cached = {worker.worker_id: worker for worker in self.workers}
            object.__setattr__(self, "_index", cached)
        return cached

    def unit_of(self, child_id: int) -> Unit:
        index: dict[int, Unit] | None = self.__dict__.get("_units")
        if index is None:
            index = {child.child_id: unit for unit in self.units for child in unit.children}
            object.__setattr__(self, "_units", index)
        return index[child_id]
