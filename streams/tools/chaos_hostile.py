"""The hostile-input chaos scenario: the catalogue of hostile records (streams/tools/hostile.py) sent
in bursts through a live worker; each must end rejected with its reason, on the rejected topic and
in the ledger, the odd but valid controls applied, the worker never restarted, memory bounded.
"""

import time

import orjson
from kafka import KafkaConsumer

from ledger.db import migrate
from ledger.reports.checks import reading, rejections_by_place
from schemas.topics import PURCHASES, REJECTED, SUPPLIERS
from streams.kafka.producer import make_producer
from streams.kafka.security import kafka_client_options
from streams.kafka.topics import ensure_topics
from streams.tools import hostile as catalogue
from streams.tools.faults import Stage, figures, received
from streams.tools.procs import wait_until


def hostile(stage: Stage, *, repeat: int = 20) -> dict:
    """Hostile records through a live worker: each rejected with its reason, on the topic and in
    the ledger; odd but valid records applied; the worker never restarts; memory stays bounded."""
    migrate(stage.database_url)
    settings = stage.settings
    ensure_topics(settings)
    worker = stage.worker().start()
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
        pid_kept = worker.running() and worker.log_text().count("[^Worker]: Starting") == 1
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
                             max_partition_fetch_bytes=4 * 1024**2, fetch_max_bytes=64 * 1024**2,
                             **kafka_client_options(settings, "kafka"))
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
    with reading(url) as s:
        return rejections_by_place(s)
