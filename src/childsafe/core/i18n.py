"""Marking strings for translation where they are defined; `scripts/i18n` extracts them, the page translates."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802  (the name gettext tools look for)
    return message
