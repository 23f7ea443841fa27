"""Generating one synthetic council: the order of the simulation and the result it returns.

1. Candidate demand is generated first (independent of staffing) and its case mix sizes the
   service areas of the establishment.
2. The workforce is simulated over the period, then absences.
3. Demand is thinned so that open cases match the preset's caseload times the case-holding FTE
   (workers in post in case-holding roles and not on long absence) through the period.
4. Children are allocated day by day (those first needing a worker in the spec's last
   ``awaiting_allocation_days`` are left waiting for the next allocation meeting).
5. Practice records (visits, reviews, supervision, case file audits) are drawn from the result
   (:mod:`caseload.synthetic.practice`) with a stream of their own, so adding or changing them
   never moves the figures above.

Everything is drawn from ``numpy.random.Generator`` streams spawned from one ``SeedSequence`` of the
seed and the council code, so the same spec, start, years and seed give identical frames.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from caseload.synthetic import frames
from caseload.synthetic.absence import generate_absences
from caseload.synthetic.agency import agency_rng, engagements_frame
from caseload.synthetic.allocation import Allocator
from caseload.synthetic.casebook import STATUS_AREA
from caseload.synthetic.days import FloatArray, IntArray, anniversary, date_of, day_of
from caseload.synthetic.demand import (
    ChildJourneys,
    Journeys,
    burn_in_start,
    expand_children,
    referral_rates,
    simulate_journeys,
)
from caseload.synthetic.establishment import OPERATIONAL, Area, build_establishment
from caseload.synthetic.health_check import generate_health_checks
from caseload.synthetic.learning import generate_learning
from caseload.synthetic.people import PersonFactory
from caseload.synthetic.practice import generate_practice
from caseload.synthetic.presets import PRESETS, PresetPath
from caseload.synthetic.records import AbsenceRec, SpellRec
from caseload.synthetic.sizing import fit_keep, keep_families, select_children
from caseload.synthetic.specs import CouncilSpec
from caseload.synthetic.timeline import away_from, is_long
from caseload.synthetic.training import generate_training
from caseload.synthetic.workforce import Workforce

# Children with an open status per family referred per day, roughly, used to choose how many
# candidate families to generate (the fit then thins them).
STOCK_PER_DAILY_FAMILY = 480.0
OVERSUPPLY = 1.35
# Days between the knots of the thinning curve.
KNOT_DAYS = 365


@dataclass(frozen=True)
class SyntheticCouncil:
    """One simulated council. Frames follow the storage tables (without ``authority_id``) with
    local ids; ``end`` is the latest date in the data."""

    spec: CouncilSpec
    start: date
    end: date
    teams: pl.DataFrame
    team_management: pl.DataFrame
    posts: pl.DataFrame
    workers: pl.DataFrame
    employment_spells: pl.DataFrame
    absences: pl.DataFrame
    children: pl.DataFrame
    referrals: pl.DataFrame
    child_statuses: pl.DataFrame
    proceedings: pl.DataFrame
    allocations: pl.DataFrame
    visits: pl.DataFrame
    reviews: pl.DataFrame
    supervisions: pl.DataFrame
    case_audits: pl.DataFrame
    case_audit_grades: pl.DataFrame
    surveys: pl.DataFrame
    survey_questions: pl.DataFrame
    survey_responses: pl.DataFrame
    survey_answers: pl.DataFrame
    agency_engagements: pl.DataFrame
    asye_programmes: pl.DataFrame
    asye_reviews: pl.DataFrame
    progression_applications: pl.DataFrame
    courses: pl.DataFrame
    training_records: pl.DataFrame
    learning_items: pl.DataFrame
    attendance: pl.DataFrame
    practice_educators: pl.DataFrame
    placements: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        """Table name to frame, in foreign-key insert order."""
        return {
            "team": self.teams,
            "worker": self.workers,
            "team_management": self.team_management,
            "post": self.posts,
            "employment_spell": self.employment_spells,
            "absence": self.absences,
            "child": self.children,
            "referral": self.referrals,
            "child_status": self.child_statuses,
            "proceedings": self.proceedings,
            "allocation": self.allocations,
            "visit": self.visits,
            "review": self.reviews,
            "supervision": self.supervisions,
            "case_audit": self.case_audits,
            "case_audit_grade": self.case_audit_grades,
            "survey": self.surveys,
            "survey_question": self.survey_questions,
            "survey_response": self.survey_responses,
            "survey_answer": self.survey_answers,
            "agency_engagement": self.agency_engagements,
            "asye_programme": self.asye_programmes,
            "asye_review": self.asye_reviews,
            "progression_application": self.progression_applications,
            "course": self.courses,
            "training_record": self.training_records,
            "learning_item": self.learning_items,
            "attendance": self.attendance,
            "practice_educator": self.practice_educators,
            "placement": self.placements,
        }


def generate_council(spec: CouncilSpec, *, start: date, years: int, seed: int) -> SyntheticCouncil:
    """Simulate ``spec`` from ``start`` (normally 1 October) for ``years`` years."""
    if years < 1:
        raise ValueError("years must be at least 1")
    if spec.preset not in PRESETS:
        raise ValueError(f"unknown preset {spec.preset!r}; expected one of {sorted(PRESETS)}")
    if not 0 <= spec.awaiting_allocation_days <= 60:
        raise ValueError("awaiting_allocation_days must be between 0 and 60")
    first = day_of(start)
    last = anniversary(first, years) - 1
    path = PresetPath(PRESETS[spec.preset], first, years)
    root = np.random.SeedSequence([seed, zlib.crc32(spec.code.encode())])
    streams = root.spawn(6)
    structure, people, staffing, absence, demand_rng, allocation = (
        np.random.default_rng(s) for s in streams
    )

    dates = _fit_dates(start, years, first, last)
    estimate = path.at(first).target_caseload * spec.size_fte * 0.78
    rate = estimate / STOCK_PER_DAILY_FAMILY * OVERSUPPLY
    journeys, children = _candidates(demand_rng, path, rate, first, last)
    shares = _area_shares(children, dates)

    opening = path.at(first)
    est = build_establishment(
        spec.code,
        spec.size_fte,
        shares,
        first,
        structure,
        opening.part_time_share,
        opening.team_practitioners,
    )
    factory = PersonFactory(spec.code, spec.region, people)
    workforce = Workforce(est, factory, path, first, last, staffing, shares).run()
    absences = generate_absences(workforce.spells, workforce.maternity, path, first, last, absence)

    # Size demand to the workforce: open cases = caseload x case-holding FTE on each date.
    holding = _holding_fte(workforce.spells, absences, dates)
    caseload, waiting = np.array([path.demand(int(d)) for d in dates]).T
    targets = caseload * holding / (1.0 - waiting)
    knots = np.arange(anniversary(first, -2), last, KNOT_DAYS, dtype=np.int64)
    knots = np.unique(np.append(knots, last))
    values = fit_keep(journeys, children, dates, targets, knots)
    for _ in range(3):
        if values.max() <= 0.98:
            break
        rate *= float(values.max()) * 1.25
        journeys, children = _candidates(demand_rng, path, rate, first, last)
        values = fit_keep(journeys, children, dates, targets, knots)
    kept = keep_families(demand_rng, journeys, knots, values)
    demand = select_children(children, kept, first, last)

    waiting = spec.awaiting_allocation_days
    hold_from = last - waiting + 1 if waiting > 0 else None
    rows = Allocator(
        demand,
        workforce.spells,
        absences,
        est,
        path,
        first,
        last,
        allocation,
        hold_new_from=hold_from,
    ).run()

    used = sorted({s.worker_id for s in workforce.spells})
    worker_id = {old: new for new, old in enumerate(used, start=1)}
    workers = [workforce.workers[old - 1] for old in used]
    spells = sorted(workforce.spells, key=lambda s: (worker_id[s.worker_id], s.start))
    absences.sort(key=lambda a: (worker_id[a.worker_id], a.start))
    funded_from = day_of(date(date_of(first).year - 5, 4, 1))
    frames_now = {
        "team": frames.teams_frame(est),
        "worker": frames.workers_frame(workers),
        "team_management": frames.team_management_frame(est, spells, worker_id),
        "post": frames.posts_frame(est, spells, funded_from),
        "employment_spell": frames.spells_frame(spells, worker_id, last),
        "absence": frames.absences_frame(absences, worker_id),
        "child": frames.children_frame(demand, spec.code),
        "referral": frames.referrals_frame(demand),
        "child_status": frames.statuses_frame(demand),
        "proceedings": frames.proceedings_frame(demand),
        "allocation": frames.allocations_frame(rows, worker_id),
    }
    # A seventh child of the seed, after the six above, so they draw exactly as before.
    practice_rng = np.random.default_rng(root.spawn(1)[0])
    practice = generate_practice(practice_rng, first=first, last=last, frames=frames_now)
    # An eighth child for the staff health checks, so the streams above draw exactly as before.
    survey_rng = np.random.default_rng(root.spawn(1)[0])
    checks = generate_health_checks(
        survey_rng, start=date_of(first), end=date_of(last), frames=frames_now
    )
    # The agency records: a child of the seed with a fixed spawn key of its own.
    engagements = engagements_frame(
        agency_rng(root.entropy),  # type: ignore[arg-type]
        spells=frames_now["employment_spell"],
        workers=frames_now["worker"],
        council=spec.code,
        region=spec.region,
    )
    # A ninth child, after the health checks', so every stream above draws exactly as before.
    learning_rng = np.random.default_rng(root.spawn(1)[0])
    learning = generate_learning(
        learning_rng, first=date_of(first), last=date_of(last), frames=frames_now
    )
    # A tenth child, after the ASYE and progression stream, for the learning academy and pipeline.
    training_rng = np.random.default_rng(root.spawn(1)[0])
    training = generate_training(training_rng, first=first, last=last, frames=frames_now)
    return SyntheticCouncil(
        spec=spec,
        start=start,
        end=date_of(last),
        teams=frames_now["team"],
        team_management=frames_now["team_management"],
        posts=frames_now["post"],
        workers=frames_now["worker"],
        employment_spells=frames_now["employment_spell"],
        absences=frames_now["absence"],
        children=frames_now["child"],
        referrals=frames_now["referral"],
        child_statuses=frames_now["child_status"],
        proceedings=frames_now["proceedings"],
        allocations=frames_now["allocation"],
        visits=practice.visits,
        reviews=practice.reviews,
        supervisions=practice.supervisions,
        case_audits=practice.audits,
        case_audit_grades=practice.audit_grades,
        surveys=checks.surveys,
        survey_questions=checks.questions,
        survey_responses=checks.responses,
        survey_answers=checks.answers,
        agency_engagements=engagements,
        asye_programmes=learning.programmes,
        asye_reviews=learning.reviews,
        progression_applications=learning.applications,
        courses=training.courses,
        training_records=training.training,
        learning_items=training.items,
        attendance=training.attendance,
        practice_educators=training.educators,
        placements=training.placements,
    )


def _fit_dates(start: date, years: int, first: int, last: int) -> IntArray:
    """Dates demand is fitted on: every 30 days, plus each census reference date (30 September)
    twice more so the fit holds tightest there."""
    references = [day_of(date(y, 9, 30)) for y in range(start.year, start.year + years + 1)]
    census = [d for d in references if first - 1 <= d <= last]
    grid = np.unique(np.append(np.arange(first - 1, last + 1, 30), last))
    return np.sort(np.concatenate((grid, census, census))).astype(np.int64)


def _candidates(
    rng: np.random.Generator, path: PresetPath, rate: float, first: int, last: int
) -> tuple[Journeys, ChildJourneys]:
    preset = path.at(first)
    begin = burn_in_start(first)
    rates = referral_rates(begin, last, first, preset.referral_trend, preset.seasonality) * rate
    journeys = simulate_journeys(rng, rates, begin, last)
    return journeys, expand_children(rng, journeys)


def _area_shares(children: ChildJourneys, dates: IntArray) -> dict[Area, float]:
    """Average share of open cases in each operational area over ``dates``."""
    counts = np.zeros(len(STATUS_AREA), dtype=np.float64)
    for day in dates:
        open_now = (children.status_start <= day) & (children.status_end >= day)
        counts += np.bincount(children.status[open_now], minlength=len(counts))
    shares = dict.fromkeys(OPERATIONAL, 0.0)
    for status, area in enumerate(STATUS_AREA):
        shares[area] += float(counts[status])
    total = sum(shares.values())
    return {area: value / total for area, value in shares.items()}


def _holding_fte(spells: list[SpellRec], absences: list[AbsenceRec], dates: IntArray) -> FloatArray:
    """FTE in case-holding roles on each date, less those on long absence."""
    holding = [s for s in spells if s.holds_cases]
    starts = np.array([s.start for s in holding], dtype=np.int64)
    ends = np.array([s.end if s.end is not None else 2**40 for s in holding], dtype=np.int64)
    ftes = np.array([s.fte for s in holding], dtype=np.float64)
    workers = np.array([s.worker_id for s in holding], dtype=np.int64)
    away = [
        (a.worker_id, away_from(a), a.end if a.end is not None else 2**40)
        for a in absences
        if is_long(a)
    ]
    result = np.zeros(len(dates), dtype=np.float64)
    for j, day in enumerate(dates.tolist()):
        active = (starts <= day) & (ends >= day)
        absent = {w for w, s, e in away if s <= day <= e}
        if absent:
            active &= ~np.isin(workers, list(absent))
        result[j] = float(ftes[active].sum())
    return result
