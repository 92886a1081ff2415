"""Languages beyond the development set's four: each ships a lexicon and its own labelled conversations
(tests/fixtures/conversations/<language>.jsonl), and must find risk, leave friendly chats alone and be recognised
when the caller does not say which language a chat is in."""

from __future__ import annotations

from pathlib import Path

import pytest

from childsafe.conversations import evaluate, lexicon
from childsafe.conversations.engine import Engine, detect_language

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "conversations"
MORE = sorted(p for p in FIXTURES.glob("*.jsonl") if not p.stem.startswith("dev"))  # dev*: the mixed sets
FLOOR = 0.8  # F per label, a little under what each language reaches on its own set


def items(path: Path) -> list[dict]:
    return list(evaluate.read_jsonl(path.read_text("utf-8").splitlines(), labelled=True))


def test_every_extra_set_has_its_lexicon() -> None:
    assert {"it", "pt", "ru"} <= {p.stem for p in MORE}
    assert {p.stem for p in MORE} <= set(lexicon.bundled_languages())


@pytest.mark.parametrize("path", MORE, ids=lambda p: p.stem)
def test_risk_is_found_and_friends_are_left_alone(path: Path) -> None:
    engine = Engine()
    scored = [(item, engine.score(item["messages"], language=path.stem).labels) for item in items(path)]
    figures = {m.label: m for m in evaluate.metrics((item["labels"], labels) for item, labels in scored)}
    low = {label: round(m.f, 3) for label, m in figures.items() if m.true_pos + m.false_neg and m.f < FLOOR}
    assert not low, f"{path.stem}: F below {FLOOR}: {low}"
    negatives = [(item["id"], labels) for item, labels in scored if not any(item["labels"].values())]
    assert len(negatives) >= 8
    flagged = [i for i, labels in negatives if max(labels.values()) >= 0.5]
    assert len(flagged) <= 1, f"{path.stem}: friendly chats flagged: {flagged}"


@pytest.mark.parametrize("path", MORE, ids=lambda p: p.stem)
def test_the_language_is_recognised(path: Path) -> None:
    engine = Engine()
    chats = items(path)
    wrong = [item["id"] for item in chats
             if detect_language([m["text"] for m in item["messages"]], engine.languages) != path.stem]
    assert len(wrong) <= len(chats) // 10, f"{path.stem}: taken for another language: {wrong}"


@pytest.mark.parametrize(("texts", "language"), [
    (["ya 3ammi enta fein", "msh 3aref wallah, ba2a 7aga ghariba"], "ar"),  # Arabizi: Arabic in Latin letters
    (["wesh khoya, rani f dar", "daba nji 3andek"], "ar"),
    (["انت فين؟", "ههههه مش عارف"], "ar"),
    (["你多大了", "我13岁 上初一"], "zh"),
    (["妳幾歲", "國二"], "zh"),  # traditional characters
    (["s3nd me a pic of you", "no wtf who is this"], "en"),  # leetspeak is not Arabizi
])
def test_scripts_and_arabizi_are_recognised(texts: list[str], language: str) -> None:
    assert detect_language(texts, Engine().languages) == language
