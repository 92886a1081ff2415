"""DNS messages on the wire (RFC 1035, EDNS0 RFC 6891), hand-written for the hot path.

Every parser here treats its input as hostile: bounds are checked, compression loops are cut, and a problem
raises WireError instead of anything else, so a garbage packet can only ever cost one FORMERR reply.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER = struct.Struct("!HHHHHH")
RR_FIXED = struct.Struct("!HHIH")
QTYPE_A, QTYPE_NS, QTYPE_CNAME, QTYPE_SOA, QTYPE_AAAA, QTYPE_OPT, QTYPE_HTTPS = 1, 2, 5, 6, 28, 41, 65
RCODE_NOERROR, RCODE_FORMERR, RCODE_SERVFAIL, RCODE_NXDOMAIN, RCODE_NOTIMP, RCODE_REFUSED = 0, 1, 2, 3, 4, 5
FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD, FLAG_RA = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080
MAX_UDP = 4096
OUR_UDP = 1232  # the DNS flag day 2020 recommendation


class WireError(ValueError):
    """The bytes are not a DNS message we can answer."""


@dataclass(frozen=True)
class Query:
    id: int
    flags: int
    name: str  # lowercase, no trailing dot ("" for the root)
    qname_wire: bytes  # as received, so the answer echoes the client's case (0x20 randomisation)
    qtype: int
    qclass: int
    question: bytes  # the whole question section, to echo
    udp_size: int  # what the client can receive over UDP
    has_opt: bool
    dnssec_ok: bool = False


def read_name(data: bytes, offset: int) -> tuple[str, int]:
    """A possibly compressed name at `offset`: (lowercase text, offset after it in the original position)."""
    labels: list[str] = []
    jumps = 0
    end = -1
    length_total = 0
    while True:
        if offset >= len(data):
            raise WireError("name runs past the end of the message")
        length = data[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(data):
                raise WireError("truncated compression pointer")
            if end < 0:
                end = offset + 2
            jumps += 1
            if jumps > 32:
                raise WireError("compression loop")
            offset = ((length & 0x3F) << 8) | data[offset + 1]
            continue
        if length & 0xC0:
            raise WireError("unsupported label type")
        offset += 1
        if length == 0:
            break
        if offset + length > len(data):
            raise WireError("label runs past the end of the message")
        length_total += length + 1
        if length_total > 255:
            raise WireError("name longer than 255 bytes")
        labels.append(data[offset:offset + length].decode("latin-1").lower())
        offset += length
    return ".".join(labels), (end if end >= 0 else offset)


def encode_name(name: str) -> bytes:
    if not name:
        return b"\x00"
    out = bytearray()
    for label in name.split("."):
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise WireError(f"bad label in {name!r}")
        out.append(len(raw))
        out += raw
    out.append(0)
    if len(out) > 255:
        raise WireError("name too long")
    return bytes(out)


def parse_query(data: bytes) -> Query:
    if len(data) < HEADER.size:
        raise WireError("shorter than a DNS header")
    ident, flags, qdcount, ancount, nscount, arcount = HEADER.unpack_from(data)
    if flags & FLAG_QR:
        raise WireError("a response, not a query")
    if qdcount != 1:
        raise WireError("exactly one question is supported")
    offset = HEADER.size
    start = offset
    labels: list[str] = []
    total = 0
    while True:
        if offset >= len(data):
            raise WireError("question name runs past the end")
        length = data[offset]
        if length & 0xC0:
            raise WireError("compression is not allowed in the question")
        offset += 1
        if length == 0:
            break
        total += length + 1
        if total > 255 or offset + length > len(data):
            raise WireError("bad question name")
        labels.append(data[offset:offset + length].decode("latin-1").lower())
        offset += length
    qname_wire = data[start:offset]
    if offset + 4 > len(data):
        raise WireError("question type and class missing")
    qtype, qclass = struct.unpack_from("!HH", data, offset)
    offset += 4
    question = data[start:offset]
    udp_size, has_opt, dnssec_ok = 512, False, False
    if arcount and not ancount and not nscount and offset + 11 <= len(data) and data[offset] == 0:
        rtype, rclass, ttl, rdlen = RR_FIXED.unpack_from(data, offset + 1)
        if rtype == QTYPE_OPT:
            has_opt = True
            udp_size = min(max(rclass, 512), MAX_UDP)
            dnssec_ok = bool(ttl & 0x8000)
    return Query(ident, flags, ".".join(labels), qname_wire, qtype, qclass, question, udp_size, has_opt, dnssec_ok)


def _opt_record() -> bytes:
    return b"\x00" + RR_FIXED.pack(QTYPE_OPT, OUR_UDP, 0, 0)


def response(query: Query, rcode: int, answers: list[bytes] | None = None, *, authoritative: bool = False) -> bytes:
    """A reply echoing the question; `answers` are complete resource records (see record())."""
    answers = answers or []
    flags = FLAG_QR | (query.flags & 0x7900) | FLAG_RA | rcode  # keep opcode and RD
    if authoritative:
        flags |= FLAG_AA
    header = HEADER.pack(query.id, flags, 1, len(answers), 0, 1 if query.has_opt else 0)
    return header + query.question + b"".join(answers) + (_opt_record() if query.has_opt else b"")


def error_response(data: bytes, rcode: int) -> bytes | None:
    """A FORMERR/NOTIMP/SERVFAIL reply for whatever could be read of a bad query; None if nothing could."""
    if len(data) < 2:
        return None
    ident = struct.unpack_from("!H", data)[0]
    flags = struct.unpack_from("!H", data, 2)[0] if len(data) >= 4 else 0
    if flags & FLAG_QR:
        return None  # never answer a response: that is how reflection loops start
    return HEADER.pack(ident, FLAG_QR | (flags & 0x7900) | FLAG_RA | rcode, 0, 0, 0, 0)


POINTER_TO_QNAME = b"\xc0\x0c"


def record(owner: bytes, rtype: int, ttl: int, rdata: bytes, rclass: int = 1) -> bytes:
    return owner + RR_FIXED.pack(rtype, rclass, ttl, len(rdata)) + rdata


def truncate(query: Query, reply: bytes) -> bytes:
    """If `reply` is too big for the client over UDP, the same header with TC set and no records."""
    if len(reply) <= query.udp_size:
        return reply
    ident, flags = struct.unpack_from("!HH", reply)
    header = HEADER.pack(ident, flags | FLAG_TC, 1, 0, 0, 1 if query.has_opt else 0)
    return header + query.question + (_opt_record() if query.has_opt else b"")


@dataclass(frozen=True)
class ParsedReply:
    rcode: int
    flags: int
    answers: list[tuple[str, int, int, int, bytes]]  # (owner, type, class, ttl, rdata with names expanded)
    min_ttl: int | None  # over answers, or the SOA minimum for negative answers


def parse_reply(data: bytes) -> ParsedReply:
    """Read an upstream reply: its answers (names decompressed) and the TTL to cache it for."""
    if len(data) < HEADER.size:
        raise WireError("shorter than a DNS header")
    _, flags, qdcount, ancount, nscount, _ = HEADER.unpack_from(data)
    offset = HEADER.size
    for _ in range(qdcount):
        _, offset = read_name(data, offset)
        offset += 4
    answers: list[tuple[str, int, int, int, bytes]] = []
    ttls: list[int] = []
    negative_ttl = None
    for section, count in (("an", ancount), ("ns", nscount)):
        for _ in range(count):
            owner, offset = read_name(data, offset)
            if offset + RR_FIXED.size > len(data):
                raise WireError("record runs past the end")
            rtype, rclass, ttl, rdlen = RR_FIXED.unpack_from(data, offset)
            offset += RR_FIXED.size
            if offset + rdlen > len(data):
                raise WireError("record data runs past the end")
            rdata = data[offset:offset + rdlen]
            if section == "an":
                if rtype in (QTYPE_CNAME, QTYPE_NS):
                    rdata = encode_name(read_name(data, offset)[0])
                answers.append((owner, rtype, rclass, ttl, rdata))
                ttls.append(ttl)
            elif rtype == QTYPE_SOA:
                _, after = read_name(data, offset)
                _, after = read_name(data, after)
                if after + 20 <= len(data):
                    minimum = struct.unpack_from("!I", data, after + 16)[0]
                    negative_ttl = min(ttl, minimum)
            offset += rdlen
    min_ttl = min(ttls) if ttls else negative_ttl
    return ParsedReply(flags & 0xF, flags, answers, min_ttl)
