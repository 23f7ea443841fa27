"""``caseload benchmarks`` end to end on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.cli.app import main
from caseload.storage import schema
from caseload.storage.engine import make_engine

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name," + ",".join(INDICATOR_COLUMNS)
)
# Councils 301 and 302 (North East), 201 (Inner London), 310 (Outer London); values in DfE's order.
LINES = (
    "National,E92000001,England,,,,,,430,457,53,55,63,67,16.6,16.5,80,83,15.2,15.4,50,71.4,90,"
    "17.3,58.8,280,4540,16.2,1900,3.3",
    "Regional,E92000001,England,E12000001,North East,,,,150,162,15,16,15,16,15,14.5,30,31,16.7,"
    "16.1,10,50,30,16.7,40,90,1500,16.7,1500,3.9",
    "Regional,E92000001,England,E13000001,Inner London,,,,200,210,30,31,40,42,20,20,50,52,20,"
    "19.8,40,80,50,20,80,150,2400,16,x,x",
    "Regional,E92000001,England,E13000002,Outer London,,,,80,85,8,8,8,9,10,10.6,0,0,0,0,0,z,10,"
    "11.1,0,40,640,16,400,2",
    "Regional,E92000001,England,E12000007,London,,,,280,295,38,39,48,51,17.1,17.3,50,52,15.2,15,"
    "40,80,60,17.6,66.7,190,3040,16,400,2",
    "Local authority,E92000001,England,E12000001,North East,301,E06000001,Alpha,100,110,10,11,"
    "15,16,15,14.5,20,21,16.7,16,10,50,25,20,40,60,900,15,1000,3.9",
    "Local authority,E92000001,England,E12000001,North East,302,E06000002,Beta,50,52,5,5,x,x,x,"
    "x,10,10,16.7,16.1,c,c,5,9.1,c,30,600,20,500,3.9",
    "Local authority,E92000001,England,E13000001,Inner London,201,E09000001,Gamma,200,210,30,31,"
    "40,42,20,20,50,52,20,19.8,40,80,50,20,80,150,2400,16,u,u",
    "Local authority,E92000001,England,E13000002,Outer London,310,E09000002,Delta,80,85,8,8,8,9,"
    "10,10.6,low,0,low,0,low,z,10,11.1,low,40,640,16,400,2",
)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    monkeypatch.delenv("CASELOAD_COMPARATORS", raising=False)
    return url


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "indicators.csv"
    rows = [f"2024,Reporting year,{line}" for line in LINES]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout, and stderr with Rich's line wrapping undone."""
    code = main(["benchmarks", *args])
    captured = capsys.readouterr()
    return code, captured.out, " ".join(captured.err.split())


@pytest.fixture
def imported(database: str, sample: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _out, err = run(capsys, "import", str(sample))
    assert (code, err) == (0, "")
    return sample


def test_import_prints_rows_per_level_and_years(
    database: str, sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(sample))
    assert (code, err) == (0, "")
    assert "Imported release 2024: 9 rows (Local authority 4, National 1, Regional 4); years " in (
        " ".join(out.split())
    )
    code, out, _err = run(capsys, "import", str(sample), "--release", "first")
    assert code == 0
    assert "Imported release first: 9 rows" in out
    code, out, _err = run(capsys, "import", str(sample))
    assert "Replaced the 9 rows imported before as this release." in " ".join(out.split())


def test_import_error_is_one_line(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time_period,geographic_level\n2024,National\n")
    code, out, err = run(capsys, "import", str(bad))
    assert code == 2
    assert out == ""
    # Rich wraps long messages at the terminal width; the message itself is one line.
    assert err.startswith(
        f"error: {bad}: missing columns region_code, region_name, old_la_code, new_la_code, "
        "la_name and 22 more; expected DfE's indicator file"
    )
    assert "Traceback" not in err


def test_compare_json(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "compare",
        "--year",
        "2024",
        "--authority",
        "301",
        "--comparators",
        "302,201",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["source"] == "published"
    assert [c["code"] for c in data["comparators"]] == ["302", "201"]
    assert list(data["indicators"]) == list(INDICATOR_COLUMNS)
    assert data["indicators"]["agency_cover_rate_fte"]["comparators"] == {"302": None, "201": 80.0}
    assert data["indicators"]["inpost_fte"]["rank"] == 2
    assert data["rank_note"].startswith("rank 1 and quartile 1 = the best among councils")
    # Lower turnover is better: Delta 10, Alpha 15, Gamma 20.
    assert data["indicators"]["turnover_rate_fte"]["better"] == "lower"
    assert data["indicators"]["turnover_rate_fte"]["rank"] == 2


def test_compare_reads_comparators_from_the_setting(
    imported: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_COMPARATORS", "310, 201")
    code, out, _err = run(
        capsys, "compare", "--year", "2024", "--authority", "301", "--format", "json"
    )
    assert code == 0
    assert [c["code"] for c in json.loads(out)["comparators"]] == ["310", "201"]
    monkeypatch.setenv("CASELOAD_COMPARATORS", "310;201")
    code, out, err = run(capsys, "compare", "--year", "2024", "--authority", "301")
    assert code == 2
    assert err.startswith("error: CASELOAD_COMPARATORS must list 3-digit council codes")


def test_compare_table(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(
        capsys, "compare", "--year", "2024", "--authority", "201", "--comparators", "310"
    )
    assert code == 0
    text = " ".join(out.split())
    assert (
        "Gamma (201), London, 2024: release 2024; council figures from its published data" in text
    )
    assert "Rank 1 and quartile 1 = the best among councils" in text
    assert "Delta (310)" in text
    assert "Comparators: DfE's statistical neighbours" not in text


def test_compare_unknown_authority(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "compare", "--year", "2024", "--authority", "999")
    assert code == 2
    assert err.startswith("error: authority 999 has no council row in release 2024 for 2024")


def test_aggregate_table_lists_differing_rates(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "aggregate", "--year", "2024", "--level", "national")
    assert code == 0
    text = " ".join(out.split())
    assert "England (4 councils)" in text
    assert "Rates more than 0.2 points from the published figure" in text
    assert "agency_rate_fte │ 15.7 │ 15.2 │ +0.49" in text
    code, out, _err = run(capsys, "aggregate", "--year", "2024", "--level", "regional")
    assert "Every rebuilt rate is within 0.2 points of the published figure." in out


def test_aggregate_json_and_csv(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(
        capsys, "aggregate", "--year", "2024", "--level", "regional", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert [area["region_code"] for area in data["areas"]] == [
        "E12000001",
        "E12000007",
        "E13000001",
        "E13000002",
    ]
    assert data["areas"][3]["rebuilt"]["agency_cover_rate_fte"] is None  # z: 0 / 0
    code, out, _err = run(
        capsys, "aggregate", "--year", "2024", "--level", "national", "--format", "csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("time_period,geographic_level,region_code,region_name,indicator")
    assert "2024,National,,England,agency_rate_fte,15.7,15.2,0.49,true" in lines


def test_usage_errors(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "aggregate", "--year", "2024", "--level", "county")
    assert code == 2
    assert "county" in err
    code, _out, err = run(capsys, "compare", "--authority", "301")
    assert code == 2
    assert "--year" in err
    code, _out, err = run(capsys, "aggregate", "--year", "2024", "--level", "national")
    assert code == 2
    assert err.startswith("error: no published indicators have been imported; run 'caseload ")
