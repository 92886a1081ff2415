"""Tables for banks and their signals, deletions the index must learn, the match log, and webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.db.base import Base, UTCDateTime


class Bank(Base):
    __tablename__ = "hash_bank"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="block")  # block | allow (suppresses false positives)
    description: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pdq_threshold: Mapped[int] = mapped_column(Integer, default=31)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BankSignal(Base):
    __tablename__ = "hash_signal"
    __table_args__ = (UniqueConstraint("bank_id", "signal_type", "value"),
                      Index("ix_hash_signal_type_value", "signal_type", "value"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("hash_bank.id", ondelete="CASCADE"), index=True)
    signal_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(2100))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignalTombstone(Base):
    """Signals removed since the last index build, so running matchers stop reporting them at once."""

    __tablename__ = "hash_signal_tombstone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(Integer, index=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MatchEvent(Base):
    """One match: who asked, which computed hash matched what. Never the media itself."""

    __tablename__ = "hash_match_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    signal_type: Mapped[str] = mapped_column(String(20))
    query: Mapped[str] = mapped_column(String(2100))
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("hash_bank.id", ondelete="SET NULL"), nullable=True)
    signal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    distance: Mapped[int] = mapped_column(Integer)


class Webhook(Base):
    __tablename__ = "hash_webhook"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))  # the HMAC key receivers verify signatures with
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    __tablename__ = "hash_webhook_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("hash_webhook.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
