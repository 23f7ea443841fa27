"""The audit trail on both databases: append-only triggers, the chain check (with and without a
recorded head), searching, and the events written by loads, exports and policy changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.caseloads.policy import default_policy_text
from caseload.errors import AccessDeniedError, InvalidInputError
from caseload.importers.problems import ImportRejectedError
from caseload.services import audit
from caseload.services.audit import Actor, cli_actor
from caseload.services.imports import AuthorityChoice, import_hr
from caseload.services.policy import set_policy
from caseload.services.pseudonymised_export import export_pseudonymised
from caseload.storage import audit_writes
from caseload.storage.audit_writes import EventFilter
from caseload.storage.engine import session_scope

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
AS_AT = date(2025, 3, 31)
SECRET = b"k3y-for-tests-0123456789abcdefghijklmnop"


def drop_guard(engine: Engine) -> None:
    """What a database owner could do: remove the append-only triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for event in ("UPDATE", "DELETE"):
                connection.execute(text(f"DROP TRIGGER trg_audit_event_append_only_{event}"))
        else:
            connection.execute(text("DROP TRIGGER trg_audit_event_append_only ON audit_event"))


def write(engine: Engine, count: int, **overrides: Any) -> None:
    for number in range(count):
        fields: dict[str, Any] = {
            "who": cli_actor("tester", 1),  # the command line, on council 1's data
            "action": "view",
            "target_type": "worker",
            "target_id": number + 1,
        } | overrides
        audit.record(
            engine, fields["who"], fields["action"], fields["target_type"], fields["target_id"]
        )


def events(engine: Engine) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        return list(audit_writes.all_events(session))


def admin(authority_id: int = 1, role: AccountRole = AccountRole.ADMIN) -> Principal:
    return Principal(
        user_id=1,
        username="boss",
        display_name="Boss",
        role=role,
        authority_id=authority_id,
        source="10.0.0.1",
    )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event WHERE id = 2"],
)
def test_the_database_refuses_to_change_or_remove_events(engine: Engine, statement: str) -> None:
    write(engine, 3)
    with pytest.raises(DBAPIError, match="the audit trail is append-only"), engine.begin() as c:
        c.execute(text(statement))
    assert [e["actor"] for e in events(engine)] == ["tester"] * 3
    assert audit.verify(engine).intact


