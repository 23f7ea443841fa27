"""Events linked to the worker's caseload on the day: cases, FTE, role, band; visit timeliness
and audit grades by band."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.caseloads.policy import default_policy
from caseload.caseloads.position import active_on
from caseload.domain.practice_records import AUDIT_SCHEMA
from caseload.practice import linked
from caseload.practice.linked import (
    LINKED_METHOD,
    grades_by_band,
    link_to_caseloads,
    visits_by_band,
)

POLICY = default_policy()  # bands: green up to 18, amber up to 20, red above
SWITCH = date(2025, 3, 10)
ALLOCATION_SCHEMA = {
    "allocation_id": pl.Int64,
    "child_id": pl.Int64,
    "worker_id": pl.Int64,
    "role": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
}


def allocations() -> pl.DataFrame:
    """Worker 1: 19 children throughout, child 100 until 10 March, child 101 from 10 March, and
    co-working child 102 (not counted). Worker 2 (0.5 FTE): 9 children. Worker 3: 1 child, but
    left on 28 February."""
    rows = [(c, 1, "allocated", date(2024, 1, 1), None) for c in range(1, 20)]
    rows += [
        (100, 1, "allocated", date(2024, 6, 1), SWITCH),
        (101, 1, "allocated", SWITCH, None),
        (102, 1, "co_worker", date(2024, 6, 1), None),
        *((c, 2, "allocated", date(2024, 1, 1), None) for c in range(20, 29)),
        (29, 3, "allocated", date(2024, 1, 1), None),
    ]
    return pl.DataFrame(
        [
            dict(zip(("child_id", "worker_id", "role", "start_date", "end_date"), row, strict=True))
            | {"allocation_id": index}
            for index, row in enumerate(rows, start=1)
        ],
        schema=ALLOCATION_SCHEMA,
    )


SPELLS = pl.DataFrame(
    {
        "worker_id": [1, 2, 3],
        "role": ["social_worker", "social_worker", "social_worker"],
        "fte": [1.0, 0.5, 1.0],
        "start_date": [date(2020, 1, 1), date(2020, 1, 1), date(2020, 1, 1)],
        "end_date": [None, None, date(2025, 2, 28)],
    },
    schema_overrides={"end_date": pl.Date},
)


def test_a_day_with_one_allocation_ending_and_one_starting() -> None:
    # Worker 1 holds 20 on 9 March (19 + child 100), 21 on 10 March (child 100's last day and
    # child 101's first both count), 20 on 11 March. Worker 2: 9 cases / 0.5 FTE = 18: green.
    # Worker 3 left on 28 February: cases counted, but not banded.
    events = pl.DataFrame(
        {
            "event": ["a", "b", "c", "d", "e"],
            "worker_id": [1, 1, 1, 2, 3],
            "day": [SWITCH - timedelta(days=1), SWITCH, SWITCH + timedelta(days=1), SWITCH, SWITCH],
        }
    )
    out = link_to_caseloads(events, allocations(), SPELLS, POLICY)
    assert out.select("event", "cases", "fte", "caseload", "band").rows() == [
        ("a", 20, 1.0, 20.0, "amber"),
        ("b", 21, 1.0, 21.0, "red"),
        ("c", 20, 1.0, 20.0, "amber"),
        ("d", 9, 0.5, 18.0, "green"),
        ("e", 1, None, None, None),
    ]
    assert out["band_label"].to_list() == [
        "above 18, up to 20 cases per FTE",
        "above 20 cases per FTE",
        "above 18, up to 20 cases per FTE",
        "up to 18 cases per FTE",
        "not known",
    ]
    assert out["role"].to_list()[:4] == ["social_worker"] * 4


def test_an_asye_by_qualification_date() -> None:
    # Worker 2's HR grade is social worker, but they qualified on 1 September 2024 and this is
    # their first post after qualifying: an ASYE until 31 August 2025, a social worker after.
    workers = pl.DataFrame(
        {"worker_id": [1, 2, 3], "qualification_date": [date(2010, 1, 1), date(2024, 9, 1), None]}
    )
    spells = SPELLS.with_columns(
        pl.when(pl.col("worker_id") == 2)
        .then(pl.lit(date(2024, 9, 1)))
        .otherwise(pl.col("start_date"))
        .alias("start_date")
    )
    events = pl.DataFrame(
        {"worker_id": [2, 2, 1], "day": [date(2025, 8, 31), date(2025, 9, 1), SWITCH]}
    )
    out = link_to_caseloads(events, allocations(), spells, POLICY, workers=workers)
    assert out["role"].to_list() == ["asye", "social_worker", "social_worker"]


def test_visits_by_band() -> None:
    # On 10 March worker 1 is red: 3 visits, 1 on time. On 9 March amber: 2 visits, both on time.
    # Worker 2 green: 4 visits, 3 on time; one of them names no worker (child 20 is worker 2's).
    # Worker 3 (left) is not known: 1 visit, on time. A visit with on_time null is left out.
    nine, ten = SWITCH - timedelta(days=1), SWITCH
    rows = [
        (1, 1, ten, True),
        (2, 1, ten, False),
        (3, 1, ten, False),
        (4, 1, nine, True),
        (5, 1, nine, True),
        (20, 2, ten, True),
        (21, 2, ten, True),
        (22, 2, ten, False),
        (20, None, ten, True),
        (29, 3, ten, True),
        (23, 2, ten, None),
    ]
    visits = pl.DataFrame(
        rows,
        schema={
            "child_id": pl.Int64,
            "worker_id": pl.Int64,
            "visit_date": pl.Date,
            "on_time": pl.Boolean,
        },
        orient="row",
    )
    table = visits_by_band(visits, allocations(), SPELLS, POLICY)
    assert table.select("band", "visits", "on_time", "share_on_time").rows() == [
        ("green", 4, 3, 75.0),
        ("amber", 2, 2, 100.0),
        ("red", 3, 1, 33.3),
        ("not known", 1, 1, 100.0),
    ]
    assert table["band_label"][0] == "up to 18 cases per FTE"
    only_green = visits_by_band(
        visits.filter(pl.col("worker_id") == 2), allocations(), SPELLS, POLICY
    )
    assert only_green.select("band", "visits", "share_on_time").rows() == [
        ("green", 3, 66.7),
        ("amber", 0, None),
        ("red", 0, None),
    ]


def test_grades_by_band() -> None:
    # Red (worker 1 on 10 March): good and inadequate (moderated from requires improvement):
    # 1 of 2 good or better, mean score (3 + 1) / 2 = 2.0. Green (worker 2): outstanding, good,
    # requires improvement: 2 of 3, mean (4 + 3 + 2) / 3 = 3.0.
    rows = [
        (1, 1, SWITCH, "good", None),
        (2, 1, SWITCH, "requires_improvement", "inadequate"),
        (20, 2, SWITCH, "outstanding", None),
        (21, 2, SWITCH, "good", None),
        (22, None, SWITCH, "requires_improvement", None),
    ]
    audits = pl.DataFrame(
        [
            {
                "audit_id": index,
                "child_id": child,
                "worker_id": worker,
                "auditor": "A",
                "audit_date": when,
                "instrument": "standard",
                "overall_grade": overall,
                "moderated_grade": moderated,
                "moderator": None,
                "themes": [],
            }
            for index, (child, worker, when, overall, moderated) in enumerate(rows, start=1)
        ],
        schema=AUDIT_SCHEMA,
    )
    table = grades_by_band(audits, allocations(), SPELLS, POLICY)
    assert table.select(
        "band", "audits", "good_or_better", "share_good_or_better", "mean_score"
    ).rows() == [
        ("green", 3, 2, 66.7, 3.0),
        ("amber", 0, 0, None, None),
        ("red", 2, 1, 50.0, 2.0),
    ]


def test_the_method_text_states_the_limits() -> None:
    for words in ("association, not a cause", "Small groups", "on the day"):
        assert words in LINKED_METHOD


day_numbers = st.integers(min_value=0, max_value=60)


@st.composite
def council(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    base = date(2025, 1, 1)
    rows = []
    for index in range(draw(st.integers(min_value=0, max_value=25))):
        start = draw(day_numbers)
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=30)))
        rows.append(
            {
                "allocation_id": index,
                "child_id": index,
                "worker_id": draw(st.integers(min_value=1, max_value=4)),
                "role": draw(st.sampled_from(["allocated", "allocated", "co_worker"])),
                "start_date": base + timedelta(days=start),
                "end_date": None if length is None else base + timedelta(days=start + length),
            }
        )
    events = [
        {
            "worker_id": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5))),
            "day": base + timedelta(days=draw(day_numbers)),
        }
        for _ in range(draw(st.integers(min_value=0, max_value=15)))
    ]
    return (
        pl.DataFrame(rows, schema=ALLOCATION_SCHEMA),
        pl.DataFrame(events, schema={"worker_id": pl.Int64, "day": pl.Date}),
    )


@pytest.mark.parametrize("grid", [True, False], ids=["table", "binary search"])
@settings(max_examples=30, deadline=None)
@given(data=council())
def test_cases_match_counting_each_day(grid: bool, data: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    """The linked count is the caseloads count on the day (allocated-worker allocations active
    on it), by the worker-by-day table and by the binary search alike."""
    allocations_frame, events = data
    spells = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4],
            "role": ["social_worker"] * 4,
            "fte": [1.0] * 4,
            "start_date": [date(2024, 1, 1)] * 4,
            "end_date": [None] * 4,
        },
        schema_overrides={"end_date": pl.Date},
    )
    with pytest.MonkeyPatch.context() as patch:
        if not grid:
            patch.setattr(linked, "_GRID_LIMIT", 0)
        out = link_to_caseloads(events, allocations_frame, spells, POLICY)
    held = allocations_frame.filter(pl.col("role") == "allocated")
    for row in out.iter_rows(named=True):
        if row["worker_id"] is None:
            assert (row["cases"], row["band"]) == (0, None)
            continue
        mine = held.filter(pl.col("worker_id") == row["worker_id"])
        assert row["cases"] == active_on(mine, row["day"]).height
        if row["worker_id"] == 5:  # no spell: not in post
            assert row["band"] is None
        else:
            assert row["band"] == POLICY.band(row["cases"])
