"""The web app's background job for hashmatch: deliver queued match webhooks, retrying failures."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from childsafe.hashmatch import service


def deliver_once(app: FastAPI) -> tuple[int, int]:
    context = app.state.context
    with httpx.Client(follow_redirects=False) as client, context.database.unit_of_work() as session:
        return service.deliver_pending(session, client, context.clock.now())
