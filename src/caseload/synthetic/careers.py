"""Careers of the people already in post on the first simulated day.

Lengths of service follow the steady state of the leaving hazard (the chance of still being here
after ``x`` years is proportional to the survival curve), so the starting workforce has the service
profile the simulation itself goes on to produce. Earlier steps of a career (ASYE year, progression
to senior, promotion into the current post) become earlier employment spells; steps held in the
current post carry its ``post_id``, earlier jobs elsewhere in the council have none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from caseload.domain import Role
from caseload.synthetic.days import YEAR, FloatArray, date_of, first_monday
from caseload.synthetic.establishment import PRACTITIONER_POSTS

MAX_SERVICE_MONTHS = 35 * 12
_MONTH = YEAR / 12

# Years of service at which each band of the yearly leaving hazard ends (peak at 2-3 years).
LEAVE_HAZARD: tuple[tuple[float, float], ...] = (
    (1.0, 0.14),
    (2.0, 0.15),
    (3.0, 0.23),
    (4.0, 0.18),
    (6.0, 0.13),
    (10.0, 0.10),
    (math.inf, 0.08),
)


def leave_hazard(service_years: float) -> float:
    """Yearly probability of leaving (before any preset multiplier) by length of service."""
    for limit, hazard in LEAVE_HAZARD:
        if service_years < limit:
            return hazard
    return LEAVE_HAZARD[-1][1]


def retirement_hazard(age_years: float) -> float:
    """Extra yearly hazard of retiring: none before 60, then rising, certain by about 67."""
    if age_years < 60.0:
        return 0.0
    if age_years < 66.0:
        return 0.15
    return 2.0


@dataclass(slots=True)
class Step:
    """A role held from ``start``; ``in_post`` when held in the post being seeded."""

    role: Role
    start: int
    in_post: bool


@dataclass(slots=True)
class CareerPlan:
    hired: int
    qualified: int | None
    newly_qualified: bool
    steps: list[Step]


class ServiceSampler:
    """Draws lengths of service (days) from the steady state of the leaving hazard."""

    def __init__(self, multiplier: float) -> None:
        hazards = np.array(
            [leave_hazard(m / 12) * multiplier for m in range(MAX_SERVICE_MONTHS)],
            dtype=np.float64,
        )
        survival = np.exp(-np.concatenate(([0.0], np.cumsum(hazards[:-1] / 12))))
        cdf: FloatArray = np.cumsum(survival)
        self._cdf = cdf / cdf[-1]

    def sample(self, rng: np.random.Generator) -> int:
        month = int(np.searchsorted(self._cdf, rng.random()))
        return round((month + rng.random()) * _MONTH)


def _years(rng: np.random.Generator, floor: float, median: float, sigma: float) -> int:
    """Days of a lognormal number of years above ``floor``."""
    return round((floor + rng.lognormal(math.log(median), sigma)) * YEAR)


def autumn_start(day: int, latest: int, rng: np.random.Generator) -> int:
    """The ASYE cohort start (first Monday of September or October) of the autumn on or before
    ``day``, no later than ``latest``."""
    year = date_of(day).year
    month = 9 if rng.random() < 0.6 else 10
    start = first_monday(year, month)
    while start > min(day, latest):
        year -= 1
        start = first_monday(year, month)
    return start


def _between(rng: np.random.Generator, low: int, high: int) -> int:
    return low if high <= low else int(rng.integers(low, high + 1))


def plan_career(
    post_role: Role, first_day: int, rng: np.random.Generator, service: ServiceSampler
) -> CareerPlan:
    """The career of someone holding a post of ``post_role`` on ``first_day``."""
    last = first_day - 1
    hired = last - service.sample(rng)
    if post_role == Role.FAMILY_SUPPORT_WORKER:
        return CareerPlan(hired, None, False, [Step(post_role, hired, True)])
    if post_role in PRACTITIONER_POSTS:
        return _practitioner(hired, last, rng)
    earlier: tuple[Role, ...]
    if post_role == Role.ADVANCED_PRACTITIONER:
        chance, earlier, min_pqe, direct_pqe = 0.6, (Role.SOCIAL_WORKER,), 3.0, 4.0
    elif post_role == Role.TEAM_MANAGER:
        chance, earlier = 0.5, (Role.SOCIAL_WORKER, Role.ADVANCED_PRACTITIONER)
        min_pqe, direct_pqe = 4.0, 5.0
    elif post_role == Role.SERVICE_MANAGER:
        chance, earlier, min_pqe, direct_pqe = 0.4, (Role.TEAM_MANAGER,), 8.0, 9.0
    elif post_role == Role.QUALIFIED_WITHOUT_CASES:
        chance, earlier, min_pqe, direct_pqe = 0.3, (Role.SENIOR_SOCIAL_WORKER,), 5.0, 5.0
    else:
        chance, earlier, min_pqe, direct_pqe = 0.0, (), 12.0, 14.0
    if rng.random() < chance and last - hired >= len(earlier) * 365:
        qualified = hired - _years(rng, 0.5, 2.5, 0.6)
        low = max(hired + 365 * len(earlier), qualified + round(min_pqe * YEAR))
        if low <= last:
            final = _between(rng, low, last)
            steps = [
                Step(role, hired + (final - hired) * i // len(earlier), False)
                for i, role in enumerate(earlier)
            ]
            steps.append(Step(post_role, final, True))
            return CareerPlan(hired, qualified, False, steps)
    qualified = hired - _years(rng, direct_pqe, 4.0, 0.6)
    return CareerPlan(hired, qualified, False, [Step(post_role, hired, True)])


def _practitioner(hired: int, last: int, rng: np.random.Generator) -> CareerPlan:
    if rng.random() < 0.4:
        hired = autumn_start(hired, last, rng)
        qualified = hired - int(rng.integers(20, 141))
        steps = [Step(Role.ASYE, hired, True)]
        if hired + 365 <= last:
            steps.append(Step(Role.SOCIAL_WORKER, hired + 365, True))
        newly = True
    else:
        at_hire = _years(rng, 1.0, 3.0, 0.8)
        qualified = hired - at_hire
        senior = at_hire >= 4 * YEAR and rng.random() < 0.4
        steps = [Step(Role.SENIOR_SOCIAL_WORKER if senior else Role.SOCIAL_WORKER, hired, True)]
        newly = False
    if steps[-1].role == Role.SOCIAL_WORKER:
        pqe = (last - qualified) / YEAR
        chance = 0.0 if pqe < 2.5 else 0.3 if pqe < 4 else 0.55 if pqe < 7 else 0.75
        low = max(steps[-1].start + 180, qualified + round(2.5 * YEAR))
        if rng.random() < chance and low <= last:
            steps.append(Step(Role.SENIOR_SOCIAL_WORKER, _between(rng, low, last), True))
    return CareerPlan(hired, qualified, newly, steps)
