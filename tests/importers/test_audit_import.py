# ruff: noqa: E501  (expected rows are easier to read one per line)
"""Case file audits: a good file loads exactly (the allocated worker found when the file names
none), each bad row is named, nothing loads when one row is wrong, a re-import replaces the period
the file covers, XLSX reads like CSV, and grades parse in the usual words and nothing else."""

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

from caseload.errors import InvalidInputError
from caseload.importers.audits import BUILT_IN_INSTRUMENTS, check_audits
from caseload.importers.mapping import load_mapping, parse_mapping
from caseload.importers.practice_words import GRADE_WORDS, grade_of
from caseload.importers.problems import ImportRejectedError
from caseload.importers.tables import ROW, RawTable
from caseload.importers.values import read_fields
from caseload.practice.standards import AuditInstrument
from caseload.services.imports import import_audits
from importers.import_support import FIRST, FIXTURES, copy_with, rows

AUDITS = """
    SELECT c.child_ref, w.staff_number, a.auditor, a.audit_date, a.instrument, a.overall_grade,
           a.moderated_grade, a.moderator, a.themes, a.external_id
    FROM case_audit a JOIN child c ON c.id = a.child_id
    LEFT JOIN worker w ON w.id = a.worker_id ORDER BY 4
"""
GRADES = """
    SELECT a.external_id, g.domain, g.grade FROM case_audit_grade g
    JOIN case_audit a ON a.id = g.audit_id ORDER BY 1, 2
"""
LOADED = [
    # C1 on 2 May 2024 was allocated to E001, on 10 March 2025 to E003.
    (
        "C1",
        "E001",
        "Sam Hale",
        "2024-05-02",
        "Case file audit",
        "outstanding",
        "outstanding",
        "Mo Reid",
        "recording",
        "AU3",
    ),
    (
        "C1",
        "E003",
        "Pat Quinn",
        "2025-03-10",
        "Case file audit",
        "good",
        "requires_improvement",
        "Mo Reid",
        "voice of the child; planning",
        "AU1",
    ),
    (
        "C2",
        "E001",
        "Pat Quinn",
        "2025-03-11",
        "Case file audit",
        "inadequate",
        None,
        None,
        None,
        "AU2",
    ),
]
LOADED_GRADES = [
    ("AU1", "Assessment", "requires_improvement"),
    ("AU1", "Recording", "outstanding"),
    ("AU1", "Voice of the child", "good"),
    ("AU2", "Voice of the child", "inadequate"),
]
HEADER = (FIXTURES / "audits.csv").read_text().splitlines()[0] + "\n"


def load(engine: Engine, path: Path, **options: Any) -> Any:
    return import_audits(
        engine, path=path, mapping="generic-audits", as_at=FIRST, loaded_by="t", **options
    )


def rejected(engine: Engine, path: Path) -> list[dict[str, Any]]:
    with pytest.raises(ImportRejectedError) as caught:
        load(engine, path)
    return caught.value.problems.filter(pl.col("severity") == "error").to_dicts()


def test_a_good_file_loads_exactly_its_rows(loaded: Engine) -> None:
    result = load(loaded, FIXTURES / "audits.csv")
    assert result.counts == {
        "case_audit": {"added": 3, "changed": 0, "ended": 0},
        "case_audit_grade": {"added": 4, "changed": 0, "ended": 0},
    }
    assert result.warnings == 0
    assert rows(loaded, AUDITS) == LOADED
    assert rows(loaded, GRADES) == LOADED_GRADES


