"""Each agency rule, worked by hand, with the boundary days (exactly 3 years, exactly 3 months)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseload.workforce.agency_caps import AgencyRuleSettings
from caseload.workforce.agency_rules import (
    ENGAGEMENT_SCHEMA,
    check_rules,
    cooling_off_breaches,
    in_scope,
    notice_breaches,
    pqe_breaches,
    price_cap_breaches,
    reference_breaches,
)

SETTINGS = AgencyRuleSettings()
CAPS = {"social_worker": 40.0, "team_manager": 55.0}
SPELL_SCHEMA = {
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
    "reason_leave": pl.Int64,
}


def engagement(engagement_id: int = 1, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "engagement_id": engagement_id,
        "worker_id": engagement_id,
        "agency": "Acme Social Care",
        "job_type": "social_worker",
        "start_date": date(2026, 3, 1),
        "end_date": None,
        "pay_rate": 35.0,
        "on_costs": 4.0,
        "agency_fee": 6.0,
        "pqe_date": date(2020, 1, 1),
        "pqe_years": None,
        "pqe_evidence": "SWE register",
        "previous_council": None,
        "previous_region": None,
        "previous_end_date": None,
        "previous_exemption": None,
        "notice_weeks": 4.0,
        "reference_practice_based": True,
        "reference_date": date(2026, 2, 1),
        "director_signoff_date": None,
        "chief_executive_signoff_date": None,
        "project_team": False,
    }
    row.update(values)
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ENGAGEMENT_SCHEMA)


def spells(*rows: tuple[int, str, date, str, int | None]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SPELL_SCHEMA, orient="row")


def test_pqe_exactly_three_years_meets_and_a_day_short_breaches() -> None:
    found = pqe_breaches(
        frame(
            engagement(1, pqe_date=date(2023, 3, 1)),  # 3 years on 1 March 2026: meets
            engagement(2, pqe_date=date(2023, 3, 2)),  # one day short
            engagement(3, pqe_date=None, pqe_years=2.5),
            engagement(4, pqe_date=None, pqe_years=3.0),
            engagement(5, pqe_date=None, pqe_years=None),
        ),
        SETTINGS,
    )
    assert found["engagement_id"].to_list() == [2, 3, 5]
    assert found["evidence"].to_list() == [
        "post-qualifying experience from 2 March 2023, so under 3 years on the start day "
        "1 March 2026",
        "2.5 years' post-qualifying experience recorded at the start on 1 March 2026",
        "no post-qualifying experience recorded",
    ]


def test_pqe_from_29_february_reaches_three_years_on_28_february() -> None:
    found = pqe_breaches(
        frame(
            engagement(1, pqe_date=date(2020, 2, 29), start_date=date(2023, 2, 28)),
            engagement(2, pqe_date=date(2020, 2, 29), start_date=date(2023, 2, 27)),
        ),
        SETTINGS,
    )
    assert found["engagement_id"].to_list() == [2]


def test_cooling_off_exactly_three_months_meets() -> None:
    left = date(2025, 11, 30)
    found = cooling_off_breaches(
        frame(
            # 30 November + 3 months = 28 February (month end): that day is allowed
            engagement(
                1, previous_council="999", previous_end_date=left, start_date=date(2026, 2, 28)
            ),
            engagement(
                2, previous_council="999", previous_end_date=left, start_date=date(2026, 2, 27)
            ),
            # another council of the same region
            engagement(
                3,
                previous_council="301",
                previous_region="North West",
                previous_end_date=left,
                start_date=date(2026, 1, 5),
            ),
            # another region: no breach
            engagement(
                4,
                previous_council="888",
                previous_region="London",
                previous_end_date=left,
                start_date=date(2026, 1, 5),
            ),
            # redundancy exempts
            engagement(
                5,
                previous_council="999",
                previous_end_date=left,
                previous_exemption="redundancy",
                start_date=date(2026, 1, 5),
            ),
        ),
        spells(),
        council="999",
        region="North West",
        settings=SETTINGS,
    )
    assert found["engagement_id"].to_list() == [2, 3]
    assert found["evidence"][0] == (
        "left a substantive role with council 999 (region not recorded) on 30 November 2025 and "
        "started as agency on 27 February 2026"
    )


def test_cooling_off_uses_the_councils_own_spells() -> None:
    found = cooling_off_breaches(
        frame(
            engagement(1, start_date=date(2026, 3, 1)),
            engagement(2, start_date=date(2026, 3, 1)),
            engagement(3, start_date=date(2026, 3, 1)),
            engagement(4, start_date=date(2026, 3, 1)),
        ),
        spells(
            (1, "own", date(2026, 1, 31), "left", 1),  # a month before: breach
            (2, "own", date(2025, 12, 1), "left", 1),  # exactly 3 months: meets
            (3, "own", date(2026, 1, 31), "left", 3),  # compulsory redundancy: exempt
            (4, "own", date(2026, 1, 31), "role_change", None),  # did not leave
        ),
        council="999",
        region=None,
        settings=SETTINGS,
    )
    assert found.select("engagement_id", "evidence").rows() == [
        (1, "left the council's own staff on 31 January 2026 and started as agency on 1 March 2026")
    ]


def test_notice_four_weeks_meets_unless_the_council_sets_shorter() -> None:
    rows = frame(
        engagement(1, notice_weeks=4.0),
        engagement(2, notice_weeks=3.0),
        engagement(3, notice_weeks=None),
        engagement(4, notice_weeks=1.0),
    )
    assert notice_breaches(rows, SETTINGS)["engagement_id"].to_list() == [2, 3, 4]
    shorter = AgencyRuleSettings(substantive_notice_weeks=2)
    assert notice_breaches(rows, shorter)["engagement_id"].to_list() == [3, 4]
    assert notice_breaches(rows, SETTINGS)["evidence"][0] == (
        "a notice period of 3 weeks, under the 4 required"
    )


def test_reference_must_be_practice_based() -> None:
    rows = frame(
        engagement(1, reference_practice_based=True),
        engagement(2, reference_practice_based=False),
        engagement(3, reference_practice_based=None),
    )
    assert reference_breaches(rows)["engagement_id"].to_list() == [2, 3]


def test_price_cap_at_the_cap_meets_and_above_needs_both_sign_offs() -> None:
    rows = frame(
        engagement(1, pay_rate=36.0, on_costs=4.0),  # 40.00 = cap
        engagement(2, pay_rate=36.01, on_costs=4.0),  # above, no sign-off
        engagement(3, pay_rate=45.0, director_signoff_date=date(2026, 2, 1)),
        engagement(
            4,
            pay_rate=45.0,
            director_signoff_date=date(2026, 2, 1),
            chief_executive_signoff_date=date(2026, 2, 3),
        ),
        engagement(5, pay_rate=45.0, job_type="advanced_practitioner"),  # no cap set
        engagement(6, pay_rate=60.0, agency_fee=50.0, job_type="team_manager"),  # fee outside
    )
    found = price_cap_breaches(rows, CAPS)
    assert found.select("engagement_id", "evidence").rows() == [
        (
            2,
            "£40.01 an hour (pay and on-costs) against a cap of £40.00 for the job type; "
            "no sign-off",
        ),
        (
            3,
            "£49.00 an hour (pay and on-costs) against a cap of £40.00 for the job type; "
            "no chief executive's sign-off",
        ),
        (
            6,
            "£64.00 an hour (pay and on-costs) against a cap of £55.00 for the job type; "
            "no sign-off",
        ),
    ]


def test_scope_new_assignments_first_then_all() -> None:
    rows = frame(
        engagement(1, start_date=date(2024, 6, 1)),
        engagement(2, start_date=date(2024, 10, 31)),
        engagement(3, start_date=date(2024, 11, 1), end_date=date(2025, 1, 31)),
    )
    assert in_scope(rows, date(2025, 1, 31), SETTINGS)["engagement_id"].to_list() == [2, 3]
    assert in_scope(rows, date(2025, 2, 1), SETTINGS)["engagement_id"].to_list() == [2]
    assert in_scope(rows, date(2025, 10, 1), SETTINGS)["engagement_id"].to_list() == [1, 2]


def test_compliance_share_per_rule() -> None:
    rows = frame(
        engagement(1),
        engagement(2, notice_weeks=2.0, reference_practice_based=False),
        engagement(3, notice_weeks=2.0),
        engagement(4),
    )
    check = check_rules(
        rows,
        spells(),
        as_at=date(2026, 6, 30),
        council="999",
        region=None,
        caps=CAPS,
        settings=SETTINGS,
    )
    shares = {row["rule"]: (row["meeting"], row["share"]) for row in check.compliance.to_dicts()}
    assert shares == {
        "pqe": (4, 100.0),
        "cooling_off": (4, 100.0),
        "notice": (2, 50.0),
        "reference": (3, 75.0),
        "price_cap": (4, 100.0),
    }
    assert check.breaches.height == 3


def test_no_engagement_gives_no_share() -> None:
    check = check_rules(
        frame(),
        spells(),
        as_at=date(2026, 6, 30),
        council="999",
        region=None,
        caps=CAPS,
        settings=SETTINGS,
    )
    assert check.compliance["share"].null_count() == 5
