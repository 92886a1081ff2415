"""JSON routes: hash and match media held in memory or many hashes at once; banks; webhooks."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Body, Depends, Query, Request

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import InvalidInputError
from childsafe.hashmatch import service
from childsafe.hashmatch.matcher import parse_query_hashes
from childsafe.hashmatch.signals import Hashed, SignalError, hash_media, pdq_dihedral_from_image_bytes
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, check_csrf, require, strict_query

router = APIRouter(prefix="/api/v1/hashmatch", tags=["hashmatch"], dependencies=[Depends(strict_query)])
Matching = Annotated[Principal, require(Permission.HASHMATCH_MATCH)]
Managing = Annotated[Principal, require(Permission.HASHMATCH_MANAGE)]
MAX_MEDIA = 20 * 1024 * 1024
MAX_HASHES = 10_000


async def _media(request: Request) -> bytes:
    """The request body, in memory only (never spooled to disk), refused past the size limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_MEDIA:
        raise InvalidInputError(f"media larger than {MAX_MEDIA >> 20} MB", field="body")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_MEDIA:
            raise InvalidInputError(f"media larger than {MAX_MEDIA >> 20} MB", field="body")
        chunks.append(chunk)
    if not size:
        raise InvalidInputError("send the media as the request body", field="body")
    return b"".join(chunks)


def _hash(data: bytes, rotations: bool) -> tuple[list[Hashed], list[str | None]]:
    hashed = hash_media(data)
    variants: list[str | None] = [None] * len(hashed)
    if rotations:
        try:
            dihedral, quality = pdq_dihedral_from_image_bytes(data)
        except SignalError:
            dihedral, quality = [], 0
        for name, value in dihedral[1:]:
            hashed.append(Hashed("pdq", value, quality))
            variants.append(name)
    return hashed, variants


@router.post("/hash", operation_id="hashmatch-hash", summary="Hash media sent as the request body (kept in memory)")
async def hash_endpoint(request: Request, principal: Matching,
                        rotations: Annotated[bool, Query()] = False) -> dict[str, Any]:
    data = await _media(request)
    hashed, variants = await anyio.to_thread.run_sync(_hash, data, rotations)
    return {"hashes": [{"signal_type": h.signal_type, "hash": h.value, "quality": h.quality,
                        **({"variant": v} if v else {})} for h, v in zip(hashed, variants, strict=True)]}


@router.post("/match", operation_id="hashmatch-match",
             summary="Match media (request body) or, with a JSON body, up to 10,000 hashes in one call")
async def match_endpoint(request: Request, session: DbSession, principal: Matching,
                         rotations: Annotated[bool, Query()] = False) -> dict[str, Any]:
    check_csrf(request, principal, None)
    matcher = request.app.state.matcher
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise InvalidInputError("the body is not JSON", field="body") from None
        entries = body.get("hashes") if isinstance(body, dict) else None
        if not isinstance(entries, list) or not 0 < len(entries) <= MAX_HASHES:
            raise InvalidInputError(f"'hashes' must list 1 to {MAX_HASHES} objects", field="hashes")
        try:
            pairs = [(str(e["signal_type"]), str(e["value"])) for e in entries]
            queries = parse_query_hashes(pairs)
        except (KeyError, TypeError):
            raise InvalidInputError("each hash is {\"signal_type\": ..., \"value\": ...}", field="hashes") from None
        except SignalError as exc:
            raise InvalidInputError(str(exc), field="hashes") from None
        variants: list[str | None] = [None] * len(queries)
    else:
        data = await _media(request)
        queries, variants = await anyio.to_thread.run_sync(_hash, data, rotations)
    # decoding, hashing and scanning take CPU: off the event loop, so other requests go on (and lookups arriving
    # together share a pass over a compact index)
    results = await anyio.to_thread.run_sync(
        lambda: matcher.match(session, queries, actor=principal.actor, variants=variants))
    return {"results": [r.as_dict() for r in results], "matched": any(r.matches for r in results)}


@router.get("/banks", operation_id="hashmatch-list-banks")
def list_banks(session: DbSession, principal: Matching) -> list[dict[str, Any]]:
    return [{"name": b.name, "kind": b.kind, "signals": n, "enabled": b.enabled, "pdq_threshold": b.pdq_threshold,
             "source": b.source, "licence": b.licence, "imported_at": b.imported_at}
            for b, n in service.list_banks(session)]


@router.post("/banks", operation_id="hashmatch-create-bank", status_code=201)
def create_bank(request: Request, session: DbSession, principal: Managing,
                bank: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    try:
        row = service.create_bank(session, name=bank.get("name", ""), kind=bank.get("kind", "block"),
                                  source=str(bank.get("source", "")), licence=str(bank.get("licence", "")),
                                  description=str(bank.get("description", "")),
                                  pdq_threshold=int(bank.get("pdq_threshold", 31)), actor=principal.actor,
                                  clock=app_context(request).clock)
    except (TypeError, ValueError):
        raise InvalidInputError("pdq_threshold must be a whole number", field="pdq_threshold") from None
    return {"name": row.name, "kind": row.kind, "enabled": row.enabled, "pdq_threshold": row.pdq_threshold}


@router.patch("/banks/{name}", operation_id="hashmatch-configure-bank")
def configure_bank(name: str, request: Request, session: DbSession, principal: Managing,
                   enabled: Annotated[bool | None, Body(embed=True)] = None,
                   pdq_threshold: Annotated[int | None, Body(embed=True)] = None) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = service.configure_bank(session, name, enabled=enabled, pdq_threshold=pdq_threshold, actor=principal.actor,
                                 clock=app_context(request).clock)
    return {"name": row.name, "enabled": row.enabled, "pdq_threshold": row.pdq_threshold}


@router.post("/banks/{name}/import", operation_id="hashmatch-import")
async def import_signals(name: str, request: Request, session: DbSession, principal: Managing,
                         format: Annotated[str, Query(pattern="^(csv|te|hashlist)$")] = "csv",
                         signal_type: Annotated[str | None, Query(max_length=20)] = None) -> dict[str, int]:
    check_csrf(request, principal, None)
    try:
        text = (await _media(request)).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the file is not UTF-8 text", field="body") from None
    added, present = service.import_signals(session, name, text, fmt=format, filename=None, actor=principal.actor,
                                            default_type=signal_type, clock=app_context(request).clock)
    return {"added": added, "present": present}


@router.get("/banks/{name}/export", operation_id="hashmatch-export")
def export(name: str, session: DbSession, principal: Managing,
           format: Annotated[str, Query(pattern="^(csv|te|hashlist)$")] = "csv") -> Any:
    from starlette.responses import Response  # noqa: PLC0415

    return Response(service.export_signals(session, name, format), media_type="text/plain; charset=utf-8")


@router.post("/webhooks", operation_id="hashmatch-add-webhook", status_code=201)
def add_webhook(request: Request, session: DbSession, principal: Managing,
                url: Annotated[str, Body(embed=True, max_length=2000)]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    hook, secret = service.add_webhook(session, url, actor=principal.actor, clock=app_context(request).clock)
    return {"id": hook.id, "url": hook.url, "secret": secret,
            "signature": "X-ChildSafe-Signature: sha256=HMAC-SHA256(secret, X-ChildSafe-Timestamp + '.' + body)"}


@router.post("/reindex", operation_id="hashmatch-reindex")
def reindex(request: Request, session: DbSession, principal: Managing) -> dict[str, int]:
    check_csrf(request, principal, None)
    return {"indexed": request.app.state.matcher.reindex(session)}
