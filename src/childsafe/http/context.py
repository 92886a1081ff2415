"""The services a running app holds (settings, database, clock, throttles), reached from each request."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from childsafe.core.clock import Clock, SystemClock
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.core.settings import Settings
from childsafe.db.engine import Database


@dataclass
class AppContext:
    settings: Settings
    database: Database
    secret_key: str
    clock: Clock = field(default_factory=SystemClock)
    login_limiter: SlidingWindowLimiter | None = None
    api_limiter: SlidingWindowLimiter | None = None

    def __post_init__(self) -> None:
        if self.login_limiter is None:
            self.login_limiter = SlidingWindowLimiter(self.settings.login_max_failures,
                                                      self.settings.login_window_seconds, self.clock)
        if self.api_limiter is None:
            self.api_limiter = SlidingWindowLimiter(self.settings.api_rate_per_minute, 60, self.clock)


def app_context(request: Request) -> AppContext:
    return request.app.state.context  # type: ignore[no-any-return]


def client_key(request: Request) -> str:
    """The client address, used only as a short-lived throttle key; never stored."""
    return request.client.host if request.client else "unknown"
