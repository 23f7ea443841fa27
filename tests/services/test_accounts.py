"""Accounts: adding and managing them, password sign-in with lock-out, session expiry (idle and
absolute), disabled accounts, API tokens, and the audit events each writes. Times are set by
replacing ``caseload.services.accounts.now``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, select

from caseload.auth import passwords
from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.domain.codes import TeamKind
from caseload.errors import AccessDeniedError, AuthenticationError, InvalidInputError, NotFoundError
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage import audit_writes
from caseload.storage.account_models import UserAccount
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority, Team, Worker

PASSWORD = "violet kettle 42 harbour"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BY = cli_actor("tester")

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(autouse=True)
def quick_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id settings: these tests are about accounts, not the hash's cost (which
    tests/auth/test_passwords.py checks). Left alone for the shared council, built once with the
    real settings."""
    if "shared_council" not in request.fixturenames:
        monkeypatch.setattr(passwords, "_HASHER", QUICK_HASHER)


class Clock:
    """A settable ``now`` for the accounts service."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = START
        monkeypatch.setattr(accounts, "now", lambda: self.moment)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def add_council(engine: Engine, code: str = "301") -> int:
    """An authority with a service area, two teams (one with '_' in its name) and a worker."""
    with session_scope(engine) as session:
        authority = Authority(code=code, name=f"Council {code}")
        session.add(authority)
        session.flush()
        area = Team(authority_id=authority.id, name="Front Door", kind=TeamKind.SERVICE_AREA)
        session.add(area)
        session.flush()
        session.add_all(
            [
                Team(authority_id=authority.id, name="AB1", kind=TeamKind.TEAM),
                Team(authority_id=authority.id, name="A_1", kind=TeamKind.TEAM),
                Team(
                    authority_id=authority.id,
                    name="Assessment",
                    kind=TeamKind.TEAM,
                    parent_id=area.id,
                ),
                Worker(
                    authority_id=authority.id, staff_number="E001", first_name="A", last_name="B"
                ),
            ]
        )
        return authority.id


@pytest.fixture
def council(engine: Engine) -> Engine:
    add_council(engine)
    accounts.add_user(
        engine, BY, username="ana", display_name="Ana", role=AccountRole.ANALYST, password=PASSWORD
    )
    return engine


def events(engine: Engine) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        return list(audit_writes.all_events(session))


def brief(engine: Engine, since: int = 0) -> list[tuple[Any, ...]]:
    """(actor, action, outcome, target id, detail) of the events after id ``since``."""
    return [
        (e["actor"], e["action"], e["outcome"], e["target_id"], json.loads(e["detail"]))
        for e in events(engine)
        if e["id"] > since
    ]


def last_id(engine: Engine) -> int:
    found = events(engine)
    return found[-1]["id"] if found else 0


def principal(engine: Engine, username: str) -> Principal:
    signed = accounts.sign_in(engine, username, PASSWORD, source="test")
    return signed.principal


# Adding accounts


def test_add_user_with_a_one_time_password(engine: Engine) -> None:
    add_council(engine)
    view, password = accounts.add_user(
        engine, BY, username=" JSmith ", display_name="J Smith", role=AccountRole.LEADER
    )
    assert password is not None
    assert len(password) == 16
    assert view.to_dict() == {
        "username": "jsmith",
        "display_name": "J Smith",
        "role": "leader",
        "teams": [],
        "worker_id": None,
        "service_account": False,
        "disabled": False,
        "locked": False,
        "must_change_password": True,
        "last_sign_in_at": None,
        "active_tokens": 0,
    }
    assert view.state == "new"
    signed = accounts.sign_in(engine, "jsmith", password, source="test")
    assert signed.must_change_password is True
    assert brief(engine)[0] == (
        "tester",
        "account_add",
        "allowed",
        "jsmith",
        {"role": "leader", "service": False},
    )


def test_team_names_match_whole_names_ignoring_case(engine: Engine) -> None:
    add_council(engine)
    view, _ = accounts.add_user(
        engine, BY, username="tm", display_name="", role=AccountRole.TEAM_MANAGER, teams=["a_1"]
    )
    assert view.teams == ["A_1"]
    assert view.display_name == "tm"
    accounts.add_user(
        engine,
        BY,
        username="tm2",
        display_name="",
        role=AccountRole.TEAM_MANAGER,
        teams=["Front Door"],
    )
    # A service area brings its teams into the account's scope.
    with session_scope(engine) as session:
        account = session.scalars(select(UserAccount).where(UserAccount.username == "tm2")).one()
        scope = accounts.principal_of(session, account, "test").team_ids
        names = set(session.scalars(select(Team.name).where(Team.id.in_(scope))))
    assert names == {"Front Door", "Assessment"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"username": "bad name"}, "user name 'bad name' is not allowed"),
        ({"username": ""}, "user name '' is not allowed"),
        ({"role": AccountRole.TEAM_MANAGER}, "a team manager's account needs at least one --team"),
        (
            {"role": AccountRole.SOCIAL_WORKER},
            "a social worker's account needs their --staff-number",
        ),
        (
            {"role": AccountRole.SOCIAL_WORKER, "staff_number": "E999"},
            "no worker with staff number 'E999'",
        ),
        (
            {"role": AccountRole.TEAM_MANAGER, "teams": ["Nowhere"]},
            "no team called 'Nowhere'",
        ),
        ({"username": "ana"}, "there is already an account called 'ana'"),
        ({"password": "too short"}, "the password is too short"),
        ({"authority_code": "999"}, "no authority with code '999' in the database"),
    ],
)
def test_add_user_refuses_with_one_line(
    council: Engine, extra: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {
        "username": "new",
        "display_name": "New",
        "role": AccountRole.ANALYST,
    } | extra
    before = last_id(council)
    with pytest.raises((InvalidInputError, NotFoundError)) as caught:
        accounts.add_user(council, BY, **arguments)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert last_id(council) == before


def test_a_social_worker_is_linked_to_their_record(council: Engine) -> None:
    view, _ = accounts.add_user(
        council,
        BY,
        username="sw",
        display_name="S W",
        role=AccountRole.SOCIAL_WORKER,
        staff_number=" E001 ",
    )
    with session_scope(council) as session:
        worker_id = session.scalar(select(Worker.id).where(Worker.staff_number == "E001"))
    assert view.worker_id == worker_id


def test_a_service_account_has_no_password(council: Engine) -> None:
    view, password = accounts.add_user(
        council, BY, username="hr-feed", display_name="HR", role=AccountRole.ANALYST, service=True
    )
    assert password is None
    assert view.state == "active"
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "hr-feed", "", source="test")
    with pytest.raises(InvalidInputError, match="is a service account"):
        accounts.reset_password(council, BY, "hr-feed")


def test_with_several_councils_the_command_line_must_say_which(council: Engine) -> None:
    add_council(council, "302")
    with pytest.raises(InvalidInputError, match="--authority CODE"):
        accounts.add_user(council, BY, username="x", display_name="", role=AccountRole.MEMBER)
    accounts.add_user(
        council, BY, username="x", display_name="", role=AccountRole.MEMBER, authority_code="302"
    )
    assert [a.username for a in accounts.list_users(council, "302")] == ["x"]
    assert [a.username for a in accounts.list_users(council)] == ["ana", "x"]


# Administrators act on their own council only, and only with the permission


def test_only_administrators_manage_accounts_and_refusals_are_recorded(council: Engine) -> None:
    analyst = principal(council, "ana")
    before = last_id(council)
    with pytest.raises(AccessDeniedError, match="the performance analyst role cannot manage users"):
        accounts.add_user(council, analyst, username="x", display_name="", role=AccountRole.ADMIN)
    with pytest.raises(AccessDeniedError):
        accounts.disable_user(council, analyst, "ana")
    assert [(b[0], b[1], b[2]) for b in brief(council, before)] == [
        ("ana", "manage_users", "refused"),
        ("ana", "manage_users", "refused"),
    ]


def test_an_administrator_manages_only_their_own_council(council: Engine) -> None:
    accounts.add_user(
        council, BY, username="boss", display_name="", role=AccountRole.ADMIN, password=PASSWORD
    )
    add_council(council, "302")
    accounts.add_user(
        council,
        BY,
        username="elsewhere",
        display_name="",
        role=AccountRole.LEADER,
        authority_code="302",
    )
    admin = principal(council, "boss")
    assert [a.username for a in accounts.list_users_for(council, admin)] == ["ana", "boss"]
    for action in (accounts.disable_user, accounts.enable_user, accounts.reset_password):
        with pytest.raises(NotFoundError, match="no account called 'elsewhere'"):
            action(council, admin, "elsewhere")
    with pytest.raises(InvalidInputError, match="to their own council only"):
        accounts.add_user(
            council,
            admin,
            username="y",
            display_name="",
            role=AccountRole.MEMBER,
            authority_code="302",
        )
    view, _ = accounts.add_user(
        council, admin, username="y", display_name="", role=AccountRole.MEMBER
    )
    assert accounts.list_users(council, "301")[-1].username == "y" == view.username
    with pytest.raises(AccessDeniedError, match="you cannot disable your own account"):
        accounts.disable_user(council, admin, "BOSS")
    assert brief(council)[-1][:4] == ("boss", "account_add", "allowed", "y")


# Signing in and lock-out


def test_five_wrong_passwords_lock_the_account_for_15_minutes(
    council: Engine, clock: Clock
) -> None:
    before = last_id(council)
    for _ in range(5):
        with pytest.raises(AuthenticationError) as caught:
            accounts.sign_in(council, "ana", "wrong password!", source="10.0.0.1")
        assert str(caught.value) == accounts.SIGN_IN_FAILED
    assert accounts.list_users(council)[0].state == "locked"
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "ana", PASSWORD, source="10.0.0.1")
    clock.advance(seconds=1)
    signed = accounts.sign_in(council, "ana", PASSWORD, source="10.0.0.1")
    assert signed.principal.username == "ana"
    reasons = [(b[1], b[2], b[4].get("reason")) for b in brief(council, before)]
    assert reasons == [("sign_in", "failed", "wrong password")] * 5 + [
        ("sign_in", "failed", "disabled, locked or service account"),
        ("sign_in", "allowed", None),
    ]
    assert brief(council, before)[4][4]["locked_until"] == "2026-03-02T09:15:00+00:00"


def test_a_good_sign_in_starts_the_count_again(council: Engine, clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(council, "ana", "wrong password!", source="test")
    accounts.sign_in(council, "ana", PASSWORD, source="test")
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(council, "ana", "wrong password!", source="test")
    assert accounts.sign_in(council, "ana", PASSWORD, source="test").principal.username == "ana"


def test_an_unknown_name_is_refused_without_recording_what_was_typed(council: Engine) -> None:
    before = last_id(council)
    with pytest.raises(AuthenticationError) as caught:
        accounts.sign_in(council, "hunter2-typed-in-the-wrong-box", "x", source="test")
    assert str(caught.value) == accounts.SIGN_IN_FAILED
    assert brief(council, before) == [
        ("(unknown)", "sign_in", "failed", None, {"reason": "unknown user"})
    ]
    assert "hunter2" not in json.dumps(events(council))


def test_an_administrator_unlocks_an_account(council: Engine, clock: Clock) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(council, "ana", "wrong password!", source="test")
    assert accounts.enable_user(council, BY, "ana").state == "active"
    accounts.sign_in(council, "ana", PASSWORD, source="test")


# Sessions


def test_a_session_ends_after_30_idle_minutes(council: Engine, clock: Clock) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    clock.advance(minutes=29)
    assert accounts.resolve_session(council, token, source="test").principal.username == "ana"
    clock.advance(minutes=29, seconds=59)
    accounts.resolve_session(council, token, source="test")
    clock.advance(minutes=30)
    with pytest.raises(AuthenticationError, match="your session has expired"):
        accounts.resolve_session(council, token, source="test")
    with pytest.raises(AuthenticationError, match="your session has ended"):
        accounts.resolve_session(council, token, source="test")


def test_a_session_ends_10_hours_after_sign_in_however_busy(council: Engine, clock: Clock) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    for _ in range(29):
        clock.advance(minutes=20)
        accounts.resolve_session(council, token, source="test")
    clock.advance(minutes=19, seconds=59)  # 9:59:59 after sign-in
    accounts.resolve_session(council, token, source="test")
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError, match="your session has expired"):
        accounts.resolve_session(council, token, source="test")


def test_sessions_refuse_unknown_and_missing_tokens(council: Engine) -> None:
    with pytest.raises(AuthenticationError, match="please sign in"):
        accounts.resolve_session(council, None, source="test")
    with pytest.raises(AuthenticationError, match="your session has ended"):
        accounts.resolve_session(council, "made-up", source="test")


def test_a_disabled_account_loses_its_sessions_and_cannot_sign_in(
    council: Engine, clock: Clock
) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    assert accounts.disable_user(council, BY, "ana").state == "disabled"
    with pytest.raises(AuthenticationError):
        accounts.resolve_session(council, token, source="test")
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "ana", PASSWORD, source="test")
    accounts.enable_user(council, BY, "ana")
    with pytest.raises(AuthenticationError):  # an old session stays ended
        accounts.resolve_session(council, token, source="test")
    accounts.sign_in(council, "ana", PASSWORD, source="test")


def test_a_disabled_account_is_refused_even_with_a_live_session_row(
    council: Engine, clock: Clock
) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    with session_scope(council) as session:
        account = session.scalars(select(UserAccount).where(UserAccount.username == "ana")).one()
        account.disabled_at = START  # as if disabled by hand, sessions left open
    with pytest.raises(AuthenticationError, match="this account is disabled"):
        accounts.resolve_session(council, token, source="test")


def test_sign_out_ends_the_session(council: Engine) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    accounts.sign_out(council, token, source="test")
    with pytest.raises(AuthenticationError, match="your session has ended"):
        accounts.resolve_session(council, token, source="test")
    assert brief(council)[-1][:4] == ("ana", "sign_out", "allowed", "ana")


def test_reset_password_replaces_the_password_and_ends_sessions(council: Engine) -> None:
    token = accounts.sign_in(council, "ana", PASSWORD, source="test").session_token
    new = accounts.reset_password(council, BY, "ANA")
    with pytest.raises(AuthenticationError):
        accounts.resolve_session(council, token, source="test")
    with pytest.raises(AuthenticationError):
        accounts.sign_in(council, "ana", PASSWORD, source="test")
    assert accounts.sign_in(council, "ana", new, source="test").must_change_password is True
    assert ("tester", "password_reset", "allowed", "ana", {}) in brief(council)


def test_change_password_keeps_this_session_and_ends_the_others(council: Engine) -> None:
    first = accounts.sign_in(council, "ana", PASSWORD, source="test")
    second = accounts.sign_in(council, "ana", PASSWORD, source="test")
    with pytest.raises(AuthenticationError, match="the current password is wrong"):
        accounts.change_password(
            council, first.principal, "nope", "a brand new phrase 7", keep_token=None
        )
    with pytest.raises(InvalidInputError, match="must differ"):
        accounts.change_password(
            council, first.principal, PASSWORD, PASSWORD, keep_token=first.session_token
        )
    accounts.change_password(
        council,
        first.principal,
        PASSWORD,
        "a brand new phrase 7",
        keep_token=first.session_token,
    )
    accounts.resolve_session(council, first.session_token, source="test")
    with pytest.raises(AuthenticationError):
        accounts.resolve_session(council, second.session_token, source="test")
    assert (
        accounts.sign_in(council, "ana", "a brand new phrase 7", source="t").must_change_password
        is False
    )


# API tokens


def test_api_tokens_work_until_they_expire(council: Engine, clock: Clock) -> None:
    token = accounts.create_api_token(council, BY, "ana", name="reporting", days=30)
    found = accounts.principal_for_token(council, token, source="10.0.0.9")
    assert (found.username, found.role, found.source) == ("ana", AccountRole.ANALYST, "10.0.0.9")
    view = accounts.list_users(council)[0]
    assert view.active_tokens == 1
    clock.advance(days=29, hours=23)
    accounts.principal_for_token(council, token, source="test")
    clock.advance(hours=1)
    with pytest.raises(AuthenticationError, match="unknown, revoked or expired"):
        accounts.principal_for_token(council, token, source="test")
    assert accounts.list_users(council)[0].active_tokens == 0


def test_revoked_and_unknown_tokens_are_refused(council: Engine, clock: Clock) -> None:
    first = accounts.create_api_token(council, BY, "ana", name="one")
    second = accounts.create_api_token(council, BY, "ana", name="two")
    assert accounts.revoke_api_tokens(council, BY, "ana") == 2
    assert accounts.revoke_api_tokens(council, BY, "ana") == 0
    for token in (first, second, "cl_made-up", "", None):
        with pytest.raises(AuthenticationError):
            accounts.principal_for_token(council, token, source="test")
    assert [b[1:5] for b in brief(council)[-4:]] == [
        ("token_add", "allowed", "ana", {"name": "one"}),
        ("token_add", "allowed", "ana", {"name": "two"}),
        ("token_revoke", "allowed", "ana", {"count": 2}),
        ("token_revoke", "allowed", "ana", {"count": 0}),
    ]


def test_disabling_an_account_revokes_its_tokens(council: Engine, clock: Clock) -> None:
    token = accounts.create_api_token(council, BY, "ana", name="feed")
    accounts.disable_user(council, BY, "ana")
    with pytest.raises(AuthenticationError):
        accounts.principal_for_token(council, token, source="test")
    accounts.enable_user(council, BY, "ana")
    with pytest.raises(AuthenticationError):  # tokens stay revoked
        accounts.principal_for_token(council, token, source="test")
    with pytest.raises(InvalidInputError, match="from 1 to 3650 days"):
        accounts.create_api_token(council, BY, "ana", name="feed", days=0)


def test_a_token_for_a_disabled_account_cannot_be_made(council: Engine) -> None:
    accounts.disable_user(council, BY, "ana")
    with pytest.raises(InvalidInputError, match="'ana' is disabled"):
        accounts.create_api_token(council, BY, "ana", name="feed")


def test_twenty_failures_from_one_address_stop_it_trying(council: Engine, clock: Clock) -> None:
    names = ["nobody", "someone.else", "guest"]
    for attempt in range(accounts.MAX_FAILURES_PER_SOURCE):
        with pytest.raises(AuthenticationError, match="wrong"):
            accounts.sign_in(council, names[attempt % 3], "guess", source="203.0.113.9")
        clock.advance(seconds=20)
    before = last_id(council)
    with pytest.raises(AuthenticationError) as caught:
        accounts.sign_in(council, "ana", PASSWORD, source="203.0.113.9")
    assert str(caught.value) == accounts.TOO_MANY_FAILURES
    assert brief(council, before) == [
        (
            "(throttled)",
            "sign_in",
            "failed",
            None,
            {"reason": "too many failed sign-ins from this address"},
        )
    ]
    # another address is not affected; this one may try again once its oldest failure is
    # 15 minutes old
    assert accounts.sign_in(council, "ana", PASSWORD, source="198.51.100.1")
    clock.advance(minutes=15, seconds=-20 * accounts.MAX_FAILURES_PER_SOURCE + 1)
    assert accounts.sign_in(council, "ana", PASSWORD, source="203.0.113.9")
