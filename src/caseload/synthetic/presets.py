"""Tunable parameters of the synthetic council and how they change over the simulated period.

A :class:`Preset` describes one steady state of a council. The ``recovering`` preset starts in the
``struggling`` state and moves to a recovered state (its ``recover_to``): its workforce is
struggling through census year 1 and recovered by the final year, while its demand eases over the
whole period (see :class:`PresetPath`). Rates are per year unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from caseload.synthetic.days import anniversary


@dataclass(frozen=True)
class Preset:
    """All tunable parameters of a council.

    Demand and allocation:

    - ``target_caseload``: cases held per case-holding FTE that demand is sized to (DfE caseload).
    - ``referral_trend``: yearly growth of the referral rate before calibration (0.02 = +2%).
    - ``seasonality``: amplitude of the seasonal pattern in referrals (dip in August and late
      December, peaks in autumn and spring).
    - ``breach_after_days``: days an unallocated case waits for someone under their cap before it
      is given to the least-loaded worker above their cap.
    - ``overflow``: the most a worker is ever given, as a multiple of their capped caseload; cases
      wait unallocated beyond it.
    - ``unallocated_share``: share of open cases expected to be waiting for a worker on a day;
      demand is sized up by it so that held cases meet ``target_caseload``.

    Workforce:

    - ``vacancy_rate``: share of funded posts (by count) with no own worker on the first day, and
      the level recruitment tends back to: monthly rounds recruit faster while vacancies are
      above it and slower below (part-time holders add a point or two to the FTE vacancy rate).
    - ``agency_cover_at_start``: share of those vacant posts covered by agency on the first day.
    - ``turnover_multiplier``: scales the leaving hazard by length of service (which peaks at 2-3
      years' service, see ``careers.leave_hazard``).
    - ``recruit_mean_days``: mean days a vacant post waits for an external own hire while
      vacancies are at ``vacancy_rate`` (each monthly round fills it with chance
      ``30 / recruit_mean_days``, scaled by the cube of vacancies over their usual level).
    - ``asye_intake``: newly qualified (ASYE) starters each autumn per practitioner post.
    - ``agency_cover``: share of vacant posts covered by agency workers (engaged weekly).
    - ``agency_contract_days``: median length of one agency engagement.
    - ``agency_conversion``: share of external hires into an agency-covered post that are the
      agency worker converting to a permanent contract (start origin 4).
    - ``internal_promotion``: probability a vacant advanced practitioner or manager post is filled
      by promoting someone from the same service area.
    - ``progression_rate``: yearly probability that a social worker with 2.5+ years' experience
      progresses to senior social worker.
    - ``part_time_share``: share of posts (and of hires into full-time posts) that are part time.
    - ``establishment_growth``: yearly growth of funded practitioner posts, added each 1 April.
    - ``improvement_posts``: for a recovering preset, practitioner posts added (as a share of those
      funded) when the recovery starts, funded by the improvement plan.
    - ``maternity_cover``: probability a case holder's maternity leave is covered by agency.
    - ``team_practitioners``: the most practitioner posts in a team (besides its manager and
      advanced practitioner), set when the establishment is built on the first day: 5 keeps a
      typical team within its manager's span of control (6 case holders).

    Absence:

    - ``sickness_multiplier``: scales the rates of sickness episodes (1.0 gives about 3%).

    Recovery:

    - ``recover_to``: the preset this one moves to over the period, or ``None`` for a steady state.
    """

    target_caseload: float
    referral_trend: float
    seasonality: float
    breach_after_days: float
    overflow: float
    unallocated_share: float
    vacancy_rate: float
    agency_cover_at_start: float
    turnover_multiplier: float
    recruit_mean_days: float
    asye_intake: float
    agency_cover: float
    agency_contract_days: float
    agency_conversion: float
    internal_promotion: float
    progression_rate: float
    part_time_share: float
    establishment_growth: float
    improvement_posts: float
    maternity_cover: float
    sickness_multiplier: float
    team_practitioners: int = 5
    recover_to: Preset | None = None


TYPICAL = Preset(
    target_caseload=16.0,
    referral_trend=0.02,
    seasonality=0.12,
    breach_after_days=15.0,
    overflow=1.3,
    unallocated_share=0.0,
    vacancy_rate=0.19,
    agency_cover_at_start=0.92,
    turnover_multiplier=1.2,
    recruit_mean_days=1100.0,
    asye_intake=0.15,
    agency_cover=1.0,
    agency_contract_days=300.0,
    agency_conversion=0.15,
    internal_promotion=0.5,
    progression_rate=0.25,
    part_time_share=0.12,
    establishment_growth=0.015,
    improvement_posts=0.0,
    maternity_cover=0.6,
    sickness_multiplier=1.05,
)

STRUGGLING = replace(
    TYPICAL,
    target_caseload=25.0,
    breach_after_days=3.0,
    overflow=1.9,
    unallocated_share=0.035,
    vacancy_rate=0.285,
    agency_cover_at_start=0.97,
    turnover_multiplier=2.15,
    recruit_mean_days=700.0,
    asye_intake=0.06,
    agency_cover=1.0,
    agency_contract_days=150.0,
    agency_conversion=0.05,
    internal_promotion=0.4,
    establishment_growth=0.0,
    maternity_cover=0.6,
    sickness_multiplier=1.6,
    team_practitioners=7,
)

# Where a recovering council ends up: typical rates, reached by recruiting hard while vacancies are
# above the typical level, taking more newly qualified staff (and converting agency workers), with
# the extra posts of its improvement plan.
RECOVERED = replace(
    TYPICAL,
    recruit_mean_days=640.0,
    asye_intake=0.17,
    agency_conversion=0.3,
)

RECOVERING = replace(STRUGGLING, improvement_posts=0.18, recover_to=RECOVERED)

PRESETS: dict[str, Preset] = {
    "typical": TYPICAL,
    "struggling": STRUGGLING,
    "recovering": RECOVERING,
}


def blend(first: Preset, second: Preset, weight: float) -> Preset:
    """Numeric (float) parameters interpolated: ``weight`` 0 gives ``first``, 1 gives ``second``;
    whole-number parameters (``team_practitioners``) stay ``first``'s."""
    changes: dict[str, Any] = {}
    for field in fields(Preset):
        a = getattr(first, field.name)
        b = getattr(second, field.name)
        if isinstance(a, float) and isinstance(b, float):
            changes[field.name] = a + (b - a) * weight
    return replace(first, recover_to=None, **changes)


class PresetPath:
    """The preset in force on each day of a simulation.

    A steady preset applies throughout. For a recovering preset, workforce and absence parameters
    apply unchanged to census year 1, ramp linearly to its ``recover_to`` between the end of year 1
    and the start of the final year (through the final year when there are only two), and apply
    fully after that. Demand (``target_caseload`` and ``unallocated_share``) eases over the whole
    period instead, slowly at first (weight ``t ** 1.5`` of the elapsed share ``t``), because the
    cases open at any time include children in care for years. A one-year simulation of a
    recovering preset stays in its starting state.
    """

    DEMAND_POWER = 1.5

    def __init__(self, preset: Preset, start: int, years: int) -> None:
        self.start = start
        self.end = anniversary(start, years) - 1
        self.initial = replace(preset, recover_to=None)
        self.final = preset.recover_to if preset.recover_to is not None else self.initial
        # A single year has no room to recover: it stays in the starting state.
        self.steady = preset.recover_to is None or years < 2
        self.ramp_start = anniversary(start, 1)
        self.ramp_end = anniversary(start, max(years - 1, 2))
        self._cache: dict[int, Preset] = {}

    def weight(self, day: int) -> float:
        """Workforce recovery: 0 before it starts, 1 once recovered."""
        if self.steady or day <= self.ramp_start:
            return 0.0
        if day >= self.ramp_end:
            return 1.0
        return (day - self.ramp_start) / (self.ramp_end - self.ramp_start)

    def demand_weight(self, day: int) -> float:
        """Demand recovery: 0 on the first day, 1 on the last."""
        if self.steady or day <= self.start:
            return 0.0
        share = min(1.0, (day - self.start) / (self.end - self.start))
        return float(share**self.DEMAND_POWER)

    def demand(self, day: int) -> tuple[float, float]:
        """``target_caseload`` and ``unallocated_share`` on exactly ``day``."""
        weight = self.demand_weight(day)
        first, last = self.initial, self.final
        caseload = first.target_caseload + (last.target_caseload - first.target_caseload) * weight
        waiting = (
            first.unallocated_share + (last.unallocated_share - first.unallocated_share) * weight
        )
        return caseload, waiting

    def at(self, day: int) -> Preset:
        """The parameters in force on ``day`` (resolved to the month)."""
        if self.steady:
            return self.initial
        month = (day - self.start) // 30
        cached = self._cache.get(month)
        if cached is None:
            middle = self.start + month * 30
            cached = blend(self.initial, self.final, self.weight(middle))
            demand = blend(self.initial, self.final, self.demand_weight(middle))
            cached = replace(
                cached,
                target_caseload=demand.target_caseload,
                unallocated_share=demand.unallocated_share,
            )
            self._cache[month] = cached
        return cached
