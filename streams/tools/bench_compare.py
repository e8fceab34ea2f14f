"""`kuota bench --compare`: kuota end to end next to a hand-written reference consumer, kuota's
work with no broker, and the broker's raw consume rate, on one embedded broker and one set of
events, measured one after the other (never two at once). The reference's totals are checked
against kuota's positions, so the comparison is between two programs that did the same work.
"""

import select
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import orjson
from rich.console import Console
from sqlalchemy import func, select as query
from sqlalchemy.orm import Session

from ledger.db import ledger_url as as_connected, make_engine
from ledger.reports.checks import positions_by_class
from schemas.topics import SUPPLIERS
from streams.kafka.broker import EmbeddedBroker
from streams.settings import Settings
from streams.tools import bench_reference as reference
from streams.tools.bench import (ledger_url, measure_kuota, measure_raw, produce, results_dir, synthetic,
                                 wait_for_count)
from streams.tools.bench_workonly import print_work_only, work_only_spawned
from streams.tools.procs import ScenarioFailed, free_port

READY_WITHIN = 120.0  # seconds for the reference to read the registry and join its group


def run_compare(base: Settings, console: Console, *, events: int, database_url: str | None, workers: int = 2,
                reference_batch: int | None = None,
                json_path: Path | None = None) -> dict:
    started, workdir, run = _now(), results_dir(), uuid.uuid4().hex[:8]
    suppliers, purchases = synthetic(events, run=run)
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", workdir / "broker.log").start()
    try:
        with (ledger_url(database_url, workdir) as url,
              ledger_url(_server(database_url), workdir, "reference") as ref_url,
              ledger_url(_server(database_url), workdir, "workonly") as work_url):
            settings = base.model_copy(update={"broker": broker.bootstrap, "database_url": url, "data_dir": workdir})
            raw = measure_raw(settings, purchases, console)
            kuota = measure_kuota(settings, console, workdir, suppliers, purchases, workers)
            ref_batch = reference_batch or settings.batch_size  # default: commits as often as kuota
            ref = measure_reference(settings, console, workdir, as_connected(ref_url), purchases, ref_batch)
            work = work_only_spawned(work_url, events, run=run)
            print_work_only(console, work)
            agreement = compare_totals(url, as_connected(ref_url))
    finally:
        broker.stop()
    result = {"events": events, "workers": workers, "ledger": url.split(":")[0],
              "kuota_eps": kuota["end_to_end_per_s"], "reference_eps": ref["reference_eps"], "raw_eps": raw,
              "workonly_eps": work["events_per_s"], "workonly_us_per_event": work["us_per_event"],
              "ratios": {"kuota_to_reference": _ratio(kuota["end_to_end_per_s"], ref["reference_eps"]),
                         "kuota_to_workonly": _ratio(kuota["end_to_end_per_s"], work["events_per_s"]),
                         "kuota_to_raw": _ratio(kuota["end_to_end_per_s"], raw)},
              "totals": agreement, "totals_agree": agreement["agree"],
              "first_booking_after_s": kuota["first_booking_after_s"], "produce_eps": kuota["produce_per_s"],
              "reference_outcome": ref["outcome"], "batch_size": settings.batch_size,
              "reference_batch_size": ref_batch,
              "started_at": started, "finished_at": _now()}
    _print_summary(console, result)
    for path in filter(None, (workdir / "result.json", json_path)):
        path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return result


