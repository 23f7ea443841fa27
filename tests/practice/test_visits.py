"""Statutory visits, hand-worked with exact dates (default standards: CP every 10 working days,
CLA within 7 days of placement then every 6 weeks, CIN every 20 working days, recording within 5
working days; England's bank holidays)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from caseload.domain.practice_records import VISIT_SCHEMA
from caseload.practice.calendar import working_calendar
from caseload.practice.standards import default_standards
from caseload.practice.visits import (
    month_ends,
    monthly_series,
    recording,
    recording_summary,
    seen_summary,
    visit_summary,
    visit_windows,
    visit_windows_for,
    visits_due,
    visits_position,
)

STANDARDS = default_standards()
CAL = working_calendar(STANDARDS)
UNTIL = date(2026, 3, 31)
STATUS_SCHEMA = {
    "child_id": pl.Int64,
    "status": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
ALLOCATION_SCHEMA = {
    "allocation_id": pl.Int64,
    "child_id": pl.Int64,
    "worker_id": pl.Int64,
    "role": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
}


def statuses(*rows: tuple[int, str, date, date | None]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STATUS_SCHEMA, orient="row")


def visits(
    *rows: tuple[int, int, int | None, str, date, bool | None, bool | None, date | None],
) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=VISIT_SCHEMA, orient="row")


def allocations(*rows: tuple[int, int, date, date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (i, child, worker, "allocated", start, end)
            for i, (child, worker, start, end) in enumerate(rows)
        ],
        schema=ALLOCATION_SCHEMA,
        orient="row",
    )


NO_ALLOCATIONS = allocations()


def windows(status: pl.DataFrame, visit: pl.DataFrame, **kw: date) -> pl.DataFrame:
    return visit_windows(
        status, visit, STANDARDS, CAL, kw.get("until", UNTIL), since=kw.get("since")
    )


# Child 1: child protection plan from Monday 1 December 2025; visited Wednesday 10 December and
# Monday 29 December (no worker recorded), then not again.
CP_STATUS = statuses((1, "cp", date(2025, 12, 1), None))
CP_VISITS = visits(
    (1, 1, None, "cp", date(2025, 12, 10), True, True, date(2025, 12, 17)),
    (2, 1, 7, "cp", date(2025, 12, 29), False, None, None),
)
# Worker 5 holds the case until 15 December, worker 8 after.
CP_ALLOCATIONS = allocations(
    (1, 5, date(2025, 11, 1), date(2025, 12, 15)), (1, 8, date(2025, 12, 16), None)
)


def test_cp_windows_skip_weekends_and_christmas() -> None:
    frame = windows(CP_STATUS, CP_VISITS, until=date(2026, 1, 31))
    # 1 Dec + 10 working days = Mon 15 Dec; 10 Dec + 10 = Wed 24 Dec; 29 Dec + 10 = Tue 13 Jan
    # (25, 26 Dec and 1 Jan are bank holidays); unvisited, the next falls due Tue 27 Jan.
    assert frame["due_date"].to_list() == [
        date(2025, 12, 15),
        date(2025, 12, 24),
        date(2026, 1, 13),
        date(2026, 1, 27),
    ]
    assert frame["visit_id"].to_list() == [1, 2, None, None]
    assert (
        frame["opened"].to_list()
        == [date(2025, 12, 1), date(2025, 12, 10)] + [date(2025, 12, 29)] * 2
    )


def test_position_on_a_day() -> None:
    frame = windows(CP_STATUS, CP_VISITS)
    position = visits_position(frame, CP_VISITS, CP_ALLOCATIONS, date(2026, 1, 20))
    row = position.row(0, named=True)
    assert row["case_type"] == "cp"
    assert row["last_visit_date"] == date(2025, 12, 29)
    assert row["last_visit_id"] == 2
    assert (row["seen"], row["seen_alone"]) == (False, None)
    assert row["next_due"] == date(2026, 1, 13)
    assert row["overdue"] is True
    assert row["days_overdue"] == 7
    assert row["visits_missed"] == 1
    assert row["worker_id"] == 8
    # On the due date itself the visit is not overdue yet.
    on_due = visits_position(frame, CP_VISITS, CP_ALLOCATIONS, date(2026, 1, 13)).row(0, named=True)
    assert (on_due["overdue"], on_due["days_overdue"], on_due["visits_missed"]) == (False, 0, 0)


def test_visits_due_in_a_month_and_who_they_belong_to() -> None:
    due = visits_due(
        windows(CP_STATUS, CP_VISITS), CP_ALLOCATIONS, date(2025, 12, 1), date(2025, 12, 31)
    )
    assert due.select("due_date", "outcome", "worker_id").rows() == [
        (date(2025, 12, 15), "on_time", 5),  # no worker on the visit: allocated on 10 Dec
        (date(2025, 12, 24), "late", 7),  # the visiting worker
    ]
    january = visits_due(
        windows(CP_STATUS, CP_VISITS), CP_ALLOCATIONS, date(2026, 1, 1), date(2026, 1, 27)
    )
    assert january.select("due_date", "outcome", "worker_id").rows() == [
        (date(2026, 1, 13), "missed", 8),  # not made: the allocated worker on the due date
        (date(2026, 1, 27), "not_yet_overdue", 8),
    ]
    summary = visit_summary(pl.concat([due, january])).row(0, named=True)
    assert summary == {
        "due": 4,
        "done": 2,
        "on_time": 1,
        "late": 1,
        "missed": 1,
        "not_yet_overdue": 1,
        "on_time_rate": 33.3,
    }
    teams = pl.DataFrame({"worker_id": [5, 7, 8], "team": ["A", "B", "B"], "service": ["S"] * 3})
    by_team = visit_summary(pl.concat([due, january]), ["team"], teams)
    assert by_team.select("team", "due", "on_time").rows() == [("A", 1, 1), ("B", 3, 0)]
    with pytest.raises(ValueError, match="cannot group by"):
        visit_summary(due, ["district"])


def test_a_visit_due_after_a_bank_holiday() -> None:
    # CP plan from Friday 15 August 2025: 10 working days skip Monday 25 August (summer bank
    # holiday), so the first visit is due Monday 1 September, not Friday 29 August; the next
    # 10 working days after the visit on 1 September, Monday 15 September.
    status = statuses((2, "cp", date(2025, 8, 15), None))
    visit = visits((3, 2, 4, "cp", date(2025, 9, 1), True, True, date(2025, 9, 1)))
    due = visits_due(windows(status, visit), NO_ALLOCATIONS, date(2025, 8, 1), date(2025, 9, 30))
    assert due.select("due_date", "outcome").rows() == [
        (date(2025, 9, 1), "on_time"),
        (date(2025, 9, 15), "missed"),
        (date(2025, 9, 29), "missed"),
    ]


@pytest.mark.parametrize(
    ("visited", "outcome"), [(date(2025, 1, 10), "on_time"), (date(2025, 1, 13), "late")]
)
def test_cla_placement_on_a_friday(visited: date, outcome: str) -> None:
    # Placed Friday 3 January 2025: the first visit is due within 7 days, Friday 10 January.
    status = statuses((3, "cla", date(2025, 1, 3), None))
    visit = visits((4, 3, 4, "cla", visited, True, True, visited))
    frame = windows(status, visit)
    due = visits_due(frame, NO_ALLOCATIONS, date(2025, 1, 1), date(2025, 1, 31))
    assert due.select("due_date", "outcome").rows() == [(date(2025, 1, 10), outcome)]
    # Then every 6 weeks from the visit.
    assert frame["due_date"][1] == visited + (date(2025, 2, 21) - date(2025, 1, 10))


def test_nothing_is_due_after_a_plan_ends() -> None:
    # CIN plan 1 September to 31 October 2025, never visited: due Mon 29 September (20 working
    # days) and Mon 27 October; the next (24 November) is after the plan ended.
    status = statuses((4, "cin", date(2025, 9, 1), date(2025, 10, 31)))
    due = visits_due(
        windows(status, visits()), NO_ALLOCATIONS, date(2025, 9, 1), date(2025, 12, 31)
    )
    assert due.select("due_date", "outcome").rows() == [
        (date(2025, 9, 29), "missed"),
        (date(2025, 10, 27), "missed"),
    ]
    assert visits_position(
        windows(status, visits()), visits(), NO_ALLOCATIONS, date(2025, 11, 3)
    ).is_empty()
    # A plan that ends before its first visit falls due has nothing due at all.
    short = statuses((5, "cin", date(2025, 9, 1), date(2025, 9, 15)))
    assert visits_due(
        windows(short, visits()), NO_ALLOCATIONS, date(2025, 9, 1), date(2025, 12, 31)
    ).is_empty()


# Child 6: looked after from Friday 3 January 2025 and on a protection plan from Monday 2 June
# to Tuesday 30 September 2025.
BOTH_STATUS = statuses(
    (6, "cla", date(2025, 1, 3), None), (6, "cp", date(2025, 6, 2), date(2025, 9, 30))
)
BOTH_VISITS = visits(
    (10, 6, 4, "cla", date(2025, 1, 9), True, True, None),
    (11, 6, 4, "cp", date(2025, 6, 10), True, True, None),
)


def test_overlapping_plans_count_once_under_child_protection() -> None:
    frame = windows(BOTH_STATUS, BOTH_VISITS)
    july = visits_position(frame, BOTH_VISITS, NO_ALLOCATIONS, date(2025, 7, 1))
    assert july.select("child_id", "case_type", "last_visit_date").rows() == [
        (6, "cp", date(2025, 6, 10))
    ]
    # June: the CP visits (16 June met on 10 June; 24 June missed), not the CLA visit due
    # 26 June (9 January + 6 weeks, repeated) while the protection plan ruled.
    june = visits_due(frame, NO_ALLOCATIONS, date(2025, 6, 1), date(2025, 6, 30))
    assert june.select("case_type", "due_date", "outcome").rows() == [
        ("cp", date(2025, 6, 16), "on_time"),
        ("cp", date(2025, 6, 24), "missed"),
    ]
    # After the plan ends the looked-after visits count again.
    october = visits_position(frame, BOTH_VISITS, NO_ALLOCATIONS, date(2025, 10, 1))
    assert october.select("case_type", "next_due").rows() == [("cla", date(2025, 2, 20))]


def test_children_not_seen_at_their_last_visit() -> None:
    status = statuses(
        (1, "cp", date(2025, 12, 1), None),
        (2, "cin", date(2025, 11, 3), None),
        (3, "cla", date(2025, 12, 1), None),
    )
    visit = visits(
        (1, 1, 5, "cp", date(2025, 12, 10), False, False, None),
        (2, 2, 5, "cin", date(2025, 11, 20), True, False, None),
        (3, 2, 5, "cin", date(2025, 12, 5), True, None, None),
    )
    position = visits_position(windows(status, visit), visit, NO_ALLOCATIONS, date(2025, 12, 12))
    summary = seen_summary(position).row(0, named=True)
    assert summary["children"] == 3
    assert summary["visited"] == 2
    assert summary["not_seen"] == 1
    assert summary["not_seen_alone"] == 1  # child 2's last visit did not record it
    assert summary["seen_alone_unknown"] == 1
    assert summary["overdue"] == 1  # child 3: due 8 December, not visited
    assert summary["not_seen_rate"] == 50.0


def test_recording_on_time_late_and_not_due_yet() -> None:
    # Visits on Wednesday 24 December 2025 are due written up by Monday 5 January 2026 (five
    # working days: 29, 30, 31 December, 2 and 5 January).
    visit = visits(
        (1, 1, 5, "cp", date(2025, 12, 24), True, True, date(2026, 1, 5)),
        (2, 1, 5, "cp", date(2025, 12, 24), True, True, date(2026, 1, 6)),
        (3, 2, None, "cp", date(2025, 12, 24), True, True, None),
    )
    alloc = allocations((2, 9, date(2025, 1, 1), None))
    early = recording(visit, alloc, STANDARDS, CAL, date(2025, 12, 1), date(2026, 1, 2))
    assert early.select("deadline", "outcome", "worker_id").rows() == [
        (date(2026, 1, 5), "not_due_yet", 5),  # recorded on the 5th: not known on the 2nd
        (date(2026, 1, 5), "not_due_yet", 5),
        (date(2026, 1, 5), "not_due_yet", 9),
    ]
    later = recording(visit, alloc, STANDARDS, CAL, date(2025, 12, 1), date(2026, 1, 6))
    assert later["outcome"].to_list() == ["on_time", "late", "late"]
    assert later["working_days_to_record"].to_list() == [5, 6, None]
    summary = recording_summary(later).row(0, named=True)
    assert (summary["visits"], summary["on_time"], summary["late"]) == (3, 1, 2)
    assert summary["on_time_rate"] == 33.3


def test_working_from_a_later_day_gives_the_same_figures() -> None:
    """``since`` only saves work: every figure read from it on is the same."""
    status = pl.concat([CP_STATUS, BOTH_STATUS, statuses((4, "cin", date(2025, 9, 1), None))])
    visit = pl.concat(
        [CP_VISITS, BOTH_VISITS, visits((20, 4, 3, "cin", date(2025, 10, 1), True, True, None))]
    )
    full = windows(status, visit)
    for since in (date(2025, 6, 1), date(2025, 10, 1), date(2026, 1, 1)):
        part = windows(status, visit, since=since)
        for day in (since, date(2026, 1, 20), UNTIL):
            assert visits_position(part, visit, NO_ALLOCATIONS, day).equals(
                visits_position(full, visit, NO_ALLOCATIONS, day)
            )
        cut = ["child_id", "case_type", "due_date", "outcome"]
        assert (
            visits_due(part, NO_ALLOCATIONS, since, UNTIL)
            .select(cut)
            .equals(visits_due(full, NO_ALLOCATIONS, since, UNTIL).select(cut))
        )


def test_monthly_series() -> None:
    assert month_ends(date(2025, 11, 15), date(2026, 1, 2)) == [
        date(2025, 11, 30),
        date(2025, 12, 31),
        date(2026, 1, 31),
    ]
    series = monthly_series(
        CP_STATUS, CP_VISITS, CP_ALLOCATIONS, STANDARDS, CAL, date(2025, 12, 1), date(2026, 1, 31)
    )
    assert series.select("month_end", "due", "on_time", "late", "missed", "overdue").rows() == [
        (date(2025, 12, 31), 2, 1, 1, 0, 0),
        (date(2026, 1, 31), 2, 0, 0, 2, 1),
    ]
    assert series["recorded_on_time"].to_list() == [1, 0]
    assert series["recording_not_due_yet"].to_list() == [1, 0]
    by_worker = monthly_series(
        CP_STATUS,
        CP_VISITS,
        CP_ALLOCATIONS,
        STANDARDS,
        CAL,
        date(2025, 12, 1),
        date(2025, 12, 31),
        by=["worker_id"],
    )
    assert by_worker.select("worker_id", "due", "children").sort("worker_id").rows() == [
        (5, 1, 0),
        (7, 1, 0),
        (8, 0, 1),
    ]


def many_plans(seed: int, children: int = 400) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Plans of every type over three years (some ended, some of one child overlapping), and
    visits roughly at each plan's interval with slips, long gaps, visits on the plan's first
    day, several on one day, plans no longer visited and a few visits without a worker."""
    rng = np.random.default_rng(seed)
    first = date(2023, 4, 1)
    rows, visit_rows = [], []
    gap = {"cp": 12, "cla": 40, "cin": 25}
    for child in range(children):
        for kind in rng.choice(["cp", "cla", "cin"], size=int(rng.integers(1, 3)), replace=False):
            start = first + timedelta(days=int(rng.integers(0, 900)))
            length = int(rng.integers(30, 1200))
            end = start + timedelta(days=length)
            rows.append((child, str(kind), start, end if end < date(2026, 3, 31) else None))
            day = start + timedelta(days=int(rng.integers(0, 3)))
            # Some plans stop being visited (their last gap stays open for months).
            stop = start + timedelta(days=int(rng.integers(0, 600))) if rng.random() < 0.15 else end
            while day < min(end, stop, date(2026, 3, 31)):
                worker = None if rng.random() < 0.05 else int(rng.integers(1, 30))
                for _ in range(2 if rng.random() < 0.03 else 1):
                    visit_rows.append(
                        (child, str(kind), worker, day, rng.random() > 0.1, rng.random() > 0.2)
                    )
                slip = (
                    int(rng.integers(-4, 8)) if rng.random() > 0.05 else int(rng.integers(30, 90))
                )
                day += timedelta(days=max(1, gap[str(kind)] + slip))
    status = statuses(*rows)
    visit = visits(
        *(
            (index, child, worker, kind, day, seen, alone, day + timedelta(days=index % 9))
            for index, (child, kind, worker, day, seen, alone) in enumerate(visit_rows)
        )
    )
    return status, visit


@pytest.mark.parametrize("seed", [1, 2])
def test_one_pass_for_several_days_gives_each_days_windows_exactly(seed: int) -> None:
    """The scorecard's trend reads windows for several days at once: each day's frame from the
    one pass must equal that day's own, column for column and row for row."""
    status, visit = many_plans(seed)
    periods: list[tuple[date | None, date]] = [
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2024, 11, 15), date(2025, 2, 14)),
        (None, date(2025, 6, 30)),
    ]
    together = visit_windows_for(status, visit, STANDARDS, CAL, periods)
    assert len(together) == len(periods)
    for (since, until), frame in zip(periods, together, strict=True):
        alone = visit_windows(status, visit, STANDARDS, CAL, until, since=since)
        assert alone.height > 1000
        assert frame.equals(alone), (since, until)
    assert visit_windows_for(status, visit, STANDARDS, CAL, []) == []
