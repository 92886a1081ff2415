"""Language negotiation without cookies, and complete catalogs for the six ITU languages."""

import re
from importlib import resources

import pytest
from babel.messages.pofile import read_po

from childsafe.core.settings import LANGUAGES
from childsafe.http.i18n import (country_from_accept_language, country_name, direction, negotiate,
                                 parse_accept_language, translations)

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_query_beats_header_and_header_beats_default() -> None:
    assert negotiate("ru", "fr-FR,fr;q=0.9", "en") == "ru"
    assert negotiate(None, "de-DE,fr;q=0.5,ar;q=0.9", "en") == "ar"
    assert negotiate("xx", "zh-Hant-TW", "en") == "zh"
    assert negotiate(None, None, "es") == "es"
    assert negotiate(None, "garbage;;;q=x,*", "en") == "en"


def test_accept_language_parsing_is_robust() -> None:
    assert parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5") == ["fr-CH", "fr", "en"]
    assert parse_accept_language("a" * 2000) == []
    assert country_from_accept_language("es-419,es-CO;q=0.9") == "CO"
    assert country_from_accept_language("fr") is None


def test_arabic_is_right_to_left() -> None:
    assert direction("ar") == "rtl" and direction("fr") == "ltr"
    assert country_name("DE", "ar") == "ألمانيا"


def _catalog(lang: str):  # noqa: ANN202
    path = resources.files("childsafe") / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def test_every_message_is_translated_in_every_language() -> None:
    template = read_po((resources.files("childsafe") / "locale" / "messages.pot").open("rb"))
    wanted = {m.id for m in template if m.id}
    assert len(wanted) > 100
    for lang in LANGUAGES:
        catalog = _catalog(lang)
        have = {m.id: m.string for m in catalog if m.id}
        missing = [m for m in wanted if m not in have or not have[m] or
                   (isinstance(have[m], tuple) and not all(have[m]))]
        assert missing == [], f"{lang}: {len(missing)} untranslated, e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_placeholders_survive_translation(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            assert found <= expected | {"%(num)d"} and (found >= expected - {"%(num)d"}), (lang, message.id)


def test_catalogs_load_and_translate() -> None:
    assert translations("fr").gettext("Find help") != "Find help"
    assert translations("zh").gettext("Quick exit") != "Quick exit"


def test_templates_are_extracted_completely() -> None:
    """Every literal passed to _() in a template is in the catalog template (scripts/i18n was run)."""
    template = read_po((resources.files("childsafe") / "locale" / "messages.pot").open("rb"))
    known = {m.id for m in template if m.id}
    root = resources.files("childsafe")
    used = set()
    for path in list((root / "templates").iterdir()) + [p for feature in ("accounts", "helplines")
                                                        for p in (root / feature / "templates" / feature).iterdir()]:
        used |= set(re.findall(r'_\("([^"]+)"', path.read_text(encoding="utf-8")))
    assert used - known == set()
