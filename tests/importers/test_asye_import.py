# ruff: noqa: E501  (expected rows are easier to read one per line)
"""ASYE programmes and progression applications: a good file loads exactly, each bad row is
named by file, row and column, nothing loads when one row is wrong, and a re-import leaves
unchanged rows alone and replaces changed ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.importers.problems import ImportRejectedError
from caseload.services.imports import import_asye, import_progression
from importers.import_support import FIRST, rows

ASYE_HEADER = "Staff Number,ASYE Start,Assessor,Mentor,Outcome,Outcome Date,Extended To,3 Month Review,3 Month Judgement,6 Month Review,6 Month Judgement,12 Month Review,12 Month Judgement\n"
ASYE_GOOD = [
    "E001,01/04/2024,Ann Assessor,Mo Mentor,Passed,02/04/2025,,01/07/2024,On track,01/10/2024,Some concerns,,",
    "E003,31/01/2024,Ann Assessor,,Extended,20/01/2025,30/06/2025,30/04/2024,on-track,,,20/01/2025,Not on track",
]
PROGRAMMES = """
    SELECT w.staff_number, p.start_date, p.assessor, p.mentor, p.outcome, p.outcome_date, p.extended_to
    FROM asye_programme p JOIN worker w ON w.id = p.worker_id ORDER BY 1
"""
REVIEWS = """
    SELECT w.staff_number, r.review_point, r.held_date, r.judgement
    FROM asye_review r JOIN asye_programme p ON p.id = r.programme_id
    JOIN worker w ON w.id = p.worker_id ORDER BY 1, 3
"""


def write(tmp_path: Path, name: str, header: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_asye(engine: Engine, path: Path) -> Any:
    return import_asye(engine, path=path, mapping="generic-asye", as_at=FIRST, loaded_by="t")


def test_a_good_asye_file_loads_exactly(loaded: Engine, tmp_path: Path) -> None:
    """The outcome "Passed" on 2 April 2025 is after the extract date: refused. With it on 31
    March, the file loads."""
    lines = [ASYE_GOOD[0].replace("02/04/2025", "31/03/2025"), ASYE_GOOD[1]]
    result = load_asye(loaded, write(tmp_path, "asye.csv", ASYE_HEADER, lines))
    assert (result.kind, result.added, result.changed) == ("asye", 2, 0)
    assert rows(loaded, PROGRAMMES) == [
        ("E001", "2024-04-01", "Ann Assessor", "Mo Mentor", "pass", "2025-03-31", None),
        ("E003", "2024-01-31", "Ann Assessor", None, "extend", "2025-01-20", "2025-06-30"),
    ]
    assert rows(loaded, REVIEWS) == [
        ("E001", "3", "2024-07-01", "on_track"),
        ("E001", "6", "2024-10-01", "concerns"),
        ("E003", "3", "2024-04-30", "on_track"),
        ("E003", "12", "2025-01-20", "not_on_track"),
    ]
    # The same file again changes nothing; a changed judgement replaces that programme.
    again = load_asye(loaded, write(tmp_path, "asye.csv", ASYE_HEADER, lines))
    assert (again.added, again.changed) == (0, 0)
    lines[1] = lines[1].replace("on-track", "Some concerns")
    changed = load_asye(loaded, write(tmp_path, "asye2.csv", ASYE_HEADER, lines))
    assert (changed.added, changed.changed) == (0, 1)
    assert ("E003", "3", "2024-04-30", "concerns") in rows(loaded, REVIEWS)
    assert len(rows(loaded, PROGRAMMES)) == 2


def test_each_bad_asye_row_is_named_and_nothing_loads(loaded: Engine, tmp_path: Path) -> None:
    lines = [
        ASYE_GOOD[0],  # row 2: outcome after the extract date
        "E003,31/01/2024,,,Extended,20/01/2025,,,,,,,",  # row 3: no extension end
        "E999,01/04/2024,,,,,,,,,,,",  # row 4: unknown worker
        "E001,01/05/2024,,,,,,,Fine,,,,",  # row 5: unknown judgement word, no held date
        "E001,01/06/2024,,,Pass,,,,,,,,",  # row 6: outcome without date
    ]
    with pytest.raises(ImportRejectedError) as caught:
        load_asye(loaded, write(tmp_path, "bad.csv", ASYE_HEADER, lines))
    errors = caught.value.problems.filter(pl.col("severity") == "error")
    found = sorted((row["row"], row["column"], row["problem"]) for row in errors.to_dicts())
    assert found == [
        (2, "Outcome Date", "the outcome is dated after the extract date 2025-03-31"),
        (3, "Extended To", "an extension without the day it ends"),
        (5, "3 Month Judgement", "is not mapped to a Caseload review_3_judgement code"),
        (6, "Outcome Date", "an outcome without its date"),
    ]
    assert rows(loaded, "SELECT count(*) FROM asye_programme") == [(0,)]


def test_an_unknown_worker_is_named(loaded: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "unknown.csv", ASYE_HEADER, ["E999,01/04/2024,,,,,,,,,,,"])
    with pytest.raises(ImportRejectedError) as caught:
        load_asye(loaded, path)
    (problem,) = caught.value.problems.to_dicts()
    assert (problem["row"], problem["column"], problem["value"], problem["problem"]) == (
        2,
        "Staff Number",
        "E999",
        "no worker has this staff number",
    )


PROGRESSION_HEADER = "Staff Number,Current Role,Applied For,Applied,Decided,Outcome,Evidence\n"
APPLICATIONS = """
    SELECT w.staff_number, a.from_role, a.to_role, a.applied_date, a.decided_date, a.outcome
    FROM progression_application a JOIN worker w ON w.id = a.worker_id ORDER BY 1, 4
