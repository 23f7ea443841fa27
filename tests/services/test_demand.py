"""The demand service's disclosure for elected members: a small count of children in a month is
hidden, and so is one more type that month, so the total of open cases cannot give it away."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.services.demand import _history_hidden


def test_a_small_type_and_its_complement_are_hidden() -> None:
    month = date(2026, 1, 1)
    values = {"assessment": 12.0, "cin": 3.0, "cp": 9.0, "cla": 20.0, "care_leaver": 0.0}
    monthly = pl.DataFrame(
        {
            "month": [month] * 7,
            "series": ["referrals", *values, "open_cases"],
            "value": [40.0, *values.values(), sum(values.values())],
        }
    )
    hidden = _history_hidden(monthly)
    # 3 children in need is small; the smallest other non-zero type (9 child protection) is
    # hidden too, so 44 - 12 - 20 leaves 12 unexplained between the two.
    assert hidden == {("cin", month), ("cp", month)}


def test_nothing_hidden_without_small_counts() -> None:
    month = date(2026, 1, 1)
    monthly = pl.DataFrame(
        {
            "month": [month] * 7,
            "series": ["referrals", "assessment", "cin", "cp", "cla", "care_leaver", "open_cases"],
            "value": [40.0, 12.0, 30.0, 9.0, 20.0, 0.0, 71.0],
        }
    )
    assert _history_hidden(monthly) == set()
