"""HTML pages: youth consultations (anonymous, no cookie), results and the meeting summary; the organisers'
screens; the public document library; the best-practice and quarterly-report catalogue with its review queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core import antiabuse
from childsafe.core.ratelimit import SlidingWindowLimiter
from childsafe.core.errors import ChildSafeError, InvalidInputError, NotFoundError
from childsafe.core.settings import LANGUAGES
from childsafe.helplines import service as helplines
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import DbSession, Language, check_csrf, require
from childsafe.http.documents import render_pdf
from childsafe.http.templating import render
from childsafe.participation import consultations, documents, practices
from childsafe.strategy import service as strategy

router = APIRouter(include_in_schema=False)
Organiser = Annotated[Principal, require(Permission.CONSULTATIONS_MANAGE)]
Librarian = Annotated[Principal, require(Permission.DOCUMENTS_MANAGE)]
Submitter = Annotated[Principal, require(Permission.PRACTICES_SUBMIT)]
Reviewer = Annotated[Principal, require(Permission.PRACTICES_REVIEW)]


def _when(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError("a date and time such as 2026-12-01T09:00", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- youth consultations ---------------------------------------------------------------------------------------

@router.get("/consultations")
def consultation_list(request: Request, lang: Language, session: DbSession) -> Response:
    now = app_context(request).clock.now()
    items = [(c, consultations.state(c, now)) for c in consultations.all_consultations(session)]
    return render(request, "participation/consultations.html", {"items": items, "pick": consultations.pick})


def _take_part(request: Request, session: DbSession, slug: str, *, error: str | None = None,
               values: dict[str, str] | None = None, status: int = 200) -> Response:
    ctx = app_context(request)
    consultation = consultations.by_slug(session, slug)
    return render(request, "participation/take_part.html", {
        "consultation": consultation, "questions": consultations.questions_of(session, consultation.id),
        "state": consultations.state(consultation, ctx.clock.now()), "pick": consultations.pick,
        "age_bands": consultations.AGE_BANDS, "countries": helplines.list_countries(session),
        "token": antiabuse.form_token(ctx.secret_key, ctx.clock.now().timestamp()), "error": error,
        "values": values or {}}, status_code=status)


@router.get("/consultations/{slug}")
def take_part(request: Request, slug: str, lang: Language, session: DbSession) -> Response:
    return _take_part(request, session, slug)


def _limiter(request: Request) -> SlidingWindowLimiter:
    """Generous, because a whole class answers from one school address: 60 responses per address per 15 minutes."""
    limiter = getattr(request.app.state, "consultation_limiter", None)
    if limiter is None:
        limiter = request.app.state.consultation_limiter = SlidingWindowLimiter(60, 900, app_context(request).clock)
    return limiter


@router.post("/consultations/{slug}")
async def answer(request: Request, slug: str, lang: Language, session: DbSession) -> Response:
    """Anonymous: no account and no cookie, so the form carries a signed token and a trap field instead."""
    ctx = app_context(request)
    form = await request.form(max_fields=consultations.MAX_QUESTIONS + 10, max_part_size=16 * 1024)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    problem = antiabuse.form_token_problem(ctx.secret_key, values.get("token", ""), ctx.clock.now().timestamp())
    if values.get("website"):
        problem = "the form was not filled in by a person"
    limiter, key = _limiter(request), client_key(request)
    if problem or limiter.retry_after(key):
        return _take_part(request, session, slug, error=problem or "please wait a moment and send again",
                          values=values, status=400 if problem else 429)
    consultation = consultations.by_slug(session, slug)
    answers = {q.id: values.get(f"q{q.id}", "") for q in consultations.questions_of(session, consultation.id)}
    try:
        consultations.respond(session, consultation, age_band=values.get("age_band", ""),
                              country=values.get("country", ""), lang=lang, answers=answers, clock=ctx.clock)
    except ChildSafeError as exc:
        session.rollback()
        return _take_part(request, session, slug, error=exc.message, values=values, status=422)
    limiter.hit(key)
    return render(request, "participation/thanks.html", {"consultation": consultation, "pick": consultations.pick})


def _results_context(request: Request, session: DbSession, slug: str, lang: str) -> dict[str, object]:
    consultation = consultations.by_slug(session, slug)
    participants, found = consultations.results(session, consultation, lang)
    return {"consultation": consultation, "participants": participants, "results": found,
            "pick": consultations.pick, "age_bands": consultations.AGE_BANDS,
            "state": consultations.state(consultation, app_context(request).clock.now())}


@router.get("/consultations/{slug}/results")
def results(request: Request, slug: str, lang: Language, session: DbSession) -> Response:
    return render(request, "participation/results.html", _results_context(request, session, slug, lang))


@router.get("/consultations/{slug}/summary.pdf")
def summary_pdf(request: Request, slug: str, lang: Language, session: DbSession) -> Response:
    pdf = render_pdf("participation/summary_pdf.html", lang, _results_context(request, session, slug, lang))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="consultation-{slug}-{lang}.pdf"'})


@router.get("/consultations-manage")
def manage(request: Request, lang: Language, principal: Organiser, session: DbSession) -> Response:
    now = app_context(request).clock.now()
    items = [(c, consultations.state(c, now), len(consultations.pending(session, c.id)))
             for c in consultations.all_consultations(session)]
    return render(request, "participation/manage.html", {"items": items, "pick": consultations.pick,
                                                          "error": None, "values": {}, "now": now,
                                                          "states": consultations.STATES})


async def _form(request: Request, principal: Principal, **limits: int) -> dict[str, str]:
    form = await request.form(**limits)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


@router.post("/consultations-manage")
async def create_consultation(request: Request, lang: Language, principal: Organiser, session: DbSession
                              ) -> Response:
    values = await _form(request, principal, max_fields=12, max_part_size=64 * 1024)
    ctx = app_context(request)
    try:
        consultation = consultations.create(
            session, slug=values.get("slug", ""), lang=values.get("text_lang", lang), title=values.get("title", ""),
            intro=values.get("intro", ""), questions=values.get("questions", ""),
            opens_at=_when(values.get("opens_at", ""), "opens_at"),
            closes_at=_when(values.get("closes_at", ""), "closes_at"), actor=principal.actor, clock=ctx.clock)
    except ChildSafeError as exc:
        session.rollback()
        now = ctx.clock.now()
        items = [(c, consultations.state(c, now), 0) for c in consultations.all_consultations(session)]
        return render(request, "participation/manage.html", {
            "items": items, "pick": consultations.pick, "error": exc.message, "values": values, "now": now,
            "states": consultations.STATES},
            status_code=422)
    return RedirectResponse(f"/consultations-manage/{consultation.id}?lang={lang}", status_code=303)


def _edit(request: Request, session: DbSession, consultation_id: int, error: str | None = None,
          status: int = 200) -> Response:
    consultation = consultations.get(session, consultation_id)
    return render(request, "participation/edit.html", {
        "consultation": consultation, "questions": consultations.questions_of(session, consultation.id),
        "pending": consultations.pending(session, consultation.id), "pick": consultations.pick,
        "languages": LANGUAGES, "error": error, "states": consultations.STATES,
        "state": consultations.state(consultation, app_context(request).clock.now())}, status_code=status)


@router.get("/consultations-manage/{consultation_id}")
def edit(request: Request, consultation_id: int, lang: Language, principal: Organiser, session: DbSession
         ) -> Response:
    return _edit(request, session, consultation_id)


@router.post("/consultations-manage/{consultation_id}/translate")
async def translate(request: Request, consultation_id: int, lang: Language, principal: Organiser,
                    session: DbSession) -> Response:
    values = await _form(request, principal, max_fields=8, max_part_size=64 * 1024)
    try:
        consultations.translate(session, consultation_id, lang=values.get("text_lang", ""),
                                title=values.get("title", ""), intro=values.get("intro", ""),
                                questions=values.get("questions", ""), actor=principal.actor,
                                clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _edit(request, session, consultation_id, exc.message, 422)
    return RedirectResponse(f"/consultations-manage/{consultation_id}?lang={lang}", status_code=303)


@router.post("/consultations-manage/{consultation_id}/dates")
async def dates(request: Request, consultation_id: int, lang: Language, principal: Organiser,
                session: DbSession) -> Response:
    values = await _form(request, principal, max_fields=5)
    try:
        consultations.set_dates(session, consultation_id, opens_at=_when(values.get("opens_at", ""), "opens_at"),
                                closes_at=_when(values.get("closes_at", ""), "closes_at"), actor=principal.actor,
                                clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _edit(request, session, consultation_id, exc.message, 422)
    return RedirectResponse(f"/consultations-manage/{consultation_id}?lang={lang}", status_code=303)


@router.post("/consultations-manage/{consultation_id}/moderate")
async def moderate(request: Request, consultation_id: int, lang: Language, principal: Organiser,
                   session: DbSession) -> Response:
    values = await _form(request, principal, max_fields=200)
    for key, decision in values.items():
        if key.startswith("a") and key[1:].isdigit() and decision in ("approved", "rejected"):
            consultations.moderate(session, int(key[1:]), decision=decision, actor=principal.actor,
                                   clock=app_context(request).clock)
    return RedirectResponse(f"/consultations-manage/{consultation_id}?lang={lang}", status_code=303)


# --- documents ----------------------------------------------------------------------------------------------------

@router.get("/documents")
def library(request: Request, lang: Language, session: DbSession, q: Annotated[str, Query(max_length=200)] = "",
            kind: Annotated[str, Query(max_length=20)] = "",
            doc_lang: Annotated[str, Query(max_length=5)] = "") -> Response:
    found = documents.search(session, q=q, kind=kind, lang=doc_lang)
    return render(request, "participation/documents.html", {
        "documents": found, "q": q, "kind": kind, "doc_lang": doc_lang, "kinds": documents.KINDS,
        "languages": LANGUAGES, "pick": consultations.pick})


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, lang: Language, session: DbSession) -> Response:
    document = documents.get(session, document_id)
    return render(request, "participation/document.html", {
        "document": document, "files": documents.files(session, document_id), "kinds": documents.KINDS,
        "related": documents.by_symbol(session, document.related), "pick": consultations.pick})


@router.get("/documents/{document_id}/files/{file_id}")
def document_file(document_id: int, file_id: int, session: DbSession) -> Response:
    row = documents.file_with_content(session, document_id, file_id)
    return Response(row.content, media_type=row.media_type, headers={
        "Content-Disposition": f'attachment; filename="{row.filename}"', "X-Content-Type-Options": "nosniff"})


@router.get("/documents-manage")
def library_manage(request: Request, lang: Language, principal: Librarian, session: DbSession) -> Response:
    return render(request, "participation/documents_manage.html", {
        "documents": documents.search(session), "kinds": documents.KINDS, "languages": LANGUAGES, "error": None,
        "pick": consultations.pick, "today": app_context(request).clock.now().date()})


@router.post("/documents-manage")
async def library_upload(request: Request, lang: Language, principal: Librarian, session: DbSession) -> Response:
    form = await request.form(max_files=1, max_fields=20)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    ctx = app_context(request)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInputError("attach the file", field="file")
        data = await upload.read(documents.MAX_FILE + 1)
        existing = values.get("document_id", "")
        if existing.isdigit():
            document = documents.get(session, int(existing))
        else:
            try:
                issued = datetime.fromisoformat(values.get("issued_on", "")).date()
            except ValueError:
                raise InvalidInputError("the date is like 2026-11-28", field="issued_on") from None
            document = documents.create(
                session, symbol=values.get("symbol", ""), kind=values.get("kind", ""),
                titles={values.get("title_lang", "en"): values.get("title", "")}, issued_on=issued,
                meeting=values.get("meeting", ""), sender=values.get("sender", ""),
                recipient=values.get("recipient", ""), related=values.get("related", "").split(","),
                actor=principal.actor, clock=ctx.clock)
        documents.add_file(session, document.id, lang=values.get("file_lang", "en"), filename=upload.filename,
                           data=data, actor=principal.actor, clock=ctx.clock)
    except ChildSafeError as exc:
        session.rollback()
        return render(request, "participation/documents_manage.html", {
            "documents": documents.search(session), "kinds": documents.KINDS, "languages": LANGUAGES,
            "error": exc.message, "pick": consultations.pick, "today": ctx.clock.now().date()}, status_code=422)
    return RedirectResponse(f"/documents/{document.id}?lang={lang}", status_code=303)


# --- best practices and quarterly reports ---------------------------------------------------------------------

def _choices(lang: str) -> dict[str, object]:
    return {"regions": [(r, strategy.region_name(r, lang)) for r in strategy.region_ids()],
            "topics": [(t, strategy.area_name(t, lang)) for t in practices.topics()], "kinds": practices.KINDS}


@router.get("/best-practices")
def catalogue(request: Request, lang: Language, session: DbSession,
              kind: Annotated[str, Query(max_length=20)] = "best_practice",
              region: Annotated[str, Query(max_length=20)] = "",
              topic: Annotated[str, Query(max_length=40)] = "") -> Response:
    kind = kind if kind in practices.KINDS else "best_practice"
    return render(request, "participation/practices.html", {
        "items": practices.catalogue(session, kind=kind, region=region, topic=topic), "kind": kind,
        "region": region, "topic": topic, **_choices(lang)})


@router.get("/best-practices/submit")
def submit_form(request: Request, lang: Language, principal: Submitter) -> Response:
    return render(request, "participation/submit.html", {"error": None, "values": {}, **_choices(lang)})


@router.post("/best-practices/submit")
async def submit(request: Request, lang: Language, principal: Submitter, session: DbSession) -> Response:
    values = await _form(request, principal, max_fields=15, max_part_size=64 * 1024)
    try:
        practices.submit(session, {**values, "lang": lang}, actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return render(request, "participation/submit.html", {"error": exc.message, "values": values,
                                                              **_choices(lang)}, status_code=422)
    return render(request, "participation/submitted.html", {})


@router.get("/best-practices/review")
def review_queue(request: Request, lang: Language, principal: Reviewer, session: DbSession) -> Response:
    return render(request, "participation/review.html", {"items": practices.queue(session), **_choices(lang)})


@router.post("/best-practices/review/{submission_id}")
async def review(request: Request, submission_id: int, lang: Language, principal: Reviewer, session: DbSession
                 ) -> Response:
    values = await _form(request, principal, max_fields=5, max_part_size=8 * 1024)
    try:
        practices.review(session, submission_id, decision=values.get("decision", ""), note=values.get("note", ""),
                         actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return render(request, "participation/review.html", {"items": practices.queue(session), "error": exc.message,
                                                             **_choices(lang)}, status_code=409)
    return RedirectResponse(f"/best-practices/review?lang={lang}", status_code=303)


@router.get("/best-practices/{submission_id}")
def practice(request: Request, submission_id: int, lang: Language, session: DbSession) -> Response:
    row = practices.get(session, submission_id)
    if row.status != "approved":
        raise NotFoundError("no such published submission")
    return render(request, "participation/practice.html", {"item": row, **_choices(lang)})
