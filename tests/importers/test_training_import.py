"""Training records: the academy's catalogue loads (and names the entry it cannot read), a good
file loads exactly with blank expiry dates worked out from the course, each bad row is named,
nothing loads when one row is wrong, and a re-import replaces the period the file covers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.errors import ConfigurationError
from caseload.importers.problems import ImportRejectedError
from caseload.services.audit import cli_actor
from caseload.services.imports import import_training
from caseload.services.learning import load_academy
from importers.import_support import FIRST, FIXTURES, rows

RECORDS = """
    SELECT w.staff_number, c.code, t.completed_date, t.expiry_date, t.external_id
    FROM training_record t JOIN worker w ON w.id = t.worker_id JOIN course c ON c.id = t.course_id
    ORDER BY 1, 3
"""
HEADER = "Training ID,Staff Number,Course Code,Completed,Expiry Date\n"


def academy(engine: Engine, path: Path = FIXTURES / "academy.yaml") -> dict[str, int]:
    return load_academy(engine, path=path, authority_code="301", actor=cli_actor("t"))


def load(engine: Engine, path: Path, as_at: date = FIRST) -> Any:
    return import_training(
        engine, path=path, mapping="generic-training", as_at=as_at, loaded_by="t"
    )


def test_the_catalogue_then_a_good_file_load_exactly(loaded: Engine) -> None:
    assert academy(loaded) == {"courses": 2, "items": 2, "removed": 0}
    assert rows(
        loaded, "SELECT code, mandatory, roles, renewal_months FROM course ORDER BY code"
    ) == [
        ("COURT", 1, "social_worker;senior_social_worker", None),
        ("SG", 1, None, 12),
    ]
    result = load(loaded, FIXTURES / "training.csv")
    assert (result.kind, result.added, result.changed, result.ended, result.warnings) == (
        "training",
        4,
        0,
        0,
        0,
    )
    assert rows(loaded, RECORDS) == [
        ("E001", "COURT", "2023-01-10", None, "T2"),  # never renewed: no expiry
        ("E001", "SG", "2024-03-15", "2025-03-14", "T1"),  # 12 months less a day
        ("E003", "SG", "2025-02-01", "2025-12-31", "T3"),  # as given; course by its code, any case
        ("E004", "SG", "2024-03-31", "2025-03-30", "T4"),
    ]
    # The same file again changes nothing.
    again = load(loaded, FIXTURES / "training.csv")
    assert (again.added, again.changed, again.ended) == (0, 0, 0)


def test_a_reimport_replaces_the_period(loaded: Engine, tmp_path: Path) -> None:
    academy(loaded)
    load(loaded, FIXTURES / "training.csv")
    changed = tmp_path / "training.csv"
    changed.write_text(
        HEADER + "T1,E001,SG,15/03/2024,01/03/2025\nT3,E003,SG,01/02/2025,31/12/2025\n"
    )
    result = load(loaded, changed)
    # The file covers 15/03/2024 to 01/02/2025: T1 changes, T4 (31/03/2024) is dated in the
    # period but not in the file, so it goes; T2 (2023) is outside the period and stays.
    assert (result.added, result.changed, result.ended) == (0, 1, 1)
    assert [r[4] for r in rows(loaded, RECORDS)] == ["T2", "T1", "T3"]


BAD = [
    ("T9,E999,SG,01/03/2025,", "Staff Number", "E999", "no worker has this staff number"),
    (
        "T9,E001,Knitting,01/03/2025,",
        "Course Code",
        "Knitting",
        "no course in the academy's catalogue has this code or title",
    ),
    (
        "T9,E001,SG,01/04/2025,",
        "Completed",
        "01/04/2025",
        "the course is completed after the extract date 2025-03-31",
    ),
    (
        "T9,E001,SG,01/03/2025,01/03/2025",
        "Expiry Date",
        "01/03/2025",
        "the expiry date is not after the completion date",
    ),
    ("T9,E001,,01/03/2025,", "Course Code", None, "no course"),
]


@pytest.mark.parametrize(("line", "column", "value", "problem"), BAD)
def test_each_bad_row_is_named_and_nothing_loads(
    loaded: Engine, tmp_path: Path, line: str, column: str, value: str | None, problem: str
) -> None:
    academy(loaded)
    path = tmp_path / "training.csv"
    path.write_text(HEADER + "T8,E003,SG,01/02/2025,\n" + line + "\n")
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, path)
    errors = caught.value.problems.filter(pl.col("severity") == "error").to_dicts()
    assert [(e["row"], e["column"], e["value"], e["problem"]) for e in errors] == [
        (3, column, value, problem)
    ]
    assert rows(loaded, "SELECT COUNT(*) FROM training_record") == [(0,)]


def test_a_catalogue_error_names_the_file_and_entry(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "academy.yaml"
    path.write_text("courses:\n  - code: SG\n    title: Safeguarding\n    renewal_months: 0\n")
    with pytest.raises(
        ConfigurationError,
        match=r"academy.yaml: courses\[0\].renewal_months: Input should be greater than 0",
    ):
        academy(loaded, path)
    path.write_text("offer:\n  - code: G\n    kind: leaflet\n    title: A leaflet\n")
    with pytest.raises(ConfigurationError, match=r"offer\[0\].kind"):
        academy(loaded, path)
