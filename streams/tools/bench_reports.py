"""`kuota bench-reports`: how fast the compliance overview answers over a large ledger.

Loads N synthetic purchases (default 1,000,000) through the recorder into a fresh ledger (a new
schema in the given PostgreSQL database, dropped afterwards), applies the example programs plus
a budget for every synthetic agency, evaluates, then times the overview: the read function
itself, and GET /api/compliance over HTTP when the API is installed. Not a test: a measurement.
"""

import statistics
import threading
import time
from pathlib import Path

import orjson
from rich.console import Console
from sqlalchemy.orm import Session

from ledger.db import make_engine, migrate
from ledger.books.intake import Record
from ledger.reports.scope import Scope
from ledger.reports.standings import overview
from ledger.books.recorder import Recorder
from schemas.targets import events_from_document
from streams.kafka.targets_files import read_document
from streams.settings import Settings
from streams.tools.bench import ledger_url, synthetic
from streams.tools.demo import PROGRAM_FILES
from streams.tools.procs import free_port
from streams.tools.signin import COOKIE, admin_session
from streams.web.app import create_api

BATCH = 5000


def run(console: Console, *, entries: int, database_url: str, repeat: int = 50) -> dict:
    workdir = Path("bench-results") / time.strftime("reports-%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    with ledger_url(database_url, workdir) as url:
        migrate(url)
        recorder = Recorder(make_engine(url, writer=True), epoch="bench")
        t0 = time.perf_counter()
        agencies = _load(recorder, entries)
        load_s = time.perf_counter() - t0
        console.print(f"loaded {entries:,} purchases in {load_s:.0f} s ({entries / load_s:,.0f}/s through the recorder)")
        _targets(recorder, agencies)
        t0 = time.perf_counter()
        recorder.evaluate()
        evaluate_s = time.perf_counter() - t0
        engine = make_engine(url)
        with Session(engine) as s:
            lines = len(overview(Scope(s)))
        fn = _median_ms(lambda: _overview(engine), repeat)
        http = _http_median_ms(url, repeat)
        result = {"entries": entries, "ledger": url.split(":")[0], "overview_lines": lines,
                  "evaluate_s": round(evaluate_s, 2), "overview_function_median_ms": fn,
                  "api_compliance_median_ms": http, "repeat": repeat}
    console.print(f"evaluation of every program over the ledger: {evaluate_s:.2f} s; overview lines: {lines:,}")
    console.print(f"[bold]compliance overview, median of {repeat}: read function {fn} ms"
                  + (f", GET /api/compliance {http} ms" if http is not None else "") + "[/]")
    (workdir / "result.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return result


def _load(recorder: Recorder, n: int) -> set[str]:
    suppliers, purchases = synthetic(n, seed=3)
    recorder.register_suppliers([Record("s", 0, i, v, k) for i, (k, v) in enumerate(suppliers)])
    agencies: set[str] = set()
    batch = []
    for i, (key, value) in enumerate(purchases):
        doc = orjson.loads(value)
        if int(doc["buyer"]["id"][-3:]) % 5 == 0:  # every fifth buyer a company, for the 30% program
            doc["buyer"] = {**doc["buyer"], "id": doc["buyer"]["id"].replace("opd", "co"), "kind": "company"}
            doc["channel"] = "kemitraan"
        else:
            agencies.add(doc["buyer"]["id"])
        batch.append(Record("p", 0, i, orjson.dumps(doc), key))
        if len(batch) == BATCH:
            recorder.book_purchases(batch)
            batch = []
    if batch:
        recorder.book_purchases(batch)
    return agencies


def _targets(recorder: Recorder, agencies: set[str]) -> None:
    events = [ev for path in PROGRAM_FILES for ev in events_from_document(read_document(path))]
    events += events_from_document({"occurred_at": "2024-01-15T09:00:00+07:00", "budget": [
        {"agency_id": a, "fiscal_year": 2024, "budget": 5_000_000_000_000, "region": "3216"} for a in sorted(agencies)]})
    recorder.register_targets([Record("t", 0, i, orjson.dumps(ev.model_dump(mode="json")))
                               for i, ev in enumerate(events)])


def _overview(engine) -> None:
    with Session(engine) as s:
        overview(Scope(s))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def _http_median_ms(url: str, repeat: int) -> float | None:
    try:  # httpx comes with the dev extra only; without it, the HTTP timing is left out
        import httpx
        import uvicorn
    except ImportError:
        return None
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_api(Settings(database_url=url)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with admin_session(url, "bench-reports") as token, httpx.Client(
                base_url=f"http://127.0.0.1:{port}", cookies={COOKIE: token}, timeout=30) as client:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            client.get("/api/compliance").raise_for_status()
            return _median_ms(lambda: client.get("/api/compliance", params={"limit": 100}).raise_for_status(), repeat)
    finally:
        server.should_exit = True
        thread.join(10)
