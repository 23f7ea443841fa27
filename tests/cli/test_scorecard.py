"""``caseload scorecard`` on a SQLite file: the table and the JSON, a service area's measures, and
an unknown service area stops with one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.services.generation import build_council
from caseload.services.report_scorecard import AREAS
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-scorecard') / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    build_council(engine, SPEC, years=1, seed=4)
    engine.dispose()
    return url


@pytest.fixture
def env(database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database)
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_has_the_five_areas(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scorecard", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "authority",
        "as_at",
        "data_date",
        "areas",
        "summary",
        "notes",
        "services",
        "service",
    }
    assert [area["area"] for area in data["areas"]] == list(AREAS)
    assert data["authority"]["code"] == "999" and data["audience"] == "internal"
    assert data["service"] is None and data["services"]


def test_a_service_area_and_the_table(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scorecard", "--format", "json"]) == 0
    name = json.loads(capsys.readouterr().out)["services"][0]["service"]
    assert main(["scorecard", "--authority", "999", "--service", name, "--format", "json"]) == 0
    drill = json.loads(capsys.readouterr().out)["service"]
    assert drill["service"] == name
    assert drill["workers"] is None  # the command line lists no one
    assert main(["scorecard", "--service", name]) == 0
    out = capsys.readouterr().out
    assert "Manageable caseloads" in out and "Average caseload (cases per case-holding FTE)" in out


def test_an_unknown_service_is_one_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scorecard", "--service", "Nowhere"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no service area called 'Nowhere'" in err
