"""The council's position on one day: who is in post in which role, and which children are open and
allocated. Inputs are the frames of spells, statuses and allocations active on that day."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from caseload.domain import AllocationRole, CaseType, ContractType, Role

ROLE_ORDER = [role.value for role in Role]
CONTRACT_ORDER = [contract.value for contract in ContractType]


def workforce_by_role(spells: pl.DataFrame) -> pl.DataFrame:
    """FTE and headcount by role and contract type (``own`` or ``agency``) from active spells.

    Headcount counts distinct people (``authority_id``, ``worker_id``) in each group."""
    grouped = spells.group_by("role", "contract").agg(
        pl.col("fte").sum().round(1).alias("fte"),
        pl.struct("authority_id", "worker_id").n_unique().alias("headcount"),
    )
    return (
        grouped.with_columns(
            pl.col("role").replace_strict(ROLE_ORDER, list(range(len(ROLE_ORDER)))).alias("_r"),
            pl.col("contract")
            .replace_strict(CONTRACT_ORDER, list(range(len(CONTRACT_ORDER))))
            .alias("_c"),
        )
        .sort("_r", "_c")
        .drop("_r", "_c")
    )


@dataclass(frozen=True)
class CaseSnapshot:
    """Open cases by type, and how many open children have an allocated worker."""

    open_by_type: dict[str, int]
    open_children: int
    allocated_children: int

    @property
    def unallocated_children(self) -> int:
        return self.open_children - self.allocated_children


def case_snapshot(statuses: pl.DataFrame, allocations: pl.DataFrame) -> CaseSnapshot:
    """``statuses``: child_id, status (active on the day); ``allocations``: child_id, role."""
    counts = dict(statuses.group_by("status").len().iter_rows())
    open_by_type = {case_type.value: int(counts.get(case_type.value, 0)) for case_type in CaseType}
    open_children = statuses.select(pl.col("child_id").n_unique()).item()
    allocated = (
        allocations.filter(pl.col("role") == AllocationRole.ALLOCATED_WORKER.value)
        .join(statuses.select("child_id").unique(), on="child_id", how="semi")
        .select(pl.col("child_id").n_unique())
        .item()
    )
    return CaseSnapshot(
        open_by_type=open_by_type,
        open_children=int(open_children),
        allocated_children=int(allocated),
    )
