"""The synthetic council's ASYE programmes and progression applications: they start where the
caseload rules already put the ASYE year, so recording them moves no other figure, and each
application fits a move up the ladder or a refusal."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from caseload.caseloads.definitions import asye_status
from caseload.domain.learning_records import ASYE_OUTCOMES, JUDGEMENTS
from caseload.practice.asye import months_after, with_asye_years
from synthetic.conftest import build_small


def test_recorded_programmes_leave_the_asye_year_as_it_was() -> None:
    council = build_small()
    programmes = council.asye_programmes.rename({"id": "programme_id"})
    assert programmes.height >= 3
    workers = council.workers.rename({"id": "worker_id"})
    spells = council.employment_spells
    recorded = with_asye_years(workers, programmes)
    day = council.start
    while day <= council.end:
        before = asye_status(workers, spells, day).sort("worker_id")
        after = asye_status(recorded, spells, day).sort("worker_id")
        in_post = spells.filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )["worker_id"]
        assert before.filter(pl.col("worker_id").is_in(in_post.implode()))["asye"].to_list() == (
            after.filter(pl.col("worker_id").is_in(in_post.implode()))["asye"].to_list()
        ), day
        day += timedelta(days=30)


def test_outcomes_reviews_and_applications_are_consistent() -> None:
    council = build_small()
    programmes = council.asye_programmes
    assert set(programmes["outcome"].drop_nulls().to_list()) <= set(ASYE_OUTCOMES)
    ended = programmes.filter(pl.col("outcome").is_in(["pass", "fail"]))
    year_end = months_after(pl.col("start_date"), 12) - pl.duration(days=1)
    assert ended.filter(pl.col("outcome_date") <= year_end).height == 0
    assert programmes.filter(pl.col("outcome_date") > council.end).height == 0
    reviews = council.asye_reviews.join(
        programmes.select(pl.col("id").alias("programme_id"), "start_date"), on="programme_id"
    )
    assert reviews.filter(pl.col("held_date") < pl.col("start_date")).height == 0
    assert set(reviews["judgement"].to_list()) <= set(JUDGEMENTS)
    applications = council.progression_applications
    assert applications.height > 0
    assert set(applications["outcome"].to_list()) <= {"approved", "refused"}
    assert applications.filter(pl.col("decided_date") < pl.col("applied_date")).height == 0
    assert applications.filter(pl.col("decided_date") > council.end).height == 0
    assert council.frames()["asye_programme"] is programmes
    assert council.start == date(2023, 10, 1)
