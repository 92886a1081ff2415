"""Search across the guidance in each language: terms folded the way each script needs (accents, Arabic letter
forms and short vowels, Russian ё, Chinese by character pairs), ranked by tf-idf with the title weighing most."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # short vowels, dagger alif, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_ARTICLE = re.compile(r"^(وال|ال|و)(?=\w{3})")
_LATIN_STOP = {"the", "and", "a", "an", "of", "to", "in", "is", "for", "on", "le", "la", "les", "de", "des", "et",
               "el", "los", "las", "y", "en", "que", "du", "un", "una", "une"}
TITLE_WEIGHT, SUMMARY_WEIGHT = 3, 2


def terms(text: str, lang: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    if lang == "zh":
        found = []
        for run in _HAN.findall(text):
            found.extend(run if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        found.extend(w for w in _WORD.findall(_HAN.sub(" ", text)))
        return found
    if lang == "ar":
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
        words = _WORD.findall(text)
        # The article ال and a leading و ("and") are written joined to the word; stripping twice makes
        # "الإلكتروني" and "إلكتروني" (whose folded alif-lam looks like the article) meet.
        return [_ARTICLE.sub("", _ARTICLE.sub("", w)) for w in words]
    if lang == "ru":
        return [w for w in _WORD.findall(text.replace("ё", "е")) if len(w) > 1]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [w for w in _WORD.findall(stripped) if w not in _LATIN_STOP]


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


class Index:
    """One language's index: term -> {document: weighted count}."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.postings: dict[str, dict[str, float]] = {}
        self.documents = 0

    def add(self, ident: str, title: str, summary: str, body: str) -> None:
        self.documents += 1
        counts: Counter[str] = Counter()
        for weight, text in ((TITLE_WEIGHT, title), (SUMMARY_WEIGHT, summary), (1, body)):
            for term in terms(text, self.lang):
                counts[term] += weight
        for term, count in counts.items():
            self.postings.setdefault(term, {})[ident] = 1 + math.log(count)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        scores: Counter[str] = Counter()
        wanted = set(terms(query, self.lang))
        for term in wanted:
            for ident, weight in self.postings.get(term, {}).items():
                scores[ident] += weight * math.log(1 + self.documents / len(self.postings[term]))
        # Pages that contain every term come first.
        complete = {i for i in scores if all(i in self.postings.get(t, {}) for t in wanted)}
        ranked = sorted(scores.items(), key=lambda item: (item[0] not in complete, -item[1], item[0]))
        return [Hit(ident, score) for ident, score in ranked[:limit]]
