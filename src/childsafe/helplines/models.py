"""Tables for helplines and their contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from childsafe.db.base import Base, UTCDateTime


class Helpline(Base):
    __tablename__ = "helpline"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[str | None] = mapped_column(String(300), nullable=True)
    topics: Mapped[list[str]] = mapped_column(JSON)
    audience: Mapped[list[str]] = mapped_column(JSON)
    age_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    free: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    anonymous: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    child_116111: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    verified: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contacts: Mapped[list[HelplineContact]] = relationship(
        back_populates="helpline", cascade="all, delete-orphan", order_by="HelplineContact.position",
        lazy="selectin")


class HelplineContact(Base):
    __tablename__ = "helpline_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    helpline_id: Mapped[str] = mapped_column(ForeignKey("helpline.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(2000))
    e164: Mapped[str | None] = mapped_column(String(20), nullable=True)
    hours: Mapped[str | None] = mapped_column(String(300), nullable=True)
    note: Mapped[str] = mapped_column(String(300), default="")

    helpline: Mapped[Helpline] = relationship(back_populates="contacts")
