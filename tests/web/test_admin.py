"""The administrator's pages: accounts (add, disable, enable, reset, API tokens) and the audit
trail with its filters, paging and chain check, on both databases."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from caseload.auth import passwords
from caseload.auth.roles import AccountRole
from caseload.domain.codes import TeamKind
from caseload.errors import AuthenticationError
from caseload.services import accounts, audit
from caseload.services.audit import Actor, cli_actor
from caseload.storage import audit_writes
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority, Team, Worker
from caseload.web import create_app

from .council import PASSWORD, WebCouncil, sign_in

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(autouse=True)
def quick_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id settings: these tests are about the pages, not the hash's cost (which
    tests/auth/test_passwords.py checks). Left alone for the shared council, built once with the
    real settings."""
    if "shared_council" not in request.fixturenames:
        monkeypatch.setattr(passwords, "_HASHER", QUICK_HASHER)


class Site:
    """Council 301 with two teams and a worker, an administrator (signed in) and an analyst;
    council 302 with one account."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with session_scope(engine) as session:
            ours = Authority(code="301", name="Testshire")
            theirs = Authority(code="302", name="Otherton")
            session.add_all([ours, theirs])
            session.flush()
            session.add_all(
                [
                    Team(authority_id=ours.id, name="Fostering Team", kind=TeamKind.TEAM),
                    Team(authority_id=ours.id, name="Front Door", kind=TeamKind.TEAM),
                    Team(authority_id=theirs.id, name="Their Team", kind=TeamKind.TEAM),
                    Worker(
                        authority_id=ours.id, staff_number="E001", first_name="A", last_name="B"
                    ),
                ]
            )
        for username, role, code in (
            ("admin", AccountRole.ADMIN, "301"),
            ("analyst", AccountRole.ANALYST, "301"),
            ("elsewhere", AccountRole.ADMIN, "302"),
        ):
            accounts.add_user(
                engine,
                cli_actor("tests"),
                username=username,
                display_name=username.title(),
                role=role,
                authority_code=code,
                password=PASSWORD,
            )
        self.client = self.signed_in("admin")

    def signed_in(self, username: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(create_app(self.engine), follow_redirects=False)
        sign_in(client, username, password)
        return client

    def csrf(self, page: str = "/admin/users") -> str:
        """The session's CSRF token, as every form on the page carries it (the page's own forms
        as well as the header's sign-out form)."""
        html = self.client.get(page).text
        found = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
        assert len(found) == 1 and "" not in found, found
        return found.pop()

    def post(self, path: str, **fields: Any) -> httpx.Response:
        """Post a form with the token read from the page the form is on."""
        page = path if path.endswith("/new") else path.rsplit("/", 1)[0]
        data: dict[str, Any] = {"csrf_token": self.csrf(page)} | fields
        return self.client.post(path, data=data)

    def events(self, action: str | None = None) -> list[tuple[Any, ...]]:
        with session_scope(self.engine) as session:
            return [
                (e["actor"], e["role"], e["action"], e["target_id"], json.loads(e["detail"]))
                for e in audit_writes.all_events(session)
                if action is None or e["action"] == action
            ]


@pytest.fixture
def site(engine: Engine) -> Site:
    return Site(engine)


def secret_in(page: str) -> str:
    found = re.search(r'<code id="secret">([^<]+)</code>', page)
    assert found, page
    return found.group(1)


