"""The DNS server: UDP and TCP listeners, upstream forwarding with failover, TCP retry on truncation."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Sequence

from childsafe.filtering import dnswire as wire
from childsafe.filtering.engine import Engine, Forward

UPSTREAM_TIMEOUT = 2.0
TCP_IDLE = 10.0


def parse_hostport(text: str, default_port: int) -> tuple[str, int]:
    """'1.2.3.4', '1.2.3.4:53', '[::1]:53' or '::1' -> (host, port); raises ValueError with the reason."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else default_port
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = int(port_text)
    else:
        host, port = text, default_port
    socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    if not 0 < port < 65536:
        raise ValueError(f"port {port} out of range")
    return host, port


class _UpstreamProtocol(asyncio.DatagramProtocol):
    def __init__(self, owner: Upstream) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) >= 2:
            future = self.owner.pending.pop(struct.unpack_from("!H", data)[0], None)
            if future is not None and not future.done():
                future.set_result(data)


class Upstream:
    """One upstream resolver reached over UDP (and TCP when a reply is truncated)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.pending: dict[int, asyncio.Future[bytes]] = {}
        self.transport: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.transport, _ = await loop.create_datagram_endpoint(lambda: _UpstreamProtocol(self),
                                                                remote_addr=(self.host, self.port))

    async def ask(self, message: bytes) -> bytes:
        """Send with a fresh random id; the reply comes back with the original id."""
        original = message[:2]
        for _ in range(8):
            ident = random.getrandbits(16)
            if ident not in self.pending:
                break
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        assert self.transport is not None
        self.transport.sendto(struct.pack("!H", ident) + message[2:])
        try:
            reply = await asyncio.wait_for(future, UPSTREAM_TIMEOUT)
        finally:
            self.pending.pop(ident, None)
        if len(reply) >= 4 and struct.unpack_from("!H", reply, 2)[0] & wire.FLAG_TC:
            reply = await self.ask_tcp(message)
        return original + reply[2:]

    async def ask_tcp(self, message: bytes) -> bytes:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), UPSTREAM_TIMEOUT)
        try:
            writer.write(struct.pack("!H", len(message)) + message)
            await writer.drain()
            length = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), UPSTREAM_TIMEOUT))[0]
            return await asyncio.wait_for(reader.readexactly(length), UPSTREAM_TIMEOUT)
        finally:
            writer.close()

    def close(self) -> None:
        if self.transport:
            self.transport.close()


class Resolver:
    """Answers queries through the engine, asking upstreams (in order, failing over) when needed."""

    def __init__(self, engine: Engine, upstreams: Sequence[Upstream]) -> None:
        self.engine = engine
        self.upstreams = list(upstreams)

    async def _ask(self, message: bytes) -> bytes | None:
        for upstream in self.upstreams:
            with contextlib.suppress(OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                return await upstream.ask(message)
        return None

    async def forward(self, job: Forward) -> bytes:
        query = job.query
        if job.target is None:
            message = wire.HEADER.pack(query.id, query.flags & 0x7900 | wire.FLAG_RD, 1, 0, 0,
                                       1 if query.has_opt else 0) + query.question + (
                b"\x00" + wire.RR_FIXED.pack(wire.QTYPE_OPT, wire.OUR_UDP, 0x8000 if query.dnssec_ok else 0, 0)
                if query.has_opt else b"")
            reply = await self._ask(message)
            if reply is None:
                return wire.response(query, wire.RCODE_SERVFAIL)
            with contextlib.suppress(wire.WireError):
                self.engine.store(query, reply, wire.parse_reply(reply).min_ttl)
            return reply
        return await self._safe_search(query, job.target)

    async def _safe_search(self, query: wire.Query, target: str) -> bytes:
        cname = wire.record(wire.POINTER_TO_QNAME, wire.QTYPE_CNAME, 300, wire.encode_name(target))
        if query.qtype == wire.QTYPE_CNAME:
            return wire.response(query, wire.RCODE_NOERROR, [cname])
        inner = wire.HEADER.pack(random.getrandbits(16), wire.FLAG_RD, 1, 0, 0, 0) + wire.encode_name(target) + \
            struct.pack("!HH", query.qtype, 1)
        reply = await self._ask(inner)
        if reply is None:
            return wire.response(query, wire.RCODE_SERVFAIL)
        try:
            parsed = wire.parse_reply(reply)
        except wire.WireError:
            return wire.response(query, wire.RCODE_SERVFAIL)
        records = [cname] + [wire.record(wire.encode_name(owner), rtype, ttl, rdata, rclass)
                             for owner, rtype, rclass, ttl, rdata in parsed.answers]
        reply = wire.response(query, wire.RCODE_NOERROR if parsed.rcode != wire.RCODE_NXDOMAIN else parsed.rcode,
                              records)
        self.engine.store(query, reply, min(300, parsed.min_ttl if parsed.min_ttl is not None else 60), target)
        return reply

    async def answer(self, data: bytes, client: str, profile_id: int | None = None) -> bytes | None:
        result = self.engine.handle(data, client, profile_id)
        if isinstance(result, Forward):
            return await self.forward(result)
        return result


class _UdpServer(asyncio.DatagramProtocol):
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.transport: asyncio.DatagramTransport | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        result = self.resolver.engine.handle(data, addr[0])
        if isinstance(result, Forward):
            task = asyncio.ensure_future(self._forward(result, addr))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        elif result is not None and self.transport is not None:
            self.transport.sendto(result, addr)  # the fast path: cached or decided without waiting

    async def _forward(self, job: Forward, addr: tuple[str, int]) -> None:
        reply = await self.resolver.forward(job)
        if self.transport is not None:
            self.transport.sendto(wire.truncate(job.query, reply), addr)


async def _serve_tcp_client(resolver: Resolver, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = writer.get_extra_info("peername")
    client = peer[0] if peer else ""
    try:
        while True:
            header = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE)
            length = struct.unpack("!H", header)[0]
            data = await asyncio.wait_for(reader.readexactly(length), TCP_IDLE)
            reply = await resolver.answer(data, client)
            if reply is None:
                break
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


class DnsServer:
    """Listens on each address over UDP and TCP."""

    def __init__(self, resolver: Resolver, listen: Sequence[tuple[str, int]]) -> None:
        self.resolver = resolver
        self.listen = list(listen)
        self._closers: list[object] = []
        self.bound: list[tuple[str, int]] = []

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for upstream in self.resolver.upstreams:
            await upstream.start()
        for host, port in self.listen:
            transport, _ = await loop.create_datagram_endpoint(lambda: _UdpServer(self.resolver),
                                                               local_addr=(host, port), reuse_port=True)
            actual = transport.get_extra_info("sockname")[:2]
            tcp = await asyncio.start_server(lambda r, w: _serve_tcp_client(self.resolver, r, w), host, actual[1],
                                             reuse_port=True)
            self._closers += [transport, tcp]
            self.bound.append(actual)

    async def close(self) -> None:
        for item in self._closers:
            item.close()  # type: ignore[attr-defined]
        for upstream in self.resolver.upstreams:
            upstream.close()
