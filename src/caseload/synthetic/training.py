"""A synthetic council's learning academy and pipeline: its courses, training records of its own
staff (with some never done, some lapsed and some about to expire), a learning offer and
resource hub of about thirty entries with attendance, practice educators and placements of
students and apprentices, some of whom became the council's ASYE starters.

Drawn from a random stream of its own (a child of the council's seed spawned after every other
stream), so the other frames are the same with or without it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from caseload.synthetic.days import date_of

# code, title, mandatory, roles (';'-separated, empty: all), renewal months
COURSES: tuple[tuple[str, str, bool, str, int | None], ...] = (
    ("SG-L3", "Safeguarding children (level 3)", True, "", 36),
    ("IG", "Information governance and data protection", True, "", 12),
    ("EDI", "Equality, diversity and inclusion", True, "", 36),
    (
        "COURT",
        "Court skills and evidence",
        True,
        "asye;social_worker;senior_social_worker;advanced_practitioner",
        None,
    ),
    (
        "DA",
        "Domestic abuse: assessment and safety planning",
        True,
        "asye;social_worker;senior_social_worker;advanced_practitioner;family_support_worker",
        36,
    ),
    ("SUP", "Reflective supervision for managers", True, "team_manager;service_manager", None),
    ("MI", "Motivational interviewing", False, "", None),
    ("TIP", "Trauma-informed practice", False, "", None),
    ("PE1", "Practice educator stage 1", False, "", None),
)
# code, kind, title, summary, link, event offset (days from the data date), tags, course
OFFER: tuple[tuple[str, str, str, str, str | None, int | None, str, str | None], ...] = (
    (
        "C-SG",
        "course",
        "Safeguarding children (level 3)",
        "Two days on recognising and responding to harm.",
        "Learning centre, room 1",
        None,
        "safeguarding;mandatory",
        "SG-L3",
    ),
    (
        "C-IG",
        "course",
        "Information governance (e-learning)",
        "Handling children's records lawfully.",
        "https://learning.example.gov.uk/ig",
        None,
        "records;mandatory",
        "IG",
    ),
    (
        "C-EDI",
        "course",
        "Equality, diversity and inclusion",
        "Anti-racist and anti-discriminatory practice.",
        "https://learning.example.gov.uk/edi",
        None,
        "equality;mandatory",
        "EDI",
    ),
    (
        "C-COURT",
        "course",
        "Court skills and evidence",
        "Writing statements and giving evidence in care proceedings.",
        "Civic centre, training suite",
        None,
        "court;evidence;mandatory",
        "COURT",
    ),
    (
        "C-DA",
        "course",
        "Domestic abuse: assessment and safety planning",
        "Using the DASH risk checklist and planning with families.",
        "Learning centre, room 2",
        None,
        "domestic abuse;assessment;mandatory",
        "DA",
    ),
    (
        "C-SUP",
        "course",
        "Reflective supervision for managers",
        "The supervision policy in practice.",
        "Learning centre, room 1",
        None,
        "supervision;managers",
        "SUP",
    ),
    (
        "C-MI",
        "course",
        "Motivational interviewing",
        "Three half-days of skills practice.",
        "Learning centre, room 3",
        None,
        "direct work;skills",
        "MI",
    ),
    (
        "C-TIP",
        "course",
        "Trauma-informed practice",
        "Understanding the effect of trauma on children and parents.",
        "Learning centre, room 2",
        None,
        "trauma;direct work",
        "TIP",
    ),
    (
        "C-PE1",
        "course",
        "Practice educator stage 1",
        "Becoming a practice educator for students.",
        "University partnership",
        None,
        "students;practice educator",
        "PE1",
    ),
    (
        "G-NEGLECT",
        "guidance",
        "Neglect practice guidance",
        "Evidencing neglect with the graded care profile.",
        "https://learning.example.gov.uk/neglect",
        None,
        "neglect;assessment",
        None,
    ),
    (
        "G-CSE",
        "guidance",
        "Exploitation: practice guidance",
        "Child sexual and criminal exploitation, contextual safeguarding.",
        "https://learning.example.gov.uk/exploitation",
        None,
        "exploitation;adolescents",
        None,
    ),
    (
        "G-VOICE",
        "guidance",
        "The voice of the child in records",
        "Writing to the child: examples and a checklist.",
        "https://learning.example.gov.uk/voice",
        None,
        "recording;voice of the child",
        None,
    ),
    (
        "G-PLO",
        "guidance",
        "Pre-proceedings (PLO) guidance",
        "Letters before proceedings and the meeting.",
        "https://learning.example.gov.uk/plo",
        None,
        "court;pre-proceedings",
        None,
    ),
    (
        "G-SUP",
        "guidance",
        "Supervision policy",
        "How often, what to record, reflective supervision.",
        "https://learning.example.gov.uk/supervision",
        None,
        "supervision;policy",
        None,
    ),
    (
        "G-CHRON",
        "guidance",
        "Chronologies",
        "Keeping a chronology that helps analysis.",
        "https://learning.example.gov.uk/chronologies",
        None,
        "recording;assessment",
        None,
    ),
    (
        "G-ASYE",
        "guidance",
        "ASYE handbook",
        "The first year in practice: reviews, protected caseload, portfolio.",
        "https://learning.example.gov.uk/asye",
        None,
        "asye;newly qualified",
        None,
    ),
    (
        "T-GENO",
        "tool",
        "Genogram and ecomap templates",
        "Drawing family networks with the family.",
        "https://learning.example.gov.uk/genogram",
        None,
        "direct work;family;assessment",
        None,
    ),
    (
        "T-DASH",
        "tool",
        "DASH risk checklist",
        "The domestic abuse risk checklist with notes.",
        "https://learning.example.gov.uk/dash",
        None,
        "domestic abuse;risk",
        None,
    ),
    (
        "T-GCP2",
        "tool",
        "Graded care profile 2",
        "The neglect assessment tool and scoring guide.",
        "https://learning.example.gov.uk/gcp2",
        None,
        "neglect;assessment",
        None,
    ),
    (
        "T-WORDS",
        "tool",
        "Three houses and wizards",
        "Direct work tools for younger children.",
        "https://learning.example.gov.uk/three-houses",
        None,
        "direct work;voice of the child",
        None,
    ),
    (
        "T-CASE",
        "tool",
        "Case summary template",
        "A one-page summary for transfers.",
        "https://learning.example.gov.uk/case-summary",
        None,
        "recording;transfer",
        None,
    ),
    (
        "E-FORUM-1",
        "event",
        "Practice forum: neglect",
        "Learning from audits on neglect.",
        "Civic centre, hall",
        -150,
        "neglect;audit;forum",
        None,
    ),
    (
        "E-FORUM-2",
        "event",
        "Practice forum: exploitation",
        "With the police exploitation team.",
        "Civic centre, hall",
        -90,
        "exploitation;forum",
        None,
    ),
    (
        "E-FORUM-3",
        "event",
        "Practice forum: voice of the child",
        "Care-experienced young people lead the session.",
        "Civic centre, hall",
        -30,
        "voice of the child;forum",
        None,
    ),
    (
        "E-ASYE",
        "event",
        "ASYE celebration and cohort day",
        "Marking the end of the first year.",
        "Town hall",
        -60,
        "asye;newly qualified",
        None,
    ),
    (
        "E-CONF",
        "event",
        "Annual practice conference",
        "Keynotes and workshops for all staff.",
        "Conference centre",
        -200,
        "conference;practice",
        None,
    ),
    (
        "E-PE",
        "event",
        "Practice educators' network",
        "Support for practice educators.",
        "Learning centre, room 3",
        -45,
        "students;practice educator",
        None,
    ),
    (
        "E-COURT",
        "event",
        "Court skills workshop with the local judge",
        "Questions and answers on care proceedings.",
        "Family court",
        20,
        "court;evidence",
        None,
    ),
    (
        "E-BRIEF",
        "event",
        "Lessons from safeguarding reviews",
        "A briefing on local and national reviews.",
        "Online",
        35,
        "safeguarding;reviews",
        None,
    ),
    (
        "E-FORUM-4",
        "event",
        "Practice forum: chronologies",
        "Chronologies that help analysis.",
        "Civic centre, hall",
        50,
        "recording;forum",
        None,
    ),
)
NEVER_DONE = 0.06  # share of (worker, course) pairs never completed
LATE_RENEWAL = 0.25  # share of renewals made after the record expired
EDUCATOR_SHARE = 0.15  # of senior practitioners and managers in post at the end
STUDENTS_PER_YEAR = 0.12  # placements per practitioner FTE a year, roughly
CONVERSIONS = 0.45  # share of ASYE starters who had a placement here


TRAINING_COLUMNS = ("id", "worker_id", "course_id", "completed_date", "expiry_date", "external_id")
ATTENDANCE_COLUMNS = ("id", "worker_id", "item_id", "attended_date")
PLACEMENT_COLUMNS = (
    "id",
    "learner_ref",
    "learner_kind",
    "programme",
    "study_year",
    "team_id",
    "educator_id",
    "start_date",
    "end_date",
    "outcome",
    "converted_worker_id",
    "converted_date",
    "external_id",
)


@dataclass(frozen=True)
class TrainingData:
    courses: pl.DataFrame
    training: pl.DataFrame
    items: pl.DataFrame
    attendance: pl.DataFrame
    educators: pl.DataFrame
    placements: pl.DataFrame


def _months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _courses_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(1, len(COURSES) + 1)),
            "code": [c[0] for c in COURSES],
            "title": [c[1] for c in COURSES],
            "mandatory": [c[2] for c in COURSES],
            "roles": [c[3] or None for c in COURSES],
            "renewal_months": [c[4] for c in COURSES],
        },
        schema={
            "id": pl.Int64,
            "code": pl.Utf8,
            "title": pl.Utf8,
            "mandatory": pl.Boolean,
            "roles": pl.Utf8,
            "renewal_months": pl.Int64,
        },
    )


def _training(rng: np.random.Generator, spells: pl.DataFrame, end: date) -> pl.DataFrame:
    """Each own worker completes each course of their roles soon after starting it, and renews
    it near its expiry (some late, some never)."""
    own = spells.filter(pl.col("contract") == "own")
    first = (
        own.group_by("worker_id")
        .agg(
            pl.col("start_date").min().alias("start"),
            pl.col("end_date").max().alias("finish"),
            pl.col("end_date").is_null().any().alias("open"),
            pl.col("role").unique().alias("roles"),
        )
        .sort("worker_id")
    )
    rows: list[tuple[int, int, date, date | None]] = []
    for worker_id, start, finish, still, roles in first.iter_rows():
        leaving = end if still else finish
        for course_id, (_, _, mandatory, for_roles, renewal) in enumerate(COURSES, start=1):
            wanted = for_roles.split(";") if for_roles else None
            if wanted is not None and not set(roles) & set(wanted):
                continue
            if not mandatory and rng.random() > 0.3:
                continue
            if rng.random() < NEVER_DONE:
                continue
            done = start + timedelta(days=int(rng.integers(5, 150)))
            while done <= leaving:
                expiry = None if renewal is None else _months(done, renewal) - timedelta(days=1)
                rows.append((worker_id, course_id, done, expiry))
                if expiry is None:
                    break
                early = int(rng.integers(-75, 0))
                late = int(rng.integers(1, 120)) if rng.random() < LATE_RENEWAL else early
                done = expiry + timedelta(days=late)
    return pl.DataFrame(
        rows,
        schema={
            "worker_id": pl.Int64,
            "course_id": pl.Int64,
            "completed_date": pl.Date,
            "expiry_date": pl.Date,
        },
        orient="row",
    ).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"),
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )


def _items(end: date) -> pl.DataFrame:
    course_ids = {c[0]: index for index, c in enumerate(COURSES, start=1)}
    return pl.DataFrame(
        {
            "id": list(range(1, len(OFFER) + 1)),
            "code": [o[0] for o in OFFER],
            "kind": [o[1] for o in OFFER],
            "title": [o[2] for o in OFFER],
            "summary": [o[3] for o in OFFER],
            "link": [o[4] for o in OFFER],
            "event_date": [None if o[5] is None else end + timedelta(days=o[5]) for o in OFFER],
            "tags": [o[6] for o in OFFER],
            "course_id": [course_ids.get(o[7]) if o[7] else None for o in OFFER],
        },
        schema={
            "id": pl.Int64,
            "code": pl.Utf8,
            "kind": pl.Utf8,
            "title": pl.Utf8,
            "summary": pl.Utf8,
            "link": pl.Utf8,
            "event_date": pl.Date,
            "tags": pl.Utf8,
            "course_id": pl.Int64,
        },
    )


def _attendance(
    rng: np.random.Generator,
    items: pl.DataFrame,
    training: pl.DataFrame,
    spells: pl.DataFrame,
    end: date,
) -> pl.DataFrame:
    """Course sessions are the training records of the offer's courses; each past event draws
    some of the own staff in post on its day."""
    sessions = training.join(
        items.filter(pl.col("course_id").is_not_null()).select(
            pl.col("id").alias("item_id"), "course_id"
        ),
        on="course_id",
    ).select("worker_id", "item_id", pl.col("completed_date").alias("attended_date"))
    frames = [sessions]
    own = spells.filter(pl.col("contract") == "own")
    for item_id, day in (
        items.filter(pl.col("event_date").is_not_null() & (pl.col("event_date") <= end))
        .select("id", "event_date")
        .iter_rows()
    ):
        there = (
            own.filter(
                (pl.col("start_date") <= day)
                & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
            )["worker_id"]
            .unique()
            .sort()
            .to_numpy()
        )
        if there.size == 0:
            continue
        count = min(there.size, int(rng.integers(max(1, there.size // 8), max(2, there.size // 3))))
        chosen = np.sort(rng.choice(there, size=count, replace=False))
        frames.append(
            pl.DataFrame(
                {"worker_id": chosen, "item_id": item_id, "attended_date": day},
                schema={"worker_id": pl.Int64, "item_id": pl.Int64, "attended_date": pl.Date},
            )
        )
    return (
        pl.concat(frames)
        .unique(["worker_id", "item_id", "attended_date"])
        .sort("attended_date", "item_id", "worker_id")
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"))
    )


def _educators(rng: np.random.Generator, spells: pl.DataFrame, end: date) -> pl.DataFrame:
    senior = ("senior_social_worker", "advanced_practitioner", "team_manager")
    there = (
        spells.filter(
            (pl.col("contract") == "own")
            & pl.col("role").is_in(senior)
            & pl.col("end_date").is_null()
        )
        .select("worker_id", "start_date")
        .unique("worker_id")
        .sort("worker_id")
    )
    picked = there.filter(pl.Series(rng.random(there.height) < EDUCATOR_SHARE))
    count = picked.height
    return pl.DataFrame(
        {
            "id": list(range(1, count + 1)),
            "worker_id": picked["worker_id"],
            "stage": rng.choice([1, 2], size=count, p=[0.6, 0.4]).astype(np.int64),
            "accredited_date": [
                max(start, end - timedelta(days=int(days)))
                for start, days in zip(
                    picked["start_date"], rng.integers(60, 2000, count), strict=True
                )
            ],
            "capacity": rng.choice([1, 2], size=count, p=[0.7, 0.3]).astype(np.int64),
        },
        schema={
            "id": pl.Int64,
            "worker_id": pl.Int64,
            "stage": pl.Int64,
            "accredited_date": pl.Date,
            "capacity": pl.Int64,
        },
    )


def _placements(
    rng: np.random.Generator,
    spells: pl.DataFrame,
    teams: pl.DataFrame,
    educators: pl.DataFrame,
    start: date,
    end: date,
) -> pl.DataFrame:
    """Final placements ending before each ASYE starter's first day (for some of them), and
    other placements through the years, running at the data date too, and the next academic
    year's, agreed in advance (starting after the data date)."""
    asye = (
        spells.filter((pl.col("contract") == "own") & (pl.col("role") == "asye"))
        .sort("start_date")
        .unique("worker_id", keep="first")
        .filter(pl.col("start_date") > start + timedelta(days=200))
        .sort("worker_id")
    )
    practice_teams = teams.filter(pl.col("kind") == "team")["id"].to_numpy()
    educator_ids = educators["worker_id"].to_numpy()
    universities = (
        "University of the North, BA Social Work",
        "City University, MA Social Work",
        "Metropolitan University, BA Social Work",
        "Social Work Degree Apprenticeship (Metropolitan University)",
    )
    rows: list[dict[str, object]] = []

    def add(
        kind: str,
        year: int,
        begin: date,
        finish: date,
        team: int | None,
        outcome: str | None,
        converted: int | None,
        converted_on: date | None,
    ) -> None:
        educator = int(rng.choice(educator_ids)) if educator_ids.size else None
        programme = (
            universities[3] if kind == "apprentice" else universities[int(rng.integers(0, 3))]
        )
        rows.append(
            {
                "learner_ref": f"L{len(rows) + 1:04d}",
                "learner_kind": kind,
                "programme": programme,
                "study_year": year,
                "team_id": team,
                "educator_id": educator,
                "start_date": begin,
                "end_date": finish,
                "outcome": outcome,
                "converted_worker_id": converted,
                "converted_date": converted_on,
            }
        )

    for worker_id, team_id, first_day in asye.select(
        "worker_id", "team_id", "start_date"
    ).iter_rows():
        if rng.random() >= CONVERSIONS:
            continue
        finish = first_day - timedelta(days=int(rng.integers(60, 150)))
        kind = "apprentice" if rng.random() < 0.25 else "student"
        add(kind, 3, finish - timedelta(days=170), finish, team_id, "passed", worker_id, first_day)
    years = max(1, (end - start).days // 365)
    per_year = max(2, round(practice_teams.size * 1.2 * STUDENTS_PER_YEAR * 5))
    for offset in range(years + 1):
        autumn = date(start.year + offset, 9, 15)
        for _ in range(per_year):
            # The coming year's placements are agreed with the universities in advance, so
            # some start after the data date (planned, with no outcome yet).
            begin = autumn + timedelta(days=int(rng.integers(0, 140)))
            kind = "apprentice" if rng.random() < 0.25 else "student"
            year = int(rng.choice([2, 3]))
            finish = begin + timedelta(days=int(rng.choice([100, 170])))
            outcome = None
            if finish <= end:
                outcome = str(rng.choice(["passed", "failed", "withdrawn"], p=[0.88, 0.05, 0.07]))
            team = int(rng.choice(practice_teams)) if practice_teams.size else None
            add(kind, year, begin, finish, team, outcome, None, None)
    frame = pl.DataFrame(
        rows,
        schema={
            "learner_ref": pl.Utf8,
            "learner_kind": pl.Utf8,
            "programme": pl.Utf8,
            "study_year": pl.Int64,
            "team_id": pl.Int64,
            "educator_id": pl.Int64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "outcome": pl.Utf8,
            "converted_worker_id": pl.Int64,
            "converted_date": pl.Date,
        },
    )
    return frame.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"),
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )


def generate_training(
    rng: np.random.Generator, *, first: int, last: int, frames: dict[str, pl.DataFrame]
) -> TrainingData:
    """The learning academy and pipeline of a council simulated from day ``first`` to ``last``
    (``frames``: its teams and employment spells, with local ids)."""
    start, end = date_of(first), date_of(last)
    spells = frames["employment_spell"]
    training_rng, attendance_rng, educator_rng, placement_rng = rng.spawn(4)
    courses = _courses_frame()
    training = _training(training_rng, spells, end)
    items = _items(end)
    attendance = _attendance(attendance_rng, items, training, spells, end)
    educators = _educators(educator_rng, spells, end)
    placements = _placements(placement_rng, spells, frames["team"], educators, start, end)
    return TrainingData(
        courses,
        training.select(*TRAINING_COLUMNS),
        items,
        attendance.select(*ATTENDANCE_COLUMNS),
        educators,
        placements.select(*PLACEMENT_COLUMNS),
    )
