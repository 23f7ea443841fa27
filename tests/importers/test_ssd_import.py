# ruff: noqa: E501  (expected rows are easier to read one per line)
"""The Standard Safeguarding Dataset from CSV dumps and straight from a database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Column, Date, Engine, MetaData, Table, Text, create_engine, text

from caseload.errors import InvalidInputError
from caseload.importers.problems import ImportRejectedError
from caseload.importers.ssd import SsdOptions
from caseload.services.imports import import_hr, import_ssd, read_ssd
from importers.import_support import (
    COUNCIL,
    FIRST,
    FIXTURES,
    SECOND,
    counts,
    load_first,
    rows,
    ssd_copy,
)

STATUSES = """
    SELECT c.child_ref, s.status, s.start_date, s.end_date, s.external_id
    FROM child_status s JOIN child c ON c.id = s.child_id ORDER BY 1, 3
"""
ALLOCATIONS = """
    SELECT c.child_ref, w.staff_number, a.role, a.start_date, a.end_date, a.change_reason,
           a.external_id
    FROM allocation a JOIN child c ON c.id = a.child_id JOIN worker w ON w.id = a.worker_id
    ORDER BY 1, 4
"""
EXPECTED_STATUSES = [
    # The assessment runs from the referral to the day before the CIN plan.
    ("C1", "assessment", "2024-01-05", "2024-01-31", "assessment:R1"),
    # The CIN plan ended on the day the CP plan started: it ends the day before.
    ("C1", "cin", "2024-02-01", "2024-06-29", "cin:CINP1"),
    ("C1", "cp", "2024-06-30", None, "cp:CP1"),
    ("C2", "assessment", "2024-08-20", None, "assessment:R2"),
    # Two CLA episodes that follow on are one period of care.
    ("C3", "cla", "2023-05-01", None, "cla:E1"),
    ("C4", "cla", "2019-01-01", "2022-03-31", "cla:E3"),
    # A care leaver from the day after their care ended.
    ("C4", "care_leaver", "2022-04-01", None, "care_leaver:CL1"),
]
EXPECTED_ALLOCATIONS = [
    # Same-day handover: the first allocation ends the day before the next starts.
    ("C1", "E001", "allocated", "2024-01-10", "2024-06-29", "LEFTRL", "I1"),
    ("C1", "E003", "allocated", "2024-06-30", None, None, "I2"),
    # I6 repeats I3 (same worker, same dates): loaded once.
    ("C2", "E001", "allocated", "2024-09-01", None, None, "I3"),
    # A worker the HR extract does not have: created without a spell.
    ("C3", "X900", "allocated", "2025-01-02", None, None, "I5"),
]


def test_ssd_folder_loads_exactly(loaded: Engine) -> None:
    assert rows(loaded, STATUSES) == EXPECTED_STATUSES
    assert rows(loaded, ALLOCATIONS) == EXPECTED_ALLOCATIONS
    # Professionals matched by SWE number (P1, spaces ignored) and staff number (P3, P4).
    assert rows(
        loaded,
        "SELECT staff_number, case_system_id FROM worker WHERE case_system_id IS NOT NULL ORDER BY 1",
    ) == [("E001", "P1"), ("E003", "P3"), ("E004", "P4"), ("X900", "P9")]
    assert rows(
        loaded,
        "SELECT external_id, referral_date, source, led_to_assessment FROM referral ORDER BY 1",
    ) == [
        ("R1", "2024-01-05", "1B", 1),
        ("R2", "2024-08-20", "2A", 1),
    ]
    teams = "SELECT t.name, t.external_id, p.name FROM team t LEFT JOIN team p ON p.id = t.parent_id ORDER BY 1"
    assert rows(loaded, teams) == [
        ("Assessment Team 1", "T1", "Front Door"),
        ("Child Protection Team", "T2", "Safeguarding"),
        ("Children in Care", None, None),
        ("Fostering Team", "T3", "Children in Care"),
        ("Front Door", "T0", None),
        ("Safeguarding", None, None),
    ]
    run = rows(loaded, "SELECT added, changed, ended, warnings FROM import_run WHERE kind = 'ssd'")
    assert run == [(20, 6, 0, 2)]


def test_ssd_warnings_name_the_rows(engine: Engine) -> None:
    load_first_without_ssd(engine)
    result = import_ssd(
        engine, source=read_ssd(folder=FIXTURES / "ssd"), as_at=FIRST, loaded_by="t"
    )
    assert result.problems.select("file", "row", "column", "value").rows() == [
        ("ssd_involvements.csv", 7, "invo_involvement_start_date", "2024-09-01"),
        ("ssd_professionals.csv", 5, "prof_professional_id", "P9"),
    ]


def test_the_same_ssd_twice_changes_nothing(loaded: Engine) -> None:
    before = counts(loaded), rows(loaded, STATUSES), rows(loaded, ALLOCATIONS)
    again = import_ssd(loaded, source=read_ssd(folder=FIXTURES / "ssd"), as_at=FIRST, loaded_by="t")
    assert (again.added, again.changed, again.ended) == (0, 0, 0)
    after = counts(loaded), rows(loaded, STATUSES), rows(loaded, ALLOCATIONS)
    assert after[1:] == before[1:]
    assert after[0]["import_run"] == before[0]["import_run"] + 1


def test_a_newer_ssd_ends_what_stopped(loaded: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "ssd"
    folder.mkdir()
    for path in (FIXTURES / "ssd").iterdir():
        content = path.read_text()
        if path.stem == "ssd_involvements":
            content = content.replace(
                "I2,P3,CW,T2,C1,2024-06-30,,", "I2,P3,CW,T2,C1,2024-06-30,2025-04-10,"
            )
            content = content.replace("I3,P1,CW,T1,C2,2024-09-01,,\n", "")
            content = content.replace("I6,P1,CW,T1,C2,2024-09-01,,\n", "")
        if path.stem == "ssd_care_leavers":
            content = content.splitlines()[0] + "\n"
        (folder / path.name).write_text(content)
    result = import_ssd(loaded, source=read_ssd(folder=folder), as_at=SECOND, loaded_by="t")
    assert result.counts["allocation"] == {"added": 0, "changed": 0, "ended": 2}
    assert result.counts["child_status"] == {"added": 0, "changed": 0, "ended": 1}
    allocations = rows(loaded, ALLOCATIONS)
    assert ("C1", "E003", "allocated", "2024-06-30", "2025-04-10", None, "I2") in allocations
    # I3 (and I6, which repeated it) are no longer in the source: ended the day before as-at.
    assert ("C2", "E001", "allocated", "2024-09-01", "2025-04-29", None, "I3") in allocations
    assert result.problems.filter(pl.col("value") == "I3")["problem"].to_list() == [
        "the involvement is no longer in the source; its allocation is ended on 2025-04-29"
    ]
    assert ("C4", "care_leaver", "2022-04-01", "2025-04-29", "care_leaver:CL1") in rows(
        loaded, STATUSES
    )


@pytest.mark.parametrize(
    ("add", "expected"),
    [
        (
            "I7,P77,CW,T1,C2,2025-01-01,,\n",
            "ssd_involvements.csv, row 8, column 'invo_professional_id' (value 'P77'): involvement I7 "
            "allocates a child to a worker who is not in ssd_professionals",
        ),
        (
            "I8,P3,CW,T2,C3,2025-02-01,,\n",
            "ssd_involvements.csv, row 8, column 'invo_involvement_start_date' (value '2025-02-01'): "
            "child C3 is allocated to two workers at once: involvement I8 overlaps involvement I5",
        ),
        (
            "I9,P3,CW,T2,C3,2025-02-30,,\n",
            "ssd_involvements.csv, row 8, column 'invo_involvement_start_date' (value '2025-02-30'): is not a date",
        ),
    ],
)
def test_ssd_errors_name_file_row_and_column(
    engine: Engine, tmp_path: Path, add: str, expected: str
) -> None:
    folder = ssd_copy(tmp_path, "ssd_involvements", add)
    with pytest.raises(ImportRejectedError) as caught:
        import_ssd(
            engine, source=read_ssd(folder=folder), as_at=FIRST, loaded_by="t", authority=COUNCIL
        )
    assert expected in str(caught.value)
    assert counts(engine)["child"] == 0


def test_a_folder_without_involvements_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ssd_professionals.csv").write_text("prof_professional_id\nP1\n")
    with pytest.raises(InvalidInputError, match="has no ssd_involvements"):
        read_ssd(folder=tmp_path)


# --- straight from the council's database ---------------------------------------------------

DATE_SUFFIXES = ("_date", "_dob", "_ceased", "_start", "_end", "_contact")


def _create_ssd_tables(url: str, schema: str | None) -> None:
    """The fixture CSVs as typed tables (dates as DATE) in a database."""
    engine = create_engine(url)
    metadata = MetaData(schema=schema)
    frames = {p.stem: pl.read_csv(p, infer_schema=False) for p in (FIXTURES / "ssd").glob("*.csv")}
    tables = {}
    for name, frame in frames.items():
        columns = [Column(c, Date if c.endswith(DATE_SUFFIXES) else Text) for c in frame.columns]
        tables[name] = Table(name, metadata, *columns)
    metadata.create_all(engine)
    with engine.begin() as connection:
        for name, frame in frames.items():
            typed = frame.with_columns(
                pl.col(c).str.to_date("%Y-%m-%d", strict=False)
                for c in frame.columns
                if c.endswith(DATE_SUFFIXES)
            )
            connection.execute(tables[name].insert(), typed.to_dicts())
    engine.dispose()


@pytest.fixture
def postgres_ssd() -> Iterator[tuple[str, str]]:
    url = os.environ.get("CASELOAD_TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "CASELOAD_TEST_DATABASE_URL is not set, so the PostgreSQL SSD source is skipped"
        )
    schema = f"ssd_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        _create_ssd_tables(url, schema)
        yield url, schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_ssd_straight_from_postgresql(engine: Engine, postgres_ssd: tuple[str, str]) -> None:
    url, schema = postgres_ssd
    load_first_without_ssd(engine)
    source = read_ssd(url=url, schema=schema)
    assert source.name.endswith(f"schema {schema}")
    result = import_ssd(engine, source=source, as_at=FIRST, loaded_by="t")
    assert (result.added, result.changed, result.warnings) == (20, 6, 2)
    assert rows(engine, STATUSES) == EXPECTED_STATUSES
    assert rows(engine, ALLOCATIONS) == EXPECTED_ALLOCATIONS
    # Problems in a database table name the table and the record's position.
    assert result.problems["file"].to_list() == [
        f"{schema}.ssd_involvements",
        f"{schema}.ssd_professionals",
    ]


def test_ssd_straight_from_a_sqlite_file(engine: Engine, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'council.db'}"
    _create_ssd_tables(url, None)
    load_first_without_ssd(engine)
    result = import_ssd(engine, source=read_ssd(url=url), as_at=FIRST, loaded_by="t")
    assert rows(engine, ALLOCATIONS) == EXPECTED_ALLOCATIONS
    assert result.added == 20


def test_a_bad_url_names_no_password() -> None:
    with pytest.raises(Exception) as caught:
        read_ssd(url="postgresql+psycopg://council:s3cret@127.0.0.1:1/ssd")
    assert "s3cret" not in str(caught.value)
    assert "cannot read the SSD from postgresql+psycopg://council:***@127.0.0.1:1/ssd" in str(
        caught.value
    )


def load_first_without_ssd(engine: Engine) -> None:
    import_hr(
        engine,
        path=FIXTURES / "hr_awkward.csv",
        mapping="generic",
        as_at=FIRST,
        loaded_by="t",
        authority=COUNCIL,
    )


def test_co_workers_load_when_their_role_code_is_given(engine: Engine, tmp_path: Path) -> None:
    load_first_without_ssd(engine)
    folder = ssd_copy(tmp_path, "ssd_involvements", "I10,P3,COW,T2,C1,2024-07-01,,\n")
    import_ssd(
        engine,
        source=read_ssd(folder=folder),
        as_at=FIRST,
        loaded_by="t",
        options=SsdOptions(("cow",)),
    )
    assert rows(engine, "SELECT role, external_id FROM allocation WHERE role = 'co_worker'") == [
        ("co_worker", "I10")
    ]


def test_load_first_helper_is_consistent(engine: Engine) -> None:
    load_first(engine)
    assert counts(engine)["allocation"] == 4
