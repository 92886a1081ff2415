"""Account use cases: users and roles, password sign-in with throttling, sessions and scoped API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from childsafe.accounts.models import ApiToken, LoginSession, User, UserRole
from childsafe.accounts.roles import Permission, Role, parse_roles, parse_scopes, permissions_for
from childsafe.core import audit, security
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import (AuthenticationError, ConflictError, InvalidInputError, NotFoundError,
                                   PermissionDeniedError, RateLimitedError)
from childsafe.core.ratelimit import SlidingWindowLimiter

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
TOKEN_PREFIX = "cs_"


@dataclass(frozen=True)
class Principal:
    """Who is making a request, and what they may do."""

    user_id: int
    username: str
    roles: tuple[str, ...]
    permissions: frozenset[Permission]
    via: str  # "session" or "token"
    token_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        if self.via == "token":
            return Actor("token", f"{self.username}#{self.token_id}")
        return Actor("user", self.username)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise PermissionDeniedError(f"this needs the permission {permission.value}")


def _validate_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInputError("a username is 2 to 64 characters: letters, digits, dot, dash or underscore",
                                field="username")
    return username


def _validate_password(password: str) -> None:
    if len(password) < security.MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"a password needs at least {security.MIN_PASSWORD_LENGTH} characters",
                                field="password")
    if len(password) > 1024:
        raise InvalidInputError("a password may have at most 1024 characters", field="password")


def create_user(session: Session, *, username: str, password: str, roles: list[str], actor: Actor,
                display_name: str = "", clock: Clock | None = None) -> User:
    clock = clock or SystemClock()
    username = _validate_username(username)
    _validate_password(password)
    try:
        parsed = parse_roles(roles)
    except ValueError as exc:
        raise InvalidInputError(str(exc), field="roles") from None
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"the username {username!r} is taken", field="username")
    user = User(username=username, display_name=display_name.strip()[:120], created_at=clock.now(),
                password_hash=security.hash_password(password), is_active=True,
                role_rows=[UserRole(role=r.value) for r in parsed])
    session.add(user)
    session.flush()
    audit.record(session, actor, "accounts.user.create", "user", user.username,
                 {"roles": [r.value for r in parsed]}, clock)
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFoundError(f"no user named {username!r}", field="username")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(UserRole).join(User)
                          .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True))) or 0


def set_roles(session: Session, *, username: str, roles: list[str], actor: Actor,
              clock: Clock | None = None) -> User:
    user = get_user(session, username)
    try:
        parsed = parse_roles(roles)
    except ValueError as exc:
        raise InvalidInputError(str(exc), field="roles") from None
    if Role.ADMIN.value in user.roles and Role.ADMIN not in parsed and count_admins(session) <= 1:
        raise ConflictError("the last active administrator keeps the admin role", field="roles")
    before = user.roles
    user.role_rows = [UserRole(role=r.value) for r in parsed]
    session.flush()
    audit.record(session, actor, "accounts.user.roles", "user", user.username,
                 {"before": before, "after": [r.value for r in parsed]}, clock)
    return user


def set_active(session: Session, *, username: str, active: bool, actor: Actor, clock: Clock | None = None) -> User:
    user = get_user(session, username)
    if not active and Role.ADMIN.value in user.roles and count_admins(session) <= 1:
        raise ConflictError("the last active administrator cannot be deactivated", field="active")
    user.is_active = active
    if not active:
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    audit.record(session, actor, "accounts.user.activate" if active else "accounts.user.deactivate", "user",
                 user.username, {}, clock)
    return user


def set_password(session: Session, *, username: str, password: str, actor: Actor,
                 clock: Clock | None = None) -> None:
    user = get_user(session, username)
    _validate_password(password)
    user.password_hash = security.hash_password(password)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    audit.record(session, actor, "accounts.user.password", "user", user.username, {}, clock)


def authenticate(session: Session, *, username: str, password: str, limiter: SlidingWindowLimiter,
                 client: str, clock: Clock | None = None) -> User:
    """Check a password; failures are counted per account and per client address, never stored."""
    clock = clock or SystemClock()
    name = username.strip().lower()[:64]
    keys = (f"user:{name}", f"client:{client}")
    wait = max(limiter.retry_after(k) for k in keys)
    if wait:
        raise RateLimitedError("too many failed sign-ins; try again later", retry_after=wait)
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        security.burn_password_check(password)
    if user is None or not user.is_active or not security.verify_password(user.password_hash, password):
        for key in keys:
            limiter.hit(key)
        raise AuthenticationError("the username or password is not right")
    limiter.reset(keys[0])
    if security.password_needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    user.last_login_at = clock.now()
    return user


def start_session(session: Session, user: User, *, hours: int, clock: Clock | None = None) -> str:
    now = (clock or SystemClock()).now()
    raw = security.new_token()
    session.add(LoginSession(token_digest=security.token_digest(raw), user_id=user.id, created_at=now,
                             expires_at=now + timedelta(hours=hours)))
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    return raw


def _principal(user: User, via: str, scopes: frozenset[Permission] | None = None,
               token_id: int | None = None) -> Principal:
    granted = permissions_for(user.roles)
    if scopes is not None:
        granted &= scopes
    return Principal(user_id=user.id, username=user.username, roles=tuple(user.roles), permissions=granted,
                     via=via, token_id=token_id)


def resolve_session(session: Session, raw: str | None, clock: Clock | None = None) -> Principal | None:
    if not raw or len(raw) > 200:
        return None
    now = (clock or SystemClock()).now()
    row = session.scalar(select(LoginSession).where(LoginSession.token_digest == security.token_digest(raw)))
    if row is None or row.expires_at <= now or not row.user.is_active:
        return None
    principal = _principal(row.user, "session")
    principal.extra["signed_in_at"] = row.created_at.isoformat()  # for reviewers' break reminders
    return principal


def end_session(session: Session, raw: str | None) -> None:
    if raw:
        session.execute(delete(LoginSession).where(LoginSession.token_digest == security.token_digest(raw)))


def create_api_token(session: Session, *, user_id: int, name: str, scopes: list[str], actor: Actor,
                     days: int | None = 90, clock: Clock | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and only its digest is stored."""
    clock = clock or SystemClock()
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("no such user")
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInputError("a token needs a name of 1 to 80 characters", field="name")
    try:
        wanted = frozenset(parse_scopes(scopes))
    except ValueError as exc:
        raise InvalidInputError(str(exc), field="scopes") from None
    if not wanted:
        raise InvalidInputError("a token needs at least one scope", field="scopes")
    missing = wanted - permissions_for(user.roles)
    if missing:
        raise PermissionDeniedError(f"your roles do not grant {', '.join(sorted(missing))}", field="scopes")
    if days is not None and not 1 <= days <= 366:
        raise InvalidInputError("a token lasts 1 to 366 days", field="days")
    raw = security.new_token(TOKEN_PREFIX)
    now = clock.now()
    token = ApiToken(user_id=user.id, name=name, token_digest=security.token_digest(raw), hint=raw[:8],
                     scopes=sorted(s.value for s in wanted), created_at=now,
                     expires_at=now + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "accounts.token.create", "api_token", token.id,
                 {"user": user.username, "name": name, "scopes": token.scopes}, clock)
    return token, raw


def resolve_api_token(session: Session, raw: str | None, clock: Clock | None = None) -> Principal | None:
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = (clock or SystemClock()).now()
    token = session.scalar(select(ApiToken).where(ApiToken.token_digest == security.token_digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now  # coarse, so a busy client does not write on every call
    return _principal(token.user, "token", frozenset(Permission(s) for s in token.scopes), token.id)


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())))


def revoke_api_token(session: Session, *, user_id: int, token_id: int, actor: Actor,
                     clock: Clock | None = None) -> None:
    clock = clock or SystemClock()
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFoundError("no such token", field="token_id")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(session, actor, "accounts.token.revoke", "api_token", token.id, {"name": token.name}, clock)


def sweep_expired(session: Session, now: datetime) -> int:
    result = session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    return result.rowcount or 0
