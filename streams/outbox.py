"""Publishes rejections kept in the ledger to `kuota.rejected.v1` (transactional outbox)."""

import asyncio
from datetime import datetime, timezone

import orjson
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ledger.models import Rejection
from schemas.outputs import EventRejected


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
    event = EventRejected(
        rejection_id=f"{r.epoch}:{r.topic}:{r.partition}:{r.offset}", source_topic=r.topic,
        partition=r.partition, offset=r.offset, received_at=r.received_at, reason=r.reason,
        errors=tuple(orjson.loads(r.errors)), raw=r.raw, raw_encoding=r.raw_encoding, event_id=r.event_id,
    )
    return event.model_dump_json().encode()


class Outbox:
    """Drains the outbox through a Faust topic; at least once, deduplicable by rejection_id."""

    def __init__(self, engine: Engine, topic, run_blocking):
        self.engine, self.topic, self.run_blocking = engine, topic, run_blocking
        self._lock = asyncio.Lock()

    async def flush(self) -> int:
        sent = 0
        async with self._lock:
            while batch := await self.run_blocking(pending, self.engine):
                futures = [await self.topic.send(key=key, value=value) for _, key, value in batch]
                await asyncio.gather(*futures)
                await self.run_blocking(mark_published, self.engine, [i for i, _, _ in batch])
                sent += len(batch)
        return sent
