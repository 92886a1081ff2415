"""The optional semantic layer loads its bundled model offline and finds paraphrases the lexicon may miss."""

from __future__ import annotations

import pytest

pytest.importorskip("wordllama")

from childsafe.conversations import semantic  # noqa: E402
from childsafe.conversations.engine import Engine  # noqa: E402


def test_loads_without_network_and_matches_close_paraphrases() -> None:
    layer = semantic.load()
    hits = dict(layer.hits(["are your parents home right now?"])[0])
    assert "supervision_question" in hits and 0.5 <= hits["supervision_question"] <= 1.0
    assert layer.hits(["what did you have for lunch"])[0] == []


def test_engine_marks_semantic_evidence_as_such() -> None:
    engine = Engine(layers=("semantic",))
    result = engine.score([{"text": "i don't want to be alive anymore", "author": "a"}], language="en")
    assert any(e["source"] == "semantic" and e["signal"] == "suicidal" for e in result.evidence())
