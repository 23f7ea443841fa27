"""The pipeline: placements on a day, educator capacity, conversions and the expected intake,
worked by hand."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.domain.training_records import PLACEMENT_SCHEMA
from caseload.practice import pipeline

AS_AT = date(2025, 3, 31)


def _placements() -> pl.DataFrame:
    rows = [
        # id, learner, kind, year, educator, start, end, outcome, converted worker, converted day
        (
            1,
            "L1",
            "student",
            3,
            100,
            date(2023, 9, 1),
            date(2024, 4, 30),
            "passed",
            7,
            date(2024, 9, 2),
        ),
        (2, "L2", "student", 3, 100, date(2023, 9, 1), date(2024, 4, 30), "passed", None, None),
        (3, "L3", "apprentice", 3, 101, date(2023, 9, 1), date(2024, 5, 31), "failed", None, None),
        (4, "L4", "student", 2, 100, date(2025, 1, 6), date(2025, 3, 31), None, None, None),
        (5, "L5", "apprentice", 3, 101, date(2024, 10, 1), date(2025, 6, 30), None, None, None),
        (6, "L6", "student", 3, None, date(2025, 2, 1), date(2025, 5, 31), None, None, None),
        (7, "L7", "student", 1, 100, date(2025, 4, 1), date(2025, 6, 30), None, None, None),
        (
            8,
            "L8",
            "student",
            3,
            100,
            date(2022, 9, 1),
            date(2023, 4, 30),
            "passed",
            8,
            date(2023, 9, 4),
        ),
    ]
    columns = list(PLACEMENT_SCHEMA)
    frame = pl.DataFrame(
        [
            (r[0], r[1], r[2], "University of X", r[3], 1, r[4], r[5], r[6], r[7], r[8], r[9])
            for r in rows
        ],
        schema=columns,
        orient="row",
    )
    return frame.cast(PLACEMENT_SCHEMA)


def test_on_placement_includes_both_end_days() -> None:
    running = pipeline.on_placement(_placements(), AS_AT)
    assert running["learner_ref"].to_list() == ["L5", "L4", "L6"]
    assert pipeline.learners_on(_placements(), AS_AT).rows() == [("student", 2), ("apprentice", 1)]
    # L7 starts the next day, L4 ended the day before.
    assert pipeline.on_placement(_placements(), date(2025, 4, 1))["learner_ref"].to_list() == [
        "L5",
        "L6",
        "L7",
    ]


def test_educator_capacity() -> None:
    educators = pl.DataFrame(
        {
            "worker_id": [100, 101, 102],
            "stage": [2, 1, 1],
            "capacity": [1, 2, 1],
            "accredited_date": [None] * 3,
        },
        schema={
            "worker_id": pl.Int64,
            "stage": pl.Int64,
            "capacity": pl.Int64,
            "accredited_date": pl.Date,
        },
    )
    capacity = pipeline.educator_capacity(educators, _placements(), AS_AT)
    assert capacity.select("worker_id", "capacity", "in_use", "free").rows() == [
        (100, 1, 1, 0),
        (101, 2, 1, 1),
        (102, 1, 0, 1),
    ]
    assert pipeline.capacity_summary(capacity) == {
        "educators": 3,
        "capacity": 4,
        "in_use": 2,
        "free": 2,
    }


def test_conversions_by_year() -> None:
    history = pipeline.conversions_by_year(_placements(), AS_AT)
    # 2023: L8 passed and converted; 2024: L1 and L2 passed (L3 failed), L1 converted.
    assert history.rows() == [(2023, 1, 1, 100.0), (2024, 2, 1, 50.0)]
    assert pipeline.conversion_rate(_placements(), AS_AT) == 2 / 3


def test_pipeline_intake_by_year() -> None:
    intake = pipeline.pipeline_intake(_placements(), AS_AT)
    # L4 (year 2 of 3, ends 2025): qualifies 2026; L5, L6 (final year): 2025; L7 (year 1): 2027.
    assert intake.select("year", "learners").rows() == [(2025, 2), (2026, 1), (2027, 1)]
    assert intake["expected_intake"].to_list() == [1.3, 0.7, 0.7]
    given = pipeline.pipeline_intake(_placements(), AS_AT, rate=0.5)
    assert given["expected_intake"].to_list() == [1.0, 0.5, 0.5]
