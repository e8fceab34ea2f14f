"""`kuota bench-latency`: how long after a purchase is produced its compliance alert arrives.

On an embedded broker and a fresh ledger, with the example programs applied and real `kuota
worker` processes, this process sends purchases at a steady rate (every 10 ms what is due, not
in bursts) and reads `kuota.alerts.v1` at the same time. The plan (`latency_plan`) makes known
purchases each change a company's status; an alert's latency is the time it arrived here minus
the time its purchase was handed to the producer, both read from this process's monotonic clock.
Every expected alert must arrive: the missing ones are reported, never left out of the figures.
"""

import asyncio
import time
import uuid
from pathlib import Path

import orjson
from rich.console import Console
from sqlalchemy.orm import Session

from ledger.db import make_engine, migrate
from ledger.reports.checks import alert_moments, evaluated_since_last_receipt, recorded_at_by_event
from schemas.topics import ALERTS, PURCHASES, SUPPLIERS, TARGETS
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.security import kafka_client_options
from streams.kafka.targets_files import apply_targets
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from streams.tools import latency_plan as plan
from streams.tools.bench import ledger_url, produce, receipts, synthetic
from streams.tools.procs import ScenarioFailed, WorkerProcess, free_port, stop_all, wait_until, worker_env

PROGRAMS = Path(__file__).resolve().parents[2] / "examples" / "programs"
TICK = 0.01  # the pacer sends what is due every 10 ms
SETTLE = 30.0  # seconds after the last purchase that the alerts still may take


