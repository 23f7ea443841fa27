"""Snapshots of the workforce and its cases on a date, computed from frames."""

from caseload.workforce.snapshot import (
    CaseSnapshot,
    case_snapshot,
    workforce_by_role,
)

__all__ = ["CaseSnapshot", "case_snapshot", "workforce_by_role"]
