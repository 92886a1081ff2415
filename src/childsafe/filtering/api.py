"""JSON routes for guardians (profiles, devices, requests), the lists, and DNS-over-HTTPS (RFC 8484)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.responses import Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import InvalidInputError
from childsafe.filtering import service
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import DbSession, check_csrf, require, strict_query

router = APIRouter(prefix="/api/v1/filtering", tags=["filtering"], dependencies=[Depends(strict_query)])
doh_router = APIRouter(tags=["filtering"])
Guardian = Annotated[Principal, require(Permission.FILTERING_MANAGE)]
DNS_MESSAGE = "application/dns-message"


def _stale(request: Request, session: DbSession) -> None:
    request.app.state.filtering.changed(session)


@router.get("/lists", operation_id="filtering-lists", summary="Imported lists with source, licence and size")
def lists(session: DbSession) -> list[dict[str, Any]]:
    return [{"name": r.name, "format": r.format, "source": r.source, "licence": r.licence,
             "attribution": r.attribution, "entries": r.entries, "categories": r.categories,
             "imported_at": r.imported_at} for r in service.list_lists(session)]


@router.get("/profiles", operation_id="filtering-list-profiles")
def list_profiles(session: DbSession, principal: Guardian) -> list[dict[str, Any]]:
    return [service.profile_document(p) for p in service.list_profiles(session, principal)]


@router.post("/profiles", operation_id="filtering-create-profile", status_code=201)
def create_profile(request: Request, session: DbSession, principal: Guardian,
                   profile: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = service.save_profile(session, profile, principal=principal, clock=app_context(request).clock)
    _stale(request, session)
    return service.profile_document(row)


@router.get("/profiles/{profile_id}", operation_id="filtering-get-profile")
def get_profile(profile_id: int, session: DbSession, principal: Guardian) -> dict[str, Any]:
    return service.profile_document(service.get_profile(session, profile_id, principal))


@router.put("/profiles/{profile_id}", operation_id="filtering-update-profile")
def update_profile(profile_id: int, request: Request, session: DbSession, principal: Guardian,
                   profile: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = service.save_profile(session, profile, principal=principal, profile_id=profile_id,
                               clock=app_context(request).clock)
    _stale(request, session)
    return service.profile_document(row)


@router.delete("/profiles/{profile_id}", operation_id="filtering-delete-profile", status_code=204)
def delete_profile(profile_id: int, request: Request, session: DbSession, principal: Guardian) -> None:
    check_csrf(request, principal, None)
    service.delete_profile(session, profile_id, principal=principal, clock=app_context(request).clock)
    _stale(request, session)


@router.post("/profiles/{profile_id}/devices", operation_id="filtering-add-device", status_code=201)
def add_device(profile_id: int, request: Request, session: DbSession, principal: Guardian,
               device: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = service.add_device(session, profile_id, name=device.get("name", ""), network=device.get("network"),
                             principal=principal, clock=app_context(request).clock)
    _stale(request, session)
    return {"id": row.id, "name": row.name, "network": row.network, "doh_path": f"/dns-query/{row.doh_token}"}


@router.delete("/devices/{device_id}", operation_id="filtering-remove-device", status_code=204)
def remove_device(device_id: int, request: Request, session: DbSession, principal: Guardian) -> None:
    check_csrf(request, principal, None)
    service.remove_device(session, device_id, principal=principal, clock=app_context(request).clock)
    _stale(request, session)


@router.get("/requests", operation_id="filtering-list-requests")
def list_requests(session: DbSession, principal: Guardian) -> list[dict[str, Any]]:
    return [{"id": r.id, "profile_id": r.profile_id, "domain": r.domain, "reason": r.reason, "status": r.status,
             "created_at": r.created_at, "expires_at": r.expires_at} for r in service.list_requests(session, principal)]


@router.post("/requests/{request_id}", operation_id="filtering-decide-request")
def decide_request(request_id: int, request: Request, session: DbSession, principal: Guardian,
                   grant: Annotated[bool, Body(embed=True)],
                   minutes: Annotated[int, Body(embed=True)] = 60) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = service.decide_request(session, request_id, grant=grant, minutes=minutes, principal=principal,
                                 clock=app_context(request).clock)
    _stale(request, session)
    return {"id": row.id, "status": row.status, "expires_at": row.expires_at}


async def _answer(request: Request, message: bytes, token: str | None) -> Response:
    filtering = request.app.state.filtering
    resolver = await filtering.resolver()
    profile_id = None
    if token is not None:
        profile_id = resolver.engine.assignment.by_token.get(token)
        if profile_id is None:
            raise InvalidInputError("unknown device address", field="token")
    reply = await resolver.answer(message, client_key(request), profile_id)
    if reply is None:
        raise InvalidInputError("not a DNS query", field="dns")
    return Response(reply, media_type=DNS_MESSAGE, headers={"Cache-Control": "no-store"})


def _decode(dns: str) -> bytes:
    if len(dns) > 700:
        raise InvalidInputError("the dns parameter is too long", field="dns")
    try:
        return base64.urlsafe_b64decode(dns + "=" * (-len(dns) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInputError("dns is not base64url", field="dns") from None


@doh_router.get("/dns-query", operation_id="filtering-doh-get", summary="DNS over HTTPS (RFC 8484), default profile")
async def doh_get(request: Request, dns: Annotated[str, Query(max_length=700)]) -> Response:
    return await _answer(request, _decode(dns), None)


@doh_router.get("/dns-query/{token}", operation_id="filtering-doh-device-get",
                summary="DNS over HTTPS for one device's profile")
async def doh_device_get(token: str, request: Request, dns: Annotated[str, Query(max_length=700)]) -> Response:
    return await _answer(request, _decode(dns), token)


async def _body(request: Request) -> bytes:
    if request.headers.get("content-type", "").split(";")[0].strip() != DNS_MESSAGE:
        raise InvalidInputError(f"the body must be {DNS_MESSAGE}", field="content-type")
    body = await request.body()
    if not 12 <= len(body) <= 65535:
        raise InvalidInputError("the body is not a DNS message", field="body")
    return body


@doh_router.post("/dns-query", operation_id="filtering-doh-post", include_in_schema=True)
async def doh_post(request: Request) -> Response:
    return await _answer(request, await _body(request), None)


@doh_router.post("/dns-query/{token}", operation_id="filtering-doh-device-post")
async def doh_device_post(token: str, request: Request) -> Response:
    return await _answer(request, await _body(request), token)
