"""ASYE programmes and progression applications for a synthetic council, drawn from their own
random stream after the workforce, demand and practice records, so those stay as they were.

**Programmes.** One for each worker who joined newly qualified into an ASYE post (an ``asye``
spell) whose year, as the caseload rules work it out
(:func:`caseload.caseloads.definitions.asye_status`), started in the data's span or the year
before it. The programme starts that day, so the recorded year is the one the rules already
used. Reviews at 3, 6 and 12 months are held near their due day (about one in ten late by more
than a fortnight, about one in twenty not held). A year that ended by the data date has an
outcome dated after it ends (so the ASYE year is unchanged): mostly a pass, a few fails. An
extension runs a year on beyond the 12 months, which would change the caseload rules' year, so
it is drawn only for workers who left during their year (an extension recorded as they left).

**Applications.** For about two in three of the moves up the ladder (from social worker up, as
:func:`caseload.retention.flows.progression_moves` finds them), an approved application decided
a few weeks before the move; and about one refused application for every four moves, by a
worker in the same role who did not move then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from caseload.caseloads.definitions import asye_status
from caseload.domain.learning_records import JUDGEMENTS
from caseload.retention.flows import progression_moves

REVIEW_MONTHS = (3, 6, 12)
ASSESSORS = ("Practice Educator A", "Practice Educator B", "Practice Educator C")
LADDER_APPLIED = ("social_worker", "senior_social_worker", "advanced_practitioner")
LADDER_NEXT = {
    "social_worker": "senior_social_worker",
    "senior_social_worker": "advanced_practitioner",
    "advanced_practitioner": "team_manager",
}


@dataclass(frozen=True)
class LearningRecords:
    programmes: pl.DataFrame
    reviews: pl.DataFrame
    applications: pl.DataFrame


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _programmes(
    rng: np.random.Generator, workers: pl.DataFrame, spells: pl.DataFrame, first: date, last: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    status = asye_status(workers.rename({"id": "worker_id"}), spells, last)
    asye_workers = spells.filter(pl.col("role") == "asye")["worker_id"].unique()
    left = spells.group_by("worker_id").agg(
        pl.col("end_date").max().alias("_left"), pl.col("end_date").is_null().any().alias("_open")
    )
    chosen = (
        status.filter(
            pl.col("worker_id").is_in(asye_workers.implode())
            & pl.col("asye_from").is_not_null()
            & (pl.col("asye_from") >= _months_after(first, -12))
            & (pl.col("asye_from") <= last)
        )
        .join(left, on="worker_id")
        .sort("asye_from", "worker_id")
    )
    programmes: list[dict[str, object]] = []
    reviews: list[dict[str, object]] = []
    for index, row in enumerate(chosen.iter_rows(named=True), start=1):
        start: date = row["asye_from"]
        year_end = _months_after(start, 12) - timedelta(days=1)
        gone: date | None = None if row["_open"] else row["_left"]
        outcome: str | None = None
        outcome_date: date | None = None
        extended_to: date | None = None
        draw = rng.random()
        if gone is not None and gone < year_end and draw < 0.3:
            outcome, outcome_date = "extend", gone
            extended_to = _months_after(start, 18) - timedelta(days=1)
        elif year_end < last:
            decided = year_end + timedelta(days=1 + int(rng.integers(0, 21)))
            if decided <= last and (gone is None or decided <= gone + timedelta(days=30)):
                outcome = "fail" if draw > 0.96 else "pass"
                outcome_date = decided
        programmes.append(
            {
                "id": index,
                "worker_id": row["worker_id"],
                "start_date": start,
                "assessor": ASSESSORS[int(rng.integers(0, len(ASSESSORS)))],
                "mentor": None if rng.random() < 0.2 else "Advanced practitioner mentor",
                "outcome": outcome,
                "outcome_date": outcome_date,
                "extended_to": extended_to,
            }
        )
        ends = min(d for d in (last, gone, outcome_date) if d is not None)
        for months in REVIEW_MONTHS:
            due = _months_after(start, months)
            if due > ends:
                break
            chance = rng.random()
            if chance < 0.05:
                continue  # not held
            late = chance < 0.15
            held = due + timedelta(days=int(rng.integers(15, 45) if late else rng.integers(-7, 8)))
            if held > ends:
                continue
            judgement = JUDGEMENTS[0] if rng.random() < 0.8 else JUDGEMENTS[1]
            reviews.append(
                {
                    "programme_id": index,
                    "review_point": str(months),
                    "due_date": None,
                    "held_date": held,
                    "judgement": judgement,
                }
            )
    programme_frame = pl.DataFrame(
        programmes,
        schema={
            "id": pl.Int64,
            "worker_id": pl.Int64,
            "start_date": pl.Date,
            "assessor": pl.Utf8,
            "mentor": pl.Utf8,
            "outcome": pl.Utf8,
            "outcome_date": pl.Date,
            "extended_to": pl.Date,
        },
    )
    review_frame = pl.DataFrame(
        reviews,
        schema={
            "programme_id": pl.Int64,
            "review_point": pl.Utf8,
            "due_date": pl.Date,
            "held_date": pl.Date,
            "judgement": pl.Utf8,
        },
    ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"))
    return programme_frame, review_frame.select("id", *review_frame.columns[:-1])


def _applications(
    rng: np.random.Generator, spells: pl.DataFrame, first: date, last: date
) -> pl.DataFrame:
    own = spells.with_columns(pl.col("team_id").cast(pl.Utf8).alias("team"))
    moves = progression_moves(own).filter(
        pl.col("from_role").is_in(list(LADDER_APPLIED))
        & (pl.col("moved_on") >= first)
        & (pl.col("moved_on") <= last)
    )
    rows: list[dict[str, object]] = []
    for move in moves.iter_rows(named=True):
        if rng.random() >= 2 / 3:
            continue
        decided = move["moved_on"] - timedelta(days=int(rng.integers(14, 43)))
        applied = decided - timedelta(days=int(rng.integers(21, 60)))
        rows.append(
            {
                "worker_id": move["worker_id"],
                "from_role": move["from_role"],
                "to_role": move["to_role"],
                "applied_date": applied,
                "decided_date": decided,
                "outcome": "approved",
                "evidence_note": "Observations of practice, reflective account, endorsement",
            }
        )
    moved = set(moves["worker_id"].to_list())
    refusals = max(1, moves.height // 4) if moves.height else 0
    candidates = (
        spells.filter(
            pl.col("role").is_in(list(LADDER_APPLIED))
            & (pl.col("contract") == "own")
            & (pl.col("start_date") <= _months_after(last, -12))
            & (pl.col("end_date").is_null())
            & ~pl.col("worker_id").is_in(sorted(moved))
        )
        .sort("worker_id")
        .unique("worker_id", keep="first", maintain_order=True)
    )
    if candidates.height:
        picks = rng.choice(candidates.height, size=min(refusals, candidates.height), replace=False)
        span = max(1, (last - first).days - 60)
        for pick in sorted(int(p) for p in picks):
            person = candidates.row(pick, named=True)
            applied = first + timedelta(days=int(rng.integers(0, span)))
            rows.append(
                {
                    "worker_id": person["worker_id"],
                    "from_role": person["role"],
                    "to_role": LADDER_NEXT[person["role"]],
                    "applied_date": applied,
                    "decided_date": applied + timedelta(days=int(rng.integers(21, 50))),
                    "outcome": "refused",
                    "evidence_note": "Observations of practice; more time in role advised",
                }
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "worker_id": pl.Int64,
            "from_role": pl.Utf8,
            "to_role": pl.Utf8,
            "applied_date": pl.Date,
            "decided_date": pl.Date,
            "outcome": pl.Utf8,
            "evidence_note": pl.Utf8,
        },
    )
    frame = frame.filter(pl.col("decided_date") <= last).sort("applied_date", "worker_id")
    frame = frame.unique(["worker_id", "to_role", "applied_date"], maintain_order=True)
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id")).select(
        "id", *frame.columns
    )


def generate_learning(
    rng: np.random.Generator, *, first: date, last: date, frames: dict[str, pl.DataFrame]
) -> LearningRecords:
    """The council's ASYE programmes, their reviews and progression applications."""
    programme_rng, application_rng = rng.spawn(2)
    spells = frames["employment_spell"]
    programmes, reviews = _programmes(programme_rng, frames["worker"], spells, first, last)
    return LearningRecords(
        programmes=programmes,
        reviews=reviews,
        applications=_applications(application_rng, spells, first, last),
    )
