"""The indicator engine against hand-worked figures (DOMAIN.md section 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.census.definitions import round_published, working_days
from caseload.census.indicators import compute_indicators, round_indicators
from caseload.census.xml_return import write_return
from caseload.domain.census_records import conform_records, conform_vacancies
from caseload.services.census import census_indicators
from caseload.services.census_returns import import_returns


def record(swe: str, fte: float, start: date, **items: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "LEA": "301",
        "Year": 2024,
        "AgencyWorker": 0,
        "SWENo": swe,
        "FTE": fte,
        "PersonBirthDate": date(1980, 1, 1),
        "GenderCurrent": 2,
        "Ethnicity": "WBRI",
        "RoleStartDate": start,
    }
    base.update(items)
    return base


RECORDS = [
    record("SW1", 1.0, date(2020, 1, 1), Cases30=18, WorkingDaysLost=10.0),
    record("SW2", 0.5, date(2023, 11, 1), Cases30=8, WorkingDaysLost=2.5),  # starter
    record("SW3", 0.8, date(2019, 5, 1), RoleEndDate=date(2024, 3, 31), WorkingDaysLost=4.0),
    record("SW4", 1.0, date(2023, 12, 1), RoleEndDate=date(2024, 6, 30)),  # starter and leaver
    record("SW5", 0.4, date(2018, 1, 1), Cases30=10, WorkingDaysLost=0.0),  # two posts, one person
    record("SW5", 0.6, date(2018, 1, 1), Cases30=0, WorkingDaysLost=0.0),
    record("SW6", 1.0, date(2015, 1, 1), RoleEndDate=date(2024, 9, 30)),  # leaves on the day
    record("AG1", 1.0, date(2024, 1, 1), AgencyWorker=1, Cases30=20),
    record("AG1", 0.5, date(2024, 1, 1), AgencyWorker=1, Cases30=0),  # agency: never de-duplicated
    record("SW7", 1.0, date(2010, 1, 1), LEA="302", Cases30=15),
    record("SW8", 1.0, date(2010, 1, 1), LEA="302", Year=2023, WorkingDaysLost=25.3),
]
VACANCIES = [
    {
        "LEA": "301",
        "Year": 2024,
        "NumberOfVacancies": 3.5,
        "NoAgencyFTE": 1.5,
        "NoAgencyHeadcount": 2,
    },
    {
        "LEA": "302",
        "Year": 2024,
        "NumberOfVacancies": 0.0,
        "NoAgencyFTE": 0.0,
        "NoAgencyHeadcount": 0,
    },
]


@pytest.fixture
def indicators() -> dict[tuple[str, int], dict[str, Any]]:
    records = conform_records(pl.DataFrame(RECORDS))
    vacancies = conform_vacancies(pl.DataFrame(VACANCIES))
    frame = round_indicators(compute_indicators(records, vacancies))
    return {(row["LEA"], row["Year"]): row for row in frame.to_dicts()}


def test_council_indicators_by_hand(indicators: dict[tuple[str, int], dict[str, Any]]) -> None:
    row = indicators[("301", 2024)]
    assert row == {
        "LEA": "301",
        "Year": 2024,
        "inpost_fte": 2.5,  # 1.0 + 0.5 + 0.4 + 0.6
        "inpost_headcount": 3,  # SW5 counted once
        "starters_fte": 1.5,
        "starters_headcount": 2,
        "leavers_fte": 2.8,  # SW3, SW4 and SW6 (leaving on 30 September)
        "leavers_headcount": 3,
        "turnover_rate_fte": 112.0,
        "turnover_rate_headcount": 100.0,
        "agency_fte": 1.5,
        "agency_headcount": 2,
        "agency_rate_fte": 37.5,
        "agency_rate_headcount": 40.0,
        "agency_cover_fte": 1.5,
        "agency_cover_rate_fte": 100.0,
        "vacancy_fte": 3.5,
        "vacancy_rate_fte": 58.3,  # 3.5 / 6.0
        "vacancy_agency_cover_rate_fte": 42.9,  # 1.5 / 3.5
        "case_holders_fte": 2.9,  # SW1, SW2, SW5's first post, AG1's first record
        "cases": 56,
        "caseload_fte": 19.3,  # 56 / 2.9
        "working_days_lost_fte": 12.5,  # SW3 has left, so not counted
        "absence_rate_fte": 2.0,  # 12.5 / (2.5 x 254), 2024 contains 29 February
    }


def test_zero_agency_gives_not_applicable_cover(
    indicators: dict[tuple[str, int], dict[str, Any]],
) -> None:
    row = indicators[("302", 2024)]
    assert row["agency_fte"] == 0.0
    assert row["agency_rate_fte"] == 0.0
    assert row["agency_cover_rate_fte"] is None  # DfE prints z
    assert row["vacancy_agency_cover_rate_fte"] is None
    assert row["vacancy_rate_fte"] == 0.0
    assert row["caseload_fte"] == 15.0


def test_absence_rate_uses_253_days_outside_leap_years(
    indicators: dict[tuple[str, int], dict[str, Any]],
) -> None:
    assert working_days(2023) == 253
    assert working_days(2024) == 254
    row = indicators[("302", 2023)]
    assert row["absence_rate_fte"] == 10.0  # 25.3 / (1.0 x 253)
    assert row["vacancy_fte"] is None  # no LALevelVacancies for that year: not available


def test_rounding_is_half_up() -> None:
    assert round_published(2.45, "turnover_rate_fte") == 2.5
    assert round_published(0.05, "inpost_fte") == 0.1
    assert round_published(12.5, "cases") == 13
    assert round_published(None, "cases") is None


def test_breakdown_by_role_sums_to_council() -> None:
    records = conform_records(
        pl.DataFrame(RECORDS).with_columns(
            pl.when(pl.col("SWENo").is_in(["SW1", "SW2"]))
            .then(pl.lit("social_worker"))
            .otherwise(pl.lit("team_manager"))
            .alias("role")
        )
    )
    vacancies = conform_vacancies(pl.DataFrame(VACANCIES))
    by_role = compute_indicators(
        records, vacancies.with_columns(role=pl.lit("social_worker")), ["role"]
    )
    council = compute_indicators(records, vacancies)
    total = by_role.filter(pl.col("LEA") == "301", pl.col("Year") == 2024)["inpost_fte"].sum()
    assert total == pytest.approx(
        council.filter(pl.col("LEA") == "301", pl.col("Year") == 2024)["inpost_fte"].item()
    )


def test_indicators_from_an_imported_return(engine: Engine, tmp_path: Path) -> None:
    """The same hand-built council, written as a CSWW return, imported and computed from the
    database, gives the same hand-worked figures."""
    records = conform_records(pl.DataFrame(RECORDS)).filter(
        pl.col("LEA") == "301", pl.col("Year") == 2024
    )
    vacancies = conform_vacancies(pl.DataFrame(VACANCIES)).filter(pl.col("LEA") == "301")
    path = tmp_path / "301-2024.xml"
    path.write_bytes(
        write_return(
            records,
            vacancies,
            lea="301",
            census_year=2024,
            software_code="hand-built",
            generated_at=datetime(2024, 10, 20, tzinfo=UTC),
        )
    )
    import_returns(engine, [path])
    table = census_indicators(engine, census_year=2024, authority_code="301")
    assert table.source == "return"
    (row,) = table.rows()
    assert row == {**row, "LEA": "301", "Year": 2024}
    assert {k: v for k, v in row.items() if k not in ("LEA", "Year")} == {
        "inpost_fte": 2.5,
        "inpost_headcount": 3,
        "starters_fte": 1.5,
        "starters_headcount": 2,
        "leavers_fte": 2.8,
        "leavers_headcount": 3,
        "turnover_rate_fte": 112.0,
        "turnover_rate_headcount": 100.0,
        "agency_fte": 1.5,
        "agency_headcount": 2,
        "agency_rate_fte": 37.5,
        "agency_rate_headcount": 40.0,
        "agency_cover_fte": 1.5,
        "agency_cover_rate_fte": 100.0,
        "vacancy_fte": 3.5,
        "vacancy_rate_fte": 58.3,
        "vacancy_agency_cover_rate_fte": 42.9,
        "case_holders_fte": 2.9,
        "cases": 56,
        "caseload_fte": 19.3,
        "working_days_lost_fte": 12.5,
        "absence_rate_fte": 2.0,
        "days_lost_per_fte": 5.0,  # 12.5 days / 2.5 FTE in post
    }
