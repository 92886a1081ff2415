"""Youth consultations (questions, anonymous responses, moderated open answers), the working group's documents
with versions per language, and submitted best practices and quarterly reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from childsafe.db.base import Base, UTCDateTime


class Consultation(Base):
    __tablename__ = "participation_consultation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)  # lang -> text
    intro: Mapped[dict[str, str]] = mapped_column(JSON)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsultationQuestion(Base):
    __tablename__ = "participation_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("participation_consultation.id", ondelete="CASCADE"),
                                                 index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # choice | scale | open
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    choices: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # lang -> options (choice questions)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)


class ConsultationResponse(Base):
    """One young person's answers: only an age band, a country and the language; the day, not the time."""

    __tablename__ = "participation_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("participation_consultation.id", ondelete="CASCADE"),
                                                 index=True)
    age_band: Mapped[str] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(2))
    lang: Mapped[str] = mapped_column(String(5))
    submitted_on: Mapped[date] = mapped_column(Date)


class ResponseAnswer(Base):
    __tablename__ = "participation_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("participation_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("participation_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)  # choice index or scale point
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    moderation: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)  # pending|approved|rejected
    moderated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class Document(Base):
    """An output document, contribution, report or liaison statement of the working group; public."""

    __tablename__ = "participation_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    meeting: Mapped[str] = mapped_column(String(120), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    sender: Mapped[str] = mapped_column(String(200), default="")  # liaison statements: from whom
    recipient: Mapped[str] = mapped_column(String(200), default="")  # and to whom
    related: Mapped[list[str]] = mapped_column(JSON, default=list)  # symbols of linked documents
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DocumentFile(Base):
    __tablename__ = "participation_document_file"
    __table_args__ = (UniqueConstraint("document_id", "lang", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("participation_document.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    text: Mapped[str] = deferred(mapped_column(Text, default=""))  # for search, when the file is text
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Submission(Base):
    """A best practice (Member States, Sector Members) or a quarterly report (regional offices), reviewed before
    it appears in the public catalogue."""

    __tablename__ = "participation_submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # best_practice | quarterly_report
    title: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(5))
    region: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    organisation: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(10), default="")  # quarterly reports: 2026-Q3
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)  # submitted | approved | rejected
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
