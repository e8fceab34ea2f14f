"""What leaves the worker: rejections to `kuota.rejected.v1` and alerts to `kuota.alerts.v1`,
drained from their outbox tables in the ledger, and alerts posted to webhooks.

Both are at least once: a row is marked sent only after the broker acknowledged it, and a
receiver drops a repeat by `rejection_id` or `alert_id`. Webhook delivery is retried with
exponential backoff; every attempt is recorded (`ledger.books.outbox`).
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timezone

import aiohttp
from sqlalchemy import Engine

from ledger.books import outbox

log = logging.getLogger("kuota.alerts")


class Outbox:
    """Drains one outbox table through a Faust topic, a batch at a time."""

    def __init__(self, engine: Engine, topic, run_blocking, pending, mark):
        self.engine, self.topic, self.run_blocking = engine, topic, run_blocking
        self.pending, self.mark = pending, mark
        self._lock = asyncio.Lock()

    @classmethod
    def rejections(cls, engine: Engine, topic, run_blocking) -> "Outbox":
        return cls(engine, topic, run_blocking, outbox.pending_rejections, outbox.mark_rejections_published)

    @classmethod
    def alerts(cls, engine: Engine, topic, run_blocking) -> "Outbox":
        return cls(engine, topic, run_blocking, outbox.pending_alerts, outbox.mark_alerts_published)

    @classmethod
    def registry_alerts(cls, engine: Engine, topic, run_blocking) -> "Outbox":
        return cls(engine, topic, run_blocking, outbox.pending_registry_alerts, outbox.mark_registry_alerts_published)

    async def flush(self) -> int:
        sent = 0
        async with self._lock:
            while batch := await self.run_blocking(self.pending, self.engine):
                futures = [await self.topic.send(key=key, value=value) for _, key, value in batch]
                await asyncio.gather(*futures)
                await self.run_blocking(self.mark, self.engine, [i for i, _, _ in batch])
                sent += len(batch)
        return sent


async def deliver(engine: Engine, urls: list[str], run_blocking, timeout: float = 10.0,
                  tally: Callable[[int | None], None] = lambda status: None) -> int:
    """Post every due alert to every URL once; the number delivered. `tally` hears of each
    attempt: its HTTP status, None when nothing answered."""
    if not urls:
        return 0
    batch = await run_blocking(outbox.due_deliveries, engine, urls, datetime.now(timezone.utc))
    delivered = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        for alert_id, url, attempt, body in batch:
            status, error = None, None
            try:
                async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                    status = resp.status
            except Exception as exc:  # every failure is recorded and retried later
                error = f"{type(exc).__name__}: {exc}"
            await run_blocking(outbox.record_delivery, engine, alert_id, url, attempt, status, error)
            tally(status)
            if status is not None and 200 <= status < 300:
                delivered += 1
            else:
                log.warning("alert %s to %s: attempt %d failed (%s)", alert_id, url, attempt, error or status)
    return delivered
