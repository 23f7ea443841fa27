"""The practice work lists on a small synthetic council whose generated visits and supervision
records are replaced by hand-written ones: every child with a plan and every supervised worker
is seen or supervised on the data date, except the few the tests follow, so the lists hold
exactly those rows.

The data date is Wednesday 30 September 2026. Child protection visits are due every 10 working
days and supervision every 31 days (default roles); nothing in September or early October 2026
is a bank holiday, so the visit horizon (5 working days on) is Wednesday 7 October and the
supervision horizon (7 days on) Wednesday 7 October too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.errors import AccessDeniedError
from caseload.services import worklists
from caseload.services.caseloads import council_data
from caseload.services.generation import build_council
from caseload.services.practice import practice_records
from caseload.services.worklists import WorklistFilter, short_lists, worklist_view
from caseload.storage.engine import session_scope
from caseload.storage.models import Base
from caseload.storage.practice_models import Supervision, Visit
from caseload.synthetic import CouncilSpec
from security.councils import events, last_event_id

SPEC = CouncilSpec(
    code="998",
    name="Listshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)
DAY = date(2026, 9, 30)


@dataclass(frozen=True)
class Followed:
    """The children and workers the tests follow, and the council's id."""

    authority_id: int
    overdue_child: str  # CP, visited 2 Sep (seen, not alone): due 16 Sep, 14 days overdue
    overdue_child_id: int
    due_child: str  # CP, visited 22 Sep (seen alone): due 6 Oct, within the horizon
    late_child: str  # CP, visited 24 Sep: due 8 Oct, after the horizon: not listed
    overdue_worker: int  # their allocated worker, team one
    due_worker: int  # the second child's allocated worker, team two
    team_one: int
    team_two: int
    gap_worker: int  # team one, supervised 1 Aug: due 1 Sep, 29 days overdue
    soon_worker: int  # team two, supervised 2 Sep: next due 3 Oct
    later_worker: int  # supervised 10 Sep: next due 11 Oct, not listed


def _cp_children(council: object, lists: pl.DataFrame, started_by: date) -> pl.DataFrame:
    statuses = council.data.statuses  # type: ignore[attr-defined]
    open_cp = statuses.filter(
        (pl.col("status") == "cp")
        & (pl.col("start_date") <= started_by)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= DAY))
    )
    return lists.filter(
        (pl.col("case_type") == "cp") & pl.col("child_id").is_in(open_cp["child_id"].implode())
    )


@pytest.fixture
def followed(engine: Engine) -> Followed:
    build_council(engine, SPEC, years=1, seed=6)
    with engine.begin() as connection:
        for table in ("visit", "supervision"):
            connection.execute(Base.metadata.tables[table].delete())
    council = council_data(engine, authority_code=SPEC.code)
    assert council.latest == DAY
    empty = worklists.council_worklists(council, practice_records(engine, council), DAY)
    cp = _cp_children(council, empty.visits, date(2026, 9, 1))
    first = cp.row(0, named=True)
    second = cp.filter(pl.col("team_id") != first["team_id"]).row(0, named=True)
    third = cp.filter(~pl.col("child_id").is_in([first["child_id"], second["child_id"]])).row(
        0, named=True
    )
    spells = council.data.spells.group_by("worker_id").agg(pl.col("start_date").min())
    long_served = spells.filter(pl.col("start_date") <= date(2026, 6, 1))["worker_id"]
    supervised = empty.supervision.filter(
        (pl.col("role") != "asye") & pl.col("worker_id").is_in(long_served.implode())
    )
    gap = supervised.filter(pl.col("team_id") == first["team_id"]).row(0, named=True)
    soon = supervised.filter(pl.col("team_id") == second["team_id"]).row(0, named=True)
    later = supervised.filter(
        ~pl.col("worker_id").is_in([gap["worker_id"], soon["worker_id"]])
    ).row(0, named=True)
    authority_id = council.authority.id
    hand = {
        first["child_id"]: (date(2026, 9, 2), True, False),
        second["child_id"]: (date(2026, 9, 22), True, True),
        third["child_id"]: (date(2026, 9, 24), True, True),
    }
    supervised_on = {
        gap["worker_id"]: date(2026, 8, 1),
        soon["worker_id"]: date(2026, 9, 2),
        later["worker_id"]: date(2026, 9, 10),
    }
    with session_scope(engine) as session:
        for row in empty.visits.iter_rows(named=True):
            day, seen, alone = hand.get(row["child_id"], (DAY, True, True))
            session.add(
                Visit(
                    authority_id=authority_id,
                    child_id=row["child_id"],
                    worker_id=row["worker_id"],
                    case_type=row["case_type"],
                    visit_date=day,
                    seen=seen,
                    seen_alone=alone,
                    recorded_date=day,
                )
            )
        for row in empty.supervision.iter_rows(named=True):
            session.add(
                Supervision(
                    authority_id=authority_id,
                    worker_id=row["worker_id"],
                    supervision_date=supervised_on.get(row["worker_id"], DAY),
                    kind="formal",
                )
            )
    return Followed(
        authority_id=authority_id,
        overdue_child=first["child_ref"],
        overdue_child_id=first["child_id"],
        due_child=second["child_ref"],
        late_child=third["child_ref"],
        overdue_worker=first["worker_id"],
        due_worker=second["worker_id"],
        team_one=first["team_id"],
        team_two=second["team_id"],
        gap_worker=gap["worker_id"],
        soon_worker=soon["worker_id"],
        later_worker=later["worker_id"],
    )


