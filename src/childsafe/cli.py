"""The `childsafe` command: serve, db, admin, and each feature's own group."""

from __future__ import annotations

import typer
from rich.console import Console

from childsafe.accounts.cli import app as admin_app
from childsafe.conversations.cli import app as conversations_app
from childsafe.core.settings import get_settings
from childsafe.db import migrate
from childsafe.db.engine import Database
from childsafe.filtering.cli import dns as dns_command
from childsafe.filtering.cli import filtering_app, lists_app
from childsafe.hashmatch.cli import banks_app, hash_command, match_command
from childsafe.helplines.cli import app as helplines_app
from childsafe.learn.cli import app as learn_app
from childsafe.stats.cli import app as stats_app

app = typer.Typer(help="ChildSafe: child online protection platform.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(helplines_app, name="helplines")
app.add_typer(lists_app, name="lists")
app.add_typer(filtering_app, name="filtering")
app.command("dns")(dns_command)
app.add_typer(banks_app, name="banks")
app.add_typer(conversations_app, name="conversations")
app.add_typer(stats_app, name="stats")
app.add_typer(learn_app, name="learn")
app.command("hash")(hash_command)
app.command("match")(match_command)
console = Console(stderr=True)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
          workers: int = typer.Option(1, min=1, max=64, help="Worker processes.")) -> None:
    """Migrate, load bundled data on first start, and serve the web app and API."""
    import uvicorn  # noqa: PLC0415  (only the server needs it)

    from childsafe.app import prepare_database  # noqa: PLC0415

    settings = get_settings()
    database = Database(settings.effective_database_url)
    with console.status("Preparing the database"):
        prepare_database(database, settings)
    database.dispose()
    console.print(f"ChildSafe on http://{host}:{port}  (data: {settings.effective_database_url})")
    uvicorn.run("childsafe.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    database = Database(get_settings().effective_database_url)
    migrate.upgrade(database, revision)
    console.print(f"Database at revision {migrate.current_revision(database)}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and whether it is up to date."""
    database = Database(get_settings().effective_database_url)
    state = "up to date" if migrate.is_up_to_date(database) else f"behind {migrate.head_revision(database)}"
    typer.echo(f"{migrate.current_revision(database)} ({state})")


def main() -> None:
    app()
