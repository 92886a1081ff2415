"""Learning use cases: the pages in force (bundled files plus published drafts), search, course progress and
certificates, learner sign-up, and the translation workflow (draft, review, publish). Changes are audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.accounts import service as accounts
from childsafe.accounts.service import Principal
from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from childsafe.core.settings import LANGUAGES
from childsafe.learn import content, courses
from childsafe.learn.content import SOURCE_LANGUAGE, ContentError, Library, Page
from childsafe.learn.courses import Course, Graded
from childsafe.learn.markdown import plain_text
from childsafe.learn.models import Certificate, LessonResult, PageDraft
from childsafe.learn.search import Hit, Index

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper


def _published(session: Session) -> list[PageDraft]:
    return list(session.scalars(select(PageDraft).where(PageDraft.status == "published").order_by(PageDraft.id)))


def library(session: Session) -> Library:
    """The bundled pages with every published draft laid over them."""
    lib = content.bundled()
    for draft in _published(session):
        lib = lib.with_page(Page(id=draft.page, lang=draft.lang, title=draft.title, summary=draft.summary,
                                 reviewed=draft.updated_at.date(), revision=draft.revision, body=draft.body))
    return lib


_INDEXES: dict[tuple[str, tuple[tuple[int, str], ...]], Index] = {}


def search(session: Session, query: str, lang: str) -> list[tuple[Page, Hit]]:
    """Ranked pages in the reader's language; the index is rebuilt only when a published draft changes."""
    query = query.strip()[:200]
    if not query:
        return []
    lib = library(session)
    key = (lang, tuple((d.id, d.updated_at.isoformat()) for d in _published(session)))
    index = _INDEXES.get(key)
    if index is None:
        index = Index(lang)
        for ident in lib.ids():
            page = lib.pages.get((lang, ident))
            if page is not None:
                index.add(ident, page.title, page.summary, plain_text(page.body))
        if len(_INDEXES) > 32:
            _INDEXES.clear()
        _INDEXES[key] = index
    return [(lib.pages[(lang, hit.id)], hit) for hit in index.search(query)]


# --- learners -------------------------------------------------------------------------------------------------

def sign_up(session: Session, *, username: str, password: str, display_name: str = "",
            clock: Clock | None = None) -> None:
    """A learner account: a username and a password, nothing else required (no e-mail, no age, no real name)."""
    accounts.create_user(session, username=username, password=password, roles=["learner"],
                         display_name=display_name, actor=Actor("self", username.strip().lower()), clock=clock)


def record_result(session: Session, principal: Principal, course: Course, lesson_id: str, graded: Graded,
                  clock: Clock | None = None) -> LessonResult:
    """Keep the learner's best result for the lesson; a pass stays a pass."""
    clock = clock or SystemClock()
    row = session.scalar(select(LessonResult).where(LessonResult.user_id == principal.user_id,
                                                    LessonResult.course == course.id,
                                                    LessonResult.lesson == lesson_id))
    if row is None:
        row = LessonResult(user_id=principal.user_id, course=course.id, lesson=lesson_id, score=graded.score,
                           passed=graded.passed, updated_at=clock.now())
        session.add(row)
    else:
        row.score, row.passed = max(row.score, graded.score), row.passed or graded.passed
        row.updated_at = clock.now()
    session.flush()
    return row


def progress(session: Session, user_id: int, course_id: str) -> dict[str, LessonResult]:
    return {r.lesson: r for r in session.scalars(select(LessonResult).where(
        LessonResult.user_id == user_id, LessonResult.course == course_id))}


def completed(session: Session, user_id: int, course: Course) -> bool:
    done = progress(session, user_id, course.id)
    return all(lesson.id in done and done[lesson.id].passed for lesson in course.lessons)


def issue_certificate(session: Session, principal: Principal, course: Course, *, name: str, lang: str,
                      clock: Clock | None = None) -> Certificate:
    """The learner's certificate for the course (the same one again if already issued)."""
    clock = clock or SystemClock()
    if not completed(session, principal.user_id, course):
        raise ConflictError("pass every lesson's quiz first", field="course")
    existing = session.scalar(select(Certificate).where(Certificate.user_id == principal.user_id,
                                                        Certificate.course == course.id))
    if existing is not None:
        return existing
    name = " ".join((name or principal.username).split())[:120]
    certificate = Certificate(code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)),
                              user_id=principal.user_id, course=course.id, course_revision=course.revision,
                              name=name, lang=lang, issued_at=clock.now())
    session.add(certificate)
    session.flush()
    audit.record(session, principal.actor, "learn.certificate", "learn_certificate", certificate.code,
                 {"course": course.id}, clock)
    return certificate


def certificate(session: Session, code: str) -> Certificate:
    found = session.scalar(select(Certificate).where(Certificate.code == code.strip().upper()[:16]))
    if found is None:
        raise NotFoundError("no certificate with this code")
    return found


