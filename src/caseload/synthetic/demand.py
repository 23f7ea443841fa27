"""Demand: referrals and children's journeys through assessment, CIN, CP, care and leaving care.

Model (all vectorised over families with numpy):

- Families are referred at a daily Poisson rate with a yearly trend and a seasonal pattern (fewer
  referrals in August and late December). A family is 1 to 5 siblings; siblings share one journey
  (the same statuses on the same days) and so go to one worker, until one of them turns 18.
- Most referrals lead to a child and family assessment (median 4 weeks, at most 65 days). It
  ends in no further action, a child in need plan, a child protection plan or care; a CIN plan
  steps up to CP or care or closes; a CP plan steps down to CIN, closes, or leads to care; care
  ends with a return home (sometimes on a CIN plan). Durations are lognormal (medians: CIN about
  7 months, CP about 8 months, care about 18 months with a long tail).
- Children in care on their 18th birthday become care leavers until 21 (30% until 25); every
  status ends by the 18th birthday otherwise.
- After a case closes a family may be re-referred (18%), after a median of about 8 months.
- Care entries often come with care proceedings around the day of entry (median 33 weeks), and
  CP plans leading to care often with pre-proceedings (PLO) in the months before. A few CP plans
  have pre-proceedings that divert the child from court.

The journeys are generated for a long period before ``start`` (25 years, so that care leavers who
entered care as babies are present) and then thinned to the workforce (see
:mod:`caseload.synthetic.sizing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from caseload.synthetic.days import BoolArray, FloatArray, IntArray, anniversaries, date_of

ASSESSMENT, CIN, CP, CLA, CARE_LEAVER = 0, 1, 2, 3, 4
CLOSED = -1
STATUS_NAMES = ("assessment", "cin", "cp", "cla", "care_leaver")
PRE_PROCEEDINGS, CARE_PROCEEDINGS = 0, 1
PROCEEDINGS_NAMES = ("pre_proceedings", "care_proceedings")
SOURCES = ("police", "school", "health", "la_services", "individual", "other")
SOURCE_WEIGHTS = (0.29, 0.21, 0.15, 0.11, 0.08, 0.16)
FAMILY_SIZES = (0.55, 0.25, 0.12, 0.06, 0.02)
BURN_IN_YEARS = 25

LEADS_TO_ASSESSMENT = 0.85
RE_REFERRAL = 0.18
MAX_PASSES = 4
MAX_STEPS = 10
# Duration (median days, lognormal sigma, min, max) and next status (weights) by status.
DURATIONS: dict[int, tuple[float, float, int, int]] = {
    ASSESSMENT: (28.0, 0.5, 1, 65),
    CIN: (210.0, 0.8, 14, 2500),
    CP: (250.0, 0.55, 30, 1200),
    CLA: (550.0, 1.2, 7, 7000),
}
NEXT: dict[int, dict[int, float]] = {
    ASSESSMENT: {CLOSED: 0.45, CIN: 0.37, CP: 0.13, CLA: 0.05},
    CIN: {CLOSED: 0.84, CP: 0.11, CLA: 0.05},
    CP: {CLOSED: 0.20, CIN: 0.62, CLA: 0.18},
    CLA: {CLOSED: 0.80, CIN: 0.20},
}
# Relative referral rate by calendar month (Jan..Dec) before scaling by the preset's seasonality.
SEASON_SHAPE = (0.0, 0.2, 0.6, -0.3, 0.3, 0.3, 0.0, -1.6, -0.2, 0.8, 0.8, -0.9)


@dataclass
class Journeys:
    """Family-level journeys. Segment ``end`` may lie beyond the simulated period."""

    first_referral: IntArray
    size: IntArray
    seg_family: IntArray
    seg_status: IntArray
    seg_start: IntArray
    seg_end: IntArray
    ref_family: IntArray
    ref_day: IntArray
    ref_source: IntArray
    ref_led: BoolArray
    proc_family: IntArray
    proc_kind: IntArray
    proc_start: IntArray
    proc_end: IntArray


@dataclass
class ChildJourneys:
    """Journeys expanded to children (``child`` indexes ``family``/``birth``)."""

    family: IntArray
    birth: IntArray
    status_child: IntArray
    status: IntArray
    status_start: IntArray
    status_end: IntArray
    ref_child: IntArray
    ref_day: IntArray
    ref_source: IntArray
    ref_led: BoolArray
    proc_child: IntArray
    proc_kind: IntArray
    proc_start: IntArray
    proc_end: IntArray


def referral_rates(
    first: int, last: int, start: int, trend: float, seasonality: float
) -> FloatArray:
    """Relative family referral rate for each day ``first..last`` (1.0 on ``start``'s level)."""
    days = np.arange(first, last + 1, dtype=np.int64)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    shape = np.array(SEASON_SHAPE, dtype=np.float64)
    shape -= shape.mean()
    season = 1.0 + seasonality * shape[months]
    growth = (1.0 + trend) ** ((days - start) / 365.25)
    rates: FloatArray = season * growth
    return rates


def _durations(rng: np.random.Generator, status: IntArray) -> IntArray:
    out = np.empty(len(status), dtype=np.int64)
    for code, (median, sigma, low, high) in DURATIONS.items():
        mask = status == code
        count = int(mask.sum())
        if count:
            draws = rng.lognormal(math.log(median), sigma, size=count)
            out[mask] = np.clip(np.rint(draws), low, high).astype(np.int64)
    return out


def _next(rng: np.random.Generator, status: IntArray) -> IntArray:
    out = np.full(len(status), CLOSED, dtype=np.int64)
    for code, table in NEXT.items():
        mask = status == code
        count = int(mask.sum())
        if count:
            options = np.array(list(table), dtype=np.int64)
            weights = np.array(list(table.values()), dtype=np.float64)
            out[mask] = options[rng.choice(len(options), size=count, p=weights / weights.sum())]
    return out


def simulate_journeys(
    rng: np.random.Generator, rates: FloatArray, first: int, last: int
) -> Journeys:
    """Families referred at daily rates ``rates`` (families per day) over ``first..last``."""
    counts = rng.poisson(rates)
    referred = np.repeat(np.arange(first, last + 1, dtype=np.int64), counts)
    n = len(referred)
    sizes = 1 + rng.choice(len(FAMILY_SIZES), size=n, p=np.array(FAMILY_SIZES))
    segs: list[tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]] = []
    refs: list[tuple[IntArray, IntArray, BoolArray]] = []
    family = np.arange(n, dtype=np.int64)
    day = referred.copy()
    for _ in range(MAX_PASSES):
        keep = day <= last
        family, day = family[keep], day[keep]
        if len(family) == 0:
            break
        led = rng.random(len(family)) < LEADS_TO_ASSESSMENT
        refs.append((family, day, led))
        closed_on = day.copy()
        # The journey after the referral: one segment per step for every family still open.
        fam, start = family[led], day[led]
        status = np.full(len(fam), ASSESSMENT, dtype=np.int64)
        previous = np.full(len(fam), CLOSED, dtype=np.int64)
        chain_start = start.copy()
        pos = np.flatnonzero(led)
        for step in range(MAX_STEPS):
            if len(fam) == 0:
                break
            end = start + _durations(rng, status) - 1
            nxt = _next(rng, status) if step + 1 < MAX_STEPS else np.full(len(fam), CLOSED)
            segs.append((fam, status, start, end, previous, chain_start))
            done = nxt == CLOSED
            going = ~done & (end < last)
            closed_on[pos[~going]] = end[~going]
            fam, pos, previous = fam[going], pos[going], status[going]
            status, start, chain_start = nxt[going], end[going] + 1, chain_start[going]
        again = rng.random(len(family)) < RE_REFERRAL
        gaps = np.maximum(14, rng.lognormal(math.log(240.0), 0.8, size=len(family))).astype(
            np.int64
        )
        family, day = family[again], (closed_on + 1 + gaps)[again]
    seg = [np.concatenate([s[i] for s in segs]) for i in range(6)] if segs else [_empty()] * 6
    ref = [np.concatenate([r[i] for r in refs]) for i in range(3)]
    sources = rng.choice(len(SOURCES), size=len(ref[0]), p=np.array(SOURCE_WEIGHTS))
    proc = _proceedings(rng, *seg)
    return Journeys(
        first_referral=referred,
        size=sizes.astype(np.int64),
        seg_family=seg[0],
        seg_status=seg[1],
        seg_start=seg[2],
        seg_end=seg[3],
        ref_family=ref[0],
        ref_day=ref[1],
        ref_source=sources.astype(np.int64),
        ref_led=ref[2].astype(np.bool_),
        proc_family=proc[0],
        proc_kind=proc[1],
        proc_start=proc[2],
        proc_end=proc[3],
    )


