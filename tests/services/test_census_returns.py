"""Importing, validating and exporting returns on both databases: one transaction per batch,
unchanged and replaced returns, refusing to export errors, atomic files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from caseload.census.xml_return import read_return, schema_errors, write_return
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies
from caseload.errors import InvalidInputError
from caseload.services.census_returns import export, import_returns, validate
from caseload.storage.census_models import CensusRecord, CensusReturn
from caseload.storage.census_queries import return_records, returned_years
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority

MADE_AT = datetime(2025, 10, 6, 9, 30, tzinfo=UTC)
OWN: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100001",
    "FTE": 0.6,
    "PersonBirthDate": date(1985, 3, 14),
    "GenderCurrent": 2,
    "Ethnicity": "WBRI",
    "QualInst": "University of Leeds",
    "QualLevel": 1,
    "StepUpGrad": 0,
    "OrgRole": 5,
    "RoleStartDate": date(2019, 9, 2),
    "StartOrigin": 1,
    "FTE30": 0.6,
    "Cases30": 12,
    "WorkingDaysLost": 4.5,
    "FrontlineGrad": 0,
    "Absat30Sept": 0,
    "CFKSSstatus": 2,
}
LEAVER: dict[str, Any] = OWN | {
    "SWENo": "SW100002",
    "FTE": 0.8,
    "FTE30": None,
    "Cases30": None,
    "RoleEndDate": date(2025, 3, 31),
    "ReasonLeave": 1,
    "LeaverDestination": 1,
    "WorkingDaysLost": 12.25,
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
    "CFKSSstatus": 2,
}


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return conform_records(
        pl.DataFrame(
            [{item: row.get(item) for item in WORKER_ITEMS} for row in rows], schema=WORKER_ITEMS
        )
    )


def return_file(
    folder: Path,
    name: str,
    *rows: dict[str, Any],
    lea: str = "301",
    year: int = 2025,
    vacancies: float = 12.5,
) -> Path:
    council = conform_vacancies(
        pl.DataFrame([{"NumberOfVacancies": vacancies, "NoAgencyFTE": 1.0, "NoAgencyHeadcount": 1}])
    )
    data = write_return(
        frame(*rows),
        council,
        lea=lea,
        census_year=year,
        software_code="Council HR",
        generated_at=MADE_AT,
    )
    path = folder / name
    path.write_bytes(data)
    return path


def counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Authority)) or 0,
            session.scalar(select(func.count()).select_from(CensusReturn)) or 0,
            session.scalar(select(func.count()).select_from(CensusRecord)) or 0,
        )


def stored(engine: Engine, code: str, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    with session_scope(engine) as session:
        authority = session.scalar(select(Authority).where(Authority.code == code))
        assert authority is not None
        return return_records(session, [authority.id], year)


# --- import ------------------------------------------------------------------------------------


def test_import_adds_a_return_and_its_authority(engine: Engine, tmp_path: Path) -> None:
    path = return_file(tmp_path, "301.xml", OWN, LEAVER, AGENCY)
    (outcome,) = import_returns(engine, [path])
    assert (outcome.status, outcome.authority_code, outcome.census_year, outcome.workers) == (
        "added",
        "301",
        2025,
        3,
    )
    assert (outcome.errors, outcome.warnings) == (0, 0)
    assert counts(engine) == (1, 1, 3)
    records, vacancies = stored(engine, "301", 2025)
    parsed = read_return(path.read_bytes(), source_name="301.xml")
    assert records.equals(parsed.records)
    assert vacancies.rows() == [("301", 2025, 12.5, 1.0, 1)]
    with session_scope(engine) as session:
        authority = session.scalars(select(Authority)).one()
        assert (authority.code, authority.name) == ("301", "Authority 301")
        assert returned_years(session, authority.id) == [2025]
        saved = session.scalars(select(CensusReturn)).one()
        assert (saved.source_name, saved.software_code, saved.generated_at) == (
            "301.xml",
            "Council HR",
            "2025-10-06T09:30:00Z",
        )
        assert saved.reference_date == date(2025, 9, 30)


def test_import_twice_is_unchanged(engine: Engine, tmp_path: Path) -> None:
    path = return_file(tmp_path, "301.xml", OWN, AGENCY)
    import_returns(engine, [path])
    with session_scope(engine) as session:
        first = session.scalars(select(CensusReturn)).one()
    (again,) = import_returns(engine, [path])
    assert again.status == "unchanged"
    assert counts(engine) == (1, 1, 2)
    with session_scope(engine) as session:
        second = session.scalars(select(CensusReturn)).one()
    assert (second.id, second.imported_at) == (first.id, first.imported_at)


def test_a_changed_return_replaces_the_old_one(engine: Engine, tmp_path: Path) -> None:
    import_returns(engine, [return_file(tmp_path, "old.xml", OWN, LEAVER, AGENCY)])
    changed = return_file(tmp_path, "new.xml", OWN | {"Cases30": 14}, vacancies=10.0)
    (outcome,) = import_returns(engine, [changed])
    assert (outcome.status, outcome.workers) == ("replaced", 1)
    assert counts(engine) == (1, 1, 1)
    records, vacancies = stored(engine, "301", 2025)
    assert records["Cases30"].to_list() == [14]
    assert vacancies["NumberOfVacancies"].to_list() == [10.0]


def test_several_authorities_and_years_in_one_batch(engine: Engine, tmp_path: Path) -> None:
    paths = [
        return_file(tmp_path, "a.xml", OWN, lea="301"),
        return_file(tmp_path, "b.xml", OWN, AGENCY, lea="302"),
        return_file(tmp_path, "c.xml", OWN, lea="301", year=2024),
    ]
    outcomes = import_returns(engine, paths)
    assert [(o.authority_code, o.census_year, o.status) for o in outcomes] == [
        ("301", 2025, "added"),
        ("302", 2025, "added"),
        ("301", 2024, "added"),
    ]
    assert counts(engine) == (2, 3, 4)
    with session_scope(engine) as session:
        authority = session.scalars(select(Authority).where(Authority.code == "301")).one()
        assert returned_years(session, authority.id) == [2024, 2025]


def test_a_batch_with_one_bad_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    good = return_file(tmp_path, "good.xml", OWN)
    bad = return_file(tmp_path, "bad.xml", AGENCY, lea="302")
    bad.write_text(bad.read_text().replace("<OrgRole>5</OrgRole>", "<OrgRole>7</OrgRole>"))
    missing = tmp_path / "missing.xml"
    with pytest.raises(InvalidInputError) as caught:
        import_returns(engine, [good, bad, missing])
    assert str(caught.value).splitlines() == [
        "nothing was imported: 2 of 3 files have problems; fix them and import the batch again",
        "bad.xml is not a valid CSWW return (1 problem):",
        "bad.xml: worker 1 (SWENo SW100003), item OrgRole: value '7' is not a code of OrgRole; use "
        "one of 1, 2, 3, 4, 5, 6",
        f"{missing}: cannot read the file (No such file or directory)",
    ]
    assert counts(engine) == (0, 0, 0)


def test_the_same_return_twice_in_a_batch_is_refused(engine: Engine, tmp_path: Path) -> None:
    first = return_file(tmp_path, "a.xml", OWN)
    second = return_file(tmp_path, "b.xml", AGENCY)
    with pytest.raises(InvalidInputError, match="are both the 2025 return for authority 301"):
        import_returns(engine, [first, second])
    assert counts(engine) == (0, 0, 0)


def test_import_counts_rule_problems(engine: Engine, tmp_path: Path) -> None:
    path = return_file(tmp_path, "301.xml", OWN | {"PersonBirthDate": None, "ReasonLeave": 1})
    (outcome,) = import_returns(engine, [path])
    assert (outcome.status, outcome.errors, outcome.warnings) == ("added", 1, 1)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cut=st.integers(0, 3000), junk=st.sampled_from(["<", "x", "<Bogus/>", "&", "</CSWWWorker>"]))
def test_damaged_file_in_a_batch_never_leaves_a_partial_import(
    engine: Engine, tmp_path: Path, cut: int, junk: str
) -> None:
    good = return_file(tmp_path, "good.xml", OWN, lea="303", year=2023)
    damaged = return_file(tmp_path, "damaged.xml", OWN, LEAVER, AGENCY, lea="304", year=2023)
    data = damaged.read_bytes()
    damaged.write_bytes(data[: cut % len(data)] + junk.encode() + data[cut % len(data) :])
    before = counts(engine)
    try:
        outcomes = import_returns(engine, [good, damaged])
    except InvalidInputError:
        assert counts(engine) == before
        return
    assert [o.authority_code for o in outcomes] == ["303", "304"]


# --- validate and export -----------------------------------------------------------------------


def test_validate_lists_the_problems(engine: Engine, tmp_path: Path) -> None:
    import_returns(engine, [return_file(tmp_path, "r.xml", OWN | {"Ethnicity": None}, AGENCY)])
    problems = validate(engine, census_year=2025, authority_code="301")
    assert [p.describe() for p in problems] == [
        "worker 1 (SWENo SW100001), item Ethnicity: is missing; own staff (AgencyWorker 0) must "
        "carry an ethnicity code"
    ]


def test_export_of_an_imported_return_round_trips(engine: Engine, tmp_path: Path) -> None:
    source = return_file(tmp_path, "in.xml", OWN, LEAVER, AGENCY)
    import_returns(engine, [source])
    out = tmp_path / "out.xml"
    outcome = export(
        engine,
        census_year=2025,
        authority_code="301",
        out=out,
        software_code="Council HR",
        generated_at=MADE_AT,
    )
    assert out.read_bytes() == source.read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600  # personal data: the owner only
    assert (outcome.workers, outcome.source, outcome.warnings) == (3, "return", [])
    assert schema_errors(out.read_bytes()) == []
    # Importing the export and exporting again gives the same file; only DateTime moves.
    assert import_returns(engine, [out])[0].status == "unchanged"
    later = export(
        engine,
        census_year=2025,
        authority_code="301",
        out=tmp_path / "later.xml",
        software_code="Council HR",
        generated_at=datetime(2025, 10, 7, tzinfo=UTC),
    )
    assert later.path.read_bytes() == out.read_bytes().replace(
        b"2025-10-06T09:30:00Z", b"2025-10-07T00:00:00Z"
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_refuses_errors_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    bad = OWN | {"GenderCurrent": None, "RoleStartDate": date(2025, 10, 2)}
    import_returns(engine, [return_file(tmp_path, "in.xml", bad)])
    out = tmp_path / "out.xml"
    with pytest.raises(InvalidInputError) as caught:
        export(engine, census_year=2025, authority_code="301", out=out)
    assert str(caught.value).splitlines() == [
        "the 2025 return for authority 301 has 2 errors, so no file was written; fix the data "
        "and check it with 'caseload census validate --year 2025 --authority 301':",
        "worker 1 (SWENo SW100001), item GenderCurrent: is missing; own staff (AgencyWorker 0) "
        "must carry a gender code",
        "worker 1 (SWENo SW100001), item RoleStartDate: value '2025-10-02' is after the reference "
        "date 2025-09-30; a record in the 2025 return starts on or before it",
    ]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".xml", ".tmp")] == ["in.xml"]


def test_export_reports_warnings_and_replaces_a_file(engine: Engine, tmp_path: Path) -> None:
    import_returns(engine, [return_file(tmp_path, "in.xml", OWN | {"ReasonLeave": 8})])
    out = tmp_path / "out.xml"
    out.write_text("old")
    outcome = export(engine, census_year=2025, authority_code="301", out=out)
    assert [p.item for p in outcome.warnings] == ["ReasonLeave"]
    assert out.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Message>")


def test_export_needs_an_existing_folder(engine: Engine, tmp_path: Path) -> None:
    import_returns(engine, [return_file(tmp_path, "in.xml", OWN)])
    with pytest.raises(InvalidInputError, match="does not exist; create it first"):
        export(engine, census_year=2025, authority_code="301", out=tmp_path / "no" / "out.xml")
    with pytest.raises(InvalidInputError, match="is a folder"):
        export(engine, census_year=2025, authority_code="301", out=tmp_path)


def test_round_trip_through_the_census_service(engine: Engine, tmp_path: Path) -> None:
    """With the real ``load_census``: an authority known only from its return exports it."""
    source = return_file(tmp_path, "in.xml", OWN, LEAVER, AGENCY)
    import_returns(engine, [source])
    out = tmp_path / "out.xml"
    outcome = export(
        engine,
        census_year=2025,
        authority_code="301",
        out=out,
        software_code="Council HR",
        generated_at=MADE_AT,
    )
    assert outcome.source == "return"
    assert out.read_bytes() == source.read_bytes()
    assert validate(engine, census_year=2025, authority_code="301") == []
