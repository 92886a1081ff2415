"""Lexicons as data: one TOML file per language, compiled into a token trie that finds every pattern in a message
in one pass (see docs/conversations.md for the pattern syntax)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from childsafe.conversations.normalise import Normaliser
from childsafe.conversations.signals import LEXICON_SIGNALS

MAX_ELEMENTS = 8
MAX_OPTIONS = 200
_CLASS = {"#minor": lambda n: 6 <= n <= 17, "#adult": lambda n: 18 <= n <= 99, "#num": lambda n: True}
_ORDINAL = re.compile(r"\(?(#num|#minor|#adult)\)?(?:st|nd|rd|th|eme|ème|er|re|e|º|ª|o|a|te|ten)\b")
# Words too common to anchor a pattern on: a pattern is looked up by its rarest mandatory word.
_COMMON = frozenset("""a an and are as at be but by do for from have he her him his i if in is it its me my no not
of on or our she so than that the their them they this to too up us was we were what when where which who why
will with you your yours u ur je tu il elle on nous vous ils le la les un une des de du et est pas ne que qui t j
c moi toi te me ta ton tes mon ma mes el la los las un una y es no de que en lo te tu yo me mi por con para se
der die das ein eine und ist nicht du ich mich dich mir dir zu mit bist hast like get got want just about can know
need only make tell how come go see take give have do did don dont really one all out now when there here some more
any ever never would could should think say going gonna wanna let lets back still also even well much many very im
ill its thats yeah yes ok okay lol hey hi send sent am been being had has let look good bad time day people
pas plus avec pour dans sur faire fait veux peux sais dis vais suis tout tous bien comme quand aussi alors
quiero puedo tienes tengo hacer eso esta este pero como cuando mas muy bien todo ya solo
mal auch noch schon wenn wie was kann willst hab habe mal ja nein gut mehr nur so""".split())


class LexiconError(ValueError):
    """A lexicon file that cannot be used, with the place and the reason."""


@dataclass(frozen=True)
class Match:
    signal: str
    start: int  # token positions, end exclusive
    end: int


@dataclass(frozen=True)
class Element:
    """One pattern element: token sequences it accepts, prefixes, number classes; or a run of any tokens."""

    words: frozenset[tuple[str, ...]] = frozenset()
    prefixes: tuple[tuple[tuple[str, ...], str], ...] = ()  # (literal tokens before, prefix of the last)
    classes: tuple[str, ...] = ()
    mixed: tuple[tuple[str, ...], ...] = ()  # word sequences with a number class inside ("#num euro")
    optional: bool = False
    any_min: int = 0
    any_max: int = 0  # a wildcard run when > 0

    def ends(self, tokens: list[str], pos: int) -> list[int]:
        """Positions right after this element when it starts at `pos` (several when it can match differently)."""
        n = len(tokens)
        out = [pos] if self.optional else []
        if self.any_max:
            return out + [pos + k for k in range(self.any_min, self.any_max + 1) if pos + k <= n]
        if pos >= n:
            return out
        token = tokens[pos]
        for seq in self.words:
            if seq[0] == token and tuple(tokens[pos:pos + len(seq)]) == seq:
                out.append(pos + len(seq))
        for before, prefix in self.prefixes:
            k = len(before)
            if pos + k < n and tuple(tokens[pos:pos + k]) == before and tokens[pos + k].startswith(prefix):
                out.append(pos + k + 1)
        if self.classes and token.isdigit():
            number = int(token)
            if any(_CLASS[c](number) for c in self.classes):
                out.append(pos + 1)
        for seq in self.mixed:
            if pos + len(seq) <= n and all(
                    tokens[pos + k] == part if part[0] != "#" else
                    (tokens[pos + k].isdigit() and _CLASS[part](int(tokens[pos + k])))
                    for k, part in enumerate(seq)):
                out.append(pos + len(seq))
        return out


def _run(elements: tuple[Element, ...], tokens: list[str], pos: int) -> list[int]:
    positions = [pos]
    for element in elements:
        following: set[int] = set()
        for p in positions:
            following.update(element.ends(tokens, p))
        if not following:
            return []
        positions = sorted(following)
    return positions


@dataclass(frozen=True, eq=False)
class Pattern:
    signal: str
    elements: tuple[Element, ...]
    required: tuple[frozenset[str], ...]  # per mandatory literal element, the key words one of which must occur
    keys: frozenset[str]  # the words it is looked up by (one element's key words), empty if none
    first_words: frozenset[str]  # tokens the first element can start with
    first_prefixes: tuple[str, ...]
    first_number: bool
    whole: bool = False  # "^...$": the pattern must be the entire message ("^kys$", "^crève$")

    def can_start(self, token: str) -> bool:
        return (token in self.first_words or any(token.startswith(p) for p in self.first_prefixes)
                or (self.first_number and token.isdigit()))


class PatternIndex:
    """Finds every (signal, start, end). Each pattern is looked up by the key words of its most selective
    mandatory element (the longest word of each alternative), or by prefix or number when it has none; a
    candidate must then have a key word of every mandatory element in the message (a set test) before it is
    matched element by element from each place its first element can start."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[Pattern]] = {}
        self.by_stem: dict[str, list[tuple[str, Pattern]]] = {}  # first 3 letters of a prefix
        self.by_number: list[Pattern] = []
        self.keys: frozenset[str] = frozenset()
        self.count = 0

    def add(self, pattern: Pattern) -> None:
        self.count += 1
        if pattern.keys:
            for key in pattern.keys:
                self.by_word.setdefault(key, []).append(pattern)
            return
        for word in pattern.first_words:  # no mandatory literal element: look it up by how it starts
            self.by_word.setdefault(word, []).append(pattern)
        for prefix in pattern.first_prefixes:
            self.by_stem.setdefault(prefix[:3], []).append((prefix, pattern))
        if pattern.first_number:
            self.by_number.append(pattern)

    def find(self, tokens: list[str]) -> list[Match]:
        present = set(tokens)
        candidates: set[Pattern] = set()
        by_word, by_stem = self.by_word, self.by_stem
        if len(self.keys) != len(by_word):
            self.keys = frozenset(by_word)
        for token in present & self.keys:  # set & set walks the smaller one: the message's words
            candidates.update(by_word[token])
        if by_stem:
            for token in present:
                stems = by_stem.get(token[:3])
                if stems:
                    candidates.update(p for prefix, p in stems if token.startswith(prefix))
        if self.by_number and any(t.isdigit() for t in present):
            candidates.update(self.by_number)
        found: list[Match] = []
        for pattern in candidates:
            for words in pattern.required:  # every element it cannot do without has a key word in the message
                if words.isdisjoint(present):
                    break
            else:
                self._match(pattern, tokens, present, found)
        return found

    @staticmethod
    def _match(pattern: Pattern, tokens: list[str], present: set[str], found: list[Match]) -> None:
        starts = [i for i, t in enumerate(tokens) if t in pattern.first_words]
        if pattern.first_prefixes or pattern.first_number:
            starts.extend(i for i, t in enumerate(tokens) if t not in pattern.first_words and pattern.can_start(t))
        if pattern.whole:
            starts = [i for i in starts if i == 0]
        for i in starts:
            ends = _run(pattern.elements, tokens, i)
            if pattern.whole:
                ends = [end for end in ends if end == len(tokens)]
            if ends:
                found.append(Match(pattern.signal, i, ends[-1]))


