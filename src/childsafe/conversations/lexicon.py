"""Lexicons as data: one TOML file per language, compiled into a token trie that finds every pattern in a message
in one pass (see docs/conversations.md for the pattern syntax)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress
from importlib import resources
from pathlib import Path
from typing import Any

from childsafe.conversations.normalise import CYRILLIC_LANGUAGES, Normaliser
from childsafe.conversations.signals import LEXICON_SIGNALS

try:
    from childsafe.conversations import _lexmatch
except ImportError:  # the compiled index is optional (setup.py): the Python one finds the same, more slowly
    _lexmatch = None

MAX_ELEMENTS = 8
MAX_OPTIONS = 200
MAX_PAIRS = 2000  # pairs a pattern may be looked up by (more, and it is looked up by words)
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
    # how to find its ends, fixed when built: most elements are a set of single words, looked up at once
    at: Callable[[list[str], int], list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.optional or self.any_max or self.prefixes or self.classes or self.mixed:
            at = self.ends
        else:
            single = frozenset(seq[0] for seq in self.words if len(seq) == 1)
            multi: dict[str, set[int]] = {}  # first word -> the lengths of the sequences it starts
            for seq in self.words:
                if len(seq) > 1:
                    multi.setdefault(seq[0], set()).add(len(seq))
            at = _words_at(single, {first: tuple(sorted(lengths)) for first, lengths in multi.items()},
                           frozenset(seq for seq in self.words if len(seq) > 1))
        object.__setattr__(self, "at", at)

    def ends(self, tokens: list[str], pos: int) -> list[int]:
        """Positions right after this element when it starts at `pos` (several when it can match differently;
        perhaps repeated)."""
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


def _words_at(single: frozenset[str], multi: dict[str, tuple[int, ...]], sequences: frozenset[tuple[str, ...]]
              ) -> Callable[[list[str], int], list[int]]:
    """`Element.ends` for an element of words only: the token is looked up, not compared with each word, and the
    words that follow it are looked up as one tuple per length its sequences have ("tu t es", "tu tes": 3 and 2)."""
    if not multi:
        def at(tokens: list[str], pos: int) -> list[int]:
            return [pos + 1] if pos < len(tokens) and tokens[pos] in single else []
        return at

    def at_several(tokens: list[str], pos: int) -> list[int]:
        if pos >= len(tokens):
            return []
        token = tokens[pos]
        out = [pos + 1] if token in single else []
        for length in multi.get(token, ()):  # shortest first: a slice cut short by the message's end is the last
            if pos + length > len(tokens):
                break
            if tuple(tokens[pos:pos + length]) in sequences:
                out.append(pos + length)
        return out
    return at_several


def _run(elements: tuple[Element, ...], tokens: list[str], pos: int) -> Collection[int]:
    """Where a pattern can end when it starts at `pos` (empty if it does not match there)."""
    positions: Collection[int] = [pos]
    for element in elements:
        if len(positions) == 1:  # the usual case: one way through so far
            positions = element.at(tokens, next(iter(positions)))
        else:
            following: set[int] = set()
            for p in positions:
                following.update(element.at(tokens, p))
            positions = following
        if not positions:
            return ()
    return positions


@dataclass(frozen=True, eq=False)
class Pattern:
    signal: str
    elements: tuple[Element, ...]
    required: tuple[frozenset[str], ...]  # per mandatory literal element, the key words one of which must occur
    keys: frozenset[str]  # the words it is looked up by (one element's key words), empty if none or by pairs
    first_words: frozenset[str]  # tokens the first element can start with
    first_prefixes: tuple[str, ...]
    first_number: bool
    whole: bool = False  # "^...$": the pattern must be the entire message ("^kys$", "^crève$")
    pairs: frozenset[tuple[str, str]] = frozenset()  # or the adjacent tokens it is looked up by (see `_lookup`)

    def can_start(self, token: str) -> bool:
        return (token in self.first_words or any(token.startswith(p) for p in self.first_prefixes)
                or (self.first_number and token.isdigit()))


class PatternIndex:
    """Finds every (signal, start, end). Each pattern is looked up by something it cannot match without, the
    rarest it has (`_lookup`): the key words of one mandatory element, or the pairs of adjacent tokens that one
    mandatory element starts with or makes with its neighbour; by its first words, prefix or number when it has
    neither. A candidate must then have a key word of every mandatory element in the message (a set test) before it
    is matched element by element from each place its first element can start. Looking words and pairs up is a
    few set operations in C per message, and pairs are selective: most patterns hang on two words side by side
    ("send nudes", "you loser"), not on one common word, so most messages have no candidate left to match."""

    def __init__(self) -> None:
        self.by_key: dict[str | tuple[str, str], list[Pattern]] = {}  # a key word or a pair of adjacent tokens
        self.by_stem: dict[str, list[tuple[str, Pattern]]] = {}  # first 3 letters of a prefix
        self.by_number: list[Pattern] = []
        self.keys: frozenset[str | tuple[str, str]] = frozenset()
        self.before_number: set[str] = set()  # tokens paired with a number after them
        self.after_number: set[str] = set()  # tokens paired with a number before them
        self.signals: set[str] = set()
        self.count = 0
        self._rank = {signal: i for i, signal in enumerate(LEXICON_SIGNALS)}
        self.patterns: list[Pattern] = []
        self._native: Any = None  # the compiled index (`compiled`), made at the first find after the last add
        self._numbers: dict[Pattern, int] = {}  # each pattern's number in it

    def add(self, pattern: Pattern) -> None:
        self.count += 1
        self.patterns.append(pattern)
        self._native = None
        self.signals.add(pattern.signal)
        for pair in pattern.pairs:
            self.by_key.setdefault(pair, []).append(pattern)
            if pair[0] == NUMBER:
                self.after_number.add(pair[1])
            elif pair[1] == NUMBER:
                self.before_number.add(pair[0])
        for key in pattern.keys if not pattern.pairs else ():
            self.by_key.setdefault(key, []).append(pattern)
        if pattern.pairs or pattern.keys:
            return
        for word in pattern.first_words:  # no mandatory literal element: look it up by how it starts
            self.by_key.setdefault(word, []).append(pattern)
        for prefix in pattern.first_prefixes:
            self.by_stem.setdefault(prefix[:3], []).append((prefix, pattern))
        if pattern.first_number:
            self.by_number.append(pattern)

    def find(self, tokens: list[str]) -> list[Match]:
        """Every match, ordered by start, longest first, then by signal (a fixed order, whatever the lookups)."""
        native = self._native if self._native is not None else self.compiled()
        if native:
            found = native.find(tokens, self._by_start(tokens) if self.by_stem or self.by_number else ())
            return [Match(LEXICON_SIGNALS[rank], start, end) for rank, start, end in found] if found else []
        return self.find_in_python(tokens)

    def _by_start(self, tokens: list[str]) -> tuple[int, ...]:
        """For the compiled index, the numbers of the patterns looked up by how they start (a prefix, a number)."""
        out: set[Pattern] = set()
        for token in set(tokens):
            stems = self.by_stem.get(token[:3])
            if stems:
                out.update(p for prefix, p in stems if token.startswith(prefix))
        if self.by_number and any(t.isdigit() for t in tokens):
            out.update(self.by_number)
        return tuple(self._numbers[p] for p in out)

    def compiled(self) -> Any:
        """The index in C (`_lexmatch.c`), or False if the extension was not built."""
        if _lexmatch is None:
            self._native = False
            return False
        vocab: dict[str, int] = {}

        def ids(words: Iterable[str]) -> tuple[int, ...]:
            return tuple(vocab.setdefault(word, len(vocab)) for word in words)

        def part(token: str) -> int:
            return _PARTS[token] if token in _PARTS else ids([token])[0]

        def element(e: Element) -> tuple[Any, ...]:
            return (int(e.optional), e.any_min, e.any_max, ids(seq[0] for seq in e.words if len(seq) == 1),
                    tuple(ids(seq) for seq in e.words if len(seq) > 1),
                    tuple((ids(before), prefix) for before, prefix in e.prefixes),
                    sum(_CLASS_BITS[c] for c in set(e.classes)), tuple(tuple(map(part, seq)) for seq in e.mixed))

        number = self._numbers = {p: i for i, p in enumerate(self.patterns)}
        patterns = tuple((self._rank[p.signal], int(p.whole), ids(p.first_words), p.first_prefixes,
                          int(p.first_number), tuple(ids(words) for words in p.required),
                          tuple(element(e) for e in p.elements)) for p in self.patterns)
        words, pairs = [], []
        for key, listed in self.by_key.items():
            at = tuple(number[p] for p in listed)
            if isinstance(key, tuple):
                pairs.append(((-1 if key[0] == NUMBER else ids([key[0]])[0],
                               -1 if key[1] == NUMBER else ids([key[1]])[0]), at))
            else:
                words.append((ids([key])[0], at))
        number_id = len(vocab)  # a number's place in a pair: an id no word has
        pairs = [((number_id if a < 0 else a, number_id if b < 0 else b), at) for (a, b), at in pairs]
        self._native = _lexmatch.Index(vocab, number_id, patterns, tuple(words), tuple(pairs))
        return self._native

    def find_in_python(self, tokens: list[str]) -> list[Match]:
        """`find` without the compiled index: what it does, step by step (and what tests compare it with)."""
        by_key, by_stem = self.by_key, self.by_stem
        if len(self.keys) != len(by_key):
            self.keys = frozenset(by_key)
        candidates: set[Pattern] = set()
        for key in self.keys.intersection(chain(tokens, zip(tokens, tokens[1:]))):  # in C: words and pairs
            candidates.update(by_key[key])
        if (self.before_number or self.after_number) and not "".join(tokens).replace(":", "").isalpha():
            self._number_candidates(tokens, candidates)  # tokens are letters, numbers or ":emoji:"
        if not (candidates or by_stem or self.by_number):
            return []
        present = set(tokens)
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
                self._match(pattern, tokens, found)
        if len(found) > 1:
            rank = self._rank
            found.sort(key=lambda m: (m.start, -m.end, rank[m.signal]))
        return found

    def _number_candidates(self, tokens: list[str], candidates: set[Pattern]) -> None:
        """The patterns looked up by a token and a number beside it, looked for around those tokens only."""
        by_key = self.by_key
        if not self.before_number.isdisjoint(tokens):
            for i in compress(range(len(tokens) - 1), map(self.before_number.__contains__, tokens)):
                if tokens[i + 1].isdigit():
                    candidates.update(by_key[tokens[i], NUMBER])
        if not self.after_number.isdisjoint(tokens):
            for i in compress(range(1, len(tokens)), map(self.after_number.__contains__, tokens[1:])):
                if tokens[i - 1].isdigit():
                    candidates.update(by_key[NUMBER, tokens[i]])

    @staticmethod
    def _match(pattern: Pattern, tokens: list[str], found: list[Match]) -> None:
        if pattern.whole:
            if tokens and pattern.can_start(tokens[0]):
                if len(tokens) in _run(pattern.elements, tokens, 0):
                    found.append(Match(pattern.signal, 0, len(tokens)))
            return
        first = pattern.first_words
        if pattern.first_prefixes:
            starts = [i for i, t in enumerate(tokens) if pattern.can_start(t)]
        elif pattern.first_number:
            starts = [i for i, t in enumerate(tokens) if t in first or t.isdigit()]
        else:
            starts = [i for i, t in enumerate(tokens) if t in first]
        for i in starts:
            ends = _run(pattern.elements, tokens, i)
            if ends:
                found.append(Match(pattern.signal, i, max(ends)))


# The signals whose words people write with stars ("n*des", "wh*re", "k*ll"): a censored word is read as the one
# word of these signals' patterns it can be.
CENSORED = ("sexual_talk", "sexual_explicit", "image_request", "sextortion", "insult", "threat", "humiliation",
            "self_harm_incitement", "self_harm", "suicidal")
NUMBER = "#"  # stands for any number in a pair of tokens (no token holds a "#")
_CLASS_BITS = {"#minor": 1, "#adult": 2, "#num": 4}  # number classes as the compiled index writes them
_PARTS = {"#minor": -1, "#adult": -2, "#num": -3}  # and a class inside a word sequence


def _ends(elements: Iterable[Element], last: bool) -> set[str] | None:
    """The tokens a match of these elements can begin with (or, with `last`, end with; NUMBER for a number), or
    None if there is no telling: a wildcard or a prefix, or the pattern may begin or end here."""
    out: set[str] = set()
    for element in elements:
        if element.any_max or element.prefixes:
            return None
        out.update(NUMBER if seq[-1 if last else 0][0] == "#" else seq[-1 if last else 0] for seq in _seqs(element))
        if not element.optional:
            return out
    return None


def _seqs(element: Element) -> list[tuple[str, ...]]:
    """What an element can match, as token sequences; a number class is a token of its own ("#num")."""
    return [*element.words, *element.mixed, *((c,) for c in element.classes)]


def _pair_options(elements: tuple[Element, ...]) -> list[frozenset[tuple[str, str]]]:
    """For each mandatory element, the sets of adjacent tokens one of which a match must hold: the element's
    first two tokens, its first with the token before, or its last with the token after (NUMBER for a number,
    but not two numbers)."""
    options = []
    for i, element in enumerate(elements):
        if element.optional or element.any_max or element.prefixes:
            continue
        seqs = [tuple(NUMBER if t[0] == "#" else t for t in seq) for seq in _seqs(element)]
        if all(len(seq) > 1 for seq in seqs):
            options.append(frozenset((seq[0], seq[1]) for seq in seqs))
        before = _ends(reversed(elements[:i]), last=True)
        if before is not None:
            options.append(frozenset((token, seq[0]) for token in before for seq in seqs))
        after = _ends(elements[i + 1:], last=False)
        if after is not None:
            options.append(frozenset((seq[-1], token) for seq in seqs for token in after))
    return [option for option in options if len(option) <= MAX_PAIRS and (NUMBER, NUMBER) not in option]


def _frequency(key: str | tuple[str, str]) -> float:
    """A rough guess of the share of messages with a key word or pair, to pick the rarest lookup: common words
    are everywhere, lexicon words are rare, and a pair is rarer than its words."""
    if isinstance(key, tuple):
        return _frequency(key[0]) * _frequency(key[1]) * 0.1
    if key in _COMMON:
        return 1.0
    if key == NUMBER:
        return 0.2
    return 0.3 if len(key) <= 2 else 0.01


def _lookup(elements: tuple[Element, ...], required: tuple[frozenset[str], ...]
            ) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The key words or the pairs a pattern is looked up by, whichever a message is least likely to have (any
    match holds one of them); neither if it has no mandatory literal element and no pair to tell."""
    options: list[frozenset[Any]] = [*required, *_pair_options(elements)]
    if not options:
        return frozenset(), frozenset()
    best = min(options, key=lambda option: sum(map(_frequency, option)))
    return (best, frozenset()) if best in required else (frozenset(), best)


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


