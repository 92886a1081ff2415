"""`childsafe conversations score --jsonl FILE`, `evaluate FILE`, `train CSV`, `languages`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from childsafe.conversations import classifier, evaluate
from childsafe.conversations.engine import Engine
from childsafe.conversations.lexicon import LexiconError, load
from childsafe.conversations.service import MAX_TEXT, engine_for, validate_messages
from childsafe.core.errors import InvalidInputError
from childsafe.core.settings import get_settings

app = typer.Typer(help="Conversation safety: score chats, evaluate against labels, retrain classifiers.",
                  no_args_is_help=True)
console = Console(stderr=True)
MAX_FILE = 500 * 1024 * 1024


def _engine(semantic: bool | None, layers: str | None = None) -> Engine:
    try:
        return engine_for(get_settings(), layers=layers, semantic=semantic)
    except (LexiconError, RuntimeError, ValueError) as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None


def _lines(file: Path) -> list[str]:
    if str(file) == "-":
        data = sys.stdin.buffer.read(MAX_FILE + 1)
    elif not file.is_file() or file.stat().st_size > MAX_FILE:
        raise typer.BadParameter(f"{file} is not a file of at most {MAX_FILE >> 20} MB")
    else:
        data = file.read_bytes()
    if len(data) > MAX_FILE:
        _fail(f"the input is over {MAX_FILE >> 20} MB")
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        _fail(f"line {line}: not UTF-8 (byte {exc.start})")
    return []


def _fail(message: str) -> None:
    console.print(f"[red]error[/red] {message}")
    raise typer.Exit(2)


@app.command("score")
def score(jsonl: Path = typer.Option(..., "--jsonl", help="Lines {\"id\", \"messages\": [{\"text\", \"author\"}]}; - for stdin."),
          language: str = typer.Option(None, help="Language of every conversation (default: detect each)."),
          semantic: bool = typer.Option(None, "--semantic/--no-semantic", help="Add the semantic layer.")) -> None:
    """Score conversations; writes one JSON line per conversation (risk, labels, evidence) to stdout."""
    engine = _engine(semantic)
    items = _conversations(_lines(jsonl), engine, labelled=False, language=language)
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Scoring", total=len(items))
            for item, messages in items:
                result = engine.score(messages, language=_asked(language or item.get("language")))
                typer.echo(json.dumps({"id": item.get("id"), **engine.summary(result)}, ensure_ascii=False))
                progress.advance(task)
    except LexiconError as exc:
        _fail(str(exc))


def _conversations(lines: list[str], engine: Engine, *, labelled: bool, language: str | None = None
                   ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every line checked before any is scored, so that a bad line stops the run before output is half-written.
    A file has no limit on messages per conversation (the API's is per call); over-long messages are cut to
    MAX_TEXT characters, and the run says which."""
    out = []
    try:
        items = list(evaluate.read_jsonl(lines, labelled=labelled))
    except evaluate.EvaluationError as exc:
        _fail(str(exc))
    for number, item in enumerate(items, 1):
        cut: list[int] = []
        asked = _asked(language or item.get("language"))
        if asked is not None and asked not in engine.languages:
            _fail(f"conversation {number} ({item.get('id')}): no lexicon for language {asked!r}; available: "
                  f"{', '.join(engine.languages)}")
        try:
            out.append((item, validate_messages(item["messages"], max_messages=None, cut=cut)))
        except InvalidInputError as exc:
            _fail(f"conversation {number} ({item.get('id')}): {exc.field}: {exc.message}")
        if cut:
            console.print(f"[yellow]note[/yellow] conversation {number} ({item.get('id')}): message(s) "
                          f"{', '.join(map(str, cut))} scored on their first {MAX_TEXT} characters")
    return out


def _asked(language: Any) -> Any:
    """The language a line (or --language) names; None to detect it ("auto", empty or absent)."""
    return None if language in (None, "", "auto") else language


