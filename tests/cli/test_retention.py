"""``caseload retention`` on a SQLite file: each command's table and CSV carry the JSON's figures,
and a date after the data date stops with one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.services.generation import build_council
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=60.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-retention') / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    build_council(engine, SPEC, years=2, seed=4)
    engine.dispose()
    return url


@pytest.fixture
def env(database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database)
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["retention", *args]) == 0
    return capsys.readouterr().out


def test_survival_as_json_csv_and_a_table(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_run(capsys, "survival", "--by", "council", "--format", "json"))
    assert data["by"] == "council" and len(data["survival"]) == 1
    council = data["survival"][0]
    assert council == data["council"] and council["group"] == "All own social work staff"
    rows = list(
        csv.DictReader(io.StringIO(_run(capsys, "survival", "--by", "council", "--format", "csv")))
    )
    assert len(rows) == 1 and rows[0]["episodes"] == str(council["episodes"])
    one_year = council["milestones"][0]["still_here"]
    assert rows[0]["still_here_1y_pct"] == ("" if one_year is None else str(one_year))
    table = _run(capsys, "survival", "--by", "council")
    assert "Survival by council" in table and f"{council['episodes']:,}" in table


def test_hazard_and_leavers(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hazard = json.loads(_run(capsys, "hazard", "--format", "json"))["hazard"]
    assert [row["band"] for row in hazard[0]["rows"]] == [
        "Under 1 year",
        "1 to 2 years",
        "2 to 3 years",
        "3 to 5 years",
        "5 years or more",
    ]
    rows = list(csv.DictReader(io.StringIO(_run(capsys, "hazard", "--format", "csv"))))
    assert len(rows) == 5 * len(hazard)
    assert [int(row["leavers"]) for row in rows[:5]] == [r["leavers"] for r in hazard[0]["rows"]]
    leavers = json.loads(_run(capsys, "leavers", "--format", "json"))
    total = leavers["by_reason"]["rows"][-1]
    assert total["name"] == "All leavers"
    assert total["counts"] == leavers["by_destination"]["rows"][-1]["counts"]
    assert "Resignation (1)" in _run(capsys, "leavers")


def test_a_date_after_the_data_is_one_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "summary", "--as-at", "2099-01-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "2099-01-01" in err