def test_postgresql_refuses_to_truncate_the_trail(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite has none")
    write(engine, 2)
    with pytest.raises(DBAPIError, match="the audit trail is append-only"), engine.begin() as c:
        c.execute(text("TRUNCATE audit_event"))
    assert len(events(engine)) == 2


def test_an_intact_trail_verifies_and_reports_its_head(engine: Engine) -> None:
    assert audit.verify(engine) == audit.Verification(0, [], None)
    write(engine, 3)
    result = audit.verify(engine)
    last = events(engine)[-1]
    assert (result.checked, result.breaks, result.head) == (3, [], (3, last["hash"]))
    assert audit.verify(engine, expect=(3, last["hash"])).intact


def test_a_changed_event_is_named(engine: Engine) -> None:
    write(engine, 4)
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET target_id = '99' WHERE id = 3"))
    result = audit.verify(engine)
    assert [(b.event_id, b.problem) for b in result.breaks] == [
        (3, "its contents were changed after writing")
    ]


def test_a_removed_event_is_named(engine: Engine) -> None:
    write(engine, 4)
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = 2"))
    assert [(b.event_id, b.problem) for b in audit.verify(engine).breaks] == [
        (3, "does not follow the event before it (an event was removed or reordered)")
    ]


def test_removing_the_newest_events_is_found_against_a_recorded_head(engine: Engine) -> None:
    write(engine, 4)
    head = audit.verify(engine).head
    assert head is not None
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id >= 3"))
    assert audit.verify(engine).intact  # the chain alone cannot tell
    result = audit.verify(engine, expect=head)
    assert [(b.event_id, b.problem) for b in result.breaks] == [
        (4, "is missing: the trail ends before it (events were removed)")
    ]
    other = audit.verify(engine, expect=(1, "0" * 64))
    assert [(b.event_id, b.problem) for b in other.breaks] == [
        (1, "has a different hash from the one recorded")
    ]


@pytest.mark.parametrize("given", ["3", "3:abc", "x:" + "a" * 64, "3:" + "g" * 64])
def test_a_malformed_head_is_refused(given: str) -> None:
    with pytest.raises(InvalidInputError, match="is not an event's id and hash"):
        audit.parse_head(given)


def test_long_values_are_cut_to_the_column_before_hashing(engine: Engine) -> None:
    audit.record(engine, Actor("a" * 100, "r" * 30, None, "s" * 100), "x" * 50, "t" * 50, "i" * 100)
    (event,) = events(engine)
    assert (len(event["actor"]), len(event["role"]), len(event["source"])) == (80, 20, 64)
    assert (len(event["action"]), len(event["target_type"]), len(event["target_id"])) == (
        40,
        40,
        80,
    )
    assert audit.verify(engine).intact


def test_search_filters_pages_and_keeps_to_the_council(engine: Engine) -> None:
    write(engine, 3)
    write(engine, 2, who=Actor("someone", "leader", 1, "10.0.0.2"), action="export")
    write(engine, 1, who=Actor("other", "leader", 2, "10.0.0.3"), action="export")
    audit.record(engine, admin(), "view", "worker", 7, outcome="refused")
    write(engine, 1, who=cli_actor("operator"))  # the installation's: no council
    found, total = audit.search(engine, admin(), EventFilter(), limit=4, offset=0)
    assert total == 6  # neither council 2's event nor the installation's is shown
    assert [e["id"] for e in found] == [7, 5, 4, 3]
    found, _ = audit.search(engine, admin(), EventFilter(), limit=4, offset=4)
    assert [e["id"] for e in found] == [2, 1]
    wanted = EventFilter(actor="SOMEONE", action="export")
    assert [e["id"] for e in audit.search(engine, admin(), wanted)[0]] == [5, 4]
    refused = EventFilter(outcome="refused", target_type="worker", target_id="7")
    assert [e["actor"] for e in audit.search(engine, admin(), refused)[0]] == ["boss"]
    today = events(engine)[0]["at"][:10]
    assert audit.search(engine, admin(), EventFilter(since=today))[1] == 6
    assert audit.search(engine, admin(), EventFilter(until=today))[1] == 0


def test_only_administrators_read_the_trail(engine: Engine) -> None:
    leader = admin(role=AccountRole.LEADER)
    with pytest.raises(AccessDeniedError, match="the service leader role cannot view audit"):
        audit.search(engine, leader, EventFilter())
    with pytest.raises(AccessDeniedError):
        audit.verify_for(engine, leader)
    assert [(e["actor"], e["action"], e["outcome"], e["target_type"]) for e in events(engine)] == [
        ("boss", "view", "refused", "audit trail")
    ] * 2
    assert json.loads(events(engine)[0]["detail"]) == {
        "why": "the service leader role cannot view audit"
    }


def test_choices_list_actions_and_target_types(engine: Engine) -> None:
    write(engine, 1)
    write(engine, 1, action="export", target_type="census_return")
    assert audit.choices_for(engine, admin()) == {
        "action": ["export", "view"],
        "target_type": ["census_return", "worker"],
    }


# Loads, exports and policy changes write the trail


def load(engine: Engine, path: Path, **extra: Any) -> Any:
    return import_hr(
        engine,
        path=path,
        mapping="generic",
        as_at=AS_AT,
        loaded_by="loader",
        authority=AuthorityChoice(code="301", name="Testshire"),
        **extra,
    )


def test_a_load_is_recorded_with_its_run_and_counts(engine: Engine) -> None:
    assert load(engine, FIXTURES / "hr_awkward.csv", dry_run=True).run_id is None
    assert events(engine) == []
    result = load(engine, FIXTURES / "hr_awkward.csv", actor=cli_actor("loader"))
    (event,) = events(engine)
    with engine.connect() as connection:
        council = connection.scalar(text("SELECT id FROM authority WHERE code = '301'"))
    assert (event["actor"], event["role"], event["authority_id"], event["source"]) == (
        "loader",
        "cli",
        council,
        "cli",
    )
    assert (event["action"], event["target_type"], event["target_id"]) == (
        "change",
        "import",
        str(result.run_id),
    )
    assert json.loads(event["detail"]) == {
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


def test_a_rejected_load_writes_no_event(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "hr.csv"
    content = (FIXTURES / "hr_awkward.csv").read_text()
    broken.write_text(content.replace("Team Manager,1,Permanent", "Team Manager,2,Permanent"))
    with pytest.raises(ImportRejectedError):
        load(engine, broken)
    assert events(engine) == []


def test_a_load_without_an_actor_is_recorded_as_its_loader(engine: Engine) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    assert [(e["actor"], e["role"]) for e in events(engine)] == [("loader", "cli")]


def test_a_pseudonymised_export_is_recorded(engine: Engine, tmp_path: Path) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    export_pseudonymised(
        engine, out=tmp_path / "out", secret=SECRET, exported_by="Analyst", as_at=AS_AT
    )
    event = events(engine)[-1]
    assert (event["actor"], event["action"], event["target_type"], event["target_id"]) == (
        "analyst",
        "export",
        "pseudonymised_export",
        "out",
    )
    detail = json.loads(event["detail"])
    assert (detail["authorities"], detail["as_at"], detail["min_group"]) == (
        ["301"],
        "2025-03-31",
        5,
    )
    assert detail["files"]["workers.csv"] == 5


def test_setting_a_policy_is_recorded(engine: Engine, tmp_path: Path) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    policy = tmp_path / "policy.yaml"
    policy.write_text(default_policy_text())
    set_policy(engine, path=policy, user="Lead", authority_code="301")
    set_policy(engine, path=policy, user="Lead", actor=admin())
    first, second = events(engine)[-2:]
    assert (first["actor"], first["role"], first["authority_id"]) == ("lead", "cli", 1)
    assert (first["action"], first["target_type"], first["target_id"]) == ("change", "policy", "1")
    assert json.loads(first["detail"]) == {"authority": "301", "file": "policy.yaml"}
    assert (second["actor"], second["role"], second["target_id"]) == ("boss", "admin", "2")
    assert json.loads(second["detail"]) == {"authority": "all", "file": "policy.yaml"}
