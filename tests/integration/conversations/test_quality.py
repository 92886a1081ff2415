"""Detection quality on the development conversations: a regression guard, not the reported figures (those come
from the held-out set, benchmarks/data/conversations/heldout.jsonl, which tuning never looks at)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from childsafe.conversations import evaluate
from childsafe.conversations.engine import Engine

DEV = Path(__file__).resolve().parents[2] / "fixtures" / "conversations" / "dev.jsonl"
# A second development set, written on 2026-11-28 by other hands than the lexicons, then tuned on: every other chat
# of a first and a third batch (the rest is the second held-out set) and a second batch; seven languages.
DEV2 = DEV.with_name("dev-2.jsonl")
# Floors a little under what the engine reaches on the development set, so a regression fails the build.
FLOORS = {"grooming": 0.85, "sexual": 0.8, "bullying": 0.8, "self_harm": 0.85, "personal_info": 0.85}


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict, dict[str, float]]]:
    engine = Engine()
    items = list(evaluate.read_jsonl(DEV.read_text("utf-8").splitlines(), labelled=True))
    return [(item, engine.score(item["messages"], language=item["language"]).labels) for item in items]


def test_every_label_stays_above_its_floor(scored) -> None:  # noqa: ANN001
    figures = {m.label: m for m in evaluate.metrics((item["labels"], labels) for item, labels in scored)}
    low = {label: round(figures[label].f, 3) for label, floor in FLOORS.items() if figures[label].f < floor}
    assert not low, f"F below the floor: {low}"


def test_hard_negatives_are_left_alone(scored) -> None:  # noqa: ANN001
    negatives = [(item["id"], labels) for item, labels in scored if not any(item["labels"].values())]
    assert len(negatives) >= 40
    flagged = [(i, {k: v for k, v in labels.items() if v >= 0.5}) for i, labels in negatives if max(labels.values()) >= 0.5]
    assert len(flagged) <= 2, f"over-blocking on friendly chats: {flagged}"


def test_grooming_is_flagged_before_the_meeting_request(scored) -> None:  # noqa: ANN001
    """Early detection: in grooming chats that end with a meeting proposal, the running score crosses 0.5
    before the first message that proposes to meet."""
    engine = Engine()
    early = late = 0
    for item, _ in scored:
        if not item["labels"]["grooming"]:
            continue
        result = engine.score(item["messages"], language=item["language"])
        meeting = next((h["message"] for h in result.evidence() if h["signal"] == "meeting"), None)
        if meeting is None or meeting < 3:
            continue
        before = engine.score(item["messages"][:meeting], language=item["language"]).labels["grooming"]
        early, late = (early + 1, late) if before >= 0.5 else (early, late + 1)
    assert early + late >= 5 and early >= late, f"flagged before the meeting request in {early} of {early + late}"


def test_messages_are_never_kept_in_the_state(scored) -> None:  # noqa: ANN001
    engine = Engine()
    item = next(item for item, _ in scored if item["labels"]["grooming"])
    state = json.dumps(engine.score(item["messages"], language=item["language"]).state)
    assert all(m["text"] not in state for m in item["messages"] if len(m["text"]) > 3)


def _floors(path: Path, floors: dict[str, float]) -> list[tuple[dict, dict[str, float]]]:
    engine = Engine()
    items = list(evaluate.read_jsonl(path.read_text("utf-8").splitlines(), labelled=True))
    scored = [(item, engine.score(item["messages"], language=item["language"]).labels) for item in items]
    figures = {m.label: m for m in evaluate.metrics((item["labels"], labels) for item, labels in scored)}
    low = {label: round(figures[label].f, 3) for label, floor in floors.items() if figures[label].f < floor}
    assert not low, f"F below the floor: {low}"
    return scored


def test_the_second_development_set_holds_too() -> None:
    scored = _floors(DEV2, FLOORS)
    negatives = [(item["id"], labels) for item, labels in scored if not any(item["labels"].values())]
    flagged = [i for i, labels in negatives if max(labels.values()) >= 0.5]
    assert len(negatives) >= 30 and len(flagged) <= 2, f"over-blocking on friendly chats: {flagged}"


# A fourth development set (2026-11-28, ninth session; 108 chats, twelve per language in all nine), written by helpers
# who saw nothing of the project and asked for what such engines get wrong: bullying without swear words (mockery of
# clothes, accents and poverty, exclusion, rumours), banter, child players swapping schools and numbers, adults
# posing as teens. Its bullying is far below the other sets' (0.64): the floors guard what works, not a target.
DEV4 = DEV.with_name("dev-4.jsonl")
FLOORS4 = {"grooming": 0.9, "sexual": 0.85, "bullying": 0.6, "self_harm": 0.85, "personal_info": 0.9}


# A fifth, written the same day to the same kind of brief: sexual talk without grooming (peer pressure for nudes,
# shared intimate images, sextortion by a "teen", group-chat harassment), self-harm mostly hinted at, and friendly
# chats that talk of dying (exam hyperbole, a series about suicide, adults sexting). No grooming chat. Its self_harm
# fell 0.80 -> 0.73 when self-harm became one person's signs (aggregate._at_risk): a friend's worried echo of the
# child's words ("'je serai plus un problème pour personne' c'est pas n'importe quoi") reads as the friend's distress.
# (0.75 since concern no longer stands in for a person's own signs.)
DEV5 = DEV.with_name("dev-5.jsonl")
FLOORS5 = {"sexual": 0.6, "bullying": 0.5, "self_harm": 0.7, "personal_info": 0.7}


def test_the_fourth_development_set_holds_its_floors() -> None:
    scored = _floors(DEV4, FLOORS4)
    peers = [labels["grooming"] for item, labels in scored if item["id"].endswith("-09")]  # the child players
    assert len(peers) == 9 and sum(score >= 0.5 for score in peers) <= 1


def test_the_fifth_development_set_holds_its_floors() -> None:
    scored = _floors(DEV5, FLOORS5)
    friendly = [labels for item, labels in scored if not any(item["labels"].values())]
    assert len(friendly) == 36 and sum(max(labels.values()) >= 0.5 for labels in friendly) <= 7


# A sixth, of long chats (45, five per language, 104 to 154 messages): in most, people object for ordinary reasons
# (chores, spoilers, a joke photo, a football argument); one bullying chat per language builds up among other talk.
# The lone-objection reading was designed on it (bullying 0.25 -> 0.73), and self-harm as one person's signs
# (self_harm 0.62 -> 0.80: two friends' single uncertain readings no longer add up); 8 of 27 friendly long chats are
# flagged, which is what the next round should work on.
DEV6 = DEV.with_name("dev-6.jsonl")
FLOORS6 = {"sexual": 0.8, "bullying": 0.65, "self_harm": 0.75}


def test_the_sixth_development_set_holds_its_floors() -> None:
    scored = _floors(DEV6, FLOORS6)
    friendly = [labels for item, labels in scored if not any(item["labels"].values())]
    assert len(friendly) == 27 and sum(max(labels.values()) >= 0.5 for labels in friendly) <= 8
