"""Break reminders for analysts: by time signed in, or by pictures revealed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from childsafe.reports.wellbeing import reminder

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_no_session_no_reminder() -> None:
    assert reminder(None, START, 0, every_minutes=50, reveals_limit=20) is None


def test_due_after_the_time_limit() -> None:
    early = reminder(START, START + timedelta(minutes=49, seconds=59), 0, every_minutes=50, reveals_limit=20)
    assert early is not None and early.minutes == 49 and not early.due
    late = reminder(START, START + timedelta(minutes=50), 0, every_minutes=50, reveals_limit=20)
    assert late is not None and late.due


def test_due_after_many_pictures_even_early() -> None:
    assert reminder(START, START + timedelta(minutes=5), 20, every_minutes=50, reveals_limit=20).due
    assert not reminder(START, START + timedelta(minutes=5), 19, every_minutes=50, reveals_limit=20).due


def test_clock_skew_never_gives_negative_minutes() -> None:
    assert reminder(START, START - timedelta(minutes=3), 0, every_minutes=50, reveals_limit=20).minutes == 0
