"""Structural invariants of generated councils: keys, dates, spells, statuses and allocations."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from enum import Enum
from itertools import pairwise

import polars as pl

from caseload.domain import (
    AbsenceReason,
    AllocationRole,
    CaseType,
    ContractType,
    Ethnicity,
    ProceedingsKind,
    Role,
    SpellEndReason,
    TeamKind,
    WorkerChangeReason,
)
from caseload.synthetic import SyntheticCouncil

FOREIGN_KEYS = {
    "team": {"parent_id": "team"},
    "team_management": {"team_id": "team", "worker_id": "worker"},
    "post": {"team_id": "team"},
    "employment_spell": {"worker_id": "worker", "team_id": "team", "post_id": "post"},
    "absence": {"worker_id": "worker"},
    "referral": {"child_id": "child"},
    "child_status": {"child_id": "child"},
    "proceedings": {"child_id": "child"},
    "allocation": {"child_id": "child", "worker_id": "worker"},
    "visit": {"child_id": "child", "worker_id": "worker"},
    "review": {"child_id": "child"},
    "supervision": {"worker_id": "worker", "supervisor_id": "worker"},
    "case_audit": {"child_id": "child", "worker_id": "worker"},
    "case_audit_grade": {"audit_id": "case_audit"},
}
DATED = ("team_management", "post", "employment_spell", "absence", "child_status", "proceedings")
ENUMS: dict[tuple[str, str], type[Enum]] = {
    ("team", "kind"): TeamKind,
    ("post", "role"): Role,
    ("employment_spell", "role"): Role,
    ("employment_spell", "contract"): ContractType,
    ("employment_spell", "end_reason"): SpellEndReason,
    ("worker", "ethnicity"): Ethnicity,
    ("absence", "reason"): AbsenceReason,
    ("child_status", "status"): CaseType,
    ("proceedings", "kind"): ProceedingsKind,
    ("allocation", "role"): AllocationRole,
    ("allocation", "change_reason"): WorkerChangeReason,
}
CASE_ROLES = [r.value for r in Role if r.holds_cases]
Interval = tuple[date, date | None]


def merged(rows: list[Interval]) -> list[tuple[date, date]]:
    """Contiguous or overlapping inclusive intervals merged; open ends become date.max."""
    out: list[tuple[date, date]] = []
    for start, end in sorted(rows):
        stop = end or date.max
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return out


def inside(start: date, end: date | None, spans: list[tuple[date, date]]) -> bool:
    stop = end or date.max
    return any(a <= start and stop <= b for a, b in spans)


def overlapping(rows: list[Interval]) -> bool:
    ordered = sorted(rows)
    return any((prev_end or date.max) >= start for (_, prev_end), (start, _) in pairwise(ordered))


def by_key(frame: pl.DataFrame, key: str) -> dict[int, list[Interval]]:
    groups: dict[int, list[Interval]] = defaultdict(list)
    for owner, start, end in frame.select(key, "start_date", "end_date").iter_rows():
        groups[owner].append((start, end))
    return groups


def test_ids_are_one_to_n(any_council: SyntheticCouncil) -> None:
    for name, frame in any_council.frames().items():
        assert frame["id"].to_list() == list(range(1, frame.height + 1)), name


def test_foreign_keys_resolve(any_council: SyntheticCouncil) -> None:
    frames = any_council.frames()
    for name, keys in FOREIGN_KEYS.items():
        for column, target in keys.items():
            values = frames[name][column].drop_nulls()
            assert values.is_in(frames[target]["id"].implode()).all(), f"{name}.{column}"


def test_enum_columns_hold_values(any_council: SyntheticCouncil) -> None:
    frames = any_council.frames()
    for (name, column), enum in ENUMS.items():
        allowed = {member.value for member in enum}
        assert set(frames[name][column].drop_nulls().to_list()) <= allowed, f"{name}.{column}"


def test_dates_in_order_and_nothing_after_the_end(any_council: SyntheticCouncil) -> None:
    frames = any_council.frames()
    end = any_council.end
    for name in DATED:
        frame = frames[name]
        assert frame.filter(pl.col("end_date") < pl.col("start_date")).is_empty(), name
        assert frame.filter(pl.col("start_date") > end).is_empty(), name
        assert frame.filter(pl.col("end_date") > end).is_empty(), name
    allocations = frames["allocation"]
    assert allocations.filter(pl.col("end_date") < pl.col("start_date")).is_empty()
    assert allocations.filter(pl.col("start_date") > end).is_empty()
    assert frames["referral"].filter(pl.col("referral_date") > end).is_empty()
    assert any_council.end == any_council.start.replace(year=any_council.start.year + 2) - (
        timedelta(days=1)
    )


def test_unique_references(any_council: SyntheticCouncil) -> None:
    assert any_council.teams["name"].is_unique().all()
    assert any_council.posts["reference"].is_unique().all()
    assert any_council.workers["staff_number"].is_unique().all()
    assert any_council.workers["swe_number"].drop_nulls().is_unique().all()
    assert any_council.children["child_ref"].is_unique().all()


def test_spells(any_council: SyntheticCouncil) -> None:
    spells = any_council.employment_spells
    ended = spells["end_date"].is_not_null()
    assert (ended == spells["end_reason"].is_not_null()).all()
    assert spells["fte"].is_between(0.0, 1.0, closed="right").all()
    for worker, rows in by_key(spells, "worker_id").items():
        assert not overlapping(rows), f"worker {worker} has overlapping spells"
    leavers = spells.filter(pl.col("end_reason") == "left")
    assert leavers.filter(pl.col("contract") == "agency").is_empty()
    assert leavers["reason_leave"].is_not_null().all()
    assert leavers["leaver_destination"].is_not_null().all()
    others = spells.filter(pl.col("end_reason").is_null() | (pl.col("end_reason") != "left"))
    assert others["reason_leave"].is_null().all()
    agency = spells.filter(pl.col("contract") == "agency")
    assert agency["agency_contract_weeks"].is_not_null().all()
    assert agency["post_id"].is_not_null().all()
    own = spells.filter(pl.col("contract") == "own")
    assert own["agency_contract_weeks"].is_null().all()
    assert own["start_origin"].is_between(1, 10).all()


def test_one_holder_per_post(any_council: SyntheticCouncil) -> None:
    """A post has at most one own holder and at most one agency worker on any day."""
    spells = any_council.employment_spells.filter(pl.col("post_id").is_not_null())
    for contract in ("own", "agency"):
        held = spells.filter(pl.col("contract") == contract)
        for post, rows in by_key(held, "post_id").items():
            assert not overlapping(rows), f"post {post} has two {contract} holders on a day"


def test_absences_inside_employment(any_council: SyntheticCouncil) -> None:
    spells = any_council.employment_spells.filter(pl.col("contract") == "own")
    employment = {w: merged(rows) for w, rows in by_key(spells, "worker_id").items()}
    for worker, rows in by_key(any_council.absences, "worker_id").items():
        assert not overlapping(rows)
        for start, end in rows:
            assert inside(start, end, employment[worker])
    assert (any_council.absences["working_days_lost"] >= 0).all()


def test_statuses_one_at_a_time(any_council: SyntheticCouncil) -> None:
    for child, rows in by_key(any_council.child_statuses, "child_id").items():
        assert not overlapping(rows), f"child {child} has two statuses on a day"


def test_allocations(any_council: SyntheticCouncil) -> None:
    allocations = any_council.allocations
    allocated = allocations.filter(pl.col("role") == "allocated")
    for child, rows in by_key(allocated, "child_id").items():
        assert not overlapping(rows), f"child {child} has two allocated workers on a day"
    holding = any_council.employment_spells.filter(pl.col("role").is_in(CASE_ROLES))
    in_post = {w: merged(rows) for w, rows in by_key(holding, "worker_id").items()}
    statuses = {
        c: merged(rows) for c, rows in by_key(any_council.child_statuses, "child_id").items()
    }
    for child, worker, start, end in allocations.select(
        "child_id", "worker_id", "start_date", "end_date"
    ).iter_rows():
        assert inside(start, end, in_post.get(worker, [])), (child, worker, start, end)
        assert inside(start, end, statuses[child]), (child, worker, start, end)
    open_rows = allocations.filter(pl.col("end_date").is_null())
    assert open_rows["change_reason"].is_null().all()


def test_open_cases_are_allocated_at_the_end(any_council: SyntheticCouncil) -> None:
    """Nearly every case open on the last day has an allocated worker (a short wait is allowed)."""
    end = any_council.end
    open_children = any_council.child_statuses.filter(
        (pl.col("start_date") <= end) & pl.col("end_date").is_null()
    )["child_id"]
    held = any_council.allocations.filter(
        (pl.col("role") == "allocated") & pl.col("end_date").is_null()
    )["child_id"]
    assert held.is_in(open_children.implode()).all()
    assert held.len() >= 0.9 * open_children.len()


def test_workforce_starts_full(small_council: SyntheticCouncil) -> None:
    """On the first day the council has staff with long service and an open caseload."""
    start = small_council.start
    spells = small_council.employment_spells
    before = spells.filter(pl.col("start_date") < start)
    assert before.height > 0
    assert before["start_date"].min() < start - timedelta(days=5 * 365)  # type: ignore[operator]
    on_day = small_council.allocations.filter(
        (pl.col("start_date") < start)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
    )
    assert on_day.height > 200


def test_siblings_and_roles(small_council: SyntheticCouncil) -> None:
    children = small_council.children
    groups = children.filter(pl.col("sibling_group").is_not_null())
    assert groups.group_by("sibling_group").len()["len"].min() >= 2  # type: ignore[operator]
    workers = small_council.workers
    female = (workers["gender"] == 2).mean()
    assert 0.7 < female < 0.95  # type: ignore[operator]
    spells = small_council.employment_spells
    roles = set(spells["role"].to_list())
    assert {"asye", "social_worker", "senior_social_worker", "team_manager"} <= roles
    assert set(spells["end_reason"].drop_nulls().to_list()) >= {"left", "role_change"}


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_asye_never_alone_on_child_protection_or_court(any_council: SyntheticCouncil) -> None:
    """Every day an ASYE holds a CP or care proceedings case, someone co-works it."""
    end = any_council.end
    asye: dict[int, list[tuple[date, date]]] = defaultdict(list)
    spells = any_council.employment_spells.filter(pl.col("role") == "asye")
    for worker, start, stop in spells.select("worker_id", "start_date", "end_date").iter_rows():
        asye[worker].append((start, stop or end))
    sensitive: dict[int, set[date]] = defaultdict(set)
    cp = any_council.child_statuses.filter(pl.col("status") == "cp")
    court = any_council.proceedings.filter(pl.col("kind") == "care_proceedings")
    for frame in (cp, court):
        for child, start, stop in frame.select("child_id", "start_date", "end_date").iter_rows():
            sensitive[child].update(_days(start, stop or end))
    co_worked: dict[int, set[date]] = defaultdict(set)
    allocations = any_council.allocations
    co = allocations.filter(pl.col("role") == "co_worker")
    for child, start, stop in co.select("child_id", "start_date", "end_date").iter_rows():
        co_worked[child].update(_days(start, stop or end))
    held = allocations.filter(
        (pl.col("role") == "allocated") & pl.col("worker_id").is_in(list(asye))
    )
    checked = 0
    for child, worker, start, stop in held.select(
        "child_id", "worker_id", "start_date", "end_date"
    ).iter_rows():
        for first, last in asye[worker]:
            for day in _days(max(start, first), min(stop or end, last)):
                if day in sensitive[child]:
                    checked += 1
                    assert day in co_worked[child], (child, worker, day)
    assert checked >= 0


def test_team_management(any_council: SyntheticCouncil) -> None:
    """One manager per team at a time, each in post as a manager on every day they manage."""
    rows = any_council.team_management
    for team, spans in by_key(rows, "team_id").items():
        assert not overlapping(spans), f"team {team} has two managers on a day"
    managers = any_council.employment_spells.filter(
        pl.col("role").is_in(["team_manager", "service_manager", "senior_manager"])
    )
    in_post = {w: merged(spans) for w, spans in by_key(managers, "worker_id").items()}
    for worker, start, end in rows.select("worker_id", "start_date", "end_date").iter_rows():
        assert inside(start, end, in_post[worker])
    teams = any_council.teams.filter(pl.col("kind") == "team")["id"]
    assert teams.is_in(rows["team_id"].implode()).mean() > 0.8  # type: ignore[operator]


def test_establishment_matches_the_size(any_council: SyntheticCouncil) -> None:
    start = any_council.start
    posts = any_council.posts.filter(
        (pl.col("role") != "family_support_worker") & (pl.col("start_date") <= start)
    )
    assert abs(float(posts["funded_fte"].sum()) - any_council.spec.size_fte) <= 6.0
    per_team = any_council.posts.filter(pl.col("role") == "team_manager").group_by("team_id").len()
    assert (per_team["len"] == 1).all()