def leader(f: Followed) -> Principal:
    return Principal(1, "leader", "Leader", AccountRole.LEADER, f.authority_id)


def manager(f: Followed, team_id: int) -> Principal:
    return Principal(
        2,
        "manager",
        "Manager",
        AccountRole.TEAM_MANAGER,
        f.authority_id,
        team_ids=frozenset({team_id}),
    )


def social_worker(f: Followed, worker_id: int) -> Principal:
    return Principal(
        3, "worker", "Worker", AccountRole.SOCIAL_WORKER, f.authority_id, worker_id=worker_id
    )


def test_the_leader_sees_exactly_the_overdue_and_due_soon_rows(
    engine: Engine, followed: Followed
) -> None:
    f = followed
    lists = worklists.scoped_worklists(engine, leader(f)).lists
    visits = lists.visits.select(
        "child_ref", "case_type", "last_visit_date", "next_due", "overdue", "days_overdue"
    ).rows()
    assert visits == [
        (f.overdue_child, "cp", date(2026, 9, 2), date(2026, 9, 16), True, 14),
        (f.due_child, "cp", date(2026, 9, 22), date(2026, 10, 6), False, 0),
    ]
    columns = ("worker_id", "last_supervision", "next_due", "overdue", "days_overdue")
    # A newly qualified worker (ASYE) in their first six weeks is supervised weekly: seen on
    # the data date, they are due again on 7 October, inside the seven days.
    weekly = lists.supervision.filter(pl.col("role") == "asye")
    assert weekly.select(columns[1:]).unique().rows() == [(DAY, date(2026, 10, 7), False, 0)]
    gaps = lists.supervision.filter(pl.col("role") != "asye").select(columns).rows()
    assert gaps == [
        (f.gap_worker, date(2026, 8, 1), date(2026, 9, 1), True, 29),
        (f.soon_worker, date(2026, 9, 2), date(2026, 10, 3), False, 0),
    ]


def test_the_page_rows_name_link_and_explain(engine: Engine, followed: Followed) -> None:
    f = followed
    page = worklist_view(engine, leader(f), WorklistFilter())
    assert page["total"] == 2 and page["matching"] == 2
    assert page["visits"] is not None
    first, second = page["visits"]
    assert first["child"] == f.overdue_child and first["child_href"] is None
    assert (first["case_code"], first["case"]) == ("CP", "child protection")
    assert first["worker_href"] == f"/workers/{f.overdue_worker}"
    assert (first["due"], first["days_overdue"], first["seen"]) == (
        "2026-09-16",
        14,
        "seen, not alone",
    )
    assert (second["due"], second["overdue"], second["seen"]) == ("2026-10-06", False, "seen alone")
    overdue = worklist_view(
        engine, leader(f), WorklistFilter(status="overdue"), which="supervision"
    )
    assert overdue["supervision"] is not None
    assert [row["worker_href"] for row in overdue["supervision"]] == [f"/workers/{f.gap_worker}"]
    assert overdue["supervision"][0]["last_supervision"] == "2026-08-01"


