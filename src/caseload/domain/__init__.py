"""Plain domain vocabulary: roles, contracts, case types and the census code sets."""

from caseload.domain.codes import (
    AbsenceReason,
    AllocationRole,
    CaseType,
    ContractType,
    EthnicGroup,
    Ethnicity,
    Gender,
    LeaverDestination,
    ProceedingsKind,
    QualLevel,
    ReasonLeave,
    Role,
    SpellEndReason,
    StartOrigin,
    TeamKind,
    WorkerChangeReason,
)
from caseload.domain.dates import census_year_bounds, census_year_of, reference_date

__all__ = [
    "AbsenceReason",
    "AllocationRole",
    "CaseType",
    "ContractType",
    "EthnicGroup",
    "Ethnicity",
    "Gender",
    "LeaverDestination",
    "ProceedingsKind",
    "QualLevel",
    "ReasonLeave",
    "Role",
    "SpellEndReason",
    "StartOrigin",
    "TeamKind",
    "WorkerChangeReason",
    "census_year_bounds",
    "census_year_of",
    "reference_date",
]
