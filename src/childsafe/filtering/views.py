"""HTML pages: the block page a child sees (why, and how to ask a grown-up), and the guardians' screens."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ChildSafeError, InvalidInputError, RateLimitedError
from childsafe.core.i18n import N_
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.filtering import service
from childsafe.filtering.domains import DomainError, normalise
from childsafe.filtering.forms import form_to_profile, profile_to_form
from childsafe.filtering.policy import PRESETS
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import DbSession, Language, check_csrf, require
from childsafe.http.templating import render

router = APIRouter(include_in_schema=False)
Guardian = Annotated[Principal, require(Permission.FILTERING_MANAGE)]
ASK_VALID_SECONDS = 3600
_ask_limiter = SlidingWindowLimiter(10, 3600)


CATEGORY_LABELS = {
    "adult": N_("adult content"), "mixed_adult": N_("adult content"), "lingerie": N_("lingerie"),
    "dating": N_("dating"), "gambling": N_("gambling"), "drogue": N_("drugs"), "agressif": N_("violence and hate"),
    "chat": N_("chat"), "social_networks": N_("social networks"), "games": N_("games"),
    "doh": N_("ways around the filter"), "vpn": N_("ways around the filter"),
    "redirector": N_("ways around the filter"),
}
REASONS = {
    "category": N_("It is in the category: %(what)s."),
    "bypass": N_("It could be used to get around the filter (%(what)s)."),
    "schedule": N_("It is “%(what)s” time now: only some sites work."),
    "budget": N_("Today's time for %(what)s is used up. It works again tomorrow."),
    "list": N_("A grown-up added it to the list of blocked sites."),
    "unforceable": N_("This search engine cannot be switched to safe search."),
    "canary": N_("This address is used to check that the filter is on."),
}


def _ask_token(secret: str, profile_id: int, domain: str, issued: int) -> str:
    message = f"ask:{profile_id}:{domain}:{issued}".encode()
    return f"{issued}.{hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]}"


def _ask_token_valid(secret: str, profile_id: int, domain: str, token: str) -> bool:
    issued_text, _, _ = token.partition(".")
    if not issued_text.isdigit() or time.time() - int(issued_text) > ASK_VALID_SECONDS:
        return False
    return hmac.compare_digest(_ask_token(secret, profile_id, domain, int(issued_text)), token)


def block_page(request: Request, domain: str, *, asked: bool = False, error: str | None = None,
               status_code: int = 200) -> Response:
    """Why `domain` is blocked for this device, in the child's language, with a way to ask and a way to get help."""
    filtering = request.app.state.filtering
    engine = filtering.engine()
    profile_id = engine.assignment.profile_for(client_key(request))
    decision, _ = engine.decision(profile_id, domain)
    profile = engine.profiles.get(profile_id)
    label = CATEGORY_LABELS.get(decision.detail) if decision.reason in ("category", "bypass", "budget") else None
    token = _ask_token(app_context(request).secret_key, profile_id, domain, int(time.time()))
    return render(request, "filtering/blocked.html", {
        "domain": domain, "decision": decision, "reason_text": REASONS.get(decision.reason), "what": decision.detail,
        "what_label": label,
        "profile_name": profile.name if profile else "", "ask_token": token, "asked": asked, "error": error,
        "can_ask": profile_id != 0,
    }, status_code=status_code)


@router.get("/blocked", response_class=HTMLResponse)
def blocked(request: Request, lang: Language, domain: Annotated[str, Query(max_length=253)] = "") -> Response:
    try:
        name = normalise(domain)
    except DomainError:
        return render(request, "filtering/blocked.html", {"domain": None, "error": None}, status_code=400)
    return block_page(request, name)


@router.post("/blocked/ask", response_class=HTMLResponse)
def ask(request: Request, lang: Language, session: DbSession, domain: Annotated[str, Form(max_length=253)],
        token: Annotated[str, Form(max_length=100)]) -> Response:
    """A child asks a grown-up: no account, no cookie; the token proves the form came from this block page."""
    try:
        name = normalise(domain)
    except DomainError:
        raise InvalidInputError("not a domain name", field="domain") from None
    engine = request.app.state.filtering.engine()
    profile_id = engine.assignment.profile_for(client_key(request))
    if not _ask_token_valid(app_context(request).secret_key, profile_id, name, token):
        return block_page(request, name, error=N_("This page is too old. Please try again."), status_code=403)
    key = f"ask:{client_key(request)}"
    if _ask_limiter.retry_after(key):
        raise RateLimitedError("too many questions in a short time", retry_after=_ask_limiter.retry_after(key))
    _ask_limiter.hit(key)
    decision, _ = engine.decision(profile_id, name)
    service.request_access(session, profile_id=profile_id, domain=name, reason=decision.reason,
                           clock=app_context(request).clock)
    return block_page(request, name, asked=True)


# ---- guardians ------------------------------------------------------------------------------------------------

def _categories(session: DbSession) -> dict[str, str]:
    return service.all_categories(session)


