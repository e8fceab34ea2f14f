"""The batch loop and the failure policy of an agent, without a broker: every batch is booked before
the next is taken, and a batch that cannot be booked stops or restarts the worker, never is acked."""

import asyncio
import logging
from collections import Counter
from types import SimpleNamespace

import pytest

from ledger.books.intake import BatchResult, Record
from ledger.errors import OffsetsReused
from streams.worker.policy import EXIT_CONFIG, EXIT_SOFTWARE, BatchLoop, FailurePolicy

TOPIC = "kuota.purchases.v1"
REUSED = OffsetsReused("kuota.purchases.v1[0]@0 under epoch 'cluster-a' was evt-1, now evt-2")


class Worker:
    """What the policy may do to the process, written down instead of done."""

    def __init__(self, cluster_now: str | None = "cluster-a"):
        self.cluster_now, self.restarts, self.exits, self.asked = cluster_now, 0, [], 0

    def cluster_id(self) -> str | None:
        self.asked += 1
        return self.cluster_now

    def restart(self) -> None:
        self.restarts += 1

    def exit(self, code: int) -> None:
        self.exits.append(code)

    def policy(self) -> FailurePolicy:
        return FailurePolicy("cluster-a", self.cluster_id, self.restart, exit=self.exit)


@pytest.fixture(autouse=True)
def keep_logging(monkeypatch):
    # A stop shuts logging down before the process dies; the test process lives on.
    monkeypatch.setattr(logging, "shutdown", lambda: None)


# --- what the policy decides ---------------------------------------------------------------------


def test_offsets_reused_under_a_new_cluster_id_restart_the_worker():
    decision = Worker().policy().decide(REUSED, "cluster-b")
    assert (decision.action, decision.code) == ("restart", 0)
    assert "cluster-b" in decision.message


@pytest.mark.parametrize("cluster_now", ["cluster-a", None], ids=["same-cluster", "broker-silent"])
def test_offsets_reused_under_the_same_or_an_unknown_cluster_stop_asking_for_a_new_epoch(cluster_now):
    decision = Worker().policy().decide(REUSED, cluster_now)
    assert (decision.action, decision.code) == ("stop", EXIT_CONFIG)
    assert EXIT_CONFIG == 78 and "KUOTA_EPOCH" in decision.message


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyError("buyer_id"), MemoryError()])
def test_any_other_error_stops_the_worker_with_exit_70(error):
    decision = Worker().policy().decide(error, "cluster-b")
    assert (decision.action, decision.code) == ("stop", EXIT_SOFTWARE)
    assert EXIT_SOFTWARE == 70


# --- what the policy does ------------------------------------------------------------------------


async def test_handling_reused_offsets_under_a_new_cluster_restarts_and_does_not_exit():
    worker = Worker(cluster_now="cluster-b")
    await worker.policy().handle(REUSED)
    assert (worker.restarts, worker.exits, worker.asked) == (1, [], 1)


async def test_handling_reused_offsets_under_the_same_cluster_exits_78_and_does_not_restart():
    worker = Worker(cluster_now="cluster-a")
    await worker.policy().handle(REUSED)
    assert (worker.restarts, worker.exits) == (0, [78])


async def test_handling_any_other_error_exits_70_without_asking_the_broker():
    worker = Worker()
    await worker.policy().handle(RuntimeError("database went away"))
    assert (worker.restarts, worker.exits, worker.asked) == (0, [70], 0)


# --- the batch loop ------------------------------------------------------------------------------


def message(offset: int) -> SimpleNamespace:
    return SimpleNamespace(message=SimpleNamespace(topic=TOPIC, partition=0, offset=offset,
                                                   value=b'{"n": %d}' % offset, key=b"opd-3216-dinkes"))


class Stream:
    """Faust's stream as the loop uses it: batches of events, each taken only when asked for."""

    def __init__(self, log: list, *batches: list[int]):
        self.log, self.batches, self.asked = log, batches, []

    async def take_events(self, size: int, within: float):
        self.asked.append((size, within))
        for offsets in self.batches:
            self.log.append(("take", offsets))
            yield [message(o) for o in offsets]


