"""The fast supply model against its SimPy twin: the same inputs, fixed seeds, the distribution of
own FTE and headcount at months 12, 24 and 36 must match (two-sample Kolmogorov-Smirnov tests
and means within 4 standard errors of their difference)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats
from tests.forecasting.twin import twin_paths

from caseload.forecasting.supply import (
    Intake,
    RecruitmentRound,
    SupplyInputs,
    leave_by_month_from_bands,
    simulate,
)

BANDS = ((0, 1), (1, 2), (2, 3), (3, 5), (5, None))
MONTHS = 36


def small_council() -> SupplyInputs:
    rng = np.random.default_rng(5)
    roles = ("asye", "social_worker", "senior_social_worker", "team_manager")
    staff_role = np.array([0] * 3 + [1] * 10 + [2] * 5 + [3] * 2, dtype=np.int64)
    service = rng.integers(0, 90, staff_role.size).astype(np.int64)
    service[:3] = [2, 7, 11]
    return SupplyInputs(
        first_day=date(2026, 3, 31),
        months=MONTHS,
        roles=roles,
        post_group=(1, 1, 2, 3),
        staff_role=staff_role,
        staff_fte=np.where(np.arange(staff_role.size) % 4 == 0, 0.6, 1.0),
        staff_service_months=service,
        staff_role_months=np.minimum(service, 11),
        leave_by_month=leave_by_month_from_bands([0.3, 0.25, 0.35, 0.15, 0.1], BANDS),
        progress=np.array([0.0, 0.02, 0.01, 0.0]),
        recruit_fte=np.array([1.0, 1.0, 1.0, 1.0]),
        establishment=np.repeat(np.array([[0.0], [14.0], [5.0], [2.0]]), MONTHS + 1, axis=1),
        rounds=tuple(
            RecruitmentRound(month, role, 0.6, 2)
            for month in range(1, MONTHS + 1, 3)
            for role in ("social_worker", "senior_social_worker", "team_manager")
        ),
        intakes=(Intake(6, "asye", 3, 0.8), Intake(18, "asye", 3, 0.8)),
    )


@pytest.fixture(scope="module")
def both() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    inputs = small_council()
    fast = simulate(inputs, paths=6_000, seed=2026)
    twin_fte, twin_heads = twin_paths(inputs, paths=800, seed=2027)
    return fast.own_fte, fast.own_headcount, twin_fte, twin_heads


@pytest.mark.parametrize("month", [12, 24, 36])
def test_own_fte_matches_the_twin(
    both: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], month: int
) -> None:
    fast_fte, fast_heads, twin_fte, twin_heads = both
    for fast, twin in ((fast_fte, twin_fte), (fast_heads, twin_heads)):
        a = fast[:, :, month].sum(axis=1)
        b = twin[:, :, month].sum(axis=1)
        assert stats.ks_2samp(a, b).pvalue > 0.001
        error = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) < 4 * error


def test_each_role_matches_the_twin_on_average(
    both: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    _, fast_heads, _, twin_heads = both
    for role in range(fast_heads.shape[1]):
        for month in (6, 18, 36):
            a, b = fast_heads[:, role, month], twin_heads[:, role, month]
            error = np.sqrt(a.var() / a.size + b.var() / b.size) + 1e-9
            assert abs(a.mean() - b.mean()) < 4 * error, (role, month)


def test_the_twin_is_a_different_program_with_the_same_first_day(
    both: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    fast_fte, _, twin_fte, _ = both
    assert (fast_fte[:, :, 0] == fast_fte[0, :, 0]).all()
    assert np.allclose(twin_fte[:, :, 0], fast_fte[0, :, 0])
    assert fast_fte[0, :, 0].sum() == pytest.approx(0.6 * 5 + 15.0)
