"""The distress model: a multilingual classifier that reads the writer's own self-harm or suicidal thoughts where
no lexicon pattern does, counted like a hopelessness hit, once per author (engine.py, aggregate.py)."""

from __future__ import annotations

import pytest

from childsafe.conversations import aggregate
from childsafe.conversations.engine import Engine

# "I can't go on, that's it" (Egyptian Arabic): the Arabic lexicon has no pattern for it, the model reads it.
UNLISTED = "مش قادرة اكمل خلاص"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def signals(engine: Engine, text: str, language: str) -> dict[str, float]:
    hits, _ = engine.message_hits(text, language)
    return {h.signal: h.confidence for h in hits}


def test_the_model_reads_what_no_pattern_lists(engine: Engine) -> None:
    found = signals(engine, UNLISTED, "ar")
    assert not {"self_harm", "suicidal", "hopelessness"} & found.keys()  # the lexicon alone misses it
    assert found.get("distress_language", 0.0) > aggregate.DISTRESS
    assert "distress_language" not in signals(engine, "the pizza was great lets go again tomorrow", "en")
    assert "distress_language" not in signals(engine, "on se voit demain au parc ?", "fr")


def test_a_pattern_hit_is_not_read_twice(engine: Engine) -> None:
    found = signals(engine, "i want to kill myself tonight", "en")
    assert "suicidal" in found and "distress_language" not in found


def test_it_counts_once_per_author_and_flags_only_with_other_evidence(engine: Engine) -> None:
    alone = engine.score([{"author": "a", "text": UNLISTED}], language="ar").labels["self_harm"]
    again = engine.score([{"author": "a", "text": UNLISTED}] * 3, language="ar").labels["self_harm"]
    assert 0.3 < alone == again < 0.5
    concern = "انتي كويسة؟ انتي في امان دلوقتي؟"  # "are you ok? are you safe right now?"
    answered = engine.score([{"author": "a", "text": UNLISTED}, {"author": "b", "text": concern}], language="ar")
    assert answered.labels["self_harm"] >= 0.5


def test_short_messages_and_the_lexicon_only_layers_leave_it_out() -> None:
    assert "distress_language" not in signals(Engine(), "خلاص", "ar")
    assert "distress_language" not in signals(Engine(layers=("lexicon", "detectors")), UNLISTED, "ar")
