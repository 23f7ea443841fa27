"""Absence episodes of own staff.

Model: while employed, each own worker has absence episodes arriving at random (Poisson) at
yearly rates per person: short sickness (1-5 working days) 1.5 and medium sickness (6-19) 0.18,
scaled by the preset's ``sickness_multiplier``; training 0.6 (1-3 days); other paid leave 0.15;
unpaid 0.03; public duties 0.02; unauthorised 0.02. Long-term sickness (20+ working days, median
about 9 weeks) starts at 0.055 a year per person (times the multiplier), drawn council-wide each
month with systematic rounding so that its yearly total varies little. Maternity leave comes from
the workforce simulation. Episodes of one person never overlap and lie within their employment;
episodes are generated from four months before ``start`` so long absences can be under way on the
first day.

``working_days_lost`` is the number of weekdays in the episode (up to the last simulated day for
one still open) times the worker's FTE on its first day, rounded to 2 dp. With the default rates
sickness loses about 3% of working days.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from caseload.domain import AbsenceReason, ContractType
from caseload.synthetic.days import add_working_days, next_weekday, working_days
from caseload.synthetic.draws import cumulative, weighted_index
from caseload.synthetic.presets import PresetPath
from caseload.synthetic.records import AbsenceRec, SpellRec
from caseload.synthetic.sizing import OPEN

HISTORY_DAYS = 120
# Per-person episodes: reason, working days (low, high), yearly rate, whether the rate scales
# with the preset's sickness multiplier. Long-term sickness is drawn council-wide (see
# ``_long_term``).
KINDS: tuple[tuple[AbsenceReason, tuple[int, int], float, bool], ...] = (
    (AbsenceReason.SIC, (1, 5), 1.5, True),
    (AbsenceReason.SIC, (6, 19), 0.18, True),
    (AbsenceReason.TRN, (1, 3), 0.6, False),
    (AbsenceReason.OTH, (1, 5), 0.15, False),
    (AbsenceReason.UNP, (5, 20), 0.03, False),
    (AbsenceReason.PUB, (5, 10), 0.02, False),
    (AbsenceReason.UNA, (1, 2), 0.02, False),
)
LONG_TERM_RATE = 0.055
SHORT_WEIGHTS = (0.4, 0.22, 0.15, 0.12, 0.11)
SHORT_CDF = cumulative(SHORT_WEIGHTS)


Period = tuple[int, int, list[SpellRec]]


def _employment(spells: list[SpellRec]) -> dict[int, list[Period]]:
    """Unbroken own-staff employment periods per worker: (first day, last day or ``OPEN``,
    spells)."""
    periods: dict[int, list[Period]] = defaultdict(list)
    own = sorted(
        (s for s in spells if s.contract == ContractType.OWN), key=lambda s: (s.worker_id, s.start)
    )
    for spell in own:
        last = spell.end if spell.end is not None else OPEN
        runs = periods[spell.worker_id]
        if runs and runs[-1][1] == spell.start - 1:
            first, _, members = runs[-1]
            members.append(spell)
            runs[-1] = (first, last, members)
        else:
            runs.append((spell.start, last, [spell]))
    return periods


def _fte_on(members: list[SpellRec], day: int) -> float:
    for spell in members:
        if spell.start <= day and (spell.end is None or spell.end >= day):
            return spell.fte
    return members[-1].fte


def _days(rng: np.random.Generator, span: tuple[int, int]) -> int:
    low, high = span
    if (low, high) == (1, 5):
        return 1 + weighted_index(rng, SHORT_CDF)
    return int(rng.integers(low, high + 1))


def generate_absences(
    spells: list[SpellRec],
    maternity: list[tuple[int, int, int | None]],
    path: PresetPath,
    start: int,
    end: int,
    rng: np.random.Generator,
) -> list[AbsenceRec]:
    periods = _employment(spells)
    booked: dict[int, list[tuple[int, int]]] = defaultdict(list)
    records: list[AbsenceRec] = []
    for worker, first, last in maternity:
        for begin, stop_at, members in periods.get(worker, ()):
            if begin <= first <= stop_at:
                stop = stop_at if last is None else min(last, stop_at)
                booked[worker].append((first, stop))
                records.append(_record(worker, first, stop, "MAT", members, end))
    records.extend(_long_term(periods, booked, path, start, end, rng))
    rates = np.array([k[2] for k in KINDS])
    scaled = np.array([k[3] for k in KINDS])
    for worker in sorted(periods):
        for first, last, members in periods[worker]:
            day = max(first, start - HISTORY_DAYS)
            horizon = min(last, end)
            while day <= horizon:
                multiplier = path.at(day).sickness_multiplier
                kind_rates = np.where(scaled, rates * multiplier, rates)
                total = float(kind_rates.sum())
                day += 1 + int(rng.exponential(365.25 / total))
                first_day = next_weekday(day)
                if first_day > horizon:
                    break
                kind = KINDS[weighted_index(rng, cumulative(kind_rates / total))]
                stop = min(add_working_days(first_day, _days(rng, kind[1])), last)
                if not _free(booked[worker], first_day, stop):
                    continue
                booked[worker].append((first_day, stop))
                records.append(_record(worker, first_day, stop, kind[0].value, members, end))
                day = stop
    return records


def _free(booked: list[tuple[int, int]], first: int, last: int) -> bool:
    return first <= last and not any(a <= last and first <= b for a, b in booked)


def _long_term(
    periods: dict[int, list[Period]],
    booked: dict[int, list[tuple[int, int]]],
    path: PresetPath,
    start: int,
    end: int,
    rng: np.random.Generator,
) -> list[AbsenceRec]:
    """Long-term sickness: each month the council's expected number of new episodes (rounded
    systematically, so the yearly total stays near its expectation) among own staff employed."""
    records: list[AbsenceRec] = []
    carry = rng.random()
    for month_start in range(start - HISTORY_DAYS, end + 1, 30):
        middle = month_start + 15
        employed = [
            (worker, period)
            for worker in sorted(periods)
            for period in periods[worker]
            if period[0] <= middle <= period[1]
        ]
        carry += len(employed) * LONG_TERM_RATE * path.at(middle).sickness_multiplier / 12.17
        count = int(carry)
        carry -= count
        for _ in range(count):
            for _attempt in range(10):
                worker, (first, last, members) = employed[int(rng.integers(len(employed)))]
                first_day = next_weekday(max(first, month_start + int(rng.integers(30))))
                days = int(np.clip(rng.lognormal(math.log(45.0), 0.45), 20, 260))
                stop = min(add_working_days(first_day, days), last)
                if first_day <= min(last, end) and _free(booked[worker], first_day, stop):
                    booked[worker].append((first_day, stop))
                    records.append(_record(worker, first_day, stop, "SIC", members, end))
                    break
    return records


def _record(
    worker: int, first: int, last: int, reason: str, members: list[SpellRec], end: int
) -> AbsenceRec:
    counted = min(last, end)
    weekdays = 0
    if counted >= first:
        weekdays = int(working_days(np.array([first]), np.array([counted]))[0])
    lost = round(weekdays * _fte_on(members, first), 2)
    return AbsenceRec(worker, first, last if last <= end else None, reason, lost)
