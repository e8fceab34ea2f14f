"""`kuota chaos`: the ledger under faults, each fault a scenario that checks exact totals.

Every scenario produces known input, breaks something mid-stream, lets the system recover on
its own, then compares the ledger with figures computed from what was produced: entries, sum
of amounts, receipts by outcome, the audit. A scenario returns its figures; `problems` is
empty when nothing was lost and nothing was counted twice.
"""

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
from kafka import KafkaConsumer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import make_engine, migrate
from ledger.models import Entry, Receipt, Rejection
from streams.tools import hostile as catalogue
from streams.tools.bench import produce, synthetic
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.emit import emit_file
from streams.tools.faults import PrivatePostgres, Stage, WorkerProcess, figures, free_port, received, wait_until
from streams.kafka.producer import make_producer
from streams.settings import PURCHASES, REJECTED, SUPPLIERS
from streams.kafka.topics import ensure_topics

SCENARIOS = ("crash", "rebalance", "db_outage", "broker_restart", "hostile")


def _check(stage: Stage, result: dict, purchases, *, applied: int, duplicate: int, rejected: int = 0) -> dict:
    """Compare the ledger with what was produced; fill in lost, counted twice and problems."""
    produced = {orjson.loads(v)["event_id"] for _, v in purchases}
    expected_amount = sum(orjson.loads(v)["amount"] for _, v in purchases)
    f = figures(stage)
    result.update(entries=f.entries, amount=f.amount, expected_amount=expected_amount, lost=f.lost(produced),
                  counted_twice=f.counted_twice(produced, applied), receipts=dict(f.receipts))
    problems = list(f.audit_problems)
    want = {"applied": applied, "duplicate": duplicate, "rejected": rejected}
    if {k: f.receipts.get(k, 0) for k in want} != want:
        problems.append(f"receipts {dict(f.receipts)}, expected {want}")
    if f.entries != len(produced) or f.amount != expected_amount:
        problems.append(f"{f.entries} entries of Rp {f.amount}, expected {len(produced)} of Rp {expected_amount}")
    result["problems"] = problems
    return result


