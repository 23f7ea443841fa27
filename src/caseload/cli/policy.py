"""``caseload policy``: the caseload policy in force, checking a policy file, setting one."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.output import console, print_json, print_table
from caseload.services.audit import cli_actor
from caseload.services.policy import (
    check_policy_file,
    default_policy_text,
    policy_as_dict,
    policy_versions,
    set_policy,
    show_policy,
)

app = typer.Typer(
    help="The caseload policy: points, caps, protections, bands, escalation ages.",
    no_args_is_help=True,
)


class PolicyFormat(str, Enum):
    yaml = "yaml"
    json = "json"


AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the policy for all."),
]
FileArgument = Annotated[
    Path, typer.Argument(help="A policy YAML file.", exists=False, dir_okay=False)
]


@app.command("show")
def show(
    authority: AuthorityOption = None,
    output: Annotated[PolicyFormat, typer.Option("--format", help="yaml or json.")] = (
        PolicyFormat.yaml
    ),
) -> None:
    """The policy in force and where it comes from."""
    in_force = show_policy(engine(), authority_code=authority)
    if output is PolicyFormat.json:
        print_json(in_force.to_dict())
        return
    sys.stdout.write(f"# In force: {in_force.source}\n{in_force.document}")
    if not in_force.document.endswith("\n"):
        sys.stdout.write("\n")


@app.command("check")
def check(file: FileArgument) -> None:
    """Check a policy file; every problem is listed with its line and field."""
    policy = check_policy_file(file)
    caps = ", ".join(f"{role.replace('_', ' ')} {cap.cases}" for role, cap in policy.caps.items())
    console.print(f"{file} is a valid caseload policy (case caps: {caps}).", highlight=False)


@app.command("set")
def set_(
    file: FileArgument,
    authority: AuthorityOption = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Who is setting it; default: CASELOAD_USER.")
    ] = None,
) -> None:
    """Check a policy file and make it the policy in force (for one authority, or for all).
    Earlier policies are kept as the history."""
    who = acting_user(user)
    in_force = set_policy(
        engine(), path=file, user=who, authority_code=authority, actor=cli_actor(who)
    )
    console.print(f"Policy in force: {in_force.source}.", highlight=False)


@app.command("history")
def history(authority: AuthorityOption = None) -> None:
    """Policies set over time, newest first."""
    rows = policy_versions(engine(), authority_code=authority)
    print_table(
        "Caseload policies set",
        ["Version", "For", "Set by", "Set at"],
        [[r["version"], r["for"], r["set_by"], r["set_at"]] for r in rows],
        numeric_from=99,
    )


@app.command("default")
def default(
    output: Annotated[PolicyFormat, typer.Option("--format", help="yaml or json.")] = (
        PolicyFormat.yaml
    ),
) -> None:
    """The default policy shipped with Caseload, to copy and edit."""
    if output is PolicyFormat.json:
        from caseload.services.policy import default_policy

        print_json(policy_as_dict(default_policy()))
        return
    sys.stdout.write(default_policy_text())