class Books:
    """The commit and the `booked` callback of the loop; `results` says what each batch did."""

    def __init__(self, log: list, *results: BatchResult | BaseException):
        self.log, self.results, self.rejections = log, list(results), 0

    async def commit(self, book, records: list[Record]) -> BatchResult:
        self.log.append(("commit", [r.offset for r in records]))
        result = self.results.pop(0)
        if isinstance(result, BaseException):
            raise result
        return result

    def booked(self, topic: str, result: BatchResult) -> None:
        self.log.append(("booked", topic, result.applied))

    async def after_rejections(self) -> None:
        self.log.append(("after rejections",))


class Policy:
    def __init__(self):
        self.handled = []

    async def handle(self, exc: BaseException) -> None:
        self.handled.append(exc)


def loop(books: Books, policy) -> BatchLoop:
    return BatchLoop(books.commit, books.booked, policy, size=500, within=0.25, after_rejections=books.after_rejections)


def book(records):  # what the recorder would run; the fake commit only passes it along
    raise AssertionError("the loop hands `book` to commit; it never books by itself")


async def test_each_batch_is_booked_before_the_next_is_taken():
    log: list = []
    stream, books = Stream(log, [0, 1], [2], [3, 4, 5]), Books(log, BatchResult(applied=2), BatchResult(applied=1),
                                                                 BatchResult(applied=3))
    await loop(books, Policy()).run(stream, book, TOPIC)
    assert log == [("take", [0, 1]), ("commit", [0, 1]), ("booked", TOPIC, 2),
                   ("take", [2]), ("commit", [2]), ("booked", TOPIC, 1),
                   ("take", [3, 4, 5]), ("commit", [3, 4, 5]), ("booked", TOPIC, 3)]
    assert stream.asked == [(500, 0.25)]


async def test_the_records_committed_are_the_messages_as_consumed():
    seen = []

    async def commit(fn, records):
        seen.append((fn, records))
        return BatchResult(applied=len(records))

    stream = Stream([], [7, 8])
    await BatchLoop(commit, lambda *_: None, Policy(), size=2, within=1.0,
                    after_rejections=Books([]).after_rejections).run(stream, book, TOPIC)
    assert seen == [(book, [Record(TOPIC, 0, 7, b'{"n": 7}', b"opd-3216-dinkes"),
                            Record(TOPIC, 0, 8, b'{"n": 8}', b"opd-3216-dinkes")])]


async def test_a_batch_with_rejections_publishes_them_before_the_next_batch():
    log: list = []
    rejected = BatchResult(applied=1, rejected=Counter({"invalid_json": 1}))
    await loop(Books(log, rejected, BatchResult(applied=1)), Policy()).run(Stream(log, [0, 1], [2]), book, TOPIC)
    assert log == [("take", [0, 1]), ("commit", [0, 1]), ("booked", TOPIC, 1), ("after rejections",),
                   ("take", [2]), ("commit", [2]), ("booked", TOPIC, 1)]


async def test_a_failed_commit_goes_to_the_policy_and_no_later_batch_is_taken():
    log: list = []
    failure, policy = RuntimeError("database went away"), Policy()
    books = Books(log, BatchResult(applied=1), failure, BatchResult(applied=1))
    await loop(books, policy).run(Stream(log, [0], [1], [2]), book, TOPIC)
    assert policy.handled == [failure]
    assert log == [("take", [0]), ("commit", [0]), ("booked", TOPIC, 1), ("take", [1]), ("commit", [1])]


async def test_a_failed_commit_stops_the_worker_with_exit_70():
    worker = Worker()
    await loop(Books([], RuntimeError("database went away")), worker.policy()).run(Stream([], [0]), book, TOPIC)
    assert (worker.exits, worker.restarts) == ([70], 0)


async def test_a_cancelled_loop_stops_without_the_policy():
    policy = Policy()
    with pytest.raises(asyncio.CancelledError):
        await loop(Books([], asyncio.CancelledError()), policy).run(Stream([], [0]), book, TOPIC)
    assert policy.handled == []
