"""Youth consultations: organisers write questions (choice, scale, open text) in one or more languages with dates;
young people answer anonymously (age band and country only) in their language; open answers wait for moderation;
results are counted with small cells hidden, and a summary is drawn for the meeting. Changes are audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pycountry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.core.i18n import N_
from childsafe.core.settings import LANGUAGES
from childsafe.participation.models import (Consultation, ConsultationQuestion, ConsultationResponse,
                                            ResponseAnswer)
from childsafe.stats import service as stats

AGE_BANDS = {"under-13": N_("Under 13"), "13-15": N_("13 to 15"), "16-17": N_("16 or 17"), "18-24": N_("18 to 24")}
KINDS = ("choice", "scale", "open")
STATES = {"upcoming": N_("upcoming"), "open": N_("open"), "closed": N_("closed")}
MAX_QUESTIONS, MAX_OPEN = 30, 2000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")


def pick(texts: dict[str, Any], lang: str) -> Any:
    """The text in the reader's language, else English, else any."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def parse_questions(text: str) -> list[dict[str, Any]]:
    """One question per line: `choice | Question | option; option`, `scale | Question | 5`, `open | Question`."""
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        kind = cells[0].lower()
        if kind not in KINDS or len(cells) < 2 or not cells[1]:
            raise InvalidInputError(f"line {number}: start with choice, scale or open, then | and the question",
                                    field="questions")
        item: dict[str, Any] = {"kind": kind, "text": cells[1][:500], "choices": [], "scale_max": 5}
        if kind == "choice":
            options = [o.strip()[:200] for o in (cells[2] if len(cells) > 2 else "").split(";") if o.strip()]
            if not 2 <= len(options) <= 10:
                raise InvalidInputError(f"line {number}: a choice question has 2 to 10 options separated by ;",
                                        field="questions")
            item["choices"] = options
        if kind == "scale":
            points = cells[2] if len(cells) > 2 and cells[2] else "5"
            if not points.isdigit() or not 3 <= int(points) <= 10:
                raise InvalidInputError(f"line {number}: a scale has 3 to 10 points", field="questions")
            item["scale_max"] = int(points)
        questions.append(item)
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise InvalidInputError(f"write 1 to {MAX_QUESTIONS} questions, one per line", field="questions")
    return questions


def create(session: Session, *, slug: str, lang: str, title: str, intro: str, questions: str, opens_at: datetime,
           closes_at: datetime, actor: Actor, clock: Clock | None = None) -> Consultation:
    clock = clock or SystemClock()
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise InvalidInputError("the address is 3 to 80 lowercase letters, digits and hyphens", field="slug")
    if session.scalar(select(Consultation.id).where(Consultation.slug == slug)) is not None:
        raise ConflictError(f"the address {slug!r} is taken", field="slug")
    if lang not in LANGUAGES:
        raise InvalidInputError(f"lang is one of {', '.join(LANGUAGES)}", field="lang")
    title = " ".join((title or "").split())
    if not 1 <= len(title) <= 200:
        raise InvalidInputError("the title is 1 to 200 characters", field="title")
    if closes_at <= opens_at:
        raise InvalidInputError("the consultation closes after it opens", field="closes_at")
    parsed = parse_questions(questions)
    consultation = Consultation(slug=slug, title={lang: title}, intro={lang: (intro or "").strip()[:3000]},
                                opens_at=opens_at, closes_at=closes_at, created_by=actor.ident, created_at=clock.now())
    session.add(consultation)
    session.flush()
    for position, item in enumerate(parsed):
        session.add(ConsultationQuestion(consultation_id=consultation.id, position=position, kind=item["kind"],
                                         text={lang: item["text"]}, choices={lang: item["choices"]},
                                         scale_max=item["scale_max"]))
    audit.record(session, actor, "consultations.create", "consultation", consultation.slug, {}, clock)
    return consultation


def translate(session: Session, consultation_id: int, *, lang: str, title: str, intro: str, questions: str,
              actor: Actor, clock: Clock | None = None) -> None:
    """Add or replace one language's texts; the questions must line up with the existing ones."""
    consultation = get(session, consultation_id)
    if lang not in LANGUAGES:
        raise InvalidInputError(f"lang is one of {', '.join(LANGUAGES)}", field="lang")
    rows = questions_of(session, consultation.id)
    parsed = parse_questions(questions)
    if [q["kind"] for q in parsed] != [r.kind for r in rows] or any(
            len(q["choices"]) != len(pick(r.choices, "en") or next(iter(r.choices.values()), []))
            for q, r in zip(parsed, rows, strict=True) if r.kind == "choice"):
        raise InvalidInputError("the translation has the same questions, kinds and number of options, in order",
                                field="questions")
    consultation.title = {**consultation.title, lang: " ".join(title.split())[:200]}
    consultation.intro = {**consultation.intro, lang: intro.strip()[:3000]}
    for row, item in zip(rows, parsed, strict=True):
        row.text = {**row.text, lang: item["text"]}
        row.choices = {**row.choices, lang: item["choices"]}
    audit.record(session, actor, "consultations.translate", "consultation", consultation.slug, {"lang": lang}, clock)


def get(session: Session, consultation_id: int) -> Consultation:
    found = session.get(Consultation, consultation_id)
    if found is None:
        raise NotFoundError(f"no consultation {consultation_id}")
    return found


def by_slug(session: Session, slug: str) -> Consultation:
    found = session.scalar(select(Consultation).where(Consultation.slug == slug))
    if found is None:
        raise NotFoundError("no such consultation")
    return found


def questions_of(session: Session, consultation_id: int) -> list[ConsultationQuestion]:
    return list(session.scalars(select(ConsultationQuestion).where(
        ConsultationQuestion.consultation_id == consultation_id).order_by(ConsultationQuestion.position)))


