"""`childsafe stats indicators | upload | release | publish-counts | ledger | synthetic`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from childsafe.console import database, fail
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.errors import ChildSafeError
from childsafe.core.settings import LANGUAGES, get_settings
from childsafe.stats import service, synthetic
from childsafe.stats.framework import load
from childsafe.stats.survey import utf8_lines

app = typer.Typer(help="Statistics on child online protection: indicators, surveys, protected releases.",
                  no_args_is_help=True)
console = Console(stderr=True)


def _fail(exc: ChildSafeError) -> None:
    """Every problem of a survey file on its own line, then the shared error line (exit status 2)."""
    for problem in (getattr(exc, "problems", None) or [])[1:]:
        console.print(f"[red]error[/red] {exc.field}: {problem}")
    fail(exc)


@app.command()
def indicators(lang: str = typer.Option("en", help=f"One of {', '.join(LANGUAGES)}."),
               as_json: bool = typer.Option(False, "--json", help="The whole framework as JSON.")) -> None:
    """List the framework's indicators."""
    framework = load()
    if as_json:
        typer.echo(json.dumps({"version": framework.version,
                               "indicators": [i.as_json() for i in framework.indicators]}, ensure_ascii=False))
        return
    table = Table(title=f"Framework {framework.version}")
    for column in ("id", "source", "unit", "name"):
        table.add_column(column)
    for i in framework.indicators:
        table.add_row(i.id, i.source_type, i.unit, i.text("name", lang if lang in LANGUAGES else "en"))
    Console().print(table)


def _with_progress(path: Path, progress: Progress) -> Iterator[bytes]:
    task = progress.add_task(f"Checking {path.name}", total=path.stat().st_size)
    with path.open("rb") as handle:
        for line in handle:
            progress.advance(task, len(line))
            yield line


@app.command()
def upload(path: Path = typer.Argument(..., help="The survey file (CSV, UTF-8)."),
           codebook: Path = typer.Option(..., help="CSV: column,variable,code,value."),
           name: str = typer.Option(...), country: str = typer.Option(..., help="ISO 3166-1 alpha-2."),
           year: int = typer.Option(...), source: str = typer.Option("", help="Who ran the survey."),
           weight_cap: float = typer.Option(1.0, help="Weights above this are capped (the noise is scaled to it)."),
           budget: float = typer.Option(None, help="Privacy budget (epsilon); default CHILDSAFE_STATS_EPSILON_BUDGET."),
           ) -> None:
    """Check every row and store the survey in one transaction (nothing is stored if a row fails)."""
    for file in (path, codebook):
        if not file.is_file():
            raise typer.BadParameter(f"{file} is not a file")
    settings = get_settings()
    try:
        text = codebook.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{codebook} is not UTF-8 text") from None
    columns = (*Progress.get_default_columns()[:1], BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress, \
                database().unit_of_work() as session:
            dataset = service.upload_survey(
                session, name=name, country=country, year=year, lines=utf8_lines(_with_progress(path, progress)),
                codebook=text, weight_cap=weight_cap, epsilon_budget=budget or settings.stats_epsilon_budget,
                source=source, actor=CLI_ACTOR, retention_days=settings.stats_microdata_days)
            summary = f"dataset {dataset.id}: {dataset.rows:,} rows, variables {', '.join(dataset.variables)}"
    except ChildSafeError as exc:
        _fail(exc)
    typer.echo(summary)


@app.command()
def release(dataset: int = typer.Argument(..., help="The dataset id (see `upload` or `ledger`)."),
            epsilon: float = typer.Option(..., help="The share of the budget to spend."),
            indicator: list[str] = typer.Option(None, help="Indicator ids (default: every one it answers).")) -> None:
    """Publish a differentially private release and record the spend in the ledger."""
    try:
        with console.status("Releasing"), database().unit_of_work() as session:
            made = service.release_survey(session, dataset, epsilon=epsilon, indicators=indicator or None,
                                          actor=CLI_ACTOR)
            summary = (f"release {made.id}: epsilon {made.parameters['epsilon']:.4g} over "
                       f"{made.parameters['queries']} queries, noise scale {made.parameters['noise_scale']:.4g}")
    except ChildSafeError as exc:
        _fail(exc)
    typer.echo(summary)


@app.command("publish-counts")
def publish_counts(year: int = typer.Option(...),
                   country: str = typer.Option(None, help="Default: CHILDSAFE_STATS_COUNTRY.")) -> None:
    """Publish this platform's helpline and hotline counts for a year, with small-cell suppression."""
    settings = get_settings()
    try:
        with console.status("Suppressing and auditing"), database().unit_of_work() as session:
            made = service.release_administrative(session, country=country or settings.stats_country, year=year,
                                                  actor=CLI_ACTOR, threshold=settings.stats_min_cell)
            summary = f"release {made.id}: {country or settings.stats_country} {year}"
    except ChildSafeError as exc:
        _fail(exc)
    typer.echo(summary)


@app.command()
def ledger(dataset: int = typer.Argument(None, help="A dataset id; omit to list the datasets.")) -> None:
    """The datasets and their privacy-budget ledgers."""
    with database().unit_of_work() as session:
        table = Table()
        if dataset is None:
            for column in ("id", "name", "country", "year", "rows", "spent", "budget"):
                table.add_column(column)
            for d in service.datasets(session):
                table.add_row(str(d.id), d.name, d.country, str(d.year), f"{d.rows:,}",
                              f"{service.spent(session, d.id):.4g}", f"{d.epsilon_budget:.4g}")
        else:
            try:
                service.get_dataset(session, dataset)
            except ChildSafeError as exc:
                _fail(exc)
            for column in ("at", "epsilon", "release", "purpose", "actor"):
                table.add_column(column)
            for e in service.ledger(session, dataset):
                table.add_row(e.at.isoformat(timespec="seconds"), f"{e.epsilon:.4g}", str(e.release_id or ""),
                              e.purpose, e.actor)
    Console().print(table)


@app.command("synthetic")
def synthetic_files(out: Path = typer.Argument(..., help="A folder for survey.csv and codebook.csv."),
                    rows: int = typer.Option(10_000, min=1, max=5_000_000), seed: int = typer.Option(0),
                    rate: list[str] = typer.Option(None, help="variable=share, e.g. internet_use=0.8.")) -> None:
    """Write a made-up survey and its codebook, to try the upload (describes no real country)."""
    rates = {}
    for item in rate or []:
        variable, _, share = item.partition("=")
        try:
            rates[variable] = float(share)
        except ValueError:
            raise typer.BadParameter(f"{item!r} is not variable=share") from None
    out.mkdir(parents=True, exist_ok=True)
    framework = load()
    (out / "survey.csv").write_text(synthetic.survey_csv(framework, rows, rates, seed), "utf-8")
    (out / "codebook.csv").write_text(synthetic.codebook(framework), "utf-8")
    typer.echo(f"{out / 'survey.csv'} ({rows:,} rows) and {out / 'codebook.csv'}")
