"""``caseload census import | validate | export``: output, exit codes and one-line errors (SQLite
in a temporary folder, reached through CASELOAD_DATABASE_URL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from caseload.census.xml_return import read_return, write_return
from caseload.cli.app import main
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies
from caseload.storage import schema
from caseload.storage.engine import make_engine

OWN: dict[str, Any] = {
    "AgencyWorker": 0,
    "SWENo": "SW100001",
    "FTE": 0.6,
    "PersonBirthDate": date(1985, 3, 14),
    "GenderCurrent": 2,
    "Ethnicity": "WBRI",
    "QualLevel": 1,
    "OrgRole": 5,
    "RoleStartDate": date(2019, 9, 2),
    "StartOrigin": 1,
    "FTE30": 0.6,
    "Cases30": 12,
    "CFKSSstatus": 2,
}
AGENCY: dict[str, Any] = {
    "AgencyWorker": 1,
    "SWENo": "SW100003",
    "FTE": 1.0,
    "OrgRole": 5,
    "RoleStartDate": date(2025, 6, 2),
    "FTE30": 1.0,
    "Cases30": 19,
}


def return_file(folder: Path, name: str, *rows: dict[str, Any], lea: str = "301") -> Path:
    records = conform_records(
        pl.DataFrame(
            [{item: row.get(item) for item in WORKER_ITEMS} for row in rows], schema=WORKER_ITEMS
        )
    )
    council = conform_vacancies(
        pl.DataFrame([{"NumberOfVacancies": 2.0, "NoAgencyFTE": 1.0, "NoAgencyHeadcount": 1}])
    )
    path = folder / name
    path.write_bytes(
        write_return(
            records,
            council,
            lea=lea,
            census_year=2025,
            software_code="Council HR",
            generated_at=datetime(2025, 10, 6, tzinfo=UTC),
        )
    )
    return path


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "400")  # error lines unwrapped, whole table rows
    files = tmp_path / "files"
    files.mkdir()
    return files


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_prints_each_file(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = return_file(database, "301.xml", OWN, AGENCY)
    second = return_file(database, "302.xml", OWN | {"Ethnicity": None}, lea="302")
    code, out, err = run(capsys, "census", "import", str(first), str(second))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{first}: added - authority 301, census year 2025, 2 workers",
        f"{second}: added - authority 302, census year 2025, 1 worker; 1 error and 0 warnings, "
        "see 'caseload census validate --year 2025 --authority 302'",
    ]
    code, out, _err = run(capsys, "census", "import", str(first))
    assert (code, out) == (0, f"{first}: unchanged - authority 301, census year 2025, 2 workers\n")


def test_import_of_a_bad_file_exits_2_and_writes_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = return_file(database, "good.xml", OWN)
    bad = database / "bad.xml"
    bad.write_text("<Message>")
    code, out, err = run(capsys, "census", "import", str(good), str(bad))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "error: nothing was imported: 1 of 2 files have problems; fix them and import the batch "
        "again"
    )
    assert "bad.xml: line 1: " in err
    assert "Traceback" not in err
    code, _out, err = run(capsys, "census", "validate", "--year", "2025", "--authority", "301")
    assert code == 2
    assert err.startswith("error: no authority with code '301'")


def test_validate_exit_codes_and_json(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = return_file(database, "301.xml", OWN, AGENCY)
    broken = return_file(
        database, "302.xml", OWN | {"Ethnicity": None, "ReasonLeave": 1}, lea="302"
    )
    assert run(capsys, "census", "import", str(clean), str(broken))[0] == 0
    code, out, _err = run(capsys, "census", "validate", "--year", "2025", "--authority", "301")
    assert (code, out) == (0, "No problems: the 2025 return for authority 301 passes every rule.\n")
    code, out, err = run(
        capsys, "census", "validate", "--year", "2025", "--authority", "302", "--format", "json"
    )
    assert code == 1
    assert err == (
        "error: the 2025 return for authority 302 has 1 error; fix them before 'caseload census "
        "export'\n"
    )
    assert json.loads(out) == {
        "authority": "302",
        "census_year": 2025,
        "errors": 1,
        "warnings": 1,
        "problems": [
            {
                "worker": 1,
                "swe_no": "SW100001",
                "part": "CSWWWorker",
                "item": "Ethnicity",
                "value": None,
                "problem": "is missing; own staff (AgencyWorker 0) must carry an ethnicity code",
                "severity": "error",
            },
            {
                "worker": 1,
                "swe_no": "SW100001",
                "part": "CSWWWorker",
                "item": "ReasonLeave",
                "value": "1",
                "problem": "is given but RoleEndDate is empty; leave it out for workers still in "
                "post, or add the leaving date",
                "severity": "warning",
            },
        ],
    }
    code, out, _err = run(capsys, "census", "validate", "--year", "2025", "--authority", "302")
    assert code == 1
    assert "The 2025 return for authority 302" in out
    for text in ("SW100001", "Ethnicity", "ReasonLeave", "error", "warning"):
        assert text in out
    assert out.splitlines()[-1] == "1 error, 1 warning."


def test_export_writes_the_return(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = return_file(database, "301.xml", OWN, AGENCY)
    run(capsys, "census", "import", str(source))
    out_file = tmp_path / "export.xml"
    code, out, err = run(
        capsys, "census", "export", "--year", "2025", "--authority", "301", "--out", str(out_file)
    )
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote {out_file}: the 2025 return for authority 301, 2 workers (from the return "
        "records).\n"
    )
    exported = read_return(out_file.read_bytes(), source_name="export.xml")
    assert exported.records.equals(read_return(source.read_bytes(), source_name="x").records)


def test_export_refuses_a_return_with_errors(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "census", "import", str(return_file(database, "r.xml", OWN | {"OrgRole": None})))
    out_file = tmp_path / "export.xml"
    code, out, err = run(
        capsys, "census", "export", "--year", "2025", "--authority", "301", "--out", str(out_file)
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: the 2025 return for authority 301 has 1 error, so no file was written; fix the "
        "data and check it with 'caseload census validate --year 2025 --authority 301':",
        "worker 1 (SWENo SW100001), item OrgRole: is missing; own staff (AgencyWorker 0) must "
        "carry a role code",
    ]
    assert not out_file.exists()


def test_options_are_required(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "census", "export", "--year", "2025", "--authority", "301")
    assert code == 2
    assert err.startswith("error: Missing option '--out'")