READING = [
    (
        "AU4,C1,,Pat Quinn,01/04/2025,,Good,,,,,,,,,",
        "Audit Date",
        "01/04/2025",
        "the audit is dated after the extract date 2025-03-31",
        "correct the date, or load the file with the day it was taken as its extract date",
    ),
    (
        "AU5,C1,,Pat Quinn,10/03/2025,,Very good,,,,,,,,,",
        "Overall Grade",
        "Very good",
        "is not an audit grade",
        "write Outstanding, Good, Requires improvement (or RI) or Inadequate",
    ),
    (
        "AU6,C1,,Pat Quinn,10/03/2025,,Good,2,,,,,,,,",
        "Moderated Grade",
        "2",
        "is not an audit grade",
        "write Outstanding, Good, Requires improvement (or RI) or Inadequate",
    ),
    (
        "AU7,C1,,Pat Quinn,10/03/2025,,Good,,,,,Poor,,,,",
        "Assessment Grade",
        "Poor",
        "is not an audit grade",
        "write Outstanding, Good, Requires improvement (or RI) or Inadequate",
    ),
    (
        "AU8,C1,,Pat Quinn,10/03/2025,,,,,,,,,,,",
        "Overall Grade",
        None,
        "no overall grade",
        "write Outstanding, Good, Requires improvement (or RI) or Inadequate",
    ),
    (
        "AU9,,,Pat Quinn,10/03/2025,,Good,,,,,,,,,",
        "Child Reference",
        None,
        "no child reference",
        "fill it in",
    ),
    ("AU10,C1,,,10/03/2025,,Good,,,,,,,,,", "Auditor", None, "no auditor", "fill it in"),
    ("AU11,C1,,Pat Quinn,,,Good,,,,,,,,,", "Audit Date", None, "no audit date", "fill it in"),
    (
        "AU12,C1,,Pat Quinn,10/03/2025,Practice week tool,Good,,,,,,,,,",
        "Instrument",
        "Practice week tool",
        "is not an audit instrument of the practice standards",
        "use one of: Case file audit",
    ),
]
MATCHING = [
    (
        "AU4,C9,,Pat Quinn,10/03/2025,,Good,,,,,,,,,",
        "Child Reference",
        "C9",
        "no child has this reference",
        "load the SSD with this child first, or correct the reference",
    ),
    (
        "AU5,C1,E999,Pat Quinn,10/03/2025,,Good,,,,,,,,,",
        "Worker Staff Number",
        "E999",
        "no worker has this staff number",
        "load the HR extract with this worker first, correct the staff number, or leave it blank for the child's allocated worker on the audit day",
    ),
    (
        "AU1,C1,,Pat Quinn,12/03/2025,,Good,,,,,,,,,",
        "Audit Date",
        "2025-03-12",
        "the same audit as row 2 with different details",
        "keep one row per audit, or give each its own audit id",
    ),
]


@pytest.mark.parametrize("bad", [READING, MATCHING], ids=["reading", "matching"])
def test_each_bad_row_is_named_and_nothing_is_loaded(
    loaded: Engine, tmp_path: Path, bad: list[tuple[str, str, str | None, str, str]]
) -> None:
    broken = copy_with(tmp_path, "audits.csv", add="".join(line + "\n" for line, *_ in bad))
    assert rejected(loaded, broken) == [
        {
            "severity": "error",
            "file": "audits.csv",
            "row": row,
            "column": column,
            "value": value,
            "problem": problem,
            "action": action,
        }
        for row, (_, column, value, problem, action) in enumerate(bad, start=5)
    ]
    assert rows(loaded, AUDITS) == []


def test_names_are_never_shown_in_problems(loaded: Engine, tmp_path: Path) -> None:
    long_name = "A" * 121
    broken = copy_with(
        tmp_path, "audits.csv", add=f"AU4,C1,,{long_name},10/03/2025,,Good,,,,,,,,,\n"
    )
    assert [(p["column"], p["value"], p["problem"]) for p in rejected(loaded, broken)] == [
        ("Auditor", "(not shown: personal data)", "is longer than 120 characters")
    ]


