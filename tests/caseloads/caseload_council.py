"""A small hand-built council in the database, for tests whose right answer is known exactly.

Import as ``from caseloads.caseload_council import Council``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.domain import (
    AbsenceReason,
    AllocationRole,
    CaseType,
    ContractType,
    ProceedingsKind,
    Role,
    SpellEndReason,
    TeamKind,
    WorkerChangeReason,
)
from caseload.storage.models import (
    Absence,
    Allocation,
    Authority,
    Child,
    ChildStatus,
    EmploymentSpell,
    Proceedings,
    Team,
    TeamManagement,
    Worker,
)

LONG_AGO = date(2020, 1, 1)


class Council:
    """Builds records in one session; ``commit()`` writes them. Workers are keyed by staff number,
    children by reference, teams by name."""

    def __init__(self, engine: Engine, code: str = "301", data_as_at: date | None = None) -> None:
        self.session = Session(engine)
        authority = Authority(
            code=code, name="Test Council", region="London", data_as_at=data_as_at
        )
        self.session.add(authority)
        self.session.flush()
        self.authority_id = authority.id
        self.teams: dict[str, int] = {}
        self.workers: dict[str, int] = {}
        self.children: dict[str, int] = {}

    def team(self, name: str, parent: str | None = None, *, external_id: str | None = None) -> int:
        kind = (
            TeamKind.SERVICE_AREA
            if parent is None and name.startswith("Service")
            else TeamKind.TEAM
        )
        team = Team(
            authority_id=self.authority_id,
            name=name,
            kind=kind,
            parent_id=self.teams[parent] if parent else None,
            external_id=external_id,
        )
        self.session.add(team)
        self.session.flush()
        self.teams[name] = team.id
        return team.id

    def worker(
        self,
        staff: str,
        role: Role,
        team: str | None,
        *,
        fte: str = "1",
        start: date = LONG_AGO,
        end: date | None = None,
        end_reason: SpellEndReason = SpellEndReason.LEFT,
        contract: ContractType = ContractType.OWN,
        qualified: date | None = None,
        name: str | None = None,
    ) -> int:
        first, _, last = (name or f"Worker {staff}").partition(" ")
        worker = Worker(
            authority_id=self.authority_id,
            staff_number=staff,
            first_name=first,
            last_name=last or "-",
            qualification_date=qualified,
        )
        self.session.add(worker)
        self.session.flush()
        self.workers[staff] = worker.id
        self.spell(
            staff,
            role,
            team,
            fte=fte,
            start=start,
            end=end,
            end_reason=end_reason,
            contract=contract,
        )
        return worker.id

    def spell(
        self,
        staff: str,
        role: Role,
        team: str | None,
        *,
        fte: str = "1",
        start: date = LONG_AGO,
        end: date | None = None,
        end_reason: SpellEndReason = SpellEndReason.LEFT,
        contract: ContractType = ContractType.OWN,
    ) -> None:
        self.session.add(
            EmploymentSpell(
                authority_id=self.authority_id,
                worker_id=self.workers[staff],
                contract=contract,
                role=role,
                fte=Decimal(fte),
                team_id=self.teams[team] if team else None,
                start_date=start,
                end_date=end,
                end_reason=end_reason if end else None,
            )
        )

    def manager(self, staff: str, team: str, start: date = LONG_AGO) -> None:
        self.session.add(
            TeamManagement(
                team_id=self.teams[team], worker_id=self.workers[staff], start_date=start
            )
        )

    def absence(
        self,
        staff: str,
        start: date,
        end: date | None,
        reason: AbsenceReason = AbsenceReason.SIC,
    ) -> None:
        days = Decimal((end - start).days + 1 if end else 0)
        self.session.add(
            Absence(
                authority_id=self.authority_id,
                worker_id=self.workers[staff],
                start_date=start,
                end_date=end,
                reason=reason,
                working_days_lost=days,
            )
        )

    def child(
        self,
        ref: str,
        status: CaseType = CaseType.CHILD_IN_NEED,
        *,
        opened: date = date(2025, 1, 6),
        closed: date | None = None,
        siblings: str | None = None,
        proceedings: ProceedingsKind | None = None,
    ) -> int:
        child = Child(authority_id=self.authority_id, child_ref=ref, sibling_group=siblings)
        self.session.add(child)
        self.session.flush()
        self.children[ref] = child.id
        self.status(ref, status, opened, closed)
        if proceedings is not None:
            self.session.add(
                Proceedings(
                    authority_id=self.authority_id,
                    child_id=child.id,
                    kind=proceedings,
                    start_date=opened,
                )
            )
        return child.id

    def status(self, ref: str, status: CaseType, start: date, end: date | None = None) -> None:
        self.session.add(
            ChildStatus(
                authority_id=self.authority_id,
                child_id=self.children[ref],
                status=status,
                start_date=start,
                end_date=end,
            )
        )

    def allocate(
        self,
        ref: str,
        staff: str,
        start: date = date(2025, 1, 6),
        end: date | None = None,
        *,
        co_worker: bool = False,
        reason: WorkerChangeReason | None = None,
    ) -> None:
        self.session.add(
            Allocation(
                authority_id=self.authority_id,
                child_id=self.children[ref],
                worker_id=self.workers[staff],
                role=AllocationRole.CO_WORKER if co_worker else AllocationRole.ALLOCATED_WORKER,
                start_date=start,
                end_date=end,
                change_reason=reason,
            )
        )
        self.session.flush()

    def caseload(
        self,
        staff: str,
        count: int,
        prefix: str,
        status: CaseType = CaseType.CHILD_IN_NEED,
        start: date = date(2025, 1, 6),
    ) -> None:
        """Give a worker ``count`` open cases of one type, opened and allocated on ``start``."""
        for number in range(count):
            ref = f"{prefix}{number:03d}"
            self.child(ref, status, opened=start)
            self.allocate(ref, staff, start)

    def commit(self) -> None:
        self.session.commit()
        self.session.close()


AS_AT = date(2025, 3, 31)


def build_north(engine: Engine) -> Council:
    """Service North with Team A (managed) and Team B (no manager), on 31 March 2025."""
    c = Council(engine, data_as_at=AS_AT)
    c.team("Service North")
    c.team("Team A", "Service North")
    c.team("Team B", "Service North")
    c.worker("M1", Role.TEAM_MANAGER, "Team A", name="Mo Manager")
    c.manager("M1", "Team A")
    c.worker("S1", Role.SOCIAL_WORKER, "Team A", name="Sam Smith", qualified=date(2015, 7, 1))
    c.worker("H1", Role.SOCIAL_WORKER, "Team A", fte="0.5", name="Hana Half")
    c.worker("A1", Role.ASYE, "Team A", name="Ash Asye", qualified=date(2024, 7, 1))
    c.worker("P1", Role.ADVANCED_PRACTITIONER, "Team A", name="Pat Practitioner")
    c.worker("L1", Role.SOCIAL_WORKER, "Team B", name="Lou Away")
    c.worker("R1", Role.SOCIAL_WORKER, "Team B", name="Ray Return")
    c.worker("G1", Role.SOCIAL_WORKER, "Team B", name="Gil Gone", end=date(2025, 2, 28))
    c.worker("N1", Role.SOCIAL_WORKER, "Team B", name="Nia Notice", end=date(2025, 4, 10))
    # Sam: 19 children in need, one of a sibling pair and one with three workers this year.
    c.caseload("S1", 19, "S")
    c.child("Z1", siblings="F1")
    c.allocate("Z1", "S1")
    c.child("K1", opened=date(2024, 1, 1))
    c.allocate("K1", "R1", date(2024, 1, 1), date(2024, 5, 31))
    c.allocate("K1", "H1", date(2024, 6, 1), date(2024, 12, 31))
    c.allocate("K1", "S1", date(2025, 1, 1))
    # Hana (half time): 8 children in need and Z1's sibling.
    c.caseload("H1", 8, "H")
    c.child("Z2", siblings="F1")
    c.allocate("Z2", "H1")
    # Ash (ASYE): one child protection case alone, one co-worked by Pat.
    c.child("CP1", CaseType.CHILD_PROTECTION)
    c.allocate("CP1", "A1")
    c.child("CP2", CaseType.CHILD_PROTECTION)
    c.allocate("CP2", "A1")
    c.allocate("CP2", "P1", co_worker=True)
    # Lou: absent since 1 February with no return date, still holding 3 cases.
    c.caseload("L1", 3, "L")
    c.absence("L1", date(2025, 2, 1), None)
    # Ray: back on 20 March from 78 days' absence, so on a phased return (cap 10), holding 11.
    c.caseload("R1", 11, "R", start=date(2024, 12, 2))
    c.absence("R1", date(2025, 1, 1), date(2025, 3, 19))
    # Gil left on 28 February and still holds a case; Nia leaves on 10 April with 2.
    c.caseload("G1", 1, "G")
    c.caseload("N1", 2, "N")
    # Waiting: a child protection case never allocated, and a child in need whose worker ended.
    c.child("Q1", CaseType.CHILD_PROTECTION, opened=date(2025, 2, 1))
    c.child("Q2", opened=date(2025, 1, 6))
    c.allocate("Q2", "S1", date(2025, 1, 6), date(2025, 3, 20))
    c.commit()
    return c
