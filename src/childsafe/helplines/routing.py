"""Finding help: rank a country's helplines for a child's language, topic and channel, open ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from childsafe.helplines import hours as hours_mod
from childsafe.helplines.dataset import Contact, HelplineRecord
from childsafe.helplines.vocabulary import CHANNELS

CHANNEL_ORDER = {c: i for i, c in enumerate(CHANNELS)}


@dataclass(frozen=True)
class HelpQuery:
    country: str | None = None
    lang: str | None = None
    topic: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class ContactStatus:
    contact: Contact
    href: str
    open_now: bool | None
    next_change: datetime | None


@dataclass(frozen=True)
class RankedHelpline:
    record: HelplineRecord
    contacts: tuple[ContactStatus, ...]
    open_now: bool | None
    next_change: datetime | None
    matches: dict[str, bool]


def contact_href(contact: Contact) -> str:
    if contact.channel == "phone":
        return "tel:" + (contact.e164 or contact.value)
    if contact.channel == "sms":
        return "sms:" + (contact.e164 or contact.value)
    if contact.channel == "whatsapp":
        return "https://wa.me/" + (contact.e164 or contact.value).lstrip("+")
    if contact.channel == "email":
        return "mailto:" + contact.value
    return contact.value


def _status(text: str | None, zone: ZoneInfo, now: datetime) -> tuple[bool | None, datetime | None]:
    if not text:
        return None, None
    parsed = hours_mod.parse(text)
    return hours_mod.is_open(parsed, zone, now), hours_mod.next_change(parsed, zone, now)


def _combine(states: list[tuple[bool | None, datetime | None]]) -> tuple[bool | None, datetime | None]:
    """A helpline is open if any of its contacts is; unknown if none is known to be open and some are unknown."""
    if any(s is True for s, _ in states):
        closes = [c for s, c in states if s is True and c is not None]
        always = any(s is True and c is None for s, c in states)
        return True, None if always or not closes else max(closes)
    opens = [c for s, c in states if s is False and c is not None]
    if any(s is None for s, _ in states):
        return None, min(opens) if opens else None
    return False, min(opens) if opens else None


def _language_match(record: HelplineRecord, lang: str | None) -> bool:
    if not lang:
        return False
    primary = lang.split("-")[0].lower()
    return any(tag.split("-")[0].lower() == primary for tag in record.languages)


def evaluate(record: HelplineRecord, query: HelpQuery, now: datetime) -> RankedHelpline:
    zone = ZoneInfo(record.timezone)
    statuses = []
    for contact in record.contacts:
        open_now, change = _status(contact.hours or record.hours, zone, now)
        statuses.append(ContactStatus(contact, contact_href(contact), open_now, change))
    preferred = query.channel

    def contact_key(item: tuple[int, ContactStatus]) -> tuple[int, int, int, int]:
        index, status = item
        openness = {True: 0, None: 1, False: 2}[status.open_now]
        return (0 if status.contact.channel == preferred else 1, openness,
                CHANNEL_ORDER[status.contact.channel], index)

    ordered = tuple(s for _, s in sorted(enumerate(statuses), key=contact_key))
    reachable = [(s.open_now, s.next_change) for s in statuses if s.contact.channel not in ("web", "email")]
    open_now, change = _combine(reachable or [(s.open_now, s.next_change) for s in statuses])
    matches = {
        "language": _language_match(record, query.lang),
        "topic": bool(query.topic) and (query.topic in record.topics),
        "channel": bool(query.channel) and any(c.channel == query.channel for c in record.contacts),
    }
    return RankedHelpline(record, ordered, open_now, change, matches)


def rank(records: list[HelplineRecord], query: HelpQuery, now: datetime) -> list[RankedHelpline]:
    """Best first: open now, then what the child asked for (channel, topic, language), then child-focused lines."""
    evaluated = [evaluate(r, query, now) for r in records if query.country is None or r.country == query.country]

    def key(item: tuple[int, RankedHelpline]) -> tuple[int, ...]:
        index, h = item
        openness = {True: 0, None: 1, False: 2}[h.open_now]
        child_focus = 0 if "children" in h.record.audience else 1
        return (openness, not h.matches["channel"], not h.matches["topic"], not h.matches["language"],
                not h.record.child_116111, child_focus, index)

    return [h for _, h in sorted(enumerate(evaluated), key=key)]
