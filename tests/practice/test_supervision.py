"""Supervision: the schedule by role (the ASYE steps), the last and next sessions, and compliance
as a share of worker-days, by worker, supervisor and team, worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from caseload.domain.practice_records import SUPERVISION_SCHEMA
from caseload.practice.supervision import (
    schedule_steps,
    supervised_roles,
    supervision_compliance,
    supervision_days,
    supervision_position,
)
from practice.standards_fixture import STANDARDS

SPELL_SCHEMA = {
    "worker_id": pl.Int64,
    "role": pl.Utf8,
    "contract": pl.Utf8,
    "fte": pl.Float64,
    "team": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
ASYE_START = date(2025, 1, 6)


def day(n: int) -> date:
    """Day ``n`` of the ASYE's role (day 0 is the first day)."""
    return ASYE_START + timedelta(days=n)


def spells(*rows: tuple[int, str, str, date, date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "worker_id": worker,
                "role": role,
                "contract": "own",
                "fte": 1.0,
                "team": team,
                "start_date": start,
                "end_date": end,
            }
            for worker, role, team, start, end in rows
        ],
        schema=SPELL_SCHEMA,
    )


def sessions(*rows: tuple[int, int | None, date, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "supervision_id": index,
                "worker_id": worker,
                "supervisor_id": supervisor,
                "supervision_date": when,
                "kind": kind,
                "duration_minutes": 60,
            }
            for index, (worker, supervisor, when, kind) in enumerate(rows, start=1)
        ],
        schema=SUPERVISION_SCHEMA,
    )


# An ASYE from 6 January 2025, supervised on days 0, 7, 16, 39 and 58 of the role.
ASYE = spells((1, "asye", "Team A", ASYE_START, None))
ASYE_SESSIONS = sessions(*((1, 9, day(n), "formal") for n in (0, 7, 16, 39, 58)))


def test_steps_are_day_ranges_since_the_role_started() -> None:
    steps = schedule_steps(STANDARDS, ["asye", "social_worker"])
    assert steps.rows() == [
        ("asye", 0, 42, 7),
        ("asye", 42, 182, 14),
        ("asye", 182, None, 28),
        ("social_worker", 0, None, 28),
    ]
    assert "team_manager" not in supervised_roles(STANDARDS)
    assert "asye" in supervised_roles(STANDARDS)


def test_an_asye_across_the_weekly_and_fortnightly_steps() -> None:
    # Days 0-57. Weekly (7) to day 41: sessions on days 0, 7, 16 and 39, so day 15 (gap 8) and
    # days 24-38 (gaps 8-22) break it: 16 days. From day 42 fortnightly (14): the session on day
    # 39 covers to day 53 (gap 14); days 54-57 (gaps 15-18) break it: 4 days. Day 58 is a
    # session. Compliant: 58 - 20 = 38 of 58 worker-days = 65.517 -> 65.5%.
    days = supervision_days(ASYE, ASYE_SESSIONS, STANDARDS, day(0), day(57))
    broken = days.filter(~pl.col("compliant"))["day"].to_list()
    assert broken == [day(15), *(day(n) for n in range(24, 39)), *(day(n) for n in range(54, 58))]
    assert days.filter(pl.col("day") == day(41))["every_days"].item() == 7
    assert days.filter(pl.col("day") == day(42))["every_days"].item() == 14
    assert supervision_compliance(days).select("worker_days", "compliant_days", "compliance").row(
        0
    ) == (58, 38, 65.5)


def test_next_due_follows_the_steps_ahead() -> None:
    # Day 40: last session day 39, weekly now, but fortnightly from day 42, so a session is
    # next needed by day 39 + 14 = day 53, not day 46.
    on_40 = supervision_position(ASYE, ASYE_SESSIONS, STANDARDS, day(40)).row(0, named=True)
    assert on_40["last_supervision"] == day(39)
    assert on_40["every_days"] == 7
    assert on_40["next_due"] == day(53)
    assert (on_40["overdue"], on_40["days_overdue"]) == (False, 0)
    # Day 20: last session day 16, weekly: due by day 23.
    on_20 = supervision_position(ASYE, ASYE_SESSIONS, STANDARDS, day(20)).row(0, named=True)
    assert (on_20["next_due"], on_20["overdue"]) == (day(23), False)
    # Day 30: gap 14 > 7: overdue since day 23, by 7 days.
    on_30 = supervision_position(ASYE, ASYE_SESSIONS, STANDARDS, day(30)).row(0, named=True)
    assert (on_30["next_due"], on_30["overdue"], on_30["days_overdue"]) == (day(23), True, 7)
    assert on_30["gap_days"] == 14
    assert on_30["supervisor_id"] == 9


def test_the_six_month_step() -> None:
    # Last session day 170, fortnightly until day 181; from day 182 every 28 days. On day 180
    # the fortnightly limit (day 184) falls in the monthly step, where the session lasts to day
    # 170 + 28 = 198.
    held = sessions(*((1, 9, day(n), "formal") for n in (0, 7, 14, 21, 28, 35, 42, 170)))
    on_180 = supervision_position(ASYE, held, STANDARDS, day(180)).row(0, named=True)
    assert on_180["next_due"] == day(198)
    days = supervision_days(ASYE, held, STANDARDS, day(181), day(200))
    assert days.filter(~pl.col("compliant"))["day"].to_list() == [day(199), day(200)]
    assert days.filter(pl.col("day") == day(182))["every_days"].item() == 28