class _Stream(threading.Thread):
    """Produces records in chunks at a steady pace, so faults land while events stream in."""

    def __init__(self, stage: Stage, topic: str, records, chunks: int = 40, pause: float = 0.4):
        super().__init__(daemon=True)
        self.stage, self.topic, self.records = stage, topic, records
        self.size, self.pause, self.error = max(1, len(records) // chunks + 1), pause, None

    def run(self) -> None:
        try:
            for i in range(0, len(self.records), self.size):
                produce(self.stage.settings, self.topic, self.records[i:i + self.size])
                time.sleep(self.pause)
        except Exception as exc:  # reported by the scenario, never swallowed
            self.error = exc


def _prepare(stage: Stage, events: int, seed: int, resend: int = 0):
    migrate(stage.database_url)
    ensure_topics(stage.settings)
    suppliers, purchases = synthetic(events, seed=seed)
    produce(stage.settings, stage.settings.topic(SUPPLIERS), suppliers)
    return suppliers, purchases, purchases[:resend]


def crash(stage: Stage, *, events: int = 100_000, kills: int = 10, seed: int = 11) -> dict:
    """SIGKILL the worker at random moments while purchases stream in; restart it each time."""
    suppliers, purchases, resent = _prepare(stage, events, seed, resend=min(500, events // 10))
    total = len(suppliers) + events + len(resent)
    stream = _Stream(stage, stage.settings.topic(PURCHASES), purchases + resent)
    stream.start()
    rnd, url = random.Random(seed), stage.database_url
    marks = sorted(rnd.uniform(0.05, 0.9) * total for _ in range(kills))
    worker, done = WorkerProcess(stage).start(), 0
    try:
        for mark in marks:
            seen = max(received(url), 0)
            wait_until(lambda: received(url) >= max(mark, seen + 1), 300, "progress before a kill", 0.02,
                       worker.alive)
            time.sleep(rnd.uniform(0, 0.25))  # a random moment, most often inside a batch transaction
            worker.kill()
            done += 1
            worker = WorkerProcess(stage).start()
        wait_until(lambda: received(url) == total, 600, "every record booked", 0.2, worker.alive)
    finally:
        worker.stop()
        stream.join(60)
    result = {"scenario": "crash", "events": events, "produced": total, "kills": done}
    return _check(stage, result, purchases, applied=len(suppliers) + events, duplicate=len(resent))


def rebalance(stage: Stage, *, events: int = 100_000, seed: int = 13) -> dict:
    """Two workers in one group; one is killed mid-stream; the survivor takes its partitions."""
    suppliers, purchases, _ = _prepare(stage, events, seed)
    total, url = len(suppliers) + events, stage.database_url
    stream = _Stream(stage, stage.settings.topic(PURCHASES), purchases)
    stream.start()
    workers = [WorkerProcess(stage, "worker-a").start(), WorkerProcess(stage, "worker-b").start()]
    victim, survivor = random.Random(seed).sample(workers, 2)
    try:
        wait_until(lambda: received(url) >= total * 0.3 and _partitions_booked(stage) == stage.settings.partitions,
                   300, "both workers booking", 0.05, lambda: [w.alive() for w in workers])
        victim.kill()
        at_kill = received(url)
        wait_until(lambda: received(url) == total, 600, "the survivor booking the rest", 0.2, survivor.alive)
        rebalances = survivor.log_text().count("Setting newly assigned partitions") - 1  # after its first
    finally:
        for w in workers:
            w.stop()
        stream.join(60)
    result = {"scenario": "rebalance", "events": events, "produced": total, "kills": 1,
              "booked_after_kill": total - at_kill, "rebalances": rebalances}
    _check(stage, result, purchases, applied=total, duplicate=0)
    if rebalances < 1:
        result["problems"].append("the survivor was never given the dead worker's partitions")
    return result


def _partitions_booked(stage: Stage) -> int:
    engine = make_engine(stage.database_url)
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count(func.distinct(Receipt.partition)))
                            .where(Receipt.topic == stage.settings.topic(PURCHASES))) or 0
    finally:
        engine.dispose()


def db_outage(broker: str, workdir: Path, *, events: int = 100_000, outage: float = 20.0, seed: int = 17) -> dict:
    """Stop a private PostgreSQL for `outage` seconds mid-stream; the worker pauses and retries."""
    pg = PrivatePostgres().init()
    stage = Stage(broker, pg.url, workdir)
    worker = None
    try:
        suppliers, purchases, _ = _prepare(stage, events, seed)
        total, url = len(suppliers) + events, stage.database_url
        stream = _Stream(stage, stage.settings.topic(PURCHASES), purchases, chunks=10, pause=0.2)
        stream.start()
        worker = WorkerProcess(stage).start()
        wait_until(lambda: received(url) >= total * 0.25, 300, "progress before the outage", 0.05, worker.alive)
        pg.stop()
        stopped = time.monotonic()
        while time.monotonic() - stopped < outage:
            worker.alive()
            time.sleep(0.5)
        pg.start()
        down = time.monotonic() - stopped
        wait_until(lambda: received(url) == total, 600, "every record booked after the outage", 0.2, worker.alive)
        stream.join(60)
        log = worker.log_text()
        result = {"scenario": "db_outage", "events": events, "produced": total, "outage_seconds": round(down, 1),
                  "retries_logged": log.count("database unavailable"),
                  "recovery_logged": "database available again" in log, "worker_pid_kept": worker.process.poll() is None}
        _check(stage, result, purchases, applied=total, duplicate=0)
        if not result["retries_logged"] or not result["recovery_logged"]:
            result["problems"].append("the worker did not log the outage and its recovery")
        return result
    finally:
        if worker:
            worker.stop()
        pg.destroy()


def broker_restart(workdir: Path, database_url: str, *, events: int = 100_000, seed: int = 19) -> dict:
    """Kill the embedded broker while a file is being emitted and start it again, empty; the
    worker restarts itself; `kuota audit` names the gap; emitting the same file again closes it
    without counting anything twice."""
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", workdir / "broker.log").start()
    stage = Stage(broker.bootstrap, database_url, workdir)
    worker = None
    try:
        migrate(database_url)
        suppliers, purchases = synthetic(events, seed=seed)
        registry, source = workdir / "suppliers.jsonl", workdir / "purchases.jsonl"
        registry.write_bytes(b"".join(v + b"\n" for _, v in suppliers))
        source.write_bytes(b"".join(v + b"\n" for _, v in purchases))
        total = len(suppliers) + events
        emit_file(stage.settings, registry)
        worker = WorkerProcess(stage).start()
        wait_until(lambda: received(database_url) >= len(suppliers), 120, "the registry booked", 0.1, worker.alive)
        first: dict = {}
        emitting = threading.Thread(target=lambda: first.update(summary=emit_file(stage.settings, source)))
        emitting.start()
        wait_until(lambda: received(database_url) >= len(suppliers) + events * 0.1 or not emitting.is_alive(),
                   300, "progress before the broker dies", 0.02, worker.alive)
        killed_while_emitting = emitting.is_alive()
        old_epoch = broker.cluster_id
        broker.process.send_signal(signal.SIGKILL)
        broker.process.wait()
        broker.process = None
        time.sleep(1.0)
        broker.start()
        emitting.join(300)
        wait_until(lambda: worker.log_text().count("broker changed identity") == 1 and
                   worker.log_text().count("[^Worker]: Ready") == 2, 120, "the worker restarting itself", 0.2, worker.alive)
        booked_before = _quiet(database_url)
        before = _entries(database_url)
        audit_out = subprocess.run([sys.executable, "-m", "streams", "audit"], env=stage.env(), capture_output=True,
                                   text=True, timeout=300)
        gap = _audit_gap(stage)
        second = emit_file(stage.settings, source)
        wait_until(lambda: _audit_gap(stage) == 0, 600, "the gap closed", 0.5, worker.alive)
        received_total = _quiet(database_url)
        # The new broker holds the whole file again (and maybe retries of the first emit): each of
        # its records needs a receipt under the new epoch. Fewer means some were received under
        # the old epoch before the worker noticed the new broker, and taken for old offsets.
        new_epoch = _received_in(database_url, broker.cluster_id)
        after = _entries(database_url)
        summary = first["summary"]
        result = {"scenario": "broker_restart", "events": events, "produced": total,
                  "killed_while_emitting": killed_while_emitting, "delivered_first": sum(summary.sent.values()),
                  "undelivered_first": len(summary.failed), "booked_before_restart": booked_before,
                  "gap_reported": gap, "audit_exit_before": audit_out.returncode,
                  "audit_named_gap": f"gap {gap} event ids" in audit_out.stdout and "re-emit" in audit_out.stdout,
                  "resent": sum(second.sent.values()), "epochs": [old_epoch, broker.cluster_id],
                  "booked_rows_changed": sum(1 for k, v in before.items() if after.get(k) != v),
                  "received_new_epoch": new_epoch}
        _check(stage, result, purchases, applied=total, duplicate=received_total - total)
        if received_total - total < booked_before - len(suppliers):
            result["problems"].append("fewer duplicates than purchases booked before the restart")
        if new_epoch < events:
            result["problems"].append(f"only {new_epoch} of the new broker's {events}+ purchase records have a receipt "
                                      "under its epoch: the rest were taken for records of the old broker")
        if gap != total - booked_before:
            result["problems"].append(f"audit reported a gap of {gap}, expected {total - booked_before}")
        if result["booked_rows_changed"]:
            result["problems"].append(f"{result['booked_rows_changed']} entries booked before the restart changed")
        return result
    finally:
        if worker:
            worker.stop()
        broker.stop()


def _quiet(url: str, still: float = 5.0) -> int:
    """The receipt count once it has not moved for `still` seconds."""
    last, since = received(url), time.monotonic()
    deadline = since + 120
    while time.monotonic() - since < still and time.monotonic() < deadline:
        time.sleep(0.25)
        if (now := received(url)) != last:
            last, since = now, time.monotonic()
    return last


def _entries(url: str) -> dict:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return {r.event_id: (r.amount, r.buyer_id, r.period, r.booked_on, r.supplier_id, r.recorded_at)
                    for r in s.execute(select(Entry.event_id, Entry.amount, Entry.buyer_id, Entry.period,
                                              Entry.booked_on, Entry.supplier_id, Entry.recorded_at))}
    finally:
        engine.dispose()


def _received_in(url: str, epoch: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(Receipt).where(Receipt.epoch == epoch)) or 0
    finally:
        engine.dispose()


def _audit_gap(stage: Stage) -> int:
    from streams.kafka import manifest

    engine = make_engine(stage.database_url)
    try:
        with Session(engine) as s:
            return sum(len(g.missing) for g in manifest.gaps(stage.workdir, s))
    finally:
        engine.dispose()


def hostile(stage: Stage, *, repeat: int = 20) -> dict:
    """Hostile records through a live worker: each rejected with its reason, on the topic and in
    the ledger; odd but valid records applied; the worker never restarts; memory stays bounded."""
    migrate(stage.database_url)
    settings = stage.settings
    ensure_topics(settings)
    worker = WorkerProcess(stage).start()
    producer = make_producer(settings)
    try:
        controls = catalogue.controls()
        _send(producer, settings, controls)
        wait_until(lambda: received(stage.database_url) == len(controls), 120, "the controls booked", 0.1,
                   worker.alive)
        rss_before, peak = worker.rss(), 0
        cases = catalogue.hostile() * repeat
        expected = _send(producer, settings, cases)
        def done():
            nonlocal peak
            peak = max(peak, worker.rss())
            return received(stage.database_url) == len(controls) + len(cases)
        wait_until(done, 600, "every hostile record received", 0.2, worker.alive)
        rss_after = worker.rss()
        on_topic = _read_rejected(settings, len(cases))
        kept = _rejections(stage.database_url)
        pid_kept = worker.process.poll() is None and worker.log_text().count("[^Worker]: Starting") == 1
    finally:
        producer.close()
        worker.stop()
    wrong_topic = sum(1 for where, reason in expected.items() if on_topic.get(where) != reason)
    wrong_ledger = sum(1 for where, reason in expected.items() if kept.get(where) != reason)
    result = {"scenario": "hostile", "hostile_inputs": len(cases), "kinds": len(catalogue.hostile()),
              "rejected_on_topic": len(on_topic), "rejected_in_ledger": len(kept),
              "wrong_or_missing_on_topic": wrong_topic, "wrong_or_missing_in_ledger": wrong_ledger,
              "controls_applied": 0, "worker_restarts": 0 if pid_kept else 1,
              "rss_before_mb": round(rss_before / 2**20), "rss_peak_mb": round(peak / 2**20),
              "rss_after_mb": round(rss_after / 2**20)}
    f = figures(stage)
    result["controls_applied"] = f.receipts.get("applied", 0)
    problems = list(f.audit_problems)
    if wrong_topic or wrong_ledger:
        problems.append(f"{wrong_topic} records wrong or missing on the rejected topic, {wrong_ledger} in the ledger")
    if result["controls_applied"] != len(controls) or f.entries != 2 or f.amount != 1_111_111 + 2_222_222:
        problems.append(f"controls: {result['controls_applied']} applied, {f.entries} entries of Rp {f.amount}")
    if not pid_kept:
        problems.append("the worker restarted during the burst")
    result["problems"] = problems
    return result


def _send(producer, settings, cases) -> dict:
    """Send and wait for each record; (topic, partition, offset) -> expected reason."""
    topics = {"purchases": settings.topic(PURCHASES), "suppliers": settings.topic(SUPPLIERS)}
    futures = [(producer.send(topics[c.kind], key=c.key, value=c.value), c.reason) for c in cases]
    producer.flush()
    where = {}
    for future, reason in futures:
        md = future.get(timeout=60)
        where[(md.topic, md.partition, md.offset)] = reason
    return where


def _read_rejected(settings, expected: int) -> dict:
    consumer = KafkaConsumer(settings.topic(REJECTED), bootstrap_servers=settings.bootstrap, group_id=None,
                             auto_offset_reset="earliest", consumer_timeout_ms=1000,
                             max_partition_fetch_bytes=4 * 1024**2, fetch_max_bytes=64 * 1024**2)
    found: dict = {}
    try:
        deadline = time.monotonic() + 120
        while len(found) < expected and time.monotonic() < deadline:
            for m in consumer:
                doc = orjson.loads(m.value)  # repeats (at least once) share a rejection_id: one entry each
                found[(doc["source_topic"], doc["partition"], doc["offset"])] = doc["reason"]
    finally:
        consumer.close()
    return found


def _rejections(url: str) -> dict:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return {(r.topic, r.partition, r.offset): r.reason
                    for r in s.execute(select(Rejection.topic, Rejection.partition, Rejection.offset, Rejection.reason))}
    finally:
        engine.dispose()


def run_chaos(console, *, scenario: str = "all", events: int = 100_000, kills: int = 10, outage: float = 20.0,
              repeat: int = 20, database_url: str | None = None) -> int:
    """Run scenarios on a private embedded broker; print their figures; 1 when any found a problem."""
    from streams.tools.bench import ledger_url

    names = SCENARIOS if scenario == "all" else (scenario,)
    root = Path("chaos-results") / time.strftime("%Y%m%d-%H%M%S")
    results = []
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", root / "broker.log")
    root.mkdir(parents=True, exist_ok=True)
    broker.start()
    try:
        for name in names:
            workdir = root / name
            workdir.mkdir()
            console.print(f"[bold]{name}[/] ...")
            started = time.monotonic()
            try:
                with ledger_url(database_url, workdir) as url:
                    result = _one(name, broker.bootstrap, workdir, url, events, kills, outage, repeat)
            except Exception as exc:  # a scenario that cannot finish is a finding, not a crash of the suite
                result = {"scenario": name, "problems": [f"{type(exc).__name__}: {exc}"]}
            result["seconds"] = round(time.monotonic() - started)
            results.append(result)
            _print(console, result)
    finally:
        broker.stop()
    (root / "result.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2, default=str))
    failed = [r["scenario"] for r in results if r["problems"]]
    console.print(f"[{'red' if failed else 'green'}]chaos: {len(results) - len(failed)} of {len(results)} "
                  f"scenarios ended with exact totals[/]; figures in {root}/result.json")
    return 1 if failed else 0


def _one(name, bootstrap, workdir, url, events, kills, outage, repeat) -> dict:
    if name == "crash":
        return crash(Stage(bootstrap, url, workdir), events=events, kills=kills)
    if name == "rebalance":
        return rebalance(Stage(bootstrap, url, workdir), events=events)
    if name == "db_outage":
        return db_outage(bootstrap, workdir, events=events, outage=outage)
    if name == "broker_restart":
        return broker_restart(workdir, url, events=events)
    if name == "hostile":
        return hostile(Stage(bootstrap, url, workdir), repeat=repeat)
    raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)} or all")


def _print(console, result: dict) -> None:
    shown = {k: v for k, v in result.items() if k not in ("scenario", "problems")}
    console.print("  " + ", ".join(f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}"
                                   for k, v in shown.items()))
    for problem in result["problems"][:20]:
        console.print(f"  [red]PROBLEM[/]: {problem}")
    if not result["problems"]:
        console.print("  [green]OK[/]: 0 lost, 0 counted twice, audit clean")
