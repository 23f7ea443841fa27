# ruff: noqa: E501  (expected rows are easier to read one per line)
"""Statutory visits and reviews from the SSD: exact rows, row-level problems, all or nothing,
re-imports, and the flag and date parsing as a property."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from caseload.importers.problems import ImportRejectedError, errors_in
from caseload.importers.ssd import COLUMNS, typed_table
from caseload.importers.ssd_practice import check_practice
from caseload.importers.tables import read_bytes
from caseload.services.imports import import_hr, import_ssd, read_ssd
from importers.import_support import COUNCIL, FIRST, FIXTURES, SECOND, counts, rows

PRACTICE = FIXTURES / "ssd_practice"
VISITS = """
    SELECT c.child_ref, v.case_type, v.visit_date, v.seen, v.seen_alone, v.recorded_date,
           v.worker_id, v.external_id
    FROM visit v JOIN child c ON c.id = v.child_id ORDER BY 2, 3
"""
REVIEWS = """
    SELECT c.child_ref, r.case_type, r.due_date, r.review_date, r.external_id
    FROM review r JOIN child c ON c.id = r.child_id ORDER BY 2, 3, 4
"""
EXPECTED_VISITS = [
    # CIN visits: the SSD has no worker and no recording date for them. A time of day is dropped.
    ("C1", "cin", "2024-02-20", 1, 0, None, None, "cin:V1"),
    ("C1", "cin", "2024-03-15", 1, 1, None, None, "cin:V2"),
    ("C1", "cin", "2024-04-12", 0, None, None, None, "cin:V3"),
    # Seen alone but not seen: loaded as not seen alone (a warning).
    ("C3", "cla", "2023-05-05", 1, 0, None, None, "cla:V1"),
    ("C3", "cla", "2023-06-14", 0, 0, None, None, "cla:V2"),
    # CP visits carry the case note's date as the recording date, unless it is before the visit.
    ("C1", "cp", "2024-07-05", 1, 1, "2024-07-08", None, "cp:V1"),
    ("C1", "cp", "2024-07-18", 1, 0, None, None, "cp:V2"),
    ("C1", "cp", "2024-08-01", 1, None, None, None, "cp:V3"),
]
EXPECTED_REVIEWS = [
    # CLA reviews find the child through clae_cla_id; the cancelled LR3 is not loaded.
    ("C3", "cla", "2023-05-29", "2023-05-25", "cla:LR1"),
    ("C3", "cla", "2023-08-25", "2023-09-01", "cla:LR2"),
    ("C1", "cp", "2024-09-30", "2024-09-26", "cp:CPR1"),
    # Due and not yet held.
    ("C1", "cp", "2025-03-26", None, "cp:CPR2"),
]


def practice_folder(
    tmp_path: Path,
    add: dict[str, str] | None = None,
    replace: dict[str, dict[str, str]] | None = None,
    leave_out: tuple[str, ...] = (),
    name: str = "ssd",
) -> Path:
    """The SSD fixture folder with the visit and review tables, edited."""
    folder = tmp_path / name
    folder.mkdir()
    for path in [*(FIXTURES / "ssd").iterdir(), *PRACTICE.iterdir()]:
        if path.stem in leave_out:
            continue
        content = path.read_text()
        for old, new in (replace or {}).get(path.stem, {}).items():
            assert old in content, old
            content = content.replace(old, new)
        (folder / path.name).write_text(content + (add or {}).get(path.stem, ""))
    return folder


def load(engine: Engine, folder: Path, as_at: date = FIRST) -> object:
    import_hr(
        engine,
        path=FIXTURES / "hr_awkward.csv",
        mapping="generic",
        as_at=FIRST,
        loaded_by="t",
        authority=COUNCIL,
    )
    return import_ssd(engine, source=read_ssd(folder=folder), as_at=as_at, loaded_by="t")


def test_visits_and_reviews_load_exactly(engine: Engine, tmp_path: Path) -> None:
    result = load(engine, practice_folder(tmp_path))
    assert rows(engine, VISITS) == EXPECTED_VISITS
    assert rows(engine, REVIEWS) == EXPECTED_REVIEWS
    assert result.counts["visit"] == {"added": 8, "changed": 0, "ended": 0}  # type: ignore[attr-defined]
    assert result.counts["review"] == {"added": 4, "changed": 0, "ended": 0}  # type: ignore[attr-defined]
    problems = result.problems.filter(pl.col("file").str.contains("visits|reviews"))  # type: ignore[attr-defined]
    assert problems.select("severity", "file", "row", "column", "value", "problem").rows() == [
        ("warning", "ssd_cla_visits.csv", 3, "clav_cla_visit_seen_alone", "Y",
         "the child is marked seen alone but not seen; loaded as not seen alone"),
        ("warning", "ssd_cp_visits.csv", 4, "cppv_casenote_date", "2024-07-30",
         "is before the visit (cppv_cp_visit_date); the recording date is left blank"),
        ("warning", "ssd_cp_visits.csv", 4, "cppv_cp_visit_seen_alone", "maybe", "is not Y or N"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "add", "expected"),
    [
        (
            "ssd_cin_visits",
            "V9,C99,2024-05-01,Y,Y,N\n",
            "ssd_cin_visits.csv, row 5 (value 'C99'): visit V9 is of a child who has no plan, "
            "allocation or referral in the extract and is not in Caseload; include the child's plan "
            "or involvement in the extract, or correct the person id",
        ),
        (
            "ssd_cp_visits",
            "V9,C1,CP1,2025-04-02,Y,Y,N,\n",
            "ssd_cp_visits.csv, row 5, column 'cppv_cp_visit_date' (value '2025-04-02'): is after "
            "the extract's as-at date (2025-03-31); correct the date in the case management "
            "system, or import with a later --as-at",
        ),
        (
            "ssd_cp_visits",
            "V9,C1,CP1,2025-03-20,Y,Y,N,2025-04-01\n",
            "ssd_cp_visits.csv, row 5, column 'cppv_casenote_date' (value '2025-04-01'): is after "
            "the extract's as-at date (2025-03-31)",
        ),
        (
            "ssd_cla_visits",
            "V9,CLA3,C3,2024-13-01,Y,Y\n",
            "ssd_cla_visits.csv, row 4, column 'clav_cla_visit_date' (value '2024-13-01'): is not "
            "a date",
        ),
        (
            "ssd_cin_visits",
            "V1,C1,2024-05-01,Y,Y,N\n",
            "ssd_cin_visits.csv, row 5, column 'cinv_cin_visit_id' (value 'V1'): the same id as "
            "row 2",
        ),
        (
            "ssd_cla_reviews",
            "LR9,CLA77,2024-05-01,,N,\n",
            "ssd_cla_reviews.csv, row 5, column 'clar_cla_id' (value 'CLA77'): no looked-after "
            "record in ssd_cla_episodes has this clae_cla_id",
        ),
        (
            "ssd_cp_reviews",
            "CPR9,C1,CP1,,,M9,\n",
            "ssd_cp_reviews.csv, row 4, column 'cppr_cp_review_due': the review has neither a due "
            "date (cppr_cp_review_due) nor a date held (cppr_cp_review_date)",
        ),
        (
            "ssd_cp_reviews",
            "CPR9,C1,CP1,2025-03-01,2025-04-01,M9,\n",
            "ssd_cp_reviews.csv, row 4, column 'cppr_cp_review_date' (value '2025-04-01'): is "
            "after the extract's as-at date (2025-03-31)",
        ),
        (
            "ssd_cp_reviews",
            "CPR9,,CP1,2025-03-01,,M9,\n",
            "ssd_cp_reviews.csv, row 4, column 'cppr_person_id': no cppr_person_id",
        ),
    ],
)
def test_one_bad_row_loads_nothing(
    engine: Engine, tmp_path: Path, table: str, add: str, expected: str
) -> None:
    folder = practice_folder(tmp_path, add={table: add})
    with pytest.raises(ImportRejectedError) as caught:
        import_ssd(
            engine, source=read_ssd(folder=folder), as_at=FIRST, loaded_by="t", authority=COUNCIL
        )
    assert expected in str(caught.value)
    assert errors_in(caught.value.problems).height == 1
    loaded = counts(engine)
    assert (loaded["child"], loaded["allocation"], loaded["import_run"]) == (0, 0, 0)
    assert rows(engine, "SELECT COUNT(*) FROM visit") == [(0,)]
    assert rows(engine, "SELECT COUNT(*) FROM review") == [(0,)]


def test_cla_reviews_need_the_looked_after_record_ids(engine: Engine, tmp_path: Path) -> None:
    folder = practice_folder(tmp_path, replace={"ssd_cla_episodes": {",CLA3": ",", ",CLA4": ","}})
    with pytest.raises(ImportRejectedError) as caught:
        import_ssd(
            engine, source=read_ssd(folder=folder), as_at=FIRST, loaded_by="t", authority=COUNCIL
        )
    assert errors_in(caught.value.problems).select("file", "row", "column", "problem").rows() == [
        (
            "ssd_cla_reviews.csv",
            None,
            "clar_cla_id",
            "a CLA review names the child's looked-after record, found through clae_cla_id in "
            "ssd_cla_episodes, which the extract does not have",
        )
    ]


def test_the_same_visits_twice_change_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = practice_folder(tmp_path)
    load(engine, folder)
    before = (
        rows(engine, "SELECT * FROM visit ORDER BY id"),
        rows(engine, "SELECT * FROM review ORDER BY id"),
    )
    again = import_ssd(engine, source=read_ssd(folder=folder), as_at=FIRST, loaded_by="t")
    assert again.counts["visit"] == {"added": 0, "changed": 0, "ended": 0}
    assert again.counts["review"] == {"added": 0, "changed": 0, "ended": 0}
    after = (
        rows(engine, "SELECT * FROM visit ORDER BY id"),
        rows(engine, "SELECT * FROM review ORDER BY id"),
    )
    assert after == before


def test_a_newer_extract_adds_corrects_and_removes_within_its_window(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, practice_folder(tmp_path))
    newer = practice_folder(
        tmp_path,
        name="newer",
        replace={
            # V2 is gone; V3 is corrected (the child was seen).
            "ssd_cin_visits": {
                "V2,C1,15/03/2024,Y,Y,Y\n": "",
                "V3,C1,2024-04-12,N,,N": "V3,C1,2024-04-12,Y,N,N",
            },
            # V1 has dropped out of the extract's window (it is older than every visit left).
            "ssd_cla_visits": {"V1,CLA3,C3,2023-05-05,Y,N\n": ""},
            # CPR2 was held.
            "ssd_cp_reviews": {
                "CPR2,C1,CP1,2025-03-26,,M2,": "CPR2,C1,CP1,2025-03-26,2025-04-02,M2,"
            },
        },
        add={"ssd_cin_visits": "V4,C1,2025-04-20,Y,Y,N\n"},
        # Without a CP visits table, the CP visits already loaded are left alone.
        leave_out=("ssd_cp_visits",),
    )
    result = import_ssd(engine, source=read_ssd(folder=newer), as_at=SECOND, loaded_by="t")
    assert result.counts["visit"] == {"added": 1, "changed": 1, "ended": 1}
    assert result.counts["review"] == {"added": 0, "changed": 1, "ended": 0}
    assert rows(engine, VISITS) == [
        ("C1", "cin", "2024-02-20", 1, 0, None, None, "cin:V1"),
        ("C1", "cin", "2024-04-12", 1, 0, None, None, "cin:V3"),
        ("C1", "cin", "2025-04-20", 1, 1, None, None, "cin:V4"),
        *EXPECTED_VISITS[3:],
    ]
    assert ("C1", "cp", "2025-03-26", "2025-04-02", "cp:CPR2") in rows(engine, REVIEWS)
    removed = result.problems.filter(pl.col("value") == "V2")
    assert removed.select("file", "row", "problem").rows() == [
        ("ssd_cin_visits.csv", None, "the visit is no longer in the source; it is removed")
    ]


# --- the flags and dates, as a property ---------------------------------------------------------

AS_AT = date(2025, 3, 31)
FLAGS = {"Y": True, "y": True, "Yes": True, "1": True, "N": False, "n": False, "No": False, "0": False, "": None}  # fmt: skip
DATE_WRITINGS = (
    lambda d: d.isoformat(),
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"{d.isoformat()} 09:15:00",
    lambda d: f"{d.isoformat()}T17:40:00",
)
VISIT = st.tuples(
    st.dates(min_value=date(2015, 1, 1), max_value=AS_AT),
    st.sampled_from(range(len(DATE_WRITINGS))),
    st.sampled_from(sorted(FLAGS)),
    st.sampled_from(sorted(FLAGS)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(VISIT, min_size=1, max_size=12))
def test_cp_visit_flags_and_dates_read_back(
    visits: list[tuple[date, int, str, str, int | None]],
) -> None:
    lines = [
        "cppv_cp_visit_id,cppv_person_id,cppv_cp_visit_date,cppv_cp_visit_seen,cppv_cp_visit_seen_alone,cppv_casenote_date"
    ]
    for number, (day, writing, seen, alone, delay) in enumerate(visits, start=1):
        recorded = "" if delay is None else (day + timedelta(days=delay)).isoformat()
        lines.append(f"V{number},C1,{DATE_WRITINGS[writing](day)},{seen},{alone},{recorded}")
    table = read_bytes("\n".join(lines).encode(), name="ssd_cp_visits.csv")
    typed, problems = typed_table(table, "ssd_cp_visits")
    assert "ssd_cp_visits" in COLUMNS
    extract = check_practice({"ssd_cp_visits": typed}, {"ssd_cp_visits": table.name}, AS_AT)
    got = extract.visits.select("visit_date", "seen", "seen_alone", "recorded_date").rows()
    expected = []
    for day, _, seen, alone, delay in visits:
        recorded = None if delay is None else day + timedelta(days=delay)
        contradictory = FLAGS[alone] is True and FLAGS[seen] is False
        expected.append((day, FLAGS[seen], False if contradictory else FLAGS[alone], recorded))
    assert got == expected
    late = sum(
        1 for day, *_, delay in visits if delay is not None and day + timedelta(days=delay) > AS_AT
    )
    assert errors_in(pl.concat([problems, extract.problems])).height == late
