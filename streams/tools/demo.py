"""`kuota demo`: a realistic year (streams/tools/demo_data) streamed through the real broker into a
fresh ledger by a real worker, then what the ledger made of it printed: outcomes, rejections by
reason, top buyers, each program's standing and the alerts raised."""

import shutil
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.db import make_engine, migrate, shown
from ledger.reports.checks import (alerts_raised, last_received_at, receipts_by_topic,
                                   rejected_reasons)
from ledger.reports.scope import Scope
from ledger.reports.spend import spend
from ledger.reports.standings import last_evaluation, overview, parts
from ledger.rules.money import format_rupiah, percent
from ledger.rules.programs import ALL
from schemas.topics import PURCHASES, SUPPLIERS, TARGETS
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.producer import make_producer
from streams.kafka.targets_files import apply_targets
from streams.kafka.topics import ensure_topics
from streams.officers.access_commands import first_admin, login_words
from streams.officers.words import ACCESS_SAID as SAID
from streams.settings import Settings
from streams.tools.demo_data import DemoData, generate
from streams.tools.procs import WorkerProcess, free_port, worker_env
from streams.web.serve import url as serve_url

TOP = 10
PROGRAM_DIR = Path(__file__).resolve().parents[2] / "examples" / "programs"
PROGRAM_FILES = sorted(PROGRAM_DIR.glob("*.toml"))
EXAMPLE_YEAR = "2024"  # the fiscal year the example programs are written for
WIB = timezone(timedelta(hours=7))


def demo_year(today: date) -> int:
    """The current year, unless it is too young to hold a working week of purchases: then last year."""
    return today.year if (today.month, today.day) >= (1, 7) else today.year - 1


def run_demo(base: Settings, console: Console, *, purchases: int, suppliers: int, seed: int, timeout: float,
             year: int | None = None) -> int:
    started = time.monotonic()
    today = datetime.now(WIB).date()
    year = year or demo_year(today)
    demo_dir = base.data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    base.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    demo_dir.mkdir(mode=0o700)
    url = base.database_url or f"sqlite:///{(demo_dir / 'kuota.db').resolve()}"
    with console.status("membuat data demo / generating demo data..."):
        data = generate(seed, purchases=purchases, suppliers=suppliers, year=year,
                        until=today if year == today.year else None)
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", demo_dir / "broker.log") if base.embedded_broker else None
    settings = base.model_copy(update={"broker": broker.start().bootstrap if broker else base.broker,
                                       "database_url": url, "data_dir": demo_dir})
    try:
        migrate(url)
        password = first_admin(url, console, announce=False)  # told with the other ways to look, at the end
        ensure_topics(settings)
        worker = _start_worker(settings)
        try:
            programs = apply_targets(settings, programs_for(year, demo_dir / "programs"))
            console.print(f"program / programs: {len(programs)} target events from {PROGRAM_DIR.name}/ for {year} "
                          f"({', '.join(p.program_id for p in programs if p.type == 'program.defined')})")
            sent = _send(settings, data)
            sent[settings.topic(TARGETS)] = len(programs)
            console.print(f"terkirim / sent: {sum(sent.values()):,} records "
                          f"({sent[settings.topic(PURCHASES)]:,} purchases, "
                          f"{sent[settings.topic(SUPPLIERS)]:,} supplier registrations) "
                          f"via {settings.broker}")
            if not _wait(settings, sent, worker, console, timeout):
                return 1
            if not _wait_for_evaluation(settings, worker, console, timeout):
                return 1
        finally:
            worker.stop()
    finally:
        if broker:
            broker.stop()
    ok = _summary(url, console, data)
    url = shown(url)  # printed below for the operator to copy, with any password masked
    console.print(f"selesai dalam / done in {time.monotonic() - started:.1f}s. Ledger: {url}")
    kuota = _command()
    console.print(f"lihat lagi / look again: KUOTA_DATABASE_URL={url} {kuota} report overview")
    console.print(f"periksa / check the books: KUOTA_DATABASE_URL={url} {kuota} audit")
    console.print(SAID["dashboard_at"].format(command=f"KUOTA_DATABASE_URL={url} {kuota} serve", url=serve_url(base)),
                  markup=False, highlight=False, soft_wrap=True)
    console.print(login_words(password), markup=False, highlight=False, soft_wrap=True)
    return 0 if ok else 1


