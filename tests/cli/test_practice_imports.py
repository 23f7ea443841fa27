# ruff: noqa: E501  (command lines are easier to read on one line)
"""``caseload import supervision`` and ``caseload import audits``: the same options, exit codes
and one-line refusals as the absence import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.storage import schema
from caseload.storage.engine import make_engine
from importers.import_support import load_first

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
AS_AT = "--as-at=2025-03-31"
SUPERVISION = [
    "import",
    "supervision",
    str(FIXTURES / "supervision.csv"),
    "--mapping",
    "generic-supervision",
    AS_AT,
    "--authority",
    "301",
]
AUDITS = ["import", "audits", str(FIXTURES / "audits.csv"), "--mapping", "generic-audits", AS_AT]


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A database holding the HR extract, absences and SSD the import tests use."""
    path = tmp_path / "caseload.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    load_first(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_supervision_loads_and_says_what_it_did(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *SUPERVISION)
    assert code == 0, err
    assert (
        "Loaded supervision.csv for authority 301 as at 2025-03-31 (run 4): 4 added, 0 changed, 0 ended, 0 warnings."
        in out
    )
    code, out, _ = run(capsys, "import", "runs", "--format", "json")
    assert [r["kind"] for r in json.loads(out)][:2] == ["supervision", "ssd"]


def test_agency_engagements_load_and_the_rules_read_them(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "import",
        "agency",
        str(FIXTURES / "agency.csv"),
        "--mapping",
        "generic-agency",
        AS_AT,
    )
    assert code == 0, err
    assert "Loaded agency.csv for authority 301 as at 2025-03-31" in out
    assert "2 added, 0 changed, 0 ended" in out
    code, out, err = run(capsys, "agency", "breaches", "--as-at", "2025-03-01", "--format", "json")
    assert code == 0, err
    assert [b["rule"] for b in json.loads(out)["breaches"]] == [
        "notice",
        "pqe",
        "price_cap",
        "reference",
        "cooling_off",
        "price_cap",
    ]
    code, _, err = run(capsys, "agency", "return", "--quarter", "2025 Q5", "--out", ".")
    assert code == 2
    assert "is not a quarter; write the year and quarter as 2026Q3" in err


def test_audits_json_has_the_counts_and_a_dry_run_writes_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *AUDITS, "--dry-run", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert (result["loaded"], result["run"], result["added"]) == (False, None, 7)
    assert result["tables"] == {
        "case_audit": {"added": 3, "changed": 0, "ended": 0},
        "case_audit_grade": {"added": 4, "changed": 0, "ended": 0},
    }
    code, out, _ = run(capsys, "import", "runs", "--format", "json")
    assert "audits" not in [r["kind"] for r in json.loads(out)]


def test_a_bad_row_exits_2_with_the_row_to_fix(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "supervision.csv"
    broken.write_text(
        (FIXTURES / "supervision.csv").read_text() + "S5,E999,E004,10/03/2025,Formal,60\n"
    )
    report = tmp_path / "problems.csv"
    code, _, err = run(
        capsys,
        *[str(broken) if a.endswith("supervision.csv") else a for a in SUPERVISION],
        "--report",
        str(report),
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "error: supervision.csv, row 6, column 'Staff Number' (value 'E999'): no worker has this staff number; load the HR extract with this worker first, or correct the staff number",
        "error: supervision.csv was not loaded: 1 error; first: supervision.csv, row 6, column 'Staff Number' (value 'E999'): no worker has this staff number; load the HR extract with this worker first, or correct the staff number",
    ]
    assert (
        "supervision.csv,6,Staff Number,E999,no worker has this staff number" in report.read_text()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "import",
                "supervision",
                str(FIXTURES / "supervision.csv"),
                "--mapping",
                "generic-audits",
                AS_AT,
            ],
            "error: mapping generic-audits is for audits extracts, not supervision; choose a mapping whose kind is supervision",
        ),
        (
            ["import", "audits", "nothing.csv", "--mapping", "generic-audits", AS_AT],
            "error: nothing.csv: no such file; check the path",
        ),
        (
            [*AUDITS, "--encoding", "klingon"],
            "error: the encoding 'klingon' is not one Caseload knows",
        ),
        ([*AUDITS[:-1], "--as-at", "2999-01-01"], "error: --as-at"),
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


