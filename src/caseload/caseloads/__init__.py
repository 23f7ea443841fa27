"""Weighted workload, caps, caseload bands and the rules that keep caseloads safe: the policy, the
position on a day, workloads, rules broken, the unallocated queue, continuity and alerts."""

from caseload.caseloads.policy import CaseloadPolicy, RoleCap, default_policy, load_policy
from caseload.caseloads.report import CaseloadReport, Position, build_report, position_on
from caseload.domain.caseload_data import CaseloadData

__all__ = [
    "CaseloadData",
    "CaseloadPolicy",
    "CaseloadReport",
    "Position",
    "RoleCap",
    "build_report",
    "default_policy",
    "load_policy",
    "position_on",
]
