"""Detectors for personal data in a message: phone numbers, email addresses, street addresses, live locations and
social handles. They read the raw text (digits matter) and report only the kind and where, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

# Regions tried for numbers written without a country code, by message language; "+..." numbers need none.
REGIONS = {"en": ("US", "GB"), "fr": ("FR",), "es": ("ES", "MX"), "de": ("DE",)}
_MANY_DIGITS = re.compile(r"(?:\d[\s\-.()/]{0,2}){7,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w.+-]{2,}\s*[\[(]\s*(?:at|arobase|arroba)\s*[\])]\s*[\w-]+\s*"
                    r"(?:\.|[\[(]\s*(?:dot|point|punto)\s*[\])])\s*[a-z]{2,}", re.IGNORECASE)
_PLATFORMS = (r"snap(?:chat)?|sc|insta(?:gram)?|ig|tik\s?tok|tt|discord|telegram|tg|kik|whats\s?app|wa|"
              r"twitter|x|facebook|fb|roblox|fortnite|psn|xbox|steam|threads|bereal|wechat|line|signal")
_HANDLE = re.compile(
    rf"(?:\b(?:{_PLATFORMS})\b\s*(?:name|id|user(?:name)?|pseudo|usuario|nombre)?\s*"
    r"(?::|=|->|is|es|est|ist|c'?est|c est|lautet)\s*@?[\w.]{3,30})"
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
_LOCATION = re.compile(
    r"(?:maps\.google\.|google\.[a-z.]+/maps|goo\.gl/maps|maps\.app\.goo\.gl|maps\.apple\.com|waze\.com/|"
    r"what3words\.com/|(?<![/\w])///[a-z]+\.[a-z]+\.[a-z]+|share\.life360)"
    r"|-?\b\d{1,2}\.\d{4,}\s*[,;]\s*-?\d{1,3}\.\d{4,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    signal: str
    start: int  # character offsets in the raw text
    end: int


def _phones(text: str, language: str) -> list[Found]:
    if not _MANY_DIGITS.search(text):
        return []
    seen: list[Found] = []
    for region in (None, *REGIONS.get(language, ("US",))):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if not any(f.start <= match.start < f.end for f in seen):
                seen.append(Found("phone_number", match.start, match.end))
    return seen


_STREET_HINT = re.compile(
    rf"\b(?:{_STREET_WORDS}|rue|av|bd|chemin|allée|allee|impasse|quai|route|cours|calle|c/|avenida|avda|plaza|paseo|"
    r"carrera|calzada|colonia|col|camino)\b|stra(?:ss|ß)e|str\.|(?:weg|platz|allee|gasse|ring|damm)\b")
_DIGIT = re.compile(r"\d")
_EMAIL_HINT = re.compile(r"@[\w-]+\.\w")
_AT_WORD = re.compile(r"[\[(]\s*(?:at|arobase|arroba)\s*[\])]")
_MENTION = re.compile(r"(?<![\w@])@[a-z0-9_.]{3,30}\b(?!\.\w{2,})", re.IGNORECASE)
_PLATFORM_NAMES = frozenset({"snap", "snapchat", "sc", "insta", "instagram", "ig", "tiktok", "tt", "discord", "telegram",
                             "tg", "kik", "whatsapp", "wa", "twitter", "x", "facebook", "fb", "roblox", "fortnite", "psn",
                             "xbox", "steam", "threads", "bereal", "wechat", "line", "signal"})
_MAP_WORDS = ("maps", "goo.gl", "waze", "what3words", "///", "life360")


def detect(text: str, language: str = "en", tokens: Iterable[str] | None = None) -> list[Found]:
    """Each detector runs only when a cheap test says it could match: most messages have no digit, no @ and no
    platform name, and need none. `tokens` (the normalised words, if the caller has them) spare a scan."""
    has_digit = _DIGIT.search(text) is not None
    has_at = "@" in text
    low = text.lower()
    platform = bool(_PLATFORM_NAMES.intersection(tokens if tokens is not None else re.findall(r"\w+", low)))
    found = _phones(text, language) if has_digit else []
    if (has_at and _EMAIL_HINT.search(text)) or (("(" in text or "[" in text) and _AT_WORD.search(low)):
        found.extend(Found("email_address", m.start(), m.end()) for m in _EMAIL.finditer(text))
    if has_digit and _STREET_HINT.search(low):
        found.extend(Found("street_address", m.start(), m.end()) for m in _STREET.finditer(text))
    if any(word in low for word in _MAP_WORDS) or (has_digit and "." in text):
        found.extend(Found("live_location", m.start(), m.end()) for m in _LOCATION.finditer(text))
    handles = []
    if has_at:
        handles.extend(_MENTION.finditer(text))
    if platform or "#" in text:
        handles.extend(_HANDLE.finditer(text))
    for m in handles:
        if not any(f.start <= m.start() < f.end for f in found):  # the "@" of an email is not a handle
            found.append(Found("social_handle", m.start(), m.end()))
    return found
