"""Tables for lists, profiles, devices, access requests from the block page, and daily category counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from childsafe.db.base import Base, UTCDateTime


class FilterList(Base):
    __tablename__ = "filter_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    format: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(2000))
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[dict[str, str]] = mapped_column(JSON)  # category -> black | white
    block_by_default: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FilterProfile(Base):
    __tablename__ = "filter_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True,
                                                 index=True)
    name: Mapped[str] = mapped_column(String(60))
    timezone: Mapped[str] = mapped_column(String(64))
    preset: Mapped[str] = mapped_column(String(20))
    extra_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    unblocked_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    allow: Mapped[list[str]] = mapped_column(JSON, default=list)
    block: Mapped[list[str]] = mapped_column(JSON, default=list)
    schedules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    budgets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    safe_search: Mapped[bool] = mapped_column(Boolean, default=True)
    youtube: Mapped[str] = mapped_column(String(10), default="moderate")
    block_unforceable: Mapped[bool] = mapped_column(Boolean, default=True)
    block_mode: Mapped[str] = mapped_column(String(10), default="blockpage")
    bypass_protection: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    devices: Mapped[list[Device]] = relationship(back_populates="profile", cascade="all, delete-orphan",
                                                 lazy="selectin", order_by="Device.id")


class Device(Base):
    __tablename__ = "filter_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("filter_profile.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    network: Mapped[str | None] = mapped_column(String(50), nullable=True)  # an address or a CIDR subnet
    doh_token: Mapped[str] = mapped_column(String(64), unique=True)  # selects the profile; grants nothing else

    profile: Mapped[FilterProfile] = relationship(back_populates="devices")


class AccessRequest(Base):
    """A child's "ask a grown-up" from the block page: the domain and why it was blocked, nothing about the child."""

    __tablename__ = "filter_access_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("filter_profile.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253))
    reason: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | granted | denied
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)


class QueryCount(Base):
    """Only when query logging is on: how many queries per profile, category and day. Never names or devices."""

    __tablename__ = "filter_query_count"
    __table_args__ = (UniqueConstraint("profile_id", "label", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("filter_profile.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
