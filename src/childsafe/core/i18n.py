"""Marking strings for translation where they are defined; `scripts/i18n` extracts them, the page translates."""

from __future__ import annotations

from childsafe.core.settings import LANGUAGES


def N_(message: str) -> str:  # noqa: N802  (the name gettext tools look for)
    return message


def in_every_language(raw: object, where: str, error: type[ValueError] = ValueError) -> dict[str, str]:
    """A data file's text table ({"ar": ..., "en": ..., ...}) checked to have all six languages; `error` names
    the problem in the caller's own terms."""
    if not isinstance(raw, dict):
        raise error(f"{where} must be a table of the six languages")
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang, "")).strip()]
    if missing:
        raise error(f"{where} has no text in {', '.join(missing)}")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}
