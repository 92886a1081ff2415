"""What every feature's command line shares: the migrated database, and errors printed the same way."""

from __future__ import annotations

import typer
from rich.console import Console

from childsafe.core.errors import ChildSafeError
from childsafe.core.settings import get_settings
from childsafe.db import migrate
from childsafe.db.engine import Database

stderr = Console(stderr=True)


def database() -> Database:
    """The configured database, migrated to the newest schema."""
    db = Database(get_settings().effective_database_url)
    migrate.upgrade(db)
    return db


def fail(exc: ChildSafeError, *, unchanged: bool = True) -> None:
    """Print a domain error naming the field, and exit with status 2."""
    stderr.print(f"[red]error[/red] {exc.field or 'input'}: {exc.message}" + ("\nnothing was changed" if unchanged else ""))
    raise typer.Exit(2)
