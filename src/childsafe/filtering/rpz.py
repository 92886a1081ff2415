"""A profile as a Response Policy Zone, the format BIND, Unbound, Knot Resolver and PowerDNS load.

What RPZ can carry: blocked categories and lists, the profile's allow and block lists, safe search rewrites,
bypass protection. What it cannot: schedules, time budgets and temporary allows need `childsafe dns`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from childsafe.filtering import safesearch
from childsafe.filtering.policy import BYPASS_CATEGORIES, CANARY, Profile


def zone(profile: Profile, names: Iterable[tuple[str, str]], usage: dict[str, str], *, origin: str,
         serial: datetime, block_ipv4: str | None = None) -> Iterator[str]:
    """Zone file lines. `names` yields (domain, category); `usage` maps categories to black/white."""
    yield "$TTL 300"
    yield f"@ IN SOA localhost. hostmaster.localhost. {int(serial.timestamp())} 3600 600 86400 60"
    yield "@ IN NS localhost."
    yield f"; ChildSafe profile {profile.name!r} (id {profile.id}); schedules and budgets are not expressible in RPZ"
    block = f"A {block_ipv4}" if block_ipv4 and profile.block_mode == "blockpage" else "CNAME ."
    passthru: set[str] = set(profile.allow)
    blocked: set[str] = set(profile.block) - passthru
    white: set[str] = set()
    for domain, category in names:
        kind = usage.get(category, "black")
        if kind == "white":
            white.add(domain)
        elif category in profile.blocked_categories or (profile.bypass_protection and category in BYPASS_CATEGORIES):
            blocked.add(domain)
    passthru |= white
    blocked -= passthru
    if profile.bypass_protection:
        yield f"{CANARY} CNAME ."
    if profile.safe_search.search:
        for name, (_, target) in sorted(safesearch.SEARCH_ENGINES.items()):
            yield f"{name} CNAME {target}."
        if profile.safe_search.block_unforceable:
            blocked |= set(safesearch.UNFORCEABLE_ENGINES)
    if profile.safe_search.youtube in safesearch.YOUTUBE_TARGETS:
        target = safesearch.YOUTUBE_TARGETS[profile.safe_search.youtube]
        for name in safesearch.YOUTUBE_NAMES:
            yield f"{name} CNAME {target}."
    for domain in sorted(passthru):
        yield f"{domain} CNAME rpz-passthru."
        yield f"*.{domain} CNAME rpz-passthru."
    for domain in sorted(blocked):
        yield f"{domain} {block}"
        yield f"*.{domain} {block}"
    _ = origin
