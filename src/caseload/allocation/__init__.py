"""Allocation: the problem, the optimiser (OR-Tools CP-SAT) and the greedy baseline, explanations
and measures."""

from caseload.allocation.overflow import CapBreach, Overflow
from caseload.allocation.plan import (
    AllocationPlan,
    CouncilPlan,
    Recommendation,
    Waiting,
    make_plan,
    plan_for_council,
)
from caseload.allocation.problem import Child, Problem, Unit, Worker
from caseload.allocation.solver import SolveResult, solve

__all__ = [
    "AllocationPlan",
    "CapBreach",
    "Child",
    "CouncilPlan",
    "Overflow",
    "Problem",
    "Recommendation",
    "SolveResult",
    "Unit",
    "Waiting",
    "Worker",
    "make_plan",
    "plan_for_council",
    "solve",
]
