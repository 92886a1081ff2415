"""A tiny authoritative stand-in for the internet's resolvers: fixed answers, on loopback, UDP and TCP."""

from __future__ import annotations

import asyncio
import struct

import dns.message
import dns.rcode
import dns.rrset

RECORDS = {
    "forcesafesearch.google.com.": "216.239.38.120",
    "strict.bing.com.": "204.79.197.220",
    "restrictmoderate.youtube.com.": "216.239.38.119",
    "restrict.youtube.com.": "216.239.38.120",
    "wikipedia.org.": "198.51.100.10",
    "www.example.org.": "198.51.100.11",
    "games.example.": "198.51.100.12",
}


def answer(wire: bytes) -> bytes:
    query = dns.message.from_wire(wire)
    reply = dns.message.make_response(query)
    name = query.question[0].name.to_text().lower()
    rdtype = query.question[0].rdtype
    if name.startswith("big."):
        for i in range(40):
            reply.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", f'"{"x" * 200}{i}"'))
    elif name in RECORDS and rdtype == 1:
        reply.answer.append(dns.rrset.from_text(name, 300, "IN", "A", RECORDS[name]))
    elif name not in RECORDS and not name.startswith("www."):
        reply.set_rcode(dns.rcode.NXDOMAIN)
    elif name.startswith("www.") and name not in RECORDS and rdtype == 1:
        reply.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "203.0.113.5"))
    return reply.to_wire(max_size=65535)


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: FakeUpstream) -> None:
        self.server = server

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.server.queries += 1
        reply = answer(data)
        if len(reply) > 512:  # like a real server: too big for UDP, so TC and an empty answer
            reply = self._truncated(data)
        self.transport.sendto(reply, addr)

    @staticmethod
    def _truncated(data: bytes) -> bytes:
        reply = dns.message.make_response(dns.message.from_wire(data))
        reply.flags |= 0x0200
        return reply.to_wire()


class FakeUpstream:
    def __init__(self) -> None:
        self.queries = 0
        self.port = 0

    async def start(self) -> None:
        """UDP and TCP on one port number: the system picks a free UDP port, whose TCP twin may be taken; then try
        another (a CI run once failed on that race)."""
        loop = asyncio.get_running_loop()
        for attempt in range(20):
            self.udp, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=("127.0.0.1", 0))
            self.port = self.udp.get_extra_info("sockname")[1]
            try:
                self.tcp = await asyncio.start_server(self._tcp, "127.0.0.1", self.port)
                return
            except OSError:
                self.udp.close()
                if attempt == 19:
                    raise

    async def _tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        length = struct.unpack("!H", await reader.readexactly(2))[0]
        reply = answer(await reader.readexactly(length))
        writer.write(struct.pack("!H", len(reply)) + reply)
        await writer.drain()
        writer.close()

    def close(self) -> None:
        self.udp.close()
        self.tcp.close()


class ThreadedUpstream:
    """FakeUpstream on its own event loop in a background thread, for tests that drive other programs."""

    def __init__(self) -> None:
        import threading

        self.upstream = FakeUpstream()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeUpstream:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.upstream.start(), self.loop).result(5)
        return self.upstream

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.upstream.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
