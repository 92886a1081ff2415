"""Accounts: passwords, throttling, tokens and their scopes, protection of the last administrator."""


import pytest

from childsafe.accounts import service
from childsafe.accounts.roles import Permission
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.errors import (AuthenticationError, ConflictError, InvalidInputError, PermissionDeniedError,
                                   RateLimitedError)
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.db.engine import Database

PASSWORD = "a perfectly long passphrase"


def test_password_is_stored_as_argon2id(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        user = service.create_user(session, username="Alice", password=PASSWORD, roles=["editor"], actor=CLI_ACTOR,
                                   clock=clock)
        assert user.username == "alice"
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        with pytest.raises(ConflictError):
            service.create_user(session, username="alice", password=PASSWORD, roles=[], actor=CLI_ACTOR)
        with pytest.raises(InvalidInputError) as caught:
            service.create_user(session, username="bob", password=PASSWORD, roles=["wizard"], actor=CLI_ACTOR)
        assert caught.value.field == "roles"


def test_throttling_counts_failures_and_expires(database: Database, clock: FixedClock) -> None:
    limiter = SlidingWindowLimiter(3, 60, clock)
    with database.unit_of_work() as session:
        service.create_user(session, username="carol", password=PASSWORD, roles=[], actor=CLI_ACTOR, clock=clock)
        for _ in range(3):
            with pytest.raises(AuthenticationError):
                service.authenticate(session, username="carol", password="nope nope nope", limiter=limiter,
                                     client="203.0.113.9", clock=clock)
        with pytest.raises(RateLimitedError):
            service.authenticate(session, username="carol", password=PASSWORD, limiter=limiter,
                                 client="198.51.100.1", clock=clock)
        clock.advance(seconds=61)
        assert service.authenticate(session, username="carol", password=PASSWORD, limiter=limiter,
                                    client="198.51.100.1", clock=clock).username == "carol"
        assert len(limiter) <= 1  # nothing kept for the account after success; the address entry expires


def test_tokens_are_scoped_hashed_and_revocable(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        user = service.create_user(session, username="dan", password=PASSWORD, roles=["editor"], actor=CLI_ACTOR,
                                   clock=clock)
        with pytest.raises(PermissionDeniedError):
            service.create_api_token(session, user_id=user.id, name="x", scopes=["accounts:admin"], actor=CLI_ACTOR)
        token, raw = service.create_api_token(session, user_id=user.id, name="ci", scopes=["helplines:write"],
                                              days=1, actor=CLI_ACTOR, clock=clock)
        assert raw not in token.token_digest and token.hint == raw[:8]
        principal = service.resolve_api_token(session, raw, clock)
        assert principal.permissions == frozenset({Permission.HELPLINES_WRITE})
        # roles shrink: the token shrinks with them
        service.set_roles(session, username="dan", roles=["guardian"], actor=CLI_ACTOR, clock=clock)
        assert service.resolve_api_token(session, raw, clock).permissions == frozenset()
        clock.advance(days=2)
        assert service.resolve_api_token(session, raw, clock) is None
        clock.advance(days=-2)
        service.revoke_api_token(session, user_id=user.id, token_id=token.id, actor=CLI_ACTOR, clock=clock)
        assert service.resolve_api_token(session, raw, clock) is None


def test_sessions_expire_and_end_on_deactivation(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        service.create_user(session, username="root", password=PASSWORD, roles=["admin"], actor=CLI_ACTOR, clock=clock)
        user = service.create_user(session, username="erin", password=PASSWORD, roles=["analyst"], actor=CLI_ACTOR,
                                   clock=clock)
        raw = service.start_session(session, user, hours=1, clock=clock)
        assert service.resolve_session(session, raw, clock).username == "erin"
        clock.advance(hours=2)
        assert service.resolve_session(session, raw, clock) is None
        raw = service.start_session(session, user, hours=1, clock=clock)
        service.set_active(session, username="erin", active=False, actor=CLI_ACTOR, clock=clock)
        assert service.resolve_session(session, raw, clock) is None
        with pytest.raises(ConflictError):
            service.set_active(session, username="root", active=False, actor=CLI_ACTOR, clock=clock)
