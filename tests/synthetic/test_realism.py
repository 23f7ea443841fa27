"""The typical demo council looks like a real council (docs/synthetic.md, "Realism"): on each
census date (30 September 2024, 2025, 2026) of the demo (Demoshire, seed 1, three years):

- at most a tenth of teams have more case holders than their managers may supervise (the default
  policy's span of control, 6 each);
- at most two sibling groups are split between workers (care leavers aside, as in the rule);
- ASYEs are 10-15% and advanced practitioners 15-25% of case holders (own and agency), there are
  5 to 7 case holders per team manager (about 1:6), and family support workers;
- ASYEs leave at about the overall rate (DfE's attrition: not several times it).

Struggling stays struggling: its caseload, agency and turnover are checked in
``tests/services/test_generation.py``; here its teams are larger than a manager can supervise and
its ASYEs fewer (it recruits fewer newly qualified staff)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from caseload.caseloads.policy import default_policy
from caseload.domain import Role
from caseload.services.generation import DEMO_SPEC, simulation_start
from caseload.synthetic import SyntheticCouncil, generate_council

CENSUS_DATES = (date(2024, 9, 30), date(2025, 9, 30), date(2026, 9, 30))
HOLDING = [role.value for role in Role if role.holds_cases]


def on(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """Rows open on ``day`` (``start_date`` to ``end_date``, open-ended when null)."""
    return frame.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )


def teams_on(council: SyntheticCouncil, day: date) -> pl.DataFrame:
    """Teams with case holders on ``day``: ``team_id``, ``holders``, ``managers``."""
    spells = on(council.employment_spells, day)
    holders = (
        spells.filter(pl.col("role").is_in(HOLDING))
        .group_by("team_id")
        .agg(pl.len().alias("holders"))
    )
    managers = (
        on(council.team_management, day)
        .group_by("team_id")
        .agg(pl.col("worker_id").n_unique().alias("managers"))
    )
    return holders.join(managers, on="team_id", how="left").with_columns(
        pl.col("managers").fill_null(0)
    )


def span_breaches(council: SyntheticCouncil, day: date) -> tuple[int, int]:
    """(teams over the span of control or with no manager, teams with case holders)."""
    span = default_policy().span_of_control
    teams = teams_on(council, day)
    over = teams.filter((pl.col("managers") == 0) | (pl.col("holders") > span * pl.col("managers")))
    return over.height, teams.height


def split_sibling_groups(council: SyntheticCouncil, day: date) -> int:
    """Sibling groups whose open children (care leavers aside) have more than one worker."""
    allocated = on(council.allocations, day).filter(pl.col("role") == "allocated")
    statuses = on(council.child_statuses, day).select("child_id", "status")
    children = council.children.select(pl.col("id").alias("child_id"), "sibling_group")
    held = (
        allocated.join(children, on="child_id")
        .join(statuses, on="child_id", how="left")
        .filter(pl.col("sibling_group").is_not_null() & (pl.col("status") != "care_leaver"))
    )
    groups = held.group_by("sibling_group").agg(pl.col("worker_id").n_unique().alias("workers"))
    return groups.filter(pl.col("workers") > 1).height


def grade_mix(council: SyntheticCouncil, day: date) -> dict[str, float]:
    """Shares of case holders (%) and case holders per team manager on ``day``."""
    roles = dict(on(council.employment_spells, day).group_by("role").agg(pl.len()).iter_rows())
    holders = sum(roles.get(role, 0) for role in HOLDING)
    return {
        "asye": round(100 * roles.get("asye", 0) / holders, 1),
        "advanced": round(100 * roles.get("advanced_practitioner", 0) / holders, 1),
        "per_manager": round(holders / roles["team_manager"], 1),
        "support_workers": roles.get("family_support_worker", 0),
    }


def leaving_rates(council: SyntheticCouncil) -> tuple[float, float]:
    """Own staff in census roles over the three census years: leavers per year in post (%), for
    ASYEs (leaving while still ASYEs) and for everyone."""
    first, last = date(2023, 10, 1), CENSUS_DATES[-1]
    spells = council.employment_spells.filter(
        (pl.col("contract") == "own") & (pl.col("role") != "family_support_worker")
    ).with_columns(
        pl.max_horizontal("start_date", pl.lit(first)).alias("from"),
        pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last)).alias("to"),
    )
    spells = spells.filter(pl.col("to") >= pl.col("from")).with_columns(
        ((pl.col("to") - pl.col("from")).dt.total_days() + 1).alias("days"),
        (pl.col("end_reason") == "left").alias("left"),
    )

    def rate(frame: pl.DataFrame) -> float:
        return round(100 * int(frame["left"].sum()) / (int(frame["days"].sum()) / 365.25), 1)

    return rate(spells.filter(pl.col("role") == "asye")), rate(spells)


@pytest.fixture(scope="module")
def demo() -> SyntheticCouncil:
    return generate_council(DEMO_SPEC, start=simulation_start(3), years=3, seed=1)


@pytest.fixture(scope="module")
def struggling() -> SyntheticCouncil:
    spec = replace(DEMO_SPEC, preset="struggling")
    return generate_council(spec, start=simulation_start(3), years=3, seed=1)


def test_teams_stay_within_the_span_of_control(demo: SyntheticCouncil) -> None:
    found = [span_breaches(demo, day) for day in CENSUS_DATES]
    assert found == [(1, 36), (1, 36), (1, 37)]
    assert all(over <= teams / 10 for over, teams in found)


def test_sibling_groups_stay_together(demo: SyntheticCouncil) -> None:
    found = [split_sibling_groups(demo, day) for day in CENSUS_DATES]
    assert found == [0, 0, 0]
    assert all(split <= 2 for split in found)


def test_grade_mix_is_plausible(demo: SyntheticCouncil) -> None:
    mixes = [grade_mix(demo, day) for day in CENSUS_DATES]
    assert mixes[-1] == {
        "asye": 11.9,
        "advanced": 17.6,
        "per_manager": 5.5,
        "support_workers": 13,
    }
    for mix in mixes:
        assert 10.0 <= mix["asye"] <= 15.0, mix
        assert 15.0 <= mix["advanced"] <= 25.0, mix
        assert 5.0 <= mix["per_manager"] <= 7.0, mix
        assert mix["support_workers"] >= 5, mix


def test_asyes_leave_at_about_the_overall_rate(demo: SyntheticCouncil) -> None:
    asye, overall = leaving_rates(demo)
    assert (asye, overall) == (17.2, 16.6)
    assert 12.0 <= overall <= 20.0
    assert 0.5 * overall <= asye <= 1.5 * overall


def test_struggling_stays_struggling(demo: SyntheticCouncil, struggling: SyntheticCouncil) -> None:
    day = CENSUS_DATES[-1]
    assert span_breaches(struggling, day) == (28, 28)
    assert grade_mix(struggling, day)["per_manager"] == 7.4
    assert grade_mix(struggling, day)["asye"] < grade_mix(demo, day)["asye"]
    assert leaving_rates(struggling)[1] > 25.0