def test_a_child_with_no_allocated_worker_that_day_is_loaded_without_one(
    loaded: Engine, tmp_path: Path
) -> None:
    early = copy_with(tmp_path, "audits.csv", add="AU4,C3,,Pat Quinn,01/12/2024,,Good,,,,,,,,,\n")
    result = load(loaded, early)
    assert result.problems.select("row", "column", "problem", "action").to_dicts() == [
        {
            "row": 5,
            "column": "Worker Staff Number",
            "problem": "the child had no allocated worker on the audit day",
            "action": "loaded without a worker; give the audited worker's staff number if there was one",
        }
    ]
    assert (
        "C3",
        None,
        "Pat Quinn",
        "2024-12-01",
        "Case file audit",
        "good",
        None,
        None,
        None,
        "AU4",
    ) in rows(loaded, AUDITS)


def test_a_domain_the_instrument_does_not_grade_is_an_error(loaded: Engine) -> None:
    other = AuditInstrument("Short audit", ("Voice of the child",))
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, FIXTURES / "audits.csv", instruments=(other, *BUILT_IN_INSTRUMENTS))
    errors = caught.value.problems.select("row", "column", "problem").to_dicts()
    # AU1 and AU3 name no instrument: the first (Short audit) is theirs. AU2 names its own.
    assert errors == [
        {
            "row": 2,
            "column": "Assessment Grade",
            "problem": "is a grade for Assessment, which instrument Short audit does not grade",
        },
        {
            "row": 2,
            "column": "Recording Grade",
            "problem": "is a grade for Recording, which instrument Short audit does not grade",
        },
    ]


def test_loading_the_same_file_again_changes_nothing(loaded: Engine) -> None:
    load(loaded, FIXTURES / "audits.csv")
    again = load(loaded, FIXTURES / "audits.csv")
    assert (again.added, again.changed, again.ended, again.warnings) == (0, 0, 0, 0)
    assert rows(loaded, AUDITS) == LOADED
    assert rows(loaded, GRADES) == LOADED_GRADES


def test_a_re_import_updates_regrades_and_removes_in_its_period(
    loaded: Engine, tmp_path: Path
) -> None:
    load(loaded, FIXTURES / "audits.csv")
    newer = tmp_path / "newer.csv"
    # AU1 moderated to Good with Assessment now Good; AU2 gone; the period is 10 to 10 March.
    newer.write_text(
        HEADER
        + "AU1,C1,,Pat Quinn,10/03/2025,,Good,Good,Mo Reid,voice of the child; planning,Good,Good,,,Outstanding,\n"
    )
    result = load(loaded, newer)
    assert result.counts == {
        "case_audit": {"added": 0, "changed": 1, "ended": 0},
        "case_audit_grade": {"added": 3, "changed": 0, "ended": 3},
    }
    assert [r[-1] for r in rows(loaded, AUDITS)] == [
        "AU3",
        "AU1",
        "AU2",
    ]  # AU2 (11 March) is outside
    assert rows(loaded, GRADES) == [
        ("AU1", "Assessment", "good"),
        ("AU1", "Recording", "outstanding"),
        ("AU1", "Voice of the child", "good"),
        ("AU2", "Voice of the child", "inadequate"),
    ]
    march = tmp_path / "march.csv"
    march.write_text(
        HEADER
        + "AU1,C1,,Pat Quinn,10/03/2025,,Good,Good,Mo Reid,,,,,,,\nAU5,C2,,Pat Quinn,12/03/2025,,Good,,,,,,,,,\n"
    )
    result = load(loaded, march)
    assert result.counts == {
        "case_audit": {"added": 1, "changed": 1, "ended": 1},
        "case_audit_grade": {"added": 0, "changed": 0, "ended": 4},
    }
    assert [r[-1] for r in rows(loaded, AUDITS)] == ["AU3", "AU1", "AU5"]
    assert rows(loaded, GRADES) == []


def test_a_workbook_loads_like_the_csv(loaded: Engine, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO((FIXTURES / "audits.csv").read_text())):
        sheet.append([date.fromisoformat(c) if c[:2] == "20" and "-" in c else c for c in line])
    path = tmp_path / "audits.xlsx"
    book.save(path)
    load(loaded, path)
    assert rows(loaded, AUDITS) == LOADED


