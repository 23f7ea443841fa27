"""Own staff and agency workers over time: an event-driven simulation with daily resolution.

Model:

- Every funded post has at most one own holder; a post without one is vacant.
- Own staff leave with a hazard by length of service that peaks at 2-3 years, scaled by the
  preset, plus retirement from 60. Each 1 October the year's leavers are chosen by systematic
  sampling with those probabilities (so a council's turnover stays near its expectation), their
  leaving days spread evenly over the year; people starting during a year join the same
  systematic draw for the rest of it.
- Each month a recruitment round fills vacant posts (vacant for three weeks or more): each with
  chance ``30 / recruit_mean_days`` (shorter for managers and support workers), scaled up when
  vacancies run above the preset's ``vacancy_rate`` and down when below (councils step up
  recruitment when short), the number of hires rounded systematically and each starting on a
  weekday that month. Advanced practitioner
  and manager posts may instead go to an internal promotion (``internal_promotion``), which
  vacates the promoted person's post.
- An ASYE cohort of ``asye_intake`` per practitioner post starts each autumn: half on the first
  Monday of September, 30% on the first Monday of October, the rest on other days of those
  months, in vacant practitioner posts (uncovered ones first). ASYEs become social workers after
  12 months; social workers with 2.5+ years' experience progress to senior at
  ``progression_rate``; a few move team or change hours each year.
- Each Monday agency workers are engaged for vacant posts until the covered share of vacancies
  reaches ``agency_cover`` (lower for managers, none for support workers). An agency spell carries
  the ``post_id`` it covers and ends (``contract_ended``) when its engagement runs out or an own
  worker takes the post; some agency workers convert to own staff in the post (start origin 4).
- Women aged 24-44 take maternity leave at about 4.5% a year (26-52 weeks); case holders' leave is
  covered by agency at ``maternity_cover``; some return part time and some leave at the end.
- Each 1 April the establishment grows by ``establishment_growth`` practitioner posts; a
  recovering council also gets ``improvement_posts`` when its recovery starts.

The starting workforce comes from :mod:`caseload.synthetic.careers`.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from caseload.domain import ContractType, Role, SpellEndReason
from caseload.synthetic.careers import CareerPlan, ServiceSampler, plan_career
from caseload.synthetic.days import YEAR, date_of, day_of, first_monday, next_weekday, weekday
from caseload.synthetic.draws import cumulative, weighted_index
from caseload.synthetic.establishment import OPERATIONAL, PRACTITIONER_POSTS, Area, PostRec
from caseload.synthetic.people import WorkerRec
from caseload.synthetic.records import SpellRec
from caseload.synthetic.staffing import (
    COVER_FACTOR,
    ORIGINS,
    SUPPORT_ORIGINS,
    Kind,
    Staffing,
    pick,
)

MATERNITY_RATE = 0.045
TEAM_MOVE_RATE = 0.03
HOURS_CHANGE_RATE = 0.02
MIN_VACANT_DAYS = 21


@dataclass
class WorkforceResult:
    workers: list[WorkerRec]
    spells: list[SpellRec]
    maternity: list[tuple[int, int, int | None]]


class Workforce(Staffing):
    """Simulates staffing of an establishment from ``start`` to ``end`` (day numbers)."""

    def run(self) -> WorkforceResult:
        self.seed()
        self.push(self.start, Kind.LEAVERS, 0)
        first = self.start + (7 - weekday(self.start)) % 7
        for monday in range(first, self.end + 1, 7):
            self.push(monday, Kind.WEEKLY, 0)
        for year in range(date_of(self.start).year, date_of(self.end).year + 1):
            if (october := day_of(date(year, 10, 1))) > self.start:
                self.push(october, Kind.LEAVERS, 0)
            for month in range(1, 13):
                if self.start < (day := day_of(date(year, month, 1))):
                    self.push(day, Kind.MONTHLY, 0)
            self.push(max(self.start, day_of(date(year, 8, 1))), Kind.COHORT, year)
            if (april := day_of(date(year, 4, 1))) > self.start:
                self.push(april, Kind.GROWTH, 0)
        if not self.path.steady:
            self.push(self.path.ramp_start, Kind.GROWTH, 1)
        handlers = {
            Kind.LEAVE: self._leave,
            Kind.MAT_END: self._maternity_end,
            Kind.AGENCY_END: self._agency_end,
            Kind.ASYE_DONE: self._asye_done,
            Kind.LEAVERS: self._leavers,
            Kind.MONTHLY: self._monthly,
            Kind.GROWTH: self._growth,
            Kind.COHORT: self._cohort,
            Kind.MAT_START: self._maternity_start,
            Kind.COHORT_HIRE: self._cohort_hire,
            Kind.FILL: self._fill,
            Kind.WEEKLY: self._agency_round,
        }
        while self.events:
            day, kind, _, a, b = heapq.heappop(self.events)
            handlers[Kind(kind)](day, a, b)
        spells = [s for s in self.spells if not s.deleted]
        return WorkforceResult(self.people.workers, spells, self.maternity)

    # ----------------------------------------------------------------- the first day

    def seed(self) -> None:
        """The workforce on the day before ``start``: careers of current holders, vacancies and
        their agency cover."""
        rng = self.rng
        preset = self.path.at(self.start)
        service = ServiceSampler(preset.turnover_multiplier)
        last = self.start - 1
        posts = list(self.est.posts)
        support = [p.id for p in posts if p.role == Role.FAMILY_SUPPORT_WORKER]
        census = [p.id for p in posts if p.role != Role.FAMILY_SUPPORT_WORKER]
        vacant = set(_share(rng, support, 0.15)) | set(_share(rng, census, preset.vacancy_rate))
        covered = set(_share(rng, sorted(vacant), preset.agency_cover_at_start))
        for post in posts:
            if post.id not in vacant:
                self._seed_holder(post, plan_career(post.role, self.start, rng, service))
                continue
            since = last - int(rng.exponential(120.0))
            self.vacate(post.id, self.start, since=since)
            if post.id in covered and rng.random() < COVER_FACTOR.get(post.role, 1.0):
                began = max(since + 7, last - int(rng.exponential(150.0)))
                ends = self.start + int(rng.exponential(preset.agency_contract_days * 0.7))
                self.start_agency(post, min(began, last), ends)

    def _seed_holder(self, post: PostRec, plan: CareerPlan) -> None:
        rng = self.rng
        if plan.qualified is None:
            worker = self.people.support_worker(plan.hired)
            origin = pick(rng, SUPPORT_ORIGINS)
        else:
            worker = self.people.social_worker(plan.qualified, self.start, agency=False)
            origin = 1 if plan.newly_qualified else pick(rng, ORIGINS)
        fte = self.hours(post, self.start)
        for i, step in enumerate(plan.steps):
            team = post.team_id if step.in_post else self._history_team(post, step.role)
            spell = SpellRec(
                worker.id, ContractType.OWN, step.role, fte, team,
                post.id if step.in_post else None, step.start, start_origin=origin,
            )  # fmt: skip
            if i + 1 < len(plan.steps):
                spell.end = plan.steps[i + 1].start - 1
                spell.end_reason = SpellEndReason.ROLE_CHANGE
                self.spells.append(spell)
            else:
                self.open_spell(spell)
        self.holder[post.id] = worker.id
        self.own[worker.id] = None
        self.service_start[worker.id] = plan.hired
        if plan.steps[-1].role == Role.ASYE:
            self.push(plan.steps[-1].start + 365, Kind.ASYE_DONE, worker.id)

    def _history_team(self, post: PostRec, role: Role) -> int:
        area = post.area if post.area in OPERATIONAL else Area.CIN_CP
        if role == Role.SERVICE_MANAGER:
            return self.est.area_node[area]
        teams = self.est.area_teams[area]
        return teams[int(self.rng.integers(len(teams)))]

    # ----------------------------------------------------------------- events

    def _leave(self, day: int, worker: int, _: int) -> None:
        planned = self.leave_on.get(worker)
        employed = worker in self.own and worker in self.current
        if planned is not None and planned[0] == day and employed:
            self.leave(worker, day, planned[1])

    def _leavers(self, day: int, _: int, __: int) -> None:
        """Choose who leaves during the census year starting ``day`` (systematic sampling)."""
        last = self.year_end(day)
        pool = [w for w in self.own if w not in self.leave_on or self.leave_on[w][0] < day]
        chosen: list[tuple[int, float]] = []
        for index in self.rng.permutation(len(pool)):
            worker = pool[int(index)]
            chance, retire_share = self.leaving_chance(worker, day, last)
            if self.leaves_by_chance(worker, chance):
                chosen.append((worker, retire_share))
        # Leaving days spread evenly over the year (stratified), in random order of people.
        span = last - day + 1
        for k, (worker, retire_share) in enumerate(chosen):
            leaves = day + int((k + self.rng.random()) * span / len(chosen))
            self.leave_on[worker] = (leaves, self.rng.random() < retire_share)
            self.push(leaves, Kind.LEAVE, worker)

    def _asye_done(self, day: int, worker: int, _: int) -> None:
        spell = self.current.get(worker)
        if spell is not None and spell.role == Role.ASYE and worker in self.own:
            self.change(worker, day, SpellEndReason.ROLE_CHANGE, role=Role.SOCIAL_WORKER)

    def _agency_end(self, day: int, worker: int, _: int) -> None:
        """An engagement that ran to its planned end (the day before) stops."""
        spell = self.current.get(worker)
        if spell is None or spell.contract != ContractType.AGENCY or spell.planned_end != day - 1:
            return
        self.end_spell(spell, day - 1, SpellEndReason.CONTRACT_ENDED)
        if spell.post_id is not None and self.cover.get(spell.post_id) == worker:
            del self.cover[spell.post_id]

    def _agency_round(self, day: int, _: int, __: int) -> None:
        """Engage agency workers until the covered share of vacancies reaches the preset's."""
        vacant = self.vacant_on(day)
        if not vacant:
            return
        chances = np.array([self.cover_chance(self.est.post(p).role, day) for p in vacant])
        covered = sum(1 for p in vacant if p in self.cover)
        needed = math.floor(float(chances.sum()) - covered + self.rng.random())
        open_posts = [i for i, p in enumerate(vacant) if p not in self.cover and chances[i] > 0]
        needed = min(needed, len(open_posts))
        if needed <= 0:
            return
        weights = chances[open_posts]
        chosen = self.rng.choice(open_posts, size=needed, replace=False, p=weights / weights.sum())
        for index in sorted(int(i) for i in chosen):
            self.start_agency(self.est.post(vacant[index]), day)

    def _recruit(self, day: int) -> None:
        """The monthly recruitment round: external hires for vacant posts."""
        pool = [
            p
            for p, since in self.vacant.items()
            if since <= day - MIN_VACANT_DAYS and not self.internal.get(p)
        ]
        if not pool:
            return
        rates = np.array([self.recruit_rate(self.est.post(p).role, day) for p in pool])
        rates *= self._pressure(day)
        self.recruit_carry += float(rates.sum())
        count = min(len(pool), math.floor(self.recruit_carry))
        self.recruit_carry -= count
        if count <= 0:
            return
        chosen = self.rng.choice(len(pool), size=count, replace=False, p=rates / rates.sum())
        for index in sorted(int(i) for i in chosen):
            post = pool[index]
            starts = next_weekday(day + int(self.rng.integers(0, 28)))
            self.push(starts, Kind.FILL, post, self.token[post])

    def _pressure(self, day: int) -> float:
        """How hard the council recruits: the cube of its vacancy share (by count, census posts)
        over the usual level, within 0.25 to 4."""
        funded = [p for p in self.est.posts if p.end is None and p.role.org_role is not None]
        vacant = sum(1 for p in funded if p.id in self.vacant)
        usual = self.path.at(day).vacancy_rate
        return float(np.clip((vacant / len(funded) / usual) ** 3, 0.25, 4.0))

    def _fill(self, day: int, post_id: int, token: int) -> None:
        if self.token.get(post_id) != token or self.holder.get(post_id) is not None:
            return
        post = self.est.post(post_id)
        rng = self.rng
        if self.internal.get(post_id):
            if self.promote(post, day):
                return
            self.internal[post_id] = False
            return
        covering = self.cover.get(post_id)
        if (
            covering is not None
            and covering in self.current
            and self.current[covering].start < day
            and rng.random() < self.path.at(day).agency_conversion
        ):
            agency = self.current[covering]
            self.end_spell(agency, day - 1, SpellEndReason.CONTRACT_ENDED)
            del self.cover[post_id]
            worker = self.people.workers[covering - 1]
            self.hire(post, day, agency.role, 4, worker)
        elif post.role == Role.FAMILY_SUPPORT_WORKER:
            self.hire(post, day, post.role, pick(rng, SUPPORT_ORIGINS))
        elif post.role in PRACTITIONER_POSTS:
            senior = rng.random() < 0.35
            role = Role.SENIOR_SOCIAL_WORKER if senior else Role.SOCIAL_WORKER
            self.hire(post, day, role, pick(rng, ORIGINS))
        else:
            self.hire(post, day, post.role, pick(rng, ORIGINS))

    def _cohort(self, day: int, year: int, _: int) -> None:
        rng = self.rng
        posts = sum(1 for p in self.est.posts if p.role in PRACTITIONER_POSTS and p.end is None)
        count = math.floor(self.path.at(day).asye_intake * posts + rng.random())
        september, october = first_monday(year, 9), first_monday(year, 10)
        window_start = day_of(date(year, 9, 1))
        in_september = round(count * 0.5)
        in_october = round(count * 0.3)
        for i in range(count):
            if i < in_september:
                start = september
            elif i < in_september + in_october:
                start = october
            else:
                start = next_weekday(window_start + int(rng.integers(61)))
            if start >= self.start:
                self.push(start, Kind.COHORT_HIRE, 0)

    def _cohort_hire(self, day: int, _: int, __: int) -> None:
        posts = [p for p in self.vacant_on(day) if self.est.post(p).role in PRACTITIONER_POSTS]
        posts = [p for p in posts if p not in self.cover] or posts
        if posts:
            post = self.est.post(posts[int(self.rng.integers(len(posts)))])
            self.hire(post, day, Role.ASYE, 1)

    def _growth(self, day: int, improvement: int, _: int) -> None:
        """New practitioner posts: the yearly growth, or the improvement plan's posts."""
        rng = self.rng
        preset = self.path.at(day)
        share = self.path.initial.improvement_posts if improvement else preset.establishment_growth
        posts = sum(1 for p in self.est.posts if p.role in PRACTITIONER_POSTS and p.end is None)
        count = math.floor(share * posts + rng.random())
        areas = list(OPERATIONAL)
        weights = np.array([self.shares[a] for a in areas])
        for _ in range(count):
            area = areas[weighted_index(rng, cumulative(weights / weights.sum()))]
            before = len(self.est.posts)
            self.est.add_practitioner(area, day, rng, preset.part_time_share)
            for post in self.est.posts[before:]:
                self.vacate(post.id, day)

    def _monthly(self, day: int, _: int, __: int) -> None:
        """The recruitment round, then each own worker's chance of progressing, moving team,
        changing hours or starting maternity leave this month."""
        self._recruit(day)
        rng = self.rng
        preset = self.path.at(day)
        for worker in list(self.own):
            spell = self.current.get(worker)
            if spell is None or worker in self.on_maternity:
                continue
            person = self.people.workers[worker - 1]
            roll = rng.random() * 12.0
            if roll < preset.progression_rate:
                qualified = person.qualification_date
                experienced = qualified is not None and day - qualified >= 2.5 * YEAR
                if spell.role == Role.SOCIAL_WORKER and experienced:
                    self.change(
                        worker, day, SpellEndReason.ROLE_CHANGE, role=Role.SENIOR_SOCIAL_WORKER
                    )
                continue
            roll -= preset.progression_rate
            if roll < TEAM_MOVE_RATE:
                self._move_team(worker, spell, day)
            elif roll < TEAM_MOVE_RATE + HOURS_CHANGE_RATE:
                fte = 0.8 if spell.fte == 1.0 else 1.0
                self.change(worker, day, SpellEndReason.FTE_CHANGE, fte=fte)
            elif roll < TEAM_MOVE_RATE + HOURS_CHANGE_RATE + MATERNITY_RATE:
                age = (day - (person.birth_date or day)) / YEAR
                if person.gender == 2 and 24.0 <= age <= 44.0:
                    self._plan_maternity(worker, day + int(rng.integers(0, 28)))

    def _move_team(self, worker: int, spell: SpellRec, day: int) -> None:
        """A social worker moves to a vacant practitioner post in another team of their area."""
        if spell.role not in (Role.SOCIAL_WORKER, Role.SENIOR_SOCIAL_WORKER):
            return
        if spell.post_id is None or spell.start >= day:
            return
        area = self.est.post(spell.post_id).area
        options = [
            p
            for p in self.vacant_on(day)
            if (post := self.est.post(p)).role in PRACTITIONER_POSTS
            and post.area == area
            and post.team_id != spell.team_id
        ]
        if not options:
            return
        target = self.est.post(options[int(self.rng.integers(len(options)))])
        old = spell.post_id
        self.change(worker, day, SpellEndReason.TEAM_CHANGE, post=target)
        self.vacate(old, day)
        self.take_post(worker, target.id, day)

    def _plan_maternity(self, worker: int, first: int) -> None:
        if first > self.end:
            return
        rng = self.rng
        last = first + int(rng.integers(180, 366)) - 1
        leaving = self.leave_on.get(worker)
        if leaving is not None and leaving[0] < first:
            return
        if leaving is not None and leaving[0] <= last:
            last = leaving[0]
        elif last <= self.end and self.leaves_by_chance(worker, 0.12):
            self.leave_on[worker] = (last, False)
            self.push(last, Kind.LEAVE, worker)
        self.on_maternity[worker] = last
        self.maternity.append((worker, first, last if last <= self.end else None))
        self.push(first, Kind.MAT_START, worker, last)
        self.push(last, Kind.MAT_END, worker)

    def _maternity_start(self, day: int, worker: int, last: int) -> None:
        spell = self.current.get(worker)
        if spell is None or spell.post_id is None or not spell.holds_cases:
            return
        if (
            spell.post_id not in self.cover
            and self.rng.random() < self.path.at(day).maternity_cover
        ):
            self.start_agency(self.est.post(spell.post_id), day, last)

    def _maternity_end(self, day: int, worker: int, _: int) -> None:
        if self.on_maternity.get(worker) != day:
            return
        del self.on_maternity[worker]
        spell = self.current.get(worker)
        leaving = self.leave_on.get(worker)
        if spell is None or (leaving is not None and day <= leaving[0] <= day + 1):
            return
        if spell.fte == 1.0 and self.rng.random() < 0.3 and day + 1 <= self.end:
            fte = 0.6 if self.rng.random() < 0.5 else 0.8
            self.change(worker, day + 1, SpellEndReason.FTE_CHANGE, fte=fte)


def _share(rng: np.random.Generator, items: list[int], share: float) -> list[int]:
    """A random subset of ``items`` of size ``share * len(items)`` (randomly rounded)."""
    count = math.floor(share * len(items) + rng.random())
    order = rng.permutation(len(items))[:count]
    return [items[int(i)] for i in order]
