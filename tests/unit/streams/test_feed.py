"""The purchase feed between Faust's fetch loop and the recorder process: batches, order, acks."""

import asyncio
from types import SimpleNamespace

from faust.types import TP

from ledger.books.intake import BatchResult
from streams.worker.feed import Feed, FeedLoop, Fetched

TOPIC = "kuota.purchases.v1"


def fetched(partition: int, first: int, count: int) -> Fetched:
    tp = TP(TOPIC, partition)
    return Fetched(TOPIC, {tp: [SimpleNamespace(offset=o, value=b"v%d" % o, key=b"k") for o in
                                range(first, first + count)]})


async def test_take_joins_waiting_fetches_up_to_the_batch_size_and_never_splits_one():
    feed = Feed(TOPIC, depth=8)
    for first in (0, 3, 6, 9):
        feed.put_nowait(fetched(0, first, 3))
    assert [len(f) for f in await feed.take(7)] == [3, 3]  # a third would make 9
    assert [len(f) for f in await feed.take(2)] == [3]  # one fetch larger than the size goes alone
    assert [len(f) for f in await feed.take(100)] == [3]


async def test_clear_drops_what_waits():
    feed = Feed(TOPIC)
    feed.put_nowait(fetched(0, 0, 5))
    feed.put_nowait(fetched(1, 0, 2))
    assert feed.clear() == 7
    assert feed.clear() == 0


def test_rows_and_spans_carry_partition_and_offsets():
    f = Fetched(TOPIC, {**fetched(0, 10, 2).parts, **fetched(3, 7, 1).parts})
    assert f.rows() == [(0, 10, b"v10", b"k"), (0, 11, b"v11", b"k"), (3, 7, b"v7", b"k")]
    assert f.spans() == [(TP(TOPIC, 0), 10, 11), (TP(TOPIC, 3), 7, 7)]


class _Recorder:
    """Stands in for the recorder process: batches finish when the test says so."""

    def __init__(self):
        self.started: list[tuple[list, asyncio.Future]] = []

    def submit(self, rows):
        future = asyncio.get_running_loop().create_future()
        self.started.append((rows, future))
        return future


async def _until(condition, what: str):
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never: {what}")


async def _nothing():
    return None


async def test_two_batches_in_flight_and_each_acked_only_after_its_commit_in_order():
    feed, recorder, acked, booked = Feed(TOPIC, depth=8), _Recorder(), [], []

    async def fail(exc):
        raise AssertionError(exc)

    loop = FeedLoop(feed, 2, submit=recorder.submit, ack=acked.append, booked=lambda t, r: booked.append(r),
                    fail=fail, after_rejections=_nothing)
    for first in (0, 2, 4):
        feed.put_nowait(fetched(0, first, 2))
    task = asyncio.ensure_future(loop.run())
    try:
        await _until(lambda: len(recorder.started) >= 2, "two batches handed over")
        await asyncio.sleep(0.02)
        assert len(recorder.started) <= 3 and acked == []  # none acked before its commit
        recorder.started[0][1].set_result(BatchResult(applied=2))
        await _until(lambda: len(acked) == 1, "the first batch acked")
        assert acked == [[(TP(TOPIC, 0), 0, 1)]]
        await _until(lambda: len(recorder.started) == 3, "the third batch handed over")
        recorder.started[2][1].set_result(BatchResult(applied=2))  # finishes out of order
        await asyncio.sleep(0.02)
        assert len(acked) == 1  # the third waits for the second
        recorder.started[1][1].set_result(BatchResult(applied=2))
        await _until(lambda: len(acked) == 3, "all acked")
        assert [spans[0][1] for spans in acked] == [0, 2, 4]
        assert [rows[0][1] for rows, _ in recorder.started] == [0, 2, 4]  # handed over in fetch order
        assert sum(r.applied for r in booked) == 6
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_batch_is_never_acked_and_goes_to_the_failure_policy():
    feed, recorder, acked, failures = Feed(TOPIC), _Recorder(), [], []

    async def fail(exc):
        failures.append(exc)

    loop = FeedLoop(feed, 10, submit=recorder.submit, ack=acked.append, booked=lambda t, r: None, fail=fail,
                    after_rejections=_nothing)
    feed.put_nowait(fetched(0, 0, 3))
    task = asyncio.ensure_future(loop.run())
    await _until(lambda: recorder.started, "the batch handed over")
    recorder.started[0][1].set_exception(RuntimeError("disk on fire"))
    await asyncio.wait_for(task, 1)
    assert acked == [] and [str(e) for e in failures] == ["disk on fire"]


async def test_rejections_are_published_after_a_batch_that_had_some():
    feed, recorder, published = Feed(TOPIC), _Recorder(), []

    async def publish():
        published.append(True)

    async def fail(exc):
        raise AssertionError(exc)

    loop = FeedLoop(feed, 10, submit=recorder.submit, ack=lambda spans: None, booked=lambda t, r: None, fail=fail,
                    after_rejections=publish)
    feed.put_nowait(fetched(0, 0, 1))
    task = asyncio.ensure_future(loop.run())
    try:
        await _until(lambda: recorder.started, "the batch handed over")
        result = BatchResult()
        result.rejected["invalid_json"] += 1
        recorder.started[0][1].set_result(result)
        await _until(lambda: published, "rejections published")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_ack_spans_acks_each_offset_once_from_the_committed_one_and_only_for_assigned_partitions():
    from collections import defaultdict

    from streams.worker.consumer import LedgerConsumer

    p0, p1 = TP(TOPIC, 0), TP(TOPIC, 1)
    consumer = SimpleNamespace(assignment=lambda: {p0}, _committed_offset=defaultdict(lambda: None, {p0: 5}),
                               _acked_index=defaultdict(set), _acked=defaultdict(list), _n_acked=0)
    LedgerConsumer.ack_spans(consumer, [(p0, 3, 7), (p1, 0, 9)])
    LedgerConsumer.ack_spans(consumer, [(p0, 7, 8)])  # a redelivered offset is not acked twice
    assert consumer._acked == {p0: [5, 6, 7, 8]} and consumer._n_acked == 4
