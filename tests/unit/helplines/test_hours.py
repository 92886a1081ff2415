"""Opening hours: parsing errors name the faulty part; evaluation is right across midnight and DST changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from childsafe.helplines.hours import HoursError, is_open, next_change, parse, weekly_summary

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_always_open() -> None:
    hours = parse("24/7")
    assert hours.always
    assert is_open(hours, BERLIN, utc(2026, 3, 29, 1, 30))
    assert next_change(hours, BERLIN, utc(2026, 3, 29, 1, 30)) is None


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"),
    ("Mo-Fr", "DAYS TIMES"),
    ("Xx 10:00-12:00", "'Xx'"),
    ("Mo 25:00-26:00", "out of range"),
    ("Mo 10:00-10:00", "same time"),
    ("Mo 10-12", "'10-12'"),
    ("PH off", "'PH'"),
])
def test_errors_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(HoursError, match=fragment):
        parse(text)


def test_weekday_hours_in_local_time() -> None:
    hours = parse("Mo-Sa 14:00-20:00")
    # Tuesday 24 Nov 2026: Berlin is UTC+1
    assert not is_open(hours, BERLIN, utc(2026, 11, 24, 12, 59))
    assert is_open(hours, BERLIN, utc(2026, 11, 24, 13, 0))
    assert not is_open(hours, BERLIN, utc(2026, 11, 24, 19, 0))
    assert next_change(hours, BERLIN, utc(2026, 11, 24, 10, 0)) == datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN)
    # Sunday closed: next opening is Monday 14:00
    assert next_change(hours, BERLIN, utc(2026, 11, 29, 12, 0)).astimezone(UTC) == utc(2026, 11, 30, 13, 0)


def test_span_past_midnight_belongs_to_previous_day() -> None:
    hours = parse("Fr 22:00-02:00")
    assert is_open(hours, BERLIN, utc(2026, 11, 27, 21, 30))  # Fri 22:30 local
    assert is_open(hours, BERLIN, utc(2026, 11, 28, 0, 30))  # Sat 01:30 local
    assert not is_open(hours, BERLIN, utc(2026, 11, 28, 1, 30))  # Sat 02:30 local


def test_touching_spans_close_at_the_end_of_the_run() -> None:
    hours = parse("Mo-Su 20:00-24:00,00:00-02:00")
    change = next_change(hours, BERLIN, utc(2026, 11, 24, 22, 0))  # Tue 23:00 local, open
    assert change == datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)


def test_later_rule_replaces_earlier_for_its_days() -> None:
    hours = parse("Mo-Su 09:00-17:00; Su off")
    assert hours.week[6] == ()
    assert [s.start for s in hours.week[0]] == [9 * 60]


def test_dst_spring_forward_in_berlin() -> None:
    # 29 March 2026: clocks go from 02:00 to 03:00 in Berlin. A 08:00-10:00 line opens at 06:00 UTC, not 07:00.
    hours = parse("Su 08:00-10:00")
    assert is_open(hours, BERLIN, utc(2026, 3, 29, 6, 0))
    assert not is_open(hours, BERLIN, utc(2026, 3, 29, 8, 0))
    # the Sunday before, still winter time: opens at 07:00 UTC
    assert not is_open(hours, BERLIN, utc(2026, 3, 22, 6, 30))
    assert is_open(hours, BERLIN, utc(2026, 3, 22, 7, 0))


def test_dst_fall_back_in_new_york() -> None:
    # 1 Nov 2026: New York goes from EDT (UTC-4) to EST (UTC-5).
    hours = parse("Su 09:00-17:00")
    assert is_open(hours, NEW_YORK, utc(2026, 11, 1, 14, 0))  # 09:00 EST
    assert not is_open(hours, NEW_YORK, utc(2026, 11, 1, 13, 30))  # 08:30 EST
    assert is_open(hours, NEW_YORK, utc(2026, 10, 25, 13, 30))  # a week earlier, 09:30 EDT


def test_next_change_when_never_open() -> None:
    hours = parse("Mo-Su off")
    assert hours.never
    assert not is_open(hours, BERLIN, utc(2026, 1, 1))
    assert next_change(hours, BERLIN, utc(2026, 1, 1)) is None


def test_weekly_summary_groups_days() -> None:
    groups = weekly_summary(parse("Mo-Fr 08:00-20:00; Sa 10:00-14:00"))
    assert [(a, b) for a, b, _ in groups] == [(0, 4), (5, 5), (6, 6)]


spans = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]), st.integers(1, 23 * 60))


@given(st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]), spans,
       st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)))
def test_next_change_flips_state(day: str, span: tuple[int, int, int], at: datetime) -> None:
    hour, minute, length = span
    end = hour * 60 + minute + length
    text = f"{day} {hour:02d}:{minute:02d}-{(end // 60) % 24:02d}:{end % 60:02d}"
    hours = parse(text)
    change = next_change(hours, BERLIN, at)
    assert change is not None and change > at
    before = is_open(hours, BERLIN, at)
    assert is_open(hours, BERLIN, change) != before
