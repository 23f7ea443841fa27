"""``caseload users``: adding, listing, disabling, enabling, resetting and tokens, on both
databases; mistakes are one line on stderr with exit code 2 and no traceback."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine

from caseload.auth import passwords
from caseload.cli import users
from caseload.cli.app import main
from caseload.domain.codes import TeamKind
from caseload.errors import AuthenticationError
from caseload.services import accounts
from caseload.storage import audit_writes
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority, Team, Worker

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(autouse=True)
def quick_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id settings: these tests are about accounts, not the hash's cost (which
    tests/auth/test_passwords.py checks). Left alone for the shared council, built once with the
    real settings."""
    if "shared_council" not in request.fixturenames:
        monkeypatch.setattr(passwords, "_HASHER", QUICK_HASHER)


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database behind every ``caseload users`` command, acted on by ``operator``."""
    monkeypatch.setattr(users, "engine", lambda: engine)
    monkeypatch.setenv("CASELOAD_USER", "Operator")
    monkeypatch.setenv("COLUMNS", "200")
    return engine


@pytest.fixture
def council(database: Engine) -> Engine:
    with session_scope(database) as session:
        authority = Authority(code="301", name="Testshire")
        session.add(authority)
        session.flush()
        session.add(Team(authority_id=authority.id, name="Fostering Team", kind=TeamKind.TEAM))
        session.add(
            Worker(authority_id=authority.id, staff_number="E001", first_name="A", last_name="B")
        )
    return database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def password_in(out: str) -> str:
    found = re.search(r"password(?: for \S+)?: (\S+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


def events(engine: Engine) -> list[tuple[Any, ...]]:
    with session_scope(engine) as session:
        return [
            (e["actor"], e["role"], e["action"], e["target_id"], json.loads(e["detail"]))
            for e in audit_writes.all_events(session)
        ]


def test_add_prints_a_one_time_password_that_works(
    council: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "users", "add", "JDoe", "--role", "analyst", "--name", "J Doe")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Added jdoe (Performance analyst)."
    password = password_in(out)
    assert len(password) == 16
    signed = accounts.sign_in(council, "jdoe", password, source="test")
    assert signed.must_change_password is True
    assert events(council)[0] == (
        "operator",
        "cli",
        "account_add",
        "jdoe",
        {"role": "analyst", "service": False},
    )


def test_add_a_team_manager_a_social_worker_and_a_service(
    council: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys, "users", "add", "tm", "--role", "team_manager", "--team", "fostering team"
    )
    assert code == 0
    code, _, _ = run(
        capsys, "users", "add", "sw", "--role", "social_worker", "--staff-number", "E001"
    )
    assert code == 0
    code, out, _ = run(capsys, "users", "add", "feed", "--role", "analyst", "--service")
    assert (code, out) == (
        0,
        "Added feed (Performance analyst).\nCreate a token with 'caseload users token feed'.\n",
    )
    code, out, _ = run(capsys, "users", "list", "--format", "json")
    listed = {a["username"]: a for a in json.loads(out)}
    assert listed["tm"]["teams"] == ["Fostering Team"]
    assert listed["sw"]["worker_id"] is not None
    assert listed["feed"] == {
        "username": "feed",
        "display_name": "feed",
        "role": "analyst",
        "teams": [],
        "worker_id": None,
        "service_account": True,
        "disabled": False,
        "locked": False,
        "must_change_password": False,
        "last_sign_in_at": None,
        "active_tokens": 0,
    }


def test_list_shows_a_table(council: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "users", "add", "jdoe", "--role", "leader", "--name", "J Doe")
    run(capsys, "users", "add", "old", "--role", "member")
    run(capsys, "users", "disable", "old")
    code, out, _ = run(capsys, "users", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].strip() == "Accounts"
    header = [cell.strip() for cell in lines[2].split("┃")[1:-1]]
    assert header == ["User", "Name", "Role", "Teams", "State", "Last sign-in"]
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]
    assert rows == [
        ["jdoe", "J Doe", "Service leader", "", "new", ""],
        ["old", "old", "Elected member", "", "disabled", ""],
    ]


def test_disable_enable_and_reset_password(
    council: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "users", "add", "jdoe", "--role", "leader")
    first = password_in(out)
    assert run(capsys, "users", "disable", "jdoe") == (0, "Disabled jdoe.\n", "")
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "jdoe", first, source="test")
    assert run(capsys, "users", "enable", "JDOE") == (0, "Enabled jdoe.\n", "")
    accounts.sign_in(council, "jdoe", first, source="test")
    code, out, _ = run(capsys, "users", "reset-password", "jdoe")
    assert code == 0
    assert out.startswith("One-time password for jdoe: ")
    second = password_in(out)
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "jdoe", first, source="test")
    accounts.sign_in(council, "jdoe", second, source="test")
    assert [e[2] for e in events(council) if e[0] == "operator"] == [
        "account_add",
        "account_disable",
        "account_enable",
        "password_reset",
    ]


def test_tokens_are_printed_once_and_revoked(
    council: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "users", "add", "feed", "--role", "analyst", "--service")
    code, out, _ = run(capsys, "users", "token", "feed", "--name", "reporting", "--days", "30")
    assert code == 0
    prefix = "API token (shown once; send as 'Authorization: Bearer ...'): "
    assert out.startswith(prefix)
    token = out[len(prefix) :].strip()
    assert accounts.principal_for_token(council, token, source="test").username == "feed"
    assert run(capsys, "users", "token", "feed", "--revoke") == (
        0,
        "Revoked 1 token(s) of feed.\n",
        "",
    )
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(council, token, source="test")
    assert [e[2:] for e in events(council)[-2:]] == [
        ("token_add", "feed", {"name": "reporting"}),
        ("token_revoke", "feed", {"count": 1}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["users", "add", "x"],
            "error: say the account's role with --role: admin, leader, team_manager, analyst, "
            "social_worker, member",
        ),
        (
            ["users", "add", "tm", "--role", "team_manager"],
            "error: a team manager's account needs at least one --team",
        ),
        (
            ["users", "add", "tm", "--role", "team_manager", "--team", "Nowhere"],
            "error: no team called 'Nowhere'; 'caseload caseloads' lists the teams",
        ),
        (
            ["users", "add", "sw", "--role", "social_worker"],
            "error: a social worker's account needs their --staff-number",
        ),
        (
            ["users", "add", "bad name", "--role", "analyst"],
            "error: user name 'bad name' is not allowed: use 1-80 letters, digits, '.', '_' or '-'",
        ),
        (
            ["users", "add", "x", "--role", "analyst", "--authority", "999"],
            "error: no authority with code '999' in the database; known codes include 301",
        ),
        (
            ["users", "disable", "nobody"],
            "error: no account called 'nobody'; 'caseload users list' lists them",
        ),
        (
            ["users", "enable", "nobody"],
            "error: no account called 'nobody'; 'caseload users list' lists them",
        ),
        (
            ["users", "reset-password", "nobody"],
            "error: no account called 'nobody'; 'caseload users list' lists them",
        ),
        (
            ["users", "token", "nobody"],
            "error: no account called 'nobody'; 'caseload users list' lists them",
        ),
        (
            ["users", "list", "--authority", "999"],
            "error: no authority with code '999' in the database; known codes include 301",
        ),
    ],
)
def test_mistakes_are_one_line_with_exit_2(
    council: Engine, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err == message + "\n"


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["users", "add", "x", "--role", "boss"], "error: Invalid value for '--role'"),
        (["users", "token", "x", "--days", "0"], "error: --days must be a whole number"),
        (["users", "disable"], "error: Missing argument 'USERNAME'"),
    ],
)
def test_usage_errors_exit_2(
    council: Engine, capsys: pytest.CaptureFixture[str], args: list[str], start: str
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith(start)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_database_without_a_council(database: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "users", "add", "x", "--role", "analyst") == (
        2,
        "",
        "error: the database holds no council yet; run 'caseload demo' or load data first\n",
    )