def test_a_team_manager_never_sees_another_teams_child(engine: Engine, followed: Followed) -> None:
    f = followed
    one = worklists.scoped_worklists(engine, manager(f, f.team_one)).lists
    assert one.visits["child_ref"].to_list() == [f.overdue_child]
    assert one.supervision.filter(pl.col("role") != "asye")["worker_id"].to_list() == [f.gap_worker]
    two = worklists.scoped_worklists(engine, manager(f, f.team_two)).lists
    assert two.visits["child_ref"].to_list() == [f.due_child]
    assert two.supervision.filter(pl.col("role") != "asye")["worker_id"].to_list() == [
        f.soon_worker
    ]
    with pytest.raises(AccessDeniedError):
        worklists.scoped_worklists(engine, manager(f, f.team_one), team_id=f.team_two)
    # The leader narrows to a team.
    narrowed = worklists.scoped_worklists(engine, leader(f), team_id=f.team_two).lists
    assert narrowed.visits["child_ref"].to_list() == [f.due_child]


def test_a_social_worker_sees_only_their_own(engine: Engine, followed: Followed) -> None:
    f = followed
    own = short_lists(engine, social_worker(f, f.overdue_worker), where="me")
    assert own is not None
    assert [row["child"] for row in own["visits"]] == [f.overdue_child]
    assert all(row["worker_href"] == "/me" for row in own["visits"])
    assert own["supervision"] == [] or own["supervision"][0]["worker_href"] == "/me"
    with pytest.raises(AccessDeniedError):
        worklists.scoped_worklists(engine, social_worker(f, f.overdue_worker), team_id=f.team_one)


def test_the_analyst_sees_pseudonyms_and_members_nothing(
    engine: Engine, followed: Followed
) -> None:
    f = followed
    analyst = Principal(4, "analyst", "Analyst", AccountRole.ANALYST, f.authority_id)
    page = worklist_view(engine, analyst, WorklistFilter())
    assert page["visits"] is not None and len(page["visits"]) == 2
    shown = {row["child"] for row in page["visits"]}
    assert f.overdue_child not in shown and f.due_child not in shown
    assert all(row["worker_href"] is None for row in page["visits"])
    for role in (AccountRole.MEMBER, AccountRole.ADMIN):
        refused = Principal(5, "someone", "Someone", role, f.authority_id)
        with pytest.raises(AccessDeniedError):
            worklist_view(engine, refused, WorklistFilter())
        assert short_lists(engine, refused, team_id=f.team_one) is None


def test_views_and_downloads_are_recorded_without_names(engine: Engine, followed: Followed) -> None:
    f = followed
    before = last_event_id(engine)
    short_lists(engine, manager(f, f.team_one), team_id=f.team_one)
    worklists.worklist_download(
        engine, manager(f, f.team_one), WorklistFilter(), "csv", which="visits"
    )
    found = [e for e in events(engine, before) if e["outcome"] == "allowed"]
    assert [(e["action"], e["target_type"]) for e in found] == [
        ("view", "practice_worklist"),
        ("export", "practice-visits"),
    ]
    view, export = found[0]["detail"], found[1]["detail"]
    gaps = worklists.scoped_worklists(engine, manager(f, f.team_one)).lists.supervision.height
    assert gaps >= 1  # the followed worker, and any newly qualified worker supervised weekly
    assert view == {"page": "team", "teams": [f.team_one], "visits": 1, "supervision": gaps}
    assert export["rows"] == 1 and export["teams"] == [f.team_one]
    assert f.overdue_child not in str(found)
