"""Filtering decisions: each rule in its documented order, with the reason a child will be shown."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from childsafe.filtering.policy import PRESETS, Profile, SafeSearchSettings, decide
from childsafe.filtering.schedule import (Budget, ScheduleError, UsageTracker, parse_budget, parse_days,
                                          parse_schedule)

BERLIN = ZoneInfo("Europe/Berlin")
AFTERNOON = datetime(2026, 11, 24, 16, 0, tzinfo=BERLIN)  # Tuesday
NIGHT = datetime(2026, 11, 24, 22, 0, tzinfo=BERLIN)
EARLY = datetime(2026, 11, 25, 6, 30, tzinfo=BERLIN)  # Wednesday morning
BEDTIME = parse_schedule({"name": "bedtime", "days": "Mo-Su", "start": "21:00", "end": "07:00",
                          "mode": "allowlist_only"})
CHILD = Profile(1, "tablet", "Europe/Berlin", "9_12", PRESETS["9_12"], allow=frozenset({"school.example"}),
                block=frozenset({"annoying.example"}), schedules=(BEDTIME,))


def test_categories_block_and_explain() -> None:
    d = decide(CHILD, "www.casino.example", {"gambling": "black"}, AFTERNOON)
    assert (d.action, d.reason, d.detail) == ("block", "category", "gambling")
    assert decide(CHILD, "news.example", {}, AFTERNOON).action == "allow"


def test_allow_beats_block_and_white_beats_categories() -> None:
    assert decide(CHILD, "school.example", {"adult": "black"}, AFTERNOON).reason == "allowlist"
    d = decide(CHILD, "health.example", {"adult": "black", "sexual_education": "white"}, AFTERNOON)
    assert (d.action, d.reason) == ("allow", "white")
    assert decide(CHILD, "a.annoying.example", {"child": "white"}, AFTERNOON).reason == "list"


def test_safe_search_and_unforceable_engines() -> None:
    d = decide(CHILD, "www.google.de", {}, AFTERNOON)
    assert (d.action, d.target) == ("cname", "forcesafesearch.google.com")
    assert decide(CHILD, "www.bing.com", {}, AFTERNOON).target == "strict.bing.com"
    assert decide(CHILD, "duckduckgo.com", {}, AFTERNOON).target == "safe.duckduckgo.com"
    assert decide(CHILD, "www.youtube.com", {}, AFTERNOON).target == "restrictmoderate.youtube.com"
    strict = Profile(2, "x", safe_search=SafeSearchSettings(youtube="strict"))
    assert decide(strict, "m.youtube.com", {}, AFTERNOON).target == "restrict.youtube.com"
    off = Profile(3, "x", safe_search=SafeSearchSettings(search=False, youtube="off"))
    assert decide(off, "www.google.de", {}, AFTERNOON).action == "allow"
    assert decide(CHILD, "search.brave.com", {}, AFTERNOON).reason == "unforceable"


def test_bypass_protection_and_canary() -> None:
    assert decide(CHILD, "use-application-dns.net", {}, AFTERNOON).action == "nxdomain"
    assert decide(CHILD, "dns.example", {"doh": "black"}, AFTERNOON).reason == "bypass"
    open_profile = Profile(4, "x", blocked_categories=frozenset(), bypass_protection=False)
    assert decide(open_profile, "dns.example", {"doh": "black"}, AFTERNOON).action == "allow"
    assert decide(open_profile, "use-application-dns.net", {}, AFTERNOON).action == "allow"


def test_bedtime_only_allowlist_resolves() -> None:
    assert decide(CHILD, "news.example", {}, NIGHT).reason == "schedule"
    assert decide(CHILD, "news.example", {}, EARLY).reason == "schedule"
    assert decide(CHILD, "school.example", {}, NIGHT).action == "allow"
    assert decide(CHILD, "news.example", {}, datetime(2026, 11, 25, 7, 0, tzinfo=BERLIN)).action == "allow"


def test_daily_budget() -> None:
    budget = Budget("games", 60, parse_days("Mo-Fr"))
    profile = Profile(5, "x", blocked_categories=frozenset(), budgets=(budget,))
    tracker = UsageTracker()
    for minute in range(60):
        assert decide(profile, "game.example", {"games": "black"}, AFTERNOON,
                      tracker.used(5, AFTERNOON)).action == "allow"
        tracker.touch(5, "games", AFTERNOON.replace(minute=minute))
    assert decide(profile, "game.example", {"games": "black"}, AFTERNOON, tracker.used(5, AFTERNOON)).reason == "budget"
    saturday = datetime(2026, 11, 28, 16, 0, tzinfo=BERLIN)
    assert decide(profile, "game.example", {"games": "black"}, saturday, tracker.used(5, saturday)).action == "allow"


def test_nxdomain_mode() -> None:
    profile = Profile(6, "x", block_mode="nxdomain")
    assert decide(profile, "casino.example", {"gambling": "black"}, AFTERNOON).action == "nxdomain"


@pytest.mark.parametrize("raw, field", [
    ({"name": "", "days": "Mo", "start": "10:00", "end": "11:00"}, "schedules[0].name"),
    ({"name": "x", "days": "Funday", "start": "10:00", "end": "11:00"}, "schedules[0].days"),
    ({"name": "x", "days": "Mo", "start": "25:00", "end": "11:00"}, "schedules[0].start"),
    ({"name": "x", "days": "Mo", "start": "10:00", "end": "10:00"}, "schedules[0].end"),
    ({"name": "x", "days": "Mo", "start": "10:00", "end": "11:00", "mode": "party"}, "schedules[0].mode"),
    ({"name": "x", "days": "Mo", "start": "10:00", "end": "11:00", "mode": "block"}, "schedules[0].categories"),
    ("bedtime", "schedules[0]"),
])
def test_invalid_schedules_name_the_field(raw, field: str) -> None:  # noqa: ANN001
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(raw)
    assert caught.value.field == field


def test_invalid_budget() -> None:
    with pytest.raises(ScheduleError, match="minutes"):
        parse_budget({"category": "games", "minutes": -5})