def test_a_domains_section_is_only_for_audit_mappings() -> None:
    with pytest.raises(InvalidInputError, match="domains: is only for audits mappings"):
        parse_mapping(
            {
                "kind": "supervision",
                "columns": {"staff_number": "A", "supervision_date": "B", "kind": "C"},
                "domains": {"X": "Y"},
            },
            source="m.yaml",
        )
    with pytest.raises(InvalidInputError, match=r"values.overall_grade: value maps are for"):
        parse_mapping(
            {
                "kind": "audits",
                "columns": {
                    "child_ref": "A",
                    "auditor": "B",
                    "audit_date": "C",
                    "overall_grade": "D",
                },
                "values": {"overall_grade": {"2": "good"}},
            },
            source="m.yaml",
        )


# --- the grades' words -----------------------------------------------------------------------

KNOWN = [(word, code) for code, words in GRADE_WORDS.items() for word in (code, *words)]
SPACES = st.sampled_from(["", " ", "  ", "\u00a0", "-", "_", "."])
MAPPING = load_mapping("generic-audits")
COLUMNS = ("Child Reference", "Auditor", "Audit Date", "Overall Grade")


@st.composite
def respelled(draw: st.DrawFn) -> tuple[str, str]:
    """A known grade word in any capitalisation, with any spacing between and around its parts."""
    word, code = draw(st.sampled_from(KNOWN))
    parts = [p for p in word.replace("_", " ").split(" ") if p]
    cased = [
        "".join(c.upper() if draw(st.booleans()) else c.lower() for c in part) for part in parts
    ]
    glue = [draw(SPACES) for _ in range(len(cased) + 1)]
    return glue[0] + "".join(p + g for p, g in zip(cased, glue[1:], strict=True)), code


def audit_rows(grade: str) -> RawTable:
    values = ["C1", "Pat Quinn", "10/03/2025", grade]
    frame = pl.DataFrame(
        {**{c: [v] for c, v in zip(COLUMNS, values, strict=True)}, ROW: [2]},
        schema={**dict.fromkeys(COLUMNS, pl.Utf8), ROW: pl.Int64},
    )
    headers = (*COLUMNS, *(h[0] for h in MAPPING.columns.values() if h[0] not in COLUMNS))
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(h) for h in headers[4:])
    return RawTable("a.csv", frame, headers, "x")


def check(grade: str) -> Any:
    return check_audits(
        read_fields(audit_rows(grade), MAPPING),
        MAPPING,
        as_at=FIRST,
        instruments=BUILT_IN_INSTRUMENTS,
    )


@settings(deadline=None, max_examples=60)
@given(respelled())
def test_any_case_and_spacing_of_a_grade_word_parses(spelled: tuple[str, str]) -> None:
    text, code = spelled
    assert grade_of(text) == code
    extract = check(text)
    assert extract.problems.height == 0
    assert extract.audits["overall_grade"].to_list() == [code]


@settings(deadline=None, max_examples=60)
@given(st.text(min_size=1, max_size=30))
def test_anything_else_is_a_problem_never_an_exception(text: str) -> None:
    extract = check(text)
    if grade_of(text) is not None or not text.strip():
        return
    assert extract.audits.height == 0
    assert extract.problems["problem"].to_list() == ["is not an audit grade"]


def test_grades_are_the_usual_words_and_nothing_else() -> None:
    assert [grade_of(w) for w in ("OUTSTANDING", " good ", "Requires Improvement", "r.i.", "Requires improvement to be good", "inadequate")] == [
        "outstanding", "good", "requires_improvement", "requires_improvement", "requires_improvement", "inadequate",
    ]  # fmt: skip
    assert [grade_of(w) for w in ("1", "Good+", "Adequate", "RI?", "")] == [None] * 5
