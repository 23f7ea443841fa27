"""The operational figures' one definitions, each on a few hand-built rows with exact answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from caseload.caseloads.definitions import (
    StaffGroup,
    asye_status,
    band,
    case_holder,
    case_holding_fte,
    cases_held,
    children_in_need,
    escalation,
    escalation_of,
    in_post_fte,
    role_with_asye,
    waiting_at_least,
    waiting_days,
)
from caseload.caseloads.policy import default_policy
from caseload.caseloads.queue import waiting_by_council, waiting_since

POLICY = default_policy()
DAY = date(2025, 9, 30)
SPELLS = {
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "start_origin": pl.Int64,
}


def spells(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SPELLS, orient="row")


def test_asye_from_qualifying_and_the_first_post_not_the_grade() -> None:
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4, 5, 6],
            "qualification_date": [
                date(2024, 7, 1),  # 1: newly qualified, started 7 Oct 2024, graded social worker
                date(2015, 6, 1),  # 2: experienced, joined from another council, graded ASYE
                date(2025, 6, 1),  # 3: qualified, started within 12 months, no origin recorded
                date(2024, 7, 1),  # 4: like 1 but its ASYE outcome recorded on 1 Aug 2025
                None,  # 5: no qualification date: unknown
                date(2025, 6, 1),  # 6: qualified in June, joined from another council
            ],
            "asye_outcome_date": [None, None, None, date(2025, 8, 1), None, None],
        }
    )
    frame = spells(
        (1, "own", "social_worker", 1.0, date(2024, 10, 7), None, 1),
        (2, "own", "asye", 1.0, date(2025, 1, 6), None, 2),
        (3, "own", "senior_social_worker", 1.0, date(2025, 7, 7), None, None),
        (4, "own", "asye", 1.0, date(2024, 9, 2), None, 1),
        (5, "own", "asye", 1.0, date(2025, 1, 6), None, 1),
        (6, "own", "social_worker", 1.0, date(2025, 8, 4), None, 2),
    )
    status = asye_status(workers, frame, DAY).sort("worker_id")
    assert status.rows() == [
        (1, True, date(2024, 10, 7), date(2025, 10, 6)),
        (2, False, date(2015, 6, 1), date(2016, 5, 31)),
        (3, True, date(2025, 7, 7), date(2026, 7, 6)),
        (4, False, date(2024, 9, 2), date(2025, 7, 31)),
        (5, None, None, None),
        (6, True, date(2025, 6, 1), date(2026, 5, 31)),
    ]
    # Worker 1 on the last day of the year is an ASYE; the next day, not.
    assert asye_status(workers, frame, date(2025, 10, 6))["asye"][0] is True
    assert asye_status(workers, frame, date(2025, 10, 7))["asye"][0] is False
    roles = status.join(frame.select("worker_id", "role"), on="worker_id").with_columns(
        role_with_asye(pl.col("role"), pl.col("asye")).alias("counted")
    )
    assert roles.sort("worker_id")["counted"].to_list() == [
        "asye",  # graded social worker, in the ASYE year
        "social_worker",  # graded ASYE, years past it
        "asye",
        "social_worker",  # the outcome ends the year
        "asye",  # unknown: the HR grade stands
        "asye",
    ]


def workers_frame(*rows: tuple[Any, ...]) -> pl.DataFrame:
    """role, fte, cases, points, cap_cases, cap_points (caps already x FTE)."""
    return pl.DataFrame(
        rows,
        schema={
            "role": pl.Utf8,
            "fte": pl.Float64,
            "cases": pl.Int64,
            "points": pl.Float64,
            "cap_cases": pl.Float64,
            "cap_points": pl.Float64,
        },
        orient="row",
    ).with_columns(
        pl.lit(True).alias("in_post"),
        pl.lit(True).alias("case_holding"),
        pl.lit(False).alias("leaving_today"),
    )


def test_bands_by_role_red_exactly_when_over_a_cap() -> None:
    frame = workers_frame(
        ("asye", 1.0, 16, 16.0, 15.0, 16.0),  # ASYE above the ASYE cap: red (was green)
        ("asye", 1.0, 14, 14.0, 15.0, 16.0),  # 14 / 15 = 0.93 > 0.9: amber
        ("social_worker", 1.0, 18, 23.0, 20.0, 22.0),  # points over the cap: red
        ("social_worker", 1.0, 19, 19.0, 20.0, 22.0),  # 0.95: amber
        ("social_worker", 1.0, 18, 18.0, 20.0, 22.0),  # 0.9: green
        ("social_worker", 0.5, 11, 11.0, 10.0, 11.0),  # part time, over 10: red
        ("advanced_practitioner", 1.0, 0, 0.0, 12.0, 14.0),
    )
    assert frame.select(band(POLICY).alias("band"))["band"].to_list() == [
        "red",
        "amber",
        "red",
        "amber",
        "green",
        "red",
        "green",
    ]


def test_case_holders_and_their_fte() -> None:
    frame = workers_frame(
        ("social_worker", 1.0, 12, 12.0, 20.0, 22.0),
        ("social_worker", 0.5, 0, 0.0, 10.0, 11.0),  # no case: not a case holder
        ("team_manager", 1.0, 2, 2.0, 0.0, 0.0),  # a census role holding cases: counts (DfE)
        ("family_support_worker", 1.0, 3, 3.0, 0.0, 0.0),  # not a census role
        ("social_worker", 0.8, 5, 5.0, 16.0, 17.6),
    ).with_columns(
        # the last worker's last day is today: a leaver, not in post (the census rule)
        pl.Series("leaving_today", [False, False, False, False, True])
    )
    assert frame.select(case_holder())["in_post"].to_list() == [True, False, True, False, False]
    assert case_holding_fte(frame) == 2.0
    assert cases_held(frame) == 14


def test_in_post_fte_by_staff_group() -> None:
    frame = spells(
        (1, "own", "social_worker", 1.0, date(2020, 1, 1), None, 2),
        (2, "own", "family_support_worker", 0.8, date(2020, 1, 1), None, 8),
        (3, "own", "senior_social_worker", 0.6, date(2020, 1, 1), DAY, 2),  # leaves today
        (4, "own", "asye", 1.0, date(2024, 9, 2), date(2025, 9, 1), 1),  # promoted: one person
        (4, "own", "social_worker", 1.0, date(2025, 9, 2), None, 1),
        (5, "agency", "social_worker", 1.0, date(2025, 1, 1), None, None),
        (6, "own", "social_worker", 0.5, date(2025, 1, 1), DAY, 2),  # moves to family support
        (6, "own", "family_support_worker", 0.5, date(2025, 10, 1), None, 2),
    )
    assert in_post_fte(frame, DAY, StaffGroup.SOCIAL_WORKERS) == 2.0
    assert in_post_fte(frame, DAY, StaffGroup.ALL_OWN_STAFF) == pytest.approx(3.3)
    assert in_post_fte(frame, DAY, StaffGroup.AGENCY_SOCIAL_WORKERS) == 1.0


def test_waiting_days_one_definition_for_every_as_at() -> None:
    statuses = pl.DataFrame(
        {
            "child_id": [1, 1, 2, 3],
            "status": ["cla", "care_leaver", "cp", "cin"],
            "start_date": [date(2019, 1, 1), date(2022, 4, 1), date(2025, 8, 3), date(2025, 1, 6)],
            "end_date": [date(2022, 3, 31), None, None, None],
        }
    )
    allocations = pl.DataFrame(
        {
            "child_id": [3],
            "role": ["allocated"],
            "start_date": [date(2025, 1, 6)],
            "end_date": [date(2025, 9, 2)],
        }
    )
    waiting = pl.DataFrame(
        {"child_id": [1, 2, 3], "as_at": [date(2025, 4, 30), DAY, DAY]},
    )
    since = waiting_since(statuses, allocations, waiting).join(waiting, on="child_id")
    days = since.with_columns(
        waiting_days(pl.col("waiting_since"), pl.col("as_at")).alias("days")
    ).sort("child_id")
    assert days.select("child_id", "waiting_since", "days").rows() == [
        (1, date(2019, 1, 1), 2311),  # the unbroken run from 2019, not the care-leaver status
        (2, date(2025, 8, 3), 58),
        (3, date(2025, 9, 3), 27),  # the day after the worker's allocation ended
    ]
    assert days.select(escalation(pl.col("days"), POLICY).alias("e"))["e"].to_list() == [
        "escalate",
        "escalate",
        "review",
    ]
    queue = days.rename({"days": "days_waiting"})
    assert (waiting_at_least(queue, 7), waiting_at_least(queue, 28)) == (3, 2)


def test_waiting_by_council_uses_each_councils_own_ages() -> None:
    statuses = pl.DataFrame(
        {
            "child_id": [1, 2, 3, 4],
            "status": ["cp", "cin", "cla", "cin"],
            "start_date": [
                date(2025, 8, 3),
                date(2025, 9, 20),
                date(2025, 1, 6),
                date(2025, 9, 29),
            ],
            "end_date": [None, None, None, None],
        }
    )
    allocations = pl.DataFrame(
        {
            "child_id": [3],
            "role": ["allocated"],
            "start_date": [date(2025, 1, 6)],
            "end_date": [date(2025, 9, 2)],
        }
    )
    waiting = pl.DataFrame({"LEA": ["301", "301", "302", "302"], "child_id": [1, 2, 3, 4]})
    ages = pl.DataFrame({"LEA": ["301", "302"], "review_days": [7, 1], "escalate_days": [28, 3]})
    # On DAY (30 Sep 2025): child 1 has waited 58 days, 2 ten, 3 27 (since its worker left), 4 one.
    by_council = waiting_by_council(waiting, statuses, allocations, DAY, ages).sort("LEA")
    assert by_council.rows() == [
        ("301", 2, 1, 58),  # 58 days is past 301's 28; 10 is not
        ("302", 2, 1, 27),  # 27 days is past 302's own 3 days; 1 is not
    ]


def test_children_in_need_include_cp_and_cla() -> None:
    statuses = pl.DataFrame(
        {
            "child_id": [1, 2, 3, 4, 5, 5],
            "status": ["cin", "cp", "cla", "care_leaver", "assessment", "cin"],
        }
    )
    assert children_in_need(statuses) == 4  # children 1, 2, 3 and 5 (once)


@pytest.mark.parametrize(
    ("days", "status"), [(0, "new"), (6, "new"), (7, "review"), (27, "review"), (28, "escalate")]
)
def test_escalation_of_one_child_matches_the_frame_rule(days: int, status: str) -> None:
    assert escalation_of(days, POLICY) == status
    frame = pl.DataFrame({"days": [days]})
    assert frame.select(escalation(pl.col("days"), POLICY).alias("e"))["e"][0] == status
