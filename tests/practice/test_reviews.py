"""Reviews, hand-worked: CP first within 3 months of the plan, then every 6 months; CLA first
within 20 working days, the second within 3 months, then every 6 months."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.domain.practice_records import REVIEW_SCHEMA
from caseload.practice.calendar import working_calendar
from caseload.practice.reviews import review_summary, review_windows, reviews_due, reviews_position
from caseload.practice.schedule import add_months
from caseload.practice.standards import default_standards

STANDARDS = default_standards()
CAL = working_calendar(STANDARDS)
STATUSES = pl.DataFrame(
    [
        (1, "cp", date(2025, 3, 10), None),
        (2, "cla", date(2025, 1, 3), None),
        (2, "cp", date(2025, 2, 3), date(2025, 4, 30)),
    ],
    schema={"child_id": pl.Int64, "status": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date},
    orient="row",
)
REVIEWS = pl.DataFrame(
    [
        (1, 1, "cp", date(2025, 6, 10), date(2025, 6, 5)),
        (2, 1, "cp", date(2025, 12, 5), date(2025, 12, 10)),
        (3, 2, "cla", date(2025, 1, 31), None),  # due, not held: not a review
    ],
    schema=REVIEW_SCHEMA,
    orient="row",
)


def test_months_keep_the_day_or_take_the_month_end() -> None:
    frame = pl.DataFrame({"d": [date(2025, 1, 31), date(2024, 2, 29), date(2025, 3, 10)]})
    out = frame.select(
        add_months(pl.col("d"), pl.lit(1)).alias("one"),
        add_months(pl.col("d"), pl.lit(12)).alias("year"),
    )
    assert out["one"].to_list() == [date(2025, 2, 28), date(2024, 3, 29), date(2025, 4, 10)]
    assert out["year"].to_list() == [date(2026, 1, 31), date(2025, 2, 28), date(2026, 3, 10)]


def test_reviews_due_held_and_overdue() -> None:
    windows = review_windows(STATUSES, REVIEWS, STANDARDS, CAL, date(2026, 6, 30))
    due = reviews_due(windows, date(2025, 1, 1), date(2026, 6, 30))
    assert due.select("child_id", "case_type", "due_date", "outcome").rows() == [
        # CLA from Friday 3 January: 20 working days is Friday 31 January; never held, it
        # repeats at the second review's 3 months (from the first due date) until one is held.
        (2, "cla", date(2025, 1, 31), "missed"),
        (2, "cla", date(2025, 4, 30), "missed"),
        # CP from 3 February (ended 30 April): due 3 May, after the plan ended: not due.
        (1, "cp", date(2025, 6, 10), "on_time"),  # held 5 June
        (2, "cla", date(2025, 7, 31), "missed"),
        (2, "cla", date(2025, 10, 31), "missed"),
        (1, "cp", date(2025, 12, 5), "late"),  # 6 months after 5 June; held 10 December
        (2, "cla", date(2026, 1, 31), "missed"),
        (2, "cla", date(2026, 4, 30), "missed"),
        (1, "cp", date(2026, 6, 10), "missed"),  # 6 months after 10 December
    ]
    summary = review_summary(due, ["case_type"])
    assert summary.select("case_type", "due", "held", "on_time", "missed").rows() == [
        ("cla", 6, 0, 0, 6),
        ("cp", 3, 2, 1, 1),
    ]
    position = reviews_position(windows, REVIEWS, date(2026, 1, 15))
    assert position.select(
        "child_id", "case_type", "last_review_date", "next_due", "overdue", "reviews_missed"
    ).rows() == [
        (1, "cp", date(2025, 12, 10), date(2026, 6, 10), False, 0),
        (2, "cla", None, date(2025, 1, 31), True, 4),
    ]
