"""Mandatory training compliance, worked by hand (expiry on the boundary day included)."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.domain.training_records import COURSE_SCHEMA, OFFER_SCHEMA, TRAINING_SCHEMA
from caseload.practice import training

AS_AT = date(2025, 3, 31)


def _spells() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4, 2],
            "contract": ["own", "own", "own", "agency", "own"],
            "role": ["social_worker", "team_manager", "social_worker", "social_worker", "asye"],
            "team": ["North", "North", "South", "South", "North"],
            "start_date": [
                date(2020, 1, 1),
                date(2024, 6, 1),
                date(2021, 1, 1),
                date(2024, 1, 1),
                date(2019, 1, 1),
            ],
            "end_date": [None, None, None, None, date(2024, 5, 31)],
        }
    )


def _courses() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "course_id": [10, 11, 12],
            "code": ["SG", "COURT", "WELL"],
            "title": ["Safeguarding", "Court skills", "Wellbeing"],
            "mandatory": [True, True, False],
            "roles": [[], ["social_worker"], []],
            "renewal_months": [12, None, None],
        },
        schema=COURSE_SCHEMA,
    )


def _training(rows: list[tuple[int, int, date, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(1, len(rows) + 1)),
            "worker_id": [r[0] for r in rows],
            "course_id": [r[1] for r in rows],
            "completed_date": [r[2] for r in rows],
            "expiry_date": [r[3] for r in rows],
        },
        schema=TRAINING_SCHEMA,
    )


def test_staff_on_keeps_own_staff_with_their_spell_that_day() -> None:
    staff = training.staff_on(_spells(), AS_AT)
    assert staff.rows() == [
        (1, "social_worker", "North"),
        (2, "team_manager", "North"),
        (3, "social_worker", "South"),
    ]


def test_required_pairs_follow_the_roles_of_each_course() -> None:
    pairs = training.required_pairs(training.staff_on(_spells(), AS_AT), _courses())
    # Safeguarding for all three; court skills for the two social workers; wellbeing is optional.
    assert pairs.select("worker_id", "code").rows() == [
        (1, "COURT"),
        (1, "SG"),
        (2, "SG"),
        (3, "COURT"),
        (3, "SG"),
    ]


def test_status_on_the_boundary_days() -> None:
    staff = training.staff_on(_spells(), AS_AT)
    records = _training(
        [
            (1, 10, date(2024, 3, 31), AS_AT),  # expires on the day: still counts, expiring
            (1, 11, date(2023, 1, 1), None),  # never expires: current
            (2, 10, date(2024, 3, 30), date(2025, 3, 30)),  # expired the day before
            (3, 10, date(2024, 7, 1), date(2025, 5, 30)),  # 60 days after the day: expiring
            (3, 11, date(2025, 4, 1), None),  # completed after the day: not yet
        ]
    )
    status = training.training_status(staff, _courses(), records, AS_AT)
    assert status.select("worker_id", "code", "status", "compliant").rows() == [
        (1, "COURT", "current", True),
        (1, "SG", "expiring", True),
        (2, "SG", "expired", False),
        (3, "COURT", "missing", False),
        (3, "SG", "expiring", True),
    ]
    # A record expiring 61 days after the day is current.
    later = _training([(3, 10, date(2024, 7, 1), date(2025, 5, 31))])
    assert training.training_status(staff, _courses(), later, AS_AT).filter(
        pl.col("worker_id") == 3, pl.col("code") == "SG"
    )["status"].to_list() == ["current"]
    # The day after the expiry the record no longer counts.
    next_day = training.training_status(staff, _courses(), records, date(2025, 4, 1))
    assert next_day.filter(pl.col("worker_id") == 1, pl.col("code") == "SG")[
        "status"
    ].to_list() == ["expired"]


def test_the_latest_record_decides() -> None:
    staff = training.staff_on(_spells(), AS_AT)
    records = _training(
        [
            (2, 10, date(2023, 1, 1), date(2023, 12, 31)),
            (2, 10, date(2024, 1, 1), date(2024, 12, 31)),
            (2, 10, date(2025, 1, 15), date(2026, 1, 14)),
        ]
    )
    status = training.training_status(staff, _courses(), records, AS_AT)
    row = status.filter(pl.col("worker_id") == 2).row(0, named=True)
    assert (row["status"], row["completed_date"]) == ("current", date(2025, 1, 15))


def test_compliance_by_council_team_and_role() -> None:
    staff = training.staff_on(_spells(), AS_AT)
    records = _training(
        [
            (1, 10, date(2024, 3, 31), AS_AT),
            (1, 11, date(2023, 1, 1), None),
            (2, 10, date(2024, 3, 30), date(2025, 3, 30)),
            (3, 10, date(2024, 7, 1), date(2025, 5, 30)),
        ]
    )
    status = training.training_status(staff, _courses(), records, AS_AT)
    council = training.compliance(status).row(0, named=True)
    # 3 of 5 pairs compliant: 60.0%.
    assert (council["pairs"], council["compliant"], council["compliance"]) == (5, 3, 60.0)
    by_team = training.compliance(status, "team")
    # North: worker 1 (2 of 2) and worker 2 (0 of 1): 2 of 3 = 66.7%; South: 1 of 2 = 50%.
    assert by_team.select("team", "pairs", "compliant", "compliance").rows() == [
        ("North", 3, 2, 66.7),
        ("South", 2, 1, 50.0),
    ]
    by_role = training.compliance(status, "role")
    assert by_role.select("role", "compliance", "expired", "missing").rows() == [
        ("social_worker", 75.0, 0, 1),
        ("team_manager", 0.0, 1, 0),
    ]
    gaps = training.gaps(status)
    assert gaps.select("worker_id", "code", "status").rows() == [
        (3, "COURT", "missing"),
        (2, "SG", "expired"),
        (1, "SG", "expiring"),
        (3, "SG", "expiring"),
    ]


def test_compliance_without_pairs_is_empty_not_zero() -> None:
    status = training.training_status(
        training.staff_on(_spells(), date(2010, 1, 1)), _courses(), _training([]), date(2010, 1, 1)
    )
    assert training.compliance(status).row(0, named=True)["compliance"] is None


def test_expiry_after_renewal_months() -> None:
    frame = pl.DataFrame(
        {
            "completed": [date(2024, 3, 15), date(2024, 1, 31), date(2024, 5, 1)],
            "months": [12, 1, None],
        }
    )
    got = frame.select(training.expiry_after(pl.col("completed"), pl.col("months")).alias("e"))
    assert got["e"].to_list() == [date(2025, 3, 14), date(2024, 2, 28), None]


def _offer() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item_id": [1, 2, 3],
            "code": ["G1", "E1", "T1"],
            "kind": ["guidance", "event", "tool"],
            "title": ["Neglect practice guidance", "Court skills forum", "Genogram tool"],
            "summary": ["How to evidence neglect", None, "Drawing family networks"],
            "link": [None, None, None],
            "event_date": [None, date(2025, 4, 10), None],
            "tags": [["neglect", "assessment"], ["court"], ["assessment", "family"]],
            "course_id": [None, None, None],
        },
        schema=OFFER_SCHEMA,
    )


def test_search_matches_every_word_in_title_summary_or_tags() -> None:
    offer = _offer()
    assert training.search_offer(offer, "assessment")["code"].to_list() == ["G1", "T1"]
    assert training.search_offer(offer, "ASSESSMENT family")["code"].to_list() == ["T1"]
    assert training.search_offer(offer, "court")["code"].to_list() == ["E1"]
    assert training.search_offer(offer, "  ")["code"].to_list() == ["E1", "G1", "T1"]
    assert training.search_offer(offer, "adoption").height == 0


def test_attendance_counts_within_the_period() -> None:
    attendance = pl.DataFrame(
        {
            "worker_id": [1, 1, 2, 3],
            "item_id": [2, 2, 2, 3],
            "attended_date": [
                date(2025, 1, 1),
                date(2025, 2, 1),
                date(2025, 2, 1),
                date(2024, 1, 1),
            ],
        }
    )
    counts = training.attendance_counts(_offer(), attendance, date(2024, 4, 1), AS_AT)
    assert counts.select("code", "attendances", "workers").rows() == [
        ("E1", 3, 2),
        ("G1", 0, 0),
        ("T1", 0, 0),
    ]
