"""`childsafe banks ...`, `childsafe hash FILE...` and `childsafe match FILE... | --hashes FILE`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.console import database, fail
from childsafe.core.settings import get_settings
from childsafe.hashmatch import service
from childsafe.hashmatch.matcher import Matcher, parse_query_hashes
from childsafe.hashmatch.pdqindex import LAYOUT_NAMES
from childsafe.hashmatch.signals import SignalError, hash_media

banks_app = typer.Typer(help="Hash banks: create, import, export, list.", no_args_is_help=True)
console = Console(stderr=True)
MAX_FILE = 100 * 1024 * 1024




@banks_app.command("create")
def create(name: str, kind: str = typer.Option("block", help="block, or allow to suppress known false positives."),
           source: str = typer.Option("", help="Where the hashes come from."),
           licence: str = typer.Option("", help="Terms the hashes are shared under."),
           description: str = typer.Option(""),
           pdq_threshold: int = typer.Option(31, min=0, max=31, help="PDQ match distance for this bank.")) -> None:
    """Create a bank."""
    try:
        with database().unit_of_work() as session:
            bank = service.create_bank(session, name=name, kind=kind, source=source, licence=licence,
                                       description=description, pdq_threshold=pdq_threshold, actor=CLI_ACTOR)
            typer.echo(f"created bank {bank.name} ({bank.kind})")
    except ChildSafeError as exc:
        fail(exc)


@banks_app.command("import")
def import_(name: str, file: Path, fmt: str = typer.Option(None, "--format", help="csv, te or hashlist."),
            signal_type: str = typer.Option(None, help="Type of bare signals (te and hashlist formats).")) -> None:
    """Import signals into a bank in one transaction; a bad line anywhere changes nothing."""
    if not file.is_file() or file.stat().st_size > MAX_FILE:
        raise typer.BadParameter(f"{file} is not a file of at most {MAX_FILE >> 20} MB")
    text = file.read_text(encoding="utf-8", errors="strict")
    try:
        with Progress(console=console, transient=True) as progress, database().unit_of_work() as session:
            task = progress.add_task(f"Importing {file.name}", total=text.count("\n") or 1)
            added, present = service.import_signals(session, name, text, fmt=fmt, filename=file.name,
                                                    default_type=signal_type, actor=CLI_ACTOR,
                                                    progress=lambda n: progress.update(task, completed=n))
            Matcher(get_settings().data_dir).refresh(session)
        typer.echo(f"{name}: {added} added, {present} already present")
    except ChildSafeError as exc:
        fail(exc)
    except UnicodeDecodeError:
        console.print("[red]error[/red] file: not UTF-8 text\nnothing was changed")
        raise typer.Exit(2) from None


@banks_app.command("export")
def export(name: str, fmt: str = typer.Option("csv", "--format"),
           output: Path = typer.Option(None, "--output", "-o")) -> None:
    """Write a bank's signals (CSV by default)."""
    try:
        with database().unit_of_work() as session:
            text = service.export_signals(session, name, fmt)
    except ChildSafeError as exc:
        fail(exc)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@banks_app.command("list")
def list_banks() -> None:
    """Banks with their provenance, size and settings."""
    table = Table("name", "kind", "signals", "enabled", "pdq threshold", "source", "licence", "imported")
    with database().unit_of_work() as session:
        for bank, count in service.list_banks(session):
            table.add_row(bank.name, bank.kind, str(count), "yes" if bank.enabled else "no", str(bank.pdq_threshold),
                          bank.source or "-", bank.licence or "-",
                          bank.imported_at.strftime("%Y-%m-%d") if bank.imported_at else "-")
    Console().print(table)


@banks_app.command("reindex")
def reindex(layout: str = typer.Option(None, "--layout", help="multi-index or compact; default: "
                                                            "CHILDSAFE_PDQ_INDEX (multi-index)")) -> None:
    """Rebuild the PDQ index file from the banks and swap it in for every matcher process."""
    settings = get_settings()
    layout = layout or settings.pdq_index
    if layout not in LAYOUT_NAMES:
        raise typer.BadParameter(f"--layout must be one of {', '.join(LAYOUT_NAMES)}, not {layout!r}")
    with console.status("Building the PDQ index"), database().unit_of_work() as session:
        count = Matcher(settings.data_dir, layout=layout).reindex(session)
    typer.echo(f"indexed {count} PDQ hashes ({layout})")


def _files(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        out.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return out


def hash_command(paths: list[Path] = typer.Argument(..., help="Files or folders."),
                 as_json: bool = typer.Option(False, "--json", help="JSON lines.")) -> None:
    """Print the PDQ (with quality), MD5 and SHA-256 of each file."""
    for path in _files(paths):
        if path.stat().st_size > MAX_FILE:
            console.print(f"[yellow]skipped[/yellow] {path}: larger than {MAX_FILE >> 20} MB")
            continue
        hashes = hash_media(path.read_bytes())
        if as_json:
            typer.echo(json.dumps({"file": str(path), **{h.signal_type: h.value for h in hashes},
                                   **{"pdq_quality": h.quality for h in hashes if h.signal_type == "pdq"}}))
        else:
            for h in hashes:
                quality = f" quality={h.quality}" if h.quality is not None else ""
                typer.echo(f"{path}\t{h.signal_type}\t{h.value}{quality}")


def match_command(paths: list[Path] = typer.Argument(None, help="Files or folders to hash and match."),
                  hashes: Path = typer.Option(None, "--hashes", help="A file of 'signal_type,hash' lines.")) -> None:
    """Match files or hashes against the enabled banks; one JSON line per query."""
    if (hashes is None) == (not paths):
        raise typer.BadParameter("give FILES or --hashes FILE")
    with database().unit_of_work() as session:
        matcher = Matcher(get_settings().data_dir)
        if hashes is not None:
            pairs = []
            for number, line in enumerate(hashes.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip() and not line.startswith("#"):
                    kind, sep, value = line.partition(",")
                    if not sep:
                        raise typer.BadParameter(f"{hashes}: line {number}: expected signal_type,hash")
                    pairs.append((kind.strip(), value.strip()))
            try:
                queries = parse_query_hashes(pairs)
            except SignalError as exc:
                raise typer.BadParameter(str(exc)) from None
            for result in matcher.match(session, queries, actor=CLI_ACTOR):
                typer.echo(json.dumps(result.as_dict()))
            return
        for path in _files(paths):
            results = matcher.match(session, hash_media(path.read_bytes()), actor=CLI_ACTOR)
            typer.echo(json.dumps({"file": str(path), "results": [r.as_dict() for r in results]}))
