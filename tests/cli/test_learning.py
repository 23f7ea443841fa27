"""``caseload asye`` and ``caseload progression`` on a SQLite file holding a synthetic council
with its ASYE programmes and applications: the table prints, and the JSON is the service's
context, the same as the page's and the API's (tests/web/test_learning_pages.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.services.generation import build_council
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="996",
    name="Laddershire Council (synthetic)",
    region="North West",
    size_fte=60.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-learning') / 'cli.db'}"
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


def test_asye_table_and_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["asye"]) == 0
    out = capsys.readouterr().out
    assert "The supported first year at Laddershire Council (synthetic)" in out
    assert "Overdue reviews" in out
    assert main(["asye", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["programmes"], "the synthetic council holds ASYE programmes"
    assert sum(row["started"] for row in data["cohorts"]) == len(data["programmes"])
    assert data["in_programme"] == sum(
        row["status"] in ("in_programme", "extended") for row in data["programmes"]
    )


def test_progression_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progression", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    as_at = data["as_at"]
    assert [step["from_role"] for step in data["framework"]["steps"]] == [
        "social_worker",
        "senior_social_worker",
        "advanced_practitioner",
    ]
    assert data["applications"], "the synthetic council holds applications"
    assert all(a["applied_date"] <= as_at for a in data["applications"])


def test_a_date_after_the_data_date_is_refused(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["asye", "--as-at", "2030-01-01"]) != 0
    assert "Traceback" not in capsys.readouterr().err
