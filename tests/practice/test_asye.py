"""The ASYE programme: review due dates, overdue reviews, cohorts and the recorded year the
caseload rules use, on hand-built programmes with answers worked by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseload.caseloads.definitions import asye_status, role_with_asye
from caseload.practice.asye import (
    PROGRAMME_SCHEMA,
    REVIEW_SCHEMA,
    asye_years,
    cohorts,
    due_points,
    overdue_reviews,
    programme_status,
    programme_view,
    protected_caseload,
    review_schedule,
    with_asye_years,
)


def programmes(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PROGRAMME_SCHEMA, orient="row")


def reviews(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REVIEW_SCHEMA, orient="row")


NONE = reviews()


def test_review_due_dates_are_calendar_months_from_the_start() -> None:
    frame = programmes(
        (1, 10, date(2025, 1, 31), "A", "M", None, None, None),
        (2, 11, date(2023, 11, 30), "A", "M", None, None, None),
        (3, 12, date(2024, 9, 2), "A", "M", "extend", date(2025, 8, 20), date(2026, 2, 27)),
    )
    due = due_points(frame)
    assert due.filter(pl.col("programme_id") == 1)["due_date"].to_list() == [
        date(2025, 4, 30),  # 31 January + 3 months: April has 30 days
        date(2025, 7, 31),
        date(2026, 1, 31),
    ]
    # 30 November + 3 months is 29 February in a leap year.
    assert due.filter(pl.col("programme_id") == 2)["due_date"].to_list() == [
        date(2024, 2, 29),
        date(2024, 5, 30),
        date(2024, 11, 30),
    ]
    # An extension adds a point on the day it ends.
    extended = due.filter(pl.col("programme_id") == 3)
    assert extended["review_point"].to_list() == ["3", "6", "12", "extension"]
    assert extended["due_date"].to_list()[-1] == date(2026, 2, 27)


def test_one_month_after_31_january_is_the_last_day_of_february() -> None:
    from caseload.practice.asye import months_after

    days = pl.DataFrame({"day": [date(2025, 1, 31), date(2024, 1, 31)]})
    assert days.select(months_after(pl.col("day"), 1))["day"].to_list() == [
        date(2025, 2, 28),
        date(2024, 2, 29),
    ]


def test_points_after_a_pass_are_not_needed() -> None:
    frame = programmes((1, 10, date(2024, 9, 2), "A", "M", "pass", date(2025, 7, 1), None))
    assert due_points(frame)["review_point"].to_list() == ["3", "6"]


def test_overdue_held_late_missed_and_due_on_the_day() -> None:
    frame = programmes(
        # Started 2 September 2024: due 2 Dec 2024, 2 Mar 2025, 2 Sep 2025.
        (1, 10, date(2024, 9, 2), "A", "M", None, None, None),
        # Started 1 April 2025: due 1 Jul 2025, 1 Oct 2025, 1 Apr 2026.
        (2, 11, date(2025, 4, 1), "A", "M", None, None, None),
        # Failed on 1 February 2025 without its 3-month review.
        (3, 12, date(2024, 10, 1), "A", "M", "fail", date(2025, 2, 1), None),
    )
    held = reviews(
        (1, "3", None, date(2024, 12, 2), "on_track"),  # on its due day: on time
        (1, "6", None, date(2025, 3, 10), "concerns"),  # 8 days late
        (2, "3", None, date(2025, 10, 1), "on_track"),  # held after as_at: not yet held
    )
    as_at = date(2025, 9, 30)
    schedule = review_schedule(frame, held, as_at)
    rows = {
        (row["programme_id"], row["review_point"]): (row["status"], row["days_overdue"])
        for row in schedule.iter_rows(named=True)
    }
    assert rows == {
        (1, "3"): ("held", 0),
        (1, "6"): ("late", 0),
        (1, "12"): ("overdue", 28),  # due 2 September; 30 September is 28 days on
        (2, "3"): ("overdue", 91),  # due 1 July: 91 days to 30 September
        (2, "6"): ("due", 0),  # due 1 October
        (2, "12"): ("due", 0),
        (3, "3"): ("missed", 0),  # due 1 January, never held, failed on 1 February
    }
    assert overdue_reviews(schedule)["programme_id"].to_list() == [2, 1]
    # On its due day a review is not yet overdue.
    on_day = review_schedule(frame, held, date(2025, 7, 1))
    assert on_day.filter((pl.col("programme_id") == 2) & (pl.col("review_point") == "3"))[
        "status"
    ].to_list() == ["due"]


def test_a_recorded_due_date_stands_in_for_the_calculated_one() -> None:
    frame = programmes((1, 10, date(2025, 4, 1), "A", "M", None, None, None))
    moved = reviews((1, "3", date(2025, 7, 15), None, None))
    schedule = review_schedule(frame, moved, date(2025, 7, 10))
    first = schedule.row(0, named=True)
    assert (first["due_date"], first["status"]) == (date(2025, 7, 15), "due")


def test_status_and_cohorts_by_census_year_of_the_start() -> None:
    frame = programmes(
        (1, 10, date(2023, 10, 2), "A", "M", "pass", date(2024, 9, 20), None),  # cohort 2024
        (2, 11, date(2024, 9, 2), "A", "M", "fail", date(2025, 8, 1), None),  # cohort 2024
        (3, 12, date(2024, 10, 1), "A", "M", "extend", date(2025, 9, 1), date(2026, 3, 31)),
        (4, 13, date(2025, 4, 1), "A", "M", None, None, None),  # cohort 2025
        (5, 14, date(2025, 10, 6), "A", "M", None, None, None),  # after as_at
        (6, 15, date(2025, 1, 6), "A", "M", "pass", date(2025, 12, 1), None),  # pass later on
    )
    as_at = date(2025, 9, 30)
    status = programme_status(frame, as_at).sort("programme_id")
    assert status["status"].to_list() == [
        "passed",
        "failed",
        "extended",
        "in_programme",
        "not_started",
        "in_programme",
    ]
    assert status["year_ends"].to_list()[2:4] == [date(2026, 3, 31), date(2026, 3, 31)]
    assert cohorts(frame, as_at).rows() == [
        (2024, 2, 0, 0, 1, 1),
        (2025, 3, 2, 1, 0, 0),
    ]


def test_the_recorded_year_for_the_caseload_rules() -> None:
    frame = programmes(
        (1, 10, date(2024, 9, 2), "A", "M", "extend", date(2025, 8, 20), date(2026, 2, 27)),
        (2, 11, date(2024, 9, 2), "A", "M", "pass", date(2025, 7, 1), None),
        (3, 12, date(2025, 1, 31), "A", "M", None, None, None),
    )
    assert asye_years(frame).rows() == [
        (10, date(2024, 9, 2), date(2026, 2, 27)),
        (11, date(2024, 9, 2), date(2025, 6, 30)),
        (12, date(2025, 1, 31), date(2026, 1, 30)),
    ]


def test_a_recorded_extension_keeps_the_asye_cap() -> None:
    """Worker 10 qualified on 1 July 2024 and started newly qualified on 2 September 2024: from
    qualifying and the first post, the year ends on 1 September 2025. The recorded programme was
    extended to 27 February 2026, so on 30 September 2025 they are still an ASYE and keep the
    ASYE cap; without the record they would be a social worker."""
    workers = pl.DataFrame({"worker_id": [10, 11], "qualification_date": [date(2024, 7, 1), None]})
    spells = pl.DataFrame(
        [
            (10, "own", "asye", 1.0, date(2024, 9, 2), None, 1),
            (11, "own", "social_worker", 1.0, date(2025, 3, 3), None, None),
        ],
        schema={
            "worker_id": pl.Int64,
            "contract": pl.Utf8,
            "role": pl.Utf8,
            "fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "start_origin": pl.Int64,
        },
        orient="row",
    )
    day = date(2025, 9, 30)
    before = asye_status(workers, spells, day).sort("worker_id")
    assert before["asye"].to_list() == [False, None]
    recorded = programmes(
        (1, 10, date(2024, 9, 2), "A", "M", "extend", date(2025, 8, 20), date(2026, 2, 27)),
        # No qualification date held, but a recorded programme: ASYE from its start.
        (2, 11, date(2025, 3, 3), "A", "M", None, None, None),
    )
    after = asye_status(with_asye_years(workers, recorded), spells, day).sort("worker_id")
    assert after.rows() == [
        (10, True, date(2024, 9, 2), date(2026, 2, 27)),
        (11, True, date(2025, 3, 3), date(2026, 3, 2)),
    ]
    roles = after.join(spells.select("worker_id", "role"), on="worker_id").select(
        role_with_asye(pl.col("role"), pl.col("asye"))
    )
    assert roles["role"].to_list() == ["asye", "asye"]
    # The day after the extension ends, the cap is a social worker's again.
    later = asye_status(with_asye_years(workers, recorded), spells, date(2026, 2, 28))
    assert later.sort("worker_id")["asye"].to_list() == [False, True]


def test_protected_caseload_uses_the_engines_over_cap_definition() -> None:
    caseloads = pl.DataFrame(
        {
            "worker_id": [10, 11, 12],
            "role": ["asye", "asye", "social_worker"],
            "in_post": [True, True, True],
            "case_holding": [True, True, True],
            "cases": [16, 15, 30],
            "cap_cases": [15.0, 15.0, 20.0],
        }
    )
    assert protected_caseload(caseloads).rows() == [(10, 16, 15.0, True), (11, 15, 15.0, False)]


def test_programme_view_brings_the_next_review_and_the_counts() -> None:
    frame = programmes((1, 10, date(2025, 4, 1), "Ann Assessor", "Mo Mentor", None, None, None))
    schedule = review_schedule(frame, NONE, date(2025, 9, 30))
    view = programme_view(frame, schedule, date(2025, 9, 30)).row(0, named=True)
    assert (view["next_review"], view["next_due"], view["overdue_reviews"]) == (
        "3",
        date(2025, 7, 1),
        1,
    )
