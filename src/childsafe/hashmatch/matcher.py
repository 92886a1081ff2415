"""Matching: the PDQ index kept fresh from the database (incremental adds and deletes), and the lookups."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.hashmatch import service, urls, video
from childsafe.hashmatch.models import Bank, BankSignal, MatchEvent, SignalTombstone
from childsafe.hashmatch.pdqindex import LAYOUT_NAMES, PdqIndex, PdqIndexError, build, hex_to_array
from childsafe.hashmatch.signals import PDQ_MIN_QUALITY, Hashed, SignalError, registry


@dataclass
class QueryResult:
    signal_type: str
    value: str
    quality: int | None = None
    variant: str | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)
    suppressed_by: list[str] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"signal_type": self.signal_type, "hash": self.value, "matches": self.matches}
        if self.quality is not None:
            out["quality"] = self.quality
        if self.variant:
            out["variant"] = self.variant
        if self.suppressed_by:
            out["suppressed_by"] = self.suppressed_by
        if self.note:
            out["note"] = self.note
        return out

_log = logging.getLogger(__name__)


class Matcher:
    """One per process. The index file is shared read-only; what changed since its build is read incrementally."""

    def __init__(self, data_dir: Path, clock: Clock | None = None, layout: str = "multi-index") -> None:
        if layout not in LAYOUT_NAMES:
            raise ValueError(f"unknown PDQ index layout {layout!r}: one of {', '.join(LAYOUT_NAMES)}")
        self.path = data_dir / "hashmatch" / "pdq.idx"
        self.clock = clock or SystemClock()
        self.layout = layout  # what reindex builds (CHILDSAFE_PDQ_INDEX); any layout's file is read
        self.index = PdqIndex()
        self._file_id: tuple[int, int] | None = None
        self._last_signal = 0
        self._last_tombstone = 0
        self._videos: dict[int, list[tuple[float, str]]] = {}
        self._frames = video.FrameIndex({})  # every banked video's frames, rebuilt when the videos change
        self._last_video = 0
        self._lock = threading.Lock()

    def reindex(self, session: Session) -> int:
        """Build a new index file from every PDQ signal and swap it in atomically for all readers."""
        rows = session.execute(select(BankSignal.id, BankSignal.value).where(BankSignal.signal_type == "pdq")
                               .order_by(BankSignal.id)).all()
        ids = np.fromiter((r[0] for r in rows), dtype="<u4", count=len(rows))
        hashes = hex_to_array(r[1] for r in rows) if rows else np.zeros((0, 32), dtype=np.uint8)
        build(self.path, hashes, ids, max_id=int(ids.max()) if len(ids) else 0, layout=LAYOUT_NAMES[self.layout])
        service.purge_tombstones(session, self.clock.now())
        self._file_id = None
        return len(rows)

    def refresh(self, session: Session) -> None:
        with self._lock:
            try:
                stat = os.stat(self.path)
                file_id: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)
            except FileNotFoundError:
                file_id = None
            if file_id != self._file_id:
                old = self.index
                try:
                    self.index = PdqIndex(self.path) if file_id else PdqIndex()
                except PdqIndexError as error:  # an older version or a damaged file: every signal from the database
                    _log.warning("%s; matching from the database until a reindex", error)
                    self.index = PdqIndex()
                old.close()
                self._file_id = file_id
                self._last_signal = self.index.max_id
                self._last_tombstone = 0
            new = session.execute(select(BankSignal.id, BankSignal.value).where(
                BankSignal.signal_type == "pdq", BankSignal.id > self._last_signal).order_by(BankSignal.id)).all()
            if new:
                self.index.add(hex_to_array(r[1] for r in new), np.array([r[0] for r in new], dtype="<u4"))
                self._last_signal = new[-1][0]
            videos_changed = False
            for row in session.execute(select(BankSignal.id, BankSignal.meta).where(
                    BankSignal.signal_type == "video_pdq", BankSignal.id > self._last_video).order_by(BankSignal.id)):
                self._videos[row[0]] = video.parse_text(row[1]["frames"])
                self._last_video = row[0]
                videos_changed = True
            gone = session.execute(select(SignalTombstone.id, SignalTombstone.signal_id).where(
                SignalTombstone.id > self._last_tombstone).order_by(SignalTombstone.id)).all()
            if gone:
                self.index.delete(r[1] for r in gone)
                for r in gone:
                    videos_changed |= self._videos.pop(r[1], None) is not None
                self._last_tombstone = gone[-1][0]
            if videos_changed:
                self._frames = video.FrameIndex(self._videos)

    # ---- lookups ------------------------------------------------------------------------------------------
    def _candidates(self, session: Session, query: Hashed,
                    found: list[tuple[int, int]] | None = None) -> list[tuple[BankSignal, int]]:
        """Signals near `query`; for PDQ, `found` is the index's answer (searched for the whole batch at once)."""
        if query.signal_type == "pdq":
            if not found:
                return []
            distance = dict(found)
            rows = session.scalars(select(BankSignal).where(BankSignal.id.in_(list(distance))))
            return [(row, distance[row.id]) for row in rows]
        if query.signal_type == "video_pdq":
            shares = self._frames.shares(video.parse_text(query.value))
            hits = [(signal_id, round((1 - share) * 100))  # distance: % of query frames not found
                    for signal_id, share in shares.items() if share >= video.QUERY_MATCH]
            if not hits:
                return []
            distance = dict(hits)
            rows = session.scalars(select(BankSignal).where(BankSignal.id.in_(list(distance))))
            return [(row, distance[row.id]) for row in rows]
        if query.signal_type == "url":
            level, _, rest = query.value.partition(":")
            canonical = rest if level == "exact" else query.value
            try:
                keys = [f"{lvl}:{key}" for lvl, key in urls.keys(urls.canonical(canonical))]
            except urls.UrlError:
                return []
            rows = session.scalars(select(BankSignal).where(BankSignal.signal_type == "url",
                                                            BankSignal.value.in_(keys)))
            return [(row, 0) for row in rows]
        rows = session.scalars(select(BankSignal).where(BankSignal.signal_type == query.signal_type,
                                                        BankSignal.value == query.value))
        return [(row, 0) for row in rows]

    def match(self, session: Session, queries: list[Hashed], *, actor: Actor,
              variants: list[str | None] | None = None) -> list[QueryResult]:
        """Look every query up; log each match and queue the webhooks, in the caller's transaction."""
        self.refresh(session)
        banks = {b.id: b for b in session.scalars(select(Bank))}
        now = self.clock.now()
        pdq = [i for i, q in enumerate(queries) if q.signal_type == "pdq" and not _low_quality(q)]
        near = dict(zip(pdq, self.index.search_many([queries[i].value for i in pdq], 31), strict=True))
        results = []
        for i, query in enumerate(queries):
            variant = variants[i] if variants else None
            result = QueryResult(query.signal_type, query.value, query.quality, variant)
            if query.signal_type == "pdq" and _low_quality(query):
                result.note = f"quality {query.quality} is below {PDQ_MIN_QUALITY}: not matched"
                results.append(result)
                continue
            block, allow = [], []
            for row, distance in self._candidates(session, query, near.get(i)):
                bank = banks.get(row.bank_id)
                if bank is None or not bank.enabled:
                    continue
                if row.signal_type == "pdq" and distance > bank.pdq_threshold:
                    continue
                meta = dict(row.meta or {})
                meta.pop("frames", None)
                entry = {"bank": bank.name, "signal_id": row.id, "signal": row.value, "distance": distance,
                         "metadata": meta}
                (allow if bank.kind == "allow" else block).append(entry)
            if allow:
                result.suppressed_by = sorted({m["bank"] for m in allow})
            else:
                result.matches = sorted(block, key=lambda m: (m["distance"], m["bank"], m["signal_id"]))
            for m in result.matches:
                logged = query.value if len(query.value) <= 2000 else \
                    "sha256:" + hashlib.sha256(query.value.encode()).hexdigest()
                session.add(MatchEvent(at=now, actor=actor.label(), signal_type=query.signal_type, query=logged,
                                       bank_id=next(b.id for b in banks.values() if b.name == m["bank"]),
                                       signal_id=m["signal_id"], distance=m["distance"]))
            if result.matches:
                service.enqueue(session, {"event": "match", "at": now.isoformat(), **result.as_dict()}, now)
            results.append(result)
        return results


def _low_quality(query: Hashed) -> bool:
    return query.quality is not None and query.quality < PDQ_MIN_QUALITY


def parse_query_hashes(lines: list[tuple[str, str]]) -> list[Hashed]:
    """Validate (signal_type, value) pairs from a bulk lookup, naming the first bad one."""
    out = []
    for position, (signal_type, value) in enumerate(lines):
        try:
            kind = registry.get(signal_type)()
        except KeyError:
            raise SignalError(f"entry {position + 1}: unknown signal type {signal_type!r}") from None
        out.append(Hashed(signal_type, kind.validate(value)))
    return out
