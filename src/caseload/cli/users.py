"""``caseload users``: accounts for the web application and API."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.auth.roles import AccountRole
from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain.numbers import TOKEN_DAYS
from caseload.errors import InvalidInputError
from caseload.services import accounts
from caseload.services.audit import cli_actor

app = typer.Typer(help="Add, list, disable and reset accounts; API tokens for services.")

UserOption = Annotated[
    str | None, typer.Option("--user", help="Who is acting (else CASELOAD_USER or your login).")
]


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name (letters, digits, . _ -).")],
    role: Annotated[
        AccountRole | None,
        typer.Option(help="The account's role (required)."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name shown on pages.")] = "",
    team: Annotated[
        list[str] | None, typer.Option(help="A team the team manager covers (repeat).")
    ] = None,
    staff_number: Annotated[
        str | None, typer.Option(help="The social worker's staff number (their own record).")
    ] = None,
    authority: Annotated[str | None, typer.Option(help="Council code, if several.")] = None,
    service: Annotated[
        bool, typer.Option("--service", help="A service account: API tokens only, no password.")
    ] = False,
    user: UserOption = None,
) -> None:
    """Add an account and print its one-time password (changed at first sign-in)."""
    if role is None:
        raise InvalidInputError(
            "say the account's role with --role: " + ", ".join(r.value for r in AccountRole)
        )
    account, password = accounts.add_user(
        engine(),
        cli_actor(acting_user(user)),
        username=username,
        display_name=name or username,
        role=role,
        teams=team or [],
        staff_number=staff_number,
        authority_code=authority,
        service=service,
    )
    console.print(f"Added {account.username} ({account.role.label}).")
    if password:
        console.print(f"One-time password: {password}")
    else:
        console.print(f"Create a token with 'caseload users token {account.username}'.")


@app.command("list")
def list_accounts(
    authority: Annotated[str | None, typer.Option(help="Council code.")] = None,
    format: Annotated[OutputFormat, typer.Option(help="table or json.")] = OutputFormat.table,
) -> None:
    """List accounts with their role, teams and state."""
    found = accounts.list_users(engine(), authority)
    if format is OutputFormat.json:
        print_json([a.to_dict() for a in found])
        return
    print_table(
        "Accounts",
        ["User", "Name", "Role", "Teams", "State", "Last sign-in"],
        [
            [
                a.username,
                a.display_name,
                a.role.label,
                ", ".join(a.teams),
                a.state,
                a.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if a.last_sign_in_at else "",
            ]
            for a in found
        ],
        numeric_from=9,
    )


@app.command("disable")
def disable(username: Annotated[str, typer.Argument()], user: UserOption = None) -> None:
    """Disable an account, end its sessions and revoke its tokens (accounts are never deleted)."""
    account = accounts.disable_user(engine(), cli_actor(acting_user(user)), username)
    console.print(f"Disabled {account.username}.")


@app.command("enable")
def enable(username: Annotated[str, typer.Argument()], user: UserOption = None) -> None:
    """Enable a disabled or locked account again."""
    account = accounts.enable_user(engine(), cli_actor(acting_user(user)), username)
    console.print(f"Enabled {account.username}.")


@app.command("reset-password")
def reset_password(username: Annotated[str, typer.Argument()], user: UserOption = None) -> None:
    """Give the account a new one-time password, unlock it and end its sessions."""
    password = accounts.reset_password(engine(), cli_actor(acting_user(user)), username)
    console.print(f"One-time password for {username.casefold()}: {password}")


@app.command("token")
def token(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    days: Annotated[
        int, typer.Option(click_type=WholeNumber(TOKEN_DAYS), help="Days until it expires.")
    ] = 365,
    revoke: Annotated[
        bool, typer.Option("--revoke", help="Revoke all the account's tokens instead.")
    ] = False,
    user: UserOption = None,
) -> None:
    """Create an API token for an account (printed once), or revoke its tokens."""
    actor = cli_actor(acting_user(user))
    if revoke:
        count = accounts.revoke_api_tokens(engine(), actor, username)
        console.print(f"Revoked {count} token(s) of {username.casefold()}.")
        return
    secret = accounts.create_api_token(engine(), actor, username, name=name, days=days)
    console.print(f"API token (shown once; send as 'Authorization: Bearer ...'): {secret}")
