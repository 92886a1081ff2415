"""The compiled pattern index (`_lexmatch.c`) finds exactly what the Python one finds, in the same order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from childsafe.conversations import lexicon

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "conversations"
LANGUAGES = lexicon.bundled_languages()


def test_the_compiled_index_is_built_here_and_used() -> None:
    """scripts/system-deps installs a C compiler, so every bundled lexicon must find with the compiled index."""
    assert lexicon._lexmatch is not None  # noqa: SLF001
    for language in LANGUAGES:
        lex = lexicon.load(language)
        assert lex.signals.compiled() and lex.exceptions.compiled()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_fixture_message_finds_the_same(language: str) -> None:
    lex = lexicon.load(language)
    texts = [m["text"] for path in sorted(FIXTURES.glob("*.jsonl"))
             for line in path.read_text("utf-8").splitlines() for m in json.loads(line).get("messages", [])]
    assert len(texts) > 1000
    found = 0
    for text in texts:
        tokens = lex.normaliser.tokens(text)
        for index in (lex.signals, lex.exceptions):
            compiled = index.find(tokens)
            assert compiled == index.find_in_python(tokens), (language, tokens)
            found += len(compiled)
    assert found > 0


def _words(language: str) -> list[str]:
    """The words the lexicon's patterns are made of, a few numbers, and words no pattern has."""
    index = lexicon.load(language).signals
    words = sorted({key for key in index.by_key if isinstance(key, str)}
                   | {w for key in index.by_key if isinstance(key, tuple) for w in key if w != lexicon.NUMBER})
    return words[:400] + ["7", "14", "16", "21", "45", "123456", "zzq", "x"]


@pytest.mark.parametrize("language", ["en", "fr", "ru", "zh"])
def test_generated_token_lists_find_the_same(language: str) -> None:
    """Random token lists drawn from the lexicon's own words: dense with near-matches, long and short."""
    lex = lexicon.load(language)
    words = _words(language)

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(words), max_size=80))
    def check(tokens: list[str]) -> None:
        for index in (lex.signals, lex.exceptions):
            assert index.find(tokens) == index.find_in_python(tokens)

    check()


def test_a_lexicon_with_every_kind_of_element_finds_the_same() -> None:
    """Prefixes, number classes, numbers inside word sequences, optional parts, wildcards and whole-message
    patterns, some looked up by how they start."""
    lex = lexicon.parse("""
language = "en"
[signals]
age_question = ["how old (are|r) you", "(are|r) you #minor", "^asl$"]
minor_disclosure = ["i (am|m) #minor", "im #minor (years|yrs) old", "in (#num th grade|year #minor)"]
sexual_talk = ["send nud*", "horn* ** you", "(so|very) sex*"]
secrecy = ["(dont|don t) tell [your] (mom|mum|parents)", "our * secret"]
meeting = ["meet [me] at #num"]
insult = ["stupi* idio*"]
adult_disclosure = ["#adult #adult"]
""")
    assert lex.signals.by_stem and lex.signals.by_number  # looked up by a prefix, and by a number
    cases = ["how old r you", "r u 14", "asl", "asl pls", "i am 13", "im 16 yrs old", "in 7 th grade",
             "in year 9", "send nudes now", "so horny for you", "horny i am you", "very sexy", "dont tell your mum",
             "our little secret", "meet at 5", "meet me at 99999999999999999999999", "", "14 14 14",
             "you stupid idiots", "stupido", "idiot stupid", "45 45", "45 9 45 45"]
    found = 0
    for text in cases:
        tokens = lex.normaliser.tokens(text)
        assert lex.signals.find(tokens) == lex.signals.find_in_python(tokens), text
        found += bool(lex.signals.find(tokens))
    assert found == len(cases) - 6  # "r u 14", "asl pls", "", "14 14 14", "stupido", "idiot stupid" find nothing
    assert {m.signal for m in lex.find(lex.normaliser.tokens("r you 14 send nudes"))} == {"age_question",
                                                                                         "sexual_talk"}


def test_bad_input_to_the_compiled_index_is_refused() -> None:
    native = lexicon.load("en").signals.compiled()
    with pytest.raises(TypeError):
        native.find(["ok", 3], ())
    with pytest.raises(TypeError):
        native.find(("a", "tuple"), ())
    with pytest.raises(ValueError, match="out of range"):
        native.find(["ok"], (10**6,))
