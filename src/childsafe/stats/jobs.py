"""Background work: delete survey microdata past their retention period."""

from __future__ import annotations

from fastapi import FastAPI

from childsafe.stats import service


def expire_microdata(app: FastAPI) -> int:
    context = app.state.context
    with context.database.unit_of_work() as session:
        return service.expire_microdata(session, context.clock.now())
