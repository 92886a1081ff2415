"""The message models, multilingual classifiers that read what no lexicon pattern does (engine.py, aggregate.py):
- distress: the writer's own self-harm or suicidal thoughts, counted like a hopelessness hit, once per author;
- sexual: sexual talk, solicitation and image requests; a hit weighs 0.35 and recurs, so one author's two such
  messages flag a chat."""

from __future__ import annotations

import pytest

from childsafe.conversations import aggregate
from childsafe.conversations.engine import Engine

# "I can't go on, that's it" (Egyptian Arabic): the Arabic lexicon has no pattern for it, the model reads it.
UNLISTED = "مش قادرة اكمل خلاص"
# No sexual word and no pattern of the English lexicon: the sexual model reads the offer for what it is.
UNLISTED_SEXUAL = "wanna see what i look like under my hoodie"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def signals(engine: Engine, text: str, language: str) -> dict[str, float]:
    hits, _ = engine.message_hits(text, language)
    return {h.signal: h.confidence for h in hits}


def test_the_distress_model_reads_what_no_pattern_lists(engine: Engine) -> None:
    found = signals(engine, UNLISTED, "ar")
    assert not {"self_harm", "suicidal", "hopelessness"} & found.keys()  # the lexicon alone misses it
    assert found.get("distress_language", 0.0) > aggregate.DISTRESS
    assert "distress_language" not in signals(engine, "the pizza was great lets go again tomorrow", "en")
    assert "distress_language" not in signals(engine, "on se voit demain au parc ?", "fr")


def test_a_self_harm_pattern_hit_is_not_read_twice(engine: Engine) -> None:
    found = signals(engine, "i want to kill myself tonight", "en")
    assert "suicidal" in found and "distress_language" not in found


@pytest.mark.parametrize(("text", "language"), [
    ("y no he estudiado nada me quiero morir", "es"),  # the exam, not a wish to die
    ("ok pero si no entiendo me aviento por la ventana", "es"),
    ("二次函数那块我完全看不懂 看一眼就想死", "zh"),
])
def test_hyperbole_an_exception_cancels_is_not_read_by_the_model_either(engine: Engine, text: str,
                                                                      language: str) -> None:
    assert not signals(engine, text, language).keys() & {"suicidal", "self_harm", "hopelessness", "distress_language"}


@pytest.mark.parametrize(("text", "language"), [
    ("wait are you talking about suicide?", "en"), ("tu parles de suicide là?", "fr"),
    ("estás hablando de suicidarte?", "es"), ("stai parlando di suicidio?", "it"),
    ("ты же не про суицид?", "ru"), ("你说的划是啥意思", "zh"),
])
def test_a_friend_asking_if_it_is_suicide_is_concern(engine: Engine, text: str, language: str) -> None:
    assert "concern" in signals(engine, text, language)


def test_distress_counts_once_per_author_and_flags_only_with_other_evidence(engine: Engine) -> None:
    alone = engine.score([{"author": "a", "text": UNLISTED}], language="ar").labels["self_harm"]
    again = engine.score([{"author": "a", "text": UNLISTED}] * 3, language="ar").labels["self_harm"]
    assert 0.3 < alone == again < 0.5
    concern = "انتي كويسة؟ انتي في امان دلوقتي؟"  # "are you ok? are you safe right now?"
    answered = engine.score([{"author": "a", "text": UNLISTED}, {"author": "b", "text": concern}], language="ar")
    assert answered.labels["self_harm"] >= 0.5


def test_short_messages_and_the_lexicon_only_layers_leave_the_distress_model_out() -> None:
    assert "distress_language" not in signals(Engine(), "خلاص", "ar")
    assert "distress_language" not in signals(Engine(layers=("lexicon", "detectors")), UNLISTED, "ar")


def test_the_sexual_model_reads_what_no_pattern_lists(engine: Engine) -> None:
    found = signals(engine, UNLISTED_SEXUAL, "en")
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


def test_a_sexual_pattern_hit_is_not_read_twice(engine: Engine) -> None:
    found = signals(engine, "send me nudes right now", "en")
    assert "image_request" in found and "sexual_language" not in found


def test_one_sexual_message_does_not_flag_a_chat_two_from_one_author_do(engine: Engine) -> None:
    once = engine.score([{"author": "a", "text": UNLISTED_SEXUAL}, {"author": "b", "text": "lol what"}], language="en")
    assert 0.3 < once.labels["sexual"] < 0.5
    twice = engine.score([{"author": "a", "text": UNLISTED_SEXUAL}, {"author": "b", "text": "lol what"},
                          {"author": "a", "text": UNLISTED_SEXUAL}], language="en")
    assert twice.labels["sexual"] >= 0.5
    assert any(e["signal"] == "sexual_language" and e["source"] == "classifier" for e in twice.evidence())


def test_short_messages_and_the_lexicon_only_layers_leave_the_sexual_model_out() -> None:
    assert "sexual_language" not in signals(Engine(), "hoodie off", "en")
    assert "sexual_language" not in signals(Engine(layers=("lexicon", "detectors")), UNLISTED_SEXUAL, "en")


def test_child_context_does_not_double_a_model_reading(engine: Engine) -> None:
    child = {"author": "b", "text": "im 13 and in year 8"}
    result = engine.score([child, {"author": "a", "text": UNLISTED_SEXUAL}], language="en")
    assert "minor_disclosure" in {e["signal"] for e in result.evidence()}
    assert aggregate.child_context(result.state, "a") > 0
    assert 0.3 < result.labels["sexual"] < 0.5  # a pattern's sexual hit would count up to twice here
    assert 0.3 < result.messages[1].scores["sexual"] < 0.5


def test_a_deployment_without_one_of_the_models_reads_with_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from childsafe.conversations import classifier  # noqa: PLC0415

    bundled = classifier.bundled
    monkeypatch.setattr(classifier, "bundled", lambda label, directory=None: None if label == "self_harm"
                        else bundled(label, directory))
    partial = Engine()
    assert partial.distress is None and "distress_language" not in signals(partial, UNLISTED, "ar")
    assert "sexual_language" in signals(partial, UNLISTED_SEXUAL, "en")  # the model after it keeps its column
    hits, hostility = partial.message_hits("shut up you fucking bitch", "en")
    assert hostility > aggregate.HOSTILE and "hostile_language" in {h.signal for h in hits}
