"""Detectors for personal data in a message: phone numbers, email addresses, street addresses, live locations and
social handles. They read the raw text (digits matter) and report only the kind and where, never the value."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import phonenumbers

from childsafe.helplines.dataset import bundled_phone_numbers

# Regions tried for numbers written without a country code, by message language; "+..." numbers need none.
REGIONS = {"en": ("US", "GB"), "fr": ("FR",), "es": ("ES", "MX"), "de": ("DE",), "it": ("IT", "CH"), "pt": ("BR", "PT"),
           "ru": ("RU",), "zh": ("CN", "TW", "HK"),
           # the most populous Arabic-speaking countries and the Gulf, where most Arabic-speaking children online are
           "ar": ("EG", "SA", "IQ", "MA", "DZ", "AE", "JO", "KW")}
_MANY_DIGITS = re.compile(r"(?:\d[\s\-.()/]{0,2}){7,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w.+-]{2,}\s*[\[(]\s*(?:at|arobase|arroba)\s*[\])]\s*[\w-]+\s*"
                    r"(?:\.|[\[(]\s*(?:dot|point|punto)\s*[\])])\s*[a-z]{2,}", re.IGNORECASE)
_PLATFORMS = (r"snap(?:chat)?|sc|insta(?:gram)?|ig|tik\s?tok|tt|discord|telegram|tg|kik|whats\s?app|wa|"
              r"twitter|x|facebook|fb|roblox|fortnite|psn|xbox|steam|threads|bereal|wechat|line|signal|"
              r"тг|телега|телеграм|инст|инста|инстаграм|вк|вконтакте|дс|дискорд|тикток|снап|снэп|ватсап|вотсап")
_HANDLE = re.compile(
    rf"(?:\b(?:{_PLATFORMS})\b\s*(?:name|id|user(?:name)?|pseudo|usuario|usuário|nombre|nome|utente)?\s*"
    r"(?:(?::|=|->|is|es|est|ist|c'?est|c est|lautet)\s*@?[\w.]{3,30}"
    r"|(?:è|é)\s+@?(?=[\w.]{0,29}[\d_.])[\w.]{3,30}))"  # "il mio snap è giuli.08", not "su telegram è più sicuro"
    r"|\b[a-z0-9_.]{2,32}#\d{4}\b", re.IGNORECASE)
_STREET_WORDS = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|close|court|ct|boulevard|blvd|crescent|"
                 r"terrace|place|pl")
_STREET = re.compile(
    rf"\b\d{{1,5}}[a-z]?,?\s+(?:[a-z'’-]+\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"  # 12 Baker Street
    r"|\b\d{1,5}(?:\s*(?:bis|ter))?,?\s+(?:rue|avenue|av|boulevard|bd|chemin|allée|allee|impasse|place|quai|"
    r"route|cours)\b\s+\w+"  # 12 rue de la Paix
    r"|\b(?:calle|c/|avenida|avda|av|plaza|paseo|carrera|calzada|colonia|col|camino)\.?\s+(?:[\w'’-]+\s+){1,4}"
    r"(?:n[º°o]\.?\s*)?\d{1,5}\b"  # calle Mayor 5
    r"|\b[\wäöüß-]*(?:stra(?:ss|ß)e|str\.|weg|platz|allee|gasse|ring|damm)\s+\d{1,4}[a-z]?\b",  # Hauptstraße 5
    re.IGNORECASE)
# Streets named before their number in Italian, Portuguese and Russian ("via Roma 12", "Rua das Flores, 123",
# "ул. Ленина, д. 5"); kept apart because "via", "largo" and "rua" mean other things in other languages' chats.
_STREET_BY_LANGUAGE = {
    "it": re.compile(r"\b(?:via|viale|piazza|piazzale|corso|vicolo|largo|strada|v\.le|p\.za|p\.zza)\.?\s+"
                     r"(?:[\w'’-]+,?\s+){1,4}(?:n\.?\s*)?\d{1,4}[a-z]?\b"
                     r"(?!\s*(?:ore|ora|h|min|minuti|giorni|volte|anni|km|metri|euro|persone)\b)", re.IGNORECASE),
    "pt": re.compile(r"\b(?:rua|r\.|avenida|av|travessa|tv|pra[çc]a|alameda|al|estrada|rodovia|largo|beco)\.?\s+"
                     r"(?:[\w'’-]+,?\s+){1,5}(?:n[º°o]?\.?\s*)?\d{1,5}\b"
                     r"(?!\s*(?:horas?|h|hrs?|min|minutos?|dias?|vezes|anos?|km|metros|reais|pessoas)\b)",
                     re.IGNORECASE),
    "ru": re.compile(r"(?<!\w)(?:ул|улица|просп|проспект|переулок|бульвар|б-р|шоссе|пл|площадь|наб|"
                     r"набережная)\.?\s+(?:[\w'’-]+,?\s+){1,4}(?:д\.?\s*|дом\s+)?\d{1,4}"
                     r"(?!\s*(?:час|часа|часов|мин|минут|дн|дней|раз|лет|год|км|метров|руб)\w*)", re.IGNORECASE),
    # Chinese and Arabic streets ("人民路18号", "阳光小区3栋2单元", "شارع الملك فهد رقم 12", "عمارة ٥"): the number
    # is what makes them an address. Chinese has no spaces, so these need no word boundaries.
    "zh": re.compile(r"[\u4e00-\u9fff]{1,8}(?:路|街|大道|大街|巷|弄|胡同)\s*\d{1,5}\s*[号號]"
                     r"|[\u4e00-\u9fff]{1,10}(?:小区|花园|公寓|大厦|苑|村)\s*\d{1,3}\s*(?:栋|号楼|幢|座|期)"
                     r"|\d{1,3}\s*(?:栋|号楼|幢|座)\s*\d{1,2}\s*单元|\d{1,2}\s*单元\s*\d{3,4}(?:室|号)?"),
    "ar": re.compile(r"(?<!\w)(?:شارع|ش\.|عماره|عمارة|بنايه|بناية|بلوك|فيلا|شقه|شقة|طريق|زنقه|زنقة|درب)\s+(?:\S+\s+){0,4}"
                     r"(?:رقم\s*)?\d{1,5}(?!\s*(?:ساعه|ساعة|ساعات|دقيقه|دقيقة|دقايق|دقائق|يوم|ايام|أيام|مره|مرة|سنه|"
                     r"سنة|كيلو|ريال|جنيه|درهم)(?!\w))"),
}
_LOCATION = re.compile(
    r"(?:maps\.google\.|google\.[a-z.]+/maps|goo\.gl/maps|maps\.app\.goo\.gl|maps\.apple\.com|waze\.com/|"
    r"what3words\.com/|(?<![/\w])///[a-z]+\.[a-z]+\.[a-z]+|share\.life360)"
    r"|-?\b\d{1,2}\.\d{4,}\s*[,;]\s*-?\d{1,3}\.\d{4,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    signal: str
    start: int  # character offsets in the raw text
    end: int


def _phones(text: str, language: str) -> list[tuple[str, int, int]]:
    if not _MANY_DIGITS.search(text):
        return []
    seen: list[tuple[str, int, int]] = []
    # Without a default region only "+" numbers parse (phonenumbers' _check_region_for_parsing): no plus sign, no need
    for region in ((None, *REGIONS.get(language, ("US",))) if "+" in text or "\uff0b" in text
                   else REGIONS.get(language, ("US",))):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if not any(start <= match.start < end for _, start, end in seen):  # a helpline's number is help
                kind = "helpline" if _is_helpline(match.number) else "phone_number"  # passed on, not personal data
                seen.append((kind, match.start, match.end))
    return [found for found in seen if found[0] == "phone_number"]


def load() -> None:
    """Read the data the detectors use (the helplines' numbers, a quarter of a second) now, not on the first number."""
    bundled_phone_numbers()
    crisis_lines()


@lru_cache(maxsize=1)
def crisis_lines() -> frozenset[str]:
    """The crisis lines' numbers (E.164) in data/crisis_lines.toml."""
    text = resources.files("childsafe.conversations").joinpath("data/crisis_lines.toml").read_text("utf-8")
    return frozenset(number for line in tomllib.loads(text)["line"] for number in line["numbers"])


def _is_helpline(number: phonenumbers.PhoneNumber) -> bool:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164 in bundled_phone_numbers() or e164 in crisis_lines()


_HINT_WORDS = (f"{_STREET_WORDS}|rue|av|bd|chemin|allée|allee|impasse|quai|route|cours|calle|c/|avenida|avda|plaza|"
               "paseo|carrera|calzada|colonia|col|camino")
_HINT_ENDINGS = ("weg", "platz", "allee", "gasse", "ring", "damm")
_STREET_HINT = re.compile(rf"\b(?:{_HINT_WORDS})\b|stra(?:ss|ß)e|str\.|(?:{'|'.join(_HINT_ENDINGS)})\b")
_DIGIT = re.compile(r"\d")
_EMAIL_HINT = re.compile(r"@[\w-]+\.\w")
_AT_WORD = re.compile(r"[\[(]\s*(?:at|arobase|arroba)\s*[\])]")
# "@" first, then the look-behind: the same matches as (?<![\w@])@..., but the regex engine can jump from "@" to "@"
_MENTION = re.compile(r"@(?<![\w@]@)[a-z0-9_.]{3,30}\b(?!\.\w{2,})", re.IGNORECASE)
# Chinese and Arabic handles: the platform's name, then the user name or QQ number in Latin letters and digits
# ("微信号abc_123", "qq：123456789", "سنابي sara.2010"); a user name without a digit, dot or underscore is taken only
# after a colon or "是"/"هو". Chinese words touch, so no word boundaries before the platform's name.
_HANDLE_BY_LANGUAGE = {
    "zh": re.compile(r"(?:微信|微訊|wechat|vx|wx|weixin|qq|扣扣|抖音|快手|小红书|小紅書|微博|b站|ins|ig|whatsapp|line|tg|telegram|"
                     r"discord|dc)\s*(?:号|號|id|账号|帳號|名)?\s*(?:(?:是|为|:|：|=)\s*@?[a-z0-9_.\-]{3,30}|"
                     r"@?(?=[a-z0-9_.\-]{0,29}[\d_.])[a-z0-9_.\-]{5,30})", re.IGNORECASE),
    "ar": re.compile(r"(?<!\w)(?:سناب|سنابي|سنابك|سناب شات|انستا|انستي|انستك|انستقرام|انستغرام|انستجرام|تيك توك|تيكتوك|"
                     r"تلي|تيلي|تلقرام|تليجرام|تلجرام|ديسكورد|ديس|واتس|واتساب|فيس|فيسبوك|يوزر|يوزري|يوزرك|حسابي)\s*"
                     r"(?:(?:هو|:|=)\s*@?[a-z0-9_.]{3,30}|@?(?=[a-z0-9_.]{0,29}[\d_.])[a-z][a-z0-9_.]{2,29})",
                     re.IGNORECASE),
}
_PLATFORM_NAMES = frozenset({"snap", "snapchat", "sc", "insta", "instagram", "ig", "tiktok", "tt", "discord", "telegram",
                             "tg", "kik", "whatsapp", "wa", "twitter", "x", "facebook", "fb", "roblox", "fortnite", "psn",
                             "xbox", "steam", "threads", "bereal", "wechat", "line", "signal",
                             "тг", "телега", "телеграм", "инст", "инста", "инстаграм", "вк", "вконтакте", "дс",
                             "дискорд", "тикток", "снап", "снэп", "ватсап", "вотсап"})
_MAP_WORDS = ("maps", "goo.gl", "waze", "what3words", "///", "life360")


# Plain ASCII text (most chat) is gated exactly and cheaply, in C: its bytes mapped to a few classes, its words
# (runs of \w) by mapping every other byte to a space.
_ASCII_CLASSES = bytes(48 if 48 <= b <= 57 else b if b in b".#" else 32 for b in range(256))  # digits -> "0"
_ASCII_WORDS = bytes(b if chr(b).isascii() and (chr(b).isalnum() or b == 95) else 32 for b in range(256))
# For ASCII text, _STREET_HINT in pieces: one of its words alone (a whole run of \w), "c/" so placed, "strasse" or
# "str.", or a run of \w ending in one of its endings
_STREET_RUNS = frozenset(w.encode() for w in _HINT_WORDS.split("|") if w.isascii() and w.isalnum())
_SLASHED_C = re.compile(r"\bc/\b")
_STREET_ENDINGS = tuple(f"{ending} ".encode() for ending in _HINT_ENDINGS)
# ... and the words _HANDLE's platform part needs one of ("tik tok" and "whats app" may be two words)
_PLATFORM_RUNS = frozenset(name.encode() for name in (*_PLATFORM_NAMES, "tik", "whats"))


# Characters beyond ASCII that the detectors may read: word characters (letters of any script, other digits),
# other spaces, and the few non-ASCII punctuation marks their patterns name. Text whose other characters are all
# inert (emoji, symbols, most punctuation) is gated as if those were ASCII punctuation.
_READ_BEYOND_ASCII = re.compile(r"[^\x00-\x7f\W]|[’°" + "".join(
    chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()) + "]")


class _Ascii:
    """Exact gates for ASCII text, where \\d, \\w and case folding are plain ASCII, or text whose other
    characters no detector reads: which detectors could match, told by byte classes, substrings and the set of
    words, instead of a regex scan each."""

    def __init__(self, text: str, low: str) -> None:
        self.low = low
        self.classes = text.encode("ascii", "replace").translate(_ASCII_CLASSES)
        self._runs: list[bytes] | None = None

    @property
    def runs(self) -> list[bytes]:
        if self._runs is None:
            self._runs = self.low.encode("ascii", "replace").translate(_ASCII_WORDS).split()
        return self._runs

    def street(self) -> bool:
        """Whether _STREET_HINT matches: a street word alone, "strasse" or "str.", a word ending in "weg"..."""
        low = self.low
        return (not _STREET_RUNS.isdisjoint(self.runs) or "strasse" in low or "str." in low
                or any(map((b" ".join(self.runs) + b" ").__contains__, _STREET_ENDINGS))
                or ("c/" in low and _SLASHED_C.search(low) is not None))

    def handle(self) -> bool:
        """Whether _HANDLE could match: a platform's name, or "#" and four digits."""
        return b"#0000" in self.classes or not _PLATFORM_RUNS.isdisjoint(self.runs)


def detect(text: str, language: str = "en", tokens: Iterable[str] | None = None) -> list[Found]:
    """Each detector runs only when a cheap test says it could match: most messages have no digit, no @ and no
    platform name, and need none. `tokens` (the normalised words, if the caller has them) spare a scan. On ASCII
    text (or text whose other characters are emoji and such) the tests are sharper still (`_Ascii`), and exact:
    they skip a detector only when it cannot match."""
    return [Found(*span) for span in spans(text, language, tokens)]


def spans(text: str, language: str = "en", tokens: Iterable[str] | None = None) -> list[tuple[str, int, int]]:
    """What `detect` finds, as (signal, start, end): the engine's way, without an object for each."""
    low = text.lower()
    plain = _Ascii(text, low) if text.isascii() or not _READ_BEYOND_ASCII.search(text) else None
    has_digit = b"0" in plain.classes if plain else _DIGIT.search(text) is not None
    has_at = "@" in text
    platform = not _PLATFORM_NAMES.isdisjoint(tokens if tokens is not None else re.findall(r"\w+", low))
    found = _phones(text, language) if has_digit and (not plain or plain.classes.count(b"0") >= 7) else []
    if (has_at and _EMAIL_HINT.search(text)) or (("(" in text or "[" in text) and _AT_WORD.search(low)):
        found.extend([("email_address", m.start(), m.end()) for m in _EMAIL.finditer(text)])
    if has_digit and (plain.street() if plain else _STREET_HINT.search(low)):
        found.extend([("street_address", m.start(), m.end()) for m in _STREET.finditer(text)])
    named_first = _STREET_BY_LANGUAGE.get(language)
    if named_first is not None and has_digit:
        found.extend([("street_address", m.start(), m.end()) for m in named_first.finditer(text)])
    maps = False
    for word in _MAP_WORDS:
        if word in low:
            maps = True
            break
    if maps or (has_digit and "." in text and (not plain or b"0.0000" in plain.classes)):  # map words or coordinates
        found.extend([("live_location", m.start(), m.end()) for m in _LOCATION.finditer(text)])
    handles = list(_MENTION.finditer(text)) if has_at else []
    if platform or ("#" in text and (not plain or plain.handle())):
        handles.extend(_HANDLE.finditer(text))
    by_language = _HANDLE_BY_LANGUAGE.get(language) if not plain else None
    if by_language is not None:
        handles.extend(by_language.finditer(text))
    for m in handles:
        at = m.start()
        if not found or not any(start <= at < end for _, start, end in found):  # the "@" of an email is no handle
            found.append(("social_handle", at, m.end()))
    return found


# A bare user name given in answer to "what's your snap?": a word of letters with digits, an underscore or a dot
# inside ("lily.bxo", "avamae_x", "kaylee13"), in a reply of a few words. Without the question before it, such a word
# says nothing; the engine asks only about the replies that follow a request for contact details.
_BARE_HANDLE = re.compile(r"(?<![\w@./:])[^\W\d_][\w.]*(?:\d|_|\.(?=\w))[\w.]*(?![\w@/])", re.UNICODE)
ANSWER_WORDS = 5  # a reply longer than this is not taken for an answer


def answered_handle(text: str) -> tuple[int, int] | None:
    """Where a short reply holds a user name (character span), or None."""
    words = text.split()
    if not words or len(words) > ANSWER_WORDS:
        return None
    for m in _BARE_HANDLE.finditer(text):
        name = m.group().rstrip(".")
        if 4 <= len(name) <= 30 and any(c.isalpha() for c in name) and not _NOT_A_HANDLE.fullmatch(name):
            return m.start(), m.start() + len(name)
    return None


_NOT_A_HANDLE = re.compile(r"(?i)(?:[a-z]+\.(?:com|net|org|de|fr|es|it|pt|ru|br|io|co|uk)|\d+(?:st|nd|rd|th|h|am|pm)|"
                           r"[a-z]{1,2}\d{1,2}|mp[34]|covid19)")
