"""The compiled reader of the message models (`_reader.c`) adds up exactly what numpy and one model alone add up."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from childsafe.conversations import classifier, lexicon

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "conversations"
MODELS = [classifier.bundled(label) for label in ("bullying", "self_harm", "sexual")]


def messages(language: str) -> list[list[str]]:
    lex = lexicon.load(language)
    return [lex.normaliser.tokens(m["text"]) for path in sorted(FIXTURES.glob("*.jsonl"))
            for line in path.read_text("utf-8").splitlines() for m in json.loads(line).get("messages", [])]


def test_the_compiled_reader_is_built_here_and_used() -> None:
    assert classifier._reader is not None  # noqa: SLF001
    assert classifier.Reader(MODELS)._native is not None  # noqa: SLF001


@pytest.mark.parametrize("language", ["en", "fr", "ru", "zh", "ar"])
def test_every_fixture_message_reads_the_same_as_numpy_and_each_model_alone(language: str) -> None:
    reader = classifier.Reader(MODELS)
    read = messages(language) + [[], ["é", "🙂", "x" * 500]]
    for start in range(0, len(read), 23):  # conversations' worth, some with empty messages
        chunk = read[start:start + 23]
        compiled = reader.logits(chunk)
        assert compiled == reader.logits_with_numpy(chunk)
        for tokens, row in zip(chunk, compiled, strict=True):
            assert (row is None) == (not tokens)
            if row and start % 5 == 0:
                assert [classifier.logistic(z) for z in row] == [m.probability(tokens) for m in MODELS]


def test_the_word_cache_forgets_and_stays_exact() -> None:
    """More distinct words than the reader remembers: it forgets them all at once and works them out again."""
    reader = classifier.Reader(MODELS)
    words = [f"w{i}" for i in range(210_000)]
    chunks = [words[i:i + 7000] for i in range(0, len(words), 7000)]
    assert reader.logits(chunks) == reader.logits_with_numpy(chunks)


def test_models_of_another_size_or_order_use_numpy() -> None:
    small = classifier.LinearModel("x", np.arange(1 << 10, dtype=np.float32) / 1000, 0.5, dim_bits=10)
    mixed = classifier.Reader([MODELS[0], small])
    assert mixed._native is None  # noqa: SLF001
    row = mixed.logits([["hi", "there"]])[0]
    assert [classifier.logistic(z) for z in row] == [MODELS[0].probability(["hi", "there"]),
                                                     small.probability(["hi", "there"])]


def test_bad_input_to_the_compiled_reader_is_refused() -> None:
    native = classifier.Reader(MODELS)._native  # noqa: SLF001
    with pytest.raises(TypeError):
        native.logits([["ok", 3]])
    with pytest.raises(TypeError):
        native.logits((["a"],))
    with pytest.raises(ValueError, match="float32"):
        classifier._reader.Reader(np.zeros((4, 3)), 3, (0.0, 0.0, 0.0), 3)  # noqa: SLF001
    with pytest.raises(ValueError, match="one bias per model"):
        classifier._reader.Reader(np.zeros((4, 3), np.float32), 3, (0.0,), 3)  # noqa: SLF001
