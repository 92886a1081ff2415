"""The DNS server end to end on loopback, queried with dnspython: blocks, safe search, schedules, TCP, garbage."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from childsafe.core.clock import FixedClock
from childsafe.filtering.engine import Assignment, Engine, EngineConfig, ListSet
from childsafe.filtering.index import DomainIndex, write_index
from childsafe.filtering.policy import PRESETS, Profile
from childsafe.filtering.schedule import parse_schedule
from childsafe.filtering.server import DnsServer, Resolver, Upstream
from tests.integration.filtering.fakes import FakeUpstream

TABLET = "127.0.0.2"


class Running:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.loop = asyncio.new_event_loop()
        self.upstream = FakeUpstream()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            await self.upstream.start()
            self.server = DnsServer(Resolver(self.engine, [Upstream("127.0.0.1", self.upstream.port)]),
                                    [("127.0.0.1", 0)])
            await self.server.start()
            self.port = self.server.bound[0][1]
            self.ready.set()

        self.loop.run_until_complete(main())
        self.loop.run_forever()

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.server.close()
            self.upstream.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday 16:00 in Berlin


@pytest.fixture
def server(tmp_path: Path, clock: FixedClock) -> Iterator[Running]:
    path = tmp_path / "lists.idx"
    write_index(path, [("casino.example", 0), ("adult.example", 1), ("khanacademy.example", 2),
                       ("doh.example", 3), ("games.example", 4)],
                ["gambling", "adult", "educational_games", "doh", "games"])
    lists = ListSet([(DomainIndex(path), {"educational_games": "white"})])
    bedtime = parse_schedule({"name": "bedtime", "days": "Mo-Su", "start": "20:00", "end": "07:00"})
    child = Profile(2, "tablet", "Europe/Berlin", "9_12", PRESETS["9_12"], allow=frozenset({"wikipedia.org"}),
                    schedules=(bedtime,))
    default = Profile(1, "default", "Europe/Berlin", blocked_categories=PRESETS["9_12"], block_mode="nxdomain")
    engine = Engine({1: default, 2: child}, Assignment(1, by_address={TABLET: 2}), lists,
                    EngineConfig(block_ipv4=bytes([127, 0, 0, 1])), clock)
    running = Running(engine)
    running.thread.start()
    assert running.ready.wait(5)
    yield running
    running.stop()


def ask(server: Running, name: str, rdtype: str = "A", source: str = TABLET, tcp: bool = False,
        payload: int | None = None) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype, use_edns=0 if payload else None, payload=payload or 1232)
    method = dns.query.tcp if tcp else dns.query.udp
    return method(query, "127.0.0.1", port=server.port, source=source, timeout=3)


def test_tablet_sees_block_page_for_gambling_and_adult(server: Running) -> None:
    for name in ("casino.example", "www.casino.example", "adult.example"):
        reply = ask(server, name)
        assert reply.answer[0].to_text().endswith("IN A 127.0.0.1"), name


def test_unassigned_client_gets_default_profile(server: Running) -> None:
    assert ask(server, "casino.example", source="127.0.0.1").rcode() == dns.rcode.NXDOMAIN


def test_safe_search_cname_with_address(server: Running) -> None:
    reply = ask(server, "www.google.com")
    text = "\n".join(r.to_text() for r in reply.answer)
    assert "CNAME forcesafesearch.google.com." in text and "216.239.38.120" in text


def test_educational_site_resolves_and_is_cached(server: Running) -> None:
    first = ask(server, "www.example.org")
    assert first.answer[0].to_text().endswith("198.51.100.11")
    before = server.upstream.queries
    again = ask(server, "WWW.EXAMPLE.ORG")
    assert server.upstream.queries == before
    assert again.question[0].name.to_text() == "WWW.EXAMPLE.ORG."  # the client's own case comes back
    assert ask(server, "khanacademy.example").rcode() == dns.rcode.NXDOMAIN  # white: forwarded, not blocked


def test_bypass_protection(server: Running) -> None:
    assert ask(server, "use-application-dns.net").rcode() == dns.rcode.NXDOMAIN
    assert ask(server, "doh.example").answer[0].to_text().endswith("127.0.0.1")


def test_bedtime_cuts_everything_but_the_allowlist(server: Running, clock: FixedClock) -> None:
    clock.advance(hours=5)  # 21:00 in Berlin
    assert ask(server, "www.example.org").answer[0].to_text().endswith("127.0.0.1")
    assert ask(server, "wikipedia.org").answer[0].to_text().endswith("198.51.100.10")


def test_tcp_and_truncation(server: Running) -> None:
    udp = ask(server, "big.example.org", "TXT", payload=1232)
    assert udp.flags & dns.flags.TC
    tcp = ask(server, "big.example.org", "TXT", tcp=True)
    assert not tcp.flags & dns.flags.TC and len(tcp.answer[0]) == 40


def test_garbage_does_not_stop_the_server(server: Running) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1)
        for junk in (b"", b"\x00", b"\xff" * 11, b"\x12\x34" + b"\x00" * 10, bytes(range(256)) * 2):
            sock.sendto(junk, ("127.0.0.1", server.port))
        sock.sendto(b"\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01", ("127.0.0.1", server.port))
        replies = []
        while True:
            try:
                replies.append(sock.recv(512))
            except TimeoutError:
                break
        assert all(len(r) <= 12 for r in replies)  # never more bytes back than a header: no amplification
        mine = [r for r in replies if r[:2] == b"\xab\xcd"]
        assert mine and mine[0][3] & 0x0F == 1  # FORMERR for a compressed question
    assert ask(server, "casino.example").answer  # still serving