def test_mapping_check_shows_the_domains_and_grades(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check = [
        "import",
        "mapping",
        "check",
        str(FIXTURES / "audits.csv"),
        "--mapping",
        "generic-audits",
        AS_AT,
        "--format",
        "json",
    ]
    code, out, _ = run(capsys, *check)
    assert code == 0
    report = json.loads(out)
    assert {
        "field": "domain: Assessment",
        "column": "Assessment Grade",
        "value": "RI",
        "rows": 1,
        "maps_to": "requires_improvement",
    } in report["values"]
    assert report["problems"] == []
    code, out, _ = run(capsys, "import", "mapping", "list")
    assert "generic-supervision" in out and "generic-audits" in out


HEALTH_CHECK = [
    "import",
    "health-check",
    str(FIXTURES / "health_check.csv"),
    "--mapping",
    "generic-health-check",
    "--survey-title",
    "Health check 2025",
    "--year",
    "2025",
    AS_AT,
]


def test_health_check_loads_and_warns_of_the_dropped_columns(
    database: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, *HEALTH_CHECK)
    assert code == 3, err  # loaded, with the warning about the dropped columns
    assert "6 added" in out
    assert "2 column(s) not mapped" in out
    assert "leave" not in out and "Sam" not in out  # the comments are never echoed
    code, out, _ = run(capsys, "health-check", "--by", "role")
    assert code == 0
    assert "closed 2025-03-31: not shown, fewer than 10 responses." in out
    monkeypatch.setenv("CASELOAD_SURVEY_MINIMUM", "3")
    code, out, _ = run(capsys, "health-check", "--by", "role", "--year", "2025")
    assert code == 0
    # favourable (4 or 5): Q01 4 of 6, Q02 3 of 6, Q03 4 of 5 (one blank): 11 of 17
    assert "6 responses, 64.7% favourable" in out
    code, _, err = run(capsys, "health-check", "--year", "2024")
    assert code == 2
    assert "no staff health check for 2024" in err


def test_the_pipeline_file_loads_and_the_pipeline_reads_it(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    placements = [
        "import",
        "placements",
        str(FIXTURES / "placements.csv"),
        "--mapping",
        "generic-placements",
        AS_AT,
    ]
    code, out, err = run(capsys, *placements)
    assert code == 0, err
    assert "Loaded placements.csv for authority 301 as at 2025-03-31" in out
    assert "6 added, 0 changed, 0 ended, 0 warnings" in out
    code, out, err = run(capsys, "pipeline", "--as-at", "2025-03-31", "--format", "json")
    assert code == 0, err
    figures = json.loads(out)
    # On 31 March 2025 L3 (apprentice) and L4 (Frontline student) are on placement with E004
    # and E002; L1 qualified in 2019 and converted, L2 (Step Up) qualified in 2025.
    assert figures["learners"] == [
        {"learner_kind": "student", "learners": 1},
        {"learner_kind": "apprentice", "learners": 1},
    ]
    assert figures["educators"] == {"educators": 2, "capacity": 3, "in_use": 2, "free": 1}
    assert figures["conversions"] == [
        {"year": 2019, "qualified": 1, "converted": 1, "conversion_rate": 100.0},
        {"year": 2025, "qualified": 1, "converted": 0, "conversion_rate": 0.0},
    ]
    bad = tmp_path / "pipeline.csv"
    bad.write_text((FIXTURES / "placements.csv").read_text() + "educator,,,,,,,,,,,E001,3,1,,\n")
    code, out, err = run(
        capsys, "import", "placements", str(bad), "--mapping", "generic-placements", AS_AT
    )
    assert code == 2
    assert (
        "pipeline.csv was not loaded: 1 error; first: pipeline.csv, row 9, column 'Stage' (value '3'): the stage is not 1 or 2"
        in err
    )
    assert "Traceback" not in err
