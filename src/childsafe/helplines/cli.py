"""`childsafe helplines validate | import | export | stats`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.console import database
from childsafe.helplines import service
from childsafe.helplines.dataset import RecordError, validate_all, validate_record
from childsafe.helplines.formats import MAX_BYTES, FormatError, format_for

app = typer.Typer(help="The child helpline directory.", no_args_is_help=True)
console = Console(stderr=True)


def _read(path: Path, fmt: str | None) -> list[dict]:
    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise typer.BadParameter(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return format_for(fmt, path.name).read(path.read_text(encoding="utf-8"))
    except (FormatError, KeyError, UnicodeDecodeError) as exc:
        console.print(f"[red]error[/red] {path}: {exc}")
        raise typer.Exit(2) from None


@app.command()
def validate(paths: list[Path] = typer.Argument(None, help="Files to check; default: the bundled dataset."),
             fmt: str = typer.Option(None, "--format", help="json or csv (default: from the file name).")) -> None:
    """Check files (or the bundled data) and report every problem with its record and field."""
    raws = []
    for path in paths or []:
        raws.extend(_read(path, fmt))
    if not paths:
        raws = service.bundled_raw()
    problems = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Validating", total=len(raws))
        seen: set[str] = set()
        for position, raw in enumerate(raws):
            try:
                record = validate_record(raw, position=position)
                if record.id in seen:
                    raise RecordError(record.id, "id", "appears twice")
                seen.add(record.id)
            except RecordError as exc:
                problems += 1
                console.print(f"[red]error[/red] {exc}")
            progress.advance(task)
    countries = {r.get("country") for r in raws if isinstance(r, dict)}
    if problems:
        console.print(f"{problems} problem(s) in {len(raws)} records")
        raise typer.Exit(1)
    typer.echo(f"ok: {len(raws)} records, {len(countries)} countries")



@app.command("import")
def import_(path: Path = typer.Argument(None, help="JSON or CSV file; omit with --bundled."),
            fmt: str = typer.Option(None, "--format", help="json or csv (default: from the file name)."),
            bundled: bool = typer.Option(False, help="Import the dataset that ships with ChildSafe."),
            replace: bool = typer.Option(False, help="Also remove records that are not in the file.")) -> None:
    """Import records in one transaction: if any record is wrong, nothing changes."""
    if bundled == (path is not None):
        raise typer.BadParameter("give a PATH or --bundled, not both")
    raws = service.bundled_raw() if bundled else _read(path, fmt)
    try:
        with console.status(f"Importing {len(raws)} records"), database().unit_of_work() as session:
            summary = service.import_records(session, raws, actor=CLI_ACTOR, replace=replace,
                                             source="bundled" if bundled else str(path))
    except ChildSafeError as exc:
        console.print(f"[red]error[/red] {exc.message}\nnothing was changed")
        raise typer.Exit(2) from None
    typer.echo(f"created {summary.created}, updated {summary.updated}, unchanged {summary.unchanged}, "
               f"removed {summary.removed}")


@app.command()
def export(fmt: str = typer.Option("json", "--format", help="json or csv."),
           output: Path = typer.Option(None, "--output", "-o", help="File to write; default: standard output.")
           ) -> None:
    """Write the directory as JSON or CSV."""
    with database().unit_of_work() as session:
        text = format_for(fmt).write(service.list_records(session))
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command()
def countries() -> None:
    """List covered countries with their number of helplines."""
    with database().unit_of_work() as session:
        rows = service.list_countries(session)
    for c in rows:
        typer.echo(f"{c.code}\t{c.helplines}\t{'116111' if c.child_116111 else ''}\t{','.join(c.channels)}")
    console.print(f"{len(rows)} countries")


__all__ = ["app", "validate_all"]
