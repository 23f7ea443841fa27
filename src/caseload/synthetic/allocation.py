"""Allocating children to workers, day by day.

Rules:

- Every open status is a case and needs one allocated worker in the service area that handles it
  (assessment: front door; CIN and CP: child in need and protection; CLA: children in care; care
  leaver: care leavers), from a case-holding role, in post and not absent.
- The least-loaded eligible worker is chosen (load relative to their cap: ASYE 15, social worker
  and senior 20, advanced practitioner 12, times FTE). Siblings needing allocation together in an
  area go to one worker, and to the worker already holding a sibling there when possible.
- A case is not given to anyone above their cap; it waits unallocated until someone has room or,
  after ``breach_after_days``, goes to the least-loaded worker up to ``overflow`` times their cap.
- ASYEs are never newly given a child protection or court (care proceedings) case. When a case an
  ASYE already holds becomes one, an advanced practitioner or senior in the area co-works it
  (``co_worker`` rows) for as long as needed.
- A case stays with its worker across status changes within an area (CIN to CP and back); moving
  to another area ends the allocation the day before (``TSPROC``) and the case is reallocated.
- When a worker stops holding cases (leaves, or moves to a non-case-holding role or another
  area), their allocations end on their last day (``LEFTRL``); a long absence (maternity, or
  sickness of 20+ working days, from its 6th day) ends them the day before (``ABSENC``). Closed
  cases end with no reason.
- Each Monday caseloads in each area are rebalanced (``MANAGE``): sibling groups move from
  workers above their cap, or far above the area's lightest, to the lightest.
- From ``hold_new_from`` (when set) children never allocated before are not allocated: they wait
  for the next allocation meeting. Children who had a worker are still reallocated.

A handover on day ``d`` ends the old row on ``d - 1`` and starts the new one on ``d``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from caseload.domain import Role
from caseload.synthetic.casebook import (
    ABSENT,
    CAPS,
    LEFT,
    MANAGE,
    STATUS_AREA,
    TRANSFER,
    CaseBook,
    Row,
)
from caseload.synthetic.days import weekday
from caseload.synthetic.establishment import Area, Establishment
from caseload.synthetic.presets import PresetPath
from caseload.synthetic.records import AbsenceRec, SpellRec
from caseload.synthetic.sizing import Demand
from caseload.synthetic.timeline import Event, build_timeline

MOVES_PER_WEEK = 12


class Allocator(CaseBook):
    """Runs the allocation rules over ``start..end`` (day numbers)."""

    def __init__(
        self,
        demand: Demand,
        spells: list[SpellRec],
        absences: list[AbsenceRec],
        est: Establishment,
        path: PresetPath,
        start: int,
        end: int,
        rng: np.random.Generator,
        *,
        hold_new_from: int | None = None,
    ) -> None:
        super().__init__(demand, est, path)
        self.start = start
        self.end = end
        self.rng = rng
        self.hold_new_from = hold_new_from
        self._ever_allocated: set[int] = set()
        self.timeline = build_timeline(demand, spells, absences, start, end)
        self.spells = self.timeline.spells
        self.court.update(self.timeline.court)
        self._continued: set[int] = set()

    def run(self) -> list[Row]:
        self._initial()
        by_event = {
            Event.SPELL_ENDED: self._spell_ended,
            Event.SPELL_STARTED: self._spell_started,
            Event.ABSENCE_STARTS: self._absence_starts,
            Event.ABSENCE_ENDS: self._absence_ends,
            Event.SHORT_ABSENCE: self._short_absence,
            Event.STATUS_CLOSED: self._status_closed,
            Event.STATUS_CHANGED: self._status_changed,
            Event.STATUS_OPENED: self._status_opened,
            Event.COURT: self._court,
        }
        handlers = [by_event[event] for event in sorted(Event)]  # indexed by the event's order
        events = self.timeline.events
        for day in range(self.start, self.end + 1):
            for order, a, b in sorted(events.get(day, ())):
                handlers[order](day, a, b)
            if self.queue:
                self._allocate_queue(day)
            for child in sorted(self.unsupported):
                self._support(child, day)
            if weekday(day) == 0:
                self._rebalance(day)
        # Spells, statuses and proceedings ending on the last day end their rows on it too.
        for order, a, b in sorted(events.get(self.end + 1, ())):
            handlers[order](self.end + 1, a, b)
        return [row for row in self.rows if row.end is None or row.end >= row.start]

    def _initial(self) -> None:
        """Holders and open cases on the day before ``start``; cases get allocations that began
        when the case entered its area, the worker started holding cases there, or a recent
        handover, whichever is latest."""
        day = self.start - 1
        since: dict[int, tuple[int, int]] = {}
        for i, spell in enumerate(self.spells):
            active = spell.start <= day and (spell.end is None or spell.end >= day)
            if active and spell.holds_cases:
                self._add_holder(spell.worker_id, spell)
                since[spell.worker_id] = self._holding_since(i)
        for worker in self.timeline.away_at_start:
            holder = self.holders.get(worker)
            if holder is not None:
                holder.absent = True
                self.pool[holder.area].pop(worker, None)
        d = self.demand
        groups: dict[tuple[int, Area], list[int]] = defaultdict(list)
        entered: dict[int, int] = {}
        current: dict[int, int] = {}
        for i in range(len(d.status_child)):
            if not int(d.status_start[i]) <= day <= int(d.status_end[i]):
                continue
            child, status = int(d.status_child[i]), int(d.status[i])
            self.status_now[child] = status
            area = STATUS_AREA[status]
            first = i
            while (
                first > 0
                and int(d.status_child[first - 1]) == child
                and int(d.status_end[first - 1]) == int(d.status_start[first]) - 1
                and STATUS_AREA[int(d.status[first - 1])] == area
            ):
                first -= 1
            entered[child] = int(d.status_start[first])
            current[child] = int(d.status_start[i])
            groups[(self.family_of[child], area)].append(child)
        overflow = self.path.at(self.start).overflow
        order = sorted(groups, key=lambda key: (min(entered[c] for c in groups[key]), key[0]))
        for key in order:
            children = groups[key]
            sensitive = self._sensitive(children)
            chosen = self._choose(key[1], len(children), sensitive, day, overflow)
            if chosen is None:
                for child in children:
                    self.queue[child] = (key[1], day)
                continue
            handover = day - int(self.rng.exponential(180.0))
            holding, asye_until = since[chosen]
            begin = max(*(entered[c] for c in children), holding, handover)
            if sensitive:
                begin = max(begin, asye_until + 1)
            elif begin <= asye_until:
                # Not back into an ASYE's year past the current status (it may have been CP).
                begin = max(begin, *(current[c] for c in children))
            for child in children:
                self._allocate(child, chosen, begin)

    def _holding_since(self, index: int) -> tuple[int, int]:
        """First day of the worker's unbroken case holding in one area up to spell ``index``,
        and the last day in it as an ASYE (or a day before it when never one)."""
        spell = self.spells[index]
        area = self._area(spell)
        first = spell.start
        asye_until = self.start - 1 if spell.role == Role.ASYE else first - 1
        while index > 0:
            before = self.spells[index - 1]
            if before.worker_id != spell.worker_id or before.end != first - 1:
                break
            if not before.holds_cases or self._area(before) != area:
                break
            if before.role == Role.ASYE:
                asye_until = max(asye_until, before.end)
            first = before.start
            index -= 1
        return first, asye_until

    def _spell_ended(self, day: int, index: int, _: int) -> None:
        spell = self.spells[index]
        worker = spell.worker_id
        holder = self.holders.get(worker)
        if holder is None:
            return
        after = self.timeline.next_spell.get(id(spell))
        if (
            after is not None
            and after.start == day
            and after.holds_cases
            and self._area(after) == holder.area
        ):
            self._continued.add(id(after))
            was_asye = holder.role == Role.ASYE
            holder.role, holder.team = after.role, after.team_id
            holder.cap = CAPS[after.role] * after.fte
            self._touch(worker)
            if was_asye and after.role != Role.ASYE:
                for child in list(holder.children):
                    self._support(child, day)
            return
        self._remove_holder(worker, day, LEFT)

    def _spell_started(self, day: int, index: int, _: int) -> None:
        spell = self.spells[index]
        if id(spell) in self._continued or not spell.holds_cases:
            return
        if spell.worker_id not in self.holders:
            self._add_holder(spell.worker_id, spell)

    def _absence_starts(self, day: int, worker: int, last: int) -> None:
        holder = self.holders.get(worker)
        if holder is None or holder.absent:
            return
        holder.absent = True
        self.pool[holder.area].pop(worker, None)
        self._release_all(holder, day, ABSENT)

    def _absence_ends(self, day: int, worker: int, _: int) -> None:
        holder = self.holders.get(worker)
        if holder is not None and holder.absent:
            holder.absent = False
            self.pool[holder.area][worker] = None
            self._touch(worker)

    def _short_absence(self, day: int, worker: int, last: int) -> None:
        holder = self.holders.get(worker)
        if holder is not None:
            holder.away_until = max(holder.away_until, last)

    def _status_closed(self, day: int, child: int, _: int) -> None:
        self.status_now.pop(child, None)
        self.queue.pop(child, None)
        if child in self.allocated:
            self._release(child, day, None)

    def _status_changed(self, day: int, child: int, status: int) -> None:
        self.status_now[child] = status
        area = STATUS_AREA[status]
        row = self.allocated.get(child)
        if row is not None:
            if self.holders[row.worker].area == area:
                self._support(child, day)
                return
            self._release(child, day, TRANSFER)
        waiting = self.queue.get(child)
        self.queue[child] = (area, waiting[1] if waiting and waiting[0] == area else day)

    def _status_opened(self, day: int, child: int, status: int) -> None:
        self.status_now[child] = status
        self.queue[child] = (STATUS_AREA[status], day)

    def _court(self, day: int, child: int, change: int) -> None:
        self.court[child] += change
        if child in self.allocated:
            self._support(child, day)

    def _allocate_queue(self, day: int) -> None:
        """Allocate waiting cases, longest waiting first, sibling groups together."""
        groups: dict[tuple[int, Area], list[int]] = defaultdict(list)
        waited: dict[tuple[int, Area], int] = {}
        family = self.family_of
        for child, (area, since) in self.queue.items():
            key = (family[child], area)
            groups[key].append(child)
            if since < waited.get(key, day + 1):
                waited[key] = since
        preset = self.path.at(day)
        holding = self.hold_new_from is not None and day >= self.hold_new_from
        # Loads only rise while the queue is worked, so once a group of ``n`` cannot be placed
        # in an area under a limit, no group of ``n`` or more can be placed there today.
        failed: dict[tuple[Area, float], int] = {}
        for key in sorted(groups, key=lambda k: (waited[k], k[0])):
            children = groups[key]
            if holding and not self._ever_allocated.intersection(children):
                continue
            area = key[1]
            limit = preset.overflow if day - waited[key] >= preset.breach_after_days else 1.0
            sensitive = self._sensitive(children)
            worker = self._sibling_worker(children, area, sensitive, day, limit)
            if worker is None:
                if len(children) >= failed.get((area, limit), len(children) + 1):
                    continue
                worker = self._choose(area, len(children), sensitive, day, limit)
                if worker is None and not sensitive:
                    failed[(area, limit)] = len(children)
            if worker is not None:
                for child in children:
                    self._allocate(child, worker, day)

    def _allocate(self, child: int, worker: int, day: int) -> None:
        self._ever_allocated.add(child)
        super()._allocate(child, worker, day)

    def _rebalance(self, day: int) -> None:
        """Move sibling groups from overloaded workers to the lightest in each area."""
        for pool in self.pool.values():
            members = [w for w in pool if self.holders[w].away_until < day]
            if len(members) < 2:
                continue
            holders = [self.holders[w] for w in members]
            for _ in range(MOVES_PER_WEEK):
                # The most loaded (lowest id among equals) and the least loaded (likewise).
                ratios = [(h.load / h.cap, w) for h, w in zip(holders, members, strict=True)]
                low, receiver = min(ratios)
                high = max(ratio for ratio, _ in ratios)
                donor = min(w for ratio, w in ratios if ratio == high)
                if not ((high > 1.0 and low < 0.85) or (high - low > 0.5 and low < 0.6)):
                    break
                group = self._movable_group(donor, day)
                if not group:
                    break
                giver, taker = self.holders[donor], self.holders[receiver]
                if taker.role == Role.ASYE and self._sensitive(group):
                    break
                if (taker.load + len(group)) / taker.cap > (giver.load - len(group)) / giver.cap:
                    break
                for child in group:
                    self._release(child, day, MANAGE)
                    self._allocate(child, receiver, day)

    def _movable_group(self, worker: int, day: int) -> list[int]:
        """The most recently allocated sibling group of the worker (allocated before today)."""
        holder = self.holders[worker]
        for child in reversed(holder.children):
            if holder.children[child].start < day:
                family = self.family_of[child]
                return [c for c in holder.children if self.family_of[c] == family]
        return []
