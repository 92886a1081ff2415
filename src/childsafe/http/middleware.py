"""Security headers on every response, and a same-origin check on every state-changing request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from childsafe.http.errors import error_body

# Nothing is loaded from other sites; pages work without scripts, the few we have are our own files.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")
EMBEDDABLE_PREFIXES = ("/help/embed",)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_BODY_LIMIT = 2 * 1024 * 1024  # no JSON API call needs more (media go as raw bodies with their own caps)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None  # a "null" origin (sandboxed frame, file://) is never trusted for writes
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    if request.method in UNSAFE_METHODS and not _same_origin(request) \
            and not request.headers.get("authorization", "").lower().startswith("bearer "):
        return JSONResponse(error_body("csrf_failed", "cross-site request refused", "origin"), status_code=403)
    if request.url.path.startswith("/api/"):
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > JSON_BODY_LIMIT \
                and request.headers.get("content-type", "").startswith("application/json"):
            return JSONResponse(error_body("too_large", f"a JSON body may be at most {JSON_BODY_LIMIT >> 20} MB",
                                           "body"), status_code=413)
        limiter = request.app.state.context.api_limiter
        key = request.client.host if request.client else "unknown"
        wait = limiter.retry_after(key)
        if wait:
            return JSONResponse(error_body("rate_limited", "too many requests; slow down", None), status_code=429,
                                headers={"Retry-After": str(wait)})
        limiter.hit(key)
    response = await call_next(request)
    embeddable = request.url.path.startswith(EMBEDDABLE_PREFIXES)
    response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors="*" if embeddable else "'none'"))
    if not embeddable:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin: other sites learn nothing, while our own form posts keep a real Origin header (with
    # no-referrer browsers send "Origin: null", which the check above must refuse).
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.url.path.startswith(("/api/", "/login", "/account", "/admin")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
