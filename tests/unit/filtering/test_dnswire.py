"""The wire format: round trips with dnspython, and fuzzing that garbage never raises anything but WireError."""

import dns.message
import dns.rrset
from hypothesis import given, settings
from hypothesis import strategies as st

from childsafe.filtering import dnswire as wire
from childsafe.filtering.engine import Assignment, Engine, ListSet
from childsafe.filtering.policy import Profile


def test_parse_query_from_dnspython() -> None:
    message = dns.message.make_query("WwW.Example.COM", "AAAA", use_edns=0, payload=1400, want_dnssec=True)
    query = wire.parse_query(message.to_wire())
    assert query.name == "www.example.com" and query.qtype == wire.QTYPE_AAAA
    assert query.has_opt and query.udp_size == 1400 and query.dnssec_ok
    assert b"WwW" in query.qname_wire


def test_block_answer_reads_back() -> None:
    query = wire.parse_query(dns.message.make_query("casino.example", "A").to_wire())
    reply = wire.response(query, 0, [wire.record(wire.POINTER_TO_QNAME, 1, 60, bytes([192, 0, 2, 1]))])
    parsed = dns.message.from_wire(reply)
    assert parsed.id == query.id and parsed.answer[0].to_text() == "casino.example. 60 IN A 192.0.2.1"


def test_parse_reply_decompresses() -> None:
    query = dns.message.make_query("www.example.com", "A")
    answer = dns.message.make_response(query)
    answer.answer.append(dns.rrset.from_text("www.example.com.", 300, "IN", "CNAME", "cdn.example.net."))
    answer.answer.append(dns.rrset.from_text("cdn.example.net.", 120, "IN", "A", "192.0.2.7"))
    parsed = wire.parse_reply(answer.to_wire())
    assert parsed.min_ttl == 120
    assert parsed.answers[0][4] == wire.encode_name("cdn.example.net")


def test_truncation_sets_tc() -> None:
    query = wire.parse_query(dns.message.make_query("big.example", "TXT").to_wire())
    big = wire.response(query, 0, [wire.record(wire.POINTER_TO_QNAME, 16, 60, b"\xff" + b"a" * 255)] * 3)
    cut = wire.truncate(query, big)
    assert len(cut) <= 512 and dns.message.from_wire(cut).flags & dns.flags.TC


def test_never_answers_a_response() -> None:
    reply = dns.message.make_response(dns.message.make_query("x.example", "A")).to_wire()
    assert wire.error_response(reply, wire.RCODE_FORMERR) is None


ENGINE = Engine({1: Profile(1, "default")}, Assignment(1), ListSet())


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_engine_never_crashes(data: bytes) -> None:
    result = ENGINE.handle(data, "192.0.2.1")
    assert result is None or isinstance(result, bytes) or hasattr(result, "query")


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_reply_parser(data: bytes) -> None:
    try:
        wire.parse_reply(data)
    except wire.WireError:
        pass


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"[a-z0-9]{1,20}(\.[a-z0-9]{1,20}){0,4}", fullmatch=True), st.integers(0, 65535),
       st.sampled_from(["A", "AAAA", "MX", "TXT", "HTTPS"]))
def test_mutated_queries(name: str, flip: int, rdtype: str) -> None:
    raw = bytearray(dns.message.make_query(name, rdtype).to_wire())
    raw[flip % len(raw)] ^= 0xFF
    result = ENGINE.handle(bytes(raw), "192.0.2.1")
    if isinstance(result, bytes):
        dns.message.from_wire(result, question_only=True) if len(result) > 12 else None
