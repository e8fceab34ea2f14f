"""Publishes rejections kept in the ledger to `kuota.rejected.v1` (transactional outbox)."""

import asyncio
from datetime import datetime, timezone

import orjson
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ledger.models import Rejection
from schemas.outputs import EventRejected

MAX_MESSAGE_BYTES = 1_000_000  # under the worker producer's request limit, with room for the batch


def pending(engine: Engine, limit: int = 5000) -> list[tuple[int, bytes, bytes]]:
    """Unpublished rejections as (id, key, value) ready to send."""
    with Session(engine) as session:
        rows = session.scalars(
            select(Rejection).where(Rejection.published_at.is_(None)).order_by(Rejection.id).limit(limit)
        ).all()
        return [(r.id, r.topic.encode(), _message(r)) for r in rows]


def mark_published(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(Rejection).where(Rejection.id.in_(ids)).values(published_at=datetime.now(timezone.utc))
        )


def _message(r: Rejection) -> bytes:
    raw, errors = r.raw, tuple(orjson.loads(r.errors))
    while True:
        event = EventRejected(
            rejection_id=f"{r.epoch}:{r.topic}:{r.partition}:{r.offset}", source_topic=r.topic,
            partition=r.partition, offset=r.offset, received_at=r.received_at, reason=r.reason,
            errors=errors, raw=raw, raw_encoding=r.raw_encoding, event_id=r.event_id,
        )
        message = event.model_dump_json().encode()
        if len(message) <= MAX_MESSAGE_BYTES:
            return message
        # A message the producer refuses would block every rejection behind it; the full text
        # stays in the ledger's rejections table.
        raw = raw[: len(raw) // 8 * 4]  # halved, and whole base64 quanta
        errors = tuple(orjson.loads(r.errors)) + (
            f"raw cut to its first {len(raw)} characters of {len(r.raw)}; the whole record is kept in the ledger",)


class Outbox:
    """Drains an outbox table through a Faust topic; at least once, deduplicable by the event's id.
    The rejections by default; `pending_fn` and `mark_fn` name another table's (the alerts)."""

    def __init__(self, engine: Engine, topic, run_blocking, pending_fn=None, mark_fn=None):
        self.engine, self.topic, self.run_blocking = engine, topic, run_blocking
        self.pending, self.mark = pending_fn or pending, mark_fn or mark_published
        self._lock = asyncio.Lock()

    async def flush(self) -> int:
        sent = 0
        async with self._lock:
            while batch := await self.run_blocking(self.pending, self.engine):
                futures = [await self.topic.send(key=key, value=value) for _, key, value in batch]
                await asyncio.gather(*futures)
                await self.run_blocking(self.mark, self.engine, [i for i, _, _ in batch])
                sent += len(batch)
        return sent
