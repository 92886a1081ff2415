"""Outcome bookkeeping for queued deliveries (webhooks, forwarded reports) with growing retry delays."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Delivery(Protocol):
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime


def settle(delivery: Delivery, error: str, delays: tuple[int, ...], now: datetime) -> bool:
    """Record one attempt's outcome: delivered when `error` is empty, else retry after the next delay, or fail
    once the delays are used up. Returns True if delivered. The caller has already counted the attempt."""
    if not error:
        delivery.status, delivery.last_error = "delivered", ""
        return True
    delivery.last_error = error[:500]
    if delivery.attempts > len(delays):
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now + timedelta(seconds=delays[delivery.attempts - 1])
    return False
