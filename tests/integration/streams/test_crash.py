"""The correctness model under SIGKILL: nothing lost, nothing counted twice.

A small version of the fault suite: the worker is killed mid-stream at random moments and
restarted; the ledger must end equal to sums computed from what was produced.
"""

import random
import signal

import orjson
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ledger.db import migrate
from ledger.models import Entry
from streams.tools.bench import produce, synthetic
from schemas.topics import PURCHASES, SUPPLIERS
from streams.settings import Settings
from streams.kafka.topics import ensure_topics
from tests.conftest import Worker, wait_until
from tests.integration.helpers import kuota, receipts

pytestmark = pytest.mark.integration

EVENTS, KILLS = 20_000, 3


def test_sigkill_mid_stream_loses_nothing_and_counts_nothing_twice(kuota_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    env = kuota_env(url, KUOTA_BATCH_SIZE="500")
    migrate(url)  # the progress probe below reads the ledger before the first worker is up
    settings = Settings(broker=env["KUOTA_BROKER"], topic_prefix=env["KUOTA_TOPIC_PREFIX"])
    suppliers, purchases = synthetic(EVENTS, seed=11)
    resent = purchases[:500]  # the same events again: duplicates, not new money
    ensure_topics(settings)
    produce(settings, settings.topic(SUPPLIERS), suppliers)
    produce(settings, settings.topic(PURCHASES), purchases + resent)
    total = len(suppliers) + EVENTS + len(resent)
    expected_amount = sum(orjson.loads(value)["amount"] for _, value in purchases)

    rnd = random.Random(5)
    kills = 0
    while kills < KILLS:
        worker = Worker(env, tmp_path / "worker.log").start()
        seen = sum(receipts(url).values())
        target = seen + rnd.randrange(500, 4000)
        try:
            wait_until(lambda: sum(receipts(url).values()) >= min(target, total),
                       timeout=120, interval=0.05, what="progress before the kill")
        finally:
            worker.stop(signal.SIGKILL)
        kills += 1
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        wait_until(lambda: sum(receipts(url).values()) == total, timeout=300, what="all records booked")
    finally:
        worker.stop()

    assert receipts(url) == {"applied": len(suppliers) + EVENTS, "duplicate": len(resent)}
    engine = create_engine(url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Entry)) == EVENTS
        assert s.scalar(select(func.sum(Entry.amount))) == expected_amount
    engine.dispose()
    assert "AUDIT OK" in kuota(env, "audit").stdout
