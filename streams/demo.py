"""`kuota demo`: a realistic year streamed through the real broker into a fresh ledger."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.audit import audit
from ledger.db import make_engine, migrate
from ledger.models import Receipt
from ledger.money import format_rupiah
from ledger.reports import spend
from streams.bench import free_port
from streams.broker import EmbeddedBroker
from streams.demo_data import DemoData, generate
from streams.producer import make_producer
from streams.reporting import share_text
from streams.settings import PURCHASES, SUPPLIERS, Settings
from streams.topics import ensure_topics

TOP = 10


def run_demo(base: Settings, console: Console, *, purchases: int, suppliers: int, seed: int, timeout: float) -> int:
    started = time.monotonic()
    demo_dir = base.data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    url = base.database_url or f"sqlite:///{(demo_dir / 'kuota.db').resolve()}"
    with console.status("membuat data demo / generating demo data..."):
        data = generate(seed, purchases=purchases, suppliers=suppliers)
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", demo_dir / "broker.log") if base.embedded_broker else None
    settings = base.model_copy(update={"broker": broker.start().bootstrap if broker else base.broker,
                                       "database_url": url, "data_dir": demo_dir})
    try:
        migrate(url)
        ensure_topics(settings)
        worker = _start_worker(settings)
        try:
            sent = _send(settings, data)
            console.print(f"terkirim / sent: {sum(sent.values()):,} records "
                          f"({sent[settings.topic(PURCHASES)]:,} purchases, "
                          f"{sent[settings.topic(SUPPLIERS)]:,} supplier registrations) "
                          f"via {settings.broker}")
            if not _wait(settings, sent, worker, console, timeout):
                return 1
        finally:
            _stop(worker)
    finally:
        if broker:
            broker.stop()
    ok = _summary(url, console, data)
    console.print(f"selesai dalam / done in {time.monotonic() - started:.1f}s. Ledger: {url}")
    console.print(f"lihat lagi / look again: KUOTA_DATABASE_URL={url} kuota report  (or: kuota audit)")
    return 0 if ok else 1


def _start_worker(settings: Settings) -> subprocess.Popen:
    env = dict(os.environ, KUOTA_BROKER=settings.broker, KUOTA_DATABASE_URL=settings.ledger_url,
               KUOTA_DATA_DIR=str(settings.data_dir), KUOTA_EMBEDDED_BROKER="false")
    log = open(settings.data_dir / "worker.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=env, stdout=log, stderr=log)


def _send(settings: Settings, data: DemoData) -> Counter:
    producer = make_producer(settings)
    sent: Counter = Counter()
    for record in data.in_send_order():
        topic = settings.topic(record.topic)
        producer.send(topic, key=record.key, value=record.value)
        sent[topic] += 1
    producer.flush()
    producer.close()
    return sent


def _wait(settings: Settings, sent: Counter, worker: subprocess.Popen, console: Console, timeout: float) -> bool:
    engine = make_engine(settings.ledger_url)
    deadline = time.monotonic() + timeout
    with console.status("") as status:
        while True:
            with Session(engine) as s:
                done = dict(s.execute(select(Receipt.topic, func.count()).group_by(Receipt.topic)).all())
            status.update(f"dibukukan / booked {sum(done.values()):,} of {sum(sent.values()):,}")
            if all(done.get(topic, 0) >= n for topic, n in sent.items()):
                return True
            if worker.poll() is not None or time.monotonic() > deadline:
                console.print(f"[red]the worker did not book everything in time[/]; see {settings.data_dir}/worker.log")
                return False
            time.sleep(0.25)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _summary(url: str, console: Console, data: DemoData) -> bool:
    with Session(make_engine(url)) as session:
        report = audit(session)
        lines = spend(session, "year")
    outcomes = sum(report.by_topic.values(), Counter())
    console.print(f"diterima / received: {sum(outcomes.values())}")
    for key in ("applied", "duplicate", "rejected"):
        console.print(f"  {key}: {outcomes[key]}")
    with Session(make_engine(url)) as session:
        reasons = session.execute(select(Receipt.reason, func.count()).where(Receipt.reason.is_not(None))
                                  .group_by(Receipt.reason).order_by(Receipt.reason)).all()
    for reason, n in reasons:
        console.print(f"  rejected {reason}: {n}")
    table = Table("buyer_id", "nama / name", "periode", "total", "UMKM+koperasi / eligible", "porsi / share",
                  title=f"{TOP} pembeli teratas / top buyers")
    for line in lines[:TOP]:
        table.add_row(line.buyer_id, line.name or "", line.period, format_rupiah(line.total),
                      format_rupiah(line.eligible), share_text(line))
    console.print(table)
    verdict = "[green]AUDIT OK[/]" if report.ok else "[red]AUDIT FAILED[/]: " + "; ".join(report.problems[:5])
    console.print(verdict)
    return report.ok
