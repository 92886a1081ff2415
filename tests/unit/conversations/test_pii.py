"""Personal data detectors: kinds and places, never values."""

from __future__ import annotations

import pytest

from childsafe.conversations import pii


@pytest.mark.parametrize(("text", "language", "kind"), [
    ("call me 07911 123456", "en", "phone_number"),
    ("+33 6 12 34 56 78", "fr", "phone_number"),
    ("mi número 612 34 56 78", "es", "phone_number"),
    ("mail jo.doe@example.com", "en", "email_address"),
    ("jo.doe (at) example (dot) com", "en", "email_address"),
    ("im at 12 baker street", "en", "street_address"),
    ("j'habite 12 rue de la paix", "fr", "street_address"),
    ("vivo en calle mayor 15", "es", "street_address"),
    ("ich wohne hauptstraße 5", "de", "street_address"),
    ("here https://maps.app.goo.gl/abc", "en", "live_location"),
    ("48.8566, 2.3522", "en", "live_location"),
    ("my snap is lily_2011", "en", "social_handle"),
    ("add @jojo_12", "en", "social_handle"),
])
def test_finds(text: str, language: str, kind: str) -> None:
    assert kind in {f.signal for f in pii.detect(text, language)}


@pytest.mark.parametrize("text", ["i scored 1234567 points", "add me on snap", "see you at 5",
                                  "the year 2011 was great", "email me later"])
def test_ordinary_text_has_none(text: str) -> None:
    assert pii.detect(text, "en") == []
