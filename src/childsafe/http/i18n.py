"""Language negotiation (query, then Accept-Language, no cookie), gettext catalogs and localised names."""

from __future__ import annotations

import gettext
import io
import re
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from childsafe.core.settings import LANGUAGES, RTL_LANGUAGES

_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")

LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges from an Accept-Language header, best first; malformed items are skipped."""
    if not header or len(header) > 1000:
        return []
    weighted = []
    for position, item in enumerate(header.split(",")[:30]):
        match = _ACCEPT_ITEM.match(item)
        if not match:
            continue
        try:
            q = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if q <= 0 or match.group(1) == "*":
            continue
        weighted.append((-q, position, match.group(1)))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(query_lang: str | None, accept_language: str | None, default: str = "en") -> str:
    if query_lang in LANGUAGES:
        return query_lang  # type: ignore[return-value]
    for tag in parse_accept_language(accept_language):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return default


def country_from_accept_language(accept_language: str | None) -> str | None:
    """The region of the first language range that has one (fr-CA -> CA), used to preselect a country."""
    for tag in parse_accept_language(accept_language):
        parts = tag.split("-")
        if len(parts) >= 2 and re.fullmatch(r"[A-Za-z]{2}", parts[-1]):
            return parts[-1].upper()
    return None


def direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


@lru_cache(maxsize=16)
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog for a language, compiled in memory from the shipped .po file (no .mo build step)."""
    if lang == "en" or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po = resources.files("childsafe") / "locale" / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=16)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def country_name(code: str, lang: str) -> str:
    return _locale(lang).territories.get(code) or code


def language_name(tag: str, lang: str) -> str:
    primary = tag.split("-")[0]
    return _locale(lang).languages.get(primary) or tag


def day_names(lang: str) -> list[str]:
    names = _locale(lang).days["format"]["abbreviated"]
    return [names[i] for i in range(7)]


def format_time(minutes: int, lang: str) -> str:
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"
