"""The caseload, allocate, reallocate, alerts and policy commands, end to end on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseload.caseloads.policy import default_policy_text
from caseload.cli.app import main
from caseloads.caseload_council import Council


@pytest.fixture
def cli(engine: Engine, north: Council, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "sqlite":
        pytest.skip("the commands read CASELOAD_DATABASE_URL; the services run on both backends")
    monkeypatch.setenv("CASELOAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CASELOAD_POLICY", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_caseloads_as_json_csv_and_table(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "caseloads", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_at"] == "2025-03-31"
    assert data["dfe_average"] == {"cases": 48, "case_holders_fte": 5.5, "caseload_fte": 8.7}
    assert [row["child_ref"] for row in data["unallocated"]] == ["Q1", "Q2"]
    assert [row["child_ref"] for row in data["continuity"]["children_with_three_or_more"]] == ["K1"]
    assert len(data["breaches"]) == 7
    code, out, _ = run(capsys, "caseloads", "--format", "csv", "--part", "queue")
    lines = out.splitlines()
    assert lines[0].startswith("child_id,child_ref,sibling_group,case_type")
    assert [line.split(",")[1] for line in lines[1:]] == ["Q1", "Q2"]
    code, out, _ = run(capsys, "caseloads", "--team", "Team A")
    assert code == 0
    assert "Sam Smith (S1)" in out
    assert "Lou Away" not in out
    assert "Rules broken (3)" in out


def test_allocate_accept_and_refuse(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "allocate", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [(r["child_ref"], r["staff_number"]) for r in data["recommendations"]] == [
        ("Q1", "P1"),
        ("Q2", "P1"),
    ]
    assert data["optimiser"]["status"] == "optimal"
    assert data["comparison"]["greedy"]["allocated"] == 2
    code, out, _ = run(capsys, "allocate", "--explain")
    assert "decided by balance: 18% after this allocation, the lowest" in out
    assert "every goal proven optimal" in out
    code, out, err = run(capsys, "allocate", "--accept", "Q1", "--user", "alice")
    assert code == 0
    assert "accepted" in out
    code, _, err = run(capsys, "allocate", "--accept", "Q1", "--user", "bob")
    assert code == 2
    assert err.startswith("error: Q1 is not waiting for a worker on 2025-03-31")
    code, _, err = run(
        capsys, "allocate", "--child", "Q2", "--worker", "S1", "--reason", "knows him"
    )
    assert code == 2
    assert err.startswith("error: allocating Q2 to S1 breaks: over cap")
    code, _, err = run(capsys, "allocate", "--child", "Q2")
    assert (code, err.strip()) == (2, "error: --child and --worker go together")


def test_reallocate_plans_and_applies(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "reallocate", "--worker", "L1", "--from", "2025-03-31", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["move"]["reason"] == "ABSENC"
    assert [w["rule"] for w in data["unallocated"]] == ["room", "room", "room"]
    code, out, _ = run(
        capsys,
        "reallocate",
        "--worker",
        "H1",
        "--from",
        "2025-03-31",
        "--reason",
        "LEFTRL",
        "--apply",
        "--user",
        "alice",
    )
    assert code == 0
    assert "Now waiting for a worker (allocation ended, no one had room): Z2" in out


def test_alerts(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "alerts", "--severity", "red", "--format", "json")
    assert code == 0
    kinds = [alert["kind"] for alert in json.loads(out)["alerts"]]
    assert kinds == [
        "asye_sole_protected",
        "unallocated_escalate",
        "over_case_cap",
        "over_case_cap",
        "cases_during_long_absence",
        "allocated_after_leaving",
    ]
    code, _, err = run(capsys, "alerts", "--as-at", "31/03/2025")
    assert (code, err.strip()) == (
        2,
        "error: --as-at must be a date written YYYY-MM-DD, not '31/03/2025'",
    )


def test_policy_commands(cli: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "policy", "show")
    assert (code, out.splitlines()[0]) == (0, "# In force: the default policy")
    good = tmp_path / "good.yaml"
    good.write_text(default_policy_text().replace("green: 18", "green: 17"))
    code, out, _ = run(capsys, "policy", "check", str(good))
    assert code == 0
    assert "is a valid caseload policy" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_policy_text().replace("green: 18", "green: 25"))
    code, _, err = run(capsys, "policy", "check", str(bad))
    assert code == 2
    assert "field 'bands.amber': must be at least bands.green (25)" in err
    code, out, _ = run(capsys, "policy", "set", str(good), "--authority", "301", "--user", "alice")
    assert code == 0
    code, out, _ = run(capsys, "policy", "show", "--authority", "301", "--format", "json")
    data = json.loads(out)
    assert data["source"].startswith("set for authority 301 by alice")
    assert data["policy"]["bands"] == {"green": 17, "amber": 20}
    code, out, _ = run(capsys, "policy", "history", "--authority", "301")
    assert "alice" in out
