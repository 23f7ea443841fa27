"""Posts needed, worked by hand on the default caseload policy: cases shared between roles as they
are held today, points where they are the tighter limit, ASYEs in social worker posts at their own
target."""

from __future__ import annotations

import polars as pl
import pytest

from caseload.caseloads.policy import default_policy
from caseload.forecasting.posts import case_mix, posts_needed, targets


def _mix() -> pl.DataFrame:
    held = pl.DataFrame(
        {
            "worker_id": [1] * 10 + [1] * 5 + [2] * 5 + [3] * 10 + [4],
            "case_type": ["cin"] * 10 + ["cp"] * 5 + ["cp"] * 5 + ["cin"] * 10 + [None],
            "points": [1.0] * 10 + [1.5] * 5 + [1.5] * 5 + [1.0] * 10 + [0.0],
        }
    )
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4],
            "role": ["social_worker", "senior_social_worker", "asye", "team_manager"],
            "hr_role": ["social_worker", "senior_social_worker", "social_worker", "team_manager"],
        }
    )
    return case_mix(held, workers)


def test_targets_of_the_default_policy() -> None:
    found = {row["role"]: row for row in targets(default_policy()).iter_rows(named=True)}
    assert found["asye"]["target_cases"] == 15 and found["asye"]["target_points"] == 16.0
    assert found["social_worker"]["target_cases"] == 18
    assert found["social_worker"]["target_points"] == pytest.approx(22 * 18 / 20)  # 19.8
    assert found["advanced_practitioner"]["target_cases"] == 12


def test_case_mix_leaves_out_managers_and_children_without_status() -> None:
    mix = _mix()
    assert mix.select("role", "post", "case_type", "cases").rows() == [
        ("asye", "social_worker", "cin", 10.0),
        ("senior_social_worker", "senior_social_worker", "cp", 5.0),
        ("social_worker", "social_worker", "cin", 10.0),
        ("social_worker", "social_worker", "cp", 5.0),
    ]


def test_posts_needed_by_hand() -> None:
    cases = pl.DataFrame({"case_type": ["cin", "cp"], "cases": [40.0, 20.0]})
    funded = pl.DataFrame(
        {"role": ["social_worker", "senior_social_worker"], "funded_fte": [3.0, 1.0]}
    )
    in_post = pl.DataFrame(
        {
            "role": ["social_worker", "senior_social_worker"],
            "fte": [2.5, 1.0],
            "agency_fte": [0.5, None],
        }
    )
    found = {
        row["post"]: row
        for row in posts_needed(cases, _mix(), default_policy(), funded, in_post).iter_rows(
            named=True
        )
    }
    # Child in need: half with the social worker, half with the ASYE: 20 cases (20 points) each.
    # Child protection: half with the social worker, half with the senior: 10 cases (15 points).
    # Social worker: 30 cases, 35 points: max(30/18, 35/19.8) = 35/19.8 (points are tighter).
    # ASYE: 20 cases, 20 points: max(20/15, 20/16) = 4/3. Both fill social worker posts.
    social = found["social_worker"]
    assert social["cases"] == pytest.approx(50.0)
    assert social["points"] == pytest.approx(55.0)
    assert social["fte_needed"] == pytest.approx(35 / 19.8 + 4 / 3)
    assert social["gap_to_funded"] == pytest.approx(35 / 19.8 + 4 / 3 - 3.0)
    assert social["gap_to_in_post"] == pytest.approx(35 / 19.8 + 4 / 3 - 2.5)
    assert social["agency_fte"] == 0.5
    senior = found["senior_social_worker"]
    assert senior["fte_needed"] == pytest.approx(15 / 19.8)  # 10 cases, 15 points
    assert found["advanced_practitioner"]["fte_needed"] == 0.0
    assert found["advanced_practitioner"]["funded_fte"] == 0.0


def test_a_type_nobody_holds_is_shared_like_all_cases() -> None:
    cases = pl.DataFrame({"case_type": ["cla"], "cases": [30.0]})
    empty = pl.DataFrame(schema={"role": pl.Utf8, "funded_fte": pl.Float64})
    none = pl.DataFrame(schema={"role": pl.Utf8, "fte": pl.Float64, "agency_fte": pl.Float64})
    found = {
        row["post"]: row
        for row in posts_needed(cases, _mix(), default_policy(), empty, none).iter_rows(named=True)
    }
    # All 30 held cases: social worker 15 (17.5 points), ASYE 10 (10), senior 5 (7.5).
    assert found["social_worker"]["cases"] == pytest.approx(30 * 25 / 30)
    assert found["senior_social_worker"]["cases"] == pytest.approx(5.0)
    assert found["senior_social_worker"]["points"] == pytest.approx(7.5)
