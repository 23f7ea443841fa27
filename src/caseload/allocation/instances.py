"""Synthetic allocation problems of any size, for benchmarks and property tests: teams of about
eight case holders with ASYEs, advanced practitioners and part-timers, existing loads, a few
absent or leaving, and children waiting with sibling groups, protected cases, proceedings and
previous workers. Seeded, so the same arguments give the same problem."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from caseload.allocation.build import complexity_level, experience_level
from caseload.allocation.problem import POINTS_SCALE, Child, Problem, Unit, Worker
from caseload.caseloads.policy import CaseloadPolicy, default_policy

ROLES = ("asye", "social_worker", "senior_social_worker", "advanced_practitioner")
ROLE_SHARES = (0.18, 0.50, 0.20, 0.12)
CASE_TYPES = ("cp", "cin", "cla", "assessment", "care_leaver")
CASE_SHARES = (0.25, 0.35, 0.15, 0.20, 0.05)
TEAM_SIZE = 8


def random_problem(
    *,
    workers: int,
    children: int,
    seed: int,
    load: float = 0.75,
    sibling_share: float = 0.3,
    areas: int = 5,
    routed_share: float = 0.35,
    no_team_share: float = 0.01,
    allow_cross_team: bool = False,
    policy: CaseloadPolicy | None = None,
    day: date = date(2025, 3, 31),
) -> Problem:
    """A problem with ``workers`` case holders in teams of about eight, the teams split between
    ``areas`` service areas, and ``children`` waiting. ``load`` is the mean share of each worker's
    cap already used. A child belongs to one team (their last worker's) or, for ``routed_share``
    of them, to every team of an area (routed by case type), or, for ``no_team_share``, to none."""
    rules = policy or default_policy()
    rng = np.random.default_rng(seed)
    teams = max(1, math.ceil(workers / TEAM_SIZE))
    staff: list[Worker] = []
    for index in range(workers):
        role = str(rng.choice(ROLES, p=ROLE_SHARES))
        fte = 1.0 if rng.random() < 0.8 else float(rng.choice((0.5, 0.6, 0.8)))
        cap = rules.caps[role]
        cap_cases = math.floor(cap.cases * fte + 1e-9)
        cap_points = math.floor(cap.points * fte * POINTS_SCALE + 1e-6)
        used = float(np.clip(rng.normal(load, 0.15), 0.0, 1.0))
        cases = min(cap_cases, round(cap_cases * used))
        points = min(cap_points, round(cases * POINTS_SCALE * rng.uniform(0.9, 1.15)))
        unavailable = None
        draw = rng.random()
        if draw < 0.03:
            unavailable = "absent since 2025-03-01"
        elif draw < 0.05:
            unavailable = "leaves the role after 2025-04-15"
        staff.append(
            Worker(
                worker_id=index + 1,
                staff_number=f"E{index + 1:04d}",
                name=f"Worker {index + 1}",
                role=role,
                team_id=index % teams + 1,
                team=f"Team {index % teams + 1}",
                fte=fte,
                level=experience_level(role, float(rng.uniform(0, 12))),
                cases=cases,
                points=points,
                cap_cases=cap_cases,
                cap_points=cap_points,
                unavailable=unavailable,
                protecting=role in rules.co_worker_roles,
            )
        )
    by_team: dict[int, list[int]] = {}
    for worker in staff:
        by_team.setdefault(worker.team_id or 0, []).append(worker.worker_id)
    units: list[Unit] = []
    made = 0
    while made < children:
        size = 1
        if rng.random() < sibling_share:
            size = min(int(rng.integers(2, 5)), children - made)
        team = int(rng.integers(1, teams + 1))
        draw = rng.random()
        if draw < no_team_share:
            home: tuple[int, ...] = ()
        elif draw < no_team_share + routed_share:
            area = team % max(1, areas)
            home = tuple(t for t in range(1, teams + 1) if t % max(1, areas) == area)
        else:
            home = (team,)
        group = f"G{made + 1}" if size > 1 else None
        kids = []
        for _ in range(size):
            made += 1
            case_type = str(rng.choice(CASE_TYPES, p=CASE_SHARES))
            proceedings = "care_proceedings" if rng.random() < 0.1 else None
            points = round(rules.case_points(case_type, proceedings is not None) * POINTS_SCALE)
            protected = rules.protected(case_type, proceedings is not None)
            known: tuple[int, ...] = ()
            if len(home) == 1 and rng.random() < 0.2:
                known = (int(rng.choice(by_team[home[0]])),)
            kids.append(
                Child(
                    child_id=made,
                    child_ref=f"C{made:05d}",
                    case_type=case_type,
                    proceedings=proceedings,
                    points=points,
                    protected=protected,
                    priority=rules.priority_rank(case_type, proceedings is not None),
                    days_waiting=int(rng.integers(0, 60)),
                    complexity=complexity_level(protected, points),
                    sibling_group=group,
                    known_workers=known,
                )
            )
        units.append(
            Unit(
                key=f"siblings {group}" if group else f"child {kids[0].child_ref}",
                children=tuple(kids),
                home_team_ids=home,
                home_team=", ".join(f"Team {t}" for t in home) or None,
                home_from=None if not home else "last worker" if len(home) == 1 else "case type",
            )
        )
    return Problem(
        day=day,
        units=tuple(units),
        workers=tuple(staff),
        allow_cross_team=allow_cross_team,
        leaving_window_days=rules.exclude_leaving_within_days,
        co_worker_roles=rules.co_worker_roles,
    )
