"""The engine without I/O: profile assignment, the answer cache, and privacy of the optional counts."""

import ipaddress
from datetime import UTC, datetime

import dns.message
import dns.rrset

from childsafe.core.clock import FixedClock
from childsafe.filtering.engine import Assignment, Engine, EngineConfig, Forward, ListSet
from childsafe.filtering.policy import Profile


def test_assignment_prefers_exact_then_most_specific_subnet() -> None:
    a = Assignment(0, by_address={"10.0.0.5": 3},
                   by_network=[(ipaddress.ip_network("10.0.0.0/8"), 1), (ipaddress.ip_network("10.0.0.0/24"), 2)])
    assert [a.profile_for(ip) for ip in ("10.0.0.5", "10.0.0.6", "10.9.0.1", "192.0.2.1", "not-an-ip")] == \
        [3, 2, 1, 0, 0]


def test_counts_hold_categories_never_names() -> None:
    engine = Engine({1: Profile(1, "p", block=frozenset({"secret-diary.example"}))}, Assignment(1), ListSet(),
                    EngineConfig(count_queries=True), FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))
    for name in ("secret-diary.example", "homework.example", "homework.example"):
        engine.handle(dns.message.make_query(name, "A").to_wire(), "192.0.2.1")
    assert engine.counts == {(1, "list", "2026-01-01"): 1, (1, "default", "2026-01-01"): 2}
    assert not any("example" in key[1] for key in engine.counts)


def test_cache_serves_other_ids_and_cases() -> None:
    engine = Engine({1: Profile(1, "p")}, Assignment(1), ListSet())
    query = dns.message.make_query("www.example.org", "A")
    job = engine.handle(query.to_wire(), "192.0.2.1")
    assert isinstance(job, Forward)
    reply = dns.message.make_response(query)
    reply.answer.append(dns.rrset.from_text("www.example.org.", 300, "IN", "A", "198.51.100.1"))
    engine.store(job.query, reply.to_wire(), 300)
    again = dns.message.make_query("WWW.Example.ORG", "A")
    cached = engine.handle(again.to_wire(), "192.0.2.2")
    parsed = dns.message.from_wire(cached)
    assert parsed.id == again.id and parsed.question[0].name.to_text() == "WWW.Example.ORG."
    assert parsed.answer[0].to_text().endswith("198.51.100.1")


