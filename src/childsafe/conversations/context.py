"""Messages read with their neighbours. A lexicon reads one message at a time; a few readings need the messages
around it, and the conversation's derived state keeps just enough for them (who asked, and when; when a game was
last talked about), never the words:
- an answer to a request for contact details: "what's your snap?" then "avamae_x" shares a handle;
- trash talk in a game: "i'm gonna kill u" or "die!" while playing Valorant is not aimed at a person's life, so a
  threat or a call to die within GAME_WINDOW messages of talk about a game (or in the same message) counts
  GAME_THREAT of its weight (it still shows in the evidence, with that confidence), unless its author has asked
  for pictures or talked sex (a sextortionist's threat in a gaming chat is still one);
- a retort: someone answering sexual advances with insults or threats ("fuck off creep", "你有病吗", "滚") is
  fending them off, not bullying, so the hostile hits of an author who has shown no sexual signals, in a chat where
  another author has, count RETORT of their weight (the advances themselves still count in full);
- an objection said laughing ("stop it lol", "leave me alone 😂") is banter, not a target objecting: a pushback
  hit in a message that laughs is dropped;
- a friend's crisis check: "are you safe right now? is anyone home?" asks who is there to help, not whether a child
  is unsupervised, so a supervision question from an author who has just shown concern is read as concern."""

from __future__ import annotations

import re
from typing import Any

from childsafe.conversations import pii
from childsafe.conversations.aggregate import Hit, last_seen

ASKS_CONTACT = frozenset({"personal_info_request", "platform_move"})
CONTACT = frozenset({"social_handle", "phone_number", "email_address", "personal_info_share"})
ANSWER_WITHIN = 3  # messages after the question
GAME_WINDOW = 50  # messages after the game was last talked about
GAME_THREAT = 0.3  # what a threat in game talk still counts for
GAME_THREATS = frozenset({"threat", "self_harm_incitement"})  # "i'll kill you", "die!" ("сдохни", "morre")
SEXUAL = frozenset({"sexual_talk", "sexual_explicit", "image_request", "sextortion"})
CRISIS_WITHIN = 5  # messages after the author's own concern
RETORT = 0.3  # what an insult or threat answering someone else's sexual advances still counts for
HOSTILE = frozenset({"insult", "threat", "humiliation"})
# Laughter as chats write it, in the lexicons' languages: words, emoji and repeated syllables
_LAUGHS = re.compile(r"(?i)(?<!\w)(?:lol+|lmf?ao+|rofl|xd+|(?:ha){2,}h?|(?:he){2,}|(?:ja){2,}|(?:je){2,}|(?:ah){2,}a?|"
                     r"mdr+|ptdr+|k{3,}|rs(?:rs)+|(?:ха){2,}х?|(?:ах){2,}а?|хд|(?:هه)+ه?|(?:ش){3,})(?!\w)|[😂🤣😹😆😅]|哈哈|呵呵|笑死")


def read(state: dict[str, Any], author: str, text: str, hits: list[Hit], *, detectors: bool) -> list[Hit]:
    """The message's hits as read in its conversation (before the message is added to the state)."""
    index = state["messages"]
    signals = {h.signal for h in hits}
    if "game_talk" in signals:
        state["game_at"] = index
    if not GAME_THREATS.isdisjoint(signals) and index - state.get("game_at", -GAME_WINDOW - 1) <= GAME_WINDOW \
            and not _coercing(state, author, signals):
        hits = [h._replace(confidence=round(h.confidence * GAME_THREAT, 3)) if h.signal in GAME_THREATS else h
                for h in hits]
    if not HOSTILE.isdisjoint(signals) and _retort(state, author, signals):
        hits = [h._replace(confidence=round(h.confidence * RETORT, 3)) if h.signal in HOSTILE else h for h in hits]
    if "pushback" in signals and _LAUGHS.search(text):
        hits = [h for h in hits if h.signal != "pushback"]
    if "supervision_question" in signals and _concerned(state, author, index, signals):
        hits = [h._replace(signal="concern", source="context") if h.signal == "supervision_question" else h
                for h in hits]
    if detectors:
        _answers(state, author, text, hits, index)
    return hits


def _coercing(state: dict[str, Any], author: str, signals: set[str]) -> bool:
    """A threat from someone who has asked for pictures or talked sex is coercion, whatever game is being played."""
    own = state["authors"].get(author, {}).get("signals", {})
    return not SEXUAL.isdisjoint(signals) or any(name in own for name in SEXUAL)


def _retort(state: dict[str, Any], author: str, signals: set[str]) -> bool:
    """Whether hostility answers someone else's sexual advances: another author has shown sexual signals and this
    one none."""
    if _coercing(state, author, signals):
        return False
    return any(other != author and not SEXUAL.isdisjoint(entry["signals"]) for other, entry in state["authors"].items())


def _concerned(state: dict[str, Any], author: str, index: int, signals: set[str]) -> bool:
    if "concern" in signals:
        return True
    seen = state["authors"].get(author, {}).get("signals", {}).get("concern")
    return bool(seen) and index - last_seen(seen) <= CRISIS_WITHIN


def awaiting_answer(state: dict[str, Any]) -> bool:
    """Whether the next message falls within ANSWER_WITHIN messages of a request for contact details."""
    asked = state.get("asked")
    return bool(asked) and state["messages"] - asked[1] <= ANSWER_WITHIN


def _answers(state: dict[str, Any], author: str, text: str, hits: list[Hit], index: int) -> None:
    """Within ANSWER_WITHIN messages of another author's request for contact details, a short reply holding a user
    name is a handle shared. The state keeps who asked and when (a pseudonym and an index)."""
    asked = state.get("asked")
    if asked and asked[0] != author and index - asked[1] <= ANSWER_WITHIN \
            and not any(h.signal in CONTACT for h in hits):
        span = pii.answered_handle(text)
        if span:
            hits.append(Hit("social_handle", "context", 1.0, span))
    if any(h.signal in ASKS_CONTACT for h in hits):
        state["asked"] = [author, index]
