"""DfE's referrals, children in need and child population shipped for context: exact published
values, rates per 10,000 children worked by hand, and (when DfE's files are at hand) the shipped
files rebuilt from them byte for byte."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from caseload.forecasting import dfe_context

DFE = Path("/work/shared/data/dfe")


def test_shipped_values() -> None:
    referrals = dfe_context.shipped_referrals()
    england = referrals.filter(
        (pl.col("geographic_level") == "National") & (pl.col("time_period") == 2025)
    )
    assert england["referrals"].to_list() == [632830]
    rochdale = dfe_context.shipped_children_in_need().filter(
        (pl.col("la_code") == "354") & (pl.col("time_period") == 2025)
    )
    assert rochdale["children_in_need"].to_list() == [2672]
    hackney = referrals.filter((pl.col("la_code") == "204") & (pl.col("time_period") == 2022))
    assert hackney["referrals"].to_list() == [None]  # x: not available


def test_rates_by_hand() -> None:
    rates = dfe_context.published_rates("354", "North West", since=2025)
    assert rates["area"].to_list() == ["council", "region", "England"]
    council = rates.row(0, named=True)
    # 2,768 referrals in the year to 31 March 2025 over Rochdale's mid-2024 children, 58,087.
    assert council["referrals"] == 2768
    assert council["referral_rate"] == round(2768 * 10_000 / 58_087, 1) == 476.5
    assert council["cin_rate"] == round(2672 * 10_000 / 58_087, 1)
    assert rates.row(2, named=True)["referral_rate"] == 519.4  # 632,830 / 12,183,016


def test_later_years_use_the_latest_population() -> None:
    people = dfe_context.child_population("354")
    found = dict(people.select("year", "children").iter_rows())
    assert found[2025] == found[2026] == found[2030] == 58_087
    assert 2012 not in found and 2013 in found  # 2013 uses the mid-2012 estimate


def test_unknown_council_has_no_population() -> None:
    assert dfe_context.child_population("000").is_empty()
    assert set(dfe_context.published_rates("000", None)["area"].to_list()) == {"England"}


@pytest.mark.skipif(not DFE.is_dir(), reason="DfE's published files are not at hand")
def test_shipped_files_rebuild_from_dfe(tmp_path: Path) -> None:
    dfe_context.write_shipped(DFE, tmp_path)
    shipped = Path(str(dfe_context._folder()))
    for name, *_ in dfe_context.SOURCES:
        assert gzip.decompress((tmp_path / name).read_bytes()) == gzip.decompress(
            (shipped / name).read_bytes()
        )
