"""Domain errors: services raise these, the HTTP layer and CLI turn them into responses and messages."""

from __future__ import annotations


class ChildSafeError(Exception):
    """Base error; `code` is stable for API clients, `field` names the offending input when there is one."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInputError(ChildSafeError):
    code = "invalid_input"
    status = 422


class NotFoundError(ChildSafeError):
    code = "not_found"
    status = 404


class ConflictError(ChildSafeError):
    code = "conflict"
    status = 409


class AuthenticationError(ChildSafeError):
    code = "not_authenticated"
    status = 401


class PermissionDeniedError(ChildSafeError):
    code = "forbidden"
    status = 403


class RateLimitedError(ChildSafeError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CsrfError(ChildSafeError):
    code = "csrf_failed"
    status = 403
