"""`childsafe conversations score | evaluate | train | languages` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from childsafe.cli import app

runner = CliRunner()
DEV = Path(__file__).resolve().parents[2] / "fixtures" / "conversations" / "dev.jsonl"


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from childsafe.core.settings import get_settings

    monkeypatch.setenv("CHILDSAFE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_score_writes_one_line_per_conversation(settings_env: Path) -> None:
    source = settings_env / "in.jsonl"
    source.write_text(
        json.dumps({"id": "c1", "messages": [{"text": "how old are you?", "author": "x"},
                                             {"text": "im 12", "author": "y"},
                                             {"text": "are your parents home? dont tell anyone", "author": "x"}]})
        + "\n" + json.dumps({"id": "c2", "messages": [{"text": "see you at practice"}]}) + "\n")
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["c1", "c2"]
    assert set(lines[0]["labels"]) == {"grooming", "sexual", "bullying", "self_harm", "personal_info"}
    assert lines[0]["risk"] > lines[1]["risk"] and lines[0]["evidence"]


def test_score_names_a_bad_line(settings_env: Path) -> None:
    source = settings_env / "bad.jsonl"
    source.write_text('{"id": 1, "messages": [{"text": "hi"}]}\n{"id": 2}\n')
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 2 and "line 2" in result.output


def test_evaluate_prints_per_label_figures(settings_env: Path) -> None:
    result = runner.invoke(app, ["conversations", "evaluate", str(DEV), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert "f0.5" in figures["grooming"] and "f1" in figures["bullying"]
    assert figures["grooming"]["conversations"] == sum(1 for line in DEV.read_text().splitlines() if line.strip())


def train(folder: Path, rows: list[str], label: str):  # noqa: ANN201
    """`childsafe conversations train` on these CSV rows (header first) into folder/models."""
    data = folder / "train.csv"
    data.write_text("\n".join(rows) + "\n")
    return runner.invoke(app, ["conversations", "train", str(data), "--label", label, "--out", str(folder / "models")])


def test_train_makes_a_model_the_engine_uses(settings_env: Path) -> None:
    rows = ["you are such a loser,1", "nobody likes you idiot,1", "great game today,0", "see you tomorrow,0"] * 25
    result = train(settings_env, ["text,bullying", *rows], "bullying")
    assert result.exit_code == 0, result.output
    from childsafe.conversations.classifier import LinearModel

    model = LinearModel.load(settings_env / "models" / "bullying.npz")
    assert model.meta["examples"] == 100 and model.probability(["you", "loser"]) > 0.5


def test_train_normalises_each_row_in_its_own_language(settings_env: Path) -> None:
    rows = ["i want to die,en,1", "je veux mourir,fr,1", "great game,en,0", "on se voit demain,fr,0"] * 25
    result = train(settings_env, ["text,language,self_harm", *rows], "self_harm")
    assert result.exit_code == 0, result.output
    from childsafe.conversations.classifier import LinearModel

    model = LinearModel.load(settings_env / "models" / "self_harm.npz")
    assert model.meta["languages"] == ["en", "fr"] and model.probability(["je", "veux", "mourir"]) > 0.5
    result = train(settings_env, ["text,language,self_harm", "hola,xx,1", "adios,en,0"], "self_harm")
    assert result.exit_code == 2 and "xx" in result.output


def test_languages_lists_the_lexicons() -> None:
    result = runner.invoke(app, ["conversations", "languages"])
    assert result.exit_code == 0 and "en:" in result.stdout and "de:" in result.stdout


def test_non_utf8_input_is_named_not_a_crash(settings_env: Path) -> None:
    source = settings_env / "latin1.jsonl"
    source.write_bytes(b'{"id": 1, "messages": [{"text": "ok"}]}\n{"id": 2, "messages": [{"text": "caf\xe9"}]}\n')
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 2 and "line 2" in result.output and "UTF-8" in result.output


def test_a_file_may_hold_conversations_longer_than_an_api_call(settings_env: Path) -> None:
    from childsafe.conversations.service import MAX_MESSAGES, MAX_TEXT

    chat = [{"text": "did u finish the maths homework", "author": "a"}, {"text": "nah lol", "author": "b"}]
    long = {"id": "log", "messages": chat * MAX_MESSAGES + [{"text": "how old are you? dont tell your mom", "author": "a"},
                                                          {"text": "x" * (MAX_TEXT + 10), "author": "b"}]}
    source = settings_env / "long.jsonl"
    source.write_text(json.dumps(long) + "\n")
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["evidence"] and {e["message"] for e in line["evidence"]} == {2 * MAX_MESSAGES}
    assert f"message(s) {2 * MAX_MESSAGES + 1} scored on their first {MAX_TEXT} characters" in result.stderr


def test_nothing_is_written_when_a_later_line_is_bad(settings_env: Path) -> None:
    source = settings_env / "mixed.jsonl"
    good = json.dumps({"id": "ok", "messages": [{"text": "see you at practice"}]})
    source.write_text(good + "\n" + json.dumps({"id": "bad", "messages": [{"author": "a"}]}) + "\n"
                      + json.dumps({"id": "xx", "language": "tlh", "messages": [{"text": "hi"}]}) + "\n")
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "conversation 2 (bad): messages[0].text" in result.stderr
    source.write_text(good + "\n" + json.dumps({"id": "xx", "language": "tlh", "messages": [{"text": "hi"}]}) + "\n")
    result = runner.invoke(app, ["conversations", "evaluate", str(source)])
    assert result.exit_code == 2 and "'labels'" in result.stderr
    result = runner.invoke(app, ["conversations", "score", "--jsonl", str(source)])
    assert result.exit_code == 2 and "no lexicon for language 'tlh'" in result.stderr and result.stdout == ""
