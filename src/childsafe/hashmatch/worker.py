"""The web app's background job: deliver queued match webhooks, retrying failures with growing delays."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import anyio
import httpx
from fastapi import FastAPI

from childsafe.hashmatch import service


def deliver_once(app: FastAPI) -> tuple[int, int]:
    context = app.state.context
    with httpx.Client(follow_redirects=False) as client, context.database.unit_of_work() as session:
        return service.deliver_pending(session, client, context.clock.now())


async def _loop(app: FastAPI, interval: float) -> None:
    while True:
        with contextlib.suppress(Exception):  # a broken receiver or database hiccup must not stop the loop
            await anyio.to_thread.run_sync(deliver_once, app)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def webhook_lifespan(app: FastAPI) -> AsyncIterator[None]:
    interval = app.state.context.settings.webhook_interval
    task = asyncio.ensure_future(_loop(app, interval)) if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
