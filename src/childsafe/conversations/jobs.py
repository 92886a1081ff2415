"""The web app's background job for conversations: delete streamed state past its expiry."""

from __future__ import annotations

from fastapi import FastAPI

from childsafe.conversations import service


def expire_states(app: FastAPI) -> int:
    context = app.state.context
    with context.database.unit_of_work() as session:
        return service.expire_states(session, context.clock.now())
