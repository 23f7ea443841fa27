"""Kinds: units of children that every goal treats alike, counted rather than listed.

Two units are of one kind when they have the same eligible workers and children alike in every
respect a goal or rule reads (priority, points, complexity, protection, the workers who know them
or co-work them); they may differ only in how long they have waited. The optimiser then decides
how many units of each kind each worker takes (a whole number), not which unit: for every goal
but waiting, units of a kind are interchangeable, and for waiting the best choice among them is
always the longest-waiting first. So the model has one variable per kind and worker instead of one
per unit and worker, and none of the symmetry between alike units a solver would otherwise have to
explore to prove its answer.

A kind's units are kept longest-waiting first (then by key), and an allocation by counts turns
back into an allocation of units in that order, to workers in the order of their ids: the same
counts always give the same recommendations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from caseload.allocation.problem import Unit

WAIT_CAP_DAYS = 365

Assignment = dict[str, int]  # unit key -> worker id
Counts = dict[tuple[int, int], int]  # (kind index, worker id) -> units of the kind the worker takes


def unit_wait(unit: Unit) -> int:
    """Days waited by the unit's children, each to a year: what the waiting goal adds up."""
    return sum(min(child.days_waiting, WAIT_CAP_DAYS) for child in unit.children)


@dataclass(frozen=True)
class Kind:
    """Alike units (longest-waiting first) and the workers eligible for them."""

    index: int
    units: tuple[Unit, ...]
    workers: tuple[int, ...]
    cases: int
    points: int
    ranks: dict[int, int]  # priority class -> children of that class in one unit
    # worker -> children in one unit who know them (held or co-worked them in the last year)
    known: dict[int, int] = field(default_factory=dict)
    complexities: tuple[int, ...] = ()

    @property
    def size(self) -> int:
        return len(self.units)

    @property
    def waits(self) -> list[int]:
        return [unit_wait(unit) for unit in self.units]


def _signature(unit: Unit, eligible: Sequence[int]) -> tuple[object, ...]:
    return (
        tuple(eligible),
        tuple(
            sorted(
                (c.priority, c.points, c.complexity, c.protected, c.known_workers, c.co_workers)
                for c in unit.children
            )
        ),
    )


def kinds_of(units: Sequence[Unit], pairs: dict[str, list[int]]) -> list[Kind]:
    """The units with at least one eligible worker, grouped into kinds (in a stable order)."""
    alike: dict[tuple[object, ...], list[Unit]] = defaultdict(list)
    for unit in units:
        if pairs[unit.key]:
            alike[_signature(unit, pairs[unit.key])].append(unit)
    kinds: list[Kind] = []
    for members in sorted(alike.values(), key=lambda found: min(u.key for u in found)):
        members.sort(key=lambda u: (-unit_wait(u), u.key))
        first = members[0]
        ranks: dict[int, int] = defaultdict(int)
        known: dict[int, int] = defaultdict(int)
        for child in first.children:
            ranks[child.priority] += 1
            for worker_id in set(child.known_workers):
                known[worker_id] += 1
        eligible = tuple(pairs[first.key])
        kinds.append(
            Kind(
                index=len(kinds),
                units=tuple(members),
                workers=eligible,
                cases=first.cases,
                points=first.points,
                ranks=dict(ranks),
                known={w: n for w, n in known.items() if w in eligible},
                complexities=tuple(c.complexity for c in first.children),
            )
        )
    return kinds


def counts_of(kinds: Sequence[Kind], assignment: Assignment) -> Counts:
    """An allocation of units as counts per kind and worker."""
    counts: Counts = defaultdict(int)
    for kind in kinds:
        for unit in kind.units:
            worker_id = assignment.get(unit.key)
            if worker_id is not None:
                counts[kind.index, worker_id] += 1
    return dict(counts)


def placed_in(kind: Kind, counts: Counts) -> int:
    return sum(counts.get((kind.index, w), 0) for w in kind.workers)


def assignment_of(kinds: Sequence[Kind], counts: Counts) -> Assignment:
    """Counts back as units: each kind's longest-waiting units first, to its workers in id order."""
    assignment: Assignment = {}
    for kind in kinds:
        queue = iter(kind.units)
        for worker_id in sorted(kind.workers):
            for _ in range(counts.get((kind.index, worker_id), 0)):
                assignment[next(queue).key] = worker_id
    return assignment
