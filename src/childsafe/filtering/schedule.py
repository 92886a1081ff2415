"""Schedules (bedtime, school hours) and daily time budgets, evaluated in the household's local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

DAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = re.compile(r"^(\d{2}):(\d{2})$")
_DAYS = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
MODES = ("allowlist_only", "block")


class ScheduleError(ValueError):
    """A schedule or budget cannot be used; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def parse_days(text: Any, field: str = "days") -> frozenset[int]:
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError(field, "give days such as Mo-Fr or Sa,Su")
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        match = _DAYS.match(part)
        if not match:
            raise ScheduleError(field, f"{part!r} is not a day or day range (Mo Tu We Th Fr Sa Su)")
        first = DAY_NAMES.index(match.group(1))
        last = DAY_NAMES.index(match.group(2)) if match.group(2) else first
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    return frozenset(days)


def parse_time(text: Any, field: str) -> int:
    match = _TIME.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59 or (
            int(match.group(1)) == 24 and int(match.group(2)) != 0):
        raise ScheduleError(field, f"{text!r} is not a time HH:MM")
    return int(match.group(1)) * 60 + int(match.group(2))


@dataclass(frozen=True)
class ScheduleRule:
    """Active on `days` from `start` to `end` (minutes; an end before the start runs past midnight)."""

    name: str
    days: frozenset[int]
    start: int
    end: int
    mode: str  # allowlist_only | block
    categories: frozenset[str] = frozenset()

    def active(self, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute
        today = local.weekday()
        if self.start < self.end:
            return today in self.days and self.start <= minute < self.end
        # overnight: the evening part belongs to the listed day, the morning part to the day after it
        return (today in self.days and minute >= self.start) or ((today - 1) % 7 in self.days and minute < self.end)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "days": ",".join(DAY_NAMES[d] for d in sorted(self.days)),
                "start": f"{self.start // 60:02d}:{self.start % 60:02d}",
                "end": f"{self.end // 60:02d}:{self.end % 60:02d}", "mode": self.mode,
                "categories": sorted(self.categories)}


@dataclass(frozen=True)
class Budget:
    """At most `minutes` of `category` a day on `days`."""

    category: str
    minutes: int
    days: frozenset[int]

    def applies(self, local: datetime) -> bool:
        return local.weekday() in self.days

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "minutes": self.minutes,
                "days": ",".join(DAY_NAMES[d] for d in sorted(self.days))}


def parse_schedule(raw: Any, position: int = 0) -> ScheduleRule:
    where = f"schedules[{position}]"
    if not isinstance(raw, dict):
        raise ScheduleError(where, "must be an object with name, days, start, end and mode")
    name = raw.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 60:
        raise ScheduleError(f"{where}.name", "needs a name of 1 to 60 characters")
    mode = raw.get("mode", "allowlist_only")
    if mode not in MODES:
        raise ScheduleError(f"{where}.mode", f"must be one of {', '.join(MODES)}")
    start = parse_time(raw.get("start"), f"{where}.start")
    end = parse_time(raw.get("end"), f"{where}.end")
    if start == end:
        raise ScheduleError(f"{where}.end", "must differ from the start")
    categories = raw.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ScheduleError(f"{where}.categories", "must be a list of category names")
    if mode == "block" and not categories:
        raise ScheduleError(f"{where}.categories", "a block schedule names the categories it blocks")
    return ScheduleRule(name.strip(), parse_days(raw.get("days"), f"{where}.days"), start, end % 1440 or 1440,
                        mode, frozenset(categories))


def parse_budget(raw: Any, position: int = 0) -> Budget:
    where = f"budgets[{position}]"
    if not isinstance(raw, dict):
        raise ScheduleError(where, "must be an object with category, minutes and days")
    category = raw.get("category")
    if not isinstance(category, str) or not category:
        raise ScheduleError(f"{where}.category", "is required")
    minutes = raw.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 1440:
        raise ScheduleError(f"{where}.minutes", "must be a whole number of minutes from 0 to 1440")
    return Budget(category, minutes, parse_days(raw.get("days", "Mo-Su"), f"{where}.days"))


class UsageTracker:
    """Minutes of use per (profile, category, local day), counted as distinct minutes with a query.

    Only the current and previous day are kept; nothing else about the child's browsing is recorded.
    """

    def __init__(self) -> None:
        self._minutes: dict[tuple[int, str, str], set[int]] = {}

    def touch(self, profile_id: int, category: str, local: datetime) -> None:
        key = (profile_id, category, local.date().isoformat())
        self._minutes.setdefault(key, set()).add(local.hour * 60 + local.minute)

    def used(self, profile_id: int, local: datetime) -> dict[str, int]:
        day = local.date().isoformat()
        return {cat: len(minutes) for (pid, cat, d), minutes in self._minutes.items() if pid == profile_id and d == day}

    def forget_before(self, day_iso: str) -> None:
        for key in [k for k in self._minutes if k[2] < day_iso]:
            del self._minutes[key]
