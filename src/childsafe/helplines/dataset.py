"""Validation of helpline records, pure and framework-free: every error names the record and the field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import phonenumbers
import pycountry
from phonenumbers import shortnumberinfo

from childsafe.helplines import hours as hours_mod
from childsafe.helplines.vocabulary import AUDIENCES, CHANNELS, EXTRA_TERRITORIES, REACHABLE_CHANNELS, TOPICS

ID_RE = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^([a-z]{2,3})(-[A-Za-z0-9]{2,8})*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_STRIP = re.compile(r"[\s\-().]")
SHORT_CODE_RE = re.compile(r"[1-9]\d{2,5}")
FIELDS = ("id", "country", "name", "organisation", "languages", "timezone", "hours", "topics", "audience",
          "age_max", "free", "anonymous", "child_116111", "contacts", "notes", "sources", "verified")


class RecordError(ValueError):
    """One problem in one record."""

    def __init__(self, record: str, field_name: str, message: str) -> None:
        super().__init__(f"record {record}: {field_name}: {message}")
        self.record = record
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Contact:
    channel: str
    value: str
    e164: str | None = None
    hours: str | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"channel": self.channel, "value": self.value}
        if self.hours:
            out["hours"] = self.hours
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True)
class HelplineRecord:
    id: str
    country: str
    name: str
    organisation: str
    languages: tuple[str, ...]
    timezone: str
    hours: str | None
    topics: tuple[str, ...]
    audience: tuple[str, ...]
    age_max: int | None
    free: bool | None
    anonymous: bool | None
    child_116111: bool
    contacts: tuple[Contact, ...]
    notes: str
    sources: tuple[Source, ...]
    verified: date
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The canonical JSON form, as shipped in data/helplines/ and exported."""
        return {
            "id": self.id, "country": self.country, "name": self.name, "organisation": self.organisation,
            "languages": list(self.languages), "timezone": self.timezone, "hours": self.hours,
            "topics": list(self.topics), "audience": list(self.audience), "age_max": self.age_max,
            "free": self.free, "anonymous": self.anonymous, "child_116111": self.child_116111,
            "contacts": [c.as_dict() for c in self.contacts], "notes": self.notes,
            "sources": [{"url": s.url, "title": s.title} for s in self.sources],
            "verified": self.verified.isoformat(),
        }


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def bundled_raw() -> list[dict[str, Any]]:
    """The dataset that ships in the package (one JSON file per country, CC0)."""
    folder = resources.files("childsafe.helplines") / "data" / "helplines"
    raws: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            raws.extend(json.loads(entry.read_text(encoding="utf-8")))
    return raws


@lru_cache(maxsize=1)
def bundled_phone_numbers() -> frozenset[str]:
    """The E.164 form of every phone number in the bundled dataset (short codes have none)."""
    out = set()
    for raw in bundled_raw():
        for contact in raw.get("contacts") or ():
            if contact.get("channel") in ("phone", "sms", "whatsapp"):
                try:
                    e164 = normalise_phone(contact.get("value"), raw.get("country", ""))[1]
                except ValueError:
                    continue
                if e164:
                    out.add(e164)
    return frozenset(out)


def country_known(code: str) -> bool:
    return code in EXTRA_TERRITORIES or pycountry.countries.get(alpha_2=code) is not None


