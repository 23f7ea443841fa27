# ruff: noqa: E501  (expected rows are easier to read one per line)
"""Absence extracts, and an iTrent-shaped Excel workbook through its mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseload.importers.problems import ImportRejectedError
from caseload.services.imports import AuthorityChoice, import_absences, import_hr
from importers.import_support import FIRST, FIXTURES, SECOND, copy_with, rows
from importers.test_reading import itrent_workbook

ABSENCES = """
    SELECT w.staff_number, a.start_date, a.end_date, a.reason, a.working_days_lost, a.external_id
    FROM absence a JOIN worker w ON w.id = a.worker_id ORDER BY 1, 2
"""


def test_absences_load_with_days_lost_counted_when_missing(loaded: Engine) -> None:
    assert rows(loaded, ABSENCES) == [
        ("E001", "2025-01-06", "2025-01-10", "SIC", 5, "A1"),
        # Open, no days given: the weekdays from 3 February to the as-at date.
        ("E003", "2025-02-03", None, "MAT", 41, "A2"),
        ("E004", "2025-03-03", "2025-03-04", "TRN", 2, "A3"),
    ]


def test_a_newer_absence_extract_ends_and_updates(loaded: Engine, tmp_path: Path) -> None:
    newer = copy_with(
        tmp_path,
        "absences.csv",
        {"E003,A2,2025-02-03,,Maternity,": "E003,A2,2025-02-03,2025-04-25,Maternity,"},
    )
    result = import_absences(
        loaded, path=newer, mapping="generic-absences", as_at=SECOND, loaded_by="t"
    )
    assert result.counts["absence"] == {"added": 0, "changed": 0, "ended": 1}
    assert ("E003", "2025-02-03", "2025-04-25", "MAT", 60, "A2") in rows(loaded, ABSENCES)


def test_an_absence_for_an_unknown_worker_is_an_error(loaded: Engine, tmp_path: Path) -> None:
    broken = copy_with(tmp_path, "absences.csv", add="E999,A9,2025-03-10,2025-03-11,Sickness,2\n")
    with pytest.raises(ImportRejectedError) as caught:
        import_absences(loaded, path=broken, mapping="generic-absences", as_at=FIRST, loaded_by="t")
    assert (
        "absences.csv, row 5, column 'Staff Number' (value 'E999'): no worker has this staff number"
        in str(caught.value)
    )
    assert len(rows(loaded, ABSENCES)) == 3


def test_an_unmapped_absence_reason_is_an_error(loaded: Engine, tmp_path: Path) -> None:
    broken = copy_with(tmp_path, "absences.csv", {"Training": "Garden leave"})
    with pytest.raises(
        ImportRejectedError,
        match=r"row 4, column 'Absence Reason' \(value 'Garden leave'\): is not mapped",
    ):
        import_absences(loaded, path=broken, mapping="generic-absences", as_at=FIRST, loaded_by="t")


def test_an_itrent_workbook_with_merged_headers_loads(engine: Engine, tmp_path: Path) -> None:
    workbook = tmp_path / "establishment.xlsx"
    workbook.write_bytes(itrent_workbook())
    result = import_hr(
        engine,
        path=workbook,
        mapping="itrent",
        as_at=FIRST,
        loaded_by="t",
        authority=AuthorityChoice("302", "Workbook Council"),
    )
    assert result.counts["employment_spell"]["added"] == 2
    # Grades map to roles; hours over the standard 37 give the FTE; numeric staff numbers read whole.
    assert rows(
        engine,
        "SELECT w.staff_number, s.role, s.fte, s.start_date FROM employment_spell s "
        "JOIN worker w ON w.id = s.worker_id ORDER BY 1",
    ) == [
        ("10234", "social_worker", 1, "2019-04-01"),
        ("10235", "senior_social_worker", 0.5, "2021-02-01"),
    ]
    # The workbook has no team column: each spell is reported as having no team.
    assert result.problems["problem"].to_list() == ["the assignment has no team"] * 2


def test_a_mapping_for_absences_is_refused_for_an_hr_extract(engine: Engine) -> None:
    with pytest.raises(
        Exception, match="mapping generic-absences is for absences extracts, not hr"
    ):
        import_hr(
            engine,
            path=FIXTURES / "hr_awkward.csv",
            mapping="generic-absences",
            as_at=FIRST,
            loaded_by="t",
        )
