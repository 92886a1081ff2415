"""Helpline contact records (no names), their validation, and the yearly export in the framework's shape."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.accounts.service import Principal
from childsafe.core import audit
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import InvalidInputError
from childsafe.reports import taxonomy
from childsafe.reports.models import Contact


def _one(values: dict[str, Any], key: str, allowed: dict[str, str], default: str | None = None) -> str:
    value = values.get(key, default)
    if value not in allowed:
        raise InvalidInputError(f"{key} must be one of {', '.join(allowed)}", field=key)
    return str(value)


def _many(values: dict[str, Any], key: str, allowed: list[str] | dict[str, str], required: bool) -> list[str]:
    items = values.get(key) or []
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list) or any(i not in allowed for i in items):
        raise InvalidInputError(f"{key} lists values from: {', '.join(allowed)}", field=key)
    if required and not items:
        raise InvalidInputError(f"choose at least one of {key}", field=key)
    return sorted(set(items))


def record(session: Session, values: dict[str, Any], *, principal: Principal, clock: Clock | None = None) -> Contact:
    clock = clock or SystemClock()
    minutes = values.get("minutes")
    if minutes in ("", None):
        minutes = None
    else:
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            raise InvalidInputError("minutes is a whole number", field="minutes") from None
        if not 0 <= minutes <= 600:
            raise InvalidInputError("minutes is 0 to 600", field="minutes")
    contact = Contact(
        recorded_at=clock.now(), recorded_by=principal.user_id, taxonomy_version=taxonomy.VERSION,
        channel=_one(values, "channel", taxonomy.CHANNELS), caller=_one(values, "caller", taxonomy.CALLERS),
        age_band=_one(values, "age_band", taxonomy.AGE_BANDS, "unknown"),
        gender=_one(values, "gender", taxonomy.GENDERS, "unknown"),
        categories=_many(values, "categories", taxonomy.codes(), True),
        actions=_many(values, "actions", taxonomy.ACTIONS, False),
        referrals=_many(values, "referrals", taxonomy.REFERRALS, False), minutes=minutes)
    session.add(contact)
    session.flush()
    audit.record(session, principal.actor, "contacts.record", "contact", contact.id,
                 {"categories": contact.categories}, clock)
    return contact


def recent(session: Session, limit: int = 50) -> list[Contact]:
    return list(session.scalars(select(Contact).order_by(Contact.recorded_at.desc()).limit(limit)))


def yearly(session: Session, year: int) -> dict[str, Any]:
    """Counts for one calendar year (UTC), by category and subcategory, channel, caller, age band and gender."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = list(session.scalars(select(Contact).where(Contact.recorded_at >= start, Contact.recorded_at < end)))
    by_category: Counter[str] = Counter()
    by_sub: Counter[str] = Counter()
    for row in rows:
        for code in row.categories:
            by_sub[code] += 1
        for category in {code.split("/")[0] for code in row.categories}:
            by_category[category] += 1
    return {
        "framework": "childsafe-contacts", "taxonomy_version": taxonomy.VERSION, "year": year,
        "contacts": len(rows), "by_category": dict(sorted(by_category.items())),
        "by_subcategory": dict(sorted(by_sub.items())),
        **{f"by_{key}": dict(sorted(Counter(getattr(r, key) for r in rows).items()))
           for key in ("channel", "caller", "age_band", "gender")},
    }


def crosstab(session: Session, year: int, by: str) -> dict[tuple[str, str], int]:
    """Contacts in a calendar year (UTC) counted by top-level category and one of age_band, gender, channel or
    caller; a contact about several categories counts once in each (for the statistics feature)."""
    if by not in ("age_band", "gender", "channel", "caller"):
        raise InvalidInputError("by is one of age_band, gender, channel, caller", field="by")
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    counts: Counter[tuple[str, str]] = Counter()
    for categories, value in session.execute(select(Contact.categories, getattr(Contact, by)).where(
            Contact.recorded_at >= start, Contact.recorded_at < end)):
        for category in {code.split("/")[0] for code in categories}:
            counts[(category, value)] += 1
    return dict(counts)
