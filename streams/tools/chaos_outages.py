"""Chaos scenarios that take away what the worker depends on: the ledger's PostgreSQL stopped
mid-stream (db_outage), and the broker killed while a file is emitted and started again empty
(broker_restart), after which the worker's relay sends again what the journal holds unbooked. Each
returns its figures, checked against what was produced (see `faults.check`).
"""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ledger.db import migrate
from ledger.books.journal import JournalCounts, journal_counts
from ledger.reports.checks import reading, receipts_in_epoch
from schemas.topics import PURCHASES
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.emit import emit_file
from streams.tools.bench import synthetic
from streams.tools.faults import PrivatePostgres, Stage, Stream, check, prepare, received
from streams.tools.procs import free_port, wait_until


def db_outage(broker: str, workdir: Path, *, events: int = 100_000, outage: float = 20.0, seed: int = 17) -> dict:
    """Stop a private PostgreSQL for `outage` seconds mid-stream; the worker pauses and retries."""
    pg = PrivatePostgres().init()
    stage = Stage(broker, pg.url, workdir)
    worker = None
    try:
        suppliers, purchases, _ = prepare(stage, events, seed)
        total, url = len(suppliers) + events, stage.database_url
        stream = Stream(stage, stage.settings.topic(PURCHASES), purchases, chunks=10, pause=0.2)
        stream.start()
        worker = stage.worker().start()
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
                  "recovery_logged": "database available again" in log, "worker_pid_kept": worker.running()}
        check(stage, result, purchases, applied=total, duplicate=0)
        if not result["retries_logged"] or not result["recovery_logged"]:
            result["problems"].append("the worker did not log the outage and its recovery")
        return result
    finally:
        if worker:
            worker.stop()
        pg.destroy()


def broker_restart(workdir: Path, database_url: str, *, events: int = 100_000, seed: int = 19) -> dict:
    """Kill the embedded broker while a file is being emitted and start it again, empty; the
    worker restarts itself under the new epoch and its relay sends again what the journal holds
    and the ledger has not booked: every event booked once, `kuota audit` clean, no step by hand."""
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
        worker = stage.worker().start()
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
        wait_until(lambda: _journal(database_url).in_flight == 0, 600, "every journaled event booked", 0.5,
                   worker.alive)
        received_total = _quiet(database_url)
        audit_out = subprocess.run([sys.executable, "-m", "streams", "audit"], env=stage.env(), capture_output=True,
                                   text=True, timeout=300)
        counts, summary = _journal(database_url), first["summary"]
        result = {"scenario": "broker_restart", "events": events, "produced": total,
                  "killed_while_emitting": killed_while_emitting, "delivered_first": sum(summary.sent.values()),
                  "journaled_unsent_first": summary.kept, "undelivered_first": len(summary.failed),
                  "booked_before_restart": _received_in(database_url, old_epoch),
                  "journaled": counts.journaled, "in_flight": counts.in_flight,
                  "audit_exit": audit_out.returncode, "epochs": [old_epoch, broker.cluster_id],
                  "received_new_epoch": _received_in(database_url, broker.cluster_id)}
        check(stage, result, purchases, applied=total, duplicate=received_total - total)
        if counts.journaled != total:
            result["problems"].append(f"{counts.journaled} events journaled, {total} emitted")
        if audit_out.returncode:
            result["problems"].append(f"kuota audit failed after recovery: {audit_out.stdout[-2000:]}")
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


def _received_in(url: str, epoch: str) -> int:
    with reading(url) as s:
        return receipts_in_epoch(s, epoch)


def _journal(url: str) -> JournalCounts:
    with reading(url) as s:
        return journal_counts(s)