"""


def load_progression(engine: Engine, path: Path) -> Any:
    return import_progression(
        engine, path=path, mapping="generic-progression", as_at=FIRST, loaded_by="t"
    )


def test_progression_applications_load_and_reload(loaded: Engine, tmp_path: Path) -> None:
    lines = [
        "E001,Social Worker,Senior Practitioner,03/02/2025,03/03/2025,Approved,Observations",
        "E003,social_worker,senior social worker,10/03/2025,,,",
    ]
    result = load_progression(loaded, write(tmp_path, "p.csv", PROGRESSION_HEADER, lines))
    assert (result.kind, result.added) == ("progression", 2)
    assert rows(loaded, APPLICATIONS) == [
        ("E001", "social_worker", "senior_social_worker", "2025-02-03", "2025-03-03", "approved"),
        ("E003", "social_worker", "senior_social_worker", "2025-03-10", None, None),
    ]
    lines[1] = "E003,social_worker,senior social worker,10/03/2025,28/03/2025,Not approved,"
    again = load_progression(loaded, write(tmp_path, "p2.csv", PROGRESSION_HEADER, lines))
    assert (again.added, again.changed) == (0, 1)
    assert rows(loaded, APPLICATIONS)[1][-1] == "refused"


def test_bad_progression_rows_are_named(loaded: Engine, tmp_path: Path) -> None:
    lines = [
        "E001,Senior social worker,Social worker,03/02/2025,,,",  # row 2: not a step up
        "E001,Social worker,Senior social worker,03/02/2025,01/02/2025,Approved,",  # row 3
        "E001,Social worker,Senior social worker,04/02/2025,,Approved,",  # row 4
    ]
    with pytest.raises(ImportRejectedError) as caught:
        load_progression(loaded, write(tmp_path, "bad.csv", PROGRESSION_HEADER, lines))
    found = sorted(
        (row["row"], row["column"], row["problem"])
        for row in caught.value.problems.filter(pl.col("severity") == "error").to_dicts()
    )
    assert found == [
        (2, "Applied For", "the role applied for is not above the role held"),
        (3, "Decided", "the decision is dated before the application"),
        (4, "Decided", "an outcome without the day of the decision"),
    ]
