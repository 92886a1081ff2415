"""HTML pages: the public report form (for children too), and the analysts' queue and case page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ChildSafeError, InvalidInputError
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, Language, check_csrf, require
from childsafe.http.templating import render
from childsafe.core import audit
from childsafe.core import antiabuse
from childsafe.reports import contacts, quarantine, service, taxonomy, wellbeing
from childsafe.reports.api import limit
from childsafe.reports.case import AGE_BANDS, CLASSIFICATIONS, DESTINATIONS

router = APIRouter(include_in_schema=False)
Analyst = Annotated[Principal, require(Permission.REPORTS_TRIAGE)]


def _form(request: Request, values: dict[str, str] | None = None, error: str | None = None,
          field: str | None = None, status: int = 200) -> Response:
    return render(request, "reports/report.html", {
        "values": values or {}, "error": error, "error_field": field, "age_bands": AGE_BANDS,
        "token": antiabuse.form_token(app_context(request).secret_key, app_context(request).clock.now().timestamp())},
        status_code=status)


def _quarantine(request: Request) -> tuple[str, int] | None:
    settings = app_context(request).settings
    return (app_context(request).secret_key, settings.report_quarantine_days) if settings.report_quarantine else None


def _break_reminder(request: Request, session: DbSession, principal: Principal) -> wellbeing.Reminder | None:
    started = principal.extra.get("signed_in_at")
    if not started:
        return None
    ctx = app_context(request)
    since = datetime.fromisoformat(started)
    return wellbeing.reminder(since, ctx.clock.now(), audit.count(session, principal.actor, "reports.reveal", since),
                              every_minutes=ctx.settings.analyst_break_minutes,
                              reveals_limit=ctx.settings.analyst_break_reveals)


def _case_page(request: Request, session: DbSession, report_id: int, principal: Principal, *,
               error: str | None = None, reveal: bool = False, status: int = 200) -> Response:
    loaded = quarantine.load(session, report_id, secret=app_context(request).secret_key)
    return render(request, "reports/case.html", {
        "reminder": _break_reminder(request, session, principal),
        "report": service.get(session, report_id), "error": error, "classifications": CLASSIFICATIONS,
        "destinations": DESTINATIONS, "picture": quarantine.preview(loaded[0], reveal=reveal) if loaded else None,
        "revealed": reveal, "delete_after": loaded[1] if loaded else None}, status_code=status)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, lang: Language) -> Response:
    return _form(request)


@router.post("/report", response_class=HTMLResponse)
async def report_submit(request: Request, lang: Language, session: DbSession) -> Response:
    form = await request.form(max_files=1, max_fields=20)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    if values.get("website"):  # the honeypot: people never see this field
        return render(request, "reports/thanks.html", {"reference": None})
    problem = antiabuse.form_token_problem(app_context(request).secret_key, values.get("token", ""),
                                           app_context(request).clock.now().timestamp())
    if problem:
        return _form(request, values, problem, "token", 422)
    image = None
    upload = form.get("image")
    if isinstance(upload, UploadFile) and upload.filename:
        image = await upload.read(service.MAX_IMAGE + 1)
    try:
        limit(request)
        row = service.submit(session, data_dir=app_context(request).settings.data_dir, url=values.get("url", ""),
                             description=values.get("description", ""), where_seen=values.get("where_seen", ""),
                             age_band=values.get("age_band", "unknown"), country=values.get("country", ""),
                             contact=values.get("contact", ""), language=lang, image=image or None,
                             quarantine=_quarantine(request), clock=app_context(request).clock)
    except ChildSafeError as exc:
        return _form(request, values, exc.message, exc.field, exc.status)
    finally:
        image = None  # the picture's bytes go now; only its hashes were kept
    return render(request, "reports/thanks.html", {"reference": row.reference})


@router.get("/reports/queue", response_class=HTMLResponse)
def queue(request: Request, lang: Language, principal: Analyst, session: DbSession) -> Response:
    return render(request, "reports/queue.html", {"reports": service.queue(session),
                                                  "reminder": _break_reminder(request, session, principal)})


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def case(report_id: int, request: Request, lang: Language, principal: Analyst, session: DbSession) -> Response:
    return _case_page(request, session, report_id, principal)


@router.post("/reports/{report_id}", response_class=HTMLResponse)
async def case_step(report_id: int, request: Request, lang: Language, principal: Analyst,
                    session: DbSession) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    values = {k: str(v) for k, v in form.items()}
    check_csrf(request, principal, values.get("csrf_token"))
    clock = app_context(request).clock
    step = values.get("step", "")
    try:
        if step == "claim":
            service.claim(session, report_id, principal=principal, clock=clock)
        elif step == "assess":
            service.assess(session, report_id, classification=values.get("classification", ""),
                           hosting_country=values.get("hosting_country", ""), note=values.get("note", ""),
                           principal=principal, clock=clock)
        elif step == "forward":
            service.forward(session, report_id, destination=values.get("destination", ""), principal=principal,
                            clock=clock)
        elif step in ("removed", "close", "reopen"):
            {"removed": service.mark_removed, "close": service.close, "reopen": service.reopen}[step](
                session, report_id, principal=principal, clock=clock)
        elif step == "reveal":  # the analyst chooses to see the picture; it is shown once, and audited
            service.get(session, report_id)
            audit.record(session, principal.actor, "reports.reveal", "report", report_id, {}, clock)
            return _case_page(request, session, report_id, principal, reveal=True)
        else:
            raise InvalidInputError("unknown step", field="step")
    except ChildSafeError as exc:
        return _case_page(request, session, report_id, principal, error=exc.message, status=exc.status)
    return RedirectResponse(f"/reports/{report_id}?lang={lang}", status_code=303)


Counsellor = Annotated[Principal, require(Permission.CONTACTS_WRITE)]


def _contacts_page(request: Request, session: DbSession, error: str | None = None, status: int = 200,
                   saved: bool = False) -> Response:
    return render(request, "reports/contacts.html", {
        "contacts": contacts.recent(session), "taxonomy": taxonomy, "error": error, "saved": saved},
        status_code=status)


@router.get("/contacts", response_class=HTMLResponse)
def contacts_page(request: Request, lang: Language, principal: Counsellor, session: DbSession) -> Response:
    return _contacts_page(request, session)


@router.post("/contacts", response_class=HTMLResponse)
async def record_contact(request: Request, lang: Language, principal: Counsellor, session: DbSession) -> Response:
    form = await request.form(max_files=0, max_fields=200)
    check_csrf(request, principal, str(form.get("csrf_token", "")))
    values = {k: str(v) for k, v in form.items()}
    for multi in ("categories", "actions", "referrals"):
        values[multi] = [str(v) for v in form.getlist(multi)]  # type: ignore[assignment]
    try:
        contacts.record(session, values, principal=principal, clock=app_context(request).clock)
    except ChildSafeError as exc:
        return _contacts_page(request, session, exc.message, exc.status)
    return _contacts_page(request, session, saved=True)
