"""The frames one council's caseloads and allocation read, in one container (filled by the
storage readers, read by the caseloads and allocation packages)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

REJECTIONS = {"child_id": pl.Int64, "worker_id": pl.Int64, "effective_date": pl.Date}


@dataclass(frozen=True)
class CaseloadData:
    """The frames for one authority that caseloads and allocation read.

    - teams: team_id, team, kind, external_id, parent_id, parent
    - workers: worker_id, staff_number, name, qualification_date (and swe_number when read from
      the database, for the search box)
    - spells: worker_id, contract, role, fte, team (name), start_date, end_date, end_reason
    - managers: team_id, worker_id, start_date, end_date
    - absences: worker_id, start_date, end_date, reason
    - children: child_id, child_ref, birth_date, sibling_group
    - statuses: child_id, status, start_date, end_date
    - proceedings: child_id, kind, start_date, end_date
    - allocations: allocation_id, child_id, worker_id, role, start_date, end_date, change_reason
    - rejections: child_id, worker_id, effective_date (recommendations a manager rejected)
    """

    teams: pl.DataFrame
    workers: pl.DataFrame
    spells: pl.DataFrame
    managers: pl.DataFrame
    absences: pl.DataFrame
    children: pl.DataFrame
    statuses: pl.DataFrame
    proceedings: pl.DataFrame
    allocations: pl.DataFrame
    rejections: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REJECTIONS))