@router.get("/filtering", response_class=HTMLResponse)
def home(request: Request, lang: Language, principal: Guardian, session: DbSession) -> Response:
    return render(request, "filtering/home.html", {
        "profiles": service.list_profiles(session, principal), "requests": service.list_requests(session, principal),
        "lists": service.list_lists(session)})


def _edit(request: Request, session: DbSession, form: dict[str, Any], *, profile_id: int | None,
          devices: list[Any], error: str | None = None, error_field: str | None = None, status: int = 200) -> Response:
    return render(request, "filtering/profile.html", {
        "form": form, "profile_id": profile_id, "devices": devices, "error": error, "error_field": error_field,
        "presets": list(PRESETS), "categories": _categories(session), "category_labels": CATEGORY_LABELS},
        status_code=status)


@router.get("/filtering/profiles/new", response_class=HTMLResponse)
def new_profile(request: Request, lang: Language, principal: Guardian, session: DbSession) -> Response:
    return _edit(request, session, profile_to_form(None), profile_id=None, devices=[])


@router.get("/filtering/profiles/{profile_id}", response_class=HTMLResponse)
def edit_profile(profile_id: int, request: Request, lang: Language, principal: Guardian,
                 session: DbSession) -> Response:
    row = service.get_profile(session, profile_id, principal)
    return _edit(request, session, profile_to_form(service.profile_document(row)), profile_id=row.id,
                 devices=row.devices)


@router.post("/filtering/profiles", response_class=HTMLResponse)
async def save_profile(request: Request, lang: Language, principal: Guardian, session: DbSession) -> Response:
    form = await request.form()
    check_csrf(request, principal, str(form.get("csrf_token", "")))
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    for multi in ("extra_categories", "unblocked_categories"):
        values[multi] = ",".join(str(v) for v in form.getlist(multi))
    profile_id = int(values["profile_id"]) if values.get("profile_id", "").isdigit() else None
    try:
        row = service.save_profile(session, form_to_profile(values), principal=principal, profile_id=profile_id,
                                   clock=app_context(request).clock)
    except ChildSafeError as exc:
        devices = service.get_profile(session, profile_id, principal).devices if profile_id else []
        return _edit(request, session, values, profile_id=profile_id, devices=devices, error=exc.message,
                     error_field=exc.field, status=exc.status)
    request.app.state.filtering.changed(session)
    return RedirectResponse(f"/filtering/profiles/{row.id}?lang={lang}", status_code=303)


@router.post("/filtering/profiles/{profile_id}/devices", response_class=HTMLResponse)
def add_device(profile_id: int, request: Request, lang: Language, principal: Guardian, session: DbSession,
               name: Annotated[str, Form(max_length=100)], csrf_token: Annotated[str, Form()] = "",
               network: Annotated[str, Form(max_length=60)] = "") -> Response:
    check_csrf(request, principal, csrf_token)
    try:
        service.add_device(session, profile_id, name=name, network=network or None, principal=principal,
                           clock=app_context(request).clock)
    except ChildSafeError as exc:
        row = service.get_profile(session, profile_id, principal)
        return _edit(request, session, profile_to_form(service.profile_document(row)), profile_id=row.id,
                     devices=row.devices, error=exc.message, error_field=exc.field, status=exc.status)
    request.app.state.filtering.changed(session)
    return RedirectResponse(f"/filtering/profiles/{profile_id}?lang={lang}", status_code=303)


@router.post("/filtering/devices/{device_id}/remove")
def remove_device(device_id: int, request: Request, lang: Language, principal: Guardian, session: DbSession,
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, principal, csrf_token)
    service.remove_device(session, device_id, principal=principal, clock=app_context(request).clock)
    request.app.state.filtering.changed(session)
    return RedirectResponse(f"/filtering?lang={lang}", status_code=303)


@router.post("/filtering/requests/{request_id}")
def decide(request_id: int, request: Request, lang: Language, principal: Guardian, session: DbSession,
           decision: Annotated[str, Form(pattern="^(grant|deny)$")], csrf_token: Annotated[str, Form()] = "",
           minutes: Annotated[int, Form(ge=5, le=10080)] = 60) -> Response:
    check_csrf(request, principal, csrf_token)
    service.decide_request(session, request_id, grant=decision == "grant", minutes=minutes, principal=principal,
                           clock=app_context(request).clock)
    request.app.state.filtering.changed(session)
    return RedirectResponse(f"/filtering?lang={lang}", status_code=303)


def site_hosts(request: Request) -> set[str]:
    text = app_context(request).settings.site_hosts
    return {h.strip().lower() for h in text.split(",") if h.strip()}


async def host_block_page(request: Request, call_next):  # noqa: ANN001, ANN201  (Starlette middleware)
    """Requests for another site's name reached us because DNS sent them here: show why, not a broken page."""
    hosts = site_hosts(request)
    host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
    if not hosts or host in hosts or request.url.path.startswith(("/static/", "/blocked")):
        return await call_next(request)
    try:
        name = normalise(host)
    except DomainError:
        return await call_next(request)
    from childsafe.http import i18n  # noqa: PLC0415

    request.state.lang = i18n.negotiate(request.query_params.get("lang"), request.headers.get("accept-language"),
                                        app_context(request).settings.default_language)
    return block_page(request, name)
