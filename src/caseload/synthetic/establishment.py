"""Teams and funded posts.

Assumptions: four operational service areas (front door and assessment; child in need and
protection; children in care; care leavers) each hold the cases of the matching child statuses,
and a management service area holds the senior leadership team and the independent reviewing
officers (qualified without cases). Each team has one team manager post, nearly always an advanced
practitioner post and up to ``team_practitioners`` practitioner posts (social worker or senior
social worker grade, filled by ASYEs, social workers or seniors on the career grade): 5 in a
typical council, so a team's case holders stay within its manager's span of control of 6 (except
while someone on maternity leave is covered), more in a struggling one; each operational area has
about one service manager per six teams. Family support worker posts exist in some teams but are not
census roles and are not counted in ``size_fte``. Operational areas are sized to their share of
cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from caseload.domain import CaseType, Role, TeamKind


class Area(str, Enum):
    """A service area: the unit within which cases are allocated."""

    FRONT_DOOR = "front_door"
    CIN_CP = "cin_cp"
    IN_CARE = "in_care"
    CARE_LEAVERS = "care_leavers"
    MANAGEMENT = "management"


OPERATIONAL: tuple[Area, ...] = (Area.FRONT_DOOR, Area.CIN_CP, Area.IN_CARE, Area.CARE_LEAVERS)

AREA_OF_STATUS: dict[str, Area] = {
    CaseType.ASSESSMENT.value: Area.FRONT_DOOR,
    CaseType.CHILD_IN_NEED.value: Area.CIN_CP,
    CaseType.CHILD_PROTECTION.value: Area.CIN_CP,
    CaseType.LOOKED_AFTER.value: Area.IN_CARE,
    CaseType.CARE_LEAVER.value: Area.CARE_LEAVERS,
}

_AREA_NAMES: dict[Area, str] = {
    Area.FRONT_DOOR: "Front Door and Assessment",
    Area.CIN_CP: "Child in Need and Protection",
    Area.IN_CARE: "Children in Care",
    Area.CARE_LEAVERS: "Care Leavers",
    Area.MANAGEMENT: "Management",
}
_TEAM_PREFIX: dict[Area, str] = {
    Area.FRONT_DOOR: "Assessment Team",
    Area.CIN_CP: "Child in Need and Protection Team",
    Area.IN_CARE: "Children in Care Team",
    Area.CARE_LEAVERS: "Care Leavers Team",
}

PRACTITIONER_ROLES = frozenset({Role.ASYE, Role.SOCIAL_WORKER, Role.SENIOR_SOCIAL_WORKER})
PRACTITIONER_POSTS = frozenset({Role.SOCIAL_WORKER, Role.SENIOR_SOCIAL_WORKER})
PART_TIME_FTES = (0.5, 0.6, 0.7, 0.8, 0.9)
# Census FTE of a typical team (manager, advanced practitioner, practitioners), for the first
# count of teams; more are added as practitioner posts fill them.
TEAM_FTE_ESTIMATE = 6.7


@dataclass(slots=True)
class TeamRec:
    id: int
    parent_id: int | None
    name: str
    kind: TeamKind
    area: Area


@dataclass(slots=True)
class PostRec:
    id: int
    team_id: int
    area: Area
    reference: str
    role: Role
    fte: float
    start: int
    end: int | None = None


@dataclass
class Establishment:
    """The council's structure, growing during the simulation."""

    code: str
    team_practitioners: int = 5
    teams: list[TeamRec] = field(default_factory=list)
    posts: list[PostRec] = field(default_factory=list)
    area_node: dict[Area, int] = field(default_factory=dict)
    area_teams: dict[Area, list[int]] = field(default_factory=dict)
    managing_posts: set[int] = field(default_factory=set)
    team_posts: dict[int, list[int]] = field(default_factory=dict)

    def team(self, team_id: int) -> TeamRec:
        return self.teams[team_id - 1]

    def post(self, post_id: int) -> PostRec:
        return self.posts[post_id - 1]

    def add_team(self, area: Area, name: str, kind: TeamKind = TeamKind.TEAM) -> int:
        parent = self.area_node.get(area) if kind == TeamKind.TEAM else None
        team = TeamRec(len(self.teams) + 1, parent, name, kind, area)
        self.teams.append(team)
        if kind == TeamKind.SERVICE_AREA:
            self.area_node[area] = team.id
        else:
            self.area_teams.setdefault(area, []).append(team.id)
        self.team_posts[team.id] = []
        return team.id

    def add_post(self, team_id: int, role: Role, fte: float, start: int) -> PostRec:
        team = self.team(team_id)
        post = PostRec(
            id=len(self.posts) + 1,
            team_id=team_id,
            area=team.area,
            reference=f"{self.code}-P{len(self.posts) + 1:05d}",
            role=role,
            fte=fte,
            start=start,
        )
        self.posts.append(post)
        self.team_posts[team_id].append(post.id)
        return post

    def practitioner_posts(self, team_id: int) -> list[int]:
        return [p for p in self.team_posts[team_id] if self.post(p).role in PRACTITIONER_POSTS]

    def census_fte(self) -> float:
        return sum(p.fte for p in self.posts if p.role.org_role is not None and p.end is None)

    def new_team(self, area: Area, start: int, rng: np.random.Generator) -> int:
        """A new operational team with its team manager and advanced practitioner posts."""
        number = len(self.area_teams.get(area, [])) + 1
        name = f"{_TEAM_PREFIX[area]} {number}"
        if area == Area.FRONT_DOOR and number == 1:
            name = "Multi-Agency Safeguarding Hub"
        team_id = self.add_team(area, name)
        manager = self.add_post(team_id, Role.TEAM_MANAGER, 1.0, start)
        self.managing_posts.add(manager.id)
        if number == 1 or rng.random() < 0.95:
            self.add_post(team_id, Role.ADVANCED_PRACTITIONER, 1.0, start)
        if area in (Area.CIN_CP, Area.IN_CARE) and rng.random() < 0.5:
            self.add_post(team_id, Role.FAMILY_SUPPORT_WORKER, 1.0, start)
        return team_id

    def add_practitioner(
        self, area: Area, start: int, rng: np.random.Generator, part_time_share: float
    ) -> PostRec:
        """A practitioner post in the area's team with the fewest, or in a new team when all
        teams are full."""
        teams = self.area_teams[area]
        team_id = min(teams, key=lambda t: (len(self.practitioner_posts(t)), t))
        if len(self.practitioner_posts(team_id)) >= self.team_practitioners:
            team_id = self.new_team(area, start, rng)
        role = Role.SENIOR_SOCIAL_WORKER if rng.random() < 0.35 else Role.SOCIAL_WORKER
        fte = 1.0
        if rng.random() < part_time_share:
            fte = PART_TIME_FTES[int(rng.integers(len(PART_TIME_FTES)))]
        return self.add_post(team_id, role, fte, start)


