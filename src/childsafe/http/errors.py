"""Turn errors into responses: JSON {"error": {code, message, field}} under /api, a friendly page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from childsafe.core.errors import AuthenticationError, ChildSafeError, RateLimitedError
from childsafe.http import i18n
from childsafe.http.templating import render


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/dns-query"))


def error_body(code: str, message: str, field: str | None) -> dict[str, dict[str, str | None]]:
    return {"error": {"code": code, "message": message, "field": field}}


def _respond(request: Request, status: int, code: str, message: str, field: str | None,
             headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)
    if not hasattr(request.state, "lang"):
        request.state.lang = i18n.negotiate(request.query_params.get("lang"),
                                            request.headers.get("accept-language"))
    return render(request, "error.html", {"status": status, "code": code, "message": message},
                  status_code=status, headers=headers)


def _field_of(loc: tuple[object, ...] | list[object]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or (str(loc[-1]) if loc else None)


def install(app: FastAPI) -> None:
    @app.exception_handler(ChildSafeError)
    async def domain_error(request: Request, exc: ChildSafeError) -> Response:
        if isinstance(exc, AuthenticationError) and not _is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimitedError) else None
        if isinstance(exc, AuthenticationError):
            headers = {"WWW-Authenticate": "Bearer"}
        return _respond(request, exc.status, exc.code, exc.message, exc.field, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid input"}
        field = _field_of(first.get("loc", ()))
        message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
        return _respond(request, 422, "invalid_input", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):  # e.g. bytes that are not UTF-8
            return _respond(request, 422, "invalid_input", "the body is not JSON in UTF-8", "body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, code, str(exc.detail), None, getattr(exc, "headers", None))
