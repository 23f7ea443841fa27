"""The parts of one worker's record (caseload, rules broken, children, co-working, spells,
absences and the allocations behind their month-end history), from one of two sources that give
the same answer:

- an index of the whole council, built once per data fingerprint from the cached caseload data
  and report, when they are in the cache (a page view is then a few dictionary look-ups);
- otherwise the worker's own rows only (:func:`caseload.storage.people_queries.caseload_subset`):
  the children they hold or co-work and everyone else allocated to those children, so the
  caseload is computed exactly as the council's report does without reading the council."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads import rules
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import (
    ALLOCATED,
    CaseloadData,
    active_on,
    case_label,
    cases_on,
    held_on,
    workers_on,
)
from caseload.caseloads.report import WORKER_COLUMNS
from caseload.caseloads.workload import worker_caseloads
from caseload.services.caseloads import CouncilData, make_scope, scoped_report
from caseload.services.view_rows import HistoryPoint, month_end_cases, plain
from caseload.storage import people_queries
from caseload.storage.engine import session_scope
from caseload.storage.people_queries import ABSENCE_SCHEMA, SPELL_SCHEMA

Row = dict[str, Any]


@dataclass(frozen=True)
class WorkerParts:
    caseload: Row | None  # the worker's row of the caseload report (WORKER_COLUMNS)
    breaches: list[Row]  # rules broken by the worker (the report's breach rows)
    cases: list[Row]  # children held: child, case, since, points, protected, co_workers
    co_working: list[Row]  # children co-worked: child, case, allocated_worker
    spells: list[Row]  # employment spells, oldest first (SPELL_SCHEMA)
    absences: list[Row]  # absences, oldest first (ABSENCE_SCHEMA)
    allocations: pl.DataFrame  # allocated-worker allocations: worker_id, start_date, end_date
    history: list[HistoryPoint]  # cases held at each month end over 24 months


def _ordered_spells(rows: list[Row]) -> list[Row]:
    return sorted(
        rows,
        key=lambda r: (r["start_date"], r["end_date"] or date.max, r["team"] or "", r["role"]),
    )


def _ordered_absences(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r["start_date"], r["end_date"] or date.max, r["reason"]))


def _case_rows(held: pl.DataFrame, names: dict[int, str]) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = defaultdict(list)
    for row in held.sort("child_ref").iter_rows(named=True):
        found[row["worker_id"]].append(
            {
                "child": row["child_ref"],
                "case": case_label(row["case_type"], row["proceedings"]),
                "since": plain(row["start_date"]),
                "points": plain(float(row["points"])),
                "protected": bool(row["protected"]),
                "co_workers": [names.get(w, f"worker {w}") for w in row["co_workers"] or []],
            }
        )
    return found


def _co_rows(cases: pl.DataFrame, names: dict[int, str]) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = defaultdict(list)
    rows = cases.filter(pl.col("co_workers").list.len() > 0).sort("child_ref")
    for row in rows.iter_rows(named=True):
        for co_worker in row["co_workers"]:
            found[co_worker].append(
                {
                    "child": row["child_ref"],
                    "case": case_label(row["case_type"], row["proceedings"]),
                    "allocated_worker": names.get(row["worker_id"]) if row["worker_id"] else None,
                }
            )
    return found


def _by_worker(frame: pl.DataFrame) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = defaultdict(list)
    for row in frame.iter_rows(named=True):
        found[row["worker_id"]].append(row)
    return found


@dataclass(frozen=True)
class CouncilIndex:
    """Every worker's parts on one day, from the council's cached data and report (month-end
    histories are worked out on first use and kept), with their names and numbers."""

    day: date
    facts: dict[int, Row]
    caseloads: dict[int, Row]
    breaches: dict[int, list[Row]]
    cases: dict[int, list[Row]]
    co_working: dict[int, list[Row]]
    spells: dict[int, list[Row]]
    absences: dict[int, list[Row]]
    allocations: dict[int, pl.DataFrame]
    empty: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"worker_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date}
        )
    )
    histories: dict[int, list[HistoryPoint]] = field(default_factory=dict)

    def teams_on(self, worker_id: int) -> set[int]:
        """As ``access.worker_team_ids``: the teams of the worker's spells on the day, else of
        their last spell."""
        spells = self.spells.get(worker_id, [])
        active = {
            s["team_id"]
            for s in spells
            if s["start_date"] <= self.day and (s["end_date"] is None or s["end_date"] >= self.day)
        }
        if active or not spells:
            return active
        return {max(spells, key=lambda s: s["start_date"])["team_id"]}

    def allows(self, principal: Principal, worker_id: int) -> bool:
        """Whether ``access.check_worker`` would let the principal see the worker, answered
        from the index (False: ask it, so a refusal is recorded)."""
        if worker_id not in self.facts:
            return False
        if principal.can(Permission.VIEW_OWN_RECORD) and principal.worker_id == worker_id:
            return True
        return principal.can(Permission.VIEW_PEOPLE) and principal.covers_teams(
            self.teams_on(worker_id)
        )

    def parts(self, worker_id: int) -> WorkerParts:
        allocations = self.allocations.get(worker_id, self.empty)
        history = self.histories.get(worker_id)
        if history is None:
            history = self.histories[worker_id] = month_end_cases(allocations, self.day)
        return WorkerParts(
            caseload=self.caseloads.get(worker_id),
            breaches=self.breaches.get(worker_id, []),
            cases=self.cases.get(worker_id, []),
            co_working=self.co_working.get(worker_id, []),
            spells=self.spells.get(worker_id, []),
            absences=self.absences.get(worker_id, []),
            allocations=allocations,
            history=history,
        )


def council_index(engine: Engine, council: CouncilData, day: date) -> CouncilIndex:
    """The index for the council's data on ``day``, built once per data fingerprint."""
    key: tuple[Hashable, ...] = (*council.key, "worker index", day)
    index: CouncilIndex = council.snapshots.worker_index.get_or_build(
        key, lambda: _build_index(engine, council, day)
    )
    return index


