"""Probe: who sees which audit events, and which views are recorded.

Every event belongs to a council or to the installation. A council's administrator sees their
council's events only: not another council's failed sign-ins, not the command line's changes to
another council's accounts, not the installation's events (failed sign-ins with unknown names),
which are read with ``caseload audit events``. Account commands on the command line are recorded
under the account's council."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from caseload.auth.roles import AccountRole
from caseload.cli import audit as audit_command
from caseload.cli import users as users_command
from caseload.cli.app import main
from caseload.errors import AuthenticationError
from caseload.services import accounts, audit
from caseload.services.audit import EventFilter, cli_actor
from caseload.web import create_app

from .councils import PASSWORD, WRONG, Councils, events, last_event_id

OPERATOR = cli_actor("operator")


def account_changes_on_the_command_line(councils: Councils) -> None:
    """What an operator does to council 302's accounts."""
    engine = councils.engine
    accounts.add_user(
        engine,
        OPERATOR,
        username="carol",
        display_name="Carol",
        role=AccountRole.LEADER,
        authority_code="302",
        password=PASSWORD,
    )
    accounts.reset_password(engine, OPERATOR, "bob")
    accounts.disable_user(engine, OPERATOR, "bob")
    accounts.enable_user(engine, OPERATOR, "bob")
    accounts.create_api_token(engine, OPERATOR, "bob", name="feed")
    accounts.revoke_api_tokens(engine, OPERATOR, "bob")


def test_command_line_account_changes_belong_to_the_accounts_council(councils: Councils) -> None:
    before = last_event_id(councils.engine)
    account_changes_on_the_command_line(councils)
    written = [
        (e["actor"], e["action"], e["target_id"], e["authority_id"])
        for e in events(councils.engine, before)
    ]
    second = councils.second_id
    assert written == [
        ("operator", "account_add", "carol", second),
        ("operator", "password_reset", "bob", second),
        ("operator", "account_disable", "bob", second),
        ("operator", "account_enable", "bob", second),
        ("operator", "token_add", "bob", second),
        ("operator", "token_revoke", "bob", second),
    ]


def test_an_administrator_sees_only_their_own_councils_events(councils: Councils) -> None:
    engine = councils.engine
    admin1 = accounts.sign_in(engine, "admin1", PASSWORD, source="198.51.100.1").principal
    admin2 = accounts.sign_in(engine, "admin2", PASSWORD, source="198.51.100.2").principal
    account_changes_on_the_command_line(councils)
    for name in ("bob", "nobody", ""):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(engine, name, WRONG, source="203.0.113.4")
    with pytest.raises(AuthenticationError):
        accounts.sign_in(engine, "ana", WRONG, source="203.0.113.4")

    seen, total = audit.search(engine, admin1, EventFilter(), limit=1000)
    assert total == len(seen)
    assert {e["authority_id"] for e in seen} == {councils.first_id}
    assert sorted((e["actor"], e["action"], e["outcome"]) for e in seen) == [
        ("admin1", "sign_in", "allowed"),
        ("ana", "sign_in", "failed"),
        ("tester", "account_add", "allowed"),
        ("tester", "account_add", "allowed"),
    ]
    assert audit.choices_for(engine, admin1) == {
        "action": ["account_add", "sign_in"],
        "target_type": ["account"],
    }
    theirs, _ = audit.search(engine, admin2, EventFilter(outcome="failed"), limit=1000)
    assert [(e["actor"], e["target_id"]) for e in theirs] == [("bob", "bob")]


def test_the_audit_page_shows_no_other_councils_or_installation_events(
    councils: Councils,
) -> None:
    engine = councils.engine
    for name in ("bob", "nobody"):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(engine, name, WRONG, source="203.0.113.4")
    accounts.reset_password(engine, OPERATOR, "bob")
    client = TestClient(create_app(engine), follow_redirects=False)
    page = client.get("/sign-in")
    token = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    form = {"username": "admin1", "password": PASSWORD, "presign": token, "next": "/"}
    assert client.post("/sign-in", data=form).status_code == 303
    text = client.get("/admin/audit").text
    assert "(unknown)" not in text
    assert ">bob<" not in text
    assert "operator" not in text
    assert "Events 1 to 3 of 3." in text


def test_installation_events_are_read_on_the_command_line(
    councils: Councils, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = councils.engine
    monkeypatch.setattr(users_command, "engine", lambda: engine)
    monkeypatch.setattr(audit_command, "engine", lambda: engine)
    assert main(["users", "reset-password", "bob", "--user", "Operator"]) == 0
    with pytest.raises(AuthenticationError):
        accounts.sign_in(engine, "nobody", WRONG, source="203.0.113.4")
    capsys.readouterr()

    assert main(["audit", "events", "--installation", "--format", "json"]) == 0
    installation = json.loads(capsys.readouterr().out)
    assert [
        (e["actor"], e["action"], e["outcome"], e["authority_id"], json.loads(e["detail"]))
        for e in installation["events"]
    ] == [("(unknown)", "sign_in", "failed", None, {"reason": "unknown user"})]

    assert main(["audit", "events", "--authority", "302", "--format", "json"]) == 0
    council = json.loads(capsys.readouterr().out)
    assert [(e["actor"], e["action"], e["target_id"]) for e in council["events"]] == [
        ("operator", "password_reset", "bob"),
        ("tester", "account_add", "bob"),
        ("tester", "account_add", "admin2"),
    ]
    assert main(["audit", "events", "--authority", "302", "--installation"]) == 2
    assert "choose either --authority or --installation" in capsys.readouterr().err
