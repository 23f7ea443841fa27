"""The state of a council's staffing and the operations that change it: spells, posts, hiring,
leaving and agency cover. :mod:`caseload.synthetic.workforce` drives these with events.

Any change ends the current spell the day before and opens a new one, so one person never has two
spells on a day. A change on the day a spell started drops that spell (no zero-length spells).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import replace
from datetime import date
from enum import IntEnum

import numpy as np

from caseload.domain import ContractType, Role, SpellEndReason
from caseload.synthetic.careers import leave_hazard, retirement_hazard
from caseload.synthetic.days import YEAR, date_of, day_of
from caseload.synthetic.draws import cumulative, weighted_index
from caseload.synthetic.establishment import (
    PART_TIME_FTES,
    PRACTITIONER_POSTS,
    Area,
    Establishment,
    PostRec,
)
from caseload.synthetic.people import PersonFactory, WorkerRec
from caseload.synthetic.presets import PresetPath
from caseload.synthetic.records import SpellRec

# Census code mixes: (code, weight).
ORIGINS = ((2, 42), (3, 6), (4, 18), (5, 10), (6, 5), (7, 7), (8, 3), (9, 9))
SUPPORT_ORIGINS = ((6, 40), (7, 35), (8, 10), (9, 15))
REASONS = ((1, 86), (2, 1), (3, 0.5), (4, 3), (6, 0.2), (7, 2), (8, 4), (9, 3.3))
DESTINATIONS = ((1, 34), (2, 3), (3, 18), (4, 10), (5, 5), (6, 12), (7, 5), (8, 13))

# Agency cover probability relative to the preset's, by post role.
COVER_FACTOR: dict[Role, float] = {
    Role.TEAM_MANAGER: 0.95,
    Role.SERVICE_MANAGER: 0.8,
    Role.SENIOR_MANAGER: 0.7,
    Role.QUALIFIED_WITHOUT_CASES: 0.9,
    Role.FAMILY_SUPPORT_WORKER: 0.0,
}
# Mean days to recruit relative to the preset's, by post role.
RECRUIT_FACTOR: dict[Role, float] = {
    Role.TEAM_MANAGER: 0.7,
    Role.SERVICE_MANAGER: 0.7,
    Role.SENIOR_MANAGER: 0.7,
    Role.QUALIFIED_WITHOUT_CASES: 0.7,
    Role.FAMILY_SUPPORT_WORKER: 0.3,
}
PROMOTABLE: dict[Role, tuple[Role, ...]] = {
    Role.ADVANCED_PRACTITIONER: (Role.SENIOR_SOCIAL_WORKER, Role.SOCIAL_WORKER),
    Role.TEAM_MANAGER: (Role.ADVANCED_PRACTITIONER, Role.SENIOR_SOCIAL_WORKER),
    Role.SERVICE_MANAGER: (Role.TEAM_MANAGER,),
    Role.SENIOR_MANAGER: (Role.SERVICE_MANAGER,),
    Role.QUALIFIED_WITHOUT_CASES: (Role.SENIOR_SOCIAL_WORKER, Role.ADVANCED_PRACTITIONER),
}


class Kind(IntEnum):
    """Event kinds, in the order they are handled within a day."""

    LEAVE = 0
    MAT_END = 1
    AGENCY_END = 2
    ASYE_DONE = 3
    LEAVERS = 4
    MONTHLY = 5
    GROWTH = 6
    COHORT = 7
    MAT_START = 8
    COHORT_HIRE = 9
    FILL = 10
    WEEKLY = 11


def pick(rng: np.random.Generator, mix: tuple[tuple[int, float], ...]) -> int:
    """A code drawn from a weighted mix."""
    weights = np.array([w for _, w in mix], dtype=np.float64)
    return mix[weighted_index(rng, cumulative(weights / weights.sum()))][0]


def experience(role: Role, rng: np.random.Generator) -> int:
    """Days of post-qualifying experience of an external hire into ``role``."""
    floor = {
        Role.SENIOR_SOCIAL_WORKER: 3.0,
        Role.ADVANCED_PRACTITIONER: 4.0,
        Role.TEAM_MANAGER: 5.0,
        Role.SERVICE_MANAGER: 9.0,
        Role.SENIOR_MANAGER: 14.0,
        Role.QUALIFIED_WITHOUT_CASES: 5.0,
    }.get(role, 1.0)
    return round((floor + rng.lognormal(math.log(3.0), 0.7)) * YEAR)


class Staffing:
    """Who holds which post, who covers it, and every spell so far (day numbers throughout)."""

    def __init__(
        self,
        est: Establishment,
        people: PersonFactory,
        path: PresetPath,
        start: int,
        end: int,
        rng: np.random.Generator,
        shares: dict[Area, float],
    ) -> None:
        self.est = est
        self.people = people
        self.path = path
        self.start = start
        self.end = end
        self.rng = rng
        self.shares = shares
        self.spells: list[SpellRec] = []
        self.current: dict[int, SpellRec] = {}
        self.holder: dict[int, int | None] = {}
        self.cover: dict[int, int] = {}
        self.vacant: dict[int, int] = {}
        self.token: dict[int, int] = {}
        self.internal: dict[int, bool] = {}
        self.own: dict[int, None] = {}
        self.leave_on: dict[int, tuple[int, bool]] = {}
        self.service_start: dict[int, int] = {}
        self.on_maternity: dict[int, int] = {}
        self.maternity: list[tuple[int, int, int | None]] = []
        self.events: list[tuple[int, int, int, int, int]] = []
        self._seq = 0
        self._multipliers: dict[int, float] = {}
        self._systematic: dict[int, float] = {}
        self.recruit_carry = 0.0

    def push(self, day: int, kind: Kind, a: int, b: int = 0) -> None:
        if day <= self.end:
            self._seq += 1
            heapq.heappush(self.events, (day, int(kind), self._seq, a, b))

    # ----------------------------------------------------------------- spells

    def open_spell(self, spell: SpellRec) -> SpellRec:
        self.spells.append(spell)
        self.current[spell.worker_id] = spell
        return spell

    def end_spell(self, spell: SpellRec, last: int, reason: SpellEndReason) -> None:
        if last < spell.start:
            spell.deleted = True
        spell.end = last
        spell.end_reason = reason
        if self.current.get(spell.worker_id) is spell:
            del self.current[spell.worker_id]

    def change(
        self,
        worker: int,
        day: int,
        reason: SpellEndReason,
        *,
        role: Role | None = None,
        fte: float | None = None,
        post: PostRec | None = None,
    ) -> SpellRec:
        """End the worker's spell on ``day - 1`` and continue from ``day`` with the changes."""
        old = self.current[worker]
        new = replace(old, start=day, end=None, end_reason=None, deleted=False)
        if role is not None:
            new.role = role
        if fte is not None:
            new.fte = fte
        if post is not None:
            new.team_id = post.team_id
            new.post_id = post.id
        self.end_spell(old, day - 1, reason)
        return self.open_spell(new)

    # ----------------------------------------------------------------- posts

    def cover_chance(self, role: Role, day: int) -> float:
        return self.path.at(day).agency_cover * COVER_FACTOR.get(role, 1.0)

    def recruit_rate(self, role: Role, day: int) -> float:
        """Chance per monthly round that a vacant post of ``role`` is filled (before the council's
        recruitment pressure, see ``Workforce._pressure``)."""
        mean = self.path.at(day).recruit_mean_days * RECRUIT_FACTOR.get(role, 1.0)
        return min(1.0, 30.0 / mean)

    def vacate(self, post_id: int, day: int, *, since: int | None = None) -> None:
        """The post has no own holder from ``day``. Advanced practitioner and manager posts may
        be earmarked for an internal promotion; the rest wait for a recruitment round."""
        post = self.est.post(post_id)
        self.holder[post_id] = None
        if post.end is not None or day > self.end:
            return
        self.vacant[post_id] = day if since is None else since
        token = self.token.get(post_id, 0) + 1
        self.token[post_id] = token
        internal = (
            post.role in PROMOTABLE and self.rng.random() < self.path.at(day).internal_promotion
        )
        self.internal[post_id] = internal
        if internal:
            self.push(day + int(self.rng.integers(20, 90)), Kind.FILL, post_id, token)

    def vacant_on(self, day: int) -> list[int]:
        """Posts with no own holder on ``day`` (a leaver's post is vacant from the next day)."""
        return [p for p, since in self.vacant.items() if since <= day]

    def take_post(self, worker: int, post_id: int, day: int) -> None:
        """An own worker fills a vacant post from ``day``; agency cover ends the day before."""
        covering = self.cover.pop(post_id, None)
        if covering is not None and covering != worker and covering in self.current:
            self.end_spell(self.current[covering], day - 1, SpellEndReason.CONTRACT_ENDED)
        self.holder[post_id] = worker
        self.vacant.pop(post_id, None)
        self.internal.pop(post_id, None)
        self.token[post_id] = self.token.get(post_id, 0) + 1

    def start_agency(self, post: PostRec, day: int, planned_end: int | None = None) -> None:
        """An agency worker (at least 3 years qualified) covers the post from ``day``."""
        rng = self.rng
        role = post.role
        if role in PRACTITIONER_POSTS:
            role = Role.SENIOR_SOCIAL_WORKER if rng.random() < 0.35 else Role.SOCIAL_WORKER
        qualified = day - round((3.0 + rng.lognormal(math.log(5.0), 0.6)) * YEAR)
        worker = self.people.social_worker(qualified, day, agency=True)
        if planned_end is None:
            median = self.path.at(day).agency_contract_days
            length = int(np.clip(rng.lognormal(math.log(median), 0.6), 28, 1100))
            planned_end = day + length - 1
        self.open_spell(
            SpellRec(
                worker.id, ContractType.AGENCY, role, post.fte, post.team_id, post.id, day,
                planned_end=planned_end,
            )
        )  # fmt: skip
        self.cover[post.id] = worker.id
        self.push(planned_end + 1, Kind.AGENCY_END, worker.id)

    # ----------------------------------------------------------------- own staff

    def multiplier(self, day: int) -> float:
        month = (day - self.start) // 30
        value = self._multipliers.get(month)
        if value is None:
            value = self.path.at(day).turnover_multiplier
            self._multipliers[month] = value
        return value

    def year_end(self, day: int) -> int:
        """The last day of the census year containing ``day`` (or the simulation's last day)."""
        when = date_of(day)
        year = when.year + (1 if when.month >= 10 else 0)
        return min(day_of(date(year, 9, 30)), self.end)

    def leaving_chance(self, worker: int, first: int, last: int) -> tuple[float, float]:
        """Probability of leaving between ``first`` and ``last``, and the retirement share."""
        person = self.people.workers[worker - 1]
        middle = (first + last) // 2
        base = leave_hazard((middle - self.service_start[worker]) / YEAR) * self.multiplier(middle)
        birth = person.birth_date if person.birth_date is not None else middle
        retire = retirement_hazard((middle - birth) / YEAR)
        hazard = base + retire
        chance = 1.0 - math.exp(-hazard * (last - first + 1) / YEAR)
        return chance, retire / hazard if hazard > 0 else 0.0

    def plan_leaving(self, worker: int, first: int, last: int, retire_share: float) -> None:
        day = int(self.rng.integers(first, last + 1))
        self.leave_on[worker] = (day, self.rng.random() < retire_share)
        self.push(day, Kind.LEAVE, worker)

    def leaves_by_chance(self, worker: int, chance: float) -> bool:
        """Systematic sampling: each call selects with probability ``chance``, and the number
        selected over many calls stays within one of the sum of the chances (kept separately for
        census roles and family support workers)."""
        spell = self.current.get(worker)
        stratum = 1 if spell is not None and spell.role.org_role is None else 0
        if stratum not in self._systematic:
            self._systematic[stratum] = self.rng.random()
        before = self._systematic[stratum]
        after = before + chance
        self._systematic[stratum] = after
        return math.floor(after) > math.floor(before)

    def schedule_leaving(self, worker: int, first: int) -> None:
        """A worker starting part way through a census year may leave before it ends."""
        last = self.year_end(first)
        if first <= last:
            chance, retire_share = self.leaving_chance(worker, first, last)
            if self.leaves_by_chance(worker, chance):
                self.plan_leaving(worker, first, last, retire_share)

    def hire(
        self, post: PostRec, day: int, role: Role, origin: int, worker: WorkerRec | None = None
    ) -> None:
        """An own worker (a new person unless ``worker`` is given) starts in a vacant post."""
        rng = self.rng
        if worker is None:
            if role == Role.FAMILY_SUPPORT_WORKER:
                worker = self.people.support_worker(day)
            elif role == Role.ASYE:
                qualified = day - int(rng.integers(20, 141))
                worker = self.people.social_worker(qualified, day, agency=False)
            else:
                worker = self.people.social_worker(day - experience(role, rng), day, agency=False)
        self.take_post(worker.id, post.id, day)
        fte = self.hours(post, day)
        self.open_spell(
            SpellRec(
                worker.id, ContractType.OWN, role, fte, post.team_id, post.id, day,
                start_origin=origin,
            )
        )  # fmt: skip
        self.own[worker.id] = None
        self.service_start[worker.id] = day
        self.schedule_leaving(worker.id, day)
        if role == Role.ASYE:
            self.push(day + 365, Kind.ASYE_DONE, worker.id)

    def hours(self, post: PostRec, day: int) -> float:
        """The FTE of someone taking the post: the post's, sometimes part time in a full-time
        post."""
        if post.fte == 1.0 and self.rng.random() < self.path.at(day).part_time_share * 0.4:
            return PART_TIME_FTES[int(self.rng.integers(1, len(PART_TIME_FTES)))]
        return post.fte

    def leave(self, worker: int, day: int, retired: bool) -> None:
        """An own worker's last day is ``day``; their post is vacant from the next."""
        spell = self.current[worker]
        rng = self.rng
        self.end_spell(spell, day, SpellEndReason.LEFT)
        spell.reason_leave = 5 if retired else pick(rng, REASONS)
        spell.leaver_destination = 6 if retired else pick(rng, DESTINATIONS)
        if spell.reason_leave == 7:
            spell.leaver_destination = 5
        del self.own[worker]
        self.on_maternity.pop(worker, None)
        if spell.post_id is not None and self.holder.get(spell.post_id) == worker:
            self.vacate(spell.post_id, day + 1)

    def promote(self, post: PostRec, day: int) -> bool:
        """Promote an own worker (same service area for team posts) into the post, if anyone
        fits; their old post falls vacant."""
        roles = PROMOTABLE[post.role]
        same_area = post.role not in (Role.SENIOR_MANAGER, Role.QUALIFIED_WITHOUT_CASES)
        candidates = []
        for worker in self.own:
            spell = self.current.get(worker)
            if spell is None or spell.role not in roles or spell.start >= day:
                continue
            if worker in self.on_maternity or spell.post_id is None:
                continue
            if same_area and self.est.post(spell.post_id).area != post.area:
                continue
            leaving = self.leave_on.get(worker)
            if leaving is not None and leaving[0] < day + 60:
                continue
            candidates.append(worker)
        if not candidates:
            return False
        worker = candidates[int(self.rng.integers(len(candidates)))]
        old_post = self.current[worker].post_id
        fte = min(self.current[worker].fte, post.fte)
        self.change(worker, day, SpellEndReason.ROLE_CHANGE, role=post.role, fte=fte, post=post)
        if old_post is not None:
            self.vacate(old_post, day)
        self.take_post(worker, post.id, day)
        return True
