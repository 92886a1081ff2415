"""Core pieces: password hashing, tokens, CSRF, the throttle, and the extension registry."""

from datetime import UTC, datetime

import pytest

from childsafe.core import security
from childsafe.core.clock import FixedClock
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.core.registry import Extension, Registry


def test_password_round_trip() -> None:
    stored = security.hash_password("a long passphrase here")
    assert stored.startswith("$argon2id$")
    assert security.verify_password(stored, "a long passphrase here")
    assert not security.verify_password(stored, "a long passphrase her")
    assert not security.verify_password("not-a-hash", "x")


def test_csrf_tokens_are_bound() -> None:
    token = security.csrf_token("key", "session-a")
    assert security.csrf_valid("key", "session-a", token)
    assert not security.csrf_valid("key", "session-b", token)
    assert not security.csrf_valid("other", "session-a", token)
    assert not security.csrf_valid("key", "session-a", None)


def test_tokens_are_random_and_digested() -> None:
    a, b = security.new_token("cs_"), security.new_token("cs_")
    assert a != b and a.startswith("cs_") and len(a) > 40
    assert security.token_digest(a) != a and len(security.token_digest(a)) == 64


def test_limiter_window() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = SlidingWindowLimiter(2, 10, clock)
    limiter.hit("k")
    limiter.hit("k")
    assert limiter.retry_after("k") == 10
    clock.advance(seconds=10)
    assert limiter.retry_after("k") == 0
    assert len(limiter) == 0


def test_registry_rejects_duplicates_and_nameless() -> None:
    registry: Registry[Extension] = Registry("test_point")

    class A(Extension):
        name = "a"

    class B(Extension):
        name = "a"

    class Nameless(Extension):
        pass

    registry.register(A)
    registry.register(A)
    with pytest.raises(ValueError, match="taken"):
        registry.register(B)
    with pytest.raises(TypeError):
        registry.register(Nameless)
    assert registry.names() == ["a"] and registry.get("a") is A
