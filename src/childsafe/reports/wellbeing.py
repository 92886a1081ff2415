"""Reviewer wellbeing: when to remind an analyst to take a break (time on shift, pictures revealed).

Hotline practice (INHOPE's and the IWF's published welfare guidance) is to limit continuous exposure and take
regular breaks; the thresholds are settings because each hotline's welfare policy sets its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Reminder:
    minutes: int  # signed in for this long
    reveals: int  # pictures revealed since signing in
    due: bool  # a break is due now


def reminder(signed_in_at: datetime | None, now: datetime, reveals: int, *, every_minutes: int,
             reveals_limit: int) -> Reminder | None:
    """None before the session is known; otherwise how long the analyst has been at it, and whether to stop."""
    if signed_in_at is None:
        return None
    minutes = max(0, int((now - signed_in_at).total_seconds() // 60))
    return Reminder(minutes=minutes, reveals=reveals, due=minutes >= every_minutes or reveals >= reveals_limit)