def compile_pattern(pattern: str, signal: str, normaliser: Normaliser) -> Pattern:
    whole = pattern.startswith("^") and pattern.endswith("$")
    if whole:
        pattern = pattern[1:-1].strip()
    elif pattern.startswith("^") or pattern.endswith("$"):
        raise LexiconError(f"{pattern!r}: ^ and $ go together, around a pattern that is the whole message")
    raw = _split_elements(pattern)
    if not raw or len(raw) > MAX_ELEMENTS:
        raise LexiconError(f"{pattern!r} has {len(raw)} elements (1 to {MAX_ELEMENTS})")
    nested = next((item for item in raw if item[0] in "([" and any(c in item.rstrip("?+")[1:-1] for c in "()[]")),
                  None)
    if nested:
        raise LexiconError(f"{pattern!r}: groups do not nest ({nested!r}); list the alternatives flat, "
                           "e.g. (deserve to live|deserve to exist)")
    if raw[0] in ("*", "**") or raw[0].startswith("["):
        raise LexiconError(f"{pattern!r} may not start with a wildcard or an optional element")
    elements = []
    for item in raw:
        if item == "*":
            elements.append(Element(any_min=1, any_max=1))
        elif item == "**":
            elements.append(Element(optional=True, any_min=1, any_max=3))
        elif item == "[*]":
            elements.append(Element(optional=True, any_min=1, any_max=1))
        elif item.startswith("["):
            element = _element(item[1:-1], normaliser, True)
            if not (element.words or element.prefixes or element.classes or element.mixed):
                raise LexiconError(f"{pattern!r}: the optional element {item!r} matches nothing after normalisation")
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
    while not whole and elements and elements[-1].any_max:  # a trailing wildcard adds nothing but a longer span
        elements.pop()
    required = tuple(frozenset(max(seq, key=_rarity) for seq in e.words) for e in elements
                     if not e.optional and not e.any_max and e.words and not e.prefixes and not e.classes
                     and not e.mixed)
    keys, pairs = _lookup(tuple(elements), required)
    first = elements[0]
    first_words = {seq[0] for seq in first.words} | {seq[0] for seq in first.mixed if seq[0][0] != "#"}
    return Pattern(signal, tuple(elements), required, keys, frozenset(first_words),
                   tuple(before[0] if before else prefix for before, prefix in first.prefixes),
                   bool(first.classes) or any(seq[0][0] == "#" for seq in first.mixed), whole, pairs)


