"""Tables for reports and their case state (timestamps for notice-and-takedown statistics)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.db.base import Base, UTCDateTime


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # shown to the reporter; not guessable
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(String(4100), nullable=True)  # canonical form
    description: Mapped[str] = mapped_column(Text, default="")
    where_seen: Mapped[str] = mapped_column(String(200), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="unknown")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(254), nullable=True)  # optional; removed by retention
    media_hashes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # hashes only, never the image
    checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    classification: Mapped[str | None] = mapped_column(String(20), nullable=True)
    hosting_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    forwarded_to: Mapped[str | None] = mapped_column(String(40), nullable=True)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    analyst_note: Mapped[str] = mapped_column(Text, default="")


class Contact(Base):
    """One helpline contact: how, who (age band, gender), what about, what was done. No names."""

    __tablename__ = "helpline_contact_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    taxonomy_version: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(12))
    caller: Mapped[str] = mapped_column(String(20))
    age_band: Mapped[str] = mapped_column(String(10))
    gender: Mapped[str] = mapped_column(String(12))
    categories: Mapped[list[str]] = mapped_column(JSON)
    actions: Mapped[list[str]] = mapped_column(JSON)
    referrals: Mapped[list[str]] = mapped_column(JSON)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ReportChannel(Base):
    """Where forwarded reports go for one destination: a signed webhook or an email address."""

    __tablename__ = "report_channel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # webhook | email
    target: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportDelivery(Base):
    __tablename__ = "report_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("report_channel.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class ReportImage(Base):
    """A reported picture, only when an administrator turned quarantine on: encrypted (AES-GCM), deleted on time."""

    __tablename__ = "report_image"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delete_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
