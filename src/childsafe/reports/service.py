"""Report use cases: intake with automatic checks, and the analysts' case steps (each audited)."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from childsafe.accounts.service import Principal
from childsafe.core import audit
from childsafe.core.audit import SYSTEM_ACTOR
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.filtering import service as filtering
from childsafe.hashmatch import service as hashmatch
from childsafe.reports import forwarding
from childsafe.reports.case import AGE_BANDS, CLASSIFICATIONS, DESTINATIONS, CaseError, check
from childsafe.reports.models import Report

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_IMAGE = 10 * 1024 * 1024


def submit(session: Session, *, data_dir: Path, url: str = "", description: str = "", where_seen: str = "",
           age_band: str = "unknown", country: str = "", contact: str = "", language: str = "en",
           image: bytes | None = None, quarantine: tuple[str, int] | None = None,
           clock: Clock | None = None) -> Report:
    """File a report: validate, run the automatic checks, keep hashes of an image but never the image."""
    clock = clock or SystemClock()
    url, description = (url or "").strip(), " ".join((description or "").split())
    if not url and not description:
        raise InvalidInputError("give the address of what you saw, or describe it", field="url")
    canonical = hashmatch.canonical_url(url) if url else None
    if len(description) > 2000:
        raise InvalidInputError("the description is longer than 2000 characters", field="description")
    if age_band not in AGE_BANDS:
        raise InvalidInputError(f"age band must be one of {', '.join(AGE_BANDS)}", field="age_band")
    country = (country or "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInputError("country is a two-letter ISO code", field="country")
    contact = (contact or "").strip()
    if contact and (not EMAIL.match(contact) or len(contact) > 254):
        raise InvalidInputError("the contact is not an email address", field="contact")
    if image is not None and len(image) > MAX_IMAGE:
        raise InvalidInputError(f"the picture is larger than {MAX_IMAGE >> 20} MB", field="image")
    checks = hashmatch.check_content(session, data_dir, media=image, url=canonical, actor=SYSTEM_ACTOR)
    host = urlsplit(canonical).hostname if canonical else None
    checks["categories"] = filtering.categories_for(session, data_dir, host) if host else {}
    report = Report(reference=secrets.token_urlsafe(9)[:12], received_at=clock.now(), language=language[:5],
                    url=canonical, description=description, where_seen=" ".join(where_seen.split())[:200],
                    age_band=age_band, country=country or None, contact=contact or None,
                    media_hashes=checks.pop("hashes"), checks=checks, status="new")
    session.add(report)
    session.flush()
    if image and quarantine:  # only when an administrator turned quarantine on: (secret, days)
        from childsafe.reports import quarantine as vault  # noqa: PLC0415

        vault.store(session, report.id, image, secret=quarantine[0], now=clock.now(), days=quarantine[1])
    audit.record(session, SYSTEM_ACTOR, "reports.receive", "report", report.id,
                 {"matches": len(checks["matches"]), "categories": sorted(checks["categories"])}, clock)
    return report


def queue(session: Session, *, status: str | None = None, limit: int = 100) -> list[Report]:
    query = select(Report).order_by(Report.received_at)
    query = query.where(Report.status == status) if status else query.where(Report.status != "closed")
    return list(session.scalars(query.limit(limit)))


def get(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFoundError("no such report", field="report_id")
    return report


def _step(session: Session, report: Report, step: str, principal: Principal, details: dict[str, Any],
          clock: Clock) -> None:
    try:
        check(step, report.status)
    except CaseError as exc:
        raise ConflictError(str(exc), field="status") from None
    audit.record(session, principal.actor, f"reports.{step}", "report", report.id, details, clock)


def claim(session: Session, report_id: int, *, principal: Principal, clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    if report.status == "claimed" and report.claimed_by not in (None, principal.user_id):
        raise ConflictError("another analyst has claimed this report", field="status")
    _step(session, report, "claim", principal, {}, clock)
    report.status, report.claimed_by = "claimed", principal.user_id
    return report


def assess(session: Session, report_id: int, *, classification: str, hosting_country: str = "", note: str = "",
           principal: Principal, clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    if classification not in CLASSIFICATIONS:
        raise InvalidInputError(f"classification is one of {', '.join(CLASSIFICATIONS)}", field="classification")
    hosting_country = hosting_country.strip().upper()
    if hosting_country and not re.fullmatch(r"[A-Z]{2}", hosting_country):
        raise InvalidInputError("hosting country is a two-letter ISO code", field="hosting_country")
    _step(session, report, "assess", principal, {"classification": classification,
                                                 "hosting_country": hosting_country}, clock)
    report.status, report.classification = "assessed", classification
    report.hosting_country, report.assessed_at = hosting_country or None, clock.now()
    report.analyst_note = note.strip()[:4000]
    return report


def forward(session: Session, report_id: int, *, destination: str, principal: Principal,
            clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    if destination not in DESTINATIONS:
        raise InvalidInputError(f"destination is one of {', '.join(DESTINATIONS)}", field="destination")
    _step(session, report, "forward", principal, {"destination": destination}, clock)
    report.status, report.forwarded_to, report.forwarded_at = "forwarded", destination, clock.now()
    forwarding.enqueue(session, report, destination, clock.now())
    return report


def mark_removed(session: Session, report_id: int, *, principal: Principal, clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    _step(session, report, "removed", principal, {}, clock)
    report.status, report.removed_at = "removed", clock.now()
    return report


def close(session: Session, report_id: int, *, principal: Principal, clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    _step(session, report, "close", principal, {}, clock)
    report.status, report.closed_at = "closed", clock.now()
    return report


def reopen(session: Session, report_id: int, *, principal: Principal, clock: Clock | None = None) -> Report:
    clock = clock or SystemClock()
    report = get(session, report_id)
    _step(session, report, "reopen", principal, {}, clock)
    report.status, report.closed_at = ("removed" if report.removed_at else "forwarded" if report.forwarded_at
                                       else "assessed"), None
    return report


def apply_retention(session: Session, now: datetime, days: int = 90) -> int:
    """Reporters' personal data (the optional contact) goes after `days`; the case itself stays."""
    result = session.execute(update(Report).where(Report.received_at < now - timedelta(days=days),
                                                  Report.contact.is_not(None)).values(contact=None))
    return result.rowcount or 0


def yearly_outcomes(session: Session, year: int) -> dict[str, Any]:
    """For the statistics feature: reports received in a calendar year (UTC) by classification (unassessed as
    "not_assessed"), and the days from receipt to confirmed removal of those removed."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    by_classification: Counter[str] = Counter()
    removal_days: list[float] = []
    for classification, received, removed in session.execute(
            select(Report.classification, Report.received_at, Report.removed_at).where(
                Report.received_at >= start, Report.received_at < end)):
        by_classification[classification or "not_assessed"] += 1
        if removed is not None:
            removal_days.append((removed - received).total_seconds() / 86400)
    return {"by_classification": dict(by_classification), "removal_days": sorted(removal_days)}