def programs_for(year: int, folder: Path) -> list[Path]:
    """The example programs and budgets, written for 2024, moved to the demo's year (ids, names,
    years, fiscal years and dates) as copies in `folder`; the originals stay as officers wrote them."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in PROGRAM_FILES:
        copy = folder / path.name.replace(EXAMPLE_YEAR, str(year))
        copy.write_text(path.read_text(encoding="utf-8").replace(EXAMPLE_YEAR, str(year)), encoding="utf-8")
        copies.append(copy)
    return copies


def _command() -> str:
    """How to run kuota again from where the demo was started: the path of this installation's
    command, relative when it lies below the working directory (`.venv/bin/kuota` after `make demo`)."""
    found = Path(sys.argv[0]) if Path(sys.argv[0]).name == "kuota" else Path(sys.executable).with_name("kuota")
    if not found.exists():
        return "kuota"
    try:
        return str(found.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(found)


def _start_worker(settings: Settings) -> WorkerProcess:
    env = worker_env(settings.broker, settings.ledger_url, settings.data_dir, KUOTA_EMBEDDED_BROKER="false")
    return WorkerProcess(env, settings.data_dir / "worker.log").start()


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


def _wait(settings: Settings, sent: Counter, worker: WorkerProcess, console: Console, timeout: float) -> bool:
    engine = make_engine(settings.ledger_url)
    deadline = time.monotonic() + timeout
    with console.status("") as status:
        while True:
            with Session(engine) as s:
                done = receipts_by_topic(s)
            status.update(f"dibukukan / booked {sum(done.values()):,} of {sum(sent.values()):,}")
            if all(done.get(topic, 0) >= n for topic, n in sent.items()):
                return True
            if not worker.running() or time.monotonic() > deadline:
                console.print(f"[red]the worker did not book everything in time[/]; see {settings.data_dir}/worker.log")
                return False
            time.sleep(0.25)


def _wait_for_evaluation(settings: Settings, worker: WorkerProcess, console: Console, timeout: float) -> bool:
    """The worker evaluates the programs a few seconds after the books change; wait for the first
    evaluation that started after the last record was booked."""
    engine = make_engine(settings.ledger_url)
    deadline = time.monotonic() + timeout
    with console.status("menilai program / evaluating programs..."):
        while True:
            with Session(engine) as s:
                booked, evaluated = last_received_at(s), last_evaluation(s)
            if booked is not None and evaluated is not None and evaluated > booked:
                return True
            if not worker.running() or time.monotonic() > deadline:
                console.print(f"[red]the worker did not evaluate the programs in time[/]; "
                              f"see {settings.data_dir}/worker.log")
                return False
            time.sleep(0.25)


def _summary(url: str, console: Console, data: DemoData) -> bool:
    with Session(make_engine(url)) as session:
        report = audit(session)
        lines = spend(Scope(session), "year")
    outcomes = sum(report.by_topic.values(), Counter())
    console.print(f"diterima / received: {sum(outcomes.values())}")
    for key in ("applied", "duplicate", "rejected"):
        console.print(f"  {key}: {outcomes[key]}")
    with Session(make_engine(url)) as session:
        reasons = rejected_reasons(session)
    for reason, n in reasons:
        console.print(f"  rejected {reason}: {n}")
    table = Table("buyer_id", "nama / name", "periode", "total", "UMKM+koperasi / eligible", "porsi / share",
                  title=f"{TOP} pembeli teratas / top buyers")
    for line in lines[:TOP]:
        table.add_row(line.buyer_id, line.name or "", line.period, format_rupiah(line.total),
                      format_rupiah(line.eligible), percent(line.share_bp))
    console.print(table)
    _programs_summary(url, console)
    verdict = "[green]AUDIT OK[/]" if report.ok else "[red]AUDIT FAILED[/]: " + "; ".join(report.problems[:5])
    console.print(verdict)
    return report.ok


def _programs_summary(url: str, console: Console) -> None:
    with Session(make_engine(url)) as session:
        scope = Scope(session)
        lines = overview(scope)
        raised = alerts_raised(session)
        shares = {x.program_id: parts(scope, x.program_id, x.period) for x in lines if x.buyer_id == ALL}
    by_program: dict[str, list] = {}
    for x in lines:
        by_program.setdefault(x.program_id, []).append(x)
    for program_id, rows in by_program.items():
        console.print(f"[bold]{program_id}[/] — {rows[0].program}")
        statuses = Counter(r.status or "-" for r in rows)
        grades = Counter(r.grade or "-" for r in rows)
        console.print("  status: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                      + " | nilai / grade: " + ", ".join(f"{k} {v}" for k, v in sorted(grades.items())))
        table = Table("pembeli / buyer", "periode", "realisasi / actual", "wajib / required", "porsi / share",
                      "status", "nilai / grade")
        for r in rows[:TOP]:
            table.add_row(r.buyer_id if r.buyer_id != ALL else "semua / all", r.period, format_rupiah(r.actual),
                          format_rupiah(r.required), share_text_of(r), r.status or "-", r.grade or "-")
        console.print(table)
        if program_id in shares:
            part = Table("OPD", "nama / name", "UMKM+koperasi lokal / eligible", title=f"{program_id}: rincian per OPD")
            for p in shares[program_id]:
                part.add_row(p.buyer_id, p.name or "", format_rupiah(p.eligible))
            console.print(part)
    console.print(f"peringatan / alerts raised: {sum(n for _, _, n in raised)}")
    for program_id, status, n in raised:
        console.print(f"  alert {program_id} {status}: {n}")


def share_text_of(line) -> str:
    # Rounded down like every compliance share: a shortfall never reads as the threshold.
    return percent(line.share_bp) if line.base else "-"