def run(base: Settings, console: Console, *, rate: int, seconds: float, workers: int, companies: int,
        spacing: float, database_url: str | None = None, json_path: Path | None = None) -> dict:
    workdir = Path("bench-results") / time.strftime("latency-%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", workdir / "broker.log").start()
    try:
        with ledger_url(database_url, workdir) as url:
            settings = base.model_copy(update={"broker": broker.bootstrap, "database_url": url, "data_dir": workdir})
            result = _measure(settings, console, rate, seconds, workers, companies, spacing, workdir)
    finally:
        broker.stop()
    result["ledger"] = (database_url or "sqlite").split(":")[0].split("+")[0]
    (workdir / "result.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    if json_path is not None:
        json_path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    _print(console, result)
    return result


def _measure(settings: Settings, console: Console, rate, seconds, n_workers, companies, spacing, workdir) -> dict:
    migrate(settings.database_url)
    ensure_topics(settings)
    events = round(rate * seconds)
    planned = plan.triggers(companies, seconds, spacing)
    suppliers, background = synthetic(max(events - len(planned), 0))
    run_id = uuid.uuid4().hex[:8]
    stream = _stream(background, plan.slots(planned, rate, events), events, run_id)
    targets = apply_targets(settings, sorted(PROGRAMS.glob("*.toml")))
    suppliers += [(sid.encode(), _registration(sid, scale)) for sid, scale in ((plan.UMKM, "mikro"), (plan.BIG, "besar"))]
    produce(settings, settings.topic(SUPPLIERS), suppliers)
    engine = make_engine(settings.database_url)
    env = worker_env(settings.broker, settings.database_url, workdir)
    workers = [WorkerProcess(env, workdir / f"worker-{i}.log").start() for i in range(n_workers)]
    try:
        alive = lambda: [w.alive() for w in workers]  # noqa: E731
        wait_until(lambda: receipts(engine, settings.topic(SUPPLIERS)) >= len(suppliers)
                   and receipts(engine, settings.topic(TARGETS)) >= len(targets), 120, "the registry and the programs",
                   interval=0.2, alive=alive)
        # The programs' first standings (and the start-up's alerts) before the clock starts.
        wait_until(lambda: _evaluated_since_booked(engine), 90, "a first evaluation", interval=0.2, alive=alive)
        console.print(f"{n_workers} worker(s) ready; sending {events:,} purchases at {rate:,}/s for {seconds:g} s, "
                      f"{len(planned):,} of them change a company's status")
        sent, arrived, pace = asyncio.run(_run(settings, stream, rate, alive))
    finally:
        stop_all(workers)
    try:
        result = plan.tally(planned, sent, arrived, {t.buyer for t in planned})
        result["stages_ms"] = stages(engine, run_id, planned, sent, arrived)
    finally:
        engine.dispose()
    result.update(events=events, rate=rate, seconds=seconds, workers=n_workers, companies=companies,
                  spacing_s=spacing, **pace)
    return result


def _stream(background: list, triggers: dict[int, plan.Trigger], events: int, run_id: str) -> list[tuple]:
    """(key, value, trigger or None) in the order they are sent; event k is due at k / rate."""
    rest = iter(background)
    out = []
    for k in range(events):
        t = triggers.get(k)
        if t is None:
            out.append((*next(rest), None))
        else:
            out.append((t.buyer.encode(), _purchase(t, run_id), t))
    return out


def _purchase(t: plan.Trigger, run_id: str) -> bytes:
    return orjson.dumps({
        "type": "purchase.recorded", "schema_version": 1, "event_id": _event_id(run_id, t),
        "occurred_at": plan.OCCURRED_AT, "buyer": {"id": t.buyer, "kind": "company", "region": "3216"},
        "supplier_id": t.supplier, "amount": t.amount, "currency": "IDR", "channel": "kemitraan"})


def _event_id(run_id: str, t: plan.Trigger) -> str:
    return f"lat-{run_id}-{t.buyer}-{t.n}"


def stages(engine, run_id: str, planned: list[plan.Trigger], sent: dict, arrived: list) -> dict:
    """Where the time went, median and p99 of each step, from the ledger's own timestamps (this
    machine's clock, read by the worker): sent -> its batch began booking (`recorded_at`) ->
    the evaluation that raised the alert began (`detected_at`) -> the alert was sent (`published_at`)
    -> it arrived here. Not the headline figure, which needs no clock but this process's."""
    wall = time.time() - time.monotonic()  # this process's monotonic clock on the wall clock
    expected = {plan.key(t.buyer, t.status, t.actual, t.required): t for t in planned}
    first: dict[plan.Trigger, float] = {}
    for at, alert in arrived:
        if (t := plan.match(alert, expected)) is not None:
            first.setdefault(t, at + wall)
    with Session(engine) as s:
        booked = recorded_at_by_event(s, f"lat-{run_id}-")
        raised = alert_moments(s, plan.PROGRAM, "co-3216-lat-")
    steps: dict[str, list[float]] = {"sent_to_booking": [], "booking_to_evaluation": [],
                                     "evaluation_to_published": [], "published_to_received": []}
    for t, received in first.items():
        recorded = booked.get(_event_id(run_id, t))
        detected, published = raised.get(f"{plan.PROGRAM}:{t.buyer}:{plan.PERIOD}:{t.n}", (None, None))
        if None in (recorded, detected, published) or t not in sent:
            continue
        marks = [sent[t] + wall, recorded.timestamp(), detected.timestamp(), published.timestamp(), received]
        for name, a, b in zip(steps, marks, marks[1:]):
            steps[name].append((b - a) * 1000)
    return {name: [round(plan.percentile(v, 0.5)), round(plan.percentile(v, 0.99))] if v else None
            for name, v in steps.items()}


def _registration(sid: str, scale: str) -> bytes:
    return orjson.dumps({
        "type": "supplier.registered", "schema_version": 1, "event_id": f"lat-sup-{sid}",
        "occurred_at": "2024-01-01T08:00:00+07:00", "valid_from": "2024-01-01",
        "supplier": {"id": sid, "name": f"Usaha {sid}", "region": "3216", "scale": scale}})


def _evaluated_since_booked(engine) -> bool:
    with Session(engine) as s:
        return evaluated_since_last_receipt(s)


async def _run(settings: Settings, stream: list[tuple], rate: int, alive):
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    options = kafka_client_options(settings, "aiokafka")
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False, fetch_max_wait_ms=100,
                                **options)
    producer = AIOKafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=5, **options)
    await consumer.start()
    await producer.start()
    try:
        topic = settings.topic(ALERTS)
        await consumer.topics()  # metadata of every topic, so that the partitions are known
        parts = [_partition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(parts)
        await consumer.seek_to_end(*parts)  # alerts of the start-up are not part of the measurement
        for p in parts:
            await consumer.position(p)
        arrived: list[tuple[float, dict]] = []
        planned = {plan.key(t.buyer, t.status, t.actual, t.required): t for _, _, t in stream if t is not None}
        reader = asyncio.create_task(_read(consumer, arrived))
        sent, pace = await _pace(producer, settings.topic(PURCHASES), stream, rate, alive)
        deadline = time.monotonic() + SETTLE
        while time.monotonic() < deadline and _received(arrived, planned) < len(planned):
            alive()
            await asyncio.sleep(0.2)
        reader.cancel()
        return sent, arrived, pace
    finally:
        await producer.stop()
        await consumer.stop()


def _partition(topic: str, p: int):
    from aiokafka import TopicPartition

    return TopicPartition(topic, p)


def _received(arrived: list[tuple[float, dict]], planned: dict[tuple, plan.Trigger]) -> int:
    return len({t for _, a in arrived if (t := plan.match(a, planned)) is not None})


async def _read(consumer, arrived: list) -> None:
    while True:
        batch = await consumer.getmany(timeout_ms=100)
        at = time.monotonic()
        for messages in batch.values():
            arrived.extend((at, orjson.loads(m.value)) for m in messages)


async def _pace(producer, topic: str, stream: list[tuple], rate: int, alive) -> tuple[dict, dict]:
    """Send event k at k / rate (every TICK, what is due); when each trigger was handed over."""
    sent: dict[plan.Trigger, float] = {}
    acks, late, k, t0 = [], 0.0, 0, time.monotonic()
    next_check = t0 + 1
    while k < len(stream):
        now = time.monotonic()
        due = min(len(stream), int((now - t0) * rate) + 1)
        late = max(late, now - t0 - k / rate)
        for key, value, trigger in stream[k:due]:
            if trigger is not None:
                sent[trigger] = time.monotonic()
            acks.append(await producer.send(topic, value, key=key))
        k = due
        if now >= next_check:
            alive()
            next_check = now + 1
        await asyncio.sleep(TICK)
    seconds = time.monotonic() - t0
    await asyncio.gather(*acks)
    return sent, {"sent_per_s": round(len(stream) / seconds), "pacer_max_behind_ms": round(late * 1000)}


def _print(console: Console, r: dict) -> None:
    console.print(f"purchases sent: {r['events']:,} in {r['seconds']:g} s at {r['sent_per_s']:,}/s "
                  f"(asked {r['rate']:,}/s; the pacer was at most {r['pacer_max_behind_ms']} ms behind)")
    console.print(f"alerts expected {r['expected']:,}, received {r['received']:,}, missing {r['missing']:,}"
                  f"{' ' + ', '.join(r['missing_examples']) if r['missing'] else ''}; "
                  f"unexpected {r['unexpected']}, other programs' {r['other_alerts']}")
    if r["p50_ms"] is not None:
        console.print(f"[bold]produce -> alert: p50 {r['p50_ms']:,} ms, p99 {r['p99_ms']:,} ms, max {r['max_ms']:,} ms[/]"
                      f" ({r['workers']} worker(s), ledger {r['ledger']})")
    console.print("where the time went, p50 / p99 ms (the ledger's timestamps): " + ", ".join(
        f"{name.replace('_', ' ')} {v[0]} / {v[1]}" for name, v in r["stages_ms"].items() if v))
    if r["missing"]:
        raise ScenarioFailed(f"{r['missing']:,} of {r['expected']:,} expected alerts did not arrive "
                             f"within {SETTLE:g} s of the last purchase")