@dataclass
class Lexicon:
    language: str
    source: str
    normaliser: Normaliser
    signals: PatternIndex
    exceptions: PatternIndex
    pattern_counts: dict[str, int]

    def find(self, tokens: list[str]) -> list[Match]:
        return self.find_vetoed(tokens)[0]

    def find_vetoed(self, tokens: list[str]) -> tuple[list[Match], frozenset[str]]:
        """The matches, and the signals whose matches an exception cancelled ("dying of embarrassment" is not
        self-harm: nothing else, a model included, should read that message as it)."""
        matches = self.signals.find(tokens)
        if not matches or self.exceptions.signals.isdisjoint([m.signal for m in matches]):  # nothing to cancel
            return matches, _NONE
        vetoes = self.exceptions.find(tokens)
        if not vetoes:
            return matches, _NONE
        kept = [m for m in matches if not any(v.signal == m.signal and v.start < m.end and m.start < v.end
                                              for v in vetoes)]
        return kept, frozenset(m.signal for m in matches) - {m.signal for m in kept}


_NONE: frozenset[str] = frozenset()


def _words(plain: Normaliser, patterns: Iterable[str]) -> set[str]:
    """The words (two letters or more, normalised) that patterns are written with, without their syntax."""
    return {t for p in patterns for t in re.findall(r"[^\W\d_]{2,}", plain.text(re.sub(r"[()\[\]|*#]", " ", p)))}


def parse(text: str, where: str = "lexicon") -> Lexicon:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{where}: not valid TOML: {exc}") from None
    language = data.get("language")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
        raise LexiconError(f"{where}: 'language' must be a two- or three-letter code")
    cyrillic = language in CYRILLIC_LANGUAGES
    plain = Normaliser(cyrillic=cyrillic)
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
    signals = sections["signals"]
    vocabulary = _words(plain, (p for patterns in signals.values() for p in patterns))
    censored = _words(plain, (p for signal in CENSORED for p in signals.get(signal, ())))
    normaliser = Normaliser(abbreviations, vocabulary, cyrillic=cyrillic, censored=censored)
    tries = {}
    for name, section in sections.items():
        index = PatternIndex()
        for signal, patterns in section.items():
            for pattern in patterns:
                try:
                    index.add(compile_pattern(pattern, signal, normaliser))
                except LexiconError as exc:
                    raise LexiconError(f"{where}: [{name}] {signal}: {exc}") from None
        index.compiled()  # now, not at the first message
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
