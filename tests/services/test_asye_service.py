"""The ASYE and progression services on a small synthetic council with hand-recorded
programmes and applications: who sees which programmes, the overdue review worked by hand, the
audit trail, and the recorded extension that keeps a worker on the ASYE cap.

The data date is 30 September 2026. Worker "current" started their first post on 6 October
2025 (reviews due 6 January, 6 April and 6 October 2026); worker "extended" on 2 September 2024
(their year from qualifying ended on 1 September 2025); worker "passed" on 2 October 2023, in
another team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.caseloads.definitions import asye_status
from caseload.caseloads.report import position_on
from caseload.errors import AccessDeniedError
from caseload.services.asye import asye_view
from caseload.services.caseloads import council_data
from caseload.services.generation import build_council
from caseload.services.progression import progression_view
from caseload.storage.engine import session_scope
from caseload.storage.learning_models import AsyeProgramme, AsyeReview, ProgressionApplication
from caseload.storage.models import Base
from caseload.synthetic import CouncilSpec
from security.councils import events, last_event_id

SPEC = CouncilSpec(
    code="997",
    name="Firstyear Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)
DAY = date(2026, 9, 30)


@dataclass(frozen=True)
class Council:
    authority_id: int
    current: int
    extended: int
    passed: int
    team_of_current: int
    team_of_passed: int


def _team_id(engine: Engine, worker_id: int) -> int:
    council = council_data(engine, authority_code=SPEC.code)
    spells = council.data.spells.filter(
        (pl.col("worker_id") == worker_id) & pl.col("end_date").is_null()
    )
    team = spells["team"][0]
    return int(council.data.teams.filter(pl.col("team") == team)["team_id"][0])


@pytest.fixture
def council(engine: Engine) -> Council:
    build_council(engine, SPEC, years=1, seed=6)
    with engine.begin() as connection:  # the generated records give way to hand-written ones
        for table in ("asye_review", "asye_programme", "progression_application"):
            connection.execute(Base.metadata.tables[table].delete())
    data = council_data(engine, authority_code=SPEC.code)
    years = asye_status(data.data.workers, data.data.spells, DAY)

    def starting(day: date) -> int:
        return int(years.filter(pl.col("asye_from") == day)["worker_id"][0])

    current, extended, passed = (
        starting(date(2025, 10, 6)),
        starting(date(2024, 9, 2)),
        starting(date(2023, 10, 2)),
    )
    authority = data.authority.id
    with session_scope(engine) as session:
        first = AsyeProgramme(
            authority_id=authority,
            worker_id=current,
            start_date=date(2025, 10, 6),
            assessor="Ann Assessor",
            mentor="Mo Mentor",
        )
        second = AsyeProgramme(
            authority_id=authority,
            worker_id=extended,
            start_date=date(2024, 9, 2),
            assessor="Ann Assessor",
            outcome="extend",
            outcome_date=date(2025, 8, 20),
            extended_to=date(2026, 12, 31),
        )
        third = AsyeProgramme(
            authority_id=authority,
            worker_id=passed,
            start_date=date(2023, 10, 2),
            outcome="pass",
            outcome_date=date(2024, 9, 20),
        )
        session.add_all([first, second, third])
        session.flush()
        session.add_all(
            [
                AsyeReview(
                    programme_id=first.id,
                    review_point="3",
                    held_date=date(2026, 1, 10),
                    judgement="on_track",
                ),
                *[
                    AsyeReview(programme_id=second.id, review_point=point, held_date=held)
                    for point, held in (
                        ("3", date(2024, 12, 2)),
                        ("6", date(2025, 3, 3)),
                        ("12", date(2025, 8, 20)),
                    )
                ],
                *[
                    AsyeReview(programme_id=third.id, review_point=point, held_date=held)
                    for point, held in (
                        ("3", date(2024, 1, 2)),
                        ("6", date(2024, 4, 2)),
                        ("12", date(2024, 9, 20)),
                    )
                ],
                ProgressionApplication(
                    authority_id=authority,
                    worker_id=passed,
                    from_role="social_worker",
                    to_role="senior_social_worker",
                    applied_date=date(2026, 6, 1),
                    decided_date=date(2026, 7, 1),
                    outcome="refused",
                    evidence_note="Two observations; reflective account",
                ),
            ]
        )
    return Council(
        authority, current, extended, passed, _team_id(engine, current), _team_id(engine, passed)
    )


def leader(c: Council) -> Principal:
    return Principal(1, "leader", "Leader", AccountRole.LEADER, c.authority_id)


def test_the_leader_sees_every_programme_and_the_overdue_review(
    engine: Engine, council: Council
) -> None:
    before = last_event_id(engine)
    page = asye_view(engine, leader(council), as_at=DAY)
    by_worker = {row["worker_id"]: row for row in page["programmes"]}
    assert set(by_worker) == {council.current, council.extended, council.passed}
    assert [row["status"] for row in page["programmes"]] == ["passed", "extended", "in_programme"]
    # The 6-month review of the current programme was due on 6 April: 177 days overdue.
    assert [
        (r["worker"], r["review_point"], r["due_date"], r["days_overdue"]) for r in page["overdue"]
    ] == [(by_worker[council.current]["worker"], "6", "2026-04-06", 177)]
    reviews = by_worker[council.current]["reviews"]
    assert [(r["review_point"], r["status"]) for r in reviews] == [
        ("3", "late"),
        ("6", "overdue"),
        ("12", "due"),
    ]
    assert by_worker[council.extended]["next_review"] == "Extension review"
    assert by_worker[council.extended]["next_due"] == "2026-12-31"
    # Cohorts by the census year of the start (1 October to 30 September): 2 October 2023 and
    # 2 September 2024 are both in 2023-24; 6 October 2025 in 2025-26.
    assert page["cohorts"] == [
        {"cohort": 2024, "started": 2, "in_programme": 0, "extended": 1, "passed": 1, "failed": 0},
        {"cohort": 2026, "started": 1, "in_programme": 1, "extended": 0, "passed": 0, "failed": 0},
    ]
    viewed = [e for e in events(engine, before) if e["target_type"] == "asye_programme"]
    assert len(viewed) == 1 and viewed[0]["detail"]["programmes"] == 3


def test_the_recorded_extension_keeps_the_asye_cap(engine: Engine, council: Council) -> None:
    data = council_data(engine, authority_code=SPEC.code)
    caseloads = position_on(data.data, DAY, data.policy.policy).caseloads
    row = caseloads.filter(pl.col("worker_id") == council.extended).row(0, named=True)
    assert row["role"] == "asye"
    page = asye_view(engine, leader(council), as_at=DAY)
    shown = next(r for r in page["programmes"] if r["worker_id"] == council.extended)
    assert shown["cap_cases"] == row["cap_cases"]


def test_scope_by_role(engine: Engine, council: Council) -> None:
    assert council.team_of_current != council.team_of_passed
    manager = Principal(
        2,
        "manager",
        "Manager",
        AccountRole.TEAM_MANAGER,
        council.authority_id,
        team_ids=frozenset({council.team_of_passed}),
    )
    seen = {row["worker_id"] for row in asye_view(engine, manager, as_at=DAY)["programmes"]}
    assert council.passed in seen and council.current not in seen
    worker = Principal(
        3,
        "worker",
        "Worker",
        AccountRole.SOCIAL_WORKER,
        council.authority_id,
        worker_id=council.current,
    )
    own = asye_view(engine, worker, as_at=DAY)["programmes"]
    assert [row["worker_id"] for row in own] == [council.current]
    analyst = Principal(4, "analyst", "Analyst", AccountRole.ANALYST, council.authority_id)
    hidden = asye_view(engine, analyst, as_at=DAY)["programmes"]
    assert len(hidden) == 3 and all(row["worker_id"] is None for row in hidden)
    assert all(row["assessor"] is None for row in hidden)
    member = Principal(5, "member", "Member", AccountRole.MEMBER, council.authority_id)
    before = last_event_id(engine)
    with pytest.raises(AccessDeniedError):
        asye_view(engine, member, as_at=DAY)
    assert [e["outcome"] for e in events(engine, before)] == ["refused"]


def test_progression_lists_the_refused_application(engine: Engine, council: Council) -> None:
    page = progression_view(engine, leader(council), as_at=DAY)
    assert [s["to_role"] for s in page["framework"]["steps"]] == [
        "senior_social_worker",
        "advanced_practitioner",
        "team_manager",
    ]
    applications = page["applications"]
    assert [(a["applied_date"], a["status"]) for a in applications] == [("2026-06-01", "refused")]
    counts = {row["census_year"]: row for row in page["counts"]}
    assert (counts[2026]["applications"], counts[2026]["refused"]) == (1, 1)


def test_board_pack_sections(engine: Engine, council: Council) -> None:
    from caseload.reports.model import Audience
    from caseload.services.report_figures import gather
    from caseload.services.report_learning import first_year_section, progression_section

    internal = gather(
        engine, authority_code=SPEC.code, audience=Audience.INTERNAL, as_at=DAY, baseline_year=None
    )
    section = first_year_section(internal, internal.learning)
    assert section is not None and section.title == "The supported first year"
    assert "1 of their 3, 6 and 12-month reviews were overdue" in section.commentary[0]
    assert [row["started"] for row in section.tables[0].rows] == [2, 1]
    public = gather(
        engine, authority_code=SPEC.code, audience=Audience.PUBLIC, as_at=DAY, baseline_year=None
    )
    assert first_year_section(public, public.learning) is None
    shown = progression_section(public, public.learning)
    assert shown is not None
    refused = next(row for row in shown.tables[0].rows if row["name"].endswith("not approved"))
    # One refusal in 2025-26: a small number, hidden in the public pack.
    assert refused["y2026"] == "c"
    full = progression_section(internal, internal.learning)
    assert full is not None
    assert next(r for r in full.tables[0].rows if r["name"].endswith("not approved"))["y2026"] == 1
