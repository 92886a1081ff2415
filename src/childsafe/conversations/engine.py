"""The pipeline, layer by layer: normalise, lexicon, personal-data detectors, trained classifier, optional semantic
layer, then conversation aggregation. Pure: no database, no web; the service and the CLI drive it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from childsafe.conversations import aggregate, classifier, context, lexicon, pii
from childsafe.conversations.aggregate import Hit
from childsafe.conversations.normalise import HAN_CHARACTERS
from childsafe.conversations.signals import LABELS

# Words that aim a message at the reader: a hostile message "at you" is bullying, swearing among friends is not.
SECOND_PERSON = {
    "en": {"you", "your", "yours", "youre", "yourself", "ya", "ye", "thou"},
    "fr": {"tu", "t", "te", "toi", "ton", "ta", "tes", "vous", "votre", "vos"},
    "es": {"tu", "te", "ti", "eres", "estas", "vos", "tus", "usted", "contigo", "sos"},
    "de": {"du", "dich", "dir", "dein", "deine", "deinen", "deiner", "deinem", "bist", "ihr", "euch"},
}
_NONE: frozenset[str] = frozenset()
_SELF_HARM = frozenset({"self_harm", "suicidal", "hopelessness"})  # the lexicon's own reading of the writer's state
# Frequent short words per language, to pick a lexicon when the caller does not say which.
_MARKERS = {
    "en": {"the", "you", "and", "is", "are", "what", "my", "me", "it", "to", "do", "i", "im", "u", "your", "this"},
    "fr": {"je", "tu", "le", "la", "les", "est", "et", "pas", "que", "t", "j", "c", "des", "un", "une", "moi", "ca"},
    "es": {"que", "el", "la", "los", "y", "es", "no", "de", "tu", "yo", "me", "un", "una", "por", "con", "estas",
           "pero", "muy", "eres", "estoy", "tengo", "porque", "hola", "qué", "sí", "ahora", "hoy", "donde", "dónde"},
    "de": {"ich", "du", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "bist", "hast", "mich"},
    "it": {"che", "il", "non", "sono", "sei", "hai", "ciao", "anche", "perché", "perche", "cosa", "io", "gli", "della",
           "questo", "ho", "ma", "sto", "tipo", "allora"},
    "pt": {"você", "voce", "vc", "não", "nao", "eu", "uma", "com", "está", "tá", "meu", "minha", "isso", "tudo",
           "oi", "obrigado", "obrigada", "também", "tambem", "né", "pra", "tô", "tb", "tbm", "mt", "é", "são", "tens",
           "teu", "tua", "já", "aí", "lá", "então", "bué", "fixe", "obg", "vlw", "kkk", "muito", "hoje", "agora", "ao",
           "onde", "sim", "vou", "foi", "tem", "nem", "essa", "esse", "dele", "dela", "ontem", "seu", "sua", "és",
           "galera", "malta"},
    "ru": {"я", "ты", "не", "что", "как", "привет", "это", "ну", "да", "нет", "мне", "тебе", "меня", "тебя", "и", "в",
           "на", "так", "уже", "щас", "че", "чё"},
    # Arabic written in Latin letters (Arabizi): the words no other language here has; Arabic script is counted below
    "ar": {"wallah", "wallahi", "walla", "yalla", "yallah", "inshallah", "enta", "enti", "inta", "inti", "mesh", "msh",
           "mish", "shu", "shou", "kifak", "kifik", "habibi", "habibti", "ya3ni", "yaani", "yani", "khalas", "5alas",
           "3ayez", "3ayza", "ahlan", "ma3ak", "ma3ik", "keda", "kda", "ezayak", "ezayek", "3amel", "wesh", "wach",
           "bghit", "chno", "hadchi", "kayn", "3lik", "3lek", "leh", "ana", "hal2", "halla2", "7abibi", "7abibti",
           "khoya", "sahbi", "rani", "3lach", "kifach", "daba", "bzaf", "bezzaf", "mzyan", "dyal", "mashi", "nta",
           "nti", "walo", "ezay", "ba2a", "awi", "3ashan", "mafish", "delwa2ty", "kteer", "ktir", "hayda", "hek",
           "baddi", "la2", "tayeb", "shlonak", "shlonich", "wayed", "ya5i", "3ala", "m3a", "ma3lish", "inshalah"},
}
# Arabizi's numerals for Arabic sounds inside or at the start of a Latin word ("ba2a", "ma3ak", "7abibi", "3ala");
# chat shorthand seldom puts 2, 3, 5, 7 or 9 there ("2day" starts with its digit, "s3nd" is the rare exception)
_ARABIZI = re.compile(r"(?<!\w)(?:[a-z]+[23579][a-z]+|[3579][a-z]{2,})(?!\w)")
# Letters of a script only one of the languages is written in: each counts as a marker
_SCRIPT = {"zh": re.compile(f"[{HAN_CHARACTERS}]"), "ar": re.compile(r"[\u0620-\u064a]+")}


_WORDS = re.compile(r"\w+")
# Spellings only one of the languages has: Portuguese nasal vowels and nh/lh, Spanish ñ and opening marks
_SPELLING = {"pt": re.compile(r"ão|ões|õe|ãe|\wnh[aeiou]|\wlh[aeiou]"), "es": re.compile(r"ñ|¿|¡")}

LAYERS = ("lexicon", "detectors", "classifier", "semantic")
DEFAULT_LAYERS = ("lexicon", "detectors", "classifier")


def choose_layers(layers: str | None, default: str, semantic: bool) -> tuple[str, ...]:
    """The layers asked for ("lexicon,detectors"), else the default plus semantic when it is switched on."""
    chosen = [layer.strip() for layer in (layers or default).split(",") if layer.strip()]
    if semantic and not layers and "semantic" not in chosen:
        chosen.append("semantic")
    return tuple(chosen)


@dataclass(slots=True)
class MessageResult:
    index: int
    author: str | None
    scores: dict[str, float]
    hits: list[Hit]


@dataclass
class ConversationResult:
    language: str
    risk: float
    labels: dict[str, float]
    messages: list[MessageResult]
    explanations: dict[str, list[dict[str, Any]]]
    state: dict[str, Any] = field(repr=False)

    def evidence(self) -> list[dict[str, Any]]:
        """Every hit, message by message: which message, which signal, from which layer, and the words."""
        return [{"message": m.index, "author": m.author, "signal": h.signal, "source": h.source,
                 "confidence": round(h.confidence, 3), **({"match": h.text} if h.text else {})}
                for m in self.messages for h in m.hits]


def detect_language(texts: Iterable[str], available: Sequence[str]) -> str:
    counts: Counter[str] = Counter()
    for text in texts:
        folded = text.casefold()
        words = set(_WORDS.findall(folded))  # "vc?" and "j'ai" count too
        for language, markers in _MARKERS.items():
            if language in available:
                counts[language] += len(words & markers)
        for language, spelling in _SPELLING.items():
            if language in available:
                counts[language] += len(spelling.findall(folded))
        if "ar" in available and any(map(str.isdigit, folded)):
            counts["ar"] += len(_ARABIZI.findall(folded))
        if not folded.isascii():
            for language, script in _SCRIPT.items():
                if language in available:
                    counts[language] += len(script.findall(folded))
    return counts.most_common(1)[0][0] if counts and counts.most_common(1)[0][1] else (
        "en" if "en" in available else available[0])


class Engine:
    """Scores conversations. One instance per process: lexicons and models load once and are shared."""

    def __init__(self, *, lexicon_dir: str | None = None, model_dir: str | None = None,
                 layers: Iterable[str] = DEFAULT_LAYERS) -> None:
        self.lexicon_dir, self.model_dir = lexicon_dir, model_dir
        self.layers = frozenset(layers)
        if not self.layers <= set(LAYERS):
            raise ValueError(f"layers are {', '.join(LAYERS)}")
        self.languages = sorted(set(lexicon.bundled_languages()) | self._extra_languages())
        self._lexicon_layer, self._detectors_layer = "lexicon" in self.layers, "detectors" in self.layers
        if self._detectors_layer:
            pii.load()
        self.hostility = classifier.bundled("bullying", model_dir) if "classifier" in self.layers else None
        self.distress = classifier.bundled("self_harm", model_dir) if "classifier" in self.layers else None
        self.sexual = classifier.bundled("sexual", model_dir) if "classifier" in self.layers else None
        present: list[classifier.LinearModel] = []
        self._columns: list[int] = []  # each model's column among those present, -1 if absent
        for model in (self.hostility, self.distress, self.sexual):
            self._columns.append(len(present) if model is not None else -1)
            if model is not None:
                present.append(model)
        self._reader = classifier.Reader(present) if present else None
        self.semantic = None
        if "semantic" in self.layers:  # imported only when used: it needs the `semantic` extra
            from childsafe.conversations import semantic as layer  # noqa: PLC0415

            self.semantic = layer.load()
        self._lexicons: dict[str, lexicon.Lexicon] = {}

    def _extra_languages(self) -> set[str]:
        if not self.lexicon_dir or not Path(self.lexicon_dir).is_dir():
            return set()
        return {p.stem for p in Path(self.lexicon_dir).glob("*.toml")}

    def lexicon(self, language: str) -> lexicon.Lexicon:
        found = self._lexicons.get(language)  # asked once per message: a plain dict, not the loader's cache
        if found is None:
            found = self._lexicons[language] = lexicon.load(language, self.lexicon_dir)
        return found

    def message_hits(self, text: str, language: str, semantic: list[tuple[str, float]] | None = None
                     ) -> tuple[list[Hit], float]:
        """The evidence in one message, and its hostility (the classifier's probability, if aimed at someone)."""
        read = [self._evidence(self.lexicon(language), text, language, semantic)]
        return read[0][1], self._read(read, language)[0]

    def _evidence(self, lex: lexicon.Lexicon, text: str, language: str, semantic: list[tuple[str, float]] | None
                  ) -> tuple[list[str], list[Hit], frozenset[str]]:
        """A message's tokens, its lexicon, detector and semantic hits, and the signals whose patterns an exception
        cancelled."""
        tokens = lex.normaliser.tokens(text)
        hits: list[Hit] = []
        vetoed = _NONE
        if self._lexicon_layer:
            matches, vetoed = lex.find_vetoed(tokens)
            if matches:
                hits = [Hit(m.signal, "lexicon", 1.0, (m.start, m.end), " ".join(tokens[m.start:m.end]))
                        for m in (_longest(matches) if len(matches) > 1 else matches)]
        if self._detectors_layer:
            found = pii.spans(text, language, tokens)
            if found:
                hits.extend([Hit(signal, "detector", 1.0, (start, end)) for signal, start, end in found])
        for name, confidence in semantic or ():
            if not any(h.signal == name for h in hits):
                hits.append(Hit(name, "semantic", confidence))
        return tokens, hits, vetoed

    def _read(self, messages: list[tuple[list[str], list[Hit], frozenset[str]]], language: str) -> list[float]:
        """The message models' readings of messages (`_evidence`), added to their hits; returns each message's
        hostility (the hostility model's probability, if the message is aimed at someone). The models read every
        message at once (`classifier.Reader`), and a reading counts only where it may: hostility in a message aimed
        at the reader, distress and sexual in a sentence's worth of words that no pattern of theirs read."""
        out = [0.0] * len(messages)
        if self._reader is None:
            return out
        hostile, distressed, sexual = self._columns
        second = SECOND_PERSON.get(language, _NONE)
        for i, ((tokens, hits, vetoed), logits) in enumerate(
                zip(messages, self._reader.logits([tokens for tokens, _, _ in messages]), strict=True)):
            if logits is None:  # no tokens
                continue
            if hostile >= 0 and not second.isdisjoint(tokens):
                out[i] = hostility = classifier.logistic(logits[hostile])
                if hostility > aggregate.HOSTILE:
                    hits.append(Hit("hostile_language", "classifier", round(hostility, 3)))
            if len(tokens) >= 3:
                read = {h.signal for h in hits} | vetoed  # a pattern an exception cancelled is read, as not risky
                if distressed >= 0 and read.isdisjoint(_SELF_HARM):
                    distress = classifier.logistic(logits[distressed])
                    if distress > aggregate.DISTRESS:
                        hits.append(Hit("distress_language", "classifier", round(distress, 3)))
                if sexual >= 0 and read.isdisjoint(context.SEXUAL):
                    probability = classifier.logistic(logits[sexual])
                    if probability > aggregate.SEXUAL:
                        hits.append(Hit("sexual_language", "classifier", round(probability, 3)))
        return out

    def score(self, messages: Sequence[dict[str, Any]], *, language: str | None = None,
              state: dict[str, Any] | None = None, author_key: Any = None) -> ConversationResult:
        """Score messages ({"text", "author"?}); with `state`, they continue a conversation scored before.
        `author_key` maps an author to the pseudonym kept in the state (the service passes a keyed hash)."""
        texts = [str(m.get("text", "")) for m in messages]
        language = language or detect_language(texts, self.languages)
        if language not in self.languages:
            raise lexicon.LexiconError(f"no lexicon for language {language!r}; available: {', '.join(self.languages)}")
        state = state if state is not None else aggregate.new_state()
        semantic = self.semantic.hits(texts) if self.semantic else [None] * len(texts)
        lex = self.lexicon(language)
        read = [self._evidence(lex, text, language, sem) for text, sem in zip(texts, semantic, strict=True)]
        results = []
        for message, text, (_, hits, _), hostility in zip(messages, texts, read, self._read(read, language),
                                                          strict=True):
            author = message.get("author")
            key = aggregate.NO_AUTHOR if author in (None, "") else (author_key(author) if author_key else str(author))
            if hits or context.awaiting_answer(state):  # a message without hits matters only as an answer
                hits = context.read(state, key, text, hits, detectors=self._detectors_layer)
            if hits:
                index = aggregate.add_message(state, key, [h for h in hits if h.signal != "hostile_language"],
                                              hostility)
                scores = aggregate.message_scores(state, key, hits, 0.0)
            else:  # most messages: nothing to fold in, and nothing to score
                index = aggregate.add_message(state, key, hits, hostility)
                scores = dict.fromkeys(LABELS, 0.0)
            results.append(MessageResult(index, author, scores, hits))
        labels, why = aggregate.scores(state)
        return ConversationResult(language, max(labels.values()), labels, results, why, state)

    def summary(self, result: ConversationResult) -> dict[str, Any]:
        return {"risk": result.risk, "labels": {label: result.labels[label] for label in LABELS},
                "language": result.language, "evidence": result.evidence()}


def _longest(matches: list[lexicon.Match]) -> list[lexicon.Match]:
    """One hit per signal and start: the longest, so "send me pics" is not also counted as "send me"."""
    best: dict[tuple[str, int], lexicon.Match] = {}
    for m in matches:
        key = (m.signal, m.start)
        if key not in best or m.end > best[key].end:
            best[key] = m
    kept = sorted(best.values(), key=lambda m: (m.start, -m.end))
    out: list[lexicon.Match] = []
    for m in kept:  # a shorter match inside a longer one of the same signal adds nothing
        if not any(o.signal == m.signal and o.start <= m.start and m.end <= o.end for o in out):
            out.append(m)
    return out
