"""The resolver's brain, without I/O: which profile a client has, what to do with a query, and caches."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from childsafe.core.clock import Clock, SystemClock
from childsafe.filtering import dnswire as wire
from childsafe.filtering.index import DomainIndex
from childsafe.filtering.policy import Decision, Profile, decide
from childsafe.filtering.schedule import UsageTracker

BLOCK_TTL = 60


@dataclass
class ListSet:
    """The loaded lists: each index with the usage (black/white) of its categories."""

    indexes: list[tuple[DomainIndex, dict[str, str]]] = field(default_factory=list)

    def categories(self, name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, usage in self.indexes:
            for category in index.match(name):
                # white wins when two lists disagree about the same category name
                if found.get(category) != "white":
                    found[category] = usage.get(category, "black")
        return found


@dataclass
class Assignment:
    """Which profile serves which client: exact addresses, subnets (most specific wins), DoH device tokens."""

    default_profile: int
    by_address: dict[str, int] = field(default_factory=dict)
    by_network: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int]] = field(default_factory=list)
    by_token: dict[str, int] = field(default_factory=dict)
    _seen: dict[str, int] = field(default_factory=dict, repr=False)

    def profile_for(self, address: str) -> int:
        hit = self._seen.get(address)
        if hit is not None:
            return hit
        hit = self._resolve(address)
        if len(self._seen) > 100_000:
            self._seen.clear()
        self._seen[address] = hit
        return hit

    def _resolve(self, address: str) -> int:
        hit = self.by_address.get(address)
        if hit is not None:
            return hit
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return self.default_profile
        best: tuple[int, int] | None = None
        for network, profile in self.by_network:
            if ip.version == network.version and ip in network and (best is None or network.prefixlen > best[0]):
                best = (network.prefixlen, profile)
        return best[1] if best else self.default_profile


@dataclass(frozen=True)
class Forward:
    query: wire.Query
    target: str | None = None  # set when a safe-search CNAME to `target` must be resolved upstream


@dataclass
class EngineConfig:
    block_ipv4: bytes = bytes(4)  # 0.0.0.0 unless a block page address is configured
    block_ipv6: bytes | None = None
    cache_size: int = 50_000
    count_queries: bool = False  # per-profile, per-category daily counts only, never names


class Engine:
    def __init__(self, profiles: dict[int, Profile], assignment: Assignment, lists: ListSet,
                 config: EngineConfig | None = None, clock: Clock | None = None) -> None:
        self.profiles = profiles
        self.assignment = assignment
        self.lists = lists
        self.config = config or EngineConfig()
        self.clock = clock or SystemClock()
        self.usage = UsageTracker()
        self.temporary: dict[int, dict[str, float]] = {}  # profile -> domain -> expiry (epoch seconds)
        self.counts: dict[tuple[int, str, str], int] = {}  # (profile, category, day) -> queries
        self._answers: OrderedDict[tuple[str, int, bool, str], tuple[float, bytes]] = OrderedDict()
        self._decisions: dict[tuple[int, str], tuple[Decision, dict[str, str]]] = {}  # time-independent
        self._timed: dict[tuple[int, str], tuple[Decision, dict[str, str]]] = {}  # valid for the current minute
        self._decision_minute = -1
        self._zones: dict[str, ZoneInfo] = {}

    # ---- policy -------------------------------------------------------------------------------------------
    def _local(self, profile: Profile) -> datetime:
        zone = self._zones.get(profile.timezone)
        if zone is None:
            zone = self._zones[profile.timezone] = ZoneInfo(profile.timezone)
        return self.clock.now().astimezone(zone)

    def decision(self, profile_id: int, name: str) -> tuple[Decision, dict[str, str]]:
        """The decision for a name, cached: for good when the profile has no time rules, else for the minute."""
        profile = self.profiles.get(profile_id) or self.profiles[self.assignment.default_profile]
        key = (profile.id, name)
        hit = self._decisions.get(key)
        if hit is not None:
            return hit
        now = self.clock.now().timestamp()
        timed = bool(profile.schedules or profile.budgets or self.temporary.get(profile.id))
        if timed:
            minute = int(now // 60)
            if minute != self._decision_minute:  # schedules, budgets and grants move with the clock
                self._timed.clear()
                self._decision_minute = minute
            hit = self._timed.get(key)
            if hit is not None:
                return hit
        local = self._local(profile)
        categories = self.lists.categories(name)
        temporary = frozenset(d for d, exp in self.temporary.get(profile.id, {}).items() if exp > now)
        used = self.usage.used(profile.id, local) if profile.budgets else None
        result = (decide(profile, name, categories, local, used, temporary), categories)
        cache = self._timed if timed else self._decisions
        if len(cache) > 200_000:
            cache.clear()
        cache[key] = result
        return result

    def grant(self, profile_id: int, domain: str, until: float) -> None:
        self.temporary.setdefault(profile_id, {})[domain] = until
        self._decisions.clear()
        self._timed.clear()

    # ---- queries ------------------------------------------------------------------------------------------
    def handle(self, data: bytes, client: str, profile_id: int | None = None) -> bytes | Forward | None:
        """A reply to send, a Forward for the upstream, or None to drop (nothing sensible to answer)."""
        try:
            query = wire.parse_query(data)
        except wire.WireError:
            return wire.error_response(data, wire.RCODE_FORMERR)
        if query.flags & 0x7800:  # opcode other than QUERY
            return wire.response(query, wire.RCODE_NOTIMP)
        if query.qclass != 1:
            return wire.response(query, wire.RCODE_REFUSED)
        pid = profile_id if profile_id is not None else self.assignment.profile_for(client)
        decision, categories = self.decision(pid, query.name)
        profile = self.profiles.get(pid)
        if self.config.count_queries or (profile is not None and profile.budgets):
            self._account(pid, categories, decision)
        if decision.action == "allow":
            cached = self.cached(query)
            return cached if cached is not None else Forward(query)
        if decision.action == "cname":
            cached = self.cached(query, decision.target)
            return cached if cached is not None else Forward(query, decision.target)
        if decision.action == "nxdomain":
            return wire.response(query, wire.RCODE_NXDOMAIN)
        return self.block_reply(query)

    def _account(self, profile_id: int, categories: dict[str, str], decision: Decision) -> None:
        profile = self.profiles.get(profile_id)
        if profile is None:
            return
        local = self._local(profile)
        if decision.action == "allow":
            for budget in profile.budgets:
                if budget.category in categories:
                    self.usage.touch(profile.id, budget.category, local)
        if self.config.count_queries:
            day = local.date().isoformat()
            # categories only: a list hit or a schedule is counted by its reason, never by the name asked for
            label = decision.detail if decision.reason in ("category", "bypass", "budget") else decision.reason
            key = (profile_id, label, day)
            self.counts[key] = self.counts.get(key, 0) + 1

    def block_reply(self, query: wire.Query) -> bytes:
        answers = []
        if query.qtype == wire.QTYPE_A:
            answers.append(wire.record(wire.POINTER_TO_QNAME, wire.QTYPE_A, BLOCK_TTL, self.config.block_ipv4))
        elif query.qtype == wire.QTYPE_AAAA and self.config.block_ipv6:
            answers.append(wire.record(wire.POINTER_TO_QNAME, wire.QTYPE_AAAA, BLOCK_TTL, self.config.block_ipv6))
        return wire.response(query, wire.RCODE_NOERROR, answers)

    # ---- the answer cache -----------------------------------------------------------------------------------
    def cached(self, query: wire.Query, variant: str = "") -> bytes | None:
        key = (query.name, query.qtype, query.dnssec_ok, variant)
        hit = self._answers.get(key)
        if hit is None:
            return None
        expires, body = hit
        if expires <= time.monotonic():
            del self._answers[key]
            return None
        # body is the reply after its question; the client's own id and question (with its case) go in front
        return wire.HEADER.pack(query.id, *wire.HEADER.unpack_from(body)[1:]) + query.question + body[12:]

    def store(self, query: wire.Query, reply: bytes, ttl: int | None, variant: str = "") -> None:
        """Keep an answer for its TTL; `variant` separates rewritten answers (a safe-search target) from plain ones."""
        if ttl is None or ttl <= 0:
            return
        header = reply[:12]
        body = header + reply[12 + len(query.question):]
        key = (query.name, query.qtype, query.dnssec_ok, variant)
        self._answers[key] = (time.monotonic() + min(ttl, 3600), body)
        self._answers.move_to_end(key)
        while len(self._answers) > self.config.cache_size:
            self._answers.popitem(last=False)

    def clear_caches(self) -> None:
        self._answers.clear()
        self._decisions.clear()
        self._timed.clear()
