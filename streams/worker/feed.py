"""Purchases a fetch at a time: the purchase topic's records go from Faust's fetch loop to the
ledger without becoming a stream event each.

Faust's per-record stream work (a message object, the conductor's callback, the channel queue,
an event, the stream's iteration and acks) cost as much CPU as booking the record, for records
that are only handed on as bytes. The topic is still subscribed through Faust's conductor and
consumed by Faust's consumer in the app's consumer group; `LedgerConsumer.getmany` puts what
each fetch brought for it into a `Feed`, and the booking task here takes up to a batch of
fetches, books them in one transaction in the recorder process, and only then acks their
offsets, which Faust commits on its commit interval as before.

Booking overlaps fetching: while the recorder process books batch N, the next batch is already
handed to it (its call queue is first in, first out, so batches are booked in fetch order), and
its acks follow its own commit. A rebalance drops what waits in the feed and acks nothing of a
partition no longer assigned; Faust seeks back to the committed offsets, and what was booked
and not committed is read again and skipped by its receipts.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ledger.books.intake import BatchResult


@dataclass(slots=True)
class Fetched:
    """What one fetch brought for a topic: its records per partition (aiokafka ConsumerRecords,
    in offset order)."""

    topic: str
    parts: dict  # TP -> list of records

    def __len__(self) -> int:
        return sum(len(records) for records in self.parts.values())

    def rows(self) -> list[tuple]:
        """(partition, offset, value, key) of every record: what crosses to the recorder process."""
        return [(tp.partition, r.offset, r.value, r.key) for tp, records in self.parts.items() for r in records]

    def spans(self) -> list[tuple]:
        """(tp, first offset, last offset) per partition."""
        return [(tp, records[0].offset, records[-1].offset) for tp, records in self.parts.items() if records]


class Feed:
    """Fetches of one topic on their way to booking; at most `depth` wait, then the fetch loop
    waits (back pressure reaches the broker as it does for a full stream buffer)."""

    def __init__(self, topic: str, depth: int = 4):
        self.topic = topic
        self._queue: asyncio.Queue[Fetched] = asyncio.Queue(depth)

    async def put(self, fetched: Fetched) -> None:
        await self._queue.put(fetched)

    def put_nowait(self, fetched: Fetched) -> None:
        self._queue.put_nowait(fetched)

    def full(self) -> bool:
        return self._queue.full()

    async def take(self, size: int) -> list[Fetched]:
        """The next fetch, with every fetch already waiting behind it while they add up to at most
        `size` records: when booking is the slower side, batches grow towards `size` by themselves."""
        taken = [await self._queue.get()]
        count = len(taken[0])
        while not self._queue.empty() and count + len(self._queue._queue[0]) <= size:
            taken.append(self._queue.get_nowait())
            count += len(taken[-1])
        return taken

    def clear(self) -> int:
        """Drop what waits (a rebalance: it is read again from the committed offsets)."""
        dropped = 0
        while not self._queue.empty():
            dropped += len(self._queue.get_nowait())
        return dropped


class FeedLoop:
    """Books what a feed brings, two batches in flight: `submit(rows)` starts the booking of one
    batch and returns its future (it must start at once and finish in order); `ack(spans)` runs
    after that batch's commit; `booked`, `timed` and `fail` are the worker's, as for a stream."""

    def __init__(self, feed: Feed, size: int, submit: Callable[[list[tuple]], asyncio.Future],
                 ack: Callable[[list[tuple]], None], booked: Callable[[str, BatchResult], None],
                 fail: Callable[[BaseException], Awaitable[None]],
                 after_rejections: Callable[[], Awaitable[None]],
                 timed: Callable[[str, int, float], None] = lambda topic, size, seconds: None):
        self.feed, self.size, self.submit, self.ack = feed, size, submit, ack
        self.booked, self.fail, self.after_rejections, self.timed = booked, fail, after_rejections, timed
        self._inflight: asyncio.Queue = asyncio.Queue(1)  # with the one being awaited: two in flight

    async def run(self) -> None:
        sender = asyncio.ensure_future(self._send())
        try:
            await self._settle()
        finally:
            sender.cancel()

    async def _send(self) -> None:
        while True:
            taken = await self.feed.take(self.size)
            rows = [row for fetched in taken for row in fetched.rows()]
            spans = [span for fetched in taken for span in fetched.spans()]
            await self._inflight.put((self.submit(rows), spans, len(rows), time.monotonic()))

    async def _settle(self) -> None:
        topic = self.feed.topic
        try:
            while True:
                future, spans, count, started = await self._inflight.get()
                try:
                    result = await asyncio.shield(future)
                except asyncio.CancelledError:
                    await asyncio.wait([future])  # the transaction runs to its end; its acks are not needed
                    raise
                self.ack(spans)
                self.timed(topic, count, time.monotonic() - started)
                self.booked(topic, result)
                if result.rejected:
                    await self.after_rejections()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 (the policy decides; nothing of this batch is acked)
            await self.fail(exc)
