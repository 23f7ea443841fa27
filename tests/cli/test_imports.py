# ruff: noqa: E501  (command lines are easier to read on one line)
"""``caseload import``: exit codes say whether the load happened; bad files never show a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.errors import InvalidInputError
from caseload.services.imports import check_extract_date, council_today
from caseload.storage import schema
from caseload.storage.engine import make_engine

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
AS_AT = "--as-at=2025-03-31"


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "caseload.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def hr(*extra: str) -> list[str]:
    return [
        "import", "hr", str(FIXTURES / "hr_awkward.csv"), "--mapping", "generic", AS_AT,
        "--authority", "301", "--authority-name", "Testshire", *extra,
    ]  # fmt: skip


def test_a_load_with_warnings_exits_3_and_lists_them(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *hr())
    assert code == 3
    assert "Loaded hr_awkward.csv for authority 301 as at 2025-03-31 (run 1): 24 added" in out
    assert "the row repeats row 5" in out
    assert err == ""


def test_a_clean_load_exits_0_and_json_has_the_counts(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *hr())
    code, out, _ = run(
        capsys, "import", "absences", str(FIXTURES / "absences.csv"), "--mapping",
        "generic-absences", AS_AT, "--format", "json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert (result["loaded"], result["added"], result["warnings"]) == (True, 3, 0)
    assert result["tables"] == {"absence": {"added": 3, "changed": 0, "ended": 0}}


def test_a_dry_run_reports_and_writes_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *hr("--dry-run"))
    assert code == 3
    assert "Would load hr_awkward.csv" in out
    assert "Dry run: nothing was written." in out
    code, out, _ = run(capsys, "import", "runs", "--format", "json")
    assert json.loads(out) == []


def test_a_bad_file_exits_2_with_the_rows_to_fix_and_no_traceback(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "hr.csv"
    content = (FIXTURES / "hr_awkward.csv").read_text()
    broken.write_text(content.replace("Team Manager,1,Permanent", "Team Manager,2,Permanent"))
    report = tmp_path / "problems.csv"
    code, out, err = run(
        capsys,
        *[a if "hr_awkward" not in a else str(broken) for a in hr()],
        "--report",
        str(report),
    )
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: hr.csv, row 8, column 'FTE' (value '2'): FTE above 1;")
    assert lines[-1].startswith(
        "error: hr.csv was not loaded: 1 error; first: hr.csv, row 8, column 'FTE'"
    )
    assert "row,column" not in out
    assert "hr.csv,8,FTE,2,FTE above 1" in report.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["import", "hr", "nothing.csv", "--mapping", "generic", AS_AT],
            "error: nothing.csv: no such file; check the path",
        ),
        (
            ["import", "hr", str(FIXTURES / "hr_awkward.csv"), "--mapping", "nope"],
            "error: no column mapping called 'nope'",
        ),
        (
            [
                "import",
                "hr",
                str(FIXTURES / "hr_awkward.csv"),
                "--mapping",
                "generic",
                "--as-at",
                "31/03/2025",
            ],
            "error: --as-at must be a date written YYYY-MM-DD",
        ),
        (
            ["import", "ssd", "--from-dir", str(FIXTURES)],
            "has no ssd_professionals or ssd_involvements",
        ),
        (["import", "ssd"], "error: give exactly one of --from-dir DIR or --from-url URL"),
        (
            ["import", "hr", str(FIXTURES / "hr_awkward.csv"), "--mapping", "generic", AS_AT],
            "error: the database holds no authority yet",
        ),
    ],
)
def test_user_errors_are_one_line(
    database: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_mapping_check_shows_columns_values_and_what_is_unmapped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "import", "mapping", "check", str(FIXTURES / "hr_awkward.csv"), "--mapping",
        "generic", AS_AT, "--format", "json",
    )  # fmt: skip
    report = json.loads(out)
    assert code == 3  # the repeated row is a problem a load would report
    assert report["unmapped_values"] == 0
    found = {c["field"]: c["column"] for c in report["columns"]}
    assert found["fte"] == "FTE"
    assert found["end_reason"] is None
    roles = {v["value"]: v["maps_to"] for v in report["values"] if v["field"] == "role"}
    assert roles == {
        "Social Worker": "social_worker",
        "Senior Social Worker": "senior_social_worker",
        "Team Manager": "team_manager",
    }
    broken = tmp_path / "hr.csv"
    broken.write_text((FIXTURES / "hr_awkward.csv").read_text().replace("Permanent", "Perm"))
    code, out, _ = run(
        capsys,
        "import",
        "mapping",
        "check",
        str(broken),
        "--mapping",
        "generic",
        AS_AT,
        "--format",
        "json",
    )
    unmapped = [v for v in json.loads(out)["values"] if v["maps_to"] is None]
    assert code == 3
    assert unmapped == [
        {
            "field": "contract",
            "column": "Contract Type",
            "value": "Perm",
            "rows": 7,
            "maps_to": None,
        }
    ]


def test_mapping_list_names_the_built_in_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", "mapping", "list")
    assert code == 0
    for name in ("generic", "itrent", "generic-absences", "itrent-absences"):
        assert name in out


def test_an_extract_date_out_of_range_is_refused_and_moves_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def load(day: str) -> tuple[int, str]:
        code, _, err = run(
            capsys, "import", "hr", str(FIXTURES / "hr_awkward.csv"), "--mapping", "generic",
            f"--as-at={day}", "--authority", "301", "--authority-name", "Testshire",
        )  # fmt: skip
        return code, err.strip()

    assert load("9999-12-30") == (
        2,
        "error: --as-at 9999-12-30 is after 2099-12-31; choose an earlier date",
    )
    assert load("2098-01-01") == (
        2,
        "error: the extract date 2098-01-01 is in the future (today is "
        f"{council_today().isoformat()}); give the last day the extract covers",
    )
    assert load("2025-03-31")[0] == 3  # loads (with warnings)
    assert load("2026-05-01") == (
        2,
        "error: the extract date 2026-05-01 is more than a year after the data already loaded, "
        "which runs to 2025-03-31; check the date, or load the extracts in between first",
    )
    _, out, _ = run(capsys, "import", "runs", "--format", "json")
    assert len(json.loads(out)) == 1
    _, out, _ = run(capsys, "summary", "--format", "json")
    assert json.loads(out)["as_at"] == "2025-03-31"  # the data date did not move


def test_the_extract_date_rules() -> None:
    data_date = date(2026, 9, 30)
    today = date(2026, 12, 7)
    assert check_extract_date(date(2026, 12, 7), data_date, today) == date(2026, 12, 7)
    assert check_extract_date(date(2026, 3, 31), data_date, today) == date(2026, 3, 31)
    assert check_extract_date(date(2026, 12, 7), None, today) == date(2026, 12, 7)
    with pytest.raises(InvalidInputError, match="is in the future"):
        check_extract_date(date(2026, 12, 8), data_date, today)
    with pytest.raises(InvalidInputError, match="more than a year after"):
        check_extract_date(date(2027, 10, 2), data_date, date(2028, 1, 1))
    assert check_extract_date(date(2027, 10, 1), data_date, date(2028, 1, 1)) == date(2027, 10, 1)
