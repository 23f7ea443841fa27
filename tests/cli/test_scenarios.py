"""``caseload scenario`` on a SQLite file: the worked scenarios listed and shown, one run beside
the baseline, a council's own file (and a mistake in it: one line naming the file, line and
entry, exit 2), and storing the runs under the person named."""

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
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-scenarios') / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    build_council(engine, SPEC, years=2, seed=4)
    engine.dispose()
    return url


@pytest.fixture
def env(database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database)
    monkeypatch.setenv("CASELOAD_USER", "planner")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_list_and_show(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "list", "--format", "json"]) == 0
    names = [item["name"] for item in json.loads(capsys.readouterr().out)]
    assert names == [
        "baseline",
        "add-posts-to-target",
        "over-recruit-newly-qualified",
        "retention-payments",
    ]
    assert main(["scenario", "show", "retention-payments"]) == 0
    assert "market_supplements: stop" in capsys.readouterr().out
    assert main(["scenario", "show", "nothing"]) == 2
    assert "no scenario called 'nothing'" in capsys.readouterr().err


def test_run_one_beside_the_baseline(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "over-recruit-newly-qualified", "--paths", "300"]) == 0
    out = capsys.readouterr().out
    assert "After 1 year" in out and "After 5 years" in out
    # Two years of data end before the next year's placements are agreed: the pipeline cannot say.
    assert (
        "Newly qualified intakes: assumed from the last three years' ASYE starts (the pipeline "
        "is not used: no learner's placement runs on or after the day)." in out
    )
    assert "baseline" in out and "over-recruit-newly-qualified" in out
    assert (
        main(
            [
                "scenario",
                "run",
                "over-recruit-newly-qualified",
                "--paths",
                "300",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    baseline, over = data["scenarios"]
    # Nine ASYEs and two seniors above the posts: more own staff after a year.
    assert over["points"][0]["own_fte"]["p50"] > baseline["points"][0]["own_fte"]["p50"]
    assert [point["years"] for point in over["points"]] == [1, 3, 5]


def test_a_file_of_ones_own_and_a_mistake_in_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = env / "cap-agency.yaml"
    good.write_text(
        "version: 1\nname: cap-agency\ntitle: Cap agency at a tenth of posts\nmonths: 36\n"
        "agency: {max_share_percent: 10}\n",
        encoding="utf-8",
    )
    assert main(["scenario", "run", "--file", str(good), "--paths", "300", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    capped = data["scenarios"][1]
    assert capped["months"] == 36 and [p["years"] for p in capped["points"]] == [1, 3]
    assert (
        capped["points"][0]["vacancy_fte"]["p50"]
        >= data["scenarios"][0]["points"][0]["vacancy_fte"]["p50"]
    )
    bad = env / "bad.yaml"
    bad.write_text(
        "version: 1\nname: bad\ntitle: Bad\nmonths: 40\nposts:\n  - {role: nurse, change_fte: 2}\n",
        encoding="utf-8",
    )
    assert main(["scenario", "run", "--file", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{bad}: posts.0.role: 'nurse' is not a planned role" in err


def test_compare_and_store(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "scenario",
                "compare",
                "retention-payments",
                "--paths",
                "200",
                "--store",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert len(data["stored_ids"]) == 2
    assert (
        main(["scenario", "compare", "retention-payments", "--paths", "200", "--format", "json"])
        == 0
    )
    stored = json.loads(capsys.readouterr().out)["stored"]
    assert {run["created_by"] for run in stored[:2]} == {"planner"}
