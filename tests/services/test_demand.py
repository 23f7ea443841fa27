"""The demand service's disclosure for elected members: a small count of children in a month is
hidden, and so is one more type that month, so the total of open cases cannot give it away."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.errors import AccessDeniedError
from caseload.services.demand import _history_hidden, cli_principal, demand_view
from caseload.services.generation import build_council
from caseload.services.snapshot import snapshots
from caseload.synthetic import CouncilSpec


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


SPEC = CouncilSpec(
    code="997", name="Backendshire (synthetic)", region="London", size_fte=30.0, preset="typical"
)


def test_the_same_figures_on_each_database(engine: Engine) -> None:
    """On SQLite and PostgreSQL alike: the forecast, posts needed and backtest are built, the
    second ask comes from the snapshot, and a social worker is refused."""
    build_council(engine, SPEC, years=2, seed=11)
    leader = cli_principal(engine, SPEC.code)
    first = demand_view(engine, leader, months=12)
    assert first["enough_history"] and first["series"][0]["key"] == "referrals"
    assert first["backtest"] is not None and first["backtest"]["origin"] == "2025-09-30"
    assert len(first["posts"]["horizons"]) == 3  # now, in 12 months, in 12 months if high
    misses = snapshots(engine).forecasts.misses
    assert demand_view(engine, leader, months=12) == first
    assert snapshots(engine).forecasts.misses == misses
    worker = replace(leader, role=AccountRole.SOCIAL_WORKER)
    with pytest.raises(AccessDeniedError):
        demand_view(engine, worker)