def course(ident: str, lang: str) -> Course:
    found = courses.bundled().get(ident, lang)
    if found is None:
        raise NotFoundError(f"no course {ident!r}")
    return found


# --- translation workflow --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    page: str
    states: dict[str, str]  # lang -> current | outdated | missing | draft | review


def translation_status(session: Session) -> list[Status]:
    lib = library(session)
    pending = {(d.page, d.lang): d.status for d in session.scalars(
        select(PageDraft).where(PageDraft.status.in_(("draft", "review"))))}
    return [Status(ident, {lang: pending.get((ident, lang)) or lib.state(ident, lang) for lang in LANGUAGES})
            for ident in lib.ids()]


def save_draft(session: Session, *, page: str, lang: str, title: str, summary: str, body: str, actor: Actor,
               clock: Clock | None = None) -> PageDraft:
    """A new or updated draft; checked against the same rules as the files."""
    clock = clock or SystemClock()
    lib = library(session)
    source = lib.source(page)
    if source is None:
        raise NotFoundError(f"no page {page!r}")
    if lang not in LANGUAGES:
        raise InvalidInputError(f"lang is one of {', '.join(LANGUAGES)}", field="lang")
    title, summary = " ".join(title.split()), " ".join(summary.split())
    if not 1 <= len(title) <= content.MAX_TITLE:
        raise InvalidInputError(f"the title is 1 to {content.MAX_TITLE} characters", field="title")
    if not 1 <= len(summary) <= content.MAX_SUMMARY:
        raise InvalidInputError(f"the summary is 1 to {content.MAX_SUMMARY} characters", field="summary")
    body = body.replace("\r\n", "\n").strip() + "\n"
    try:
        content.check_body(body, f"{lang}/{page}")
    except ContentError as exc:
        raise InvalidInputError(str(exc), field="body") from None
    revision = source.revision + (1 if lang == SOURCE_LANGUAGE else 0)
    draft = session.scalar(select(PageDraft).where(PageDraft.page == page, PageDraft.lang == lang,
                                                   PageDraft.status.in_(("draft", "review"))))
    now = clock.now()
    if draft is None:
        draft = PageDraft(page=page, lang=lang, created_at=now, author=actor.ident, status="draft")
        session.add(draft)
    draft.title, draft.summary, draft.body, draft.revision = title, summary, body, revision
    draft.status, draft.updated_at = "draft", now
    session.flush()
    audit.record(session, actor, "learn.draft", "learn_page_draft", draft.id, {"page": page, "lang": lang}, clock)
    return draft


def _draft(session: Session, draft_id: int) -> PageDraft:
    draft = session.get(PageDraft, draft_id)
    if draft is None:
        raise NotFoundError(f"no draft {draft_id}")
    return draft


def request_review(session: Session, draft_id: int, *, actor: Actor, clock: Clock | None = None) -> PageDraft:
    draft = _draft(session, draft_id)
    if draft.status != "draft":
        raise ConflictError(f"the draft is {draft.status}", field="status")
    draft.status = "review"
    audit.record(session, actor, "learn.review_requested", "learn_page_draft", draft.id, {}, clock)
    return draft


def publish(session: Session, draft_id: int, *, principal: Principal, clock: Clock | None = None) -> PageDraft:
    """Four eyes: someone other than the author publishes (an administrator may publish their own)."""
    clock = clock or SystemClock()
    draft = _draft(session, draft_id)
    if draft.status != "review":
        raise ConflictError("only a draft in review can be published", field="status")
    if draft.author == principal.actor.ident and "admin" not in principal.roles:
        raise PermissionDeniedError("another editor reviews and publishes what you wrote")
    for old in session.scalars(select(PageDraft).where(PageDraft.page == draft.page, PageDraft.lang == draft.lang,
                                                       PageDraft.status == "published")):
        old.status = "superseded"
    draft.status, draft.reviewer, draft.updated_at = "published", principal.actor.ident, clock.now()
    session.flush()
    audit.record(session, principal.actor, "learn.publish", "learn_page_draft", draft.id,
                 {"page": draft.page, "lang": draft.lang}, clock)
    return draft


def drafts(session: Session, status: tuple[str, ...] = ("draft", "review")) -> list[PageDraft]:
    return list(session.scalars(select(PageDraft).where(PageDraft.status.in_(status)).order_by(
        PageDraft.updated_at.desc())))


def as_file(draft: PageDraft) -> str:
    """The draft as the content file a translator commits."""
    return content.render_front_matter(Page(id=draft.page, lang=draft.lang, title=draft.title, summary=draft.summary,
                                            reviewed=draft.updated_at.date(), revision=draft.revision,
                                            body=draft.body))