def all_consultations(session: Session) -> list[Consultation]:
    return list(session.scalars(select(Consultation).order_by(Consultation.opens_at.desc())))


def state(consultation: Consultation, now: datetime) -> str:
    if now < consultation.opens_at:
        return "upcoming"
    return "open" if now < consultation.closes_at else "closed"


def set_dates(session: Session, consultation_id: int, *, opens_at: datetime, closes_at: datetime, actor: Actor,
              clock: Clock | None = None) -> None:
    consultation = get(session, consultation_id)
    if closes_at <= opens_at:
        raise InvalidInputError("the consultation closes after it opens", field="closes_at")
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    audit.record(session, actor, "consultations.dates", "consultation", consultation.slug, {}, clock)


def respond(session: Session, consultation: Consultation, *, age_band: str, country: str, lang: str,
            answers: dict[int, str], clock: Clock | None = None) -> ConsultationResponse:
    """Store one anonymous response; open answers wait for moderation before anyone else sees them."""
    clock = clock or SystemClock()
    if state(consultation, clock.now()) != "open":
        raise ConflictError("this consultation is not open", field="consultation")
    if age_band not in AGE_BANDS:
        raise InvalidInputError("choose your age group", field="age_band")
    country = (country or "").strip().upper()
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        raise InvalidInputError("choose your country", field="country")
    response = ConsultationResponse(consultation_id=consultation.id, age_band=age_band, country=country,
                                    lang=lang if lang in LANGUAGES else "en", submitted_on=clock.now().date())
    session.add(response)
    session.flush()
    given = 0
    for question in questions_of(session, consultation.id):
        raw = (answers.get(question.id) or "").strip()
        if not raw:
            continue
        given += 1
        if question.kind == "open":
            if len(raw) > MAX_OPEN:
                raise InvalidInputError(f"an answer is at most {MAX_OPEN} characters", field=f"q{question.id}")
            session.add(ResponseAnswer(response_id=response.id, question_id=question.id, text=raw,
                                       moderation="pending"))
            continue
        limit = len(pick(question.choices, "en")) if question.kind == "choice" else question.scale_max
        low = 0 if question.kind == "choice" else 1
        if not raw.isdigit() or not low <= int(raw) <= (limit - 1 if question.kind == "choice" else limit):
            raise InvalidInputError("choose one of the answers offered", field=f"q{question.id}")
        session.add(ResponseAnswer(response_id=response.id, question_id=question.id, value=int(raw)))
    if not given:
        raise InvalidInputError("answer at least one question", field="answers")
    return response


def pending(session: Session, consultation_id: int) -> list[tuple[ResponseAnswer, ConsultationQuestion]]:
    rows = session.execute(select(ResponseAnswer, ConsultationQuestion).join(
        ConsultationQuestion, ConsultationQuestion.id == ResponseAnswer.question_id).where(
        ConsultationQuestion.consultation_id == consultation_id, ResponseAnswer.moderation == "pending")
        .order_by(ResponseAnswer.id))
    return [(a, q) for a, q in rows]


def moderate(session: Session, answer_id: int, *, decision: str, actor: Actor, clock: Clock | None = None) -> None:
    if decision not in ("approved", "rejected"):
        raise InvalidInputError("decision is approved or rejected", field="decision")
    answer = session.get(ResponseAnswer, answer_id)
    if answer is None or answer.moderation is None:
        raise NotFoundError(f"no open answer {answer_id}")
    answer.moderation, answer.moderated_by = decision, actor.ident
    audit.record(session, actor, "consultations.moderate", "answer", answer.id, {"decision": decision}, clock)


@dataclass(frozen=True)
class QuestionResult:
    question: ConsultationQuestion
    options: list[str]  # labels in the reader's language (scale: "1".."n")
    table: dict[tuple[str, str], int]  # (option, age band) with totals under "_total"
    hidden: set[tuple[str, str]]
    quotes: list[str]  # approved open answers


def results(session: Session, consultation: Consultation, lang: str, threshold: int = 10
            ) -> tuple[int | None, list[QuestionResult]]:
    """Participants (None when fewer than the threshold) and, per question, counts by option and age band with
    small cells hidden (and the cells that would reveal them); open questions give their approved answers."""
    participants = session.scalar(select(func.count()).select_from(ConsultationResponse).where(
        ConsultationResponse.consultation_id == consultation.id)) or 0
    found = []
    bands = list(AGE_BANDS)
    for question in questions_of(session, consultation.id):
        rows = session.execute(select(ResponseAnswer.value, ResponseAnswer.text, ResponseAnswer.moderation,
                                      ConsultationResponse.age_band)
                               .join(ConsultationResponse, ConsultationResponse.id == ResponseAnswer.response_id)
                               .where(ResponseAnswer.question_id == question.id))
        if question.kind == "open":
            quotes = [text for value, text, moderation, band in rows if moderation == "approved" and text]
            found.append(QuestionResult(question, [], {}, set(), quotes))
            continue
        options = (list(pick(question.choices, lang)) if question.kind == "choice"
                   else [str(i) for i in range(1, question.scale_max + 1)])
        codes = [str(i) for i in range(len(options))] if question.kind == "choice" else options
        counts: dict[tuple[str, str], int] = {}
        for value, _text, _moderation, band in rows:
            if value is not None:
                key = (str(value), band)
                counts[key] = counts.get(key, 0) + 1
        table, hidden = stats.protect_counts(counts, codes, bands, threshold=threshold)
        found.append(QuestionResult(question, options, table, hidden, []))
    return (participants if participants >= threshold else None), found


def window(now: datetime, days: int = 14) -> tuple[datetime, datetime]:
    return now, now + timedelta(days=days)
