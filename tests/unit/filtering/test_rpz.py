"""The RPZ zone text for a profile: what is blocked, passed through and rewritten."""

from datetime import UTC, datetime

from childsafe.filtering.policy import Profile, SafeSearchSettings
from childsafe.filtering.rpz import zone

NAMES = [("casino.example", "gambling"), ("kids.example", "child"), ("casino.example", "child_overlap"),
         ("both.example", "gambling"), ("both.example", "child"), ("vpn.example", "vpn"), ("news.example", "news")]
USAGE = {"gambling": "black", "child": "white", "child_overlap": "black", "vpn": "black", "news": "black"}


def lines(profile: Profile, **kw: object) -> list[str]:
    return list(zone(profile, NAMES, USAGE, origin="rpz.test.", serial=datetime(2026, 1, 1, tzinfo=UTC), **kw))


def test_zone_blocks_passes_and_rewrites() -> None:
    text = lines(Profile(1, "kid", blocked_categories=frozenset({"gambling"}), allow=frozenset({"school.example"})))
    assert text[0] == "$TTL 300" and "SOA" in text[1]
    assert "casino.example CNAME ." in text and "*.casino.example CNAME ." in text
    assert "both.example CNAME rpz-passthru." in text  # white wins
    assert "vpn.example CNAME ." in text  # bypass protection
    assert "news.example CNAME ." not in text
    assert "school.example CNAME rpz-passthru." in text
    assert "www.google.de CNAME forcesafesearch.google.com." in text
    assert "www.youtube.com CNAME restrictmoderate.youtube.com." in text
    assert "use-application-dns.net CNAME ." in text
    assert "search.brave.com CNAME ." in text


def test_block_page_address_and_switches() -> None:
    profile = Profile(2, "teen", blocked_categories=frozenset({"gambling"}), bypass_protection=False,
                      safe_search=SafeSearchSettings(search=False, youtube="off"))
    text = lines(profile, block_ipv4="192.0.2.1")
    assert "casino.example A 192.0.2.1" in text
    assert not any("google" in line or "youtube" in line or "vpn.example" in line for line in text)
    assert "use-application-dns.net CNAME ." not in text
