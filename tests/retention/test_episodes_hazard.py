"""Service episodes and the leaving hazard on a hand-built council, worked by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseload.retention.episodes import Route, service_episodes
from caseload.retention.hazard import leaving_hazard

AS_AT = date(2022, 12, 31)
SPELL_SCHEMA = {
    "LEA": pl.Utf8,
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "team": pl.Utf8,
    "post_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
    "start_origin": pl.Int64,
    "reason_leave": pl.Int64,
    "leaver_destination": pl.Int64,
    "agency_contract_weeks": pl.Float64,
}


def _spell(
    worker: int,
    contract: str,
    role: str,
    team: str,
    start: date,
    end: date | None,
    *,
    origin: int | None = None,
    reason: str | None = None,
) -> dict[str, object]:
    return {
        "LEA": "301",
        "worker_id": worker,
        "contract": contract,
        "role": role,
        "fte": 1.0,
        "team": team,
        "post_id": None,
        "start_date": start,
        "end_date": end,
        "end_reason": reason,
        "start_origin": origin,
        "reason_leave": None,
        "leaver_destination": None,
        "agency_contract_weeks": None,
    }


@pytest.fixture
def council() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    spells = pl.DataFrame(
        [
            # W1: newly qualified (recorded), left after two and a half years.
            _spell(1, "own", "social_worker", "A", date(2020, 1, 1), date(2022, 6, 30), origin=1),
            # W2: Frontline graduate, ASYE then social worker in another team, still here.
            _spell(2, "own", "asye", "A", date(2021, 1, 1), date(2021, 12, 31), reason="role"),
            _spell(2, "own", "social_worker", "B", date(2022, 1, 1), None),
            # W3: agency, then own staff a month after the agency spell ended; left.
            _spell(3, "agency", "social_worker", "A", date(2019, 1, 1), date(2020, 3, 31)),
            _spell(3, "own", "social_worker", "B", date(2020, 5, 1), date(2021, 4, 30)),
            # W4: family support worker only: not social work.
            _spell(4, "own", "family_support_worker", "A", date(2019, 1, 1), None),
            # W5: starts after the day: not seen.
            _spell(5, "own", "social_worker", "A", date(2023, 1, 1), None, origin=2),
        ],
        schema=SPELL_SCHEMA,
    )
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4, 5],
            "qualification_date": [None, date(2020, 10, 1), None, None, None],
            "step_up": [False, False, False, False, False],
            "frontline": [False, True, False, False, False],
        },
        schema={
            "worker_id": pl.Int64,
            "qualification_date": pl.Date,
            "step_up": pl.Boolean,
            "frontline": pl.Boolean,
        },
    )
    services = pl.DataFrame({"team": ["A", "B"], "service": ["Assessment", "Children in care"]})
    return spells, workers, services


def test_episodes_chain_spells_and_follow_them_to_the_day(
    council: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    episodes = service_episodes(*council, AS_AT)
    rows = episodes.select(
        "worker_id",
        "started",
        "last_day",
        "left",
        "days",
        "entry_role",
        "role",
        "entry_service",
        "service",
        "route",
        "cohort",
    ).rows()
    assert rows == [
        (1, date(2020, 1, 1), date(2022, 6, 30), True, 912, "social_worker", "social_worker",
         "Assessment", "Assessment", Route.NEWLY_QUALIFIED.value, 2020),
        (2, date(2021, 1, 1), None, False, 730, "asye", "social_worker",
         "Assessment", "Children in care", Route.FRONTLINE.value, 2021),
        (3, date(2020, 5, 1), date(2021, 4, 30), True, 365, "social_worker", "social_worker",
         "Children in care", "Children in care", Route.FROM_AGENCY.value, 2020),
    ]  # fmt: skip
    assert episodes["route_label"].to_list() == [
        "Newly qualified (university)",
        "Newly qualified (Frontline)",
        "From agency to permanent",
    ]


def test_leaving_hazard_by_band_is_leavers_over_person_years(
    council: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    episodes = service_episodes(*council, AS_AT)
    hazard = leaving_hazard(episodes, date(2022, 1, 1), date(2022, 12, 31))
    by_band = {row["band"]: row for row in hazard.iter_rows(named=True)}
    assert list(by_band) == [
        "Under 1 year",
        "1 to 2 years",
        "2 to 3 years",
        "3 to 5 years",
        "5 years or more",
    ]
    # W2 spends the whole of 2022 in its second year of service and stays.
    assert by_band["1 to 2 years"]["exposure_years"] == pytest.approx(365 / 365.25)
    assert by_band["1 to 2 years"]["leavers"] == 0
    assert by_band["1 to 2 years"]["annual_rate"] == 0.0
    # W1 is in its third year from 1 Jan 2022 and leaves on 30 June: 181 days, one leaver.
    assert by_band["2 to 3 years"]["exposure_years"] == pytest.approx(181 / 365.25)
    assert by_band["2 to 3 years"]["leavers"] == 1
    assert by_band["2 to 3 years"]["annual_rate"] == pytest.approx(365.25 / 181)
    assert by_band["2 to 3 years"]["chance_within_year"] == pytest.approx(0.86707, abs=1e-5)
    for band in ("Under 1 year", "3 to 5 years", "5 years or more"):
        assert by_band[band]["exposure_years"] == 0.0
        assert by_band[band]["annual_rate"] is None


def test_leaving_hazard_by_route_gives_every_band_to_every_group(
    council: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    episodes = service_episodes(*council, AS_AT)
    hazard = leaving_hazard(episodes, date(2020, 1, 1), date(2022, 12, 31), by=["route"])
    assert hazard.height == 3 * 5
    agency = hazard.filter(pl.col("route") == Route.FROM_AGENCY.value)
    # W3: 1 May 2020 to 30 April 2021, all in the first year; leaves in it.
    first = agency.row(0, named=True)
    assert first["exposure_years"] == pytest.approx(365 / 365.25)
    assert first["leavers"] == 1


def test_a_window_that_ends_before_it_starts_is_refused(
    council: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    episodes = service_episodes(*council, AS_AT)
    with pytest.raises(ValueError, match="must end on or after"):
        leaving_hazard(episodes, date(2022, 2, 1), date(2022, 1, 1))
