"""Deriving census records and vacancies from hand-built day-to-day frames."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseload.census.derive import (
    DayToDay,
    Window,
    council_vacancies,
    derive_records,
    derive_vacancies,
)

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


def spell(
    worker: int, role: str, start: date, end: date | None = None, **values: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "LEA": "301",
        "worker_id": worker,
        "contract": "own",
        "role": role,
        "fte": 1.0,
        "team": "Team A",
        "post_id": None,
        "start_date": start,
        "end_date": end,
        "end_reason": None,
        "start_origin": 2,
        "reason_leave": None,
        "leaver_destination": None,
        "agency_contract_weeks": None,
    }
    row.update(values)
    return row


def council() -> DayToDay:
    spells = pl.DataFrame(
        [
            # 1: ASYE promoted to social worker in the year: one record, neither starter nor leaver
            spell(
                1,
                "asye",
                date(2022, 9, 5),
                date(2023, 9, 4),
                end_reason="role_change",
                start_origin=1,
                post_id=1,
            ),
            spell(1, "social_worker", date(2023, 9, 5), post_id=1),
            # 2: part-time leaver with a reason and destination
            spell(
                2,
                "senior_social_worker",
                date(2018, 1, 8),
                date(2024, 1, 31),
                end_reason="left",
                reason_leave=1,
                leaver_destination=3,
                fte=0.6,
                post_id=2,
            ),
            # 3: agency worker covering post 2 once it is vacant
            spell(
                3,
                "social_worker",
                date(2024, 3, 1),
                contract="agency",
                start_origin=None,
                agency_contract_weeks=26.0,
                post_id=2,
                team="Team A",
            ),
            # 4: family support worker: not in the census
            spell(4, "family_support_worker", date(2020, 1, 1)),
            # 5: team manager in another team
            spell(5, "team_manager", date(2016, 4, 1), team="Team B", post_id=3),
        ],
        schema=SPELL_SCHEMA,
    )
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4, 5],
            "swe_number": ["SW1", "SW2", "SW3", None, "SW5"],
            "birth_date": [
                date(1995, 5, 1),
                date(1980, 2, 2),
                date(1975, 3, 3),
                None,
                date(1970, 4, 4),
            ],
            "gender": [2, 2, 1, 2, 2],
            "ethnicity": ["WBRI", "BAFR", "WOTH", "WBRI", "AIND"],
            "qualification_institution": ["Uni A", "Uni B", "Uni C", None, "Uni D"],
            "qualification_level": [1, 2, 1, None, 1],
            "step_up": [False, True, False, False, False],
            "frontline": [True, False, False, False, False],
        }
    )
    allocations = pl.DataFrame(
        {
            "worker_id": [1, 1, 1, 3, 2],
            "child_id": [10, 11, 12, 13, 14],
            "start_date": [
                date(2024, 1, 1),
                date(2024, 9, 30),
                date(2024, 2, 1),
                date(2024, 3, 1),
                date(2023, 1, 1),
            ],
            "end_date": [None, None, date(2024, 9, 29), None, date(2024, 1, 31)],
        }
    )
    absences = pl.DataFrame(
        {
            "worker_id": [1, 1, 5],
            # 1: a sickness episode crossing 1 October 2023: Mon 25 Sep to Fri 6 Oct, 10 weekdays,
            # 10 days lost, 5 of them inside census year 2024.
            "start_date": [date(2023, 9, 25), date(2024, 9, 30), date(2024, 9, 2)],
            "end_date": [date(2023, 10, 6), None, date(2024, 10, 31)],
            "reason": ["SIC", "TRN", "MAT"],
            "working_days_lost": [10.0, 1.0, 44.0],
        },
        schema_overrides={"end_date": pl.Date},
    )
    posts = pl.DataFrame(
        {
            "LEA": ["301"] * 4,
            "post_id": [1, 2, 3, 4],
            "team": ["Team A", "Team A", "Team B", "Team B"],
            "role": ["social_worker", "senior_social_worker", "team_manager", "social_worker"],
            "funded_fte": [1.0, 1.0, 1.0, 0.5],
            "start_date": [date(2015, 1, 1)] * 4,
            "end_date": [None] * 4,
        },
        schema_overrides={"end_date": pl.Date},
    )
    return DayToDay(spells, workers, allocations, absences, posts)


def test_records_follow_the_return_items() -> None:
    records = derive_records(council(), [Window.census_year(2024)])
    rows = {row["SWENo"]: row for row in records.to_dicts()}
    assert set(rows) == {"SW1", "SW2", "SW3", "SW5"}  # the family support worker is not in it

    promoted = rows["SW1"]
    assert promoted["RoleStartDate"] == date(2022, 9, 5)  # start of the employment, not the role
    assert promoted["RoleEndDate"] is None
    assert (promoted["OrgRole"], promoted["CFKSSstatus"], promoted["role"]) == (
        5,
        2,
        "social_worker",
    )
    assert promoted["StartOrigin"] == 1
    assert promoted["Cases30"] == 2  # child 12's allocation ended the day before
    assert promoted["WorkingDaysLost"] == 5.0
    assert (promoted["Absat30Sept"], promoted["ReasonAbsence"]) == (1, "TRN")
    assert (promoted["FTE"], promoted["FTE30"]) == (1.0, 1.0)
    assert (promoted["StepUpGrad"], promoted["FrontlineGrad"]) == (0, 1)

    leaver = rows["SW2"]
    assert leaver["RoleEndDate"] == date(2024, 1, 31)
    assert (leaver["ReasonLeave"], leaver["LeaverDestination"]) == (1, 3)
    assert (leaver["FTE"], leaver["FTE30"], leaver["Cases30"]) == (0.6, None, None)
    assert leaver["Absat30Sept"] is None

    agency = rows["SW3"]
    assert agency["AgencyWorker"] == 1
    assert agency["PersonBirthDate"] is None and agency["Ethnicity"] is None
    assert (agency["ContractWeeks"], agency["Cases30"], agency["StartOrigin"]) == (26.0, 1, None)

    manager = rows["SW5"]
    assert (manager["OrgRole"], manager["team"], manager["Cases30"]) == (3, "Team B", 0)
    assert (manager["Absat30Sept"], manager["ReasonAbsence"]) == (1, "MAT")
    assert manager["WorkingDaysLost"] == 0.0  # maternity leave is not sickness


def test_year_before_has_no_agency() -> None:
    records = derive_records(council(), [Window.census_year(2023)])
    rows = {row["SWENo"]: row for row in records.to_dicts()}
    assert set(rows) == {"SW1", "SW2", "SW5"}
    # promoted on 5 September 2023, before the reference date
    assert rows["SW1"]["role"] == "social_worker" and rows["SW1"]["RoleStartDate"] == date(
        2022, 9, 5
    )
    early = derive_records(council(), [Window(2023, date(2022, 10, 1), date(2023, 3, 31))])
    assert early.filter(pl.col("SWENo") == "SW1")["CFKSSstatus"].item() == 1  # still an ASYE
    assert rows["SW1"]["WorkingDaysLost"] == 5.0  # the other half of the episode


def test_vacancies_and_agency_cover() -> None:
    detail = derive_vacancies(council(), [Window.census_year(2024), Window.census_year(2023)])
    council_level = council_vacancies(detail).to_dicts()
    assert council_level == [
        # 2023: post 4 (0.5) is empty and the 0.6 FTE senior leaves 0.4 of post 2 unfilled
        {
            "LEA": "301",
            "Year": 2023,
            "NumberOfVacancies": 0.9,
            "NoAgencyFTE": 0.0,
            "NoAgencyHeadcount": 0,
        },
        # 2024: post 2 left vacant and covered by the agency worker, plus post 4
        {
            "LEA": "301",
            "Year": 2024,
            "NumberOfVacancies": 1.5,
            "NoAgencyFTE": 1.0,
            "NoAgencyHeadcount": 1,
        },
    ]
    team_b = detail.filter(pl.col("Year") == 2024, pl.col("team") == "Team B")
    assert team_b["NumberOfVacancies"].sum() == 0.5
