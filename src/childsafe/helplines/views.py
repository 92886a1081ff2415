"""HTML pages: the child-facing /help finder, the embeddable widget, and the editors' directory screens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ChildSafeError, InvalidInputError
from childsafe.core.i18n import N_
from childsafe.helplines import hours as hours_mod
from childsafe.helplines import service
from childsafe.helplines.api import parse_country
from childsafe.helplines.editing import form_to_record, record_to_form
from childsafe.helplines.routing import HelpQuery
from childsafe.helplines.vocabulary import CHANNELS, TOPICS
from childsafe.http import i18n
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, Language, check_csrf, require, resolve_principal
from childsafe.http.templating import render

router = APIRouter(include_in_schema=False)


TOPIC_LABELS = {
    "general": N_("Anything on your mind"), "abuse": N_("Abuse"), "sexual_abuse": N_("Sexual abuse"),
    "violence": N_("Violence"), "online_harm": N_("Something that happened online"), "bullying": N_("Bullying"),
    "mental_health": N_("Feeling low, stressed or worried"), "self_harm": N_("Self-harm or suicidal thoughts"),
    "family": N_("Family problems"), "trafficking": N_("Trafficking"), "child_labour": N_("Child labour"),
    "health": N_("Health"), "legal": N_("Legal advice"), "missing_children": N_("Missing children"),
}
CHANNEL_LABELS = {
    "phone": N_("Call"), "sms": N_("Text (SMS)"), "whatsapp": N_("WhatsApp"), "chat": N_("Chat online"),
    "web": N_("Website"), "email": N_("Email"), "app": N_("App"),
}
assert set(TOPIC_LABELS) == set(TOPICS) and set(CHANNEL_LABELS) == set(CHANNELS)


def _when(moment: datetime | None, zone: str, lang: str) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, "EEE HH:mm", tzinfo=ZoneInfo(zone), locale=lang)


def _hours_rows(text: str | None, lang: str) -> list[tuple[str, str]]:
    """Opening hours as rows (days, times) in the reader's language; empty when unknown or always open."""
    if not text:
        return []
    parsed = hours_mod.parse(text)
    if parsed.always:
        return []
    names = i18n.day_names(lang)
    rows = []
    for first, last, spans in hours_mod.weekly_summary(parsed):
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        times = ", ".join(f"{i18n.format_time(s.start, lang)}–{i18n.format_time(s.end, lang)}" for s in spans)
        rows.append((days, times or "—"))
    return rows


def _help_context(request: Request, session: DbSession, lang: str, country: str | None, topic: str | None,
                  channel: str | None) -> dict[str, Any]:
    error = None
    try:
        code = parse_country(country)
    except InvalidInputError as exc:
        code, error = None, exc.message
    if country is None:
        guessed = i18n.country_from_accept_language(request.headers.get("accept-language"))
        code = guessed if guessed and service.list_records(session, guessed) else None
    topic = topic if topic in TOPICS else None
    channel = channel if channel in CHANNELS else None
    countries = sorted(service.list_countries(session), key=lambda c: i18n.country_name(c.code, lang))
    result = service.find_help(session, HelpQuery(code, lang, topic, channel), app_context(request).clock) \
        if code else None
    return {
        "countries": countries, "country": code, "topic": topic, "channel": channel, "result": result,
        "error": error, "topic_labels": TOPIC_LABELS, "channel_labels": CHANNEL_LABELS, "when": _when,
        "hours_rows": _hours_rows, "covered": {c.code for c in countries},
    }


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request, lang: Language, session: DbSession,
              country: Annotated[str | None, Query(max_length=8)] = None,
              topic: Annotated[str | None, Query(max_length=40)] = None,
              channel: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    return render(request, "helplines/help.html", _help_context(request, session, lang, country, topic, channel))


@router.get("/help/embed", response_class=HTMLResponse)
def embed(request: Request, lang: Language, session: DbSession,
          country: Annotated[str | None, Query(max_length=8)] = None,
          topic: Annotated[str | None, Query(max_length=40)] = None,
          channel: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    return render(request, "helplines/embed.html", _help_context(request, session, lang, country, topic, channel))


@router.get("/help/embed/info", response_class=HTMLResponse)
def embed_info(request: Request, lang: Language) -> Response:
    base = str(request.base_url).rstrip("/")
    return render(request, "helplines/embed_info.html", {"base": base})


Editor = Annotated[Principal, require(Permission.HELPLINES_WRITE)]


@router.get("/helplines/manage", response_class=HTMLResponse)
def manage(request: Request, lang: Language, principal: Editor, session: DbSession,
           country: Annotated[str | None, Query(max_length=8)] = None) -> Response:
    code = parse_country(country) if country else None
    return render(request, "helplines/manage.html", {
        "records": service.list_records(session, code), "countries": service.list_countries(session),
        "country": code})


@router.get("/helplines/manage/new", response_class=HTMLResponse)
def new_form(request: Request, lang: Language, principal: Editor) -> Response:
    return render(request, "helplines/edit.html", {"form": record_to_form(None), "error": None, "error_field": None,
                                                   "is_new": True, "topics": TOPICS, "channels": CHANNELS})


@router.get("/helplines/manage/{helpline_id}", response_class=HTMLResponse)
def edit_form(helpline_id: str, request: Request, lang: Language, principal: Editor,
              session: DbSession) -> Response:
    record = service.get_helpline(session, helpline_id)
    return render(request, "helplines/edit.html", {"form": record_to_form(record), "error": None, "error_field": None,
                                                   "is_new": False, "topics": TOPICS, "channels": CHANNELS})


@router.post("/helplines/manage", response_class=HTMLResponse)
async def save(request: Request, lang: Language, session: DbSession) -> Response:
    principal = resolve_principal(request, session)
    form = await request.form()
    check_csrf(request, principal, str(form.get("csrf_token", "")))
    if principal is None:
        return RedirectResponse("/login?next=/helplines/manage", status_code=303)
    principal.require(Permission.HELPLINES_WRITE)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    values["topics"] = ";".join(str(v) for v in form.getlist("topics"))
    is_new = values.get("is_new") == "1"
    try:
        raw = form_to_record(values)
        if is_new and isinstance(raw.get("id"), str) and service.exists(session, raw["id"]):
            raise InvalidInputError(f"a helpline with id {raw['id']!r} exists", field="id")
        service.save_helpline(session, raw, actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        return render(request, "helplines/edit.html", {"form": values, "error": exc.message, "error_field": exc.field,
                                                       "is_new": is_new, "topics": TOPICS, "channels": CHANNELS},
                      status_code=exc.status)
    return RedirectResponse(f"/helplines/manage?lang={lang}&country={raw['country']}", status_code=303)
