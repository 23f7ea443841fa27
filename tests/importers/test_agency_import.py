# ruff: noqa: E501  (expected rows are easier to read one per line)
"""Agency engagements: a good file loads exactly, each bad row is named, nothing loads when one
row is wrong, loading the same file again changes nothing; the rules and the quarterly return
then read the loaded engagements (worked by hand), and the parsers hold for any input."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from caseload.errors import ConfigurationError, InvalidInputError
from caseload.importers.fields import AGENCY_FIELDS
from caseload.importers.practice_words import word_key
from caseload.importers.problems import ImportRejectedError
from caseload.services.agency import agency_return, agency_view
from caseload.services.imports import import_agency
from caseload.services.scorecard import council_principal
from caseload.workforce.agency_caps import default_price_caps, parse_price_caps
from caseload.workforce.agency_return import parse_quarter
from importers.import_support import FIRST, FIXTURES, rows

ENGAGEMENTS = """
    SELECT e.external_id, w.staff_number, e.agency, e.job_type, e.start_date, e.end_date,
           e.pay_rate, e.on_costs, e.agency_fee, e.pqe_date, e.previous_council,
           e.previous_region, e.previous_end_date, e.notice_weeks, e.reference_practice_based,
           e.project_team
    FROM agency_engagement e JOIN worker w ON w.id = e.worker_id ORDER BY 1
