"""File formats for importing and exporting helplines (an extension point: `childsafe.helpline_formats`)."""

from __future__ import annotations

import csv
import io
import json
from abc import abstractmethod
from typing import Any, ClassVar

from childsafe.core.registry import Extension, Registry
from childsafe.helplines.dataset import HelplineRecord

MAX_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """The file cannot be read in this format; the message names the line or key."""


class HelplineFormat(Extension):
    """A way to read and write helpline records as text."""

    suffix: ClassVar[str]

    @abstractmethod
    def read(self, text: str) -> list[dict[str, Any]]:
        """Raw records (still to be validated by dataset.validate_all)."""

    @abstractmethod
    def write(self, records: list[HelplineRecord]) -> str: ...

    @classmethod
    def examples(cls) -> list[dict[str, Any]]:
        """Raw records every format must carry through a write-read round trip unchanged."""
        return [{
            "id": "de-example-line", "country": "DE", "name": "Example line", "organisation": "Example e.V.",
            "languages": ["de", "en"], "timezone": "Europe/Berlin", "hours": "Mo-Sa 14:00-20:00",
            "topics": ["general", "online_harm"], "audience": ["children", "young_people"], "age_max": 21,
            "free": True, "anonymous": None, "child_116111": True,
            "contacts": [{"channel": "phone", "value": "116111"},
                         {"channel": "chat", "value": "https://example.org/chat", "hours": "Mo-Fr 10:00-12:00",
                          "note": "text chat, with a comma, and \"quotes\""}],
            "notes": "Line breaks and; semicolons | pipes are fine.",
            "sources": [{"url": "https://example.org/about", "title": "About us"}], "verified": "2026-01-31",
        }]


registry: Registry[HelplineFormat] = Registry("helpline_formats")


@registry.register
class JsonFormat(HelplineFormat):
    name = "json"
    suffix = ".json"
    description = "JSON: a list of records, or an object with a 'helplines' list (the bundled dataset's form)"

    def read(self, text: str) -> list[dict[str, Any]]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormatError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
        if isinstance(data, dict):
            data = data.get("helplines")
        if not isinstance(data, list):
            raise FormatError("expected a list of helpline records, or an object with a 'helplines' list")
        return data

    def write(self, records: list[HelplineRecord]) -> str:
        document = {"format": "childsafe-helplines", "version": 1, "licence": "CC0-1.0",
                    "helplines": [r.as_dict() for r in records]}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_HELPLINE_COLUMNS = ("id", "country", "name", "organisation", "languages", "timezone", "hours", "topics",
                        "audience", "age_max", "free", "anonymous", "child_116111", "notes", "sources", "verified")
CSV_CONTACT_COLUMNS = ("channel", "value", "contact_hours", "contact_note")


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _flag_value(text: str, line: int, column: str) -> bool | None:
    text = text.strip().lower()
    if text == "":
        return None
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise FormatError(f"line {line}: {column}: {text!r} is not true, false or empty")


@registry.register
class CsvFormat(HelplineFormat):
    """One row per contact; the helpline's columns repeat on each of its rows and must agree."""

    name = "csv"
    suffix = ".csv"
    description = "CSV, one row per contact; lists separated by ';', sources as 'url title' joined by ' ; '"

    def read(self, text: str) -> list[dict[str, Any]]:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        expected = set(CSV_HELPLINE_COLUMNS + CSV_CONTACT_COLUMNS)
        if reader.fieldnames is None or set(reader.fieldnames) != expected:
            found = set(reader.fieldnames or [])
            missing, extra = sorted(expected - found), sorted(found - expected)
            raise FormatError(f"line 1: header must have the columns {', '.join(CSV_HELPLINE_COLUMNS + CSV_CONTACT_COLUMNS)}"
                              + (f"; missing {', '.join(missing)}" if missing else "")
                              + (f"; unknown {', '.join(extra)}" if extra else ""))
        records: dict[str, dict[str, Any]] = {}
        shared: dict[str, tuple[str, ...]] = {}
        for row in reader:
            line = reader.line_num
            if None in row:
                raise FormatError(f"line {line}: more cells than columns")
            rid = (row["id"] or "").strip()
            if not rid:
                raise FormatError(f"line {line}: id is empty")
            key = tuple(row[c] for c in CSV_HELPLINE_COLUMNS)
            if rid in shared and shared[rid] != key:
                raise FormatError(f"line {line}: helpline {rid} has different helpline columns than on its first row")
            if rid not in records:
                shared[rid] = key
                records[rid] = self._helpline(row, line)
            contact: dict[str, Any] = {"channel": row["channel"].strip(), "value": row["value"].strip()}
            if row["contact_hours"].strip():
                contact["hours"] = row["contact_hours"].strip()
            if row["contact_note"].strip():
                contact["note"] = row["contact_note"].strip()
            records[rid]["contacts"].append(contact)
        return list(records.values())

    @staticmethod
    def _helpline(row: dict[str, str], line: int) -> dict[str, Any]:
        def split(value: str) -> list[str]:
            return [v.strip() for v in value.split(";") if v.strip()]

        age = row["age_max"].strip()
        if age and not age.isdigit():
            raise FormatError(f"line {line}: age_max: {age!r} is not a whole number")
        sources = []
        for chunk in row["sources"].split(" ; "):
            chunk = chunk.strip()
            if chunk:
                url, _, title = chunk.partition(" ")
                sources.append({"url": url, "title": title.strip()})
        return {
            "id": row["id"].strip(), "country": row["country"].strip(), "name": row["name"],
            "organisation": row["organisation"], "languages": split(row["languages"]),
            "timezone": row["timezone"].strip(), "hours": row["hours"].strip() or None,
            "topics": split(row["topics"]), "audience": split(row["audience"]),
            "age_max": int(age) if age else None, "free": _flag_value(row["free"], line, "free"),
            "anonymous": _flag_value(row["anonymous"], line, "anonymous"),
            "child_116111": bool(_flag_value(row["child_116111"], line, "child_116111")),
            "notes": row["notes"], "sources": sources, "verified": row["verified"].strip(), "contacts": [],
        }

    def write(self, records: list[HelplineRecord]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HELPLINE_COLUMNS + CSV_CONTACT_COLUMNS)
        for r in records:
            base = [r.id, r.country, r.name, r.organisation, ";".join(r.languages), r.timezone, r.hours or "",
                    ";".join(r.topics), ";".join(r.audience), "" if r.age_max is None else str(r.age_max),
                    _flag_text(r.free), _flag_text(r.anonymous), _flag_text(r.child_116111), r.notes,
                    " ; ".join(f"{s.url} {s.title}".strip() for s in r.sources), r.verified.isoformat()]
            for c in r.contacts:
                writer.writerow(base + [c.channel, c.value, c.hours or "", c.note])
        return out.getvalue()


def format_for(name: str | None, filename: str | None = None) -> HelplineFormat:
    """The format by name, or guessed from the file name's suffix."""
    if name:
        return registry.get(name)()
    for cls in registry:
        if filename and filename.lower().endswith(cls.suffix):
            return cls()
    raise KeyError(f"cannot tell the format of {filename!r}; name one of {', '.join(registry.names())}")
