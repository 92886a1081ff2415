"""Self-assessments by country teams: members with their part, answers with evidence, comments, and the
published area scores used for regional comparison."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.db.base import Base, UTCDateTime


class Assessment(Base):
    __tablename__ = "strategy_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    title: Mapped[str] = mapped_column(String(200))
    framework_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # draft | final | published
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Member(Base):
    """coordinator: invites, finalises, publishes; contributor: answers and comments; reviewer: comments."""

    __tablename__ = "strategy_member"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("strategy_assessment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(12))


class Answer(Base):
    __tablename__ = "strategy_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "capability"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("strategy_assessment.id", ondelete="CASCADE"), index=True)
    capability: Mapped[str] = mapped_column(String(80))
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Comment(Base):
    __tablename__ = "strategy_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("strategy_assessment.id", ondelete="CASCADE"), index=True)
    capability: Mapped[str] = mapped_column(String(80))
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
