"""Bank use cases: create and configure banks, import and export signals (one transaction each), webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.retry import settle
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.hashmatch.formats import BankFormatError, Row, format_for
from childsafe.hashmatch.models import Bank, BankSignal, SignalTombstone, Webhook, WebhookDelivery
from childsafe.hashmatch.signals import SignalError, registry

BANK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$")
RETRY_DELAYS = (10, 60, 300, 1800, 7200)  # seconds after each failed webhook attempt; then it is marked failed


def get_bank(session: Session, name: str) -> Bank:
    bank = session.scalar(select(Bank).where(Bank.name == name))
    if bank is None:
        raise NotFoundError(f"no bank named {name!r}", field="bank")
    return bank


def create_bank(session: Session, *, name: str, actor: Actor, kind: str = "block", description: str = "",
                source: str = "", licence: str = "", pdq_threshold: int = 31, clock: Clock | None = None) -> Bank:
    clock = clock or SystemClock()
    if not isinstance(name, str) or not BANK_NAME.match(name):
        raise InvalidInputError("a bank name is 1 to 60 letters, digits, spaces, dots, - or _", field="name")
    if kind not in ("block", "allow"):
        raise InvalidInputError("kind is block or allow", field="kind")
    if not 0 <= pdq_threshold <= 31:
        raise InvalidInputError("the PDQ threshold is 0 to 31", field="pdq_threshold")
    if session.scalar(select(Bank.id).where(Bank.name == name)) is not None:
        raise ConflictError(f"a bank named {name!r} exists", field="name")
    bank = Bank(name=name, kind=kind, description=description[:500], source=source[:500], licence=licence[:200],
                pdq_threshold=pdq_threshold, enabled=True, created_at=clock.now())
    session.add(bank)
    session.flush()
    audit.record(session, actor, "hashmatch.bank.create", "bank", name, {"kind": kind, "source": source}, clock)
    return bank


def configure_bank(session: Session, name: str, *, actor: Actor, enabled: bool | None = None,
                   pdq_threshold: int | None = None, clock: Clock | None = None) -> Bank:
    bank = get_bank(session, name)
    changes: dict[str, Any] = {}
    if enabled is not None and enabled != bank.enabled:
        bank.enabled, changes["enabled"] = enabled, enabled
    if pdq_threshold is not None:
        if not 0 <= pdq_threshold <= 31:
            raise InvalidInputError("the PDQ threshold is 0 to 31", field="pdq_threshold")
        bank.pdq_threshold, changes["pdq_threshold"] = pdq_threshold, pdq_threshold
    if changes:
        audit.record(session, actor, "hashmatch.bank.configure", "bank", name, changes, clock)
    return bank


def list_banks(session: Session) -> list[tuple[Bank, int]]:
    counts = dict(session.execute(select(BankSignal.bank_id, func.count()).group_by(BankSignal.bank_id)).all())
    return [(b, counts.get(b.id, 0)) for b in session.scalars(select(Bank).order_by(Bank.name))]


def stored_form(signal_type: str, canonical: str, meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Videos are long frame lists: the row keeps a digest as its value and the frames in its metadata."""
    if signal_type == "video_pdq":
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest(), {**meta, "frames": canonical}
    return canonical, meta


