"""Messages read with their neighbours: answers to a request for contact details, threats in game talk, a friend's
crisis check (context.py)."""

from __future__ import annotations

import json

from childsafe.conversations.engine import Engine


def signals(result, index: int) -> set[str]:  # noqa: ANN001
    return {h.signal for h in result.messages[index].hits}


def test_a_bare_user_name_answering_a_request_is_a_handle_shared() -> None:
    engine = Engine()
    chat = [{"author": "a", "text": "u got snap?"}, {"author": "b", "text": "ya"},
            {"author": "b", "text": "avamae_x"}]
    result = engine.score(chat, language="en")
    assert "social_handle" in signals(result, 2)
    assert result.labels["personal_info"] >= 0.5
    assert "avamae_x" not in json.dumps(result.state)  # who asked and when, never the words


def test_the_same_word_without_the_question_or_from_the_asker_is_nothing() -> None:
    engine = Engine()
    alone = engine.score([{"author": "b", "text": "avamae_x"}], language="en")
    assert not signals(alone, 0)
    own = engine.score([{"author": "a", "text": "u got snap?"}, {"author": "a", "text": "mine is dave_tx"}],
                       language="en")
    assert "social_handle" not in signals(own, 1)
    late = engine.score([{"author": "a", "text": "u got snap?"}, *[{"author": "b", "text": "lol"}] * 4,
                         {"author": "b", "text": "kaylee13"}], language="en")
    assert not signals(late, 5)  # too far from the question to be its answer


def test_a_streamed_conversation_remembers_the_question() -> None:
    engine = Engine()
    first = engine.score([{"author": "a", "text": "whats ur insta"}], language="en")
    second = engine.score([{"author": "b", "text": "its lily.bxo"}], language="en", state=first.state)
    assert "social_handle" in signals(second, 0)


def hit(result, index: int, signal: str):  # noqa: ANN001, ANN201
    return next(h for h in result.messages[index].hits if h.signal == signal)


def test_threats_in_game_talk_are_trash_talk_in_every_language() -> None:
    engine = Engine()
    for language, game, threat in [("en", "ranked fortnite in 5?", "im gonna kill u"),
                                   ("pt", "bora uma partida de valorant", "vou te matar"),
                                   ("ru", "го катку в кс", "я тебя убью")]:
        plain = engine.score([{"author": "a", "text": threat}] * 3, language=language)
        played = engine.score([{"author": "b", "text": game}, *[{"author": "a", "text": threat}] * 3],
                              language=language)
        assert plain.labels["bullying"] >= 0.5, language
        assert played.labels["bullying"] < 0.5, language
        assert 0 < hit(played, 1, "threat").confidence < 1  # still in the evidence, weighing less


def test_game_talk_long_ago_or_a_coercer_does_not_excuse_a_threat() -> None:
    engine = Engine()
    long_ago = engine.score([{"author": "b", "text": "gg that lobby was wild"},
                             *[{"author": "b", "text": "ok"}] * 60, {"author": "a", "text": "im gonna kill u"}],
                            language="en")
    assert hit(long_ago, 61, "threat").confidence == 1.0
    coercer = engine.score([{"author": "a", "text": "gg in fortnite"}, {"author": "a", "text": "send me pics"},
                            {"author": "a", "text": "im gonna kill u"}], language="en")
    assert hit(coercer, 2, "threat").confidence == 1.0


def test_a_friends_crisis_check_is_concern_not_a_supervision_question() -> None:
    engine = Engine()
    crisis = engine.score([{"author": "b", "text": "i started cutting again"},
                           {"author": "a", "text": "are u safe right now?"},
                           {"author": "a", "text": "is anyone home"}], language="en")
    assert "supervision_question" not in signals(crisis, 2) and "concern" in signals(crisis, 2)
    assert crisis.labels["grooming"] < 0.3 and crisis.labels["self_harm"] >= 0.5
    stranger = engine.score([{"author": "b", "text": "im 13"}, {"author": "a", "text": "is anyone home"}],
                            language="en")
    assert "supervision_question" in signals(stranger, 1)


def test_a_target_objecting_makes_one_insult_bullying_but_not_when_laughing() -> None:
    engine = Engine()
    insult = [{"author": "a", "text": "ur such a loser"}]
    assert engine.score(insult, language="en").labels["bullying"] < 0.5
    objected = engine.score([*insult, {"author": "b", "text": "why are you always so mean to me, leave me alone"}],
                            language="en")
    assert "pushback" in signals(objected, 1) and objected.labels["bullying"] >= 0.5
    laughing = engine.score([*insult, {"author": "b", "text": "leave me alone lmao"}], language="en")
    assert "pushback" not in signals(laughing, 1) and laughing.labels["bullying"] < 0.5
    alone = engine.score([{"author": "a", "text": "please stop messaging me"}], language="en")
    assert alone.labels["bullying"] == 0


def test_insults_fending_off_sexual_advances_are_not_bullying() -> None:
    engine = Engine()
    insults = [{"author": "b", "text": "ur such a loser"}, {"author": "b", "text": "ur disgusting, shut up"}]
    assert engine.score(insults, language="en").labels["bullying"] >= 0.5
    advances = [{"author": "a", "text": "send me a pic of u in ur bikini 😏"}]
    fended = engine.score([*advances, *insults], language="en")
    assert fended.labels["bullying"] < 0.5 and fended.labels["sexual"] > 0
    assert any(h.signal == "insult" and h.confidence < 1 for m in fended.messages for h in m.hits)
