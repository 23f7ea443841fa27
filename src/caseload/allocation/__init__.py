"""Allocation: the problem, the optimiser (OR-Tools CP-SAT) and the greedy baseline, explanations
and measures."""

from caseload.allocation.plan import AllocationPlan, Recommendation, Waiting, make_plan
from caseload.allocation.problem import Child, Problem, Unit, Worker
from caseload.allocation.solver import SolveResult, solve

__all__ = [
    "AllocationPlan",
    "Child",
    "Problem",
    "Recommendation",
    "SolveResult",
    "Unit",
    "Waiting",
    "Worker",
    "make_plan",
    "solve",
]
