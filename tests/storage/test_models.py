"""Round trips and database-level constraints, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from caseload.domain import (
    AllocationRole,
    CaseType,
    ContractType,
    Role,
    SpellEndReason,
    TeamKind,
    WorkerChangeReason,
)
from caseload.storage.models import (
    Allocation,
    Authority,
    Child,
    ChildStatus,
    EmploymentSpell,
    Team,
    Worker,
)


def seed_council(session: Session) -> dict[str, int]:
    authority = Authority(code="301", name="Test Council", region="London")
    session.add(authority)
    session.flush()
    area = Team(authority_id=authority.id, name="Children in Care", kind=TeamKind.SERVICE_AREA)
    session.add(area)
    session.flush()
    team = Team(authority_id=authority.id, name="CiC 1", kind=TeamKind.TEAM, parent_id=area.id)
    worker_a = Worker(
        authority_id=authority.id,
        staff_number="E001",
        swe_number="SW123456",
        first_name="Ada",
        last_name="Example",
        birth_date=date(1985, 2, 28),
        gender=2,
        ethnicity="WBRI",
    )
    worker_b = Worker(
        authority_id=authority.id, staff_number="E002", first_name="Ben", last_name="Example"
    )
    child = Child(authority_id=authority.id, child_ref="C0001", birth_date=date(2015, 6, 1))
    session.add_all([team, worker_a, worker_b, child])
    session.flush()
    return {
        "authority": authority.id,
        "team": team.id,
        "area": area.id,
        "worker_a": worker_a.id,
        "worker_b": worker_b.id,
        "child": child.id,
    }


def test_records_round_trip(engine: Engine) -> None:
    with Session(engine) as session:
        ids = seed_council(session)
        session.add(
            EmploymentSpell(
                authority_id=ids["authority"],
                worker_id=ids["worker_a"],
                contract=ContractType.OWN,
                role=Role.SENIOR_SOCIAL_WORKER,
                fte=Decimal("0.811111"),
                team_id=ids["team"],
                start_date=date(2020, 1, 6),
                end_date=date(2024, 3, 31),
                end_reason=SpellEndReason.LEFT,
                reason_leave=1,
                leaver_destination=3,
            )
        )
        session.add(
            ChildStatus(
                authority_id=ids["authority"],
                child_id=ids["child"],
                status=CaseType.CHILD_PROTECTION,
                start_date=date(2024, 2, 29),
            )
        )
        session.commit()
    with Session(engine) as session:
        spell = session.scalars(select(EmploymentSpell)).one()
        assert spell.fte == Decimal("0.811111")
        assert spell.role is Role.SENIOR_SOCIAL_WORKER
        assert spell.end_reason is SpellEndReason.LEFT
        assert (spell.start_date, spell.end_date) == (date(2020, 1, 6), date(2024, 3, 31))
        assert spell.worker.birth_date == date(1985, 2, 28)
        status = session.scalars(select(ChildStatus)).one()
        assert status.status is CaseType.CHILD_PROTECTION
        assert status.start_date == date(2024, 2, 29)
        team = session.get(Team, ids["team"])
        assert team is not None and team.parent is not None
        assert team.parent.name == "Children in Care"


def _spell(ids: dict[str, int], **changes: Any) -> EmploymentSpell:
    values: dict[str, Any] = {
        "authority_id": ids["authority"],
        "worker_id": ids["worker_a"],
        "contract": ContractType.OWN,
        "role": Role.SOCIAL_WORKER,
        "fte": Decimal("1"),
        "start_date": date(2022, 1, 1),
    }
    values.update(changes)
    return EmploymentSpell(**values)


def _allocation(ids: dict[str, int], **changes: Any) -> Allocation:
    values: dict[str, Any] = {
        "authority_id": ids["authority"],
        "child_id": ids["child"],
        "worker_id": ids["worker_a"],
        "role": AllocationRole.ALLOCATED_WORKER,
        "start_date": date(2024, 1, 1),
    }
    values.update(changes)
    return Allocation(**values)


REJECTED: dict[str, Callable[[dict[str, int]], list[Any]]] = {
    "spell ends before it starts": lambda ids: [
        _spell(
            ids,
            end_date=date(2021, 12, 31),
            end_reason=SpellEndReason.LEFT,
        )
    ],
    "FTE above 1": lambda ids: [_spell(ids, fte=Decimal("1.2"))],
    "FTE of 0": lambda ids: [_spell(ids, fte=Decimal("0"))],
    "ended spell without a reason": lambda ids: [_spell(ids, end_date=date(2023, 1, 1))],
    "reason code outside the census set": lambda ids: [_spell(ids, reason_leave=11)],
    "two open allocated workers": lambda ids: [
        _allocation(ids),
        _allocation(ids, worker_id=ids["worker_b"], start_date=date(2024, 2, 1)),
    ],
    "overlapping closed allocations": lambda ids: [
        _allocation(ids, end_date=date(2024, 3, 1), change_reason=WorkerChangeReason.LEFTRL),
        _allocation(
            ids,
            worker_id=ids["worker_b"],
            start_date=date(2024, 3, 1),
            end_date=date(2024, 4, 1),
        ),
    ],
    "new allocation inside an open one": lambda ids: [
        _allocation(ids, start_date=date(2024, 1, 1)),
        _allocation(
            ids, worker_id=ids["worker_b"], start_date=date(2023, 6, 1), end_date=date(2024, 1, 1)
        ),
    ],
    "allocation ends before it starts": lambda ids: [_allocation(ids, end_date=date(2023, 12, 31))],
    "gender outside the census set": lambda ids: [
        Worker(
            authority_id=ids["authority"],
            staff_number="E009",
            first_name="X",
            last_name="Y",
            gender=3,
        )
    ],
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_impossible_states_are_rejected(engine: Engine, case: str) -> None:
    with Session(engine) as session:
        ids = seed_council(session)
        session.commit()
        for record in REJECTED[case](ids):
            session.add(record)
        with pytest.raises((IntegrityError, DBAPIError)):
            session.flush()
        session.rollback()


def test_handover_and_co_worker_are_allowed(engine: Engine) -> None:
    with Session(engine) as session:
        ids = seed_council(session)
        session.add_all(
            [
                _allocation(
                    ids, end_date=date(2024, 2, 29), change_reason=WorkerChangeReason.LEFTRL
                ),
                _allocation(ids, worker_id=ids["worker_b"], start_date=date(2024, 3, 1)),
                _allocation(ids, role=AllocationRole.CO_WORKER, start_date=date(2024, 1, 15)),
            ]
        )
        session.commit()
        assert len(session.scalars(select(Allocation)).all()) == 3


def test_allocation_cannot_be_moved_onto_another(engine: Engine) -> None:
    """The overlap guard also runs on updates."""
    with Session(engine) as session:
        ids = seed_council(session)
        first = _allocation(
            ids, end_date=date(2024, 2, 29), change_reason=WorkerChangeReason.OTHERS
        )
        second = _allocation(ids, worker_id=ids["worker_b"], start_date=date(2024, 3, 1))
        session.add_all([first, second])
        session.commit()
        first.end_date = date(2024, 3, 5)
        with pytest.raises((IntegrityError, DBAPIError)):
            session.flush()


def test_authority_code_is_three_characters(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Authority(code="30", name="Short"))
        with pytest.raises(IntegrityError):
            session.flush()
