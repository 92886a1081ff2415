"""The normaliser's compiled common case (`_normalise.c`) gives the tokens the Python path gives, or hands over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from childsafe.conversations import lexicon, normalise

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "conversations"
TEXTS = [m["text"] for path in sorted(FIXTURES.glob("*.jsonl")) for line in path.read_text("utf-8").splitlines()
         for m in json.loads(line).get("messages", [])]


def test_the_compiled_common_case_is_built_here() -> None:
    assert normalise._normalise is not None  # noqa: SLF001


@pytest.mark.parametrize("language", lexicon.bundled_languages())
def test_fixture_messages_give_the_same_tokens_seen_again(language: str) -> None:
    normaliser = lexicon.load(language).normaliser
    first = [normaliser.tokens(text) for text in TEXTS]  # the first time, words are learnt (the Python path)
    taken = 0
    for text, tokens in zip(TEXTS, first, strict=True):
        assert normaliser.tokens(text) == tokens == normaliser.tokens_in_python(text), text
        taken += normalise._normalise.known_tokens(normaliser._raw, text) is not None  # noqa: SLF001
    assert taken > len(TEXTS) // 2  # most messages take the compiled path


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["send", "n u d e s", "s", "e", "x", "y", "💀", "Ѕend", "h0rny", "№5", "don't",
                                 "  ", "\t", "\u2003", "snap:", "lol", "加我微信", "!!!", "a.b.c", ""]), max_size=12))
def test_generated_messages_give_the_same_tokens(words: list[str]) -> None:
    for language in ("en", "ru"):
        normaliser = lexicon.load(language).normaliser
        text = " ".join(words)
        expected = normaliser.tokens_in_python(text)
        assert normaliser.tokens(text) == expected
        assert normaliser.tokens(text) == expected  # seen again: every word known


def test_words_not_seen_yet_and_spaced_letters_are_handed_over() -> None:
    normaliser = normalise.Normaliser()
    assert normalise._normalise.known_tokens(normaliser._raw, "never seen before") is None  # noqa: SLF001
    normaliser.tokens("s e n d it")
    assert normalise._normalise.known_tokens(normaliser._raw, "s e n d it") is None  # noqa: SLF001
    normaliser.tokens("plain words here")
    assert normalise._normalise.known_tokens(normaliser._raw, "plain words  here") == ["plain", "words", "here"]  # noqa: SLF001
    with pytest.raises(TypeError):
        normalise._normalise.known_tokens({"bad": (1, 2)}, "bad")  # noqa: SLF001
