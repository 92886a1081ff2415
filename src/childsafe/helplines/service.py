"""Helpline use cases: find help, list countries, edit records, import and export (all audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import InvalidInputError, NotFoundError
from childsafe.helplines.dataset import (Contact, HelplineRecord, RecordError, Source, bundled_raw, validate_all,
                                         validate_record)
from childsafe.helplines.emergency import emergency_numbers
from childsafe.helplines.models import Helpline, HelplineContact
from childsafe.helplines.routing import HelpQuery, RankedHelpline, rank


@dataclass(frozen=True)
class CountrySummary:
    code: str
    helplines: int
    child_116111: bool
    channels: tuple[str, ...]


@dataclass(frozen=True)
class HelpResult:
    country: str | None
    helplines: list[RankedHelpline]
    emergency: tuple[str, ...]
    child_116111: bool


def to_record(row: Helpline) -> HelplineRecord:
    return HelplineRecord(
        id=row.id, country=row.country, name=row.name, organisation=row.organisation,
        languages=tuple(row.languages), timezone=row.timezone, hours=row.hours, topics=tuple(row.topics),
        audience=tuple(row.audience), age_max=row.age_max, free=row.free, anonymous=row.anonymous,
        child_116111=row.child_116111,
        contacts=tuple(Contact(c.channel, c.value, c.e164, c.hours, c.note) for c in row.contacts),
        notes=row.notes, sources=tuple(Source(s["url"], s.get("title", "")) for s in row.sources),
        verified=row.verified)


def _apply(row: Helpline, record: HelplineRecord, now: datetime) -> None:
    row.country = record.country
    row.name = record.name
    row.organisation = record.organisation
    row.languages = list(record.languages)
    row.timezone = record.timezone
    row.hours = record.hours
    row.topics = list(record.topics)
    row.audience = list(record.audience)
    row.age_max = record.age_max
    row.free = record.free
    row.anonymous = record.anonymous
    row.child_116111 = record.child_116111
    row.notes = record.notes
    row.sources = [{"url": s.url, "title": s.title} for s in record.sources]
    row.verified = record.verified
    row.updated_at = now
    row.contacts = [HelplineContact(position=i, channel=c.channel, value=c.value, e164=c.e164, hours=c.hours,
                                    note=c.note) for i, c in enumerate(record.contacts)]


def _invalid(exc: RecordError) -> InvalidInputError:
    return InvalidInputError(str(exc), field=exc.field)


def get_helpline(session: Session, helpline_id: str) -> HelplineRecord:
    row = session.get(Helpline, helpline_id)
    if row is None:
        raise NotFoundError(f"no helpline with id {helpline_id!r}", field="id")
    return to_record(row)


def exists(session: Session, helpline_id: str) -> bool:
    return session.get(Helpline, helpline_id) is not None


def list_records(session: Session, country: str | None = None) -> list[HelplineRecord]:
    query = select(Helpline).order_by(Helpline.country, Helpline.id)
    if country:
        query = query.where(Helpline.country == country)
    return [to_record(r) for r in session.scalars(query)]


def find_help(session: Session, query: HelpQuery, clock: Clock | None = None) -> HelpResult:
    now = (clock or SystemClock()).now()
    records = list_records(session, query.country) if query.country else []
    ranked = rank(records, query, now)
    return HelpResult(
        country=query.country, helplines=ranked,
        emergency=emergency_numbers(query.country) if query.country else (),
        child_116111=any(r.child_116111 for r in records))


def list_countries(session: Session) -> list[CountrySummary]:
    rows = session.execute(select(Helpline.country, Helpline.child_116111, HelplineContact.channel)
                           .join(HelplineContact, isouter=True)).all()
    grouped: dict[str, dict[str, Any]] = {}
    for country, child, channel in rows:
        entry = grouped.setdefault(country, {"child": False, "channels": set()})
        entry["child"] = entry["child"] or bool(child)
        if channel:
            entry["channels"].add(channel)
    counts = dict(session.execute(select(Helpline.country, func.count()).group_by(Helpline.country)).all())
    return [CountrySummary(code, counts[code], grouped[code]["child"], tuple(sorted(grouped[code]["channels"])))
            for code in sorted(grouped)]


def save_helpline(session: Session, raw: dict[str, Any], *, actor: Actor, expected_id: str | None = None,
                  clock: Clock | None = None) -> HelplineRecord:
    """Create or replace one helpline from a raw record; the audit entry lists the fields that changed."""
    clock = clock or SystemClock()
    try:
        record = validate_record(raw, today=clock.now().date())
    except RecordError as exc:
        raise _invalid(exc) from None
    if expected_id is not None and record.id != expected_id:
        raise InvalidInputError("the id in the record does not match the address", field="id")
    row = session.get(Helpline, record.id)
    before = to_record(row).as_dict() if row else None
    if row is None:
        row = Helpline(id=record.id)
        session.add(row)
    _apply(row, record, clock.now())
    session.flush()
    after = record.as_dict()
    changed = sorted(k for k in after if before is None or before.get(k) != after[k])
    audit.record(session, actor, "helplines.create" if before is None else "helplines.update", "helpline",
                 record.id, {"changed": changed, "before": {k: before[k] for k in changed} if before else None},
                 clock)
    return record


def delete_helpline(session: Session, helpline_id: str, *, actor: Actor, clock: Clock | None = None) -> None:
    row = session.get(Helpline, helpline_id)
    if row is None:
        raise NotFoundError(f"no helpline with id {helpline_id!r}", field="id")
    snapshot = to_record(row).as_dict()
    session.delete(row)
    audit.record(session, actor, "helplines.delete", "helpline", helpline_id, {"before": snapshot}, clock)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    removed: int


def import_records(session: Session, raws: list[Any], *, actor: Actor, replace: bool = False,
                   source: str = "", clock: Clock | None = None, today: date | None = None) -> ImportSummary:
    """Validate everything first, then write: a bad record anywhere means nothing changes."""
    clock = clock or SystemClock()
    try:
        records = validate_all(raws, today=today or clock.now().date())
    except RecordError as exc:
        raise _invalid(exc) from None
    now = clock.now()
    existing = {r.id: r for r in session.scalars(select(Helpline))}
    created = updated = unchanged = 0
    for record in records:
        row = existing.get(record.id)
        if row is None:
            row = Helpline(id=record.id)
            session.add(row)
            created += 1
        elif to_record(row) == record:
            unchanged += 1
            continue
        else:
            updated += 1
        _apply(row, record, now)
    removed = 0
    if replace:
        stale = set(existing) - {r.id for r in records}
        if stale:
            removed = session.execute(delete(Helpline).where(Helpline.id.in_(stale))).rowcount or 0
    session.flush()
    summary = ImportSummary(created, updated, unchanged, removed)
    audit.record(session, actor, "helplines.import", "dataset", source or "import",
                 {"created": created, "updated": updated, "unchanged": unchanged, "removed": removed,
                  "replace": replace}, clock)
    return summary


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Helpline)) or 0


def load_bundled_if_empty(session: Session, *, actor: Actor, clock: Clock | None = None) -> ImportSummary | None:
    if count(session):
        return None
    return import_records(session, bundled_raw(), actor=actor, source="bundled", clock=clock)