@app.command("evaluate")
def evaluate_command(file: Path, threshold: float = typer.Option(0.5, min=0.01, max=1.0),
                     semantic: bool = typer.Option(None, "--semantic/--no-semantic"),
                     layers: str = typer.Option(None, help="Only these layers, e.g. lexicon or lexicon,detectors "
                                                           "(lexicon, detectors, classifier, semantic)."),
                     json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON.")) -> None:
    """Precision, recall and F1 per label (F0.5 for grooming) against a labelled JSONL file."""
    engine = _engine(semantic, layers)
    pairs = []
    items = _conversations(_lines(file), engine, labelled=True)
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Evaluating", total=len(items))
            for item, messages in items:
                result = engine.score(messages, language=_asked(item.get("language")))
                pairs.append((item["labels"], result.labels))
                progress.advance(task)
    except LexiconError as exc:
        _fail(str(exc))
    figures = evaluate.metrics(pairs, threshold)
    if json_out:
        typer.echo(json.dumps({m.label: {"precision": round(m.precision, 3), "recall": round(m.recall, 3),
                                         f"f{m.beta:g}": round(m.f, 3), "positives": m.true_pos + m.false_neg,
                                         "conversations": len(pairs)} for m in figures}))
        return
    table = Table(title=f"{file.name}: {len(pairs)} conversations, threshold {threshold}")
    for column in ("label", "positives", "precision", "recall", "F", "β"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for m in figures:
        table.add_row(m.label, str(m.true_pos + m.false_neg), f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.f:.2f}",
                      f"{m.beta:g}")
    Console().print(table)


@app.command("train")
def train(csv_file: Path, label: str = typer.Option("bullying", help="The label the model scores."),
          language: str = typer.Option("en", help="Lexicon whose normalisation the texts get (rows with a `language` "
                                                "column get their own)."),
          out: Path = typer.Option(..., help="Folder for <label>.npz (point CHILDSAFE_CONVERSATIONS_MODEL_DIR at it)."),
          c: float = typer.Option(1.0, min=1e-4, help="Inverse regularisation strength.")) -> None:
    """Train a classifier from a labelled CSV (columns: text, the label or `label` as 0/1, optionally language)."""
    if not csv_file.is_file():
        raise typer.BadParameter(f"{csv_file} is not a file")
    try:
        texts, labels, languages = classifier.read_training_csv(csv_file.open(encoding="utf-8", newline=""), label)
        lexicon_dir = get_settings().conversations_lexicon_dir or None
        normalisers = {code: load(code, lexicon_dir).normaliser for code in {language, *languages} - {None}}
    except (ValueError, LexiconError) as exc:
        _fail(str(exc))
    m = None
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Normalising", total=len(texts))
        tokens = []
        for text, code in zip(texts, languages, strict=True):
            tokens.append(normalisers[code or language].tokens(text))
            progress.advance(task)
        progress.add_task("Training", total=None)
        try:
            held = [i % 5 == 4 for i in range(len(tokens))]  # every fifth row is held out to report figures
            trial = classifier.train([t for t, h in zip(tokens, held, strict=True) if not h],
                                     [y for y, h in zip(labels, held, strict=True) if not h], label, c=c)
            figures = evaluate.metrics(
                ({**dict.fromkeys(evaluate.LABELS, 0), label: y},
                 {**dict.fromkeys(evaluate.LABELS, 0.0), label: trial.probability(t)})
                for t, y, h in zip(tokens, labels, held, strict=True) if h)
            m = next(f for f in figures if f.label == label) if label in evaluate.LABELS else None
            model = classifier.train(tokens, labels, label, c=c, meta={
                "source": csv_file.name, "languages": sorted({code or language for code in languages}),
                **({"heldout_precision": round(m.precision, 3), "heldout_recall": round(m.recall, 3)} if m else {})})
        except ValueError as exc:
            _fail(str(exc))
    if m is not None:
        typer.echo(f"held-out fifth: precision {m.precision:.3f}, recall {m.recall:.3f}, F1 {m.f:.3f}")
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / f"{label}.npz")
    typer.echo(f"{label}: trained on {len(labels)} examples ({sum(labels)} positive) -> {out / (label + '.npz')}")


@app.command("languages")
def languages() -> None:
    """The lexicons available, with their pattern counts."""
    engine = _engine(False)
    for language in engine.languages:
        lexicon = engine.lexicon(language)
        typer.echo(f"{language}: {sum(lexicon.pattern_counts.values())} patterns over "
                   f"{len(lexicon.pattern_counts)} signals")
