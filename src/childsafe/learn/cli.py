"""`childsafe learn check | status | offline | campaign`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from childsafe.console import database
from childsafe.core.clock import SystemClock
from childsafe.core.settings import LANGUAGES
from childsafe.learn import campaigns, content, courses, offline, service
from childsafe.learn.content import ContentError
from childsafe.http.documents import render_pdf

app = typer.Typer(help="Guidance, courses and campaign kits in six languages.", no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def check(folder: Path = typer.Argument(None, help="A content folder laid out as docs/learn-content.md says; "
                                                   "default: the bundled one.")) -> None:
    """Check every page and course file against the contract, naming the file and the problem."""
    try:
        lib = content.load_folder(folder) if folder else content.load_folder(
            resources.files("childsafe.learn").joinpath("content"))
        catalogue = courses.load_folder(folder.parent / "courses") if folder else courses.load_folder(
            resources.files("childsafe.learn").joinpath("courses"))
    except ContentError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"ok: {len(lib.pages)} pages ({len(lib.ids())} in English), {len(catalogue.courses)} course files")


@app.command()
def status() -> None:
    """Which pages are missing or outdated in which language."""
    with database().unit_of_work() as session:
        rows = service.translation_status(session)
    table = Table(title="Guidance translations")
    table.add_column("page")
    for lang in LANGUAGES:
        table.add_column(lang)
    colours = {"current": "green", "outdated": "yellow", "missing": "red"}
    for row in rows:
        table.add_row(row.page, *(f"[{colours.get(row.states[lang], 'cyan')}]{row.states[lang]}[/]"
                                  for lang in LANGUAGES))
    Console().print(table)


@app.command("offline")
def offline_command(lang: str = typer.Option("en", help=f"One of {', '.join(LANGUAGES)}."),
                    out: Path = typer.Option(..., "-o", help="The ZIP file to write."),
                    site: str = typer.Option("https://childsafe.example", help="Where /help and /report live.")
                    ) -> None:
    """Write the offline package (static HTML of every page and course) for one language."""
    if lang not in LANGUAGES:
        raise typer.BadParameter(f"lang is one of {', '.join(LANGUAGES)}")
    with console.status("Writing pages"), database().unit_of_work() as session:
        data = offline.build(service.library(session), courses.bundled(), lang, site.rstrip("/"))
    out.write_bytes(data)
    typer.echo(f"{out} ({len(data) // 1024} KB)")


@app.command()
def campaign(countries: list[str] = typer.Argument(..., help="ISO codes, e.g. KE BR TH."),
             lang: str = typer.Option("en"), kind: str = typer.Option("poster", help="poster or leaflet"),
             out: Path = typer.Option(Path("."), "-o", help="A folder for the PDFs."),
             site: str = typer.Option("https://childsafe.example")) -> None:
    """Posters or leaflets with each country's child helplines, as PDF files."""
    if lang not in LANGUAGES or kind not in campaigns.KINDS:
        raise typer.BadParameter(f"lang is one of {', '.join(LANGUAGES)}; kind one of {', '.join(campaigns.KINDS)}")
    out.mkdir(parents=True, exist_ok=True)
    missing = []
    with Progress(console=console, transient=True) as progress, database().unit_of_work() as session:
        task = progress.add_task("Drawing", total=len(countries))
        for country in (c.upper() for c in countries):
            lines = campaigns.helplines_for(session, country, lang, SystemClock())
            if not lines:
                missing.append(country)
            else:
                path = out / f"childsafe-{kind}-{country}-{lang}.pdf"
                path.write_bytes(render_pdf(f"learn/pdf/{kind}.html", lang, {
                    "country": country, "lines": lines, "campaigns": campaigns, "site": site.rstrip("/")}))
                typer.echo(path)
            progress.advance(task)
    if missing:
        console.print(f"[yellow]no helplines listed for[/yellow] {', '.join(missing)}")
        raise typer.Exit(1)
