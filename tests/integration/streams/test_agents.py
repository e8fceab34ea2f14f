"""The worker's purchase feed and its wiring into Faust: no broker, a real SQLite ledger."""

import asyncio
import json

from types import SimpleNamespace

import pytest
from faust.types import TP
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import migrate
from ledger.models import Entry, Receipt, Rejection
from streams.worker.agents import install_agents
from streams.worker.app import create_app
from streams.worker import recorder_process
from streams.worker.bookkeeper import Bookkeeper
from streams.worker.feed import Feed, FeedLoop, Fetched
from streams.settings import Settings
from tests.integration.helpers import purchase


@pytest.fixture
def agents(tmp_path):
    settings = Settings(broker="127.0.0.1:1", database_url=f"sqlite:///{tmp_path / 'k.db'}",
                        batch_within=0.05, group_id="kuota-agent-test")
    migrate(settings.ledger_url)
    app = create_app(settings)
    ledger = Bookkeeper(settings, epoch="test")
    install_agents(app, settings, ledger)
    app.finalize()
    return app, ledger


def test_purchases_are_subscribed_through_faust_and_handed_to_the_feed(agents):
    app, _ = agents
    assert "kuota.purchases.v1" in app.transport.Consumer.feeds
    assert "kuota.purchases.v1" in {name for topic in app.topics for name in topic.topics}
    assert "kuota.book_purchases" not in app.agents  # no per-record stream for purchases


async def _until(ledger: Bookkeeper, count: int) -> None:
    for _ in range(200):
        with Session(ledger.engine) as s:
            if s.scalar(select(func.count()).select_from(Receipt)) >= count:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} receipts")


async def test_the_purchase_feed_books_valid_records_and_keeps_rejections_then_acks(tmp_path):
    settings = Settings(broker="127.0.0.1:1", database_url=f"sqlite:///{tmp_path / 'k.db'}")
    migrate(settings.ledger_url)
    ledger = Bookkeeper(settings, epoch="test")
    topic = "kuota.purchases.v1"
    feed, acked = Feed(topic), []

    async def never_fails(exc):
        raise AssertionError(f"the batch failed: {exc!r}")

    async def nothing():
        return None

    loop = FeedLoop(feed, 4000, submit=lambda rows: ledger.start(recorder_process.book_purchase_rows, topic, rows),
                    ack=acked.extend, booked=ledger.booked, fail=never_fails, after_rejections=nothing)
    values = [json.dumps(purchase("agent-000001", 1000)).encode(), b"{not json",
              json.dumps(purchase("agent-000001", 1000)).encode()]
    tp = TP(topic, 0)
    await feed.put(Fetched(topic, {tp: [_record(tp, 10 + i, v) for i, v in enumerate(values[:2])]}))
    await feed.put(Fetched(topic, {tp: [_record(tp, 12, values[2])]}))
    task = asyncio.ensure_future(loop.run())
    try:
        await _until(ledger, 3)
        for _ in range(100):  # acks follow the booking process's answer
            if len(acked) == 1 or sum(last - first + 1 for _, first, last in acked) == 3:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    with Session(ledger.engine) as s:
        outcomes = dict(s.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all())
        assert outcomes == {"applied": 1, "duplicate": 1, "rejected": 1}
        assert s.scalar(select(func.sum(Entry.amount))) == 1000
        assert s.scalar(select(Rejection.reason)) == "invalid_json"
    assert sorted(o for _, first, last in acked for o in range(first, last + 1)) == [10, 11, 12]
    assert ledger.stats.by_topic  # the progress log has something to say


def _record(tp, offset: int, value: bytes):
    return SimpleNamespace(topic=tp.topic, partition=tp.partition, offset=offset, value=value, key=b"opd-3216-dinkes")
