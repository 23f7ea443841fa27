"""Practice quality for a council on a day: statutory visits, recording, reviews, supervision and
case file audits against the council's practice standards, and linked to caseloads. The figures
are defined in :mod:`caseload.practice`; this module reads the practice records once per state
of the council's data (beside the caseload frames of the council snapshot) and works out each
day's figures once, for the command line, the reports and the scorecard.

Periods: visits, recording, reviews and supervision over the **three months** to the reporting
date (``PERIOD_MONTHS``), audits over the **twelve months** to it (``AUDIT_MONTHS``): long
enough to be steady, short enough to show a change between bi-monthly Steering Groups."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.errors import InvalidInputError, NotFoundError
from caseload.practice import audits as audit_figures
from caseload.practice import linked, reviews, supervision, visits
from caseload.practice.calendar import WorkingCalendar, working_calendar
from caseload.practice.standards import PracticeStandards, default_standards, load_standards
from caseload.retention.flows import team_services
from caseload.services.caseloads import CouncilData, council_data, only_council
from caseload.storage import practice_frames
from caseload.storage.engine import session_scope

PERIOD_MONTHS = 3
AUDIT_MONTHS = 12
PRACTICE_MEASURES = (
    "recording_on_time",
    "supervision_compliance",
    "visits_on_time",
    "audits_good_or_better",
)
STANDARDS_SETTING = "CASELOAD_PRACTICE_STANDARDS"


@dataclass(frozen=True)
class PracticeRecords:
    visits: pl.DataFrame
    reviews: pl.DataFrame
    supervisions: pl.DataFrame
    audits: pl.DataFrame
    audit_grades: pl.DataFrame

    @property
    def empty(self) -> bool:
        return not any(
            frame.height for frame in (self.visits, self.reviews, self.supervisions, self.audits)
        )


@dataclass(frozen=True)
class PracticeDay:
    """Every practice figure of one council on one day (unsuppressed: the callers apply the
    audience's disclosure)."""

    as_at: date
    period_start: date
    audit_start: date
    has_visits: bool
    has_reviews: bool
    has_supervision: bool
    has_audits: bool
    visits: pl.DataFrame  # visit_summary: council
    visits_by_service: pl.DataFrame
    visits_by_team: pl.DataFrame
    seen: pl.DataFrame  # seen_summary: council
    recording: pl.DataFrame  # recording_summary: council
    recording_by_service: pl.DataFrame
    reviews: pl.DataFrame  # review_summary by case_type
    supervision: pl.DataFrame  # compliance: council
    supervision_by_team: pl.DataFrame
    supervision_overdue: int
    grades: pl.DataFrame
    domain_grades: pl.DataFrame
    moderation: audit_figures.ModerationAgreement
    themes: pl.DataFrame
    visits_by_band: pl.DataFrame
    grades_by_band: pl.DataFrame

    def measure(self, name: str) -> float | None:
        """The scorecard's practice measures (per cent): visits_on_time, recording_on_time,
        supervision_compliance, audits_good_or_better (:func:`measure_value`)."""
        return measure_value(
            name,
            visit_summary=self.visits if self.has_visits else None,
            recording_summary=self.recording if self.has_visits else None,
            compliance=self.supervision if self.has_supervision else None,
            grades=self.grades if self.has_audits else None,
        )


def measure_value(
    name: str,
    *,
    visit_summary: pl.DataFrame | None,
    recording_summary: pl.DataFrame | None,
    compliance: pl.DataFrame | None,
    grades: pl.DataFrame | None,
) -> float | None:
    """One scorecard practice measure from its council-level summary (None: no records of that
    kind): the on-time rate of the period's visits due, of its visits written up, the share of
    supervised worker-days up to date, and the share of the audit period's audits graded good or
    outstanding (the moderated grade where there is one)."""
    if name == "visits_on_time" and visit_summary is not None:
        return _first(visit_summary, "on_time_rate")
    if name == "recording_on_time" and recording_summary is not None:
        return _first(recording_summary, "on_time_rate")
    if name == "supervision_compliance" and compliance is not None:
        return _first(compliance, "compliance")
    if name == "audits_good_or_better" and grades is not None:
        good = grades.filter(pl.col("grade").is_in(audit_figures.GOOD_OR_BETTER))
        total = int(grades["audits"].sum())
        return round(100.0 * int(good["audits"].sum()) / total, 1) if total else None
    return None


def _first(frame: pl.DataFrame, column: str) -> float | None:
    if frame.height == 0 or column not in frame.columns:
        return None
    value = frame[column][0]
    return float(value) if value is not None else None


def practice_standards() -> PracticeStandards:
    """The council's standards: the file ``CASELOAD_PRACTICE_STANDARDS`` names, else the
    built-in ones."""
    named = (os.environ.get(STANDARDS_SETTING) or "").strip()
    return load_standards(Path(named)) if named else default_standards()


def council_standards(council: CouncilData) -> PracticeStandards:
    """:func:`practice_standards`, parsed once while the file stays as it is."""
    named = (os.environ.get(STANDARDS_SETTING) or "").strip()
    path = Path(named) if named else None
    stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    found: PracticeStandards = council.snapshots.policies.get_or_build(
        ("practice standards", named, stamp), practice_standards
    )
    return found


def practice_records(engine: Engine, council: CouncilData) -> PracticeRecords:
    """The council's practice records, read once per state of its data."""

    def build() -> PracticeRecords:
        ids = [council.authority.id]
        with session_scope(engine) as session:
            return PracticeRecords(
                visits=practice_frames.visits_frame(session, ids),
                reviews=practice_frames.reviews_frame(session, ids),
                supervisions=practice_frames.supervisions_frame(session, ids),
                audits=practice_frames.audits_frame(session, ids),
                audit_grades=practice_frames.audit_grades_frame(session, ids),
            )

    found: PracticeRecords = council.snapshots.council_data.get_or_build(
        (*council.key, "practice records"), build
    )
    return found


def _months_before(day: date, months: int) -> date:
    """The day after the same day ``months`` months earlier (a period of whole months)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last)) + timedelta(days=1)


def worker_teams(council: CouncilData, day: date) -> pl.DataFrame:
    """worker_id, team, service: each worker's team on ``day`` (own and agency spells), and the
    team's service area."""
    data = council.data
    spells = data.spells.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    teams = team_services(data.teams)
    return (
        spells.sort("start_date", descending=True)
        .unique("worker_id", keep="first")
        .select("worker_id", "team")
        .join(teams, on="team", how="left")
    )


def practice_day(engine: Engine, *, authority_id: int, as_at: date) -> PracticeDay:
    """The council's practice figures on ``as_at``, worked out once per state of its data."""
    day, _ = practice_figures(engine, authority_id=authority_id, as_at=as_at, trend_days=())
    return day


def practice_figures(
    engine: Engine, *, authority_id: int, as_at: date, trend_days: Sequence[date]
) -> tuple[PracticeDay, dict[date, dict[str, float | None]]]:
    """:func:`practice_day` on ``as_at`` and :func:`practice_trend` on ``trend_days`` (what the
    scorecard and the reports read together), each worked out once per state of the council's
    data; the visit windows of those not worked out yet in one pass."""
    council = council_data(engine, authority_id=authority_id)
    records = practice_records(engine, council)
    standards = council_standards(council)
    calendar = working_calendar(standards)
    cache = council.snapshots.reports
    day_key = (*council.key, "practice", as_at)
    trend_keys = {day: (*council.key, "practice measures", day) for day in sorted(set(trend_days))}
    wanted = [as_at] if cache.get(day_key) is None else []
    wanted += [day for day, key in trend_keys.items() if cache.get(key) is None]
    windows = _visit_windows(council, records, standards, calendar, wanted)
    found: PracticeDay = cache.get_or_build(
        day_key,
        partial(_practice_day, council, records, standards, calendar, as_at, windows.get(as_at)),
    )
    trend = {
        day: cache.get_or_build(
            key,
            partial(_measures_on, council, records, standards, calendar, day, windows.get(day)),
        )
        for day, key in trend_keys.items()
    }
    return found, trend


def _visit_windows(
    council: CouncilData,
    records: PracticeRecords,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    days: Sequence[date],
) -> dict[date, pl.DataFrame]:
    """The visit windows of the period to each of ``days``, in one pass
    (:func:`visits.visit_windows_for`)."""
    unique = sorted(set(days))
    periods = [(_months_before(day, PERIOD_MONTHS), day) for day in unique]
    frames = visits.visit_windows_for(
        council.data.statuses, records.visits, standards, calendar, periods
    )
    return dict(zip(unique, frames, strict=True))


@dataclass(frozen=True)
class _Period:
    """What the scorecard's measures and the day's figures share: the periods to ``as_at``, the
    visit windows and the period's visits due, recording and supervised worker-days."""

    start: date
    audit_start: date
    windows: pl.DataFrame
    due: pl.DataFrame
    recorded: pl.DataFrame
    supervised_days: pl.DataFrame


def _period(
    council: CouncilData,
    records: PracticeRecords,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    as_at: date,
    windows: pl.DataFrame | None = None,
) -> _Period:
    """The period to ``as_at``; ``windows``: its visit windows when already worked out (as
    :func:`visits.visit_windows` gives them from the period's start to ``as_at``)."""
    data = council.data
    start = _months_before(as_at, PERIOD_MONTHS)
    if windows is None:
        windows = visits.visit_windows(
            data.statuses, records.visits, standards, calendar, as_at, since=start
        )
    return _Period(
        start=start,
        audit_start=_months_before(as_at, AUDIT_MONTHS),
        windows=windows,
        due=visits.visits_due(windows, data.allocations, start, as_at),
        recorded=visits.recording(
            records.visits, data.allocations, standards, calendar, start, as_at
        ),
        supervised_days=supervision.supervision_days(
            data.spells, records.supervisions, standards, start, as_at, managers=data.managers
        ),
    )


def _practice_day(
    council: CouncilData,
    records: PracticeRecords,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    as_at: date,
    windows: pl.DataFrame | None = None,
) -> PracticeDay:
    data = council.data
    period = _period(council, records, standards, calendar, as_at, windows)
    start, audit_start, due, recorded = (
        period.start,
        period.audit_start,
        period.due,
        period.recorded,
    )
    teams = worker_teams(council, as_at)
    allocations = data.allocations
    position = visits.visits_position(period.windows, records.visits, allocations, as_at)
    review_window = reviews.review_windows(
        data.statuses, records.reviews, standards, calendar, as_at, since=start
    )
    held = reviews.reviews_due(review_window, start, as_at)
    supervised = supervision_on(council, records, as_at)
    policy = council.policy.policy
    on_time = due.filter(pl.col("outcome").is_in(["on_time", "late", "missed"])).with_columns(
        (pl.col("outcome") == "on_time").alias("on_time"),
        pl.col("due_date").alias("visit_date"),
    )
    graded = audit_figures.audits_between(records.audits, audit_start, as_at)
    steps = (
        linked.caseload_steps(allocations, data.spells, policy)
        if on_time.height or graded.height
        else None
    )
    return PracticeDay(
        as_at=as_at,
        period_start=start,
        audit_start=audit_start,
        has_visits=records.visits.height > 0,
        has_reviews=records.reviews.height > 0,
        has_supervision=records.supervisions.height > 0,
        has_audits=graded.height > 0,
        visits=visits.visit_summary(due),
        visits_by_service=visits.visit_summary(due, ("service",), teams),
        visits_by_team=visits.visit_summary(due, ("team",), teams),
        seen=visits.seen_summary(position),
        recording=visits.recording_summary(recorded),
        recording_by_service=visits.recording_summary(recorded, ("service",), teams),
        reviews=reviews.review_summary(held, ("case_type",)),
        supervision=supervision.supervision_compliance(period.supervised_days),
        supervision_by_team=supervision.supervision_compliance(period.supervised_days, "team"),
        supervision_overdue=int(supervised["overdue"].sum()) if supervised.height else 0,
        grades=audit_figures.grade_distribution(records.audits, audit_start, as_at),
        domain_grades=audit_figures.domain_grade_distribution(
            records.audits, records.audit_grades, audit_start, as_at
        ),
        moderation=audit_figures.moderation_agreement(records.audits, audit_start, as_at),
        themes=audit_figures.theme_counts(records.audits, audit_start, as_at),
        visits_by_band=linked.visits_by_band(on_time, allocations, data.spells, policy, steps=steps)
        if on_time.height
        else pl.DataFrame(),
        grades_by_band=linked.grades_by_band(graded, allocations, data.spells, policy, steps=steps)
        if graded.height
        else pl.DataFrame(),
    )


def supervision_on(council: CouncilData, records: PracticeRecords, day: date) -> pl.DataFrame:
    """:func:`supervision.supervision_position` of the council's workers on ``day`` under its
    standards, worked out once per state of its data (the practice figures and the ASYE
    programmes both read it)."""

    def build() -> pl.DataFrame:
        data = council.data
        return supervision.supervision_position(
            data.spells,
            records.supervisions,
            council_standards(council),
            day,
            managers=data.managers,
        )

    found: pl.DataFrame = council.snapshots.reports.get_or_build(
        (*council.key, "supervision position", day), build
    )
    return found


def _earliest(frame: pl.DataFrame, column: str) -> date | None:
    found = frame[column].min() if frame.height else None
    return found if isinstance(found, date) else None


def _measures_on(
    council: CouncilData,
    records: PracticeRecords,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    as_at: date,
    windows: pl.DataFrame | None = None,
) -> dict[str, float | None]:
    """The four practice measures on ``as_at`` exactly as :meth:`PracticeDay.measure` gives
    them, leaving out a kind of record whose period starts before its first record (a measure
    over a period the records do not cover would count every visit or session as missed)."""
    period = _period(council, records, standards, calendar, as_at, windows)
    first_visit = _earliest(records.visits, "visit_date")
    first_session = _earliest(records.supervisions, "supervision_date")
    first_audit = _earliest(records.audits, "audit_date")
    visits_covered = first_visit is not None and first_visit <= period.start
    sessions_covered = first_session is not None and first_session <= period.start
    grades = audit_figures.grade_distribution(records.audits, period.audit_start, as_at)
    audits_covered = first_audit is not None and first_audit <= period.audit_start
    return {
        name: measure_value(
            name,
            visit_summary=visits.visit_summary(period.due) if visits_covered else None,
            recording_summary=visits.recording_summary(period.recorded) if visits_covered else None,
            compliance=supervision.supervision_compliance(period.supervised_days)
            if sessions_covered
            else None,
            grades=grades if audits_covered and int(grades["audits"].sum()) else None,
        )
        for name in PRACTICE_MEASURES
    }


def practice_trend(
    engine: Engine, *, authority_id: int, days: Sequence[date]
) -> dict[date, dict[str, float | None]]:
    """The scorecard's practice measures on each of ``days`` (for a measure's trend), each day
    worked out once per state of the council's data; the visit windows of the days not worked
    out yet in one pass (:func:`visits.visit_windows_for`)."""
    council = council_data(engine, authority_id=authority_id)
    records = practice_records(engine, council)
    standards = council_standards(council)
    calendar = working_calendar(standards)
    cache = council.snapshots.reports
    keys = {day: (*council.key, "practice measures", day) for day in sorted(set(days))}
    missing = [day for day, key in keys.items() if cache.get(key) is None]
    windows = _visit_windows(council, records, standards, calendar, missing)
    return {
        day: cache.get_or_build(
            key,
            partial(_measures_on, council, records, standards, calendar, day, windows.get(day)),
        )
        for day, key in keys.items()
    }


def practice_summary(day: PracticeDay) -> dict[str, Any]:
    """The day's council-level figures as plain values (for the command line's JSON)."""

    def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                key: (value.isoformat() if isinstance(value, date) else value)
                for key, value in row.items()
            }
            for row in frame.iter_rows(named=True)
        ]

    moderation = day.moderation
    return {
        "as_at": day.as_at.isoformat(),
        "period": {"from": day.period_start.isoformat(), "to": day.as_at.isoformat()},
        "audit_period": {"from": day.audit_start.isoformat(), "to": day.as_at.isoformat()},
        "visits": rows(day.visits),
        "visits_by_service": rows(day.visits_by_service),
        "children_seen": rows(day.seen),
        "recording": rows(day.recording),
        "reviews": rows(day.reviews),
        "supervision": rows(day.supervision),
        "supervision_by_team": rows(day.supervision_by_team),
        "supervision_overdue": day.supervision_overdue,
        "audit_grades": rows(day.grades),
        "moderation": {
            "audits": moderation.audits,
            "moderated": moderation.moderated,
            "agreed_share": moderation.agreed_share,
            "moved_up_share": moderation.moved_up_share,
            "moved_down_share": moderation.moved_down_share,
        },
        "themes": rows(day.themes),
        "visits_by_band": rows(day.visits_by_band),
        "grades_by_band": rows(day.grades_by_band),
    }


def council_practice(
    engine: Engine, *, authority_code: str | None, as_at: date | None
) -> PracticeDay:
    """The practice figures of a council (the only one when no code is given) on ``as_at``
    (default its data date), for the command line."""
    council = council_data(engine, authority_code=authority_code or only_council(engine))
    day = as_at or council.latest
    if day is None:
        raise NotFoundError(f"council {council.authority.code} holds no dated records yet")
    if council.latest is not None and day > council.latest:
        raise InvalidInputError(
            f"--as-at {day.isoformat()} is after the data date {council.latest.isoformat()}"
        )
    if practice_records(engine, council).empty:
        raise NotFoundError(
            f"council {council.authority.code} has no practice records yet: load the SSD's "
            "visits tables, a supervision file or an audit file"
        )
    return practice_day(engine, authority_id=council.authority.id, as_at=day)
