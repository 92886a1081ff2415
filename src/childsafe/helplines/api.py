"""JSON routes: find help for a country, list covered countries, read and edit records, export the dataset."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.responses import Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ConflictError, InvalidInputError
from childsafe.core.settings import LANGUAGES
from childsafe.helplines import service
from childsafe.helplines.dataset import HelplineRecord, country_known
from childsafe.helplines.formats import format_for
from childsafe.helplines.routing import HelpQuery, RankedHelpline, evaluate
from childsafe.helplines.schemas import (Channel, CountriesResponse, CountryOut, CountrySummaryOut, HelplineOut,
                                         HelpResponse, Topic)
from childsafe.http import i18n
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, check_csrf, require, strict_query

router = APIRouter(prefix="/api/v1/helplines", tags=["helplines"], dependencies=[Depends(strict_query)])
Editor = Annotated[Principal, require(Permission.HELPLINES_WRITE)]
LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def parse_country(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or not country_known(code):
        raise InvalidInputError(f"{value!r} is not an ISO 3166-1 alpha-2 country code", field="country")
    return code


def display_lang(lang: str | None) -> str:
    primary = (lang or "").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def helpline_out(h: RankedHelpline) -> dict[str, Any]:
    r = h.record
    return {
        "id": r.id, "name": r.name, "organisation": r.organisation, "country": r.country,
        "languages": list(r.languages), "topics": list(r.topics), "audience": list(r.audience),
        "age_max": r.age_max, "free": r.free, "anonymous": r.anonymous, "child_116111": r.child_116111,
        "timezone": r.timezone, "hours": r.hours, "open_now": h.open_now, "next_change": h.next_change,
        "matches": h.matches, "notes": r.notes, "verified": r.verified,
        "sources": [{"url": s.url, "title": s.title} for s in r.sources],
        "contacts": [{"channel": c.contact.channel, "value": c.contact.value, "e164": c.contact.e164,
                      "href": c.href, "hours": c.contact.hours, "open_now": c.open_now, "note": c.contact.note}
                     for c in h.contacts],
    }


@router.get("", operation_id="helplines-find", response_model=HelpResponse,
            summary="Find the best helplines for a child: open ones first, then channel, topic and language")
def find(request: Request, session: DbSession,
         country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2, e.g. DE", max_length=8)] = None,
         lang: Annotated[str | None, Query(description="BCP 47 language of the child", pattern=LANG_PATTERN,
                                           max_length=35)] = None,
         topic: Annotated[Topic | None, Query(description="What the child wants to talk about")] = None,
         channel: Annotated[Channel | None, Query(description="Preferred way to reach someone")] = None,
         ) -> dict[str, Any]:
    code = parse_country(country)
    result = service.find_help(session, HelpQuery(code, lang, topic, channel), app_context(request).clock)
    names = display_lang(lang)
    country_out = None
    if code:
        country_out = CountryOut(code=code, name=i18n.country_name(code, names), emergency=list(result.emergency),
                                 child_116111=result.child_116111)
    return {"country": country_out, "lang": names, "topic": topic, "channel": channel,
            "helplines": [helpline_out(h) for h in result.helplines]}


@router.get("/countries", operation_id="helplines-countries", response_model=CountriesResponse,
            summary="Countries with at least one helpline in the directory")
def countries(session: DbSession,
              lang: Annotated[str | None, Query(pattern=LANG_PATTERN, max_length=35)] = None) -> dict[str, Any]:
    names = display_lang(lang)
    return {"countries": [CountrySummaryOut(code=c.code, name=i18n.country_name(c.code, names),
                                            helplines=c.helplines, child_116111=c.child_116111,
                                            channels=list(c.channels))
                          for c in service.list_countries(session)]}


@router.get("/export", operation_id="helplines-export", summary="The whole dataset (CC0) as JSON or CSV")
def export(session: DbSession, format: Annotated[str, Query(pattern="^(json|csv)$")] = "json") -> Response:
    fmt = format_for(format)
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    return Response(fmt.write(service.list_records(session)), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="childsafe-helplines.{format}"'})


def _one(record: HelplineRecord, request: Request) -> dict[str, Any]:
    return helpline_out(evaluate(record, HelpQuery(record.country), app_context(request).clock.now()))


@router.get("/{helpline_id}", operation_id="helplines-get", response_model=HelplineOut)
def get(helpline_id: str, request: Request, session: DbSession) -> dict[str, Any]:
    return _one(service.get_helpline(session, helpline_id), request)


@router.post("", operation_id="helplines-create", response_model=HelplineOut, status_code=201)
def create(request: Request, session: DbSession, principal: Editor,
           record: Annotated[dict[str, Any], Body(description="A helpline record (see docs/helplines.md)")]
           ) -> dict[str, Any]:
    check_csrf(request, principal, None)
    if isinstance(record.get("id"), str) and service.exists(session, record["id"]):
        raise ConflictError(f"a helpline with id {record['id']!r} exists; use PUT to change it", field="id")
    saved = service.save_helpline(session, record, actor=principal.actor, clock=app_context(request).clock)
    return _one(saved, request)


@router.put("/{helpline_id}", operation_id="helplines-update", response_model=HelplineOut)
def update(helpline_id: str, request: Request, session: DbSession, principal: Editor,
           record: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    service.get_helpline(session, helpline_id)
    saved = service.save_helpline(session, record, actor=principal.actor, expected_id=helpline_id,
                                  clock=app_context(request).clock)
    return _one(saved, request)


@router.delete("/{helpline_id}", operation_id="helplines-delete", status_code=204)
def remove(helpline_id: str, request: Request, session: DbSession, principal: Editor) -> None:
    check_csrf(request, principal, None)
    service.delete_helpline(session, helpline_id, actor=principal.actor, clock=app_context(request).clock)
