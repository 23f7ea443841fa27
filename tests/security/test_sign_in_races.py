"""Probe: many sign-ins at once. Wrong passwords sent in parallel must lock the account after
exactly ``MAX_FAILED_ATTEMPTS`` of them, the right password must then be refused, every attempt
must leave its audit event (no server error), and the audit chain must stay intact; the limit on
failures from one address must hold across server workers."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from caseload.errors import AuthenticationError
from caseload.services import accounts, audit
from caseload.services.audit import Actor
from caseload.storage.engine import session_scope
from caseload.web import create_app

from .councils import PASSWORD, WRONG, Councils, another_engine, events, last_event_id

PARALLEL = 15


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` on ``count`` threads released together; returns each result or the
    exception it raised."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # the probe reports every outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def failed_sign_ins(engine: Engine, after: int, username: str | None) -> list[dict[str, Any]]:
    return [
        e
        for e in events(engine, after)
        if e["action"] == "sign_in" and e["outcome"] == "failed" and e["target_id"] == username
    ]


def test_parallel_wrong_passwords_lock_the_account_after_exactly_the_limit(
    councils: Councils,
) -> None:
    engine = councils.engine
    before = last_event_id(engine)

    def wrong(i: int) -> None:
        accounts.sign_in(engine, "ana", WRONG, source=f"192.0.2.{i}")

    results = at_once(PARALLEL, wrong)

    assert [type(r) for r in results] == [AuthenticationError] * PARALLEL
    failed = failed_sign_ins(engine, before, "ana")
    assert len(failed) == PARALLEL
    reasons = Counter(e["detail"]["reason"] for e in failed)
    assert reasons == {
        "wrong password": accounts.MAX_FAILED_ATTEMPTS,
        "disabled, locked or service account": PARALLEL - accounts.MAX_FAILED_ATTEMPTS,
    }
    assert sum("locked_until" in e["detail"] for e in failed) == 1
    assert accounts.list_users(engine, "301")[1].to_dict()["locked"] is True
    with pytest.raises(AuthenticationError):
        accounts.sign_in(engine, "ana", PASSWORD, source="198.51.100.7")
    assert audit.verify(engine).intact


def test_the_right_password_is_refused_while_parallel_guesses_lock_the_account(
    councils: Councils,
) -> None:
    """Guesses and the right password race: whatever the order, once the account is locked no
    sign-in succeeds, and a sign-in that succeeded happened before the lock."""
    engine = councils.engine

    def attempt(i: int) -> object:
        password = PASSWORD if i == PARALLEL - 1 else WRONG
        return accounts.sign_in(engine, "ana", password, source=f"192.0.2.{i}")

    at_once(PARALLEL, attempt)
    assert accounts.list_users(engine, "301")[1].locked is True
    with pytest.raises(AuthenticationError):
        accounts.sign_in(engine, "ana", PASSWORD, source="198.51.100.7")
    assert audit.verify(engine).intact


def test_parallel_failed_sign_ins_on_the_web_are_refused_and_each_recorded(
    councils: Councils,
) -> None:
    """From one address, as the probe sent them: no server error, one event per attempt."""
    engine = councils.engine
    app = create_app(engine)
    clients = [TestClient(app, follow_redirects=False) for _ in range(PARALLEL)]
    tokens = [
        c.get("/sign-in").text.split('name="presign" value="', 1)[1].split('"', 1)[0]
        for c in clients
    ]
    names = ["ana"] * 10 + ["nobody"] * (PARALLEL - 10)
    before = last_event_id(engine)

    def post(i: int) -> int:
        form = {"username": names[i], "password": WRONG, "presign": tokens[i], "next": "/"}
        return clients[i].post("/sign-in", data=form).status_code

    statuses = at_once(PARALLEL, post)

    assert statuses == [401] * PARALLEL
    assert len(failed_sign_ins(engine, before, "ana")) == 10
    assert len(failed_sign_ins(engine, before, None)) == PARALLEL - 10
    locking = [e for e in failed_sign_ins(engine, before, "ana") if "locked_until" in e["detail"]]
    assert len(locking) == 1
    wrong = [
        e
        for e in failed_sign_ins(engine, before, "ana")
        if e["detail"]["reason"] == "wrong password"
    ]
    assert len(wrong) == accounts.MAX_FAILED_ATTEMPTS
    client = clients[0]
    token = client.get("/sign-in").text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    right = {"username": "ana", "password": PASSWORD, "presign": token, "next": "/"}
    assert client.post("/sign-in", data=right).status_code == 401
    assert audit.verify(engine).intact


def test_concurrent_appends_keep_the_audit_chain_intact(councils: Councils) -> None:
    """Events written on their own and inside other transactions, all at once."""
    engine = councils.engine
    before = last_event_id(engine)
    actor = Actor("(probe)", "unknown", None, "probe")

    def append(i: int) -> None:
        for n in range(4):
            if i % 2:
                audit.record(engine, actor, "view", "probe", f"{i}.{n}")
            else:
                with session_scope(engine) as session:
                    audit.record_in(session, actor, "view", "probe", f"{i}.{n}")

    results = at_once(10, append)

    assert results == [None] * 10
    written = sorted(e["target_id"] for e in events(engine, before))
    assert written == sorted(f"{i}.{n}" for i in range(10) for n in range(4))
    check = audit.verify(engine)
    assert (check.intact, check.checked) == (True, before + 40)


def test_the_address_limit_holds_across_server_workers(councils: Councils) -> None:
    """Twenty failures through one worker stop the address on another worker too (each worker
    process has its own engine)."""
    first, second = councils.engine, another_engine(councils.engine)
    try:
        for attempt in range(accounts.MAX_FAILURES_PER_SOURCE):
            name = ("nobody", "someone.else")[attempt % 2]
            with pytest.raises(AuthenticationError, match="wrong"):
                accounts.sign_in(first, name, WRONG, source="203.0.113.9")
        with pytest.raises(AuthenticationError) as caught:
            accounts.sign_in(second, "ana", PASSWORD, source="203.0.113.9")
        assert str(caught.value) == accounts.TOO_MANY_FAILURES
        assert accounts.sign_in(second, "ana", PASSWORD, source="198.51.100.1")
    finally:
        second.dispose()


def test_parallel_failures_from_one_address_check_no_more_than_the_limit(
    councils: Councils,
) -> None:
    """Forty guesses at once from one address through two workers: at most the limit are
    checked against a password (a guess counts from the moment it is tried), every one is
    recorded, and the address may then fail only as often as the limit leaves."""
    first, second = councils.engine, another_engine(councils.engine)
    before = last_event_id(first)
    burst = 2 * accounts.MAX_FAILURES_PER_SOURCE
    try:

        def guess(i: int) -> None:
            accounts.sign_in((first, second)[i % 2], f"guess{i}", WRONG, source="203.0.113.5")

        results = at_once(burst, guess)
    finally:
        second.dispose()
    assert [type(r) for r in results] == [AuthenticationError] * burst
    recorded = failed_sign_ins(first, before, None)
    assert len(recorded) == burst
    checked = sum(e["detail"]["reason"] == "unknown user" for e in recorded)
    assert checked <= accounts.MAX_FAILURES_PER_SOURCE
    for _ in range(accounts.MAX_FAILURES_PER_SOURCE - checked):
        with pytest.raises(AuthenticationError, match="wrong"):
            accounts.sign_in(first, "nobody", WRONG, source="203.0.113.5")
    with pytest.raises(AuthenticationError) as caught:
        accounts.sign_in(first, "ana", PASSWORD, source="203.0.113.5")
    assert str(caught.value) == accounts.TOO_MANY_FAILURES
