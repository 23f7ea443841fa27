"""Two councils, each with an administrator and an analyst, and helpers to read the audit trail
back, for the security probes."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

from caseload.auth.roles import AccountRole
from caseload.domain.codes import TeamKind
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage import audit_writes
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority, Team

PASSWORD = "violet kettle 42 harbour"
WRONG = "not the password at all"
BY = cli_actor("tester")


@dataclass(frozen=True)
class Councils:
    engine: Engine
    first_id: int
    second_id: int


def add_council(engine: Engine, code: str) -> int:
    with session_scope(engine) as session:
        authority = Authority(code=code, name=f"Council {code}")
        session.add(authority)
        session.flush()
        session.add(Team(authority_id=authority.id, name="Assessment", kind=TeamKind.TEAM))
        return authority.id


def two_councils(engine: Engine) -> Councils:
    """Council 301 with accounts ``admin1`` and ``ana``; council 302 with ``admin2`` and ``bob``."""
    first, second = add_council(engine, "301"), add_council(engine, "302")
    for username, role, code in (
        ("admin1", AccountRole.ADMIN, "301"),
        ("ana", AccountRole.ANALYST, "301"),
        ("admin2", AccountRole.ADMIN, "302"),
        ("bob", AccountRole.ANALYST, "302"),
    ):
        accounts.add_user(
            engine,
            BY,
            username=username,
            display_name=username.title(),
            role=role,
            authority_code=code,
            password=PASSWORD,
        )
    return Councils(engine, first, second)


def events(engine: Engine, after: int = 0) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        return [
            e | {"detail": json.loads(e["detail"])}
            for e in audit_writes.all_events(session)
            if e["id"] > after
        ]


def last_event_id(engine: Engine) -> int:
    found = events(engine)
    return found[-1]["id"] if found else 0


def another_engine(engine: Engine) -> Engine:
    """A second engine on the same database, as a second server worker process has."""
    if engine.dialect.name == "sqlite":
        return make_engine(engine.url)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return make_engine(os.environ["CASELOAD_TEST_DATABASE_URL"], schema=schema)
