"""`childsafe lists ...`, `childsafe dns` and `childsafe filtering export-rpz`."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.console import database, fail
from childsafe.core.settings import get_settings
from childsafe.filtering import liststore, rpz, service
from childsafe.filtering.server import parse_hostport

lists_app = typer.Typer(help="Blocklists: import, update, show.", no_args_is_help=True)
filtering_app = typer.Typer(help="Network protection.", no_args_is_help=True)
console = Console(stderr=True)




@lists_app.command("import")
def import_list(source: str = typer.Argument(..., help="A file or folder, or an http(s) URL."),
                fmt: str = typer.Option(..., "--format", help="ut1, hosts or adblock."),
                name: str = typer.Option(None, help="List name (default: from the file name)."),
                category: str = typer.Option("", help="Category for hosts/adblock entries (default: the name)."),
                licence: str = typer.Option("", help="The list's licence, shown in the UI."),
                attribution: str = typer.Option("", help="Attribution the licence asks for.")) -> None:
    """Import a list; it replaces the list of the same name only if it parses completely."""
    name = name or Path(source.rstrip("/")).name.lower().replace(".", "-")[:60]
    settings = get_settings()
    try:
        with console.status(f"Importing {source}"), database().unit_of_work() as session:
            row = service.import_list(session, data_dir=settings.data_dir, fmt=fmt, source=source, name=name,
                                      category=category, licence=licence, attribution=attribution, actor=CLI_ACTOR)
            typer.echo(f"{row.name}: {row.entries} domains in {len(row.categories)} categories "
                       f"({row.skipped} entries not expressible in DNS skipped)")
            service.publish(session, settings.data_dir)  # running DNS workers pick the new list up
    except ChildSafeError as exc:
        fail(exc)


@lists_app.command("update")
def update(name: str = typer.Argument(None, help="Only this list.")) -> None:
    """Re-read sources; rebuild and swap in only the lists whose checksum changed."""
    try:
        with database().unit_of_work() as session:
            for list_name, outcome in service.update_lists(session, data_dir=get_settings().data_dir, name=name,
                                                           actor=CLI_ACTOR):
                typer.echo(f"{list_name}: {outcome}")
            service.publish(session, get_settings().data_dir)
    except ChildSafeError as exc:
        fail(exc)


@lists_app.command("show")
def show() -> None:
    """The imported lists with their source, licence and size."""
    table = Table("name", "format", "domains", "categories", "licence", "source", "imported")
    with database().unit_of_work() as session:
        for row in service.list_lists(session):
            table.add_row(row.name, row.format, str(row.entries), ", ".join(row.categories), row.licence or "-",
                          row.source, row.imported_at.strftime("%Y-%m-%d %H:%M"))
    Console().print(table)


def dns(listen: list[str] = typer.Option(["127.0.0.1:5353"], "--listen", help="Address:port; repeatable."),
        upstream: list[str] = typer.Option(["9.9.9.9"], "--upstream", help="Resolver address[:port]; repeatable."),
        block_address: str = typer.Option("0.0.0.0", help="IPv4 address of the block page (this server)."),
        block_address6: str = typer.Option("", help="IPv6 address of the block page, if any."),
        workers: int = typer.Option(1, min=1, max=16, help="Processes sharing the port (SO_REUSEPORT)."),
        count_queries: bool = typer.Option(False, help="Keep per-profile, per-category daily counts.")) -> None:
    """Serve filtered DNS over UDP and TCP, with each child's profile."""
    try:
        addresses = [parse_hostport(item, 53) for item in listen]
        upstreams = [parse_hostport(item, 53) for item in upstream]
        ipaddress.IPv4Address(block_address)
        if block_address6:
            ipaddress.IPv6Address(block_address6)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    settings = get_settings()
    with database().unit_of_work() as session:
        path = service.publish(session, settings.data_dir)
    console.print(f"ChildSafe DNS on {', '.join(f'{h}:{p}' for h, p in addresses)} -> "
                  f"{', '.join(f'{h}:{p}' for h, p in upstreams)} ({workers} worker(s))")
    command = [sys.executable, "-m", "childsafe.filtering.worker", "--snapshot", str(path),
               "--block-address", block_address, "--workers", str(workers)]
    command += [arg for item in listen for arg in ("--listen", item)]
    command += [arg for item in upstream for arg in ("--upstream", item)]
    if block_address6:
        command += ["--block-address6", block_address6]
    if count_queries:
        command.append("--count-queries")
    sys.stdout.flush()
    os.execv(sys.executable, command)  # the lean worker replaces this process: no database stack stays resident


@filtering_app.command("export-rpz")
def export_rpz(profile: int = typer.Option(None, help="Profile id (default: the default profile)."),
               output: Path = typer.Option(..., "--output", "-o", help="Zone file to write."),
               origin: str = typer.Option("rpz.childsafe.", help="Zone name to load it under."),
               block_address: str = typer.Option(None, help="Answer blocked names with this IPv4 (block page).")
               ) -> None:
    """Write a profile as an RPZ zone for BIND, Unbound or Knot Resolver."""
    from datetime import UTC, datetime  # noqa: PLC0415

    settings = get_settings()
    with database().unit_of_work() as session:
        runtime = service.load_runtime(session, settings.data_dir)
        lists = service.list_lists(session)
    chosen = runtime.profiles.get(profile if profile is not None else runtime.assignment.default_profile)
    if chosen is None:
        raise typer.BadParameter(f"no profile {profile}")
    usage = {c: u for row in lists for c, u in row.categories.items()}

    def names() -> object:
        for row in lists:
            yield from liststore.names(settings.data_dir, row.name)

    count = 0
    tmp = output.with_suffix(output.suffix + ".tmp")
    with console.status("Writing the zone"), open(tmp, "w", encoding="ascii") as handle:
        for line in rpz.zone(chosen, names(), usage, origin=origin, serial=datetime.now(UTC),
                             block_ipv4=block_address):
            handle.write(line + "\n")
            count += 1
    tmp.replace(output)
    console.print(f"wrote {output} ({count} lines) for profile {chosen.name!r}")
