"""Awareness campaign kits: a poster and a leaflet per country carrying that country's child helplines (from the
helplines feature), in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from sqlalchemy.orm import Session

from childsafe.core.clock import Clock
from childsafe.core.i18n import N_
from childsafe.helplines import service as helplines
from childsafe.helplines.routing import HelpQuery

KINDS = ("poster", "leaflet")
MAX_HELPLINES = 3
CHANNEL_LABELS = {"phone": N_("Call"), "sms": N_("Text"), "chat": N_("Chat"), "whatsapp": N_("WhatsApp"),
                  "email": N_("Email"), "web": N_("Website"), "app": N_("App")}
TIPS_CHILDREN = (N_("Something online worrying you? You can talk about it. It is never your fault."),
                 N_("Nobody should ask you for pictures of your body or ask you to keep secrets from your family."),
                 N_("Block, report and tell someone you trust. Save the messages, not the pictures."))
TIPS_ADULTS = (N_("Talk with children about their online lives often, and listen without blame."),
               N_("If a child tells you something happened, stay calm, believe them and get help."),
               N_("Report child sexual abuse material; never share or forward it, not even to report it."))


@dataclass(frozen=True)
class LineOnPoster:
    name: str
    contacts: tuple[tuple[str, str], ...]  # (channel, value)
    free: bool | None
    always_open: bool


def _shown(value: str, e164: str | None, country: str) -> str:
    """A number as people in the country write it (0800 1111), a link as it is."""
    if not e164:
        return value
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if region == country else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def helplines_for(session: Session, country: str, lang: str, clock: Clock) -> list[LineOnPoster]:
    found = helplines.find_help(session, HelpQuery(country=country, lang=lang), clock)
    lines = []
    for ranked in found.helplines[:MAX_HELPLINES]:
        record = ranked.record
        contacts = tuple((c.contact.channel, _shown(c.contact.value, c.contact.e164, country))
                         for c in ranked.contacts if c.contact.channel in CHANNEL_LABELS)[:4]
        lines.append(LineOnPoster(record.name, contacts, record.free, (record.hours or "").strip() == "24/7"))
    return lines
