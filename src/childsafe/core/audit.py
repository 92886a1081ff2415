"""The append-only audit log: who changed what, when; entries are hash-chained so tampering shows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from childsafe.core.clock import Clock, SystemClock
from childsafe.db.base import Base, UTCDateTime

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[str] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


@dataclass(frozen=True)
class Actor:
    """Who acted: a signed-in user, an API token, or an operator at the command line."""

    kind: str  # "user", "token", "cli", "system"
    ident: str

    def label(self) -> str:
        return f"{self.kind}:{self.ident}"


CLI_ACTOR = Actor("cli", "operator")
SYSTEM_ACTOR = Actor("system", "childsafe")


def _digest(prev_hash: str, at: datetime, actor: str, action: str, target_type: str, target_id: str,
            details: dict[str, Any]) -> str:
    payload = json.dumps([prev_hash, at.isoformat(), actor, action, target_type, target_id, details],
                         sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, actor: Actor, action: str, target_type: str, target_id: str | int,
           details: dict[str, Any] | None = None, clock: Clock | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction: the change and its audit land together or not at all."""
    at = (clock or SystemClock()).now().replace(microsecond=0)
    details = details or {}
    prev = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    entry = AuditEntry(at=at, actor=actor.label(), action=action, target_type=target_type,
                       target_id=str(target_id), details=details, prev_hash=prev,
                       entry_hash=_digest(prev, at, actor.label(), action, target_type, str(target_id), details))
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session) -> int | None:
    """The id of the first entry whose hash does not follow from its predecessor, or None if the chain holds."""
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        expected = _digest(prev, entry.at, entry.actor, entry.action, entry.target_type, entry.target_id,
                           entry.details)
        if entry.prev_hash != prev or entry.entry_hash != expected:
            return entry.id
        prev = entry.entry_hash
    return None


def recent(session: Session, limit: int = 100, offset: int = 0, action_prefix: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list(session.scalars(query))


def count(session: Session, actor: Actor, action: str, since: datetime) -> int:
    """How many times one actor did one thing since a moment (for instance, pictures revealed this session)."""
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == actor.label(), AuditEntry.action == action, AuditEntry.at >= since.replace(microsecond=0))) or 0
