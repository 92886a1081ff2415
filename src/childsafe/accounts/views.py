"""HTML pages: sign in and out, the account page with API tokens, user administration and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from childsafe.accounts import service
from childsafe.accounts.roles import Permission, Role, permissions_for
from childsafe.core import audit, security
from childsafe.core.errors import ChildSafeError, RateLimitedError
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import (PRE_COOKIE, SESSION_COOKIE, CurrentPrincipal, DbSession, Language,
                                 MaybePrincipal, check_csrf, require)
from childsafe.http.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/account"
    return target


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=app_context(request).settings.cookie_secure)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, lang: Language, principal: MaybePrincipal,
               next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    pre = request.cookies.get(PRE_COOKIE) or security.new_token()
    request.state.csrf_token = security.csrf_token(app_context(request).secret_key, pre)
    response = render(request, "accounts/login.html", {"next": _safe_next(next), "error": None})
    _cookie(response, request, PRE_COOKIE, pre, 3600)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, lang: Language, session: DbSession, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1024)], csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form(max_length=500)] = "/account") -> Response:
    check_csrf(request, None, csrf_token)
    ctx = app_context(request)
    try:
        user = service.authenticate(session, username=username, password=password, limiter=ctx.login_limiter,
                                    client=client_key(request), clock=ctx.clock)
    except ChildSafeError as exc:
        request.state.csrf_token = csrf_token
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimitedError) else None
        return render(request, "accounts/login.html", {"next": _safe_next(next), "error": exc.message,
                                                       "username": username[:64]}, status_code=exc.status,
                      headers=headers)
    raw = service.start_session(session, user, hours=ctx.settings.session_hours, clock=ctx.clock)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _cookie(response, request, SESSION_COOKIE, raw, ctx.settings.session_hours * 3600)
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, principal: MaybePrincipal, session: DbSession,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    if principal is not None:
        check_csrf(request, principal, csrf_token)
        service.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(request: Request, principal: service.Principal, session: DbSession,
                  new_token: str | None = None, error: str | None = None, status: int = 200) -> Response:
    tokens = service.list_tokens(session, principal.user_id)
    scopes = sorted(p.value for p in permissions_for(principal.roles))
    return render(request, "accounts/account.html", {"tokens": tokens, "scopes": scopes, "new_token": new_token,
                                                     "error": error}, status_code=status)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, lang: Language, principal: CurrentPrincipal, session: DbSession) -> Response:
    return _account_page(request, principal, session)


@router.post("/account/tokens", response_class=HTMLResponse)
async def create_token(request: Request, lang: Language, principal: CurrentPrincipal, session: DbSession,
                       name: Annotated[str, Form(max_length=200)], csrf_token: Annotated[str, Form()] = "",
                       days: Annotated[int, Form(ge=1, le=366)] = 90) -> Response:
    check_csrf(request, principal, csrf_token)
    scopes = [str(s) for s in (await request.form()).getlist("scopes")]
    try:
        _, raw = service.create_api_token(session, user_id=principal.user_id, name=name, scopes=scopes, days=days,
                                          actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        return _account_page(request, principal, session, error=exc.message, status=exc.status)
    return _account_page(request, principal, session, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: int, request: Request, principal: CurrentPrincipal, session: DbSession,
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, principal, csrf_token)
    service.revoke_api_token(session, user_id=principal.user_id, token_id=token_id, actor=principal.actor,
                             clock=app_context(request).clock)
    return RedirectResponse(f"/account?lang={request.state.lang if hasattr(request.state, 'lang') else 'en'}",
                            status_code=303)


Admin = Annotated[service.Principal, require(Permission.ACCOUNTS_ADMIN)]


def _users_page(request: Request, session: DbSession, error: str | None = None, status: int = 200) -> Response:
    return render(request, "accounts/users.html", {"users": service.list_users(session),
                                                   "roles": [r.value for r in Role], "error": error},
                  status_code=status)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, lang: Language, principal: Admin, session: DbSession) -> Response:
    return _users_page(request, session)


@router.post("/admin/users", response_class=HTMLResponse)
async def add_user(request: Request, lang: Language, principal: Admin, session: DbSession,
                   username: Annotated[str, Form(max_length=200)], password: Annotated[str, Form(max_length=1024)],
                   csrf_token: Annotated[str, Form()] = "",
                   display_name: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, principal, csrf_token)
    roles = [str(r) for r in (await request.form()).getlist("roles")]
    try:
        service.create_user(session, username=username, password=password, roles=roles, display_name=display_name,
                            actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        return _users_page(request, session, exc.message, exc.status)
    return RedirectResponse(f"/admin/users?lang={request.state.lang}", status_code=303)


@router.post("/admin/users/{username}", response_class=HTMLResponse)
async def update_user(username: str, request: Request, lang: Language, principal: Admin, session: DbSession,
                      csrf_token: Annotated[str, Form()] = "",
                      active: Annotated[str, Form(max_length=5)] = "") -> Response:
    check_csrf(request, principal, csrf_token)
    roles = [str(r) for r in (await request.form()).getlist("roles")]
    clock = app_context(request).clock
    try:
        user = service.get_user(session, username)
        if sorted(roles) != user.roles:
            service.set_roles(session, username=username, roles=roles, actor=principal.actor, clock=clock)
        wanted = active == "on"
        if wanted != user.is_active:
            service.set_active(session, username=username, active=wanted, actor=principal.actor, clock=clock)
    except ChildSafeError as exc:
        return _users_page(request, session, exc.message, exc.status)
    return RedirectResponse(f"/admin/users?lang={request.state.lang}", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, lang: Language, session: DbSession,
               principal: Annotated[service.Principal, require(Permission.AUDIT_READ)],
               page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    size = 50
    entries = audit.recent(session, size + 1, (page - 1) * size)
    broken = audit.verify_chain(session)
    return render(request, "accounts/audit.html", {"entries": entries[:size], "page": page,
                                                   "has_more": len(entries) > size, "broken": broken})
