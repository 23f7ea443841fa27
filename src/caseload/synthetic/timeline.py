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
    """``events[day]`` holds ``(Event, a, b)`` tuples; ``spells`` are sorted by worker and start;
    ``away_at_start`` are workers on a long absence the day before ``start``; ``court`` counts
    care proceedings open that day per child."""

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
    child = demand.status_child.tolist()
    starts = demand.status_start.tolist()
    ends = demand.status_end.tolist()
    statuses = demand.status.tolist()
    events = timeline.events
    for i, c in enumerate(child):
        s, e = starts[i], ends[i]
        follows = i > 0 and child[i - 1] == c and ends[i - 1] == s - 1
        if s >= start:
            kind = Event.STATUS_CHANGED if follows else Event.STATUS_OPENED
            events[s].append((kind, c, statuses[i]))
        followed = i + 1 < len(child) and child[i + 1] == c and starts[i + 1] == e + 1
        if e != OPEN and not followed and e <= end:
            events[e + 1].append((Event.STATUS_CLOSED, c, 0))
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
