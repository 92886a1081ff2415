"""Request dependencies: the unit of work, who is asking, language, CSRF, and strict query parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.requests import Request

from childsafe.accounts import service as accounts
from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core import security
from childsafe.core.errors import AuthenticationError, CsrfError, InvalidInputError
from childsafe.http import i18n
from childsafe.http.context import app_context

SESSION_COOKIE = "childsafe_session"
PRE_COOKIE = "childsafe_pre"


def _unit_of_work(request: Request) -> Iterator[Session]:
    with app_context(request).database.unit_of_work() as session:
        yield session


# The transaction ends before the response is sent, so a failed commit is never reported as success.
DbSession = Annotated[Session, Depends(_unit_of_work, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value else None


def resolve_principal(request: Request, session: DbSession) -> Principal | None:
    ctx = app_context(request)
    token = _bearer(request)
    if token is not None:
        principal = accounts.resolve_api_token(session, token, ctx.clock)
        if principal is None:
            raise AuthenticationError("the API token is not valid, expired or revoked")
    else:
        principal = accounts.resolve_session(session, request.cookies.get(SESSION_COOKIE), ctx.clock)
    request.state.principal = principal
    binding = request.cookies.get(SESSION_COOKIE) if principal and principal.via == "session" else \
        request.cookies.get(PRE_COOKIE)
    request.state.csrf_token = security.csrf_token(ctx.secret_key, binding) if binding else ""
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(resolve_principal)]


def signed_in(principal: MaybePrincipal) -> Principal:
    if principal is None:
        raise AuthenticationError("sign in first")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(signed_in)]


def require(permission: Permission):  # noqa: ANN201  (returns a dependency)
    def check(principal: CurrentPrincipal) -> Principal:
        principal.require(permission)
        return principal

    return Depends(check)


def check_csrf(request: Request, principal: Principal | None, presented: str | None) -> None:
    """Forms and cookie-authenticated API calls must carry the token bound to the browser's session."""
    if principal is not None and principal.via == "token":
        return  # bearer tokens are not sent by browsers on their own, so they cannot be forged cross-site
    binding = request.cookies.get(SESSION_COOKIE) if principal else request.cookies.get(PRE_COOKIE)
    presented = presented or request.headers.get("x-csrf-token")
    if not binding or not security.csrf_valid(app_context(request).secret_key, binding, presented):
        raise CsrfError("the form has expired or did not come from this site; reload the page and try again")


def page_language(request: Request) -> str:
    lang = i18n.negotiate(request.query_params.get("lang"), request.headers.get("accept-language"),
                          app_context(request).settings.default_language)
    request.state.lang = lang
    return lang


Language = Annotated[str, Depends(page_language)]


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def strict_query(request: Request) -> None:
    """Reject query parameters the route does not declare, naming the first one (API routes only)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = _query_names(route.dependant)
    for name in request.query_params:
        if name not in declared:
            raise InvalidInputError(f"unknown query parameter {name!r}", field=name)
