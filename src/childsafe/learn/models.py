"""Learners' lesson results and certificates, and the editors' drafts of pages in each language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.db.base import Base, UTCDateTime


class LessonResult(Base):
    """A signed-in learner's best result on one lesson's quiz (the answers themselves are not kept)."""

    __tablename__ = "learn_lesson_result"
    __table_args__ = (UniqueConstraint("user_id", "course", "lesson"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(60))
    lesson: Mapped[str] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Certificate(Base):
    """Issued when every lesson of a course is passed; anyone with the code can check it is genuine."""

    __tablename__ = "learn_certificate"
    __table_args__ = (UniqueConstraint("user_id", "course"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    course: Mapped[str] = mapped_column(String(60))
    course_revision: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(5))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PageDraft(Base):
    """An editor's version of a page in one language: draft -> review -> published (or superseded). A published
    draft is shown instead of the bundled file until the file catches up (export it for a pull request)."""

    __tablename__ = "learn_page_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page: Mapped[str] = mapped_column(String(80), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(90))
    summary: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)  # the source revision it translates (or, in English, is)
    status: Mapped[str] = mapped_column(String(12), index=True)  # draft | review | published | superseded
    author: Mapped[str] = mapped_column(String(120))
    reviewer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