# A social worker in Team A supervised by 9 on 20 February and 25 March 2025.
WORKER = spells((2, "social_worker", "Team A", date(2020, 1, 1), None))
MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def test_a_worker_with_a_gap() -> None:
    # Gap 9..28 on 1-20 March (20 days), 29..32 on 21-24 March (4 days, not compliant), 0..6 on
    # 25-31 March (7 days): 27 / 31 = 87.096 -> 87.1%. The ad hoc word on 22 March does not count.
    held = sessions(
        (2, 9, date(2025, 2, 20), "formal"),
        (2, 9, date(2025, 3, 22), "ad_hoc"),
        (2, 9, date(2025, 3, 25), "formal"),
    )
    days = supervision_days(WORKER, held, STANDARDS, *MARCH)
    assert supervision_compliance(days, "worker_id").select(
        "worker_id", "worker_days", "compliant_days", "compliance"
    ).rows() == [(2, 31, 27, 87.1)]
    on_24 = supervision_position(WORKER, held, STANDARDS, date(2025, 3, 24)).row(0, named=True)
    assert (on_24["next_due"], on_24["days_overdue"]) == (date(2025, 3, 20), 4)
    # Counting ad hoc sessions too, only 21 March breaks the schedule: 30 / 31 = 96.8%.
    counted = supervision_days(WORKER, held, STANDARDS, *MARCH, counted_kinds=("formal", "ad_hoc"))
    assert supervision_compliance(counted)["compliance"].item() == 96.8


def test_compliance_by_supervisor_and_team() -> None:
    # Worker 2: 27 of 31 (as above). Worker 3 (Team A): sessions 28 Feb and 20 March, gaps at
    # most 19: 31 of 31. Both supervised by 9: 58 / 62 = 93.548 -> 93.5%.
    # Worker 4 joined Team B on 1 March with no session: gap 0 (1 March) to 30 (31 March), so
    # 30 and 31 March break the 28 days: 29 / 31 = 93.5%, attributed to Team B's manager, 50.
    # The manager's own spell is not a supervised role.
    people = spells(
        (2, "social_worker", "Team A", date(2020, 1, 1), None),
        (3, "senior_social_worker", "Team A", date(2021, 1, 1), None),
        (4, "social_worker", "Team B", date(2025, 3, 1), None),
        (50, "team_manager", "Team B", date(2019, 1, 1), None),
    )
    held = sessions(
        (2, 9, date(2025, 2, 20), "formal"),
        (2, 9, date(2025, 3, 25), "formal"),
        (3, 9, date(2025, 2, 28), "formal"),
        (3, 9, date(2025, 3, 20), "group"),
    )
    teams = pl.DataFrame({"team_id": [1, 2], "team": ["Team A", "Team B"]})
    managers = pl.DataFrame(
        {
            "team_id": [2, 2],
            "worker_id": [49, 50],
            "start_date": [date(2018, 1, 1), date(2024, 6, 1)],
            "end_date": [date(2024, 5, 31), None],
        }
    )
    days = supervision_days(people, held, STANDARDS, *MARCH, managers=managers, teams=teams)
    assert 50 not in days["worker_id"].to_list()
    by_supervisor = supervision_compliance(days, "supervisor_id")
    assert by_supervisor.select(
        "supervisor_id", "workers", "worker_days", "compliant_days", "compliance"
    ).rows() == [(9, 2, 62, 58, 93.5), (50, 1, 31, 29, 93.5)]
    by_team = supervision_compliance(days, "team")
    assert by_team.select("team", "compliant_days", "compliance").rows() == [
        ("Team A", 58, 93.5),
        ("Team B", 29, 93.5),
    ]
    overall = supervision_compliance(days)
    assert overall.select("worker_days", "compliant_days", "compliance").row(0) == (
        93,
        87,
        93.5,
    )
    monthly = supervision_compliance(days, "month")
    assert monthly["month"].to_list() == [date(2025, 3, 1)]
    position = supervision_position(
        people, held, STANDARDS, date(2025, 3, 31), managers=managers, teams=teams
    )
    assert position.select("worker_id", "team_id", "overdue", "next_due").rows() == [
        (2, 1, False, date(2025, 4, 22)),
        (3, 1, False, date(2025, 4, 17)),
        (4, 2, True, date(2025, 3, 29)),
    ]


def test_a_worker_who_changes_role_and_one_who_leaves() -> None:
    # Worker 5: ASYE until 31 March, social worker from 1 April: the ASYE steps end; the last
    # session (25 March) counts in the new role: 28 days, so due by 22 April. Worker 6 left on
    # 10 April: measured to that day only.
    people = spells(
        (5, "asye", "Team A", date(2024, 4, 1), date(2025, 3, 31)),
        (5, "social_worker", "Team A", date(2025, 4, 1), None),
        (6, "social_worker", "Team A", date(2020, 1, 1), date(2025, 4, 10)),
    )
    held = sessions((5, 9, date(2025, 3, 25), "formal"), (6, 9, date(2025, 4, 1), "formal"))
    days = supervision_days(people, held, STANDARDS, date(2025, 4, 1), date(2025, 4, 30))
    assert days.filter(pl.col("worker_id") == 6).height == 10
    five = days.filter(pl.col("worker_id") == 5)
    assert five["role"].unique().to_list() == ["social_worker"]
    assert five.filter(~pl.col("compliant"))["day"].min() == date(2025, 4, 23)
