"""The filtering decision for one name and one child's profile: pure, explainable, and fast to evaluate.

Order of rules (first match wins), documented in docs/filtering.md:
 1. Firefox's canary domain answers NXDOMAIN while bypass protection is on (browsers then keep using us).
 2. Safe search: engine names are rewritten to their safe hosts; engines that cannot be forced are blocked.
 3. A guardian's temporary allow, or the profile's allow list, resolves.
 4. A schedule in "allowlist only" mode (bedtime) blocks everything else.
 5. The profile's own block list blocks.
 6. A name in a white category (UT1 child, educational_games, sexual_education, adblock @@ exceptions) is never
    blocked by category.
 7. Bypass categories (DoH, VPN, proxies/redirectors) are blocked while bypass protection is on.
 8. A schedule in "block" mode blocks its categories.
 9. A daily time budget that is used up blocks its category until the next day.
10. The profile's blocked categories block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from childsafe.filtering import safesearch
from childsafe.filtering.domains import parents
from childsafe.filtering.schedule import Budget, ScheduleRule

CANARY = "use-application-dns.net"
BYPASS_CATEGORIES = frozenset({"doh", "vpn", "redirector"})
HARMFUL = frozenset({"adult", "mixed_adult", "lingerie", "dating", "gambling", "drogue", "agressif"})

# Age presets (our judgement, documented): younger children also skip chat and social networks, whose terms
# of service set 13 as the minimum age.
PRESETS: dict[str, frozenset[str]] = {
    "under_9": HARMFUL | {"chat", "social_networks"},
    "9_12": HARMFUL | {"chat", "social_networks"},
    "13_15": HARMFUL,
    "16_17": frozenset({"adult", "mixed_adult", "gambling", "drogue"}),
}
DEFAULT_PRESET = "9_12"


@dataclass(frozen=True)
class SafeSearchSettings:
    search: bool = True
    youtube: str = "moderate"  # off | moderate | strict
    block_unforceable: bool = True


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    timezone: str = "UTC"
    preset: str = DEFAULT_PRESET
    blocked_categories: frozenset[str] = PRESETS[DEFAULT_PRESET]
    allow: frozenset[str] = frozenset()
    block: frozenset[str] = frozenset()
    schedules: tuple[ScheduleRule, ...] = ()
    budgets: tuple[Budget, ...] = ()
    safe_search: SafeSearchSettings = field(default_factory=SafeSearchSettings)
    block_mode: str = "blockpage"  # blockpage | nxdomain
    bypass_protection: bool = True


@dataclass(frozen=True)
class Decision:
    action: str  # allow | block | cname | nxdomain
    reason: str = ""  # canary, safesearch, unforceable, temporary, allowlist, schedule, list, white, bypass,
    #                   budget, category, default
    detail: str = ""  # the category, schedule or list entry that decided
    target: str = ""  # CNAME target for safe search

    @property
    def blocked(self) -> bool:
        return self.action in ("block", "nxdomain")


ALLOW = Decision("allow", "default")


def _listed(name: str, domains: frozenset[str]) -> str | None:
    if not domains:
        return None
    for candidate in parents(name):
        if candidate in domains:
            return candidate
    return None


def decide(profile: Profile, name: str, categories: dict[str, str], local: datetime,
           used_minutes: dict[str, int] | None = None, temporary: frozenset[str] = frozenset()) -> Decision:
    """Decide for `name` (normalised). `categories` maps each matching category to "black" or "white"."""
    if profile.bypass_protection and name == CANARY:
        return Decision("nxdomain", "canary", CANARY)
    rule = safesearch.rewrite(name, search=profile.safe_search.search, youtube=profile.safe_search.youtube)
    if rule:
        return Decision("cname", "safesearch", rule[0], rule[1])
    if profile.safe_search.search and profile.safe_search.block_unforceable and safesearch.unforceable(name):
        return _block(profile, "unforceable", name)
    hit = _listed(name, temporary)
    if hit:
        return Decision("allow", "temporary", hit)
    hit = _listed(name, profile.allow)
    if hit:
        return Decision("allow", "allowlist", hit)
    for schedule in profile.schedules:
        if schedule.mode == "allowlist_only" and schedule.active(local):
            return _block(profile, "schedule", schedule.name)
    hit = _listed(name, profile.block)
    if hit:
        return _block(profile, "list", hit)
    if any(usage == "white" for usage in categories.values()):
        white = sorted(c for c, u in categories.items() if u == "white")[0]
        return Decision("allow", "white", white)
    if profile.bypass_protection:
        for category in sorted(categories):
            if category in BYPASS_CATEGORIES:
                return _block(profile, "bypass", category)
    for schedule in profile.schedules:
        if schedule.mode == "block" and schedule.active(local):
            hit_categories = sorted(set(categories) & schedule.categories)
            if hit_categories:
                return _block(profile, "schedule", schedule.name)
    if used_minutes is not None:
        for budget in profile.budgets:
            if budget.category in categories and budget.applies(local) \
                    and used_minutes.get(budget.category, 0) >= budget.minutes:
                return _block(profile, "budget", budget.category)
    for category in sorted(categories):
        if category in profile.blocked_categories:
            return _block(profile, "category", category)
    return ALLOW


def _block(profile: Profile, reason: str, detail: str) -> Decision:
    return Decision("nxdomain" if profile.block_mode == "nxdomain" else "block", reason, detail)
