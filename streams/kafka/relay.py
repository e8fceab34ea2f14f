"""From the intake journal to the topics.

`JournalSender` is how `kuota emit` and `kuota import` send: a chunk of validated events is
committed to the journal first, then sent, then marked sent under the broker epoch it went to. A
record is "accepted" once its chunk is committed; what the broker did not acknowledge (it went
away mid-file) stays journaled and the worker's relay sends it.

`Relay` is the worker's half: every second it sends what the journal holds unsent, or sent to a
broker that is gone (another epoch) and never booked, and marks it sent under the worker's epoch.
Booking is idempotent by event id, so a record sent twice is booked once.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kafka.errors import KafkaError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ledger.books.journal import (ACCEPTED, CONFLICT, DESCRIBED, Item, mark_sent, mark_sent_events, settle, take,
                                  unsent)
from ledger.db import make_engine, migrate
from streams.kafka.producer import MAX_REQUEST, make_producer
from streams.kafka.topics import ensure_topics
from streams.settings import Settings

log = logging.getLogger("kuota.relay")
CHUNK = 2_000  # events journaled in one transaction, then sent together
SEND_WAIT = 30.0  # seconds the broker has to acknowledge a chunk
MAX_RECORD = MAX_REQUEST - 64 * 1024  # what the producer takes in one request, with room for the batch header
RELAY_BATCH = 5_000
CLI_GRACE = timedelta(seconds=15)  # what `emit`/`import` journaled this recently, they are sending themselves
SENT, DUPLICATE, CONFLICTING, KEPT, TOO_LARGE = "sent", "duplicate", "conflict", "kept", "too_large"


@dataclass(frozen=True)
class Outcome:
    tag: int  # the caller's: a line number, a record position
    item: Item
    status: str  # sent | duplicate (journaled before) | conflict | kept (journaled, not sent yet) | too_large


def _now() -> datetime:
    return datetime.now(timezone.utc)


class JournalSender:
    """Journal, then send, a chunk at a time; `add` and `flush` return the outcomes decided."""

    def __init__(self, settings: Settings, *, source: str, client_id: str):
        self.settings, self.source = settings, source
        self.epoch = settings.epoch or ensure_topics(settings)
        migrate(settings.ledger_url)
        self.engine = make_engine(settings.ledger_url, writer=True)
        # Bounded waits: a broker that died mid-file must not hold the command for minutes.
        self.producer = make_producer(settings, client_id=client_id, max_block_ms=10_000, request_timeout_ms=10_000)
        self.waiting: list[tuple[int, Item]] = []
        self.broker_gone: str | None = None  # why sending stopped; the rest is journaled only

    def add(self, tag: int, item: Item) -> list[Outcome]:
        if len(item.value) > MAX_RECORD:  # the relay could never send it either: refused, not journaled
            return [Outcome(tag, item, TOO_LARGE)]
        self.waiting.append((tag, item))
        return self.flush() if len(self.waiting) >= CHUNK else []

    def flush(self) -> list[Outcome]:
        chunk, self.waiting = self.waiting, []
        if not chunk:
            return []
        with Session(self.engine) as session:
            taken = take(session, [item for _, item in chunk], source=self.source, principal="cli", now=_now())
            session.commit()
        # A purchase journaled before without the descriptions it now carries is sent as well: the
        # ledger keeps them (a duplicate there); what the journal holds stays as it was.
        fresh = [(tag, item) for (tag, item), outcome in zip(chunk, taken) if outcome in (ACCEPTED, DESCRIBED)]
        delivered = self._send([item for _, item in fresh])
        journaled = delivered - {item.event_id for (_, item), outcome in zip(chunk, taken) if outcome == DESCRIBED}
        if journaled:
            with Session(self.engine) as session:
                mark_sent_events(session, sorted(journaled), self.epoch, _now())
                session.commit()
        statuses = {ACCEPTED: KEPT, CONFLICT: CONFLICTING}
        return [Outcome(tag, item, SENT if item.event_id in delivered else statuses.get(outcome, DUPLICATE))
                for (tag, item), outcome in zip(chunk, taken)]

    def _send(self, items: list[Item]) -> set[str]:
        if self.broker_gone or not items:
            return set()
        futures = []
        try:
            for item in items:
                futures.append((item.event_id, self.producer.send(
                    self.settings.topic(item.topic), key=item.key.encode() if item.key else None, value=item.value)))
            self.producer.flush(timeout=SEND_WAIT)
        except KafkaError as exc:
            self.broker_gone = f"{type(exc).__name__}: {exc}"
        delivered = {event_id for event_id, future in futures if future.is_done and future.succeeded()}
        if len(delivered) < len(items) and not self.broker_gone:
            failed = next((f.exception for _, f in futures if f.is_done and f.failed()), None)
            self.broker_gone = f"{type(failed).__name__}: {failed}" if failed else "no acknowledgement in time"
        return delivered

    def close(self) -> None:
        try:
            self.producer.close(timeout=0 if self.broker_gone else 10)
        finally:
            self.engine.dispose()


class Relay:
    """Sends journaled events the ledger has not booked and the current broker never had."""

    def __init__(self, engine: Engine, topic_of, epoch: str, run_blocking, batch: int = RELAY_BATCH,
                 cluster_id=None):
        self.engine, self.topic_of, self.epoch, self.run_blocking = engine, topic_of, epoch, run_blocking
        self.batch, self.cluster_id = batch, cluster_id
        self._lock = asyncio.Lock()

    async def flush(self) -> int:
        sent = 0
        async with self._lock:
            while (rows := await self.run_blocking(self._unsent)) and await self._same_broker():
                futures = [await self.topic_of(row.topic).send(key=row.key.encode() if row.key else None,
                                                               value=row.value) for row in rows]
                await asyncio.gather(*futures)  # acknowledged by the broker before they are marked sent
                await self.run_blocking(self._mark, [row.id for row in rows])
                sent += len(rows)
        if sent:
            log.info("relay: %d journaled record(s) sent under broker epoch %s", sent, self.epoch)
        return sent

    async def _same_broker(self) -> bool:
        """Whether the broker is still the one this worker's epoch names. A broker started again
        empty is left alone: the worker restarts under its identity and relays then (records sent
        by a worker still on the old identity were seen to make the new broker's topics on the fly)."""
        if self.cluster_id is None:
            return True
        now = await asyncio.to_thread(self.cluster_id)
        if now != self.epoch:
            log.info("relay: the broker is %s, not %s; waiting for the worker to restart under it", now, self.epoch)
            return False
        return True

    def _unsent(self):
        with Session(self.engine) as session:
            if settle(session, self.epoch):
                session.commit()
            return unsent(session, self.epoch, self.batch, settled_before=_now() - CLI_GRACE)

    def _mark(self, ids: list[int]) -> None:
        with Session(self.engine) as session:
            mark_sent(session, ids, self.epoch, _now())
            session.commit()
