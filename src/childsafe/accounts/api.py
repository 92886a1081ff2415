"""JSON routes for the signed-in account, API tokens, users (admin) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from childsafe.accounts import service
from childsafe.accounts.models import ApiToken, User
from childsafe.accounts.roles import Permission
from childsafe.accounts.schemas import AuditOut, Me, TokenCreate, TokenCreated, TokenOut, UserCreate, UserOut
from childsafe.core import audit
from childsafe.http.context import app_context
from childsafe.http.deps import CurrentPrincipal, DbSession, check_csrf, require, strict_query

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"], dependencies=[Depends(strict_query)])


def _token_out(token: ApiToken) -> dict[str, object]:
    return {k: getattr(token, k) for k in TokenOut.model_fields}


def _user_out(user: User) -> UserOut:
    return UserOut(username=user.username, display_name=user.display_name, roles=user.roles,
                   is_active=user.is_active, created_at=user.created_at, last_login_at=user.last_login_at)


@router.get("/me", operation_id="accounts-me", response_model=Me)
def me(principal: CurrentPrincipal) -> Me:
    return Me(username=principal.username, roles=list(principal.roles),
              permissions=sorted(p.value for p in principal.permissions), via=principal.via)


@router.get("/tokens", operation_id="accounts-list-tokens", response_model=list[TokenOut])
def list_tokens(principal: CurrentPrincipal, session: DbSession) -> list[dict[str, object]]:
    return [_token_out(t) for t in service.list_tokens(session, principal.user_id)]


@router.post("/tokens", operation_id="accounts-create-token", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, request: Request, principal: CurrentPrincipal,
                 session: DbSession) -> dict[str, object]:
    check_csrf(request, principal, None)
    token, raw = service.create_api_token(session, user_id=principal.user_id, name=body.name, scopes=body.scopes,
                                          days=body.days, actor=principal.actor, clock=app_context(request).clock)
    return {**_token_out(token), "token": raw}


@router.delete("/tokens/{token_id}", operation_id="accounts-revoke-token", status_code=204)
def revoke_token(token_id: int, request: Request, principal: CurrentPrincipal, session: DbSession) -> None:
    check_csrf(request, principal, None)
    service.revoke_api_token(session, user_id=principal.user_id, token_id=token_id, actor=principal.actor,
                             clock=app_context(request).clock)


AdminPrincipal = Annotated[service.Principal, require(Permission.ACCOUNTS_ADMIN)]


@router.get("/users", operation_id="accounts-list-users", response_model=list[UserOut])
def list_users(principal: AdminPrincipal, session: DbSession) -> list[UserOut]:
    return [_user_out(u) for u in service.list_users(session)]


@router.post("/users", operation_id="accounts-create-user", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, request: Request, principal: AdminPrincipal, session: DbSession) -> UserOut:
    check_csrf(request, principal, None)
    user = service.create_user(session, username=body.username, password=body.password, roles=body.roles,
                               display_name=body.display_name, actor=principal.actor,
                               clock=app_context(request).clock)
    return _user_out(user)


@router.get("/audit", operation_id="accounts-audit-log", response_model=list[AuditOut])
def audit_log(principal: Annotated[service.Principal, require(Permission.AUDIT_READ)], session: DbSession,
              limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
              action: Annotated[str | None, Query(max_length=80)] = None) -> list[AuditOut]:
    return [AuditOut.model_validate(e, from_attributes=True) for e in audit.recent(session, limit, offset, action)]
