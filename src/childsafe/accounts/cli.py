"""`childsafe admin`: create users (the first admin too) and manage roles from the command line."""

from __future__ import annotations

import typer

from childsafe.accounts import service
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.console import database

app = typer.Typer(help="Users and roles.", no_args_is_help=True)



@app.command("create")
def create(username: str = typer.Argument(..., help="Login name."),
           role: list[str] = typer.Option(["admin"], "--role", help="Role to grant; repeat for several."),
           password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                        envvar="CHILDSAFE_ADMIN_PASSWORD", help="At least 12 characters."),
           display_name: str = typer.Option("", help="Name shown in the UI.")) -> None:
    """Create a user (by default an administrator)."""
    try:
        with database().unit_of_work() as session:
            user = service.create_user(session, username=username, password=password, roles=role,
                                       display_name=display_name, actor=CLI_ACTOR)
            typer.echo(f"created {user.username} with roles {', '.join(user.roles) or 'none'}")
    except ChildSafeError as exc:
        typer.echo(f"error: {exc.field or 'input'}: {exc.message}", err=True)
        raise typer.Exit(2) from None


@app.command("roles")
def roles(username: str, role: list[str] = typer.Option([], "--role", help="The full new set of roles.")) -> None:
    """Replace a user's roles."""
    try:
        with database().unit_of_work() as session:
            user = service.set_roles(session, username=username, roles=role, actor=CLI_ACTOR)
            typer.echo(f"{user.username}: {', '.join(user.roles) or 'no roles'}")
    except ChildSafeError as exc:
        typer.echo(f"error: {exc.field or 'input'}: {exc.message}", err=True)
        raise typer.Exit(2) from None


@app.command("list")
def list_users() -> None:
    """List users and their roles."""
    with database().unit_of_work() as session:
        for user in service.list_users(session):
            state = "" if user.is_active else " (inactive)"
            typer.echo(f"{user.username}\t{', '.join(user.roles)}{state}")
