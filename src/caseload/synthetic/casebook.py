"""The state of allocation: who can hold cases where, what each holds, and the operations that
change it (allocating, releasing, co-working). :mod:`caseload.synthetic.allocation` drives it.

Workers are chosen from a heap per service area keyed on load relative to cap; a change in a
worker's load pushes a fresh entry and stale ones are skipped when popped.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from caseload.domain import Role, WorkerChangeReason
from caseload.synthetic.demand import CP, STATUS_NAMES
from caseload.synthetic.establishment import AREA_OF_STATUS, Area, Establishment
from caseload.synthetic.presets import PresetPath
from caseload.synthetic.records import SpellRec
from caseload.synthetic.sizing import Demand

CAPS: dict[Role, float] = {
    Role.ASYE: 15.0,
    Role.SOCIAL_WORKER: 20.0,
    Role.SENIOR_SOCIAL_WORKER: 20.0,
    Role.ADVANCED_PRACTITIONER: 12.0,
}
MENTORS = (Role.ADVANCED_PRACTITIONER, Role.SENIOR_SOCIAL_WORKER)
LEFT = WorkerChangeReason.LEFTRL.value
ABSENT = WorkerChangeReason.ABSENC.value
TRANSFER = WorkerChangeReason.TSPROC.value
MANAGE = WorkerChangeReason.MANAGE.value

STATUS_AREA: tuple[Area, ...] = tuple(AREA_OF_STATUS[name] for name in STATUS_NAMES)


@dataclass(slots=True)
class Row:
    """An allocation row (``role`` ``allocated`` or ``co_worker``)."""

    child: int
    worker: int
    role: str
    start: int
    end: int | None = None
    reason: str | None = None


@dataclass(slots=True)
class Holder:
    """A worker able to hold cases, in one service area."""

    area: Area
    team: int
    role: Role
    cap: float
    load: int = 0
    children: dict[int, Row] = field(default_factory=dict)
    co_working: dict[int, Row] = field(default_factory=dict)
    away_until: int = -1
    absent: bool = False


class CaseBook:
    """Holders, their cases and the waiting queue (day numbers throughout)."""

    def __init__(self, demand: Demand, est: Establishment, path: PresetPath) -> None:
        self.demand = demand
        self.est = est
        self.path = path
        self.rows: list[Row] = []
        self.holders: dict[int, Holder] = {}
        self.pool: dict[Area, dict[int, None]] = {area: {} for area in Area}
        self.heap: dict[Area, list[tuple[float, int, int]]] = {area: [] for area in Area}
        self.stamp: dict[int, int] = defaultdict(int)
        self.allocated: dict[int, Row] = {}
        self.co_row: dict[int, Row] = {}
        self.queue: dict[int, tuple[Area, int]] = {}
        self.status_now: dict[int, int] = {}
        self.court: dict[int, int] = defaultdict(int)
        self.unsupported: set[int] = set()
        self.family_of: list[int] = demand.family.tolist()
        self.siblings: dict[int, list[int]] = defaultdict(list)
        for child, family in enumerate(self.family_of):
            self.siblings[family].append(child)

    def _area(self, spell: SpellRec) -> Area:
        return self.est.team(spell.team_id).area

    def _add_holder(self, worker: int, spell: SpellRec) -> None:
        area = self._area(spell)
        holder = Holder(area, spell.team_id, spell.role, CAPS[spell.role] * spell.fte)
        self.holders[worker] = holder
        self.pool[area][worker] = None
        self._touch(worker)

    def _remove_holder(self, worker: int, day: int, reason: str) -> None:
        holder = self.holders[worker]
        self.pool[holder.area].pop(worker, None)
        self._release_all(holder, day, reason)
        del self.holders[worker]

    def _release_all(self, holder: Holder, day: int, reason: str) -> None:
        for child in list(holder.children):
            self._release(child, day, reason)
            self.queue[child] = (STATUS_AREA[self.status_now[child]], day)
        for child, row in list(holder.co_working.items()):
            self._end(row, day, reason)
            del holder.co_working[child]
            self.co_row.pop(child, None)
            self._support(child, day)

    def _sensitive(self, children: list[int]) -> bool:
        """Whether any of the children has a CP plan or is in care proceedings."""
        return any(self.status_now.get(c) == CP or self.court[c] > 0 for c in children)

    def _touch(self, worker: int) -> None:
        """Record a change in the worker's load, cap or availability."""
        self.stamp[worker] += 1
        holder = self.holders.get(worker)
        if holder is not None and worker in self.pool[holder.area]:
            entry = (holder.load / holder.cap, worker, self.stamp[worker])
            heapq.heappush(self.heap[holder.area], entry)

    def _choose(
        self, area: Area, count: int, sensitive: bool, day: int, limit: float
    ) -> int | None:
        """The least-loaded eligible worker in the area (lowest load relative to cap) if they can
        take ``count`` more cases without going above ``limit`` times their cap."""
        heap = self.heap[area]
        pool = self.pool[area]
        skipped: list[tuple[float, int, int]] = []
        chosen = None
        while heap:
            _, worker, stamp = heap[0]
            if self.stamp[worker] != stamp or worker not in pool:
                heapq.heappop(heap)
                continue
            holder = self.holders[worker]
            if holder.away_until >= day or (sensitive and holder.role == Role.ASYE):
                skipped.append(heapq.heappop(heap))
                continue
            if (holder.load + count) / holder.cap <= limit + 1e-9:
                chosen = worker
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return chosen

    def _sibling_worker(
        self, children: list[int], area: Area, sensitive: bool, day: int, limit: float
    ) -> int | None:
        for sibling in self.siblings.get(self.family_of[children[0]], ()):
            row = self.allocated.get(sibling)
            if row is None or row.worker not in self.pool[area]:
                continue
            holder = self.holders[row.worker]
            if holder.away_until >= day or (sensitive and holder.role == Role.ASYE):
                continue
            if (holder.load + len(children)) / holder.cap <= limit:
                return row.worker
        return None

    def _allocate(self, child: int, worker: int, day: int) -> None:
        row = Row(child, worker, "allocated", day)
        self.rows.append(row)
        self.allocated[child] = row
        holder = self.holders[worker]
        holder.children[child] = row
        holder.load += 1
        self._touch(worker)
        self.queue.pop(child, None)
        self._support(child, day)

    def _release(self, child: int, day: int, reason: str | None) -> None:
        """End the child's allocation (and any co-working) on ``day - 1``."""
        row = self.allocated.pop(child)
        holder = self.holders[row.worker]
        del holder.children[child]
        holder.load -= 1
        self._touch(row.worker)
        self._end(row, day, reason)
        co = self.co_row.pop(child, None)
        if co is not None:
            self._end(co, day, None if reason is None else MANAGE)
            self.holders[co.worker].co_working.pop(child, None)

    @staticmethod
    def _end(row: Row, day: int, reason: str | None) -> None:
        row.end = day - 1
        row.reason = reason

    def _support(self, child: int, day: int) -> None:
        """Add or end co-working so an ASYE never holds a CP or court case alone."""
        row = self.allocated.get(child)
        needs = (
            row is not None
            and self.holders[row.worker].role == Role.ASYE
            and self._sensitive([child])
        )
        co = self.co_row.get(child)
        self.unsupported.discard(child)
        if co is not None and not needs:
            self._end(co, day, MANAGE)
            self.holders[co.worker].co_working.pop(child, None)
            del self.co_row[child]
        elif co is None and needs and row is not None:
            holder = self.holders[row.worker]
            candidates = [
                w
                for w in self.pool[holder.area]
                if self.holders[w].role in MENTORS and self.holders[w].away_until < day
            ]
            if not candidates:
                self.unsupported.add(child)
                return
            mentor = min(
                candidates,
                key=lambda w: (
                    self.holders[w].team != holder.team,
                    self.holders[w].role != Role.ADVANCED_PRACTITIONER,
                    len(self.holders[w].co_working),
                    w,
                ),
            )
            co = Row(child, mentor, "co_worker", day)
            self.rows.append(co)
            self.co_row[child] = co
            self.holders[mentor].co_working[child] = co

    def _ratio(self, worker: int) -> float:
        holder = self.holders[worker]
        return holder.load / holder.cap
