"""Opening hours: a strict subset of the OpenStreetMap opening_hours syntax, evaluated in the helpline's zone.

Supported: "24/7"; rules "DAYS TIMES" separated by ";", where DAYS is Mo..Su, ranges (Mo-Fr, Sa-Mo) and lists
(Mo,We,Fr), and TIMES is comma-separated HH:MM-HH:MM spans (24:00 allowed as an end, spans past midnight such as
22:00-02:00 continue into the next day) or "off". As in OSM, a later rule replaces earlier ones for its days.
Public holidays (PH) and dates are not supported and are rejected, rather than silently misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_DAY_TOKEN = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


class HoursError(ValueError):
    """The opening-hours text cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Span:
    start: int  # minutes after local midnight
    end: int  # may exceed 1440 when the span runs past midnight


@dataclass(frozen=True)
class OpeningHours:
    always: bool
    week: tuple[tuple[Span, ...], ...]  # seven entries, Monday first
    text: str

    @property
    def never(self) -> bool:
        return not self.always and not any(self.week)


def _parse_days(token: str) -> list[int]:
    days: list[int] = []
    for part in token.split(","):
        match = _DAY_TOKEN.match(part)
        if not match:
            raise HoursError(f"{part!r} is not a day or day range (use Mo Tu We Th Fr Sa Su, e.g. Mo-Fr)")
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        span = (last - first) % 7
        days.extend((first + i) % 7 for i in range(span + 1))
    return days


def _parse_times(token: str) -> list[Span]:
    if token == "off":
        return []
    spans = []
    for part in token.split(","):
        match = _TIME_SPAN.match(part)
        if not match:
            raise HoursError(f"{part!r} is not a time span (use HH:MM-HH:MM)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise HoursError(f"{part!r} has a time out of range")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end == start:
            raise HoursError(f"{part!r} opens and closes at the same time")
        if end < start:
            end += 24 * 60
        spans.append(Span(start, end))
    return spans


def parse(text: str) -> OpeningHours:
    """Read an opening-hours text, raising HoursError that names the faulty part."""
    if not isinstance(text, str) or not text.strip():
        raise HoursError("opening hours are empty")
    cleaned = " ".join(text.split())
    if len(cleaned) > 300:
        raise HoursError("opening hours are longer than 300 characters")
    if cleaned == "24/7":
        return OpeningHours(True, tuple(() for _ in DAYS), cleaned)
    week: list[tuple[Span, ...]] = [() for _ in DAYS]
    for rule in cleaned.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        parts = rule.split(" ")
        if len(parts) != 2:
            raise HoursError(f"rule {rule!r} should be 'DAYS TIMES', e.g. 'Mo-Fr 08:00-20:00'")
        days = _parse_days(parts[0])
        spans = tuple(sorted(_parse_times(parts[1]), key=lambda s: s.start))
        for day in days:
            week[day] = spans
    return OpeningHours(False, tuple(week), cleaned)


def _spans_around(hours: OpeningHours, zone: ZoneInfo, local_day: date, days: int) -> list[tuple[datetime, datetime]]:
    """Concrete open intervals (aware datetimes) starting on the given local days, DST handled by the zone."""
    intervals = []
    for offset in range(-1, days):
        day = local_day + timedelta(days=offset)
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        for span in hours.week[day.weekday()]:
            start = midnight + timedelta(minutes=span.start)
            end = midnight + timedelta(minutes=span.end)
            # wall-clock arithmetic: normalise through UTC so offsets follow the zone on each side of a DST change
            intervals.append((_wall(start, zone), _wall(end, zone)))
    return intervals


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    naive = moment.replace(tzinfo=None)
    return naive.replace(tzinfo=zone)


def is_open(hours: OpeningHours, zone: ZoneInfo, at: datetime) -> bool:
    if hours.always:
        return True
    local = at.astimezone(zone)
    return any(start <= at < end for start, end in _spans_around(hours, zone, local.date(), 1))


def next_change(hours: OpeningHours, zone: ZoneInfo, at: datetime) -> datetime | None:
    """When the service next opens (if closed) or closes (if open); None if always open or never opens."""
    if hours.always or hours.never:
        return None
    local = at.astimezone(zone)
    intervals = sorted(_spans_around(hours, zone, local.date(), 9))
    # merge touching intervals so a 20:00-24:00 followed by 00:00-02:00 closes at 02:00
    merged: list[list[datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        if start <= at < end:
            return end
        if start > at:
            return start
    return None


def weekly_summary(hours: OpeningHours) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Consecutive days with the same spans grouped: [(first_day, last_day, spans)], Monday = 0."""
    groups: list[tuple[int, int, tuple[Span, ...]]] = []
    for day, spans in enumerate(hours.week):
        if groups and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))
    return groups
