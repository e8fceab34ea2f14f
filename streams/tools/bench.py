"""`kuota bench`: events/s produced -> committed in the ledger, next to the raw consume rate.

Also the load generator the chaos scenarios and the crash test share: `synthetic` input (a
registry and a year of purchases) and `produce`, which sends it as fast as the broker takes it;
and `ledger_url`, a fresh ledger for a measurement.
"""

import asyncio
import random
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
from rich.console import Console
from sqlalchemy.orm import Session

from ledger.db import make_engine, migrate, scratch_schema
from ledger.reports.checks import receipts_on_topic
from streams.kafka.broker import EmbeddedBroker
from schemas.topics import PURCHASES, SUPPLIERS
from streams.settings import Settings
from streams.kafka.security import kafka_client_options
from streams.kafka.topics import ensure_topics
from streams.tools.procs import ScenarioFailed, WorkerProcess, free_port, stop_all, worker_env

WIB = timezone(timedelta(hours=7))
Keyed = list[tuple[bytes, bytes]]


def synthetic(n: int, seed: int = 7, run: str | None = None) -> tuple[Keyed, Keyed]:
    """(suppliers, purchases) as (key, value): 2,000 suppliers, 200 buyers, a year of purchases."""
    suppliers, purchases = synthetic_stream(n, seed, run)
    return suppliers, list(purchases)


def synthetic_stream(n: int, seed: int = 7, run: str | None = None):
    """`synthetic` with the purchases as an iterator, for runs too large to hold at once; the
    same seed and `run` give the same bytes."""
    rnd = random.Random(seed)
    sids = [f"{rnd.randrange(10**12, 10**13)}" for _ in range(2000)]
    scales = ["mikro", "kecil", "menengah", "besar"]
    suppliers = [(sid.encode(), orjson.dumps({
        "type": "supplier.registered", "schema_version": 1, "event_id": f"bench-sup-{i:06d}",
        "occurred_at": "2024-01-01T08:00:00+07:00", "valid_from": "2024-01-01",
        "supplier": {"id": sid, "name": f"UMKM {i}", "region": "3216", "scale": rnd.choice(scales)}}))
        for i, sid in enumerate(sids)]
    return suppliers, _purchases(rnd, sids, n, run or uuid.uuid4().hex[:8])


def _purchases(rnd: random.Random, sids: list[str], n: int, run: str):
    start = datetime(2024, 1, 1, 8, tzinfo=WIB)
    for i in range(n):
        buyer = f"opd-3216-{rnd.randrange(200):03d}"
        yield buyer.encode(), orjson.dumps({
            "type": "purchase.recorded", "schema_version": 1, "event_id": f"bench-{run}-{i:08d}",
            "occurred_at": (start + timedelta(minutes=rnd.randrange(525_000))).isoformat(),
            "buyer": {"id": buyer, "kind": "agency", "region": "3216"}, "supplier_id": rnd.choice(sids),
            "amount": rnd.randrange(50_000, 50_000_000), "currency": "IDR", "channel": "toko_daring"})


def produce(settings: Settings, topic: str, records) -> float:
    """Send (key, value) records as fast as the broker takes them; returns the seconds it took.

    The load generator uses aiokafka's batch API (a fraction of kafka-python's CPU per record) so
    that the two cores go to the pipeline being measured, not to the generator.
    """
    return asyncio.run(_produce(settings, topic, records))


async def _produce(settings: Settings, topic: str, records) -> float:
    from aiokafka import AIOKafkaProducer
    from aiokafka.partitioner import DefaultPartitioner

    producer = AIOKafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=5,
                                max_batch_size=512 * 1024, **kafka_client_options(settings, "aiokafka"))
    await producer.start()
    try:
        partitions = sorted(await producer.partitions_for(topic))
        partitioner = DefaultPartitioner()  # murmur2, as every Kafka client keys records
        t0 = time.perf_counter()
        batches, sent = {}, []
        for key, value in records:
            part = partitioner(key, partitions, partitions)
            batch = batches.setdefault(part, producer.create_batch())
            if batch.append(key=key, value=value, timestamp=None) is None:
                sent.append(await producer.send_batch(batch, topic, partition=part))
                batch = batches[part] = producer.create_batch()
                batch.append(key=key, value=value, timestamp=None)
        for part, batch in batches.items():
            sent.append(await producer.send_batch(batch, topic, partition=part))
        await asyncio.gather(*sent)
        return time.perf_counter() - t0
    finally:
        await producer.stop()


