"""JSON routes: file a report (with a proof-of-work puzzle), and the analysts' case steps."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import InvalidInputError, RateLimitedError
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import DbSession, check_csrf, require, strict_query
from childsafe.core import antiabuse
from childsafe.reports import contacts, forwarding, service, taxonomy
from childsafe.reports.models import Report

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], dependencies=[Depends(strict_query)])
Analyst = Annotated[Principal, require(Permission.REPORTS_TRIAGE)]
submissions = SlidingWindowLimiter(10, 3600)  # per address, in memory only, forgotten after an hour


def limit(request: Request) -> None:
    key = client_key(request)
    wait = submissions.retry_after(key)
    if wait:
        raise RateLimitedError("too many reports from here in a short time; please try later", retry_after=wait)
    submissions.hit(key)


def case_out(report: Report) -> dict[str, Any]:
    return {k: getattr(report, k) for k in (
        "id", "reference", "received_at", "language", "url", "description", "where_seen", "age_band", "country",
        "media_hashes", "checks", "status", "classification", "hosting_country", "forwarded_to", "assessed_at",
        "forwarded_at", "removed_at", "closed_at", "analyst_note")}


@router.get("/challenge", operation_id="reports-challenge",
            summary="A proof-of-work puzzle: find nonce so SHA-256(token:nonce) has `bits` leading zero bits")
def challenge(request: Request) -> dict[str, Any]:
    ctx = app_context(request)
    return {"token": antiabuse.challenge(ctx.secret_key, ctx.clock.now().timestamp()), "bits": antiabuse.POW_BITS}


@router.post("", operation_id="reports-create", status_code=201, summary="File a report (anonymous)")
def create(request: Request, session: DbSession, report: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    pow_ = report.get("pow") or {}
    ctx = app_context(request)
    if not isinstance(pow_, dict) or not antiabuse.solved(ctx.secret_key, str(pow_.get("token", "")),
                                                          str(pow_.get("nonce", "")), now=ctx.clock.now().timestamp()):
        raise InvalidInputError("solve the puzzle from /api/v1/reports/challenge first", field="pow")
    limit(request)
    image = None
    if report.get("image_base64"):
        try:
            image = base64.b64decode(str(report["image_base64"]), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInputError("image_base64 is not base64", field="image_base64") from None
    fields = {k: str(report.get(k) or "") for k in ("url", "description", "where_seen", "country", "contact")}
    row = service.submit(session, data_dir=app_context(request).settings.data_dir,
                         age_band=str(report.get("age_band") or "unknown"), language=str(report.get("language") or "en"),
                         image=image, quarantine=(ctx.secret_key, ctx.settings.report_quarantine_days)
                         if ctx.settings.report_quarantine else None, clock=ctx.clock, **fields)
    return {"reference": row.reference, "received_at": row.received_at}


@router.get("/queue", operation_id="reports-queue")
def queue(session: DbSession, principal: Analyst) -> list[dict[str, Any]]:
    return [case_out(r) for r in service.queue(session)]


@router.get("/{report_id}", operation_id="reports-get")
def get(report_id: int, session: DbSession, principal: Analyst) -> dict[str, Any]:
    return case_out(service.get(session, report_id))


@router.post("/{report_id}/{step}", operation_id="reports-step",
             summary="claim, assess (classification, hosting_country, note), forward (destination), removed, "
                     "close or reopen")
def step(report_id: int, step: str, request: Request, session: DbSession, principal: Analyst,
         body: Annotated[dict[str, Any] | None, Body()] = None) -> dict[str, Any]:
    check_csrf(request, principal, None)
    body = body or {}
    clock = app_context(request).clock
    if step == "claim":
        row = service.claim(session, report_id, principal=principal, clock=clock)
    elif step == "assess":
        row = service.assess(session, report_id, classification=str(body.get("classification", "")),
                             hosting_country=str(body.get("hosting_country", "")), note=str(body.get("note", "")),
                             principal=principal, clock=clock)
    elif step == "forward":
        row = service.forward(session, report_id, destination=str(body.get("destination", "")), principal=principal,
                              clock=clock)
    elif step in ("removed", "close", "reopen"):
        action = {"removed": service.mark_removed, "close": service.close, "reopen": service.reopen}[step]
        row = action(session, report_id, principal=principal, clock=clock)
    else:
        raise InvalidInputError("step is claim, assess, forward, removed, close or reopen", field="step")
    return case_out(row)


Counsellor = Annotated[Principal, require(Permission.CONTACTS_WRITE)]
contacts_router = APIRouter(prefix="/api/v1/contacts", tags=["reports"], dependencies=[Depends(strict_query)])


@contacts_router.post("", operation_id="reports-record-contact", status_code=201)
def record_contact(request: Request, session: DbSession, principal: Counsellor,
                   contact: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row = contacts.record(session, contact, principal=principal, clock=app_context(request).clock)
    return {"id": row.id, "recorded_at": row.recorded_at, "taxonomy_version": row.taxonomy_version}


@contacts_router.get("/export", operation_id="reports-contacts-export",
                     summary="A year's contact counts by category, channel, caller, age band and gender")
def export_contacts(session: DbSession, principal: Counsellor,
                    year: Annotated[int, Query(ge=2000, le=2100)]) -> dict[str, Any]:
    return contacts.yearly(session, year)


@contacts_router.get("/taxonomy", operation_id="reports-contacts-taxonomy")
def contact_taxonomy() -> dict[str, Any]:
    return {"version": taxonomy.VERSION,
            "categories": {c: {"label": label, "subcategories": subs} for c, (label, subs) in taxonomy.CATEGORIES.items()},
            "channels": taxonomy.CHANNELS, "callers": taxonomy.CALLERS, "age_bands": taxonomy.AGE_BANDS,
            "genders": taxonomy.GENDERS, "actions": taxonomy.ACTIONS, "referrals": taxonomy.REFERRALS}


@router.post("/channels", operation_id="reports-add-channel", status_code=201,
             summary="Where forwarded cases go: a signed webhook or an email address per destination (admin)")
def add_channel(request: Request, session: DbSession,
                principal: Annotated[Principal, require(Permission.ACCOUNTS_ADMIN)],
                channel: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    row, secret = forwarding.add_channel(session, destination=str(channel.get("destination", "")),
                                         kind=str(channel.get("kind", "")), target=str(channel.get("target", "")),
                                         actor=principal.actor, clock=app_context(request).clock)
    return {"id": row.id, "destination": row.destination, "kind": row.kind, "target": row.target,
            **({"secret": secret} if secret else {})}
