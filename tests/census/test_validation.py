"""The return's own rules: each one exercised with the exact problem it reports."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.census.validation import (
    Problem,
    Severity,
    errors_in,
    validate_return,
    warnings_in,
    worker_rules,
)
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies

YEAR = 2025
OWN: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100001",
    "FTE": 1.0,
    "PersonBirthDate": date(1985, 3, 14),
    "GenderCurrent": 2,
    "Ethnicity": "WBRI",
    "QualInst": "University of Leeds",
    "QualLevel": 1,
    "OrgRole": 5,
    "RoleStartDate": date(2019, 9, 2),
    "StartOrigin": 1,
    "FTE30": 1.0,
    "Cases30": 17,
    "WorkingDaysLost": 4.5,
    "Absat30Sept": 0,
    "CFKSSstatus": 2,
}
AGENCY: dict[str, Any] = {
    "AgencyWorker": 1,
    "SWENo": "SW100003",
    "FTE": 1.0,
    "OrgRole": 5,
    "RoleStartDate": date(2025, 6, 2),
    "FTE30": 1.0,
    "Cases30": 19,
    "ContractWeeks": 26.0,
}
LEAVER: dict[str, Any] = OWN | {
    "SWENo": "SW100002",
    "FTE30": None,
    "Cases30": None,
    "RoleEndDate": date(2025, 3, 31),
    "ReasonLeave": 1,
    "LeaverDestination": 1,
}
VACANCIES: dict[str, Any] = {
    "LEA": "301",
    "Year": YEAR,
    "NumberOfVacancies": 12.5,
    "NoAgencyFTE": 3.0,
    "NoAgencyHeadcount": 3,
}


def records(*rows: dict[str, Any]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{item: row.get(item) for item in WORKER_ITEMS} for row in rows], schema=WORKER_ITEMS
    )
    return conform_records(frame)


def vacancies(**changes: Any) -> pl.DataFrame:
    return conform_vacancies(pl.DataFrame([VACANCIES | changes]))


def described(*rows: dict[str, Any]) -> list[str]:
    problems = validate_return(records(*rows), vacancies(), census_year=YEAR)
    return [f"{p.severity.value}: {p.describe()}" for p in problems]


def test_a_clean_return_has_no_problems() -> None:
    assert validate_return(records(OWN, LEAVER, AGENCY), vacancies(), census_year=YEAR) == []


W1 = "worker 1 (SWENo SW100001)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"AgencyWorker": None},
            [f"error: {W1}, item AgencyWorker: is missing; give 0 (own staff) or 1 (agency)"],
        ),
        (
            {"PersonBirthDate": None, "StartOrigin": None},
            [
                f"error: {W1}, item PersonBirthDate: is missing; own staff (AgencyWorker 0) must "
                "carry a date of birth",
                f"error: {W1}, item StartOrigin: is missing; own staff (AgencyWorker 0) must "
                "carry where they came from",
            ],
        ),
        (
            {"GenderCurrent": None, "Ethnicity": None, "OrgRole": None, "RoleStartDate": None},
            [
                f"error: {W1}, item GenderCurrent: is missing; own staff (AgencyWorker 0) must "
                "carry a gender code",
                f"error: {W1}, item Ethnicity: is missing; own staff (AgencyWorker 0) must carry "
                "an ethnicity code",
                f"error: {W1}, item OrgRole: is missing; own staff (AgencyWorker 0) must carry a "
                "role code",
                f"error: {W1}, item RoleStartDate: is missing; own staff (AgencyWorker 0) must "
                "carry the date they started in the role",
            ],
        ),
        ({"QualInst": None}, []),
        ({"QualLevel": None}, []),
        (
            {"QualInst": None, "QualLevel": None},
            [
                f"error: {W1}, item QualInst/QualLevel: are both missing; own staff (AgencyWorker "
                "0) must carry the qualifying institution, the qualification level or both"
            ],
        ),
        (
            {"SWENo": None},
            [
                "error: worker 1 (no SWENo), item SWENo: is missing; every social worker in the "
                "return needs their Social Work England number"
            ],
        ),
        (
            {"SWENo": "123456"},
            [
                "error: worker 1 (SWENo 123456), item SWENo: value '123456' is not a Social Work "
                "England number; write two letters then digits, e.g. SW123456"
            ],
        ),
        (
            {"GenderCurrent": 3, "Ethnicity": "WHIT", "ReasonAbsence": None, "CFKSSstatus": 5},
            [
                f"error: {W1}, item GenderCurrent: value '3' is not a code of GenderCurrent; use "
                "one of 0, 1, 2, 9",
                f"error: {W1}, item Ethnicity: value 'WHIT' is not a code of Ethnicity; use one of "
                "WBRI, WIRI, WOTH, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, AOTH, BCRB, BAFR, "
                "BOTH, CHNE, OOTH, REFU, NOBT",
                f"error: {W1}, item CFKSSstatus: value '5' is not a code of CFKSSstatus; use one "
                "of 1, 2, 3, 4",
            ],
        ),
        (
            {"FTE": 1.5, "FTE30": 0.1234567},
            [
                f"error: {W1}, item FTE: value '1.5' is outside 0 to 1; give the worker's "
                "full-time equivalent, e.g. 0.5",
                f"error: {W1}, item FTE30: value '0.1234567' has more than 6 decimal places; "
                "round it to 6",
            ],
        ),
        ({"FTE": 0.123456}, []),
        (
            {"Cases30": -2},
            [
                f"error: {W1}, item Cases30: value '-2' is outside 0 to 9999; give the number of "
                "cases held on 30 September"
            ],
        ),
        (
            {"WorkingDaysLost": 400.0},
            [
                f"error: {W1}, item WorkingDaysLost: value '400.0' is outside 0 to 366; give "
                "sickness working days lost in the year"
            ],
        ),
        (
            {"PersonBirthDate": date(2009, 10, 1)},
            [
                f"error: {W1}, item PersonBirthDate: value '2009-10-01' gives an age outside 16 "
                "to 80 on 2025-09-30; check the date of birth"
            ],
        ),
        ({"PersonBirthDate": date(2009, 9, 30)}, []),
        ({"PersonBirthDate": date(1944, 10, 1)}, []),
        (
            {"PersonBirthDate": date(1944, 9, 30)},
            [
                f"error: {W1}, item PersonBirthDate: value '1944-09-30' gives an age outside 16 "
                "to 80 on 2025-09-30; check the date of birth"
            ],
        ),
        (
            {"RoleStartDate": date(2025, 10, 1)},
            [
                f"error: {W1}, item RoleStartDate: value '2025-10-01' is after the reference date "
                "2025-09-30; a record in the 2025 return starts on or before it"
            ],
        ),
        (
            {"Absat30Sept": 1},
            [
                f"error: {W1}, item ReasonAbsence: is missing; a worker absent on 30 September "
                "(Absat30Sept 1) needs the reason"
            ],
        ),
        ({"Absat30Sept": 1, "ReasonAbsence": "SIC"}, []),
        (
            {"ReasonAbsence": "SIC"},
            [
                f"warning: {W1}, item ReasonAbsence: value 'SIC' is given but Absat30Sept is not "
                "1; set Absat30Sept to 1 or leave the reason out"
            ],
        ),
        (
            {"ReasonLeave": 5},
            [
                f"warning: {W1}, item ReasonLeave: value '5' is given but RoleEndDate is empty; "
                "leave it out for workers still in post, or add the leaving date"
            ],
        ),
        (
            {"FTE30": None},
            [
                f"warning: {W1}, item FTE30: is missing; a worker in post on 30 September (no "
                "RoleEndDate) should carry FTE30, or they are left out of the FTE counts"
            ],
        ),
        (
            {"QualInst": "x" * 201},
            [
                f"error: {W1}, item QualInst: value '{'x' * 37}...' is longer than 200 "
                "characters; shorten it"
            ],
        ),
    ],
)
def test_own_staff_rules(changes: dict[str, Any], expected: list[str]) -> None:
    assert described(OWN | changes) == expected


W2 = "worker 1 (SWENo SW100002)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"ReasonLeave": None, "LeaverDestination": None},
            [
                f"error: {W2}, item ReasonLeave: is missing; own staff with a RoleEndDate "
                "(leavers) must carry why they left",
                f"error: {W2}, item LeaverDestination: is missing; own staff with a RoleEndDate "
                "(leavers) must carry where they went",
            ],
        ),
        (
            {"RoleEndDate": date(2025, 10, 1)},
            [
                f"error: {W2}, item RoleEndDate: value '2025-10-01' is outside census year 2025 "
                "(2024-10-01 to 2025-09-30); leave it out for workers still in post on the "
                "reference date"
            ],
        ),
        ({"RoleEndDate": date(2024, 10, 1)}, []),
        ({"RoleEndDate": date(2025, 9, 30)}, []),
        (
            {"RoleEndDate": date(2024, 9, 30), "RoleStartDate": date(2024, 11, 1)},
            [
                f"error: {W2}, item RoleEndDate: value '2024-09-30' is outside census year 2025 "
                "(2024-10-01 to 2025-09-30); leave it out for workers still in post on the "
                "reference date",
                f"error: {W2}, item RoleEndDate: value '2024-09-30' is before RoleStartDate "
                "2024-11-01; correct one of the dates",
            ],
        ),
    ],
)
def test_leaver_rules(changes: dict[str, Any], expected: list[str]) -> None:
    assert described(LEAVER | changes) == expected


def test_agency_records_carry_fewer_items() -> None:
    assert described(AGENCY) == []
    # Agency leavers need no leaving reason or destination.
    assert described(AGENCY | {"RoleEndDate": date(2025, 7, 1), "FTE30": None}) == []
    assert described(AGENCY | {"SWENo": None}) == [
        "error: worker 1 (no SWENo), item SWENo: is missing; every social worker in the return "
        "needs their Social Work England number"
    ]


def test_duplicated_numbers_are_warnings_naming_the_other_records() -> None:
    assert described(OWN, AGENCY, AGENCY | {"SWENo": "SW100001"}) == [
        "warning: worker 1 (SWENo SW100001), item SWENo: value 'SW100001' is also on worker 3; "
        "check these are separate employments (e.g. a leaver who came back) and not a duplicated "
        "record",
        "warning: worker 3 (SWENo SW100001), item SWENo: value 'SW100001' is also on worker 1; "
        "check these are separate employments (e.g. a leaver who came back) and not a duplicated "
        "record",
    ]


def test_problems_are_listed_by_worker_errors_first() -> None:
    problems = validate_return(
        records(AGENCY, OWN | {"ReasonAbsence": "SIC", "Cases30": -1}),
        vacancies(),
        census_year=YEAR,
    )
    assert [(p.worker, p.item, p.severity) for p in problems] == [
        (2, "Cases30", Severity.ERROR),
        (2, "ReasonAbsence", Severity.WARNING),
    ]
    assert len(errors_in(problems)) == 1
    assert len(warnings_in(problems)) == 1
    assert problems[0].to_dict() == {
        "worker": 2,
        "swe_no": "SW100001",
        "part": "CSWWWorker",
        "item": "Cases30",
        "value": "-1",
        "problem": "is outside 0 to 9999; give the number of cases held on 30 September",
        "severity": "error",
    }


def test_council_level_rules() -> None:
    def check(frame: pl.DataFrame) -> list[str]:
        return [p.describe() for p in validate_return(records(OWN), frame, census_year=YEAR)]

    assert check(vacancies(NumberOfVacancies=None, NoAgencyHeadcount=-1)) == [
        "LALevelVacancies, item NumberOfVacancies: is missing; give the vacant FTE on 30 "
        "September (0 if none)",
        "LALevelVacancies, item NoAgencyHeadcount: value '-1' is outside 0 to 99999; give the "
        "agency workers covering vacancies",
    ]
    assert check(vacancies(NoAgencyFTE=14.0)) == [
        "LALevelVacancies, item NoAgencyFTE: value '14.0' is more than NumberOfVacancies (12.5); "
        "count only agency workers covering vacant posts"
    ]
    assert len(check(vacancies().clear())) == 3
    assert check(vacancies(Year=2024)) == check(vacancies().clear())


def test_an_empty_return_is_an_error() -> None:
    problems = validate_return(records(), vacancies(), census_year=YEAR)
    assert problems == [
        Problem(
            Severity.ERROR,
            "CSWWWorker",
            "the return has no worker records; a return lists every social worker",
            part="Message",
        )
    ]
    assert problems[0].describe() == (
        "Message, item CSWWWorker: the return has no worker records; a return lists every social "
        "worker"
    )


def test_rules_name_real_items() -> None:
    names = set(WORKER_ITEMS) | {"QualInst/QualLevel"}
    assert {rule.item for rule in worker_rules(YEAR)} <= names


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "AgencyWorker": st.sampled_from([0, 1, 2, None]),
            "FTE": st.floats(allow_nan=True, allow_infinity=True),
            "Cases30": st.integers(-(2**40), 2**40),
            "PersonBirthDate": st.dates(),
            "RoleStartDate": st.dates(),
            "RoleEndDate": st.dates(),
            "Ethnicity": st.text(max_size=5),
            "Absat30Sept": st.integers(-1, 2),
            "ReasonAbsence": st.sampled_from(["SIC", "XXX", None]),
        },
    )
)
def test_any_record_gives_problems_not_exceptions(changes: dict[str, Any]) -> None:
    problems = validate_return(records(OWN | changes), vacancies(), census_year=YEAR)
    assert all(p.worker == 1 for p in problems)
