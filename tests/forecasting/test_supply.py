"""The supply model's stock-flow arithmetic, worked by hand on cases whose chances are 0 or 1,
and its quantiles on cases with a known distribution."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from scipy import stats

from caseload.forecasting.supply import (
    SERVICE_MONTH_CAP,
    Intake,
    RecruitmentRound,
    SupplyInputs,
    SupplyModel,
    leave_by_month_from_bands,
    monthly_chance,
    simulate,
    supply_quantiles,
)

ROLES = ("asye", "social_worker", "senior_social_worker")


def council(
    *,
    staff: list[tuple[int, float, int, int]],
    months: int = 12,
    leave: np.ndarray | None = None,
    progress: tuple[float, float, float] = (0.0, 0.0, 0.0),
    establishment: tuple[float, float, float] = (0.0, 0.0, 0.0),
    **changes: object,
) -> SupplyInputs:
    """Staff as (role, fte, months of service, months in role)."""
    table = np.array(staff, dtype=np.float64).reshape(-1, 4)
    inputs = SupplyInputs(
        first_day=date(2026, 3, 31),
        months=months,
        roles=ROLES,
        post_group=(1, 1, 2),
        staff_role=table[:, 0].astype(np.int64),
        staff_fte=table[:, 1],
        staff_service_months=table[:, 2].astype(np.int64),
        staff_role_months=table[:, 3].astype(np.int64),
        leave_by_month=np.zeros(SERVICE_MONTH_CAP + 1) if leave is None else leave,
        progress=np.array(progress),
        recruit_fte=np.array([1.0, 1.0, 1.0]),
        establishment=np.repeat(np.array(establishment)[:, None], months + 1, axis=1),
    )
    return replace(inputs, **changes)  # type: ignore[arg-type]


def test_an_asye_becomes_a_social_worker_after_twelve_months_in_the_role() -> None:
    # Three months done on the first day: nine more, so a social worker from month 9.
    result = simulate(council(staff=[(0, 1.0, 3, 3)]), paths=3, seed=1)
    assert result.own_headcount[:, 0, :].tolist() == [[1] * 9 + [0] * 4] * 3
    assert result.own_headcount[:, 1, :].tolist() == [[0] * 9 + [1] * 4] * 3
    assert result.leavers.sum() == 0


def test_a_certain_leaver_goes_in_the_month_of_their_second_anniversary() -> None:
    # Certain to leave once 24 months are done; 20 done on the first day: counted in months 0
    # to 4 (24 done at the end of month 4), gone in month 5.
    leave = np.zeros(SERVICE_MONTH_CAP + 1)
    leave[24:36] = 1.0
    result = simulate(council(staff=[(1, 0.8, 20, 20)], leave=leave), paths=2, seed=1)
    assert result.own_fte[0, 1, :].tolist() == [0.8] * 5 + [0.0] * 8
    assert result.leavers[0].tolist() == [0, 0, 0, 0, 0, 1] + [0] * 7
    # Bands: 1-2 years until month 3, 2-3 years in month 4 (24 months done), then gone.
    assert result.band_headcount[0, 1, :].tolist() == [1, 1, 1, 1] + [0] * 9
    assert result.band_headcount[0, 2, :].tolist() == [0, 0, 0, 0, 1] + [0] * 8
    assert result.eligible_headcount[0].tolist() == [0, 0, 0, 0, 1] + [0] * 8


def test_a_round_fills_the_gap_after_the_lead_time_and_agency_covers_it_until_then() -> None:
    # Three social worker posts, one in post; month 2's round seeks 2, finds both, they start
    # in month 5 (a 3-month lead time). Agency covers the 2 FTE until then.
    inputs = council(
        staff=[(1, 1.0, 40, 40)],
        establishment=(0.0, 3.0, 0.0),
        rounds=(RecruitmentRound(2, "social_worker", 1.0, 3),),
    )
    result = simulate(inputs, paths=2, seed=1)
    assert result.own_fte[0, 1, :].tolist() == [1.0] * 5 + [3.0] * 8
    assert result.agency_fte[0, 1, :].tolist() == [2.0] * 5 + [0.0] * 8
    assert result.vacancy_fte[0].sum() == 0.0
    assert result.starters[0].tolist() == [0] * 5 + [2] + [0] * 7


def test_hires_on_their_way_are_not_sought_again() -> None:
    inputs = council(
        staff=[(1, 1.0, 40, 40)],
        establishment=(0.0, 3.0, 0.0),
        rounds=(
            RecruitmentRound(2, "social_worker", 1.0, 3),
            RecruitmentRound(3, "social_worker", 1.0, 3),
        ),
    )
    result = simulate(inputs, paths=1, seed=1)
    assert result.starters[0].sum() == 2


def test_an_asye_counts_in_the_social_worker_posts_and_over_recruitment_is_kept() -> None:
    # Four posts; an ASYE and a social worker in post; two more sought above the establishment.
    inputs = council(
        staff=[(0, 1.0, 0, 0), (1, 1.0, 30, 30)],
        establishment=(0.0, 4.0, 0.0),
        target_extra=np.repeat(np.array([[0.0], [2.0], [0.0]]), 13, axis=1),
        rounds=(RecruitmentRound(1, "social_worker", 1.0, 1),),
    )
    result = simulate(inputs, paths=1, seed=1)
    assert result.starters[0, 2] == 4  # 4 + 2 - 2 in post
    assert result.own_fte[0].sum(axis=0).tolist() == [2.0, 2.0] + [6.0] * 11
    assert result.agency_fte[0, 1, :].tolist() == [2.0, 2.0] + [0.0] * 11


def test_the_agency_cap_leaves_the_rest_vacant() -> None:
    inputs = council(
        staff=[(1, 1.0, 40, 40)],
        establishment=(0.0, 3.0, 0.0),
        agency_share=np.array([1.0, 0.5, 1.0]),
    )
    result = simulate(inputs, paths=1, seed=1)
    assert result.agency_fte[0, 1, 0] == 1.5
    assert result.vacancy_fte[0, 1, 0] == 0.5


def test_an_intake_arrives_in_its_month() -> None:
    inputs = council(staff=[(1, 1.0, 40, 40)], intakes=(Intake(6, "asye", 4),))
    result = simulate(inputs, paths=1, seed=1)
    assert result.own_headcount[0, 0, :].tolist() == [0] * 6 + [4] * 7
    assert result.band_headcount[0, 0, :].tolist() == [0] * 6 + [4] * 7


def test_the_monthly_chance_and_the_bands() -> None:
    assert monthly_chance(0.0) == 0.0
    assert monthly_chance(12 * np.log(2)) == pytest.approx(0.5)
    chances = leave_by_month_from_bands([0.1, 0.2], ((0, 1), (1, None)))
    assert chances[11] == pytest.approx(1 - np.exp(-0.1 / 12))
    assert chances[12] == chances[SERVICE_MONTH_CAP] == pytest.approx(1 - np.exp(-0.2 / 12))


def test_survivors_follow_the_binomial_distribution() -> None:
    # 100 people, each leaving with chance 0.1 a month: at month 12 the number still here is
    # binomial(100, 0.9 ** 12); the P10, P50 and P90 match it within one person.
    leave = np.full(SERVICE_MONTH_CAP + 1, 0.1)
    inputs = council(staff=[(1, 1.0, 60, 60)] * 100, leave=leave)
    result = simulate(inputs, paths=20_000, seed=7)
    frame = supply_quantiles(result)
    row = frame.filter(
        (frame["measure"] == "own_headcount") & (frame["role"] == "all") & (frame["band"] == "all")
    ).row(12, named=True)
    expected = stats.binom(100, 0.9**12)
    assert abs(row["p10"] - expected.ppf(0.1)) <= 1
    assert abs(row["p50"] - expected.ppf(0.5)) <= 1
    assert abs(row["p90"] - expected.ppf(0.9)) <= 1
    mean = result.own_headcount[:, 1, 12].mean()
    assert abs(mean - expected.mean()) < 3 * expected.std() / np.sqrt(20_000)
    # Leavers over the year add up to those gone.
    assert (result.leavers[:, 1:13].sum(axis=1) == 100 - result.own_headcount[:, 1, 12]).all()


def test_promotions_follow_the_geometric_chance() -> None:
    # 200 social workers who never leave, each promoted with chance 0.05 a month.
    inputs = council(staff=[(1, 1.0, 60, 60)] * 200, progress=(0.0, 0.05, 0.0))
    result = simulate(inputs, paths=10_000, seed=3)
    seniors = result.own_headcount[:, 2, 12]
    chance = 1 - 0.95**12
    assert abs(seniors.mean() - 200 * chance) < 3 * np.sqrt(200 * chance * (1 - chance) / 10_000)
    assert (result.own_headcount[:, :, 12].sum(axis=1) == 200).all()


def test_the_same_seed_gives_the_same_paths() -> None:
    leave = np.full(SERVICE_MONTH_CAP + 1, 0.02)
    inputs = council(staff=[(1, 1.0, 60, 60)] * 30, leave=leave, months=24)
    first = simulate(inputs, paths=50, seed=11)
    again = simulate(inputs, paths=50, seed=11)
    assert (first.own_fte == again.own_fte).all()
    assert not (simulate(inputs, paths=50, seed=12).own_fte == first.own_fte).all()


def test_an_arrival_moves_into_the_next_band_on_their_first_anniversary() -> None:
    # Three start in month 2 with no service and never leave: the 0-1 year band until month
    # 13, the 1-2 year band from month 14 (12 months done at its end).
    inputs = council(staff=[(1, 1.0, 40, 40)], months=15, intakes=(Intake(2, "social_worker", 3),))
    result = simulate(inputs, paths=2, seed=1)
    assert result.band_headcount[0, 0, :].tolist() == [0, 0] + [3] * 12 + [0, 0]
    assert result.band_headcount[0, 1, :].tolist() == [0] * 14 + [3, 3]
    assert result.band_headcount[0, 3, :].tolist() == [1] * 16  # the one on the first day
    assert result.starters[0].tolist() == [0, 0, 3] + [0] * 13


def test_the_month_drawn_is_the_count_of_chances_above_the_uniform() -> None:
    # The guide table must give exactly what comparing the generator's own uniform with every
    # chance gives, including the uniforms that fall in a slice holding a chance.
    leave = leave_by_month_from_bands(
        [0.3, 0.2, 0.15, 0.1, 0.05], ((0, 1), (1, 2), (2, 3), (3, 5), (5, None))
    )
    model = SupplyModel(council(staff=[(1, 1.0, 0, 0)], months=60, leave=leave))
    table = model._leaving
    rows = np.random.default_rng(4).integers(0, table.survival.shape[0], 200_000)
    rng = np.random.default_rng(9)
    drawn = table.draw(rng, table.offset(rows), rows.size)
    uniform = np.random.default_rng(9).random(rows.size)
    expected = (table.survival[rows] > uniform[:, None]).sum(axis=1) + table.shift
    assert (drawn == expected).all()
    assert (table.table < 0).any()  # some slices did need the comparison
