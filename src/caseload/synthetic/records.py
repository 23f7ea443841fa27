"""Mutable records the simulation builds before they become frames (dates as day numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from caseload.domain import ContractType, Role, SpellEndReason


@dataclass(slots=True)
class SpellRec:
    """An employment spell. ``planned_end`` is the agency engagement's planned last day."""

    worker_id: int
    contract: ContractType
    role: Role
    fte: float
    team_id: int
    post_id: int | None
    start: int
    end: int | None = None
    end_reason: SpellEndReason | None = None
    start_origin: int | None = None
    reason_leave: int | None = None
    leaver_destination: int | None = None
    planned_end: int | None = None
    deleted: bool = False

    @property
    def holds_cases(self) -> bool:
        return self.role.holds_cases


@dataclass(slots=True)
class AbsenceRec:
    worker_id: int
    start: int
    end: int | None
    reason: str
    working_days_lost: float
