"""Routing children who may go to several teams to one team, by min-cost flow (OR-Tools), so that
a large group splits into team-sized problems the optimiser solves exactly. This is what a service
area does before team managers allocate: pass each child to a team with room.

The flow: each unit supplies its cases; a unit may send them to any team holding an eligible
worker for it; a team takes at most its room (the sum over its eligible workers of the cases they
may still take, also limited by their points); an overflow arc lets cases stay unrouted. Costs
favour urgent children strongly (each priority class is worth ten times the next; waiting days
break ties) and then even team loads: each case a team takes costs the team's utilisation after
taking it, in percent, a convex cost that spreads children over teams with room. Units already
tied to one team take part, so the flow sees every team's real demand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.problem import POINTS_SCALE, Unit, Worker

CLASS_FACTOR = 10
CLASS_BASE = 1000
WAIT_CAP = 365


def team_room(worker: Worker) -> int:
    """Cases a worker may still take, limited by their points at one point a case."""
    return max(0, min(worker.room_cases, worker.room_points // POINTS_SCALE))


def route(
    units: Sequence[Unit], pairs: dict[str, list[int]], eligibility: Eligibility
) -> dict[str, int]:
    """For each unit whose eligible workers span several teams, the team it is routed to."""
    problem = eligibility.problem
    teams_of: dict[str, list[int]] = {}
    for unit in units:
        teams = sorted({problem.worker(w).team_id or 0 for w in pairs[unit.key]})
        teams_of[unit.key] = teams
    all_teams = sorted({team for teams in teams_of.values() for team in teams})
    if not all_teams:
        return {}
    classes = max(child.priority for unit in units for child in unit.children) + 1
    source = 0
    unit_node = {unit.key: 1 + index for index, unit in enumerate(units)}
    team_node = {team: 1 + len(units) + index for index, team in enumerate(all_teams)}
    sink = 1 + len(units) + len(all_teams)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs: dict[tuple[str, int], int] = {}
    supply = 0
    for unit in units:
        node = unit_node[unit.key]
        flow.add_arc_with_capacity_and_unit_cost(source, node, unit.cases, 0)
        supply += unit.cases
        value = max(
            CLASS_BASE * CLASS_FACTOR ** (classes - 1 - child.priority)
            + min(child.days_waiting, WAIT_CAP)
            for child in unit.children
        )
        for team in teams_of[unit.key]:
            arcs[unit.key, team] = flow.add_arc_with_capacity_and_unit_cost(
                node, team_node[team], unit.cases, -value
            )
    eligible_in: dict[int, set[int]] = defaultdict(set)
    for unit in units:
        for worker_id in pairs[unit.key]:
            eligible_in[problem.worker(worker_id).team_id or 0].add(worker_id)
    for team in all_teams:
        members = [problem.worker(w) for w in sorted(eligible_in[team])]
        cap = sum(max(1, w.cap_cases) for w in members)
        load = sum(w.cases for w in members)
        for taken in range(sum(team_room(w) for w in members)):
            cost = (100 * (load + taken + 1)) // cap
            flow.add_arc_with_capacity_and_unit_cost(team_node[team], sink, 1, cost)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    if flow.solve() != flow.OPTIMAL:
        return {}
    routed: dict[str, int] = {}
    for unit in units:
        if len(teams_of[unit.key]) < 2:
            continue
        sent = {team: flow.flow(arcs[unit.key, team]) for team in teams_of[unit.key]}
        best = max(sent.values())
        if best > 0:
            routed[unit.key] = min(team for team, amount in sent.items() if amount == best)
        else:
            # Not routed for lack of room: the team with the most room, for the final check.
            rooms = {
                team: sum(
                    team_room(problem.worker(w))
                    for w in pairs[unit.key]
                    if (problem.worker(w).team_id or 0) == team
                )
                for team in teams_of[unit.key]
            }
            routed[unit.key] = max(sorted(rooms), key=lambda team: rooms[team])
    return routed
