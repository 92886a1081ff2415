"""Survey datasets (microdata kept as compact columns, expired on schedule), the privacy-budget ledger, releases
and the published figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from childsafe.db.base import Base, UTCDateTime


class Dataset(Base):
    """One uploaded survey. The microdata never leave the server and are deleted after the retention period; the
    ledger and the releases made from them stay."""

    __tablename__ = "stats_dataset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(400), default="")
    rows: Mapped[int] = mapped_column(Integer)
    variables: Mapped[list[str]] = mapped_column(JSON)
    codebook: Mapped[dict[str, Any]] = mapped_column(JSON)
    weight_cap: Mapped[float] = mapped_column(Float)
    epsilon_budget: Mapped[float] = mapped_column(Float)
    microdata: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BudgetEntry(Base):
    """One spend of a dataset's privacy budget (epsilon, as OpenDP accounts it) and what it bought."""

    __tablename__ = "stats_budget_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("stats_dataset.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("stats_release.id", ondelete="SET NULL"),
                                                   nullable=True)
    epsilon: Mapped[float] = mapped_column(Float)
    purpose: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))


class Release(Base):
    """A set of published figures with the method that protected them and its parameters."""

    __tablename__ = "stats_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # survey | administrative | national
    method: Mapped[str] = mapped_column(String(40))  # differential_privacy | small_cell_suppression | as_reported
    country: Mapped[str] = mapped_column(String(2), index=True)
    year: Mapped[int] = mapped_column(Integer)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("stats_dataset.id", ondelete="SET NULL"),
                                                   nullable=True)
    framework_version: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(120))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Figure(Base):
    """One published cell: an indicator for a country and year, overall or for one group."""

    __tablename__ = "stats_figure"
    __table_args__ = (Index("ix_stats_figure_lookup", "indicator", "year", "country"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("stats_release.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(2))
    year: Mapped[int] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(String(20))  # total | sex | age_band | category | gender | ...
    subgroup: Mapped[str] = mapped_column(String(40), default="")  # the dimension's value; "" for the total
    value: Mapped[float | None] = mapped_column(Float, nullable=True)  # None when suppressed
    margin: Mapped[float | None] = mapped_column(Float, nullable=True)  # noise half-width (95 %), if any
    status: Mapped[str] = mapped_column(String(16))  # published | suppressed | low_reliability
