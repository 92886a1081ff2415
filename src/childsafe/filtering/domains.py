"""Domain names: normalisation to the lowercase ASCII form DNS uses, validation, and the parent-domain walk."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
MAX_NAME = 253


class DomainError(ValueError):
    """Not a usable domain name; the message says why."""


def normalise(name: str) -> str:
    """Lowercase ASCII (IDNA) form without the trailing dot; raises DomainError."""
    if not isinstance(name, str):
        raise DomainError("a domain name must be text")
    text = name.strip().rstrip(".").lower()
    if not text:
        raise DomainError("empty domain name")
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            raise DomainError(f"{name!r} cannot be converted to an ASCII domain name") from None
    if len(text) > MAX_NAME:
        raise DomainError(f"{name[:40]!r}... is longer than {MAX_NAME} characters")
    labels = text.split(".")
    for label in labels:
        if not _LABEL.match(label):
            raise DomainError(f"{name!r} has an invalid label {label!r}")
    return text


def parents(name: str) -> list[str]:
    """The name and each parent domain, most specific first: a.b.example.com, b.example.com, example.com, com."""
    out = [name]
    start = name.find(".")
    while start != -1:
        name = name[start + 1:]
        out.append(name)
        start = name.find(".")
    return out
