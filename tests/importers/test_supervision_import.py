# ruff: noqa: E501  (expected rows are easier to read one per line)
"""Supervision records: a good file loads exactly, each bad row is named, nothing loads when one
row is wrong, a re-import replaces the period the file covers, XLSX reads like CSV, and the
type's words parse whatever their case and spacing."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from caseload.importers.mapping import load_mapping
from caseload.importers.practice_words import KIND_WORDS, kind_of
from caseload.importers.problems import ImportRejectedError
from caseload.importers.supervision import check_supervision
from caseload.importers.tables import ROW, RawTable
from caseload.importers.values import read_fields
from caseload.services.imports import import_supervision
from importers.import_support import FIRST, FIXTURES, copy_with, rows

SESSIONS = """
    SELECT w.staff_number, v.staff_number, s.supervision_date, s.kind, s.duration_minutes,
           s.external_id
    FROM supervision s JOIN worker w ON w.id = s.worker_id
    LEFT JOIN worker v ON v.id = s.supervisor_id ORDER BY 3, 1
"""
LOADED = [
    ("E001", "E004", "2025-01-06", "formal", 60, "S1"),
    ("E003", "E004", "2025-02-03", "formal", 90, "S2"),
    ("E001", None, "2025-03-03", "group", None, "S3"),
    ("AG01", "E004", "2025-03-10", "reflective", 45, "S4"),
]
HEADER = "Supervision ID,Staff Number,Supervisor Staff Number,Supervision Date,Supervision Type,Duration (minutes)\n"


def load(engine: Engine, path: Path, as_at: date = FIRST) -> Any:
    return import_supervision(
        engine, path=path, mapping="generic-supervision", as_at=as_at, loaded_by="t"
    )


def rejected(engine: Engine, path: Path) -> list[dict[str, Any]]:
    with pytest.raises(ImportRejectedError) as caught:
        load(engine, path)
    return caught.value.problems.filter(pl.col("severity") == "error").to_dicts()


def test_a_good_file_loads_exactly_its_rows(loaded: Engine) -> None:
    result = load(loaded, FIXTURES / "supervision.csv")
    assert (result.kind, result.added, result.changed, result.ended, result.warnings) == (
        "supervision", 4, 0, 0, 0,
    )  # fmt: skip
    assert rows(loaded, SESSIONS) == LOADED


# Problems found reading the file (every one is reported at once) ...
READING = [
    (
        "S5,E001,E004,01/04/2025,Formal,60",
        "Supervision Date",
        "01/04/2025",
        "the supervision is dated after the extract date 2025-03-31",
        "correct the date, or load the file with the day it was taken as its extract date",
    ),
    (
        "S6,E001,E004,10/03/2025,Formal,0",
        "Duration (minutes)",
        "0",
        "the duration is not a whole number of minutes from 1 to 600",
        "correct the duration in minutes, or leave it blank",
    ),
    (
        "S7,E001,E004,10/03/2025,Formal,601",
        "Duration (minutes)",
        "601",
        "the duration is not a whole number of minutes from 1 to 600",
        "correct the duration in minutes, or leave it blank",
    ),
    (
        "S8,E001,E004,10/03/2025,Formal,45.5",
        "Duration (minutes)",
        "45.5",
        "the duration is not a whole number of minutes from 1 to 600",
        "correct the duration in minutes, or leave it blank",
    ),
    (
        "S9,E001,E004,10/03/2025,Formal,an hour",
        "Duration (minutes)",
        "an hour",
        "is not a number",
        "write a plain number such as 37 or 22.5",
    ),
    (
        "S10,E001,E004,10/03/2025,Coaching,60",
        "Supervision Type",
        "Coaching",
        "is not mapped to a Caseload kind code",
        "add it under values.kind in mapping generic-supervision (codes: formal, group, reflective, ad_hoc), or correct the file",
    ),
    (
        "S11,E001,E004,10/03/2025,,60",
        "Supervision Type",
        None,
        "no supervision type",
        "fill it in: formal, group, reflective or ad hoc",
    ),
    ("S12,,E004,10/03/2025,Formal,60", "Staff Number", None, "no staff number", "fill it in"),
    (
        "S13,E001,E004,31/02/2025,Formal,60",
        "Supervision Date",
        "31/02/2025",
        "is not a date",
        "write dates as DD/MM/YYYY or YYYY-MM-DD",
    ),
    (
        "S14,E004,E004,10/03/2025,Formal,60",
        "Supervisor Staff Number",
        "E004",
        "the supervisor is the supervised worker",
        "correct the supervisor's staff number, or leave it blank",
    ),
]
# ... and those found matching it to the council's records.
MATCHING = [
    (
        "S5,E999,E004,10/03/2025,Formal,60",
        "Staff Number",
        "E999",
        "no worker has this staff number",
        "load the HR extract with this worker first, or correct the staff number",
    ),
    (
        "S6,E001,E998,10/03/2025,Formal,60",
        "Supervisor Staff Number",
        "E998",
        "no worker has this staff number",
        "load the HR extract with the supervisor first, correct the staff number, or leave it blank",
    ),
    (
        "S1,E001,E004,07/01/2025,Formal,60",
        "Supervision Date",
        "2025-01-07",
        "the same supervision as row 2 with different details",
        "keep one row per supervision, or give each its own record id",
    ),
]


@pytest.mark.parametrize("bad", [READING, MATCHING], ids=["reading", "matching"])
def test_each_bad_row_is_named_and_nothing_is_loaded(
    loaded: Engine, tmp_path: Path, bad: list[tuple[str, str, str | None, str, str]]
) -> None:
    broken = copy_with(tmp_path, "supervision.csv", add="".join(line + "\n" for line, *_ in bad))
    assert rejected(loaded, broken) == [
        {
            "severity": "error",
            "file": "supervision.csv",
            "row": row,
            "column": column,
            "value": value,
            "problem": problem,
            "action": action,
        }
        for row, (_, column, value, problem, action) in enumerate(bad, start=6)
    ]
    assert rows(loaded, SESSIONS) == []  # all or nothing: the four good rows were not loaded


def test_a_repeated_row_is_loaded_once_with_a_warning(loaded: Engine, tmp_path: Path) -> None:
    repeated = copy_with(tmp_path, "supervision.csv", add="S1,E001,E004,06/01/2025,Formal,60\n")
    result = load(loaded, repeated)
    assert result.problems["problem"].to_list() == ["the row repeats row 2"]
    assert rows(loaded, SESSIONS) == LOADED


def test_the_council_words_of_the_mapping_are_read(loaded: Engine, tmp_path: Path) -> None:
    words = copy_with(
        tmp_path, "supervision.csv", {"Group supervision": "Peer group", "Reflective": "AD-HOC"}
    )
    load(loaded, words)
    assert [r[3] for r in rows(loaded, SESSIONS)] == ["formal", "formal", "group", "ad_hoc"]


def test_loading_the_same_file_again_changes_nothing(loaded: Engine) -> None:
    load(loaded, FIXTURES / "supervision.csv")
    again = load(loaded, FIXTURES / "supervision.csv")
    assert (again.added, again.changed, again.ended, again.warnings) == (0, 0, 0, 0)
    assert again.same_content_as_run is not None
    assert rows(loaded, SESSIONS) == LOADED


def test_a_file_with_ids_updates_by_id_and_removes_what_its_period_no_longer_has(
    loaded: Engine, tmp_path: Path
) -> None:
    load(loaded, FIXTURES / "supervision.csv")
    newer = tmp_path / "newer.csv"
    # S2 is now 75 minutes, S3 has gone from the source; the file covers 3 February to 10 March.
    newer.write_text(
        HEADER + "S2,E003,E004,2025-02-03,Formal,75\nS4,AG01,E004,10/03/2025,Reflective,45\n"
    )
    result = load(loaded, newer)
    assert result.counts == {"supervision": {"added": 0, "changed": 1, "ended": 1}}
    assert result.problems.select("row", "problem", "action").to_dicts() == [
        {
            "row": None,
            "problem": "1 record held from 2025-02-03 to 2025-03-10 is not in this file",
            "action": "removed: the file replaces the records of the period it covers; if the file is not complete for the period, load one that is",
        }
    ]
    # S1 (6 January) is outside the period: kept.
    assert rows(loaded, SESSIONS) == [
        ("E001", "E004", "2025-01-06", "formal", 60, "S1"),
        ("E003", "E004", "2025-02-03", "formal", 75, "S2"),
        ("AG01", "E004", "2025-03-10", "reflective", 45, "S4"),
    ]


def test_a_file_without_ids_replaces_its_period(loaded: Engine, tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(
        HEADER.replace("Supervision ID,", "")
        + "E001,E004,06/01/2025,Formal,60\nE003,E004,03/02/2025,Formal,90\n"
    )
    load(loaded, plain)
    assert load(loaded, plain).counts == {"supervision": {"added": 0, "changed": 0, "ended": 0}}
    february = tmp_path / "february.csv"
    february.write_text(
        HEADER.replace("Supervision ID,", "")
        + "E003,E004,03/02/2025,Formal,60\nE003,,20/02/2025,Group,\n"
    )
    result = load(loaded, february)
    # Same worker, day, type and supervisor: the duration is corrected in place.
    assert result.counts == {"supervision": {"added": 1, "changed": 1, "ended": 0}}
    assert rows(loaded, SESSIONS) == [
        ("E001", "E004", "2025-01-06", "formal", 60, None),
        ("E003", "E004", "2025-02-03", "formal", 60, None),
        ("E003", None, "2025-02-20", "group", None, None),
    ]


def test_a_workbook_loads_like_the_csv(loaded: Engine, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO((FIXTURES / "supervision.csv").read_text())):
        sheet.append([int(cell) if cell.isdigit() else cell for cell in line])
    path = tmp_path / "supervision.xlsx"
    book.save(path)
    load(loaded, path)
    assert rows(loaded, SESSIONS) == LOADED


def test_a_dry_run_writes_nothing(loaded: Engine) -> None:
    result = import_supervision(
        loaded, path=FIXTURES / "supervision.csv", mapping="generic-supervision",
        as_at=FIRST, loaded_by="t", dry_run=True,
    )  # fmt: skip
    assert (result.added, result.run_id) == (4, None)
    assert rows(loaded, SESSIONS) == []


# --- the type's words ------------------------------------------------------------------------

KNOWN = [(word, code) for code, words in KIND_WORDS.items() for word in (code, *words)]
SPACES = st.sampled_from(["", " ", "  ", "\u00a0", "-", "_", "."])


@st.composite
def respelled(draw: st.DrawFn) -> tuple[str, str]:
    """A known word in any capitalisation, with any spacing between and around its parts."""
    word, code = draw(st.sampled_from(KNOWN))
    parts = [p for p in word.replace("-", " ").replace("_", " ").split(" ") if p]
    cased = [
        "".join(c.upper() if draw(st.booleans()) else c.lower() for c in part) for part in parts
    ]
    glue = [draw(SPACES) for _ in range(len(cased) + 1)]
    text = glue[0] + "".join(p + g for p, g in zip(cased, glue[1:], strict=True))
    return text, code


def supervision_rows(kind: str) -> RawTable:
    frame = pl.DataFrame(
        {
            "Staff Number": ["E001"],
            "Supervision Date": ["06/01/2025"],
            "Supervision Type": [kind],
            ROW: [2],
        },
        schema={
            "Staff Number": pl.Utf8,
            "Supervision Date": pl.Utf8,
            "Supervision Type": pl.Utf8,
            ROW: pl.Int64,
        },
    )
    return RawTable("s.csv", frame, ("Staff Number", "Supervision Date", "Supervision Type"), "x")


MAPPING = load_mapping("generic-supervision")


@settings(deadline=None, max_examples=60)
@given(respelled())
def test_any_case_and_spacing_of_a_known_type_parses(spelled: tuple[str, str]) -> None:
    text, code = spelled
    assert kind_of(text) == code
    extract = check_supervision(read_fields(supervision_rows(text), MAPPING), as_at=FIRST)
    assert extract.problems.height == 0
    assert extract.sessions["kind"].to_list() == [code]


@settings(deadline=None, max_examples=60)
@given(st.text(min_size=1, max_size=30))
def test_anything_else_is_a_problem_never_an_exception(text: str) -> None:
    extract = check_supervision(read_fields(supervision_rows(text), MAPPING), as_at=FIRST)
    known = kind_of(text) or MAPPING.value_map("kind").get(" ".join(text.split()).casefold())
    if known is not None or not text.strip():
        return
    assert extract.sessions.height == 0
    assert extract.problems["problem"].to_list() == ["is not mapped to a Caseload kind code"]
