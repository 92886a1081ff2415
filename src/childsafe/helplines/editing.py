"""The editor form's flat text fields to and from a raw helpline record (validated later by dataset)."""

from __future__ import annotations

from typing import Any

from childsafe.core.errors import InvalidInputError
from childsafe.http.forms import pipe_rows
from childsafe.helplines.dataset import HelplineRecord


def _split(text: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in text.replace(";", sep).split(sep) if part.strip()]


def _tristate(value: str, field: str) -> bool | None:
    if value in ("", "unknown"):
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InvalidInputError(f"{value!r} is not yes, no or unknown", field=field)


def form_to_record(values: dict[str, str]) -> dict[str, Any]:
    age = values.get("age_max", "").strip()
    if age and not age.isdigit():
        raise InvalidInputError(f"{age!r} is not a whole number", field="age_max")
    contacts = []
    for channel, value, hours, note in pipe_rows(values.get("contacts", ""), "contacts", 4):
        contact: dict[str, Any] = {"channel": channel, "value": value}
        if hours:
            contact["hours"] = hours
        if note:
            contact["note"] = note
        contacts.append(contact)
    sources = [{"url": url, "title": title} for url, title in pipe_rows(values.get("sources", ""), "sources", 2)]
    return {
        "id": values.get("id", "").strip(), "country": values.get("country", "").strip().upper(),
        "name": values.get("name", ""), "organisation": values.get("organisation", ""),
        "languages": _split(values.get("languages", "")), "timezone": values.get("timezone", "").strip(),
        "hours": values.get("hours", "").strip() or None, "topics": _split(values.get("topics", "")),
        "audience": _split(values.get("audience", "")), "age_max": int(age) if age else None,
        "free": _tristate(values.get("free", ""), "free"),
        "anonymous": _tristate(values.get("anonymous", ""), "anonymous"),
        "child_116111": values.get("child_116111") == "on", "contacts": contacts,
        "notes": values.get("notes", ""), "sources": sources, "verified": values.get("verified", "").strip(),
    }


def record_to_form(record: HelplineRecord | None) -> dict[str, str]:
    if record is None:
        return {"audience": "children, young_people", "topics": "general", "free": "unknown",
                "anonymous": "unknown", "languages": "", "contacts": "phone | ", "sources": ""}

    def tri(value: bool | None) -> str:
        return "unknown" if value is None else ("yes" if value else "no")

    return {
        "id": record.id, "country": record.country, "name": record.name, "organisation": record.organisation,
        "languages": ", ".join(record.languages), "timezone": record.timezone, "hours": record.hours or "",
        "topics": ";".join(record.topics), "audience": ", ".join(record.audience),
        "age_max": "" if record.age_max is None else str(record.age_max), "free": tri(record.free),
        "anonymous": tri(record.anonymous), "child_116111": "on" if record.child_116111 else "",
        "contacts": "\n".join(" | ".join([c.channel, c.value, c.hours or "", c.note]).rstrip(" |")
                              for c in record.contacts),
        "notes": record.notes, "sources": "\n".join(f"{s.url} | {s.title}" for s in record.sources),
        "verified": record.verified.isoformat(),
    }
