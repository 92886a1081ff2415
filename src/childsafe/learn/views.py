"""HTML pages: guidance for the four audiences, search, courses with quizzes and certificates, campaign kits,
the offline package, and the editors' translation workflow. Reading needs no account and sets no cookie."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core import security
from childsafe.core.errors import ChildSafeError, NotFoundError
from childsafe.core.settings import LANGUAGES
from childsafe.helplines import service as helplines
from childsafe.helplines.routing import HelpQuery
from childsafe.http import i18n
from childsafe.http.context import app_context, client_key
from childsafe.http.deps import PRE_COOKIE, DbSession, Language, MaybePrincipal, check_csrf, require
from childsafe.http.templating import render
from childsafe.learn import campaigns, content, courses, offline, service
from childsafe.learn.content import AUDIENCES, BANDS, TOPICS
from childsafe.learn.markdown import to_html
from childsafe.http.documents import render_pdf

router = APIRouter(include_in_schema=False)
Editor = Annotated[Principal, require(Permission.CONTENT_EDIT)]
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def _labels() -> dict[str, dict[str, str]]:
    return {"audiences": AUDIENCES, "bands": BANDS, "topics": TOPICS}


def _reader_country(request: Request) -> str | None:
    chosen = request.query_params.get("country", "")
    if _COUNTRY.match(chosen):
        return chosen.upper()
    return i18n.country_from_accept_language(request.headers.get("accept-language"))


@router.get("/learn")
def home(request: Request, lang: Language, session: DbSession) -> Response:
    lib = service.library(session)
    return render(request, "learn/home.html", {
        "lib": lib, "courses": [courses.bundled().get(i, lang) for i in courses.bundled().ids()], **_labels()})


@router.get("/learn/search")
def search(request: Request, lang: Language, session: DbSession,
           q: Annotated[str, Query(max_length=200)] = "") -> Response:
    results = service.search(session, q, lang)
    return render(request, "learn/search.html", {"q": q, "results": results, **_labels()})


@router.get("/learn/courses")
def course_list(request: Request, lang: Language, session: DbSession, principal: MaybePrincipal) -> Response:
    catalogue = courses.bundled()
    items = [catalogue.get(i, lang) for i in catalogue.ids()]
    done = {c.id: service.progress(session, principal.user_id, c.id) for c in items} if principal else {}
    return render(request, "learn/courses.html", {"courses": items, "done": done, **_labels()})


def _course_page(request: Request, session: DbSession, principal: Principal | None, course: courses.Course,
                 *, error: str | None = None, status: int = 200) -> Response:
    done = service.progress(session, principal.user_id, course.id) if principal else {}
    finished = principal is not None and service.completed(session, principal.user_id, course)
    return render(request, "learn/course.html", {
        "course": course, "done": done, "finished": finished, "error": error, **_labels()}, status_code=status)


@router.get("/learn/courses/{course_id}")
def course_page(request: Request, course_id: str, lang: Language, session: DbSession,
                principal: MaybePrincipal) -> Response:
    return _course_page(request, session, principal, service.course(course_id, lang))


def _lesson(course: courses.Course, lesson_id: str) -> courses.Lesson:
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(f"no lesson {lesson_id!r} in this course")
    return lesson


@router.post("/learn/courses/{course_id}/certificate")
async def certificate_issue(request: Request, course_id: str, lang: Language, session: DbSession,
                            principal: MaybePrincipal) -> Response:
    course = service.course(course_id, lang)
    form = await request.form(max_fields=5)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    if principal is None:
        return RedirectResponse(f"/login?lang={lang}&next=/learn/courses/{course.id}", status_code=303)
    try:
        issued = service.issue_certificate(session, principal, course, name=str(form.get("name") or ""), lang=lang,
                                           clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _course_page(request, session, principal, course, error=exc.message, status=409)
    return RedirectResponse(f"/learn/certificates/{issued.code}?lang={lang}", status_code=303)


@router.get("/learn/courses/{course_id}/{lesson_id}")
def lesson_page(request: Request, course_id: str, lesson_id: str, lang: Language, session: DbSession,
                principal: MaybePrincipal) -> Response:
    course = service.course(course_id, lang)
    lesson = _lesson(course, lesson_id)
    return render(request, "learn/lesson.html", {
        "course": course, "lesson": lesson, "body": to_html(lesson.body, lang), "graded": None, "answers": {},
        "next_lesson": _next(course, lesson), **_labels()})


def _next(course: courses.Course, lesson: courses.Lesson) -> courses.Lesson | None:
    ids = [item.id for item in course.lessons]
    position = ids.index(lesson.id)
    return course.lessons[position + 1] if position + 1 < len(ids) else None


@router.post("/learn/courses/{course_id}/{lesson_id}")
async def answer(request: Request, course_id: str, lesson_id: str, lang: Language, session: DbSession,
                 principal: MaybePrincipal) -> Response:
    course = service.course(course_id, lang)
    lesson = _lesson(course, lesson_id)
    form = await request.form(max_fields=20)
    if principal is not None:  # only a signed-in learner's answers change anything (their progress)
        check_csrf(request, principal, str(form.get("csrf_token") or ""))
    answers = {q.id: str(form.get(q.id) or "")[:2] for q in lesson.questions}
    graded = courses.grade(course, lesson, answers)
    if principal is not None:
        service.record_result(session, principal, course, lesson.id, graded, app_context(request).clock)
    return render(request, "learn/lesson.html", {
        "course": course, "lesson": lesson, "body": to_html(lesson.body, lang), "graded": graded,
        "answers": answers, "next_lesson": _next(course, lesson), **_labels()})


@router.get("/learn/certificates/{code}")
def certificate_page(request: Request, code: str, lang: Language, session: DbSession) -> Response:
    if code.endswith(".pdf"):
        return certificate_pdf(request, code[:-4], lang, session)
    issued = service.certificate(session, code)
    return render(request, "learn/certificate.html", {
        "certificate": issued, "course": service.course(issued.course, lang)})


def certificate_pdf(request: Request, code: str, lang: str, session: DbSession) -> Response:
    issued = service.certificate(session, code)
    course = service.course(issued.course, issued.lang)
    pdf = render_pdf("learn/pdf/certificate.html", issued.lang, {
        "certificate": issued, "course": course, "site": str(request.base_url).rstrip("/")})
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="certificate-{issued.code}.pdf"'})


def _signup_page(request: Request, error: str | None, values: dict[str, str], status: int = 200) -> Response:
    """The form with a CSRF token bound to a short-lived pre-session cookie, as the sign-in page does."""
    ctx = app_context(request)
    pre = request.cookies.get(PRE_COOKIE) or security.new_token()
    request.state.csrf_token = security.csrf_token(ctx.secret_key, pre)
    response = render(request, "learn/signup.html", {"error": error, "values": values}, status_code=status)
    response.set_cookie(PRE_COOKIE, pre, max_age=3600, httponly=True, samesite="lax", path="/",
                        secure=ctx.settings.cookie_secure)
    return response


@router.get("/learn/signup")
def signup_form(request: Request, lang: Language) -> Response:
    return _signup_page(request, None, {})


@router.post("/learn/signup")
async def signup(request: Request, lang: Language, session: DbSession) -> Response:
    form = await request.form(max_fields=8)
    check_csrf(request, None, str(form.get("csrf_token") or ""))
    values = {k: str(form.get(k) or "") for k in ("username", "display_name")}
    limiter = app_context(request).login_limiter
    key = "signup:" + client_key(request)
    if limiter is not None and limiter.retry_after(key):
        return _signup_page(request, i18n.translations(lang).gettext(
            "Too many new accounts from here; try again later."), values, 429)
    try:
        service.sign_up(session, username=values["username"], password=str(form.get("password") or ""),
                        display_name=values["display_name"], clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _signup_page(request, exc.message, values, 422)
    if limiter is not None:
        limiter.hit(key)
    return RedirectResponse(f"/login?lang={lang}&next=/learn/courses", status_code=303)


@router.get("/learn/campaigns")
def campaign_list(request: Request, lang: Language, session: DbSession) -> Response:
    return render(request, "learn/campaigns.html", {
        "countries": helplines.list_countries(session), "kinds": campaigns.KINDS,
        "chosen": _reader_country(request)})


@router.get("/learn/campaigns/pdf")
def campaign_choice(request: Request, lang: Language, country: Annotated[str, Query(max_length=2)] = "",
                    kind: Annotated[str, Query(max_length=10)] = "poster") -> Response:
    """The form's answer, sent on to the document's own address (so it can be linked and printed)."""
    if not _COUNTRY.match(country) or kind not in campaigns.KINDS:
        raise NotFoundError("choose a country and a document")
    return RedirectResponse(f"/learn/campaigns/{country.upper()}.pdf?lang={lang}&kind={kind}", status_code=303)


@router.get("/learn/campaigns/{country}.pdf")
def campaign_pdf(request: Request, country: str, lang: Language, session: DbSession,
                 kind: Annotated[str, Query(max_length=10)] = "poster") -> Response:
    if not _COUNTRY.match(country) or kind not in campaigns.KINDS:
        raise NotFoundError("no such campaign document")
    country = country.upper()
    lines = campaigns.helplines_for(session, country, lang, app_context(request).clock)
    if not lines:
        raise NotFoundError(f"no helplines are listed for {country}")
    pdf = render_pdf(f"learn/pdf/{kind}.html", lang, {
        "country": country, "lines": lines, "campaigns": campaigns, "site": str(request.base_url).rstrip("/")})
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="childsafe-{kind}-{country}-{lang}.pdf"'})


@router.get("/learn/offline.zip")
def offline_package(request: Request, lang: Language, session: DbSession) -> Response:
    data = offline.build(service.library(session), courses.bundled(), lang, str(request.base_url).rstrip("/"))
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="childsafe-learn-{lang}.zip"'})


# --- editors -----------------------------------------------------------------------------------------------------

@router.get("/learn/manage")
def manage(request: Request, lang: Language, principal: Editor, session: DbSession) -> Response:
    return render(request, "learn/manage.html", {"rows": service.translation_status(session),
                                                 "drafts": service.drafts(session), "languages": LANGUAGES})


def _edit_page(request: Request, session: DbSession, page: str, edit_lang: str, *, error: str | None = None,
               values: dict[str, str] | None = None, status: int = 200) -> Response:
    lib = service.library(session)
    source = lib.source(page)
    if source is None or edit_lang not in LANGUAGES:
        raise NotFoundError("no such page or language")
    current = lib.pages.get((edit_lang, page))
    pending = next((d for d in service.drafts(session) if d.page == page and d.lang == edit_lang), None)
    start = values or ({"title": pending.title, "summary": pending.summary, "body": pending.body} if pending else
                       {"title": current.title, "summary": current.summary, "body": current.body} if current else
                       {"title": "", "summary": "", "body": ""})
    return render(request, "learn/edit.html", {
        "page_id": page, "edit_lang": edit_lang, "source": source, "values": start, "pending": pending,
        "state": lib.state(page, edit_lang), "error": error}, status_code=status)


@router.get("/learn/manage/edit")
def edit(request: Request, lang: Language, principal: Editor, session: DbSession,
         page: Annotated[str, Query(max_length=80)], edit_lang: Annotated[str, Query(max_length=5)]) -> Response:
    return _edit_page(request, session, page, edit_lang)


@router.post("/learn/manage/edit")
async def save(request: Request, lang: Language, principal: Editor, session: DbSession) -> Response:
    form = await request.form(max_fields=10, max_part_size=256 * 1024)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    values = {k: str(form.get(k) or "") for k in ("page", "edit_lang", "title", "summary", "body")}
    try:
        draft = service.save_draft(session, page=values["page"], lang=values["edit_lang"], title=values["title"],
                                   summary=values["summary"], body=values["body"], actor=principal.actor,
                                   clock=app_context(request).clock)
        if form.get("action") == "review":
            service.request_review(session, draft.id, actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _edit_page(request, session, values["page"], values["edit_lang"], error=exc.message, values=values,
                          status=422)
    return RedirectResponse(f"/learn/manage?lang={lang}", status_code=303)


@router.post("/learn/manage/drafts/{draft_id}/publish")
async def publish(request: Request, draft_id: int, lang: Language, principal: Editor, session: DbSession
                  ) -> Response:
    form = await request.form(max_fields=3)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    service.publish(session, draft_id, principal=principal, clock=app_context(request).clock)
    return RedirectResponse(f"/learn/manage?lang={lang}", status_code=303)


@router.get("/learn/manage/drafts/{draft_id}.md")
def draft_file(draft_id: int, principal: Editor, session: DbSession) -> Response:
    draft = next((d for d in service.drafts(session, ("draft", "review", "published")) if d.id == draft_id), None)
    if draft is None:
        raise NotFoundError(f"no draft {draft_id}")
    return Response(service.as_file(draft), media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{draft.page.split("/")[-1]}.md"'})


# The guidance pages themselves, last so the fixed paths above win.
@router.get("/learn/{path:path}")
def guidance(request: Request, path: str, lang: Language, session: DbSession) -> Response:
    lib = service.library(session)
    path = path.strip("/")
    parts = path.split("/")
    if path in AUDIENCES or (len(parts) == 2 and parts[0] == "children" and parts[1] in BANDS):
        audience, band = parts[0], parts[1] if len(parts) == 2 else None
        return render(request, "learn/audience.html", {
            "audience": audience, "band": band, "lib": lib,
            "pages": [lib.get(i, lang) for i in lib.in_audience(audience, band)], **_labels()})
    page = lib.get(path, lang)
    if page is None:
        raise NotFoundError("no such guidance page")
    country = _reader_country(request)
    found_help = None
    if page.topic == "get-help" and page.audience in ("children", "parents") and country:
        found_help = helplines.find_help(session, HelpQuery(country=country, lang=lang), app_context(request).clock)
    related = [lib.get(i, lang) for i in lib.ids() if i.endswith("/" + page.topic) and i != page.id]
    return render(request, "learn/page.html", {
        "page": page, "body": to_html(page.body, page.lang), "translated": page.lang == lang,
        "state": lib.state(page.id, lang), "related": related, "country": country, "found_help": found_help,
        "countries": helplines.list_countries(session) if page.topic == "get-help" else [], **_labels()})
