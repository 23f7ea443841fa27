"""Turning simulation records into Polars frames shaped like the storage tables.

Every frame has an ``id`` of local integers 1..n and foreign keys hold local ids. Source-system
ids (``external_id``, and ``case_system_id`` for workers) are null: synthetic records come from
no source system. Dates are
``pl.Date`` (null while open), enum columns hold the enum values, FTE is rounded to 6 dp, working
days lost to 2 dp and agency contract weeks to 1 dp. ``agency_contract_weeks`` is the length of
the engagement in weeks: from start to end for an ended agency spell, to its planned end for one
still open.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from caseload.domain import ContractType, Role
from caseload.synthetic.casebook import Row
from caseload.synthetic.days import IntArray
from caseload.synthetic.demand import PROCEEDINGS_NAMES, SOURCES, STATUS_NAMES
from caseload.synthetic.establishment import Establishment
from caseload.synthetic.people import WorkerRec
from caseload.synthetic.records import AbsenceRec, SpellRec
from caseload.synthetic.sizing import OPEN, Demand

MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER})


def _dates(values: Sequence[int | None] | IntArray) -> pl.Series:
    return pl.Series(values, dtype=pl.Int32).cast(pl.Date)


def _open_dates(values: IntArray) -> pl.Series:
    return _dates([None if v == OPEN else int(v) for v in values.tolist()])


def _ids(count: int) -> pl.Series:
    return pl.Series(range(1, count + 1), dtype=pl.Int64)


def _none(count: int) -> pl.Series:
    """A null text column (source-system ids)."""
    return pl.Series([None] * count, dtype=pl.Utf8)


def teams_frame(est: Establishment) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": pl.Series([t.id for t in est.teams], dtype=pl.Int64),
            "parent_id": pl.Series([t.parent_id for t in est.teams], dtype=pl.Int64),
            "name": pl.Series([t.name for t in est.teams], dtype=pl.Utf8),
            "kind": pl.Series([t.kind.value for t in est.teams], dtype=pl.Utf8),
            "external_id": _none(len(est.teams)),
        }
    )


def posts_frame(est: Establishment, spells: list[SpellRec], funded_from: int) -> pl.DataFrame:
    """Posts start when funded (``funded_from`` for the first establishment, or the day they
    were added), or earlier if someone held them before."""
    first_use: dict[int, int] = {}
    for spell in spells:
        if spell.post_id is not None:
            first_use[spell.post_id] = min(first_use.get(spell.post_id, spell.start), spell.start)
    starts = [
        min(first_use.get(p.id, p.start), p.start if p.start > funded_from else funded_from)
        for p in est.posts
    ]
    return pl.DataFrame(
        {
            "id": pl.Series([p.id for p in est.posts], dtype=pl.Int64),
            "team_id": pl.Series([p.team_id for p in est.posts], dtype=pl.Int64),
            "reference": pl.Series([p.reference for p in est.posts], dtype=pl.Utf8),
            "role": pl.Series([p.role.value for p in est.posts], dtype=pl.Utf8),
            "funded_fte": pl.Series([round(p.fte, 6) for p in est.posts], dtype=pl.Float64),
            "start_date": _dates(starts),
            "end_date": _dates([p.end for p in est.posts]),
        }
    )


def workers_frame(workers: list[WorkerRec]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": _ids(len(workers)),
            "staff_number": pl.Series([w.staff_number for w in workers], dtype=pl.Utf8),
            "swe_number": pl.Series([w.swe_number for w in workers], dtype=pl.Utf8),
            "first_name": pl.Series([w.first_name for w in workers], dtype=pl.Utf8),
            "last_name": pl.Series([w.last_name for w in workers], dtype=pl.Utf8),
            "birth_date": _dates([w.birth_date for w in workers]),
            "gender": pl.Series([w.gender for w in workers], dtype=pl.Int64),
            "ethnicity": pl.Series([w.ethnicity for w in workers], dtype=pl.Utf8),
            "qualification_date": _dates([w.qualification_date for w in workers]),
            "qualification_level": pl.Series(
                [w.qualification_level for w in workers], dtype=pl.Int64
            ),
            "qualification_institution": pl.Series(
                [w.qualification_institution for w in workers], dtype=pl.Utf8
            ),
            "case_system_id": _none(len(workers)),
            "step_up": pl.Series([w.step_up for w in workers], dtype=pl.Boolean),
            "frontline": pl.Series([w.frontline for w in workers], dtype=pl.Boolean),
        }
    )


def spells_frame(spells: list[SpellRec], worker_id: dict[int, int], end: int) -> pl.DataFrame:
    weeks: list[float | None] = []
    for s in spells:
        if s.contract != ContractType.AGENCY:
            weeks.append(None)
            continue
        last = s.end if s.end is not None else (s.planned_end if s.planned_end else end)
        weeks.append(round((max(last, s.start) - s.start + 1) / 7.0, 1))
    return pl.DataFrame(
        {
            "id": _ids(len(spells)),
            "worker_id": pl.Series([worker_id[s.worker_id] for s in spells], dtype=pl.Int64),
            "contract": pl.Series([s.contract.value for s in spells], dtype=pl.Utf8),
            "role": pl.Series([s.role.value for s in spells], dtype=pl.Utf8),
            "fte": pl.Series([round(s.fte, 6) for s in spells], dtype=pl.Float64),
            "team_id": pl.Series([s.team_id for s in spells], dtype=pl.Int64),
            "post_id": pl.Series([s.post_id for s in spells], dtype=pl.Int64),
            "start_date": _dates([s.start for s in spells]),
            "end_date": _dates([s.end for s in spells]),
            "end_reason": pl.Series(
                [s.end_reason.value if s.end_reason else None for s in spells], dtype=pl.Utf8
            ),
            "start_origin": pl.Series([s.start_origin for s in spells], dtype=pl.Int64),
            "reason_leave": pl.Series([s.reason_leave for s in spells], dtype=pl.Int64),
            "leaver_destination": pl.Series([s.leaver_destination for s in spells], dtype=pl.Int64),
            "agency_contract_weeks": pl.Series(weeks, dtype=pl.Float64),
            "external_id": _none(len(spells)),
        }
    )


def team_management_frame(
    est: Establishment, spells: list[SpellRec], worker_id: dict[int, int]
) -> pl.DataFrame:
    """Holders of each team's managing post (team manager; head of service for a service area),
    one row per person and post, merging their consecutive spells in it."""
    rows: list[tuple[int, int, int, int | None]] = []
    last_key: tuple[int, int] | None = None
    for s in sorted(spells, key=lambda s: (s.post_id or 0, s.start)):
        if s.post_id is None or s.post_id not in est.managing_posts or s.role not in MANAGER_ROLES:
            continue
        team = est.post(s.post_id).team_id
        key = (s.post_id, s.worker_id)
        if key == last_key and rows and rows[-1][3] == s.start - 1:
            rows[-1] = (rows[-1][0], rows[-1][1], rows[-1][2], s.end)
        else:
            rows.append((team, worker_id[s.worker_id], s.start, s.end))
        last_key = key
    rows.sort(key=lambda r: (r[0], r[2]))
    return pl.DataFrame(
        {
            "id": _ids(len(rows)),
            "team_id": pl.Series([r[0] for r in rows], dtype=pl.Int64),
            "worker_id": pl.Series([r[1] for r in rows], dtype=pl.Int64),
            "start_date": _dates([r[2] for r in rows]),
            "end_date": _dates([r[3] for r in rows]),
        }
    )


def absences_frame(absences: list[AbsenceRec], worker_id: dict[int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": _ids(len(absences)),
            "worker_id": pl.Series([worker_id[a.worker_id] for a in absences], dtype=pl.Int64),
            "start_date": _dates([a.start for a in absences]),
            "end_date": _dates([a.end for a in absences]),
            "reason": pl.Series([a.reason for a in absences], dtype=pl.Utf8),
            "working_days_lost": pl.Series(
                [a.working_days_lost for a in absences], dtype=pl.Float64
            ),
            "external_id": _none(len(absences)),
        }
    )


def children_frame(demand: Demand, code: str) -> pl.DataFrame:
    n = len(demand.birth)
    return pl.DataFrame(
        {
            "id": _ids(n),
            "child_ref": pl.Series([f"C{code}{i:07d}" for i in range(1, n + 1)], dtype=pl.Utf8),
            "birth_date": _dates(demand.birth),
            "sibling_group": pl.Series(
                [f"F{code}{g:06d}" if g >= 0 else None for g in demand.sibling_group.tolist()],
                dtype=pl.Utf8,
            ),
        }
    )


def referrals_frame(demand: Demand) -> pl.DataFrame:
    order = np.lexsort((demand.ref_day, demand.ref_child))
    return pl.DataFrame(
        {
            "id": _ids(len(order)),
            "child_id": pl.Series(demand.ref_child[order] + 1, dtype=pl.Int64),
            "referral_date": _dates(demand.ref_day[order]),
            "source": pl.Series([SOURCES[s] for s in demand.ref_source[order]], dtype=pl.Utf8),
            "led_to_assessment": pl.Series(demand.ref_led[order], dtype=pl.Boolean),
            "external_id": _none(len(order)),
        }
    )


def statuses_frame(demand: Demand) -> pl.DataFrame:
    order = np.lexsort((demand.status_start, demand.status_child))
    return pl.DataFrame(
        {
            "id": _ids(len(order)),
            "child_id": pl.Series(demand.status_child[order] + 1, dtype=pl.Int64),
            "status": pl.Series([STATUS_NAMES[s] for s in demand.status[order]], dtype=pl.Utf8),
            "start_date": _dates(demand.status_start[order]),
            "end_date": _open_dates(demand.status_end[order]),
            "external_id": _none(len(order)),
        }
    )


def proceedings_frame(demand: Demand) -> pl.DataFrame:
    order = np.lexsort((demand.proc_start, demand.proc_child))
    return pl.DataFrame(
        {
            "id": _ids(len(order)),
            "child_id": pl.Series(demand.proc_child[order] + 1, dtype=pl.Int64),
            "kind": pl.Series(
                [PROCEEDINGS_NAMES[k] for k in demand.proc_kind[order]], dtype=pl.Utf8
            ),
            "start_date": _dates(demand.proc_start[order]),
            "end_date": _open_dates(demand.proc_end[order]),
        }
    )


def allocations_frame(rows: list[Row], worker_id: dict[int, int]) -> pl.DataFrame:
    rows = sorted(rows, key=lambda r: (r.child, r.start, r.role, r.worker))
    return pl.DataFrame(
        {
            "id": _ids(len(rows)),
            "child_id": pl.Series([r.child + 1 for r in rows], dtype=pl.Int64),
            "worker_id": pl.Series([worker_id[r.worker] for r in rows], dtype=pl.Int64),
            "role": pl.Series([r.role for r in rows], dtype=pl.Utf8),
            "start_date": _dates([r.start for r in rows]),
            "end_date": _dates([r.end for r in rows]),
            "change_reason": pl.Series([r.reason for r in rows], dtype=pl.Utf8),
            "external_id": _none(len(rows)),
        }
    )
