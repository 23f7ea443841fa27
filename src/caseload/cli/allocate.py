"""``caseload allocate`` and ``caseload reallocate``: recommendations from the optimiser, with an
explanation for each and a reason for each child left waiting, and the decisions a named user
takes on them."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from caseload.cli.caseloads import AsAtOption, AuthorityOption, Format, FormatOption, TeamOption
from caseload.cli.context import acting_user, engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, errors, print_json, print_table
from caseload.domain import WorkerChangeReason
from caseload.errors import DataIntegrityError, InvalidInputError
from caseload.services import allocation
from caseload.services.allocation import AllocationPlan, AllocationRun, DecisionResult
from caseload.services.table_files import Cell, write_csv

TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", help="Seconds the optimiser may take (default 10).")
]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who is deciding; default: CASELOAD_USER or login.")
]
ExplainOption = Annotated[
    bool, typer.Option("--explain", help="Show every rule and goal behind each recommendation.")
]


def _solver_line(plan: AllocationPlan) -> str:
    solve = plan.solve
    status = solve.summary()
    routed = (
        f", {len(solve.routed)} sibling group(s)/children routed to a team" if solve.routed else ""
    )
    return f"Optimiser (CP-SAT): {status}; {solve.seconds:.2f} s, {solve.groups} group(s){routed}."


def _comparison_line(plan: AllocationPlan) -> str:
    ours, base = plan.optimiser, plan.greedy
    return (
        "Against the greedy baseline (least-loaded eligible worker, child by child): "
        f"children allocated {ours.allocated} vs {base.allocated}; caps broken "
        f"{ours.cap_breaches} vs {base.cap_breaches}; highest utilisation "
        f"{ours.highest_utilisation:.0f}% vs {base.highest_utilisation:.0f}%; sibling groups "
        f"split {ours.siblings_split} vs {base.siblings_split}; kept with a known worker "
        f"{ours.continuity_kept} vs {base.continuity_kept}."
    )


def show_plan(run: AllocationRun, title: str, explain: bool) -> None:
    plan = run.plan
    teams = ", ".join(run.scope.team_names) if run.scope.team_names else "all teams"
    console.print(f"[bold]{title}[/bold] - {teams}; policy: {run.scope.policy.source}")
    if run.move is not None:
        console.print(
            f"Moving {run.move.worker}'s caseload from {run.move.start}: they {run.move.why} "
            f"(change reason {run.move.reason.value})."
        )
    print_table(
        f"Recommendations ({len(plan.recommendations)})",
        [
            "Child",
            "Case",
            "Waiting",
            "Worker",
            "Team",
            "After: cases / points / used",
            "Decided by",
            "Co-worker",
        ],
        [
            [
                r.child_ref,
                r.case,
                r.days_waiting,
                r.worker,
                r.team or "",
                f"{r.cases_after} / {r.points_after:g} pts / {r.utilisation_after:.0f}%",
                r.decided_by,
                r.co_worker or "",
            ]
            for r in plan.recommendations
        ],
        numeric_from=99,
    )
    for r in plan.recommendations:
        if explain:
            console.print(f"[bold]{r.child_ref}[/bold] -> {r.worker}")
            for line in r.reasons:
                console.print(f"  - {line}", highlight=False, markup=False)
            for line in r.alternatives:
                console.print(f"  - alternative: {line}", highlight=False, markup=False)
        else:
            console.print(f"{r.child_ref}: {r.reasons[-1]}", highlight=False, markup=False)
    if plan.waiting:
        print_table(
            f"Left waiting ({len(plan.waiting)})",
            ["Child", "Case", "Waiting", "Home team", "Rule", "Why"],
            [
                [w.child_ref, w.case, w.days_waiting, w.home_team or "any team", w.rule, w.reason]
                for w in plan.waiting
            ],
            numeric_from=99,
        )
    console.print(_solver_line(plan), highlight=False)
    console.print(_comparison_line(plan), highlight=False)


def _write_csv(run: AllocationRun) -> None:
    columns = [
        "child",
        "case",
        "days_waiting",
        "worker",
        "staff_number",
        "team",
        "co_worker",
        "decided_by",
        "why",
        "rule",
        "reason",
    ]
    rows: list[list[Cell]] = [
        [
            r.child_ref,
            r.case,
            r.days_waiting,
            r.worker,
            r.staff_number,
            r.team or "",
            r.co_worker or "",
            r.decided_by,
            r.reasons[-1],
            "",
            "",
        ]
        for r in run.plan.recommendations
    ]
    rows += [
        [w.child_ref, w.case, w.days_waiting, "", "", "", "", "", "", w.rule, w.reason]
        for w in run.plan.waiting
    ]
    write_csv(rows, columns, sys.stdout)


def _show_decisions(results: list[DecisionResult], output: Format, extra: dict[str, Any]) -> None:
    if output is Format.json:
        print_json(extra | {"decisions": [r.to_dict() for r in results]})
        return
    print_table(
        f"Decisions recorded ({len(results)})",
        ["Child", "Decision", "Worker", "Co-worker", "From"],
        [
            [r.child_ref, r.decision, r.worker or "", r.co_worker or "", r.effective_date]
            for r in results
        ],
        numeric_from=99,
    )


def allocate(
    as_at: AsAtOption = None,
    team: TeamOption = None,
    authority: AuthorityOption = None,
    output: FormatOption = Format.table,
    time_limit: TimeLimitOption = 10.0,
    explain: ExplainOption = False,
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="Accept the recommendation for this child (repeat)."),
    ] = None,
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="Accept every recommendation shown.")
    ] = False,
    child: Annotated[
        str | None, typer.Option("--child", help="Allocate this child to --worker yourself.")
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", help="Staff number for --child.")
    ] = None,
    reject: Annotated[
        str | None, typer.Option("--reject", help="Reject the recommendation for this child.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (needed to override, reject or go manual).")
    ] = None,
    override: Annotated[
        bool,
        typer.Option("--override", help="Allow a --child/--worker choice that breaks a rule."),
    ] = False,
    user: UserOption = None,
) -> None:
    """Recommend a worker for each unallocated child (OR-Tools CP-SAT, explained), or record a
    decision: --accept / --accept-all, --child with --worker (override or manual, with
    --reason), or --reject with --reason."""
    day = parse_date(as_at, "--as-at")
    common: dict[str, Any] = {
        "as_at": day,
        "authority_code": authority,
        "teams": team or [],
        "time_limit": time_limit,
    }
    actions = sum([bool(accept) or accept_all, child is not None, reject is not None])
    if actions > 1:
        raise InvalidInputError("use one of --accept/--accept-all, --child or --reject at a time")
    if (child is None) != (worker is None):
        raise InvalidInputError("--child and --worker go together")
    if accept or accept_all:
        done = allocation.accept(
            engine(), user=acting_user(user), children=None if accept_all else accept, **common
        )
        refused = [exc.for_command_line() for exc in done.refused]
        _show_decisions(done.decisions, output, {"refused": refused})
        for message in refused:
            errors.print(f"error: {message}", highlight=False, markup=False)
        if done.refused:
            raise typer.Exit(DataIntegrityError.exit_code)
        return
    if child is not None and worker is not None:
        result = allocation.decide(
            engine(),
            user=acting_user(user),
            child_ref=child,
            staff_number=worker,
            reason=reason,
            override=override,
            **common,
        )
        _show_decisions([result], output, {})
        return
    if reject is not None:
        result = allocation.reject(
            engine(), user=acting_user(user), child_ref=reject, reason=reason or "", **common
        )
        _show_decisions([result], output, {})
        return
    run = allocation.recommend(engine(), **common)
    if output is Format.json:
        print_json(run.to_dict())
    elif output is Format.csv:
        _write_csv(run)
    else:
        show_plan(run, f"Allocation recommendations on {run.scope.day}", explain)


def reallocate(
    worker: Annotated[str, typer.Option("--worker", help="Staff number of the worker.")],
    start: Annotated[
        str, typer.Option("--from", help="First day with the new workers, YYYY-MM-DD.")
    ],
    reason: Annotated[
        WorkerChangeReason | None,
        typer.Option("--reason", help="LEFTRL or ABSENC; default: from the worker's record."),
    ] = None,
    authority: AuthorityOption = None,
    output: FormatOption = Format.table,
    time_limit: TimeLimitOption = 10.0,
    explain: ExplainOption = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the move: end and start the allocations.")
    ] = False,
    user: UserOption = None,
) -> None:
    """Plan the move of a whole caseload when a worker leaves or goes on long absence: each
    child's allocation ends the day before --from with LEFTRL or ABSENC and a new one starts."""
    day = parse_date(start, "--from")
    assert day is not None
    common: dict[str, Any] = {
        "staff_number": worker,
        "start": day,
        "reason": reason,
        "authority_code": authority,
        "time_limit": time_limit,
    }
    if apply:
        run, results, waiting = allocation.apply_reallocation(
            engine(), user=acting_user(user), **common
        )
        _show_decisions(results, output, {"now_waiting": waiting})
        if waiting and output is not Format.json:
            console.print(
                "Now waiting for a worker (allocation ended, no one had room): "
                + ", ".join(waiting)
            )
        return
    run = allocation.plan_reallocation(engine(), **common)
    if output is Format.json:
        print_json(run.to_dict())
    elif output is Format.csv:
        _write_csv(run)
    else:
        show_plan(run, f"Caseload move from {day}", explain)
