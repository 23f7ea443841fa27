"""The pipeline file: a good file loads exactly (routes to learner kinds, teams and educators by
name and staff number, the conversion on the learner's last placement), the same file again
changes nothing, a conversions-only file adds a conversion a later placements file keeps, a
re-import replaces the period's placements and the register of educators, each bad row is named
and nothing loads, and the parser holds for any row."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from caseload.errors import CaseloadError
from caseload.importers.fields import PLACEMENT_FIELDS
from caseload.importers.mapping import load_mapping
from caseload.importers.placements import check_placements
from caseload.importers.practice_words import word_key
from caseload.importers.problems import ImportRejectedError, errors_in
from caseload.importers.tables import read_bytes
from caseload.importers.values import read_fields
from caseload.services.imports import import_placements
from importers.import_support import FIRST, FIXTURES, rows

PLACEMENTS = """
    SELECT p.external_id, p.learner_ref, p.learner_kind, p.programme, p.study_year, t.name,
           e.staff_number, p.start_date, p.end_date, p.outcome, c.staff_number, p.converted_date
    FROM placement p LEFT JOIN team t ON t.id = p.team_id
    LEFT JOIN worker e ON e.id = p.educator_id LEFT JOIN worker c ON c.id = p.converted_worker_id
    ORDER BY p.start_date, p.learner_ref
"""
EDUCATORS = """
    SELECT w.staff_number, e.stage, e.capacity, e.accredited_date
    FROM practice_educator e JOIN worker w ON w.id = e.worker_id ORDER BY 1