def _build_index(engine: Engine, council: CouncilData, day: date) -> CouncilIndex:
    data = council.data
    with session_scope(engine) as session:
        swe = people_queries.swe_numbers(session, council.authority.id)
    policy = council.policy.policy
    report = scoped_report(council, make_scope(council, as_at=day))
    names = dict(data.workers.select("worker_id", "name").iter_rows())
    teams = data.teams.select("team_id", "team").unique("team", keep="first")
    spells = data.spells.join(teams, on="team", how="left").select(list(SPELL_SCHEMA))
    allocated = data.allocations.filter(pl.col("role") == ALLOCATED).select(
        "worker_id", "start_date", "end_date"
    )
    return CouncilIndex(
        day=day,
        facts={
            row["worker_id"]: row | {"swe_number": swe.get(row["worker_id"])}
            for row in data.workers.select(
                "worker_id", "staff_number", "name", "qualification_date"
            ).iter_rows(named=True)
        },
        caseloads={row["worker_id"]: row for row in report.workers.iter_rows(named=True)},
        breaches=_by_worker(report.breaches.filter(pl.col("worker_id").is_not_null())),
        cases=_case_rows(held_on(data, day, policy), names),
        co_working=_co_rows(cases_on(data, day, policy), names),
        spells={k: _ordered_spells(v) for k, v in _by_worker(spells).items()},
        absences={
            k: _ordered_absences(v)
            for k, v in _by_worker(data.absences.select(list(ABSENCE_SCHEMA))).items()
        },
        allocations={
            int(key[0]): frame
            for key, frame in allocated.partition_by("worker_id", as_dict=True).items()
        },
    )


def subset_parts(
    engine: Engine, authority_id: int, worker_id: int, day: date, policy: CaseloadPolicy
) -> WorkerParts:
    """The parts from the worker's own rows (the position as in
    ``caseloads.report.position_on``, without the queue and managers)."""
    with session_scope(engine) as session:
        data: CaseloadData = people_queries.caseload_subset(session, authority_id, worker_id, day)
        spells = people_queries.spells_of(session, [worker_id])
        absences = people_queries.absences_of(session, [worker_id])
        allocations = people_queries.held_allocations(session, [worker_id], date.min)
    held = held_on(data, day, policy)
    caseloads = worker_caseloads(
        workers_on(data, day, policy), held, active_on(data.allocations, day), policy
    )
    mine = caseloads.filter(pl.col("worker_id") == worker_id)
    own_held = held.filter(pl.col("worker_id") == worker_id)
    breaches = rules.as_frame(
        rules.worker_breaches(mine, policy)
        + rules.case_breaches(own_held, caseloads, data.absences, policy)
    ).filter(pl.col("worker_id") == worker_id)
    names = dict(data.workers.select("worker_id", "name").iter_rows())
    caseload = None
    if not mine.is_empty():
        rules_text = ", ".join(sorted(set(breaches["rule"].to_list())))
        caseload = (
            mine.with_columns(pl.lit(rules_text).alias("rules"))
            .select(WORKER_COLUMNS)
            .row(0, named=True)
        )
    return WorkerParts(
        caseload=caseload,
        breaches=list(breaches.iter_rows(named=True)),
        cases=_case_rows(own_held, names).get(worker_id, []),
        co_working=_co_rows(cases_on(data, day, policy), names).get(worker_id, []),
        spells=_ordered_spells(list(spells.iter_rows(named=True))),
        absences=_ordered_absences(list(absences.iter_rows(named=True))),
        allocations=allocations.select("worker_id", "start_date", "end_date"),
        history=month_end_cases(allocations, day),
    )
