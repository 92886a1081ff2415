"""The sexual model: a multilingual classifier that reads sexual talk, solicitation and image requests where no lexicon
pattern does; a hit weighs 0.35 and recurs, so one author's two such messages flag a chat (engine.py, aggregate.py)."""

from __future__ import annotations

import pytest

from childsafe.conversations import aggregate
from childsafe.conversations.engine import Engine

# No sexual word and no pattern of the English lexicon: the model reads the offer for what it is.
UNLISTED = "wanna see what i look like under my hoodie"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def signals(engine: Engine, text: str, language: str) -> dict[str, float]:
    hits, _ = engine.message_hits(text, language)
    return {h.signal: h.confidence for h in hits}


def test_the_model_reads_what_no_pattern_lists(engine: Engine) -> None:
    found = signals(engine, UNLISTED, "en")
    assert not {"sexual_talk", "sexual_explicit", "image_request", "sextortion"} & found.keys()
    assert found.get("sexual_language", 0.0) > aggregate.SEXUAL


@pytest.mark.parametrize(("text", "language"), [
    ("sex ed homework is due friday", "en"),
    ("my sister is having a baby in june", "en"),
    ("ich geh jetzt duschen und dann schlafen", "de"),
    ("send me the pics from the trip pls", "en"),
])
def test_ordinary_words_near_the_topic_are_not_read_as_sexual(engine: Engine, text: str, language: str) -> None:
    assert "sexual_language" not in signals(engine, text, language)


def test_a_pattern_hit_is_not_read_twice(engine: Engine) -> None:
    found = signals(engine, "send me nudes right now", "en")
    assert "image_request" in found and "sexual_language" not in found


def test_one_message_does_not_flag_a_chat_two_from_one_author_do(engine: Engine) -> None:
    once = engine.score([{"author": "a", "text": UNLISTED}, {"author": "b", "text": "lol what"}], language="en")
    assert 0.3 < once.labels["sexual"] < 0.5
    twice = engine.score([{"author": "a", "text": UNLISTED}, {"author": "b", "text": "lol what"},
                          {"author": "a", "text": UNLISTED}], language="en")
    assert twice.labels["sexual"] >= 0.5
    assert any(e["signal"] == "sexual_language" and e["source"] == "classifier" for e in twice.evidence())


def test_short_messages_and_the_lexicon_only_layers_leave_it_out() -> None:
    assert "sexual_language" not in signals(Engine(), "hoodie off", "en")
    assert "sexual_language" not in signals(Engine(layers=("lexicon", "detectors")), UNLISTED, "en")
