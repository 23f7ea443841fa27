"""One account per role for the demo council, with one-time passwords to print."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.services.caseloads import caseload_report
from caseload.storage import people_queries
from caseload.storage.engine import session_scope


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: AccountRole
    password: str
    scope: str


def busiest_waiting_team(queue: pl.DataFrame, teams: pl.DataFrame) -> int:
    """The team (not a service area) that the most waiting children could be allocated in, else
    the team holding the most cases."""
    known = set(teams["team_id"].to_list())
    counts: Counter[int] = Counter()
    for ids in queue["home_team_ids"].to_list():
        counts.update(i for i in ids or [] if i in known)
    if counts:
        return counts.most_common(1)[0][0]
    return int(teams.sort("cases", descending=True)["team_id"][0])


def create_demo_accounts(engine: Engine, authority_code: str) -> list[DemoAccount]:
    """Accounts ``admin``, ``leader``, ``manager``, ``analyst``, ``worker`` and ``member``. The
    team manager gets the team with the most children waiting (so the allocation journey has
    work); the social worker is linked to the case holder with the most cases."""
    council, report = caseload_report(engine, authority_code=authority_code)
    team_id = busiest_waiting_team(report.queue, report.teams)
    team = str(report.teams.filter(pl.col("team_id") == team_id)["team"][0])
    holder = report.workers.sort(["cases", "worker_id"], descending=[True, False]).row(
        0, named=True
    )
    with session_scope(engine) as session:
        facts = people_queries.worker_facts(session, council.authority.id, holder["worker_id"])
    assert facts is not None
    staff_number = str(facts["staff_number"])
    by = cli_actor("demo")
    plan: list[tuple[str, str, AccountRole, dict[str, object], str]] = [
        ("admin", "Demo administrator", AccountRole.ADMIN, {}, "accounts, policy, imports, audit"),
        ("leader", "Demo service leader", AccountRole.LEADER, {}, "the whole service"),
        ("manager", "Demo team manager", AccountRole.TEAM_MANAGER, {"teams": [team]}, team),
        ("analyst", "Demo analyst", AccountRole.ANALYST, {}, "aggregates, no names"),
        (
            "worker",
            f"{holder['name']}",
            AccountRole.SOCIAL_WORKER,
            {"staff_number": staff_number},
            f"own caseload ({holder['cases']} cases)",
        ),
        (
            "member",
            "Demo elected member",
            AccountRole.MEMBER,
            {},
            "aggregates, small numbers hidden",
        ),
    ]
    created = []
    for username, display, role, extra, scope in plan:
        _, password = accounts.add_user(
            engine,
            by,
            username=username,
            display_name=display,
            role=role,
            authority_code=authority_code,
            teams=list(extra.get("teams", [])),  # type: ignore[call-overload]
            staff_number=extra.get("staff_number"),  # type: ignore[arg-type]
        )
        assert password is not None
        created.append(DemoAccount(username, role, password, scope))
    return created