def cells(page: str) -> list[list[str]]:
    """The text of each body row of the page's first data table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        for row in rows
    ]


# Accounts


def test_the_accounts_page_lists_the_councils_accounts(shared_council: WebCouncil) -> None:
    page = shared_council.client(AccountRole.ADMIN).get("/admin/users")
    assert page.status_code == 200
    rows = cells(page.text)
    assert [row[:3] for row in rows] == [
        ["admin", "Test administrator", "Administrator"],
        ["analyst", "Test performance analyst", "Performance analyst"],
        ["leader", "Test service leader", "Service leader"],
        ["manager", "Test team manager", "Team manager"],
        ["member", "Test elected member", "Elected member"],
        ["worker", "Test social worker", "Social worker"],
    ]
    assert rows[3][3] == shared_council.own_team
    assert '<a href="/admin/users/leader">leader</a>' in page.text
    assert '<a class="button" href="/admin/users/new">Add an account</a>' in page.text


@pytest.mark.parametrize(
    "role", [AccountRole.LEADER, AccountRole.ANALYST, AccountRole.TEAM_MANAGER, AccountRole.MEMBER]
)
def test_other_roles_cannot_reach_the_admin_pages(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    client = shared_council.client(role)
    for path in ("/admin/users", "/admin/users/new", "/admin/users/admin", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "you do not have access to this" in response.text
    assert 'href="/admin/users"' not in client.get("/account/password").text


def test_adding_an_account_shows_its_one_time_password_once(site: Site) -> None:
    form = site.client.get("/admin/users/new").text
    for label in (
        '<label for="username">User name</label>',
        '<label for="display_name">Name</label>',
        '<label for="role">Role</label>',
        '<label for="teams">Teams',
        '<label for="staff_number">Staff number',
        '<label for="service">Service account</label>',
    ):
        assert label in form
    assert '<option value="Fostering Team">Fostering Team</option>' in form
    assert "Their Team" not in form
    added = site.post("/admin/users/new", username="JDoe", display_name="J Doe", role="leader")
    assert added.status_code == 200
    assert "The account jdoe (Service leader) was added." in added.text
    assert "shown only once" in added.text
    password = secret_in(added.text)
    assert len(password) == 16
    account_page = site.client.get("/admin/users/jdoe").text
    assert password not in account_page
    assert "<dt>State</dt><dd>new</dd>" in account_page
    newcomer = site.signed_in("jdoe", password)
    assert newcomer.get("/").headers["location"] == "/account/password"
    assert site.events("account_add")[-1] == (
        "admin",
        "admin",
        "account_add",
        "jdoe",
        {"role": "leader", "service": False},
    )


def test_team_managers_social_workers_and_service_accounts(site: Site) -> None:
    manager = site.post(
        "/admin/users/new",
        username="tm",
        display_name="T M",
        role="team_manager",
        teams=["Fostering Team", "Front Door"],
    )
    assert manager.status_code == 200
    assert (
        "<dt>Teams</dt><dd>Fostering Team, Front Door</dd>"
        in site.client.get("/admin/users/tm").text
    )
    worker = site.post(
        "/admin/users/new",
        username="sw",
        display_name="S W",
        role="social_worker",
        staff_number="E001",
    )
    assert worker.status_code == 200
    service = site.post(
        "/admin/users/new", username="feed", display_name="HR feed", role="analyst", service="yes"
    )
    assert service.status_code == 200
    assert "A service account has no password." in service.text
    assert '<code id="secret">' not in service.text
    rows = {row[0]: row for row in cells(site.client.get("/admin/users").text)}
    assert rows["feed"][2:5] == ["Performance analyst (service)", "", "active"]
    assert rows["tm"][3:5] == ["Fostering Team, Front Door", "new"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"username": "tm", "role": "team_manager"},
            "A team manager&#39;s account needs at least one --team",
        ),
        (
            {"username": "sw", "role": "social_worker"},
            "A social worker&#39;s account needs their --staff-number",
        ),
        (
            {"username": "sw", "role": "social_worker", "staff_number": "E999"},
            "No worker with staff number &#39;E999&#39;",
        ),
        (
            {"username": "admin", "role": "analyst"},
            "There is already an account called &#39;admin&#39;",
        ),
        (
            {"username": "bad name", "role": "analyst"},
            "User name &#39;bad name&#39; is not allowed",
        ),
        ({"username": "x", "role": "boss"}, "Choose the account&#39;s role."),
        (
            {"username": "x", "role": "team_manager", "teams": "Their Team"},
            "No team called &#39;Their Team&#39;",
        ),
    ],
)
def test_mistakes_keep_the_form_and_say_what_to_fix(
    site: Site, fields: dict[str, Any], message: str
) -> None:
    before = len(site.events())
    response = site.post("/admin/users/new", display_name="Kept Name", **fields)
    assert response.status_code == 400
    assert "The account was not added" in response.text
    assert message in response.text
    assert 'value="Kept Name"' in response.text
    assert len(site.events()) == before


def test_disabling_ends_the_persons_sessions_and_enabling_lets_them_back(site: Site) -> None:
    analyst = site.signed_in("analyst")
    assert analyst.get("/account/password").status_code == 200
    response = site.post("/admin/users/analyst/disable")
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/admin/users/analyst?done=disabled",
    )
    page = site.client.get(response.headers["location"]).text
    assert "The account was disabled: its sessions were ended and its API tokens revoked." in page
    assert "<dt>State</dt><dd>disabled</dd>" in page
    assert analyst.get("/account/password").headers["location"].startswith("/sign-in")
    with pytest.raises(AuthenticationError):
        accounts.sign_in(site.engine, "analyst", PASSWORD, source="test")
    enabled = site.post("/admin/users/analyst/enable")
    assert enabled.headers["location"] == "/admin/users/analyst?done=enabled"
    site.signed_in("analyst")
    assert [e[2] for e in site.events() if e[0] == "admin" and e[2].startswith("account_")] == [
        "account_disable",
        "account_enable",
    ]


def test_an_administrator_cannot_disable_their_own_account(site: Site) -> None:
    assert "Disable admin" not in site.client.get("/admin/users/admin").text
    response = site.post("/admin/users/admin/disable")
    assert response.status_code == 403
    assert "you cannot disable your own account" in response.text


def test_reset_password_shows_the_new_one_once(site: Site) -> None:
    response = site.post("/admin/users/analyst/reset-password")
    assert response.status_code == 200
    assert "analyst has a new one-time password" in response.text
    password = secret_in(response.text)
    with pytest.raises(AuthenticationError):
        accounts.sign_in(site.engine, "analyst", PASSWORD, source="test")
    assert accounts.sign_in(site.engine, "analyst", password, source="t").must_change_password
    assert site.events("password_reset") == [("admin", "admin", "password_reset", "analyst", {})]


def test_api_tokens_are_shown_once_and_can_be_revoked(site: Site) -> None:
    site.post(
        "/admin/users/new", username="feed", display_name="Feed", role="analyst", service="yes"
    )
    created = site.post("/admin/users/feed/token", name="reporting", days="30")
    assert created.status_code == 200
    assert "A token called &#39;reporting&#39; for feed, lasting 30 days." in created.text
    token = secret_in(created.text)
    assert token.startswith("cl_")
    assert accounts.principal_for_token(site.engine, token, source="t").username == "feed"
    page = site.client.get("/admin/users/feed").text
    assert token not in page
    assert cells(page)[0][:2] == ["reporting", "active"]
    revoked = site.post("/admin/users/feed/revoke-tokens")
    assert revoked.headers["location"] == "/admin/users/feed?done=revoked"
    assert cells(site.client.get("/admin/users/feed").text)[0][:2] == ["reporting", "revoked"]
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(site.engine, token, source="t")
    bad = site.post("/admin/users/feed/token", name="x", days="0")
    assert bad.status_code == 400
    assert "the days the token lasts must be a whole number from 1 to 3650, not 0" in bad.text


def test_forms_without_the_csrf_token_change_nothing(site: Site) -> None:
    for path in (
        "/admin/users/analyst/disable",
        "/admin/users/analyst/reset-password",
        "/admin/users/analyst/token",
        "/admin/users/new",
    ):
        response = site.client.post(
            path, data={"csrf_token": "forged", "username": "x", "role": "analyst"}
        )
        assert response.status_code == 403, path
    assert [a.state for a in accounts.list_users(site.engine, "301")] == ["active", "active"]
    assert site.events("token_add") == []


def test_another_councils_accounts_are_out_of_reach(site: Site) -> None:
    assert "elsewhere" not in site.client.get("/admin/users").text
    assert site.client.get("/admin/users/elsewhere").status_code == 404
    assert site.post("/admin/users/elsewhere/disable").status_code == 404
    assert site.post("/admin/users/elsewhere/reset-password").status_code == 404
    assert accounts.list_users(site.engine, "302")[0].state == "active"


# The audit trail


def test_the_audit_trail_filters_and_pages_newest_first(site: Site) -> None:
    ours = Actor("robot", "cli", 1, "cli")
    for number in range(60):
        audit.record(site.engine, ours, "view", "worker", number)
    audit.record(site.engine, Actor("other", "cli", 2, "cli"), "view", "worker", "theirs-only")
    first = site.client.get("/admin/audit")
    assert first.status_code == 200
    # council 302's events (its event above, and adding its account 'elsewhere') are not shown
    total = len([e for e in site.events() if e[0] != "other" and e[3] != "elsewhere"])
    assert f"Events 1 to 50 of {total}." in first.text
    rows = cells(first.text)
    assert len(rows) == 50
    ids = [int(row[0]) for row in rows]
    assert ids == sorted(ids, reverse=True)
    assert "theirs-only" not in first.text
    assert '<a href="/admin/audit?page=2" rel="next">Older events</a>' in first.text
    second = site.client.get("/admin/audit?page=2")
    assert f"Events 51 to {total} of {total}." in second.text
    only = site.client.get("/admin/audit?actor=robot&target_id=7&action=view").text
    assert [row[2:7] for row in cells(only)] == [
        ["robot", "Command line", "Viewed the record of worker 7", "done", "cli"]
    ]
    labels = ["User", "Action", "Outcome", "About", "Record number", "From", "To"]
    for label in labels:
        assert f">{label}</label>" in only
    paged = site.client.get("/admin/audit?actor=robot&page=2").text
    assert "Events 51 to 60 of 60." in paged
    assert '<a href="/admin/audit?actor=robot&amp;page=1" rel="prev">Newer events</a>' in paged
    with site.engine.connect() as connection:
        day = str(connection.scalar(text("SELECT MIN(at) FROM audit_event")))[:10]
    assert (
        "of 60." in site.client.get(f"/admin/audit?actor=robot&date_from={day}&date_to={day}").text
    )
    assert "No events match." in site.client.get("/admin/audit?actor=robot&date_to=2000-01-01").text
    wrong = site.client.get("/admin/audit?date_from=yesterday")
    assert "&#39;From&#39; must be a date; it was left out of the search." in wrong.text


def test_failed_sign_ins_show_in_the_trail(site: Site) -> None:
    with pytest.raises(AuthenticationError):
        accounts.sign_in(site.engine, "analyst", "wrong password!", source="10.1.2.3")
    rows = cells(site.client.get("/admin/audit?outcome=failed").text)
    assert [row[2:8] for row in rows] == [
        [
            "analyst",
            "Performance analyst",
            "Tried to sign in as analyst",
            "failed",
            "10.1.2.3",
            "reason: wrong password",
        ]
    ]


def test_the_chain_check_reports_intact_and_broken(site: Site) -> None:
    page = site.client.get("/admin/audit").text
    assert '<a class="button secondary" href="/admin/audit?check=yes">Check the chain</a>' in page
    count = len(site.events())
    intact = site.client.get("/admin/audit?check=yes").text
    assert "The chain is intact" in intact
    assert f"{count} events checked; the newest is event {count}." in intact
    with site.engine.begin() as connection:
        if site.engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER trg_audit_event_append_only_UPDATE"))
        else:
            connection.execute(text("DROP TRIGGER trg_audit_event_append_only ON audit_event"))
        connection.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE id = 2"))
    broken = site.client.get("/admin/audit?check=yes").text
    assert "The chain is broken" in broken
    assert "<li>Event 2 its contents were changed after writing</li>" in broken


def test_the_filtered_audit_trail_downloads_in_words(site: Site) -> None:
    ours = Actor("robot", "cli", 1, "cli")
    for number in range(3):
        audit.record(site.engine, ours, "view", "worker", number)
    page = site.client.get("/admin/audit?actor=robot")
    assert 'href="/admin/audit/download?actor=robot&amp;format=xlsx"' in page.text
    text = site.client.get("/admin/audit/download?actor=robot&format=csv")
    assert text.status_code == 200
    lines = text.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Event,When (UTC),User,Role,What happened,Outcome,From,Detail"
    assert [line.split(",")[4] for line in lines[1:]] == [
        f"Viewed the record of worker {n}" for n in (2, 1, 0)
    ]
    exported = site.events("export")
    assert [(e[0], e[4]["rows"], e[4]["actor"]) for e in exported] == [("admin", 3, "robot")]


def test_viewing_the_accounts_is_recorded(site: Site) -> None:
    before = len(site.events("view"))
    assert site.client.get("/admin/users").status_code == 200
    assert site.client.get("/admin/users/analyst").status_code == 200
    views = site.events("view")[before:]
    assert [(e[0], e[2]) for e in views] == [("admin", "view"), ("admin", "view")]
    assert views[0][4]["accounts_shown"] >= 2