"""
LOADED = [
    (
        "A1",
        "AG01",
        "Pennine Locums",
        "social_worker",
        "2025-01-06",
        None,
        36.5,
        5.1,
        8,
        "2020-09-01",
        "302",
        "North West",
        "2024-11-30",
        4,
        1,
        0,
    ),
    (
        "A2",
        "E001",
        "Cobalt Care",
        "senior_social_worker",
        "2025-02-03",
        "2025-03-28",
        41,
        5.74,
        9.5,
        "2023-06-01",
        None,
        None,
        None,
        2,
        0,
        1,
    ),
]


def load(engine: Engine, path: Path, as_at: date = FIRST) -> Any:
    return import_agency(engine, path=path, mapping="generic-agency", as_at=as_at, loaded_by="t")


def with_rows(tmp_path: Path, *lines: str) -> Path:
    text = (FIXTURES / "agency.csv").read_text() + "".join(line + "\n" for line in lines)
    path = tmp_path / "agency.csv"
    path.write_text(text)
    return path


def test_a_good_file_loads_exactly_its_rows(loaded: Engine) -> None:
    result = load(loaded, FIXTURES / "agency.csv")
    assert (result.kind, result.added, result.changed, result.ended, result.warnings) == (
        "agency", 2, 0, 0, 0,
    )  # fmt: skip
    assert rows(loaded, ENGAGEMENTS) == LOADED


def test_loading_the_same_file_again_changes_nothing(loaded: Engine) -> None:
    load(loaded, FIXTURES / "agency.csv")
    again = load(loaded, FIXTURES / "agency.csv")
    assert (again.added, again.changed, again.ended) == (0, 0, 0)
    assert rows(loaded, ENGAGEMENTS) == LOADED


BAD = [
    (
        "A3,AG01,Pennine Locums,Locum,06/01/2025,,36.50,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
        "Job Type",
        "Locum",
        "is not mapped to a Caseload job_type code",
    ),
    (
        "A4,AG01,Pennine Locums,Social Worker,06/01/2025,,365.00,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
        "Hourly Pay Rate",
        "365.00",
        None,
    ),
    (
        "A5,AG01,Pennine Locums,Social Worker,06/04/2025,,36.50,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
        "Start Date",
        "06/04/2025",
        "the engagement starts after the extract date 2025-03-31",
    ),
    (
        "A6,AG01,Pennine Locums,Social Worker,06/01/2025,01/01/2025,36.50,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
        "End Date",
        "01/01/2025",
        "the engagement ends before it starts",
    ),
    (
        "A7,AG01,Pennine Locums,Social Worker,06/01/2025,,36.50,5.10,8.00,01/09/2020,,,North West,,,4,Y,,,,N",
        None,
        None,
        None,
    ),
    (
        "A8,AG01,Pennine Locums,Social Worker,06/01/2025,,36.50,5.10,8.00,01/09/2020,,30,,,,4,Y,,,,N",
        "Previous Council Code",
        "30",
        "is not a 3-digit council code",
    ),
    (
        "A9,AG01,,Social Worker,06/01/2025,,36.50,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
        "Agency",
        None,
        "no agency",
    ),
]


def test_each_bad_row_is_named_and_nothing_is_loaded(loaded: Engine, tmp_path: Path) -> None:
    broken = with_rows(tmp_path, *(line for line, *_ in BAD))
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, broken)
    errors = caught.value.problems.filter(pl.col("severity") == "error")
    found = {(r["row"], r["column"]): r for r in errors.to_dicts()}
    for row, (_, column, value, problem) in enumerate(BAD, start=4):
        if column is None:  # a good row (a previous region without a council is allowed)
            assert not [key for key in found if key[0] == row]
            continue
        assert (row, column) in found, (row, column)
        assert found[(row, column)]["value"] == value
        if problem is not None:
            assert found[(row, column)]["problem"] == problem
        assert found[(row, column)]["file"] == "agency.csv"
    assert rows(loaded, ENGAGEMENTS) == []  # all or nothing


def test_an_unknown_worker_is_named_once_the_file_reads(loaded: Engine, tmp_path: Path) -> None:
    unknown = with_rows(
        tmp_path,
        "A10,ZZ99,Pennine Locums,Social Worker,06/01/2025,,36.50,5.10,8.00,01/09/2020,,,,,,4,Y,,,,N",
    )
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, unknown)
    assert caught.value.problems.select(
        "row", "column", "value", "problem", "action"
    ).to_dicts() == [
        {
            "row": 4,
            "column": "Staff Number",
            "value": "ZZ99",
            "problem": "no worker has this staff number",
            "action": "load the HR extract with this agency worker first, or correct the staff number",
        }
    ]
    assert rows(loaded, ENGAGEMENTS) == []


def test_the_rules_read_the_loaded_engagements(loaded: Engine) -> None:
    """As at 1 March 2025 both are in scope (started after 31 October 2024). A1: left council 302
    of the same region (North West) on 30 November 2024 and started 6 January 2025, before
    28 February: cooling-off; £36.50 + £5.10 = £41.60 above the £40 cap, no sign-off. A2: PQE
    from 1 June 2023 (under 3 years), 2 weeks' notice, no practice-based reference, £41.00 +
    £5.74 = £46.74 above the £45 senior cap."""
    load(loaded, FIXTURES / "agency.csv")
    principal = council_principal(loaded, "301")
    view = agency_view(loaded, principal, as_at=date(2025, 3, 1))
    assert view["engagements"] == 2
    assert [(b["staff_number"], b["rule"]) for b in view["breaches"]] == [
        ("E001", "notice"),
        ("E001", "pqe"),
        ("E001", "price_cap"),
        ("E001", "reference"),
        ("AG01", "cooling_off"),
        ("AG01", "price_cap"),
    ]
    shares = {r["rule"]: r["share"] for r in view["compliance"]}
    assert shares == {
        "pqe": 50.0,
        "cooling_off": 50.0,
        "notice": 50.0,
        "reference": 50.0,
        "price_cap": 0.0,
    }
    latest = rows(
        loaded, "SELECT action, target_type, target_id FROM audit_event ORDER BY id DESC LIMIT 1"
    )
    assert latest == [("view", "agency_breaches", "301")]


def test_the_quarterly_return_of_the_loaded_engagements(loaded: Engine) -> None:
    load(loaded, FIXTURES / "agency.csv")
    report = agency_return(loaded, council_principal(loaded, "301"), quarter="2025Q1")
    assert report.assignments.select(
        "swe_number", "job_type", "hourly_charge", "above_cap", "project_team"
    ).rows() == [
        ("SW200001", "social_worker", 49.6, "Y", "N"),
        ("SW100001", "senior_social_worker", 56.24, "Y", "Y"),
    ]
    # As at 31 March 2025 only A1 is still engaged.
    assert report.compliance.filter(pl.col("rule") == "cooling_off")["breaches"].item() == 1
    assert report.cap_exceptions["both_signed_off"].to_list() == ["N", "N"]
    # January: A1 from the 6th, 26 days x 37/7 hours x £49.60; February: A1 28 days and A2
    # 26 days (from the 3rd) at £56.24; March: A1 31 days and A2 28 days.
    hours = 37 / 7
    assert report.monthly_cost.rows() == [
        ("2025-01", 1, round(26 * hours * 49.6, 2)),
        ("2025-02", 2, round(28 * hours * 49.6 + 26 * hours * 56.24, 2)),
        ("2025-03", 2, round(31 * hours * 49.6 + 28 * hours * 56.24, 2)),
    ]


@given(st.integers(2000, 2100), st.integers(1, 4), st.sampled_from(["", "-", " "]))
def test_any_quarter_reads_back(year: int, number: int, joiner: str) -> None:
    quarter = parse_quarter(f"{year}{joiner}Q{number}")
    assert quarter.label == f"{year}Q{number}"
    assert quarter.start <= quarter.end
    assert (quarter.end - quarter.start).days in range(89, 92)
    assert quarter.months()[0][0] == quarter.start


@given(st.text(max_size=12))
def test_anything_else_is_refused_as_a_quarter(text: str) -> None:
    try:
        quarter = parse_quarter(text)
    except InvalidInputError as error:
        assert "2026Q3" in str(error)
    else:
        assert text.strip().upper().replace("-", "").replace(" ", "") == quarter.label


@given(
    st.sampled_from(list(AGENCY_FIELDS["job_type"].words)),
    st.sampled_from(["", " ", "_", "-"]),
    st.booleans(),
)
def test_job_type_words_match_whatever_their_case_and_spacing(
    word: tuple[str, str], separator: str, upper: bool
) -> None:
    key, _ = word
    spelled = separator.join(key)
    assert word_key(spelled.upper() if upper else spelled) == key


def test_the_price_cap_file_names_the_entry_in_error() -> None:
    good = default_price_caps()
    assert good.placeholder
    text = "version: 1\nrules:\n  minimum_pqe_years: 3\n  cooling_off_months: 3\n  minimum_notice_weeks: 4\n  new_assignments_from: 2024-10-31\n  all_assignments_from: 2025-10-01\n  hours_per_week: 37\ncaps:\n  North West:\n    social_worker: 0\n"
    with pytest.raises(
        ConfigurationError,
        match=r"caps.yaml: caps.North West.social_worker: 0.0 is not an hourly cap",
    ):
        parse_price_caps(text, source="caps.yaml")
    with pytest.raises(
        ConfigurationError,
        match=r"caps.yaml: caps.North West.locum: Input should be 'social_worker'",
    ):
        parse_price_caps(text.replace("social_worker: 0", "locum: 40"), source="caps.yaml")
    parsed = parse_price_caps(
        text.replace("social_worker: 0", "social_worker: 41.5"), source="caps.yaml"
    )
    assert parsed.for_region("North West") == {"social_worker": 41.5}
    assert parsed.for_region("London") == {}
