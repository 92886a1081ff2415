"""Ranking: open lines first, then the child's channel, topic and language; contacts link correctly."""

import copy
from datetime import UTC, datetime

from childsafe.helplines.dataset import validate_record
from childsafe.helplines.formats import HelplineFormat
from childsafe.helplines.routing import HelpQuery, contact_href, rank

BASE = HelplineFormat.examples()[0]
TUESDAY_NOON_BERLIN = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)


def line(id_: str, **changes):  # noqa: ANN001, ANN201
    raw = copy.deepcopy(BASE)
    raw.update({"id": id_, "child_116111": False, "contacts": [{"channel": "phone", "value": "08001110333"}]})
    raw.update(changes)
    return validate_record(raw)


def test_open_lines_come_first() -> None:
    closed = line("de-evening", hours="Mo-Su 18:00-22:00")
    open_ = line("de-day", hours="Mo-Su 09:00-17:00")
    unknown = line("de-unknown", hours=None)
    ranked = rank([closed, unknown, open_], HelpQuery("DE"), TUESDAY_NOON_BERLIN)
    assert [r.record.id for r in ranked] == ["de-day", "de-unknown", "de-evening"]
    assert [r.open_now for r in ranked] == [True, None, False]
    assert ranked[2].next_change == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def test_preferences_break_ties_in_order_channel_topic_language() -> None:
    plain = line("de-plain", languages=["de"], topics=["general"])
    french = line("de-french", languages=["fr", "de"], topics=["general"])
    bullying = line("de-bully", languages=["de"], topics=["bullying"])
    chat = line("de-chat", languages=["de"], topics=["general"],
                contacts=[{"channel": "chat", "value": "https://example.org/chat"}])
    ranked = rank([plain, french, bullying, chat], HelpQuery("DE", "fr-BE", "bullying", "chat"), TUESDAY_NOON_BERLIN)
    assert [r.record.id for r in ranked] == ["de-chat", "de-bully", "de-french", "de-plain"]
    assert ranked[2].matches == {"language": True, "topic": False, "channel": False}


def test_other_countries_are_excluded() -> None:
    ranked = rank([line("de-a")], HelpQuery("FR"), TUESDAY_NOON_BERLIN)
    assert ranked == []


def test_preferred_channel_listed_first_within_a_helpline() -> None:
    record = line("de-multi", contacts=[{"channel": "phone", "value": "116111"},
                                        {"channel": "chat", "value": "https://example.org/c"}])
    ranked = rank([record], HelpQuery("DE", channel="chat"), TUESDAY_NOON_BERLIN)
    assert [c.contact.channel for c in ranked[0].contacts] == ["chat", "phone"]


def test_a_closed_contact_does_not_hide_an_open_one() -> None:
    record = line("de-mixed", hours="Mo-Su 09:00-17:00",
                  contacts=[{"channel": "phone", "value": "116111"},
                            {"channel": "chat", "value": "https://example.org/c", "hours": "Mo-Su 19:00-21:00"}])
    ranked = rank([record], HelpQuery("DE"), TUESDAY_NOON_BERLIN)
    assert ranked[0].open_now is True
    assert {c.contact.channel: c.open_now for c in ranked[0].contacts} == {"phone": True, "chat": False}


def test_hrefs() -> None:
    r = line("de-links", contacts=[{"channel": "phone", "value": "08001110333"},
                                   {"channel": "sms", "value": "116111"},
                                   {"channel": "whatsapp", "value": "+4915112345678"},
                                   {"channel": "email", "value": "a@example.org"}])
    assert [contact_href(c) for c in r.contacts] == ["tel:+498001110333", "sms:116111", "https://wa.me/4915112345678",
                                                     "mailto:a@example.org"]
