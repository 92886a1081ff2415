"""Messages read with the question before them: a bare user name after "what's your snap?" is a handle shared."""

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