"""
LOADED = [
    (
        "P1",
        "L1",
        "student",
        "University of the North, BA Social Work",
        3,
        "Assessment Team 1",
        "E002",
        "2018-09-03",
        "2019-03-01",
        "passed",
        "E001",
        "2019-04-01",
    ),
    # Step Up and Frontline are fast-track: their placements are in the qualifying year.
    (
        "P2",
        "L2",
        "student",
        "Step Up to Social Work (North West)",
        None,
        "Assessment Team 1",
        "E002",
        "2024-09-02",
        "2025-02-28",
        "passed",
        None,
        None,
    ),
    (
        "P4",
        "L4",
        "student",
        "Frontline",
        None,
        "Child Protection Team",
        "E002",
        "2024-10-01",
        "2025-07-31",
        None,
        None,
        None,
    ),
    (
        "P3",
        "L3",
        "apprentice",
        "Social Work Degree Apprenticeship (Metropolitan University)",
        2,
        "Child Protection Team",
        "E004",
        "2025-01-06",
        "2025-06-27",
        None,
        None,
        None,
    ),
]
HEADER = (FIXTURES / "placements.csv").read_text().splitlines()[0]


def load(engine: Engine, path: Path, as_at: date = FIRST) -> Any:
    return import_placements(
        engine, path=path, mapping="generic-placements", as_at=as_at, loaded_by="t"
    )


def file_of(tmp_path: Path, *lines: str, name: str = "pipeline.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "".join(line + "\n" for line in lines))
    return path


def counts(result: Any) -> tuple[int, int, int, int]:
    return (result.added, result.changed, result.ended, result.warnings)


def test_a_good_file_loads_exactly_and_again_changes_nothing(loaded: Engine) -> None:
    result = load(loaded, FIXTURES / "placements.csv")
    assert result.kind == "placements"
    assert counts(result) == (6, 0, 0, 0)
    assert result.counts == {
        "placement": {"added": 4, "changed": 0, "ended": 0},
        "practice_educator": {"added": 2, "changed": 0, "ended": 0},
    }
    assert rows(loaded, PLACEMENTS) == LOADED
    assert rows(loaded, EDUCATORS) == [("E002", 2, 2, "2023-06-01"), ("E004", 1, 1, None)]
    again = load(loaded, FIXTURES / "placements.csv")
    assert counts(again) == (0, 0, 0, 0)
    assert again.same_content_as_run == result.run_id
    assert rows(loaded, PLACEMENTS) == LOADED


def test_a_conversion_alone_is_kept_by_a_later_placements_file(
    loaded: Engine, tmp_path: Path
) -> None:
    load(loaded, FIXTURES / "placements.csv")
    # L2's Step Up placement passed on 28 February; L2 became E003 on 17 March.
    converted = load(loaded, file_of(tmp_path, "Conversion,,L2,,,,,,,,,E003,,,,17/03/2025"))
    assert converted.counts["placement"] == {"added": 0, "changed": 1, "ended": 0}
    assert converted.counts["practice_educator"] == {"added": 0, "changed": 0, "ended": 0}
    assert rows(loaded, PLACEMENTS)[1][10:] == ("E003", "2025-03-17")
    # The first file again: it has no conversion of L2, which is kept.
    again = load(loaded, FIXTURES / "placements.csv")
    assert counts(again) == (0, 0, 0, 0)
    assert rows(loaded, PLACEMENTS)[1][10:] == ("E003", "2025-03-17")


def test_a_reimport_replaces_the_period_and_the_register(loaded: Engine, tmp_path: Path) -> None:
    load(loaded, FIXTURES / "placements.csv")
    lines = (FIXTURES / "placements.csv").read_text().splitlines()
    path = file_of(
        tmp_path,
        lines[1].replace(",2,2,", ",2,3,"),  # E002 now takes three students; E004 has gone
        lines[4],  # P2, unchanged
        lines[5].replace(",,,,,,", ",Withdrawn,,,,,"),  # P3 withdrawn
    )
    result = load(loaded, path)
    # The placements cover 2 September 2024 to 6 January 2025: P2 is unchanged, P3 changes, P4
    # (1 October 2024) is in the period but not in the file, so it goes; P1 (2018) stays.
    assert result.counts == {
        "placement": {"added": 0, "changed": 1, "ended": 1},
        "practice_educator": {"added": 0, "changed": 1, "ended": 1},
    }
    assert [(r[0], r[9]) for r in rows(loaded, PLACEMENTS)] == [
        ("P1", "passed"),
        ("P2", "passed"),
        ("P3", "withdrawn"),
    ]
    assert rows(loaded, EDUCATORS) == [("E002", 2, 3, "2023-06-01")]
    warnings = result.problems["problem"].to_list()
    assert warnings == [
        "1 practice educator held is not in this file",
        "1 record held from 2024-09-02 to 2025-01-06 is not in this file",
        "this worker is not on the register of practice educators",  # P3's E004, row 4
    ]


def test_a_placement_with_an_educator_off_the_register_is_loaded_with_a_warning(
    loaded: Engine, tmp_path: Path
) -> None:
    path = file_of(
        tmp_path, "placement,,L9,university,BA Social Work,1,,E003,01/02/2025,30/04/2025,,,,,,"
    )
    result = load(loaded, path)
    assert counts(result) == (1, 0, 0, 1)
    warning = result.problems.row(0, named=True)
    assert (warning["row"], warning["column"], warning["value"], warning["problem"]) == (
        2,
        "Practice Educator",
        "E003",
        "this worker is not on the register of practice educators",
    )


BAD = [
    (
        "placement,,L9,university,BA,5,,,01/02/2025,30/04/2025,,,,,,",
        "Year of Study",
        "5",
        "the year of study is not a whole number from 1 to 4",
    ),
    (
        "placement,,L9,Teach First,BA,1,,,01/02/2025,30/04/2025,,,,,,",
        "Route",
        "Teach First",
        "is not mapped to a Caseload route code",
    ),
    (
        "placement,,L9,university,BA,1,Youth Justice Team,,01/02/2025,30/04/2025,,,,,,",
        "Team",
        "Youth Justice Team",
        "the council has no team with this name",
    ),
    (
        "placement,,L9,university,BA,1,,E999,01/02/2025,30/04/2025,,,,,,",
        "Practice Educator",
        "E999",
        "no worker has this staff number",
    ),
    (
        "placement,,L9,university,BA,1,,,01/05/2025,30/04/2025,,,,,,",
        "End Date",
        "30/04/2025",
        "the placement ends before it starts",
    ),
    (
        "placement,,L9,university,,1,,,01/02/2025,30/04/2025,,,,,,",
        "Programme",
        None,
        "a placement without its university and programme",
    ),
    (
        "placement,,L9,university,BA,1,,,01/05/2025,30/09/2025,Passed,,,,,",
        "Outcome",
        "Passed",
        "an outcome for a placement starting after the extract date 2025-03-31",
    ),
    ("educator,,,,,,,,,,,E001,3,1,,", "Stage", "3", "the stage is not 1 or 2"),
    (
        "educator,,,,,,,,,,,E001,1,1.5,,",
        "Capacity",
        "1.5",
        "the capacity is not a whole number from 0 to 10",
    ),
    ("educator,,,,,,,,,,,E001,,1,,", "Stage", None, "a practice educator without a stage"),
    (
        "conversion,,L8,,,,,,,,,E003,,,,01/03/2025",
        "Learner Ref",
        "L8",
        "no placement of this learner is in the file or loaded before",
    ),
    (
        "conversion,,L2,,,,,,,,,E003,,,,28/02/2025",
        "ASYE Start",
        "2025-02-28",
        "the ASYE post starts before the learner's last placement ends (2025-02-28)",
    ),
    (
        "conversion,,L3,,,,,,,,,E003,,,,01/03/2025",
        "ASYE Start",
        "2025-03-01",
        "the ASYE post starts before the learner's last placement ends (2025-06-27)",
    ),
    (
        "placement,,L9,university,BA,3,,,01/09/2024,31/12/2024,Failed,,,,,\nconversion,,L9,,,,,,,,,E003,,,,01/03/2025",
        "Learner Ref",
        "L9",
        "the learner's last placement, ending 2024-12-31, is not recorded as passed",
    ),
    (
        "conversion,,L2,,,,,,,,,E999,,,,17/03/2025",
        "Staff Number",
        "E999",
        "no worker has this staff number",
    ),
    (
        "conversion,,L2,,,,,,,,,E003,,,,17/04/2025",
        "ASYE Start",
        "17/04/2025",
        "the ASYE post starts after the extract date 2025-03-31",
    ),
    (",,L9,university,BA,1,,,01/02/2025,30/04/2025,,,,,,", "Record", None, "no record type"),
]


@pytest.mark.parametrize(("line", "column", "value", "problem"), BAD)
def test_each_bad_row_is_named_and_nothing_loads(
    loaded: Engine, tmp_path: Path, line: str, column: str, value: str | None, problem: str
) -> None:
    good = (FIXTURES / "placements.csv").read_text().splitlines()[1:]
    path = file_of(tmp_path, *good, line)
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, path)
    errors = errors_in(caught.value.problems).to_dicts()
    last = len(good) + 1 + len(line.splitlines())  # the row of the file's last line
    assert [(e["row"], e["column"], e["value"], e["problem"]) for e in errors] == [
        (last, column, value, problem)
    ]
    assert rows(loaded, "SELECT COUNT(*) FROM placement") == [(0,)]
    assert rows(loaded, "SELECT COUNT(*) FROM practice_educator") == [(0,)]


def test_the_same_placement_twice_and_an_educator_twice_are_named(
    loaded: Engine, tmp_path: Path
) -> None:
    path = file_of(
        tmp_path,
        "placement,,L9,university,BA,1,,,01/02/2025,30/04/2025,,,,,,",
        "placement,,L9,university,BA,2,,,01/02/2025,30/04/2025,,,,,,",
        "educator,,,,,,,,,,,E002,2,2,,",
        "educator,,,,,,,,,,,E002,2,1,,",
    )
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, path)
    errors = errors_in(caught.value.problems).select("row", "problem").rows()
    assert errors == [
        (3, "the same placement as row 2"),
        (5, "the same practice educator as row 4"),
    ]


# --- the parser, for any row ---------------------------------------------------------------

CELLS = {
    "Record": ["placement", "educator", "conversion", "Practice educator", "", "x"],
    "Placement ID": ["", "P1", "P1", "9" * 90],
    "Learner Ref": ["", "L1", "L2", "L" * 70],
    "Route": ["", "university", "Step Up", "frontline", "apprentice", "Teach First"],
    "Programme": ["", "BA Social Work"],
    "Year of Study": ["", "1", "3", "4", "5", "2.5", "x"],
    "Team": ["", "Assessment Team 1"],
    "Practice Educator": ["", "E002"],
    "Start Date": ["", "01/09/2024", "31/02/2024", "2025-06-01"],
    "End Date": ["", "31/03/2025", "01/08/2024"],
    "Outcome": ["", "passed", "failed", "withdrawn", "maybe"],
    "Staff Number": ["", "E001"],
    "Stage": ["", "1", "2", "3", "x"],
    "Capacity": ["", "0", "2", "11", "1.5"],
    "Accredited": ["", "01/01/2020", "01/01/2030"],
    "ASYE Start": ["", "01/04/2025", "01/03/2025"],
}
ROW = st.fixed_dictionaries({header: st.sampled_from(cells) for header, cells in CELLS.items()})


def as_csv(found: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CELLS))
    writer.writeheader()
    writer.writerows(found)
    return buffer.getvalue().encode()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(found=st.lists(ROW, min_size=1, max_size=8))
def test_every_row_is_a_record_the_database_accepts_or_is_named(
    found: list[dict[str, str]],
) -> None:
    mapping = load_mapping("generic-placements")
    table = read_bytes(as_csv(found), name="pipeline.csv")
    extract = check_placements(read_fields(table, mapping), as_at=FIRST)
    kept = pl.concat(
        [extract.placements["_row"], extract.educators["_row"], extract.conversions["_row"]]
    ).to_list()
    assert len(kept) == len(set(kept))  # a row is one record at most
    named = set(errors_in(extract.problems)["row"].drop_nulls().to_list())
    repeats = extract.problems.filter(pl.col("problem").str.starts_with("the row repeats"))
    for row in table.frame["_row"].to_list():  # blank rows are skipped as the file is read
        assert row in kept or row in named or row in set(repeats["row"].to_list())
    # Rows with no error hold what the database's checks ask of them.
    clean = pl.col("_row").is_in(sorted(named)).not_()
    placements = extract.placements.filter(clean)
    assert placements["learner_kind"].is_in(["student", "apprentice"]).all()
    assert placements["study_year"].drop_nulls().is_between(1, 4).all()
    assert (placements["end_date"] >= placements["start_date"]).all()
    assert (placements["learner_ref"].str.len_chars() <= 60).all()
    assert (placements["external_id"].drop_nulls().str.len_chars() <= 80).all()
    educators = extract.educators.filter(clean)
    assert educators["stage"].is_in([1, 2]).all()
    assert educators["capacity"].is_between(0, 10).all()
    conversions = extract.conversions.filter(clean)
    assert (conversions["converted_date"] <= FIRST).all()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(found=st.lists(ROW, min_size=1, max_size=6))
def test_random_rows_never_crash_and_never_half_load(
    loaded: Engine, tmp_path: Path, found: list[dict[str, str]]
) -> None:
    path = tmp_path / "pipeline.csv"
    path.write_bytes(as_csv(found))
    before = rows(
        loaded, "SELECT (SELECT COUNT(*) FROM placement) + (SELECT COUNT(*) FROM practice_educator)"
    )
    try:
        load(loaded, path)
    except CaseloadError as exc:
        assert "Traceback" not in str(exc)
        after = rows(
            loaded,
            "SELECT (SELECT COUNT(*) FROM placement) + (SELECT COUNT(*) FROM practice_educator)",
        )
        assert after == before


@given(
    st.sampled_from(list(PLACEMENT_FIELDS["route"].words) + list(PLACEMENT_FIELDS["record"].words)),
    st.sampled_from(["", " ", "_", "-"]),
    st.booleans(),
)
def test_route_and_record_words_match_whatever_their_case_and_spacing(
    word: tuple[str, str], separator: str, upper: bool
) -> None:
    key, _ = word
    spelled = separator.join(key)
    assert word_key(spelled.upper() if upper else spelled) == key
