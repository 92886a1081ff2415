"""The pattern language, exceptions, errors, and the contract every bundled lexicon keeps."""

from __future__ import annotations

import pytest

from childsafe.conversations import lexicon
from childsafe.conversations.signals import LEXICON_SIGNALS

SOURCE = """
language = "en"
[abbreviations]
u = "you"
r = "are"
[signals]
age_question = ["how old are you", "what (grade|year) are you in", "asl"]
image_request = ["send [me] [a] (pic*|photo*)", "show me ** body"]
minor_disclosure = ["i am #minor", "#minor years old"]
adult_disclosure = ["i am #adult"]
gifts = ["i give you (money|#num euro|a #num dollar card)", "buy you (a|) skin"]
self_harm = ["i cut myself"]
self_harm_incitement = ["^(kys|die)$"]
secrecy = ["our secret :shush:"]
meeting = ["meet at [*] park", "^see you at *$"]
[exceptions]
self_harm = ["i cut myself shaving"]
"""
LEX = lexicon.parse(SOURCE)


def signals(text: str) -> set[str]:
    return {m.signal for m in LEX.find(LEX.normaliser.tokens(text))}


def test_find_vetoed_names_the_signals_an_exception_cancelled() -> None:
    matches, vetoed = LEX.find_vetoed(LEX.normaliser.tokens("i cut myself shaving"))
    assert matches == [] and vetoed == {"self_harm"}
    matches, vetoed = LEX.find_vetoed(LEX.normaliser.tokens("i cut myself"))
    assert [m.signal for m in matches] == ["self_harm"] and not vetoed


def test_word_sequences_end_where_the_message_has_them() -> None:
    found = lexicon.parse('language = "it"\n[signals]\nsexual_talk = ["(hai|hai mai) (baciato qualcuno|baciato un '
                          'ragazzo)", "ciao (ragazzo bello|ragazzo)"]').signals
    # the longer alternative ("baciato un ragazzo") must not match the two words left of the message
    assert [(m.start, m.end) for m in found.find("hai mai baciato qualcuno".split())] == [(0, 4)]
    assert [(m.start, m.end) for m in found.find("ciao ragazzo bello".split())] == [(0, 3)]
    assert [(m.start, m.end) for m in found.find("ciao ragazzo".split())] == [(0, 2)]


@pytest.mark.parametrize(("text", "expected"), [
    ("hey how old r u", {"age_question"}),
    ("what year are you in?", {"age_question"}),
    ("asl?", {"age_question"}),
    ("send pics", {"image_request"}),
    ("send me a photograph", {"image_request"}),
    ("show me your whole body", {"image_request"}),
    ("show me body", {"image_request"}),
    ("i am 13", {"minor_disclosure"}),
    ("i am 35", {"adult_disclosure"}),
    ("i am 5000", set()),
    ("she is 14 years old", {"minor_disclosure"}),
    ("i cut myself again", {"self_harm"}),
    ("i cut myself shaving", set()),
    ("our secret 🤫", {"secrecy"}),
    ("what a nice day", set()),
    ("i give you 20 euro", {"gifts"}),
    ("i give you a 50 dollar card", {"gifts"}),
    ("i give you twenty euro", set()),
    ("i will buy you skin", {"gifts"}),
    ("kys", {"self_harm_incitement"}),
    ("just die!!", set()),
    ("die", {"self_harm_incitement"}),
    ("my phone battery might die", set()),
    ("i will buy you a skin", {"gifts"}),
    ("show me the way to the body shop please", set()),  # ** allows three words, not five
    ("meet at park", {"meeting"}),  # [*]: one word, any, or none
    ("meet at the park", {"meeting"}),
    ("meet at the big park", set()),
    ("see you at noon", {"meeting"}),  # a whole-message pattern keeps its trailing wildcard
    ("see you at", set()),
])
def test_patterns(text: str, expected: set[str]) -> None:
    assert signals(text) == expected


@pytest.mark.parametrize(("body", "problem"), [
    ('language = "english"', "two- or three-letter"),
    ('language = "en"\n[signals]\nnot_a_signal = ["x"]', "not a lexicon signal"),
    ('language = "en"\n[signals]\nsecrecy = "x"', "list of strings"),
    ('language = "en"\n[signals]\nsecrecy = ["* secret"]', "may not start"),
    ('language = "en"\n[signals]\nsecrecy = ["[our] secret"]', "may not start"),
    ('language = "en"\n[signals]\nsecrecy = ["se* x"]', "at least 3 letters"),
    ('language = "en"\n[signals]\nsecrecy = ["a b c d e f g h i"]', "elements"),
    ('language = "en"\n[signals]\nsecrecy = ["(' + "|".join(f"w{i}" for i in range(201)) + ')"]', "alternatives"),
    ("language = ", "not valid TOML"),
    ('language = "en"\n[signals]\nsecrecy = ["our (little)? secret"]', "optional element"),
    ('language = "en"\n[signals]\nsecrecy = ["^our secret"]', "go together"),
    ('language = "en"\n[signals]\nsecrecy = ["our [!!] secret"]', "matches nothing"),
    ('language = "en"\n[signals]\nsecrecy = ["keep (it (quiet|secret)|this)"]', "do not nest"),
])
def test_errors_name_the_problem(body: str, problem: str) -> None:
    with pytest.raises(lexicon.LexiconError, match=problem):
        lexicon.parse(body)


@pytest.mark.parametrize("language", lexicon.bundled_languages())
def test_every_bundled_lexicon_covers_every_signal(language: str) -> None:
    lex = lexicon.load(language)
    assert lex.language == language and lex.source
    missing = [s for s in LEXICON_SIGNALS if not lex.pattern_counts.get(s)]
    assert not missing, f"{language} has no patterns for {missing}"


def test_the_four_required_languages_ship() -> None:
    assert {"en", "fr", "es", "de"} <= set(lexicon.bundled_languages())
