"""The fixed vocabulary of signals: what each one is evidence of, and how strongly (weights are the probability
that one occurrence alone means the label; they combine by noisy-OR, so they read as plain odds)."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = ("grooming", "sexual", "bullying", "self_harm", "personal_info")


@dataclass(frozen=True)
class Signal:
    name: str
    weights: dict[str, float]  # label -> weight
    stage: str | None = None  # the grooming stage it shows, if any
    child_context: float = 0.0  # how far it shows that the other person is (or is checked for being) a child


def _s(name: str, stage: str | None = None, child_context: float = 0.0, **weights: float) -> Signal:
    return Signal(name, weights, stage, child_context)


# Grooming stages after O'Connell (2003) and Olson et al. (2007): rapport, risk assessment, exclusivity and
# secrecy, desensitisation, requests, approach. Sexual and meeting signals also occur between adults, so on
# their own they say little about grooming; the child-context signals are what make them grooming: asking age or
# checking for supervision fully, secrecy and isolation (exclusivity aimed at a young person) largely, gifts partly.
SIGNALS: dict[str, Signal] = {s.name: s for s in (
    _s("flattery", "rapport", grooming=0.15),
    _s("age_question", "risk_assessment", 1.0, grooming=0.3),
    _s("location_question", "risk_assessment", grooming=0.2, personal_info=0.3),
    _s("supervision_question", "risk_assessment", 1.0, grooming=0.4),
    _s("secrecy", "exclusivity", 0.7, grooming=0.45),
    _s("isolation", "exclusivity", 0.7, grooming=0.4),
    _s("gifts", "rapport", 0.5, grooming=0.3),
    _s("platform_move", "approach", grooming=0.3),
    _s("sexual_talk", "desensitisation", grooming=0.35, sexual=0.4),
    _s("sexual_explicit", "desensitisation", grooming=0.3, sexual=0.65),
    _s("image_request", "requests", grooming=0.45, sexual=0.35),
    _s("meeting", "approach", grooming=0.35),
    _s("sextortion", "threats", grooming=0.6, sexual=0.75, bullying=0.3),
    _s("minor_disclosure", None, 1.0),
    _s("adult_disclosure", None),
    _s("insult", bullying=0.45),
    _s("threat", bullying=0.45),
    _s("humiliation", bullying=0.45),
    _s("exclusion", bullying=0.5),
    _s("self_harm_incitement", bullying=0.8),
    _s("self_harm", self_harm=0.75),
    _s("suicidal", self_harm=0.8),
    _s("hopelessness", self_harm=0.4),
    # Someone answering as people answer a friend in crisis ("are you safe right now?", "please don't hurt yourself",
    # "call 988"): a child who hints at self-harm ("i did it again. u know. my arm") is often understood only by the
    # reply. It counts once per author and cannot flag a chat alone (a counsellor's check-in is no crisis), but it
    # lifts the writer's own weak signs (a hopelessness hit with it reaches 0.58).
    _s("concern", self_harm=0.3),
    # Talk about a game being played ("ranked", "lobby", "fortnite"): no risk in itself, it tells how to read threats
    # near it (context.py).
    _s("game_talk"),
    # The target of hostility, or a bystander, objecting ("leave me alone", "delete it", "i'm telling the teacher",
    # "what did i do to you"): no risk in itself, and nothing at all unless someone else in the chat has been hostile,
    # or made a sexual advance before it; then it shows the hostility or the advance landed, and counts PUSHBACK for
    # bullying or sexual once per author (aggregate.py). Both are phrased in endless ways a lexicon half-knows, while
    # their targets object in a few.
    _s("pushback"),
    _s("personal_info_request", "risk_assessment", grooming=0.2, personal_info=0.55),
    _s("personal_info_share", personal_info=0.6),
    # Found by detectors rather than lexicons (pii.py) or by the trained classifier (classifier.py).
    _s("phone_number", personal_info=0.8),
    _s("email_address", personal_info=0.6),
    _s("street_address", personal_info=0.7),
    _s("live_location", personal_info=0.8),
    _s("social_handle", personal_info=0.45),
    _s("hostile_language", bullying=0.4),
    # The distress model (classifier.py, trained on messages in the nine languages) reading a message as the writer's
    # own self-harm or suicidal thoughts where no lexicon pattern did: it counts like a hopelessness hit, once per
    # author, so it flags a chat only beside other evidence ("are you safe?", a hopelessness phrase) or with a
    # lexicon hit of its own; phrase lists miss most new ways of saying it.
    _s("distress_language", self_harm=0.4),
    # The sexual model (classifier.py, nine languages) reading sexual talk, solicitation or an image request where no
    # sexual pattern did. Unlike distress it recurs (up to REPEATS): two such messages flag a chat, one does not, and
    # child context does not double it as it does a pattern's sexual hit (aggregate.UNAMPLIFIED).
    _s("sexual_language", sexual=0.35),
)}
LEXICON_SIGNALS = tuple(name for name in SIGNALS if name not in (
    "phone_number", "email_address", "street_address", "live_location", "social_handle", "hostile_language",
    "distress_language", "sexual_language"))