async def raw_consume_rate(settings: Settings, topic: str, expected: int) -> float:
    """Records/s a plain aiokafka consumer reads from a topic already full, doing nothing with
    them. Its partitions are assigned (no group to join) and the clock starts before the first
    fetch, so every batch is timed, the first included."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False,
                                max_partition_fetch_bytes=4 * 1024**2, **kafka_client_options(settings, "aiokafka"))
    await consumer.start()
    try:
        await consumer.topics()  # metadata for the assignment below
        consumer.assign([TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))])
        await consumer.seek_to_beginning()
        n, t0 = 0, time.perf_counter()
        while n < expected:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            n += sum(len(msgs) for msgs in batch.values())
        return n / (time.perf_counter() - t0)
    finally:
        await consumer.stop()


@contextmanager
def ledger_url(database_url: str | None, workdir: Path, name: str = "bench"):
    """A fresh ledger: a new SQLite file, or a new schema in the given PostgreSQL database."""
    if not database_url or database_url.startswith("sqlite"):
        yield database_url or f"sqlite:///{workdir / f'{name}.db'}"
        return
    with scratch_schema(database_url, f"kuota_{name}") as url:
        yield url


def receipts(engine, topic: str) -> int:
    # One engine for the whole measurement: a new one per poll would take CPU from the workers.
    with Session(engine) as s:
        return receipts_on_topic(s, topic)


def results_dir() -> Path:
    workdir = Path("bench-results") / time.strftime("%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def run_bench(base: Settings, console: Console, *, events: int, database_url: str | None, workers: int = 2,
              json_path: Path | None = None) -> dict:
    workdir = results_dir()
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", workdir / "broker.log").start()
    try:
        with ledger_url(database_url, workdir) as url:
            settings = base.model_copy(update={"broker": broker.bootstrap, "database_url": url, "data_dir": workdir})
            suppliers, purchases = synthetic(events)
            result = {"events": events, "workers": workers, "ledger": url.split(":")[0],
                      "raw_consume_per_s": measure_raw(settings, purchases, console)}
            result.update(measure_kuota(settings, console, workdir, suppliers, purchases, workers))
    finally:
        broker.stop()
    for path in filter(None, (workdir / "result.json", json_path)):
        path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return result


def measure_raw(settings: Settings, purchases: list, console: Console, topic: str = "kuota.bench.raw") -> int:
    produce(settings, topic, purchases)
    rate = round(asyncio.run(raw_consume_rate(settings, topic, len(purchases))))
    console.print(f"raw consume (aiokafka, no processing): {rate:,} records/s")
    return rate


READY = "Worker ready"  # Faust's line once a worker's partitions are assigned and its fetcher runs


def measure_kuota(settings: Settings, console: Console, workdir: Path, suppliers: list, purchases: list,
                  n_workers: int) -> dict:
    """`n_workers` real `kuota worker` processes; the clock runs from the first purchase produced
    to the receipt of the last one committed in the ledger."""
    url, events = settings.database_url, len(purchases)
    migrate(url)
    ensure_topics(settings)
    env = worker_env(settings.broker, url, workdir)
    produce(settings, settings.topic(SUPPLIERS), suppliers)  # waiting for the workers when they start
    launched = time.perf_counter()
    workers = [WorkerProcess(env, workdir / f"worker-{i}.log").start() for i in range(n_workers)]
    engine = make_engine(url)
    try:
        while receipts(engine, settings.topic(SUPPLIERS)) == 0:
            _alive(workers)
            time.sleep(0.05)
        first_booking = time.perf_counter() - launched
        while receipts(engine, settings.topic(SUPPLIERS)) < len(suppliers):  # the registry is booked
            _alive(workers)
            time.sleep(0.2)
        # and every worker has its partitions: one may join a second later, and a few seconds of
        # purchases would then wait for it on the clock (the reference's clock starts at its assignment)
        while not all(READY in worker.log_text() for worker in workers):
            _alive(workers)
            time.sleep(0.05)
        t0 = time.perf_counter()
        produce_secs = produce(settings, settings.topic(PURCHASES), purchases)
        elapsed = wait_for_count(lambda: receipts(engine, settings.topic(PURCHASES)), events, t0,
                                 lambda: _alive(workers))
    finally:
        stop_all(workers)
        engine.dispose()
    result = {"produce_per_s": round(events / produce_secs), "end_to_end_per_s": round(events / elapsed),
              "first_booking_after_s": round(first_booking, 1)}
    console.print(f"worker start -> first record booked: {result['first_booking_after_s']} s")
    console.print(f"produce (aiokafka batches, load generator): {result['produce_per_s']:,} events/s")
    console.print(f"[bold]end to end (produced -> committed in the ledger): {result['end_to_end_per_s']:,} events/s[/]"
                  f" over {events:,} events, {n_workers} worker(s), ledger {url.split(':')[0]}")
    return result


def wait_for_count(count, events: int, t0: float, alive) -> float:
    """Seconds from `t0` until `count()` reaches `events`, polled as `_next_poll` spaces it."""
    while (done := count()) < events:
        alive()
        time.sleep(_next_poll(done, events, time.perf_counter() - t0))
    return time.perf_counter() - t0


def _next_poll(done: int, events: int, elapsed: float) -> float:
    """Seconds until the next count of receipts. Counting a large ledger costs CPU that the
    workers being measured need, so polls are spaced by the time that likely remains, down to
    50 ms near the end (the clock's resolution)."""
    if done <= 0:
        return 0.2
    remaining = (events - done) * elapsed / done
    return min(1.0, max(0.05, remaining / 3))


def _alive(workers: list[WorkerProcess]) -> None:
    for worker in workers:
        if not worker.running():
            raise ScenarioFailed(f"a worker exited with {worker.process.returncode}; see its log in bench-results/")
