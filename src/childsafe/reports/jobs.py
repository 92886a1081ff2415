"""The web app's background job for reports: send queued forwardings, retrying failures."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from childsafe.reports import forwarding, quarantine, service


def deliver_once(app: FastAPI) -> tuple[int, int]:
    context = app.state.context
    settings = context.settings
    sender = forwarding.smtp_sender(settings.smtp_host, settings.smtp_port, settings.smtp_from) \
        if settings.smtp_host else None
    with httpx.Client(follow_redirects=False) as client, context.database.unit_of_work() as session:
        return forwarding.deliver_pending(session, client=client, send_email=sender, now=context.clock.now())


def expire_personal_data(app: FastAPI) -> int:
    """Reporters' reply addresses go after CHILDSAFE_REPORT_RETENTION_DAYS; the cases stay."""
    context = app.state.context
    with context.database.unit_of_work() as session:
        quarantine.purge(session, context.clock.now())  # quarantined pictures go on their date
        return service.apply_retention(session, context.clock.now(), context.settings.report_retention_days)
