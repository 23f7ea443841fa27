"""Census roles and census-year arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.domain import Role, census_year_bounds, census_year_of, reference_date


def test_roles_map_to_census_org_roles() -> None:
    assert {role: role.org_role for role in Role} == {
        Role.ASYE: 5,
        Role.SOCIAL_WORKER: 5,
        Role.SENIOR_SOCIAL_WORKER: 5,
        Role.ADVANCED_PRACTITIONER: 4,
        Role.TEAM_MANAGER: 3,
        Role.SERVICE_MANAGER: 2,
        Role.SENIOR_MANAGER: 1,
        Role.QUALIFIED_WITHOUT_CASES: 6,
        Role.FAMILY_SUPPORT_WORKER: None,
    }
    assert [role for role in Role if role.holds_cases] == [
        Role.ASYE,
        Role.SOCIAL_WORKER,
        Role.SENIOR_SOCIAL_WORKER,
        Role.ADVANCED_PRACTITIONER,
    ]


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2023, 10, 1), 2024), (date(2024, 9, 30), 2024), (date(2024, 2, 29), 2024)],
)
def test_census_year_of(day: date, year: int) -> None:
    assert census_year_of(day) == year


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_lies_in_its_census_year(day: date) -> None:
    first, last = census_year_bounds(census_year_of(day))
    assert first <= day <= last
    assert last == reference_date(census_year_of(day))