def build_establishment(
    code: str,
    size_fte: float,
    shares: dict[Area, float],
    start: int,
    rng: np.random.Generator,
    part_time_share: float,
    team_practitioners: int = 5,
) -> Establishment:
    """Teams and posts whose census-role funded FTE is about ``size_fte``; operational areas get
    practitioner FTE in proportion to ``shares`` (their shares of cases), in teams of at most
    ``team_practitioners`` practitioner posts."""
    est = Establishment(code, team_practitioners)
    for area in (Area.MANAGEMENT, *OPERATIONAL):
        est.add_team(area, _AREA_NAMES[area], TeamKind.SERVICE_AREA)
    leadership = est.add_team(Area.MANAGEMENT, "Senior Leadership Team")
    seniors = 1 + int(size_fte >= 400)
    for i in range(seniors):
        post = est.add_post(leadership, Role.SENIOR_MANAGER, 1.0, start)
        if i == 0:
            est.managing_posts.add(post.id)
    quality = est.add_team(Area.MANAGEMENT, "Safeguarding and Quality Assurance")
    reviewers = max(1, round(size_fte * 0.03))
    if reviewers >= 4:
        est.managing_posts.add(est.add_post(quality, Role.TEAM_MANAGER, 1.0, start).id)
    for _ in range(reviewers):
        est.add_post(quality, Role.QUALIFIED_WITHOUT_CASES, 1.0, start)

    total_share = sum(shares[a] for a in OPERATIONAL)
    operational = size_fte - est.census_fte()
    team_fte = TEAM_FTE_ESTIMATE + 0.95 * (team_practitioners - 5)
    team_counts = {
        a: max(1, round(operational * shares[a] / total_share / team_fte)) for a in OPERATIONAL
    }
    for area in OPERATIONAL:
        managers = max(1, math.ceil(team_counts[area] / 6))
        for i in range(managers):
            post = est.add_post(est.area_node[area], Role.SERVICE_MANAGER, 1.0, start)
            if i == 0:
                est.managing_posts.add(post.id)
    budget = size_fte - est.census_fte()
    for area in OPERATIONAL:
        area_budget = budget * shares[area] / total_share
        for _ in range(team_counts[area]):
            est.new_team(area, start, rng)
        base = _area_fte(est, area)
        while base < area_budget - 0.5:
            base += est.add_practitioner(area, start, rng, part_time_share).fte
    return est


def _area_fte(est: Establishment, area: Area) -> float:
    """Census-role FTE in the area's teams (service managers excluded)."""
    return sum(
        est.post(p).fte
        for team in est.area_teams[area]
        for p in est.team_posts[team]
        if est.post(p).role.org_role is not None
    )
