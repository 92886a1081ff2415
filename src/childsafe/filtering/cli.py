"""`childsafe lists ...`, `childsafe dns` and `childsafe filtering export-rpz`."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import multiprocessing
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.console import database, fail
from childsafe.core.settings import get_settings
from childsafe.db.engine import Database
from childsafe.filtering import liststore, rpz, service
from childsafe.filtering.engine import Engine, EngineConfig
from childsafe.filtering.server import DnsServer, Resolver, Upstream, parse_hostport

lists_app = typer.Typer(help="Blocklists: import, update, show.", no_args_is_help=True)
filtering_app = typer.Typer(help="Network protection.", no_args_is_help=True)
console = Console(stderr=True)
RELOAD_SECONDS = 15




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


def _engine(data_dir: Path, config: EngineConfig) -> Engine:
    with database().unit_of_work() as session:
        runtime = service.load_runtime(session, data_dir)
    engine = Engine(runtime.profiles, runtime.assignment, runtime.lists, config)
    engine.temporary = runtime.grants
    return engine


async def _reload_forever(engine: Engine, data_dir: Path) -> None:
    version: tuple[object, ...] | None = None
    fresh = Database(get_settings().effective_database_url)
    while True:
        await asyncio.sleep(RELOAD_SECONDS)
        try:
            with fresh.unit_of_work() as session:
                if engine.counts:
                    service.add_counts(session, engine.counts)
                    engine.counts = {}
                service.purge(session, engine.clock.now())  # block-page requests and counts expire
                current = service.runtime_version(session)
                if current == version:
                    continue  # nothing changed: keep the caches warm
                runtime = service.load_runtime(session, data_dir)
                version = current
        except Exception as exc:  # noqa: BLE001  (keep answering with the last good policy)
            console.print(f"[yellow]reload failed, keeping the current policy:[/yellow] {exc}")
            continue
        for index, _ in engine.lists.indexes:
            index.close()
        engine.profiles, engine.assignment, engine.lists = runtime.profiles, runtime.assignment, runtime.lists
        engine.temporary = runtime.grants
        engine.clear_caches()


def _worker(listen: list[tuple[str, int]], upstreams: list[tuple[str, int]], data_dir: Path,
            config: EngineConfig) -> None:
    async def main() -> None:
        engine = _engine(data_dir, config)
        server = DnsServer(Resolver(engine, [Upstream(h, p) for h, p in upstreams]), listen)
        await server.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        reloader = asyncio.ensure_future(_reload_forever(engine, data_dir))
        await stop.wait()
        reloader.cancel()
        await server.close()

    try:
        import uvloop  # noqa: PLC0415  (a faster event loop for UDP; optional)
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())


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
        block4 = ipaddress.IPv4Address(block_address).packed
        block6 = ipaddress.IPv6Address(block_address6).packed if block_address6 else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    config = EngineConfig(block_ipv4=block4, block_ipv6=block6, count_queries=count_queries)
    data_dir = get_settings().data_dir
    database().dispose()  # migrate once before the workers start
    console.print(f"ChildSafe DNS on {', '.join(f'{h}:{p}' for h, p in addresses)} -> "
                  f"{', '.join(f'{h}:{p}' for h, p in upstreams)} ({workers} worker(s))")
    if workers == 1:
        _worker(addresses, upstreams, data_dir, config)
        return
    processes = [multiprocessing.Process(target=_worker, args=(addresses, upstreams, data_dir, config))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    with contextlib.suppress(KeyboardInterrupt):
        for process in processes:
            process.join()


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
