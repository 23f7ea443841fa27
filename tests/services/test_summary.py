"""The council summary on a hand-built council."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.domain import AllocationRole, CaseType, ContractType, Role, SpellEndReason
from caseload.errors import DatabaseUnavailableError, NotFoundError
from caseload.services.summary import council_summary
from caseload.storage.models import (
    Allocation,
    Authority,
    Child,
    ChildStatus,
    EmploymentSpell,
    Worker,
)


def build(engine: Engine) -> None:
    with Session(engine) as session:
        authority = Authority(code="301", name="Test Council", data_as_at=date(2025, 3, 31))
        session.add(authority)
        session.flush()
        a = authority.id
        workers = [
            Worker(authority_id=a, staff_number=f"E{n}", first_name="A", last_name="B")
            for n in range(6)
        ]
        session.add_all(workers)
        session.flush()
        spells = [
            (workers[0], ContractType.OWN, Role.SOCIAL_WORKER, "1", date(2020, 1, 1), None),
            (workers[1], ContractType.OWN, Role.ASYE, "0.5", date(2024, 9, 1), None),
            (workers[2], ContractType.AGENCY, Role.SOCIAL_WORKER, "1", date(2024, 6, 1), None),
            (
                workers[3],
                ContractType.OWN,
                Role.SOCIAL_WORKER,
                "1",
                date(2019, 1, 1),
                date(2025, 1, 31),
            ),
            # A family support worker: own staff, not in the census.
            (
                workers[4],
                ContractType.OWN,
                Role.FAMILY_SUPPORT_WORKER,
                "0.8",
                date(2023, 1, 1),
                None,
            ),
            # Leaves on the as-at date: a leaver on that day, not in post (the census rule).
            (
                workers[5],
                ContractType.OWN,
                Role.SOCIAL_WORKER,
                "0.6",
                date(2022, 1, 1),
                date(2025, 3, 31),
            ),
        ]
        for worker, contract, role, fte, start, end in spells:
            session.add(
                EmploymentSpell(
                    authority_id=a,
                    worker_id=worker.id,
                    contract=contract,
                    role=role,
                    fte=Decimal(fte),
                    start_date=start,
                    end_date=end,
                    end_reason=SpellEndReason.LEFT if end else None,
                )
            )
        children = [Child(authority_id=a, child_ref=f"C{n}") for n in range(5)]
        session.add_all(children)
        session.flush()
        for child, status, start, end in [
            (children[0], CaseType.CHILD_PROTECTION, date(2025, 1, 10), None),
            (children[1], CaseType.CHILD_IN_NEED, date(2025, 2, 1), None),
            (children[2], CaseType.ASSESSMENT, date(2024, 11, 1), date(2024, 12, 15)),
            (children[3], CaseType.LOOKED_AFTER, date(2024, 5, 1), None),
            (children[4], CaseType.CARE_LEAVER, date(2024, 5, 1), None),
        ]:
            session.add(
                ChildStatus(
                    authority_id=a, child_id=child.id, status=status, start_date=start, end_date=end
                )
            )
        session.add(
            Allocation(
                authority_id=a,
                child_id=children[0].id,
                worker_id=workers[0].id,
                role=AllocationRole.ALLOCATED_WORKER,
                start_date=date(2025, 1, 10),
            )
        )
        session.commit()


def test_summary_counts(engine: Engine) -> None:
    build(engine)
    summary = council_summary(engine).to_dict()
    assert summary["as_at"] == "2025-03-31"  # the authority's data date
    assert summary["workforce"] == [
        {"role": "asye", "contract": "own", "fte": 0.5, "headcount": 1},
        {"role": "social_worker", "contract": "own", "fte": 1.0, "headcount": 1},
        {"role": "social_worker", "contract": "agency", "fte": 1.0, "headcount": 1},
        {"role": "family_support_worker", "contract": "own", "fte": 0.8, "headcount": 1},
    ]
    # Each group labelled: the census counts social workers (1.0 + 0.5); all own staff add the
    # family support worker (0.8). The worker leaving on 31 March counts in neither.
    assert summary["in_post_fte"] == [
        {
            "group": "social_workers",
            "label": "Own social work staff in post (FTE; the census in-post FTE)",
            "fte": 1.5,
        },
        {
            "group": "all_own_staff",
            "label": "All own staff in post (FTE; family support workers included)",
            "fte": 2.3,
        },
        {
            "group": "agency_social_workers",
            "label": "Agency social workers in post (FTE; the census agency FTE)",
            "fte": 1.0,
        },
        {"group": "all_agency_staff", "label": "All agency staff in post (FTE)", "fte": 1.0},
    ]
    assert summary["open_cases"] == {
        "assessment": 0,
        "cin": 1,
        "cp": 1,
        "cla": 1,
        "care_leaver": 1,
        "total": 4,
    }
    # DfE's children in need include CP and looked-after children (not care leavers): 3.
    assert summary["children"] == {
        "open": 4,
        "allocated": 1,
        "unallocated": 3,
        "children_in_need": 3,
        "children_in_need_label": "Children in need (DfE count: CIN plan, CP plan or looked after)",
    }


def test_summary_as_at_an_earlier_date(engine: Engine) -> None:
    build(engine)
    summary = council_summary(engine, as_at=date(2024, 12, 1), authority_code="301").to_dict()
    assert {(r["role"], r["contract"]): r["headcount"] for r in summary["workforce"]} == {
        ("asye", "own"): 1,
        ("social_worker", "own"): 3,  # the leavers were still in post
        ("social_worker", "agency"): 1,
        ("family_support_worker", "own"): 1,
    }
    assert summary["children"] == {
        "open": 3,
        "allocated": 0,
        "unallocated": 3,
        "children_in_need": 1,
        "children_in_need_label": "Children in need (DfE count: CIN plan, CP plan or looked after)",
    }


def test_unknown_authority(engine: Engine) -> None:
    build(engine)
    with pytest.raises(NotFoundError, match=r"no authority with code '999'.*301"):
        council_summary(engine, authority_code="999")


def test_database_not_set_up(empty_engine: Engine) -> None:
    with pytest.raises(DatabaseUnavailableError, match="caseload db upgrade"):
        council_summary(empty_engine)
