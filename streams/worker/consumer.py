"""Faust's Kafka consumer with a cheaper hand-over of each fetched record to the streams.

Faust's fetch loop (`Consumer._drain_messages`) delivers every record with
`wait_first(callback(message), suspend_flow.wait())`: four tasks created, awaited and
cancelled per record, so that delivery can be abandoned when a rebalance suspends the flow
while a stream buffer is full. That costs about as much CPU as everything else Faust does for
a record. Delivery almost never waits (the stream buffer has room, the flow is active), so
here the delivery coroutine is first stepped inline; only when it has to wait is the rest of it
handed to the same `wait_first` as before. What is delivered, in which order, and when the read
offset moves are unchanged; acks and commits are untouched.

The loop is Faust's own (faust-streaming 0.15) with that one line changed.

Records of a topic with a feed (`feeds`, the purchases) skip per-record delivery altogether:
`getmany` hands what each fetch brought for them to the feed (streams/worker/feed.py), and
`ack_spans` acks a booked batch's offsets the way `Consumer.ack` acks one message.
"""

import asyncio
import types
from typing import Any, Coroutine

import faust
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer as AIOKafkaConsumer
from mode import ServiceT

from streams.worker.feed import Feed, Fetched


def install(app: faust.App) -> None:
    """Make the app's transport create a `LedgerConsumer` (before the worker starts the consumer),
    with feeds of its own."""
    app.transport.Consumer = type("LedgerConsumer", (LedgerConsumer,), {"feeds": {}})


def add_feed(app: faust.App, topic: faust.TopicT, feed: Feed) -> None:
    """Subscribe `topic` through Faust's conductor, its records handed to `feed` a fetch at a time."""
    app.transport.Consumer.feeds[feed.topic] = feed
    app.topics.add(topic)


@types.coroutine
def _rest_of(coro: Coroutine, pending: Any):
    """Drive a coroutine that was stepped once by hand and is waiting on `pending`: what
    `await` would have done had it been awaited from the start."""
    try:
        while True:
            try:
                sent = yield pending
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # a cancellation, passed in as the event loop would
                pending = coro.throw(exc)
            else:
                pending = coro.send(sent)
    except StopIteration as stop:
        return stop.value


async def _finish(coro: Coroutine, pending: Any) -> Any:
    return await _rest_of(coro, pending)


# Faust asks the broker to hold each fetch up to 1.5 s for more data; the embedded broker holds it
# even when some data is waiting, so a purchase could wait that long before its batch began.
# Kafka answers as soon as data is there, so this changes nothing there.
FETCH_MAX_WAIT_MS = 100


class LedgerConsumerThread(AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport):
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read when the consumer starts its fetcher
        return consumer


class LedgerConsumer(AIOKafkaConsumer):
    feeds: dict[str, Feed] = {}  # topic name -> its feed (set by `add_feed`)

    def _new_consumer_thread(self) -> LedgerConsumerThread:
        return LedgerConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def getmany(self, timeout: float):  # pragma: no cover (the worker's fetch loop)
        """Faust's `getmany`, with the records of fed topics handed over a fetch at a time."""
        records, active_partitions = await self._wait_next_records(timeout)
        if records is None or self.should_stop:
            return
        if not self.flow_active:  # as Faust: back to the committed offsets
            try:
                await self.perform_seek()
            except Exception as ex:
                self.log.warning(f"exception performing seek when flow not active {ex}")
            return
        generation_id = self.app.consumer_generation_id
        if self.feeds:
            records = await self._feed(records, active_partitions)
        to_message = self._to_message
        for tp, record in self.scheduler.iterate(records):
            if not self.flow_active or self.app.consumer_generation_id != generation_id:
                break
            if active_partitions is None or tp in active_partitions or tp in self._buffered_partitions:
                self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
                yield tp, to_message(tp, record)

    async def _feed(self, records: dict, active_partitions) -> dict:
        """Hand the fed topics' records to their feeds; the rest, for per-record delivery."""
        rest, fed = {}, {}
        for tp, batch in records.items():
            feed = self.feeds.get(tp.topic)
            if feed is None:
                rest[tp] = batch
            elif batch and (active_partitions is None or tp in active_partitions or tp in self._buffered_partitions):
                fed.setdefault(feed, {})[tp] = batch
        for feed, parts in fed.items():
            for tp, batch in parts.items():
                r_offset = self._read_offset[tp]
                if r_offset is not None and batch[0].offset - r_offset > 1:
                    await self._add_gap(tp, r_offset + 1, batch[0].offset)  # as Faust does for one record
            fetched = Fetched(feed.topic, parts)
            if feed.full():
                # A rebalance while the feed is full abandons the hand-over; the records are read again.
                await self.wait_first(feed.put(fetched), self.suspend_flow.wait())
            else:
                feed.put_nowait(fetched)
            if self.flow_active:
                for tp, batch in parts.items():
                    self._read_offset[tp] = batch[-1].offset
        return rest

    def ack_spans(self, spans: list[tuple]) -> None:
        """Ack every offset from first to last of each (tp, first, last) of a booked batch (a fetch
        returns every record of its range; a hole is a record that no longer exists). Partitions
        no longer assigned are left alone: their new owner reads from the committed offset."""
        assigned = self.assignment()
        for tp, first, last in spans:
            if tp not in assigned:
                continue
            committed = self._committed_offset[tp]
            index = self._acked_index[tp]
            new = [o for o in range(max(first, committed or 0), last + 1) if o not in index]
            if new:
                index.update(new)
                self._acked[tp].extend(new)
                self._n_acked += len(new)

    async def on_partitions_revoked(self, revoked) -> None:  # pragma: no cover
        for feed in self.feeds.values():
            feed.clear()  # read again from the committed offsets after the rebalance
        await super().on_partitions_revoked(revoked)

    async def _drain_messages(self, fetcher: ServiceT) -> None:  # pragma: no cover
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set

        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        set_flag = self.diag.set_flag
        unset_flag = self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for

        yield_every = 100
        num_since_yield = 0
        sleep = asyncio.sleep

        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(CONSUMER_FETCHING)
                ait = getmany(timeout=1.0)
                await self.sleep(0)
                if not self.should_stop:
                    async for tp, message in ait:
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0

                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            if gap > 1 and r_offset:
                                if acks_enabled_for(message.topic):
                                    await self._add_gap(tp, r_offset + 1, offset)
                            if commit_every is not None:
                                if self._n_acked >= commit_every:
                                    self._n_acked = 0
                                    await self.commit()
                            delivery = callback(message)
                            try:
                                pending = delivery.send(None)
                            except StopIteration:
                                pass  # delivered without waiting: the usual case
                            else:
                                await self.wait_first(_finish(delivery, pending), self.suspend_flow.wait())
                            set_read_offset(tp, offset)
                        else:
                            self.log.dev("DROPPED MESSAGE ROFF %r: k=%r v=%r", offset, message.key, message.value)
                    unset_flag(CONSUMER_FETCHING)

        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(CONSUMER_FETCHING)