def _split_elements(pattern: str) -> list[str]:
    pattern = _ORDINAL.sub(r"\1", pattern)
    return re.findall(r"\[[^\]]*\]|\([^)]*\)[?+]?|\S+", pattern)


def _element(body: str, normaliser: Normaliser, optional: bool) -> Element:
    words: set[tuple[str, ...]] = set()
    prefixes: list[tuple[tuple[str, ...], str]] = []
    classes: list[str] = []
    mixed: list[tuple[str, ...]] = []
    options = [alt.strip() for alt in body.split("|") if alt.strip()]
    if len(options) > MAX_OPTIONS:
        raise LexiconError(f"an element has {len(options)} alternatives (at most {MAX_OPTIONS})")
    for alt in options:
        if alt in _CLASS:
            classes.append(alt)
        elif alt.endswith("*") and alt != "*":
            stem = normaliser.tokens(alt[:-1])
            if not stem or len(stem[-1]) < 3:
                raise LexiconError(f"the prefix {alt!r} needs at least 3 letters before *")
            prefixes.append((tuple(stem[:-1]), stem[-1]))
        elif any(part in _CLASS for part in alt.split()):
            seq = [t for part in alt.split() for t in ((part,) if part in _CLASS else normaliser.tokens(part))]
            mixed.append(tuple(seq))
        else:
            tokens = normaliser.tokens(alt)
            if tokens:
                words.add(tuple(tokens))
    return Element(frozenset(words), tuple(prefixes), tuple(classes), tuple(mixed), optional)


def _rarity(word: str) -> tuple[bool, int]:
    """The word of a several-word alternative to look it up by: an uncommon one, then the longest."""
    return word not in _COMMON, len(word)


def _selectivity(keys: frozenset[str]) -> float:
    """Higher is a better lookup key: few alternatives, long and uncommon words."""
    common = sum(1 for k in keys if k in _COMMON)
    return min(len(k) for k in keys) + 10.0 * (common == 0) - common - len(keys) / 50


