"""Abuse protection that tracks no one: a signed form token with a minimum fill time, a honeypot field, and a
proof-of-work puzzle for API clients, instead of a third-party CAPTCHA."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

MIN_SECONDS = 3  # a person takes longer than this to fill the form; simple bots do not
MAX_SECONDS = 2 * 3600
POW_BITS = 18  # about 260,000 SHA-256 evaluations: a fraction of a second for a client, costly in bulk


def form_token(secret: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    nonce = secrets.token_hex(8)
    mac = hmac.new(secret.encode(), f"form:{issued}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{issued}.{nonce}.{mac}"


def form_token_problem(secret: str, token: str, now: float | None = None) -> str | None:
    """None if the token is good, else why not (too fast, expired, forged)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return "the form is not one this site made"
    issued, nonce, mac = int(parts[0]), parts[1], parts[2]
    expected = hmac.new(secret.encode(), f"form:{issued}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(expected, mac):
        return "the form is not one this site made"
    age = (now if now is not None else time.time()) - issued
    if age < MIN_SECONDS:
        return "the form was sent too quickly"
    if age > MAX_SECONDS:
        return "the form has expired"
    return None


def challenge(secret: str, now: float | None = None) -> str:
    """A puzzle for API clients: find `nonce` so that SHA-256(challenge + ":" + nonce) starts with POW_BITS zero bits."""
    return form_token(secret, (now if now is not None else time.time()) - MIN_SECONDS)


def _leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return 256 - value.bit_length()


def solved(secret: str, token: str, nonce: str, bits: int = POW_BITS, now: float | None = None) -> bool:
    if len(nonce) > 64 or form_token_problem(secret, token, now) is not None:
        return False
    return _leading_zero_bits(hashlib.sha256(f"{token}:{nonce}".encode()).digest()) >= bits


def solve(token: str, bits: int = POW_BITS) -> str:
    """What a client does (used by tests and the reference client): count until the digest fits."""
    counter = 0
    while _leading_zero_bits(hashlib.sha256(f"{token}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)
