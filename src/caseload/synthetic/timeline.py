"""What happens to workers and children, indexed by day for the allocation loop.

A worker's spell ending on day ``d`` is handled on ``d + 1`` (their last day is ``d``), as is a
status or proceedings ending on ``d``; starts are handled on their first day. A long absence
(maternity, or sickness of 20+ working days, from its 6th day) takes the worker away from their
cases; a shorter one only stops new allocations to them while it lasts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from caseload.synthetic.demand import CARE_PROCEEDINGS
from caseload.synthetic.records import AbsenceRec, SpellRec
from caseload.synthetic.sizing import OPEN, Demand

LONG_ABSENCE_DAYS = 20
LONG_ABSENCE_NOTICE = 5


class Event(IntEnum):
    """Event kinds, in the order they are handled within a day."""

    SPELL_ENDED = 0
    SPELL_STARTED = 1
    ABSENCE_STARTS = 2
    ABSENCE_ENDS = 3
    SHORT_ABSENCE = 4
    STATUS_CLOSED = 5
    STATUS_CHANGED = 6
    STATUS_OPENED = 7
    COURT = 8


def is_long(absence: AbsenceRec) -> bool:
    return absence.reason == "MAT" or absence.working_days_lost >= LONG_ABSENCE_DAYS


def away_from(absence: AbsenceRec) -> int:
    """The day a long absence takes the worker away from their cases."""
    return absence.start + (0 if absence.reason == "MAT" else LONG_ABSENCE_NOTICE)


@dataclass
class Timeline:
    """``events[day]`` holds ``(Event, a, b)`` tuples (an Event or its number: they sort and
    index alike); ``spells`` are sorted by worker and start; ``away_at_start`` are workers on a
    long absence the day before ``start``; ``court`` counts care proceedings open that day per
    child."""

    spells: list[SpellRec]
    events: dict[int, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    next_spell: dict[int, SpellRec] = field(default_factory=dict)
    away_at_start: list[int] = field(default_factory=list)
    court: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def build_timeline(
    demand: Demand, spells: list[SpellRec], absences: list[AbsenceRec], start: int, end: int
) -> Timeline:
    timeline = Timeline(sorted(spells, key=lambda s: (s.worker_id, s.start)))
    _index_spells(timeline, start, end)
    _index_absences(timeline, absences, start, end)
    _index_children(timeline, demand, start, end)
    return timeline


def _index_spells(timeline: Timeline, start: int, end: int) -> None:
    spells = timeline.spells
    for i, spell in enumerate(spells):
        after = spells[i + 1] if i + 1 < len(spells) else None
        if after is not None and after.worker_id == spell.worker_id:
            timeline.next_spell[id(spell)] = after
        if spell.end is not None and spell.end < start - 1:
            continue
        if spell.start >= start:
            timeline.events[spell.start].append((Event.SPELL_STARTED, i, 0))
        if spell.end is not None and spell.end <= end:
            timeline.events[spell.end + 1].append((Event.SPELL_ENDED, i, 0))


def _index_absences(timeline: Timeline, absences: list[AbsenceRec], start: int, end: int) -> None:
    for absence in absences:
        last = absence.end if absence.end is not None else end
        if last < start - 1:
            continue
        worker = absence.worker_id
        trigger = away_from(absence)
        if is_long(absence) and trigger <= last:
            if trigger <= start - 1:
                timeline.away_at_start.append(worker)
            else:
                timeline.events[trigger].append((Event.ABSENCE_STARTS, worker, last))
            if last + 1 <= end:
                timeline.events[last + 1].append((Event.ABSENCE_ENDS, worker, 0))
        elif absence.start >= start:
            timeline.events[absence.start].append((Event.SHORT_ABSENCE, worker, last))


def _index_children(timeline: Timeline, demand: Demand, start: int, end: int) -> None:
    """Status events (statuses are sorted by child and start) and care proceedings."""
    child, starts, ends = demand.status_child, demand.status_start, demand.status_end
    # A status follows the one before it when it is the same child's and begins the day after.
    follows = np.zeros(len(child), dtype=bool)
    follows[1:] = (child[1:] == child[:-1]) & (ends[:-1] == starts[1:] - 1)
    followed = np.append(follows[1:], False)
    opens = starts >= start
    kinds = np.where(follows, int(Event.STATUS_CHANGED), int(Event.STATUS_OPENED))
    events = timeline.events
    for day, kind, c, status in zip(
        starts[opens].tolist(),
        kinds[opens].tolist(),
        child[opens].tolist(),
        demand.status[opens].tolist(),
        strict=True,
    ):
        events[day].append((kind, c, status))
    closes = (ends != OPEN) & ~followed & (ends <= end)
    closed = int(Event.STATUS_CLOSED)
    for day, c in zip((ends[closes] + 1).tolist(), child[closes].tolist(), strict=True):
        events[day].append((closed, c, 0))
    for c, kind, s, e in zip(
        demand.proc_child.tolist(),
        demand.proc_kind.tolist(),
        demand.proc_start.tolist(),
        demand.proc_end.tolist(),
        strict=True,
    ):
        if kind != CARE_PROCEEDINGS:
            continue
        if s <= start - 1:
            timeline.court[c] += 1
        else:
            events[s].append((Event.COURT, c, 1))
        if e != OPEN and e <= end:
            events[e + 1].append((Event.COURT, c, -1))