def measure_reference(settings: Settings, console: Console, workdir: Path, url: str, purchases: list,
                      batch: int) -> dict:
    """The reference consumer in its own process, on a topic of its own laid out as kuota's
    purchases topic, timed as kuota is: from the first purchase produced to the last one committed."""
    topic = f"{settings.topic_prefix}kuota.bench.reference"
    _create_topic(settings.broker, topic, settings.partitions)
    events = len(purchases)
    args = ["--broker", settings.broker, "--database-url", url, "--topic", topic, "--suppliers-topic",
            settings.topic(SUPPLIERS), "--group", f"bench-reference-{uuid.uuid4().hex[:8]}", "--events", str(events),
            "--batch", str(batch)]
    with open(workdir / "reference.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streams.tools.bench_reference", *args],
                                stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        _wait_ready(proc)
        engine = make_engine(url)
        t0 = time.perf_counter()
        produce(settings, topic, purchases)
        elapsed = wait_for_count(lambda: reference.booked(engine), events, t0, lambda: _running(proc))
        engine.dispose()
        outcome = orjson.loads(proc.communicate(timeout=60)[0].strip().splitlines()[-1])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    result = {"reference_eps": round(events / elapsed), "outcome": outcome}
    console.print(f"[bold]reference consumer (kafka-python, pydantic, SQLAlchemy Core; one process; commits of "
                  f"{batch:,}): {result['reference_eps']:,} events/s[/] produced -> committed")
    return result


def compare_totals(kuota_url: str, ref_url: str) -> dict:
    """kuota's positions and the reference's totals, summed per buyer and month, and per buyer,
    month and supplier class."""
    t = reference.totals.c
    kuota = _read(kuota_url, positions_by_class)
    ref = _read(ref_url, lambda s: {(b, p, c): int(a) for b, p, c, a in s.execute(
        query(t.buyer_id, t.period, t.scale, func.sum(t.amount)).group_by(t.buyer_id, t.period, t.scale)) if a})
    kuota_months, ref_months = _by_month(kuota), _by_month(ref)
    differ = {k for k in kuota_months.keys() | ref_months.keys() if kuota_months.get(k) != ref_months.get(k)}
    return {"agree": not differ and bool(kuota_months), "classes_agree": kuota == ref,
            "buyer_months": len(kuota_months), "buyer_months_differing": len(differ),
            "kuota_amount": sum(kuota.values()), "reference_amount": sum(ref.values())}


def _read(url: str, sums) -> dict[tuple, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return sums(s)
    finally:
        engine.dispose()


def _by_month(by_class: dict[tuple, int]) -> dict[tuple, int]:
    months: defaultdict[tuple, int] = defaultdict(int)
    for (buyer, period, _), amount in by_class.items():
        months[(buyer, period)] += amount
    return dict(months)


def _print_summary(console: Console, r: dict) -> None:
    ratios, totals = r["ratios"], r["totals"]
    console.print(f"kuota / reference {ratios['kuota_to_reference']}x, kuota / work only "
                  f"{ratios['kuota_to_workonly']}x, kuota / raw consume {ratios['kuota_to_raw']}x")
    if totals["agree"]:
        console.print(f"[green]totals agree[/] (reference = kuota per buyer and month): {totals['buyer_months']:,} "
                      f"buyer-months, {_rupiah(totals['kuota_amount'])}"
                      + ("" if totals["classes_agree"] else "; per supplier class they differ"))
    else:
        console.print(f"[red]totals differ[/]: {totals['buyer_months_differing']:,} buyer-months; kuota "
                      f"{_rupiah(totals['kuota_amount'])}, reference {_rupiah(totals['reference_amount'])}")


def _rupiah(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


def _create_topic(broker: str, topic: str, partitions: int) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    admin = KafkaAdminClient(bootstrap_servers=broker)
    try:
        admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        admin.close()


def _wait_ready(proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        _running(proc)
        if select.select([proc.stdout], [], [], 0.2)[0]:
            if proc.stdout.readline().strip() == "ready":
                return
    raise ScenarioFailed(f"the reference consumer was not ready within {READY_WITHIN:.0f}s; see reference.log")


def _running(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        raise ScenarioFailed(f"the reference consumer exited with {proc.returncode}; see reference.log in "
                             "bench-results/")


def _server(database_url: str | None) -> str | None:
    # A SQLite URL names kuota's file; the reference and the work-only run get files of their own.
    return None if not database_url or database_url.startswith("sqlite") else database_url


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
