"""The synthetic council's practice records: where they fall, who they name, and the
relationships with caseloads the demo relies on."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from caseload.domain.practice_records import AUDIT_GRADES, SUPERVISION_KINDS
from caseload.synthetic import SyntheticCouncil
from caseload.synthetic.oversight import DOMAINS
from caseload.synthetic.visits import add_months, on_time_chance, shift
from synthetic.conftest import build_small


def _days(*values: date) -> np.ndarray:
    return np.array([np.datetime64(v, "D").astype(np.int64) for v in values], dtype=np.int64)


def test_working_days_and_months() -> None:
    # Friday 3 May 2024 + 10 working days is Friday 17 May (bank holidays are not modelled).
    friday = _days(date(2024, 5, 3))
    assert shift(friday, np.array([10]), np.array([True]))[0] == _days(date(2024, 5, 17))[0]
    # 42 calendar days after Thursday 4 January 2024 is Thursday 15 February; a Saturday rolls.
    assert (
        shift(_days(date(2024, 1, 4)), np.array([42]), np.array([False]))[0]
        == _days(date(2024, 2, 15))[0]
    )
    saturday = _days(date(2024, 1, 6))
    assert shift(saturday, np.array([0]), np.array([False]))[0] == _days(date(2024, 1, 8))[0]
    assert (
        shift(saturday, np.array([0]), np.array([False]), roll="backward")[0]
        == _days(date(2024, 1, 5))[0]
    )
    # 31 August + 6 months is the end of February (a leap year here).
    assert (
        add_months(_days(date(2023, 8, 31), date(2024, 1, 15)), 6).tolist()
        == _days(date(2024, 2, 29), date(2024, 7, 15)).tolist()
    )


def test_on_time_chance_falls_with_caseload() -> None:
    chance = on_time_chance(np.array([10.0, 18.0, 19.0, 20.0, 25.0, np.nan]))
    assert chance.round(3).tolist() == [0.95, 0.95, 0.825, 0.7, 0.68, 0.6]


def test_records_fall_in_the_period_and_name_real_people(small_council: SyntheticCouncil) -> None:
    c = small_council
    for frame, column in (
        (c.visits, "visit_date"),
        (c.supervisions, "supervision_date"),
        (c.case_audits, "audit_date"),
    ):
        assert frame[column].min() >= c.start and frame[column].max() <= c.end, column
        assert frame[column].dt.weekday().max() <= 5, column  # weekdays only
    visits = c.visits
    assert visits.filter(pl.col("recorded_date") < pl.col("visit_date")).is_empty()
    assert visits.filter(pl.col("recorded_date") > c.end).is_empty()
    assert visits.filter(pl.col("seen_alone") & ~pl.col("seen")).is_empty()
    assert set(visits["case_type"].unique()) == {"cin", "cp", "cla"}
    # Every visit is within one of the child's plans of its kind.
    plans = c.child_statuses.select(
        "child_id", pl.col("status").alias("case_type"), "start_date", "end_date"
    )
    within = visits.join(plans, on=["child_id", "case_type"]).filter(
        (pl.col("visit_date") >= pl.col("start_date"))
        & (pl.col("end_date").is_null() | (pl.col("visit_date") <= pl.col("end_date")))
    )
    assert within["id"].n_unique() == visits.height
    # The visitor, when named, is the child's allocated worker that day.
    allocated = c.allocations.filter(pl.col("role") == "allocated")
    named = visits.filter(pl.col("worker_id").is_not_null())
    held = named.join(allocated, on=["child_id", "worker_id"]).filter(
        (pl.col("visit_date") >= pl.col("start_date"))
        & (pl.col("end_date").is_null() | (pl.col("visit_date") <= pl.col("end_date")))
    )
    assert held["id"].n_unique() == named.height
    reviews = c.reviews
    assert set(reviews["case_type"].unique()) == {"cp", "cla"}
    assert reviews.filter(pl.col("review_date") > c.end).is_empty()
    supervision = c.supervisions
    assert set(supervision["kind"].unique()) <= set(SUPERVISION_KINDS)
    assert supervision.filter(pl.col("worker_id") == pl.col("supervisor_id")).is_empty()
    own = c.employment_spells.filter(pl.col("contract") == "own")
    assert supervision["worker_id"].is_in(own["worker_id"].implode()).all()
    audits = c.case_audits
    assert set(audits["overall_grade"].unique()) <= set(AUDIT_GRADES)
    grades = c.case_audit_grades
    assert grades.height == audits.height * len(DOMAINS)
    assert grades.group_by("audit_id").len()["len"].unique().to_list() == [len(DOMAINS)]
    moderated = audits.filter(pl.col("moderated_grade").is_not_null())
    assert moderated["moderator"].is_not_null().all()
    assert audits.filter(pl.col("moderated_grade").is_null())["moderator"].is_null().all()


def test_practice_records_are_drawn_from_their_own_stream(small_council: SyntheticCouncil) -> None:
    again = build_small()
    for name, frame in small_council.frames().items():
        assert frame.equals(again.frames()[name]), name
    other = build_small(seed=8)
    assert not other.visits.equals(small_council.visits)


def _band(per_fte: pl.Expr) -> pl.Expr:
    return (
        pl.when(per_fte <= 18).then(pl.lit("up to 18")).when(per_fte > 20).then(pl.lit("over 20"))
    )


def test_overloaded_workers_visit_late_more_often_and_their_audits_grade_lower() -> None:
    council = build_small(preset="struggling", seed=3)
    allocated = council.allocations.filter(pl.col("role") == "allocated")
    fte = council.employment_spells.filter(
        pl.col("role").is_in(
            ["asye", "social_worker", "senior_social_worker", "advanced_practitioner"]
        )
    ).select(
        "worker_id", "fte", pl.col("start_date").alias("s_start"), pl.col("end_date").alias("s_end")
    )
    visits = council.visits.filter(pl.col("case_type") == "cp").sort("child_id", "visit_date")
    visits = visits.with_columns(
        (pl.col("visit_date") - pl.col("visit_date").shift(1).over("child_id"))
        .dt.total_days()
        .alias("gap"),
        pl.col("visit_date").shift(1).over("child_id").alias("previous"),
        pl.col("worker_id").shift(1).over("child_id").alias("holder"),
    ).drop_nulls(["gap", "holder"])

    def per_fte(frame: pl.DataFrame, day: str, worker: str) -> pl.DataFrame:
        keyed = frame.with_row_index("_k")
        cases = (
            keyed.join(allocated, left_on=worker, right_on="worker_id")
            .filter(
                (pl.col("start_date") <= pl.col(day))
                & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col(day)))
            )
            .group_by("_k")
            .len("cases")
        )
        ftes = (
            keyed.join(fte, left_on=worker, right_on="worker_id")
            .filter(
                (pl.col("s_start") <= pl.col(day))
                & (pl.col("s_end").is_null() | (pl.col("s_end") >= pl.col(day)))
            )
            .group_by("_k")
            .agg(pl.col("fte").sum())
        )
        return (
            keyed.join(cases, on="_k")
            .join(ftes, on="_k")
            .with_columns((pl.col("cases") / pl.col("fte")).alias("per_fte"))
        )

    timely = (
        per_fte(visits, "previous", "holder")
        .with_columns(
            _band(pl.col("per_fte")).alias("band"), (pl.col("gap") <= 14).alias("on_time")
        )
        .drop_nulls("band")
        .group_by("band")
        .agg(pl.col("on_time").mean(), pl.len())
    )
    rate = dict(timely.select("band", "on_time").iter_rows())
    assert rate["up to 18"] > rate["over 20"] + 0.1, timely
    audits = per_fte(council.case_audits, "audit_date", "worker_id").with_columns(
        _band(pl.col("per_fte")).alias("band"),
        pl.col("overall_grade").is_in(["outstanding", "good"]).alias("good"),
    )
    graded = dict(audits.drop_nulls("band").group_by("band").agg(pl.col("good").mean()).iter_rows())
    assert graded["up to 18"] > graded["over 20"], graded
