"""``caseload audit verify`` on both databases, and the audit events written by the commands that
export data or change it (imports, census returns, the pseudonymised export, the policy)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text

from caseload.caseloads.policy import default_policy_text
from caseload.census.xml_return import write_return
from caseload.cli import audit as audit_command
from caseload.cli.app import main
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies
from caseload.services import audit
from caseload.services.audit import cli_actor
from caseload.storage import audit_writes, schema
from caseload.storage.engine import make_engine, session_scope

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
SECRET = "k3y-for-tests-0123456789abcdefghijklmnop"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def drop_guard(engine: Engine) -> None:
    """What a database owner could do: remove the append-only triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for event in ("UPDATE", "DELETE"):
                connection.execute(text(f"DROP TRIGGER trg_audit_event_append_only_{event}"))
        else:
            connection.execute(text("DROP TRIGGER trg_audit_event_append_only ON audit_event"))


@pytest.fixture
def trail(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Three events, behind ``caseload audit``."""
    monkeypatch.setattr(audit_command, "engine", lambda: engine)
    for number in (1, 2, 3):
        audit.record(engine, cli_actor("tester"), "view", "worker", number)
    return engine


def head(engine: Engine) -> str:
    result = audit.verify(engine)
    assert result.head is not None
    return f"{result.head[0]}:{result.head[1]}"


def test_an_intact_trail_exits_0(trail: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    newest = head(trail)
    code, out, err = run(capsys, "audit", "verify")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "The audit trail is intact: 3 events checked.",
        f"Newest event: {newest}",
        f"Keep this line; 'caseload audit verify --expect {newest}' later also shows whether "
        "newer events were removed.",
    ]
    code, out, _ = run(capsys, "audit", "verify", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"checked": 3, "intact": True, "newest": newest, "breaks": []}


def test_a_changed_event_exits_1_and_is_named(
    trail: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_guard(trail)
    with trail.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'someone' WHERE id = 2"))
    code, out, err = run(capsys, "audit", "verify")
    assert code == 1
    assert out == "Event 2: its contents were changed after writing\n"
    assert err == (
        "error: the audit trail has been tampered with: 1 problem(s) in 3 events; keep a copy "
        "of the database for investigation\n"
    )
    code, out, _ = run(capsys, "audit", "verify", "--format", "json")
    assert code == 1
    assert json.loads(out)["breaks"] == [
        {"event": 2, "problem": "its contents were changed after writing"}
    ]


def test_removing_the_newest_event_is_found_with_expect(
    trail: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = head(trail)
    drop_guard(trail)
    with trail.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = 3"))
    assert run(capsys, "audit", "verify")[0] == 0
    code, out, _ = run(capsys, "audit", "verify", "--expect", newest)
    assert code == 1
    assert out == "Event 3: is missing: the trail ends before it (events were removed)\n"
    code, out, err = run(capsys, "audit", "verify", "--expect", "3")
    assert (code, out) == (2, "")
    assert err.startswith("error: '3' is not an event's id and hash; give them as ID:HASH")


# The commands that export or change data write the trail (SQLite through the URL, as run).


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    monkeypatch.setenv("CASELOAD_USER", "Operator")
    monkeypatch.setenv("CASELOAD_PSEUDONYM_SECRET", SECRET)
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    return engine


def events(engine: Engine) -> list[tuple[Any, ...]]:
    with session_scope(engine) as session:
        return [
            (e["actor"], e["role"], e["action"], e["target_type"], e["target_id"], e["detail"])
            for e in audit_writes.all_events(session)
        ]


def load_hr(capsys: pytest.CaptureFixture[str], *extra: str) -> int:
    code, _, _ = run(
        capsys, "import", "hr", str(FIXTURES / "hr_awkward.csv"), "--mapping", "generic",
        "--as-at", "2025-03-31", "--authority", "301", "--authority-name", "Testshire", *extra,
    )  # fmt: skip
    return code


def test_imports_are_recorded_and_dry_runs_are_not(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_hr(capsys, "--dry-run") == 3
    assert events(database) == []
    assert load_hr(capsys) == 3
    assert load_hr(capsys, "--user", "Someone Else") == 3  # the same file again: no changes
    recorded = events(database)
    assert [e[:5] for e in recorded] == [
        ("operator", "cli", "change", "import", "1"),
        ("someone else", "cli", "change", "import", "2"),
    ]
    assert json.loads(recorded[0][5]) == {
        "kind": "hr",
        "authority": "301",
        "file": "hr_awkward.csv",
        "as_at": "2025-03-31",
        "rows": 9,
        "added": 24,
        "changed": 0,
        "ended": 0,
        "warnings": 1,
    }
    assert json.loads(recorded[1][5])["added"] == 0


def test_the_pseudonymised_export_is_recorded(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    load_hr(capsys)
    code, _, err = run(capsys, "export", "pseudonymised", "--out", str(tmp_path / "share"))
    assert (code, err) == (0, "")
    event = events(database)[-1]
    assert event[:5] == ("operator", "cli", "export", "pseudonymised_export", "share")
    detail = json.loads(event[5])
    assert (detail["authorities"], detail["as_at"], detail["files"]["workers.csv"]) == (
        ["301"],
        "2025-03-31",
        5,
    )
    assert "Asha" not in event[5]


def test_setting_the_policy_is_recorded(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    load_hr(capsys)
    policy = tmp_path / "ours.yaml"
    policy.write_text(default_policy_text())
    code, _, err = run(capsys, "policy", "set", str(policy), "--authority", "301")
    assert (code, err) == (0, "")
    assert events(database)[-1] == (
        "operator",
        "cli",
        "change",
        "policy",
        "1",
        '{"authority": "301", "file": "ours.yaml"}',
    )


def return_file(folder: Path) -> Path:
    own: dict[str, Any] = {
        "AgencyWorker": 0, "SWENo": "SW100001", "FTE": 0.6, "PersonBirthDate": date(1985, 3, 14),
        "GenderCurrent": 2, "Ethnicity": "WBRI", "QualLevel": 1, "OrgRole": 5,
        "RoleStartDate": date(2019, 9, 2), "StartOrigin": 1, "FTE30": 0.6, "Cases30": 12,
        "CFKSSstatus": 2,
    }  # fmt: skip
    records = conform_records(
        pl.DataFrame([{item: own.get(item) for item in WORKER_ITEMS}], schema=WORKER_ITEMS)
    )
    council = conform_vacancies(
        pl.DataFrame([{"NumberOfVacancies": 2.0, "NoAgencyFTE": 1.0, "NoAgencyHeadcount": 1}])
    )
    path = folder / "return.xml"
    path.write_bytes(
        write_return(
            records,
            council,
            lea="301",
            census_year=2025,
            software_code="Council HR",
            generated_at=datetime(2025, 10, 6, tzinfo=UTC),
        )
    )
    return path


def test_census_returns_imported_and_exported_are_recorded(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = return_file(tmp_path)
    assert run(capsys, "census", "import", str(source))[0] == 0
    assert run(capsys, "census", "import", str(source))[0] == 0  # unchanged: nothing recorded
    out = tmp_path / "2025.xml"
    code, _, err = run(
        capsys, "census", "export", "--year", "2025", "--authority", "301", "--out", str(out),
        "--user", "Returns Lead",
    )  # fmt: skip
    assert (code, err) == (0, "")
    imported, exported = events(database)
    assert imported[:5] == ("operator", "cli", "change", "census_return", "301/2025")
    assert json.loads(imported[5])["file"] == "return.xml"
    assert exported[:5] == ("returns lead", "cli", "export", "census_return", "301/2025")
    detail = json.loads(exported[5])
    assert detail == {
        "file": "2025.xml",
        "authority": "301",
        "census_year": 2025,
        "workers": 1,
        "sha256": detail["sha256"],
    }
    assert len(detail["sha256"]) == 64


def test_a_refused_export_writes_no_event(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(
        capsys, "census", "export", "--year", "2025", "--authority", "301", "--out",
        str(tmp_path / "x.xml"),
    )  # fmt: skip
    assert code == 2
    assert events(database) == []