def normalise_phone(value: str, country: str) -> tuple[str, str | None]:
    """Return (as dialled locally, E.164 or None for short codes); raise ValueError if it is neither."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    digits = _PHONE_STRIP.sub("", value)
    international = digits.startswith("+")
    if not re.fullmatch(r"\+?\d{2,17}", digits):
        raise ValueError(f"{value!r} is not a phone number (digits, optionally a leading +)")
    region = None if international else (country if country not in EXTRA_TERRITORIES else "RS")
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} cannot be read as a phone number") from None
    if phonenumbers.is_valid_number(number):
        return digits, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not international and region and (shortnumberinfo.is_valid_short_number_for_region(number, region)
                                         or shortnumberinfo.is_possible_short_number_for_region(number, region)):
        return digits, None
    # libphonenumber's short-number tables miss many national codes (e.g. 1098, 1280); national plans reserve
    # 3 to 6 digit codes outside the trunk prefix, and 116 111 is the harmonised child helpline number.
    if not international and (digits == "116111" or SHORT_CODE_RE.fullmatch(digits)):
        return digits, None
    raise ValueError(f"{value!r} is neither a valid number nor a short code in {country}")


def _url(value: Any, where: tuple[str, str]) -> str:
    if not isinstance(value, str) or len(value) > 2000:
        raise RecordError(*where, "must be a URL of at most 2000 characters")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value.strip():
        raise RecordError(*where, f"{value!r} is not an http(s) URL")
    return value.strip()


def _text(raw: dict[str, Any], key: str, rid: str, *, required: bool, limit: int) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(rid, key, "must be text")
    value = " ".join(value.split())
    if required and not value:
        raise RecordError(rid, key, "is required")
    if len(value) > limit:
        raise RecordError(rid, key, f"is longer than {limit} characters")
    return value


def _list(raw: dict[str, Any], key: str, rid: str, allowed: tuple[str, ...] | None = None,
          required: bool = True) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(rid, key, "must be a list of text values")
    if required and not value:
        raise RecordError(rid, key, "needs at least one value")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                raise RecordError(rid, key, f"{v!r} is not one of {', '.join(allowed)}")
    return tuple(dict.fromkeys(value))


def _flag(raw: dict[str, Any], key: str, rid: str, *, nullable: bool = True) -> bool | None:
    value = raw.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        raise RecordError(rid, key, "must be true or false" + (" or null" if nullable else ""))
    return value


def _hours(value: Any, where: tuple[str, str]) -> str | None:
    if value is None or value == "":
        return None
    try:
        return hours_mod.parse(value).text
    except hours_mod.HoursError as exc:
        raise RecordError(*where, str(exc)) from None


def _contact(raw: Any, rid: str, index: int, country: str) -> Contact:
    where = f"contacts[{index}]"
    if not isinstance(raw, dict):
        raise RecordError(rid, where, "must be an object with channel and value")
    unknown = set(raw) - {"channel", "value", "hours", "note"}
    if unknown:
        raise RecordError(rid, f"{where}.{sorted(unknown)[0]}", "is not a contact field")
    channel = raw.get("channel")
    if channel not in CHANNELS:
        raise RecordError(rid, f"{where}.channel", f"{channel!r} is not one of {', '.join(CHANNELS)}")
    value = raw.get("value")
    if not isinstance(value, str) or not value.strip():
        raise RecordError(rid, f"{where}.value", "is required")
    value = value.strip()
    e164 = None
    if channel in ("phone", "sms", "whatsapp"):
        try:
            value, e164 = normalise_phone(value, country)
        except ValueError as exc:
            raise RecordError(rid, f"{where}.value", str(exc)) from None
        if channel == "whatsapp" and e164 is None:
            raise RecordError(rid, f"{where}.value", "a WhatsApp number needs its full international form")
    elif channel == "email":
        if not EMAIL_RE.match(value) or len(value) > 254:
            raise RecordError(rid, f"{where}.value", f"{value!r} is not an email address")
    else:
        value = _url(value, (rid, f"{where}.value"))
    note = raw.get("note") or ""
    if not isinstance(note, str) or len(note) > 300:
        raise RecordError(rid, f"{where}.note", "must be text of at most 300 characters")
    return Contact(channel, value, e164, _hours(raw.get("hours"), (rid, f"{where}.hours")), " ".join(note.split()))


def validate_record(raw: Any, *, position: int = 0, today: date | None = None) -> HelplineRecord:
    """Check one raw record (as parsed from JSON or CSV) and return it normalised."""
    if not isinstance(raw, dict):
        raise RecordError(f"#{position + 1}", "record", "must be an object")
    rid = raw.get("id")
    label = rid if isinstance(rid, str) and rid else f"#{position + 1}"
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise RecordError(label, sorted(unknown)[0], "is not a field of a helpline record")
    country = raw.get("country")
    if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country) or not country_known(country):
        raise RecordError(label, "country", f"{country!r} is not an ISO 3166-1 alpha-2 country code")
    if not isinstance(rid, str) or not ID_RE.match(rid) or not rid.startswith(country.lower() + "-"):
        raise RecordError(label, "id", f"must look like '{country.lower()}-short-name' (lowercase, digits, dashes)")
    languages = _list(raw, "languages", rid)
    for tag in languages:
        m = LANG_RE.match(tag)
        if not m or (pycountry.languages.get(alpha_2=m.group(1)) is None
                     and pycountry.languages.get(alpha_3=m.group(1)) is None):
            raise RecordError(rid, "languages", f"{tag!r} is not a BCP 47 language tag")
    zone = raw.get("timezone")
    if zone not in _zones():
        raise RecordError(rid, "timezone", f"{zone!r} is not an IANA time zone")
    age_max = raw.get("age_max")
    if age_max is not None and (not isinstance(age_max, int) or isinstance(age_max, bool) or not 5 <= age_max <= 30):
        raise RecordError(rid, "age_max", "must be a whole number from 5 to 30, or null")
    contacts_raw = raw.get("contacts")
    if not isinstance(contacts_raw, list) or not contacts_raw:
        raise RecordError(rid, "contacts", "needs at least one contact")
    if len(contacts_raw) > 30:
        raise RecordError(rid, "contacts", "has more than 30 contacts")
    contacts = tuple(_contact(c, rid, i, country) for i, c in enumerate(contacts_raw))
    if not any(c.channel in REACHABLE_CHANNELS for c in contacts):
        raise RecordError(rid, "contacts", "needs a phone, sms, whatsapp or chat contact")
    child_116111 = _flag(raw, "child_116111", rid, nullable=False)
    if child_116111 and not any(c.channel == "phone" and c.value == "116111" for c in contacts):
        raise RecordError(rid, "child_116111", "is true but no phone contact is 116111")
    sources_raw = raw.get("sources")
    if not isinstance(sources_raw, list) or not sources_raw:
        raise RecordError(rid, "sources", "needs at least one source")
    sources = []
    for i, s in enumerate(sources_raw):
        if not isinstance(s, dict) or not isinstance(s.get("title", ""), str):
            raise RecordError(rid, f"sources[{i}]", "must be an object with url and title")
        sources.append(Source(_url(s.get("url"), (rid, f"sources[{i}].url")), " ".join(s.get("title", "").split())[:300]))
    verified_raw = raw.get("verified")
    try:
        verified = date.fromisoformat(verified_raw) if isinstance(verified_raw, str) else None
    except ValueError:
        verified = None
    if verified is None:
        raise RecordError(rid, "verified", f"{verified_raw!r} is not a date (YYYY-MM-DD)")
    if today is not None and verified > today:
        raise RecordError(rid, "verified", "is in the future")
    return HelplineRecord(
        id=rid, country=country, name=_text(raw, "name", rid, required=True, limit=200),
        organisation=_text(raw, "organisation", rid, required=False, limit=200), languages=languages,
        timezone=zone, hours=_hours(raw.get("hours"), (rid, "hours")),
        topics=_list(raw, "topics", rid, TOPICS), audience=_list(raw, "audience", rid, AUDIENCES),
        age_max=age_max, free=_flag(raw, "free", rid), anonymous=_flag(raw, "anonymous", rid),
        child_116111=bool(child_116111), contacts=contacts, notes=_text(raw, "notes", rid, required=False, limit=1000),
        sources=tuple(sources), verified=verified,
    )


def validate_all(raws: list[Any], *, today: date | None = None) -> list[HelplineRecord]:
    """Validate a whole dataset: every record, and ids unique across it. Raises on the first problem."""
    records = []
    seen: set[str] = set()
    for position, raw in enumerate(raws):
        record = validate_record(raw, position=position, today=today)
        if record.id in seen:
            raise RecordError(record.id, "id", "appears twice")
        seen.add(record.id)
        records.append(record)
    return records