def _empty() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _proceedings(
    rng: np.random.Generator,
    family: IntArray,
    status: IntArray,
    start: IntArray,
    end: IntArray,
    previous: IntArray,
    chain_start: IntArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Care proceedings around care entries and pre-proceedings before them (or diverting)."""
    parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    care = np.flatnonzero(status == CLA)
    court = care[rng.random(len(care)) < 0.6]
    lead_in = rng.integers(0, 22, size=len(court))
    court_start = np.maximum(chain_start[court], start[court] - lead_in)
    length = np.rint(rng.lognormal(math.log(230.0), 0.35, size=len(court))).astype(np.int64)
    court_end = np.minimum(court_start + length - 1, end[court])
    parts.append((family[court], np.full(len(court), CARE_PROCEEDINGS), court_start, court_end))
    # Pre-proceedings in the months before a care entry from a CP plan.
    first_court = np.full(len(status), -1, dtype=np.int64)
    first_court[court] = court_start
    from_cp = care[(previous[care] == CP) & (rng.random(len(care)) < 0.5)]
    plo_start = np.maximum(
        chain_start[from_cp], start[from_cp] - rng.integers(40, 141, len(from_cp))
    )
    plo_end = np.where(first_court[from_cp] >= 0, first_court[from_cp] - 1, start[from_cp] - 1)
    ok = plo_end >= plo_start
    parts.append(
        (family[from_cp][ok], np.full(int(ok.sum()), PRE_PROCEEDINGS), plo_start[ok], plo_end[ok])
    )
    # Pre-proceedings during a CP plan that avoid court.
    plans = np.flatnonzero(status == CP)
    diverted = plans[rng.random(len(plans)) < 0.07]
    span = end[diverted] - start[diverted] + 1
    begin = start[diverted] + (span * rng.uniform(0.2, 0.5, len(diverted))).astype(np.int64)
    finish = np.minimum(begin + 111, end[diverted])
    parts.append((family[diverted], np.full(len(diverted), PRE_PROCEEDINGS), begin, finish))
    joined = [np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(4)]
    return joined[0], joined[1], joined[2], joined[3]


def expand_children(rng: np.random.Generator, journeys: Journeys) -> ChildJourneys:
    """One row per child: birth dates, and the family journey cut at the 18th birthday, with
    care leaver status after it for children in care on that day."""
    sizes = journeys.size
    n_families = len(sizes)
    first_child = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    family = np.repeat(np.arange(n_families, dtype=np.int64), sizes)
    order = np.arange(len(family), dtype=np.int64) - first_child[family]
    # The youngest is a baby in a fifth of families, otherwise 1 to 17; siblings 1-5 years apart.
    youngest = np.where(
        rng.random(n_families) < 0.2,
        rng.uniform(0.0, 1.0, n_families),
        rng.uniform(1.0, 17.5, n_families),
    )
    gaps = np.where(order > 0, rng.uniform(1.0, 5.0, len(family)), 0.0)
    running = np.cumsum(gaps)
    age = np.minimum(youngest[family] + running - running[first_child[family]], 17.9)
    birth = journeys.first_referral[family] - np.rint(age * 365.25).astype(np.int64)
    adult = anniversaries(birth, 18)

    def per_child(fam: IntArray) -> tuple[IntArray, IntArray]:
        """Row index into the family-level arrays and child index, one pair per child."""
        counts = sizes[fam]
        rows = np.repeat(np.arange(len(fam), dtype=np.int64), counts)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        offset = np.arange(len(rows), dtype=np.int64) - np.repeat(starts, counts)
        return rows, first_child[fam[rows]] + offset

    rows, child = per_child(journeys.seg_family)
    status = journeys.seg_status[rows]
    start = journeys.seg_start[rows]
    end = journeys.seg_end[rows]
    keep = start < adult[child]
    child, status, start, end = child[keep], status[keep], start[keep], end[keep]
    in_care_at_18 = (status == CLA) & (end >= adult[child] - 1)
    end = np.minimum(end, adult[child] - 1)
    leavers = child[in_care_at_18 & (rng.random(len(child)) < 0.92)]
    to_25 = rng.random(len(leavers)) < 0.3
    leaver_end = (
        np.where(to_25, anniversaries(birth[leavers], 25), anniversaries(birth[leavers], 21)) - 1
    )
    status_child = np.concatenate((child, leavers))
    by_child = np.argsort(status_child, kind="stable")
    all_status = np.concatenate((status, np.full(len(leavers), CARE_LEAVER, dtype=np.int64)))
    all_start = np.concatenate((start, adult[leavers]))
    all_end = np.concatenate((end, leaver_end))

    ref_rows, ref_child = per_child(journeys.ref_family)
    ref_day = journeys.ref_day[ref_rows]
    ref_keep = ref_day < adult[ref_child]
    proc_rows, proc_child = per_child(journeys.proc_family)
    proc_start = journeys.proc_start[proc_rows]
    proc_end = np.minimum(journeys.proc_end[proc_rows], adult[proc_child] - 1)
    proc_keep = proc_start <= proc_end
    return ChildJourneys(
        family=family,
        birth=birth,
        status_child=status_child[by_child],
        status=all_status[by_child],
        status_start=all_start[by_child],
        status_end=all_end[by_child],
        ref_child=ref_child[ref_keep],
        ref_day=ref_day[ref_keep],
        ref_source=journeys.ref_source[ref_rows[ref_keep]],
        ref_led=journeys.ref_led[ref_rows[ref_keep]],
        proc_child=proc_child[proc_keep],
        proc_kind=journeys.proc_kind[proc_rows[proc_keep]],
        proc_start=proc_start[proc_keep],
        proc_end=proc_end[proc_keep],
    )


def burn_in_start(start: int) -> int:
    """First day of the generated referral history."""
    first = date_of(start)
    return int(np.datetime64(date(first.year - BURN_IN_YEARS, 1, 1), "D").astype(np.int64))