def compile_pattern(pattern: str, signal: str, normaliser: Normaliser) -> Pattern:
    whole = pattern.startswith("^") and pattern.endswith("$")
    if whole:
        pattern = pattern[1:-1].strip()
    elif pattern.startswith("^") or pattern.endswith("$"):
        raise LexiconError(f"{pattern!r}: ^ and $ go together, around a pattern that is the whole message")
    raw = _split_elements(pattern)
    if not raw or len(raw) > MAX_ELEMENTS:
        raise LexiconError(f"{pattern!r} has {len(raw)} elements (1 to {MAX_ELEMENTS})")
    if raw[0] in ("*", "**") or raw[0].startswith("["):
        raise LexiconError(f"{pattern!r} may not start with a wildcard or an optional element")
    elements = []
    for item in raw:
        if item == "*":
            elements.append(Element(any_min=1, any_max=1))
        elif item == "**":
            elements.append(Element(optional=True, any_min=1, any_max=3))
        elif item.startswith("["):
            element = _element(item[1:-1], normaliser, True)
            if element.words or element.prefixes or element.classes or element.mixed:
                elements.append(element)
        elif item.endswith(("?", "+")) and item[:-1].endswith(")"):
            raise LexiconError(f"{pattern!r}: {item!r}: write an optional element as [a|b], not (a|b)?")
        else:
            body = item[1:-1] if item.startswith("(") else item
            empty = item.startswith("(") and "" in [alt.strip() for alt in body.split("|")]
            element = _element(body, normaliser, empty)  # "(de|)" means "de" or nothing: optional
            if not (element.words or element.prefixes or element.classes or element.mixed):
                raise LexiconError(f"{pattern!r}: the element {item!r} matches nothing after normalisation")
            elements.append(element)
    while elements and elements[-1].any_max:  # a trailing wildcard adds nothing but a longer span
        elements.pop()
    required = tuple(frozenset(max(seq, key=_rarity) for seq in e.words) for e in elements
                     if not e.optional and not e.any_max and e.words and not e.prefixes and not e.classes
                     and not e.mixed)
    keys = max(required, key=_selectivity, default=frozenset())
    first = elements[0]
    first_words = {seq[0] for seq in first.words} | {seq[0] for seq in first.mixed if seq[0][0] != "#"}
    return Pattern(signal, tuple(elements), required, keys, frozenset(first_words),
                   tuple(before[0] if before else prefix for before, prefix in first.prefixes),
                   bool(first.classes) or any(seq[0][0] == "#" for seq in first.mixed), whole)


@dataclass
class Lexicon:
    language: str
    source: str
    normaliser: Normaliser
    signals: PatternIndex
    exceptions: PatternIndex
    pattern_counts: dict[str, int]

    def find(self, tokens: list[str]) -> list[Match]:
        matches = self.signals.find(tokens)
        if not matches:
            return matches
        vetoes = self.exceptions.find(tokens)
        if vetoes:
            matches = [m for m in matches if not any(v.signal == m.signal and v.start < m.end and m.start < v.end
                                                     for v in vetoes)]
        return matches


def parse(text: str, where: str = "lexicon") -> Lexicon:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{where}: not valid TOML: {exc}") from None
    language = data.get("language")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
        raise LexiconError(f"{where}: 'language' must be a two- or three-letter code")
    plain = Normaliser()
    abbreviations = {}
    for key, value in (data.get("abbreviations") or {}).items():
        if not isinstance(value, str):
            raise LexiconError(f"{where}: abbreviation {key!r} must map to a string")
        abbreviations[plain.text(key).strip()] = plain.tokens(value)
    sections = {}
    for name in ("signals", "exceptions"):
        section = data.get(name) or {}
        for signal, patterns in section.items():
            if signal not in LEXICON_SIGNALS:
                raise LexiconError(f"{where}: [{name}] {signal!r} is not a lexicon signal; they are {', '.join(LEXICON_SIGNALS)}")
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise LexiconError(f"{where}: [{name}] {signal} must be a list of strings")
        sections[name] = section
    vocabulary = {t for patterns in sections["signals"].values() for p in patterns
                  for t in re.findall(r"[^\W\d_]{2,}", plain.text(re.sub(r"[()\[\]|*#]", " ", p)))}
    normaliser = Normaliser(abbreviations, vocabulary)
    tries = {}
    for name, section in sections.items():
        index = PatternIndex()
        for signal, patterns in section.items():
            for pattern in patterns:
                try:
                    index.add(compile_pattern(pattern, signal, normaliser))
                except LexiconError as exc:
                    raise LexiconError(f"{where}: [{name}] {signal}: {exc}") from None
        tries[name] = index
    counts = {signal: len(patterns) for signal, patterns in sections["signals"].items()}
    return Lexicon(language, str(data.get("source", "")), normaliser, tries["signals"], tries["exceptions"], counts)


def bundled_languages() -> list[str]:
    folder = resources.files("childsafe.conversations").joinpath("data/lexicons")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=16)
def load(language: str, directory: str | None = None) -> Lexicon:
    """A language's lexicon: from `directory` when given (deployments add or override languages), else bundled."""
    if directory and (Path(directory) / f"{language}.toml").is_file():
        path = Path(directory) / f"{language}.toml"
        return parse(path.read_text("utf-8"), str(path))
    resource = resources.files("childsafe.conversations").joinpath(f"data/lexicons/{language}.toml")
    if not resource.is_file():
        raise LexiconError(f"no lexicon for language {language!r}; available: {', '.join(bundled_languages())}")
    return parse(resource.read_text("utf-8"), f"lexicons/{language}.toml")
