"""``caseload forecast demand | backtest`` on a SQLite file with two years of records: the JSON is
the page's context (the same posts needed as the service gives for the date), the tables print,
and a bad --months or --from stops with one line and exit 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from caseload.cli.app import main
from caseload.services.demand import cli_principal, demand_view
from caseload.services.generation import build_council
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
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-forecast') / 'cli.db'}"
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


def test_json_is_the_services_context(
    env: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["forecast", "demand", "--as-at", "2026-06-30", "--months", "24"]
    assert main([*arguments, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_at"] == "2026-06-30" and data["months"] == 24
    assert data["posts"]["horizons"][-1]["label"].startswith("In 24 months")
    engine = make_engine(database)
    same_day = demand_view(engine, cli_principal(engine, None), as_at=date(2026, 6, 30), months=24)
    engine.dispose()
    assert data["posts"] == json.loads(json.dumps(same_day["posts"]))
    assert data["series"] == json.loads(json.dumps(same_day["series"]))


def test_tables_print(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "demand"]) == 0
    out = capsys.readouterr().out
    assert "Case-holding FTE needed at the policy's targets" in out
    assert "Referrals in the month" in out and "DfE published" in out
    assert main(["forecast", "backtest", "--months", "6"]) == 0
    out = capsys.readouterr().out
    assert "Forecast made as if on" in out and "Inside P10-P90" in out


def test_backtest_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["forecast", "backtest", "--from", "2025-12-31", "--months", "3", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["origin"] == "2025-12-31" and data["as_at"] == "2026-03-31"
    assert {row["months"] for row in data["summary"]} == {3}


@pytest.mark.parametrize(
    "arguments",
    [
        ["forecast", "demand", "--months", "0"],
        ["forecast", "demand", "--months", "61"],
        ["forecast", "backtest", "--from", "9999-12-31"],
        ["forecast", "backtest", "--from", "2026-09-30"],
    ],
)
def test_bad_values_are_one_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
) -> None:
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
