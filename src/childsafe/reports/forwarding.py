"""Forwarding channels: a forwarded case goes to every enabled channel of its destination, by signed webhook
or email, with retries. The reporter's reply address is never forwarded."""

from __future__ import annotations

import json
import secrets
import smtplib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import InvalidInputError
from childsafe.core.retry import settle
from childsafe.hashmatch import service as hashmatch
from childsafe.reports.case import DESTINATIONS
from childsafe.reports.models import Report, ReportChannel, ReportDelivery

RETRY_DELAYS = (30, 120, 600, 3600, 6 * 3600)
EmailSender = Callable[[str, str, str], None]  # (to, subject, body)


def add_channel(session: Session, *, destination: str, kind: str, target: str, actor: Actor,
                clock: Clock | None = None) -> tuple[ReportChannel, str]:
    clock = clock or SystemClock()
    if destination not in DESTINATIONS:
        raise InvalidInputError(f"destination is one of {', '.join(DESTINATIONS)}", field="destination")
    if kind == "webhook":
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInputError("a webhook needs an http(s) URL", field="target")
    elif kind == "email":
        if "@" not in target or len(target) > 254 or any(c in target for c in "\r\n"):
            raise InvalidInputError("not an email address", field="target")
    else:
        raise InvalidInputError("kind is webhook or email", field="kind")
    secret = secrets.token_urlsafe(32) if kind == "webhook" else ""
    channel = ReportChannel(destination=destination, kind=kind, target=target, secret=secret, enabled=True,
                            created_at=clock.now())
    session.add(channel)
    session.flush()
    audit.record(session, actor, "reports.channel.add", "report_channel", channel.id,
                 {"destination": destination, "kind": kind, "target": target}, clock)
    return channel, secret


def case_document(report: Report) -> dict[str, Any]:
    return {"reference": report.reference, "received_at": report.received_at.isoformat(), "url": report.url,
            "description": report.description, "where_seen": report.where_seen, "country": report.country,
            "classification": report.classification, "hosting_country": report.hosting_country,
            "hashes": report.media_hashes, "forwarded_at": report.forwarded_at.isoformat()
            if report.forwarded_at else None}


def enqueue(session: Session, report: Report, destination: str, now: datetime) -> int:
    body = json.dumps({"event": "report.forwarded", "destination": destination, "case": case_document(report)},
                      sort_keys=True, default=str)
    channels = list(session.scalars(select(ReportChannel).where(ReportChannel.destination == destination,
                                                                ReportChannel.enabled.is_(True))))
    for channel in channels:
        session.add(ReportDelivery(report_id=report.id, channel_id=channel.id, body=body, next_attempt_at=now))
    return len(channels)


def smtp_sender(host: str, port: int, sender: str) -> EmailSender:
    def send(to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(host, port, timeout=15) as smtp:
            smtp.send_message(message)

    return send


def deliver_pending(session: Session, *, client: httpx.Client, send_email: EmailSender | None,
                    now: datetime, limit: int = 100) -> tuple[int, int]:
    delivered = failed = 0
    due = session.scalars(select(ReportDelivery).where(ReportDelivery.status == "pending",
                                                       ReportDelivery.next_attempt_at <= now)
                          .order_by(ReportDelivery.id).limit(limit))
    for delivery in list(due):
        channel = session.get(ReportChannel, delivery.channel_id)
        if channel is None:
            continue
        delivery.attempts += 1
        error = ""
        try:
            if channel.kind == "webhook":
                stamp = str(int(now.timestamp()))
                body = delivery.body.encode()
                response = client.post(channel.target, content=body, timeout=10, headers={
                    "content-type": "application/json", "x-childsafe-timestamp": stamp,
                    "x-childsafe-signature": f"sha256={hashmatch.signature(channel.secret, body, stamp)}"})
                if not 200 <= response.status_code < 300:
                    error = f"HTTP {response.status_code}"
            elif send_email is None:
                error = "no mail server configured (CHILDSAFE_SMTP_HOST)"
            else:
                reference = json.loads(delivery.body)["case"]["reference"]
                send_email(channel.target, f"ChildSafe report {reference}", delivery.body)
        except (httpx.HTTPError, OSError, smtplib.SMTPException) as exc:
            error = type(exc).__name__
        if settle(delivery, error, RETRY_DELAYS, now):
            delivered += 1
        else:
            failed += 1
    return delivered, failed