def validate_rows(rows: list[tuple[int, Row]]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for number, (signal_type, value, meta) in rows:
        try:
            kind = registry.get(signal_type)()
        except KeyError:
            raise InvalidInputError(f"line {number}: unknown signal type {signal_type!r} "
                                    f"(known: {', '.join(registry.names())})", field="signal_type") from None
        try:
            out.append((signal_type, *stored_form(signal_type, kind.validate(value), meta)))
        except SignalError as exc:
            raise InvalidInputError(f"line {number}: {exc}", field="signal") from None
    return out


def import_signals(session: Session, bank_name: str, text: str, *, fmt: str | None, filename: str | None,
                   actor: Actor, default_type: str | None = None, clock: Clock | None = None,
                   progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Validate the whole file, then add what is new. Returns (added, already present)."""
    clock = clock or SystemClock()
    bank = get_bank(session, bank_name)
    try:
        reader = format_for(fmt, filename)
        rows = validate_rows(list(reader.read(text, default_type)))
    except KeyError as exc:
        raise InvalidInputError(str(exc).strip("'\""), field="format") from None
    except BankFormatError as exc:
        raise InvalidInputError(str(exc), field="file") from None
    existing = {(t, v) for t, v in session.execute(select(BankSignal.signal_type, BankSignal.value)
                                                   .where(BankSignal.bank_id == bank.id))}
    now = clock.now()
    added = 0
    batch: list[dict[str, Any]] = []
    for signal_type, value, meta in rows:
        if (signal_type, value) in existing:
            continue
        existing.add((signal_type, value))
        batch.append({"bank_id": bank.id, "signal_type": signal_type, "value": value, "meta": meta, "added_at": now})
        if len(batch) >= 5000:
            session.execute(BankSignal.__table__.insert(), batch)
            added += len(batch)
            batch = []
            if progress:
                progress(added)
    if batch:
        session.execute(BankSignal.__table__.insert(), batch)
        added += len(batch)
        if progress:
            progress(added)
    bank.imported_at = now
    audit.record(session, actor, "hashmatch.bank.import", "bank", bank.name,
                 {"added": added, "present": len(rows) - added, "file": filename or ""}, clock)
    return added, len(rows) - added


def export_signals(session: Session, bank_name: str, fmt: str) -> str:
    bank = get_bank(session, bank_name)
    rows = []
    for s in session.scalars(select(BankSignal).where(BankSignal.bank_id == bank.id).order_by(BankSignal.id)):
        meta = dict(s.meta or {})
        value = meta.pop("frames") if s.signal_type == "video_pdq" and "frames" in meta else s.value
        rows.append((s.signal_type, value, meta))
    return format_for(fmt).write(rows)


def remove_signal(session: Session, signal_id: int, *, actor: Actor, clock: Clock | None = None) -> None:
    clock = clock or SystemClock()
    signal = session.get(BankSignal, signal_id)
    if signal is None:
        raise NotFoundError("no such signal", field="signal_id")
    session.delete(signal)
    session.add(SignalTombstone(signal_id=signal_id, deleted_at=clock.now()))
    audit.record(session, actor, "hashmatch.signal.remove", "signal", signal_id,
                 {"type": signal.signal_type, "value": signal.value}, clock)


# ---- webhooks -----------------------------------------------------------------------------------------------

def add_webhook(session: Session, url: str, *, actor: Actor, clock: Clock | None = None) -> tuple[Webhook, str]:
    clock = clock or SystemClock()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInputError("a webhook needs an http(s) URL", field="url")
    secret = secrets.token_urlsafe(32)
    hook = Webhook(url=url, secret=secret, enabled=True, created_at=clock.now())
    session.add(hook)
    session.flush()
    audit.record(session, actor, "hashmatch.webhook.add", "webhook", hook.id, {"url": url}, clock)
    return hook, secret


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """What receivers recompute: HMAC-SHA256 over "timestamp.body" with the webhook's secret."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def enqueue(session: Session, event: dict[str, Any], now: datetime) -> int:
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), default=str)
    hooks = list(session.scalars(select(Webhook).where(Webhook.enabled.is_(True))))
    for hook in hooks:
        session.add(WebhookDelivery(webhook_id=hook.id, body=body, next_attempt_at=now))
    return len(hooks)


def deliver_pending(session: Session, client: httpx.Client, now: datetime, limit: int = 100) -> tuple[int, int]:
    """Try due deliveries once; failures are retried later with growing delays. Returns (delivered, failed)."""
    delivered = failed = 0
    due = session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == "pending",
                                                        WebhookDelivery.next_attempt_at <= now)
                          .order_by(WebhookDelivery.id).limit(limit))
    for delivery in list(due):
        hook = session.get(Webhook, delivery.webhook_id)
        if hook is None:
            continue
        stamp = str(int(now.timestamp()))
        body = delivery.body.encode()
        delivery.attempts += 1
        try:
            response = client.post(hook.url, content=body, headers={
                "content-type": "application/json", "x-childsafe-timestamp": stamp,
                "x-childsafe-signature": f"sha256={signature(hook.secret, body, stamp)}"}, timeout=10)
            error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        if settle(delivery, error, RETRY_DELAYS, now):
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def purge_tombstones(session: Session, before: datetime) -> None:
    session.execute(delete(SignalTombstone).where(SignalTombstone.deleted_at < before))


# ---- for other features (reports) ---------------------------------------------------------------------------

_MATCHERS: dict[str, Any] = {}


def canonical_url(url: str) -> str:
    """The canonical form hotlines compare URLs in; raises InvalidInputError naming the problem."""
    from childsafe.hashmatch import urls  # noqa: PLC0415

    try:
        return urls.canonical(url)
    except urls.UrlError as exc:
        raise InvalidInputError(str(exc), field="url") from None


def check_content(session: Session, data_dir: Any, *, media: bytes | None, url: str | None,
                  actor: Actor) -> dict[str, Any]:
    """Hash media in memory and match it and a URL against the enabled banks; the media is not kept."""
    from childsafe.hashmatch.matcher import Matcher  # noqa: PLC0415
    from childsafe.hashmatch.signals import Hashed, hash_media  # noqa: PLC0415

    matcher = _MATCHERS.get(str(data_dir))
    if matcher is None:
        matcher = _MATCHERS[str(data_dir)] = Matcher(data_dir)
    queries = hash_media(media) if media else []
    if url:
        queries.append(Hashed("url", f"exact:{url}"))
    results = matcher.match(session, queries, actor=actor) if queries else []
    hashes = {r.signal_type: r.value for r in results if r.signal_type in ("md5", "sha256", "pdq")}
    matches = [{"signal_type": r.signal_type, **m} for r in results for m in r.matches]
    return {"hashes": hashes, "matches": matches}
