"""`kuota bench-ingest`: how many records a second `POST /api/v1/events` acknowledges.

Makes a fresh ledger (a SQLite file in a temporary directory, or a scratch schema of the given
PostgreSQL), a buyer key, and starts `kuota serve` on it as its own process, as operators run it.
Then a few concurrent clients post N generated purchases in batches. A record counts when its
receipt says `accepted`, that is when it is committed to the journal: the worker and the broker are
not part of this measurement (the relay and the worker book what was accepted, at their own rate,
measured by `kuota bench`). The key's rate limit is lifted for the run. Not a test: a measurement.
"""

import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import httpx
import orjson
from rich.console import Console

from ledger.books.access import create_key
from ledger.db import migrate, scratch_schema, session_for, shown
from streams.processes import tied
from streams.tools.procs import free_port
from streams.web.serve import listening
from streams.settings import Settings

BUYER = {"id": "opd-3216-dinkes", "kind": "agency", "name": "Dinas Kesehatan", "region": "3216"}
CHANNELS = ("toko_daring", "e_katalog", "pengadaan_langsung", "tender")


def run(console: Console, *, records: int, batch: int, clients: int, database_url: str | None = None,
        json_path: Path | None = None) -> dict:
    bodies = [orjson.dumps(purchases(start, min(batch, records - start))) for start in range(0, records, batch)]
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kuota-bench-ingest-")))
        url = stack.enter_context(_ledger(database_url, scratch))
        token = _buyer_key(url)
        base = stack.enter_context(_serving(url, scratch, console))
        _warm_up(base, token)
        t0 = time.perf_counter()
        outcome = _post_all(base, token, bodies, clients)
        seconds = time.perf_counter() - t0
    result = _result(outcome, seconds, records=records, batch=batch, clients=clients,
                     ledger="postgresql" if database_url else "sqlite")
    if json_path is not None:
        json_path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    _print(console, result)
    return result


def purchases(start: int, n: int, seed: int = 11) -> list[dict]:
    """`n` purchase.recorded of one buyer, event ids unique to this run and numbered from `start`."""
    rnd, run_id = random.Random(seed + start), os.getpid()
    return [{"type": "purchase.recorded", "schema_version": 1, "event_id": f"bench-{run_id}-{start + i:09d}",
             "occurred_at": f"2024-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}T10:15:00+07:00",
             "buyer": BUYER, "supplier_id": f"3216{rnd.randrange(10**8, 10**9):09d}",
             "amount": rnd.randrange(50_000, 50_000_000), "currency": "IDR", "channel": rnd.choice(CHANNELS),
             "reference": f"INV-{start + i}"} for i in range(n)]


@contextmanager
def _ledger(database_url: str | None, scratch: Path):
    if database_url is None:
        url = f"sqlite:///{scratch / 'kuota.db'}"
        migrate(url)
        yield url
        return
    with scratch_schema(database_url, "kuota_bench_ingest") as url:
        migrate(url)
        yield url


def _buyer_key(url: str) -> str:
    with session_for(url) as session:
        _, token = create_key(session, buyer_id=BUYER["id"], scopes="ingest", label="bench-ingest",
                              actor="cli", now=datetime.now(timezone.utc))
        session.commit()
    return token


@contextmanager
def _serving(url: str, scratch: Path, console: Console):
    settings = Settings(database_url=url, data_dir=scratch, api_host="127.0.0.1", api_port=free_port())
    env = dict(os.environ, KUOTA_DATABASE_URL=url, KUOTA_DATA_DIR=str(scratch), KUOTA_API_HOST=settings.api_host,
               KUOTA_API_PORT=str(settings.api_port), KUOTA_KEY_RATE="1000000", KUOTA_KEY_BURST="1000000")
    log = (scratch / "serve.log").open("wb")
    child = subprocess.Popen([sys.executable, "-m", "streams", "serve", "--no-migrate"], env=env, stdout=log,
                             stderr=subprocess.STDOUT, preexec_fn=tied())
    try:
        if not listening(child, settings):
            lines = (scratch / "serve.log").read_text(errors="replace").strip().splitlines() or ["(no output)"]
            raise SystemExit(f"kuota serve did not start (status {child.poll()}); it said: {lines[-1]}")
        console.print(f"kuota serve on {settings.api_host}:{settings.api_port} over {shown(url)}")
        yield f"http://{settings.api_host}:{settings.api_port}"
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        log.close()


def _warm_up(base: str, token: str) -> None:
    """One empty request first: the server's first use of the key and of its writer engine is not timed."""
    httpx.post(f"{base}/api/v1/events", content=b"[]", timeout=60,
               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}).raise_for_status()


def _post_all(base: str, token: str, bodies: list[bytes], clients: int) -> dict:
    work: queue.SimpleQueue = queue.SimpleQueue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0, "failed_requests": 0}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                t0 = time.perf_counter()
                r = http.post("/api/v1/events", content=body)
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    if r.status_code != 200:
                        counts["failed_requests"] += 1
                        counts.setdefault("first_failure", f"{r.status_code} {r.text[:300]}")
                        continue
                    answer = r.json()
                    for status in ("accepted", "duplicate", "rejected"):
                        counts[status] += answer[status]

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": sorted(latencies), **counts}


def _result(outcome: dict, seconds: float, **setup) -> dict:
    lat = outcome.pop("latencies")

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {**setup, "requests": len(lat), "wall_s": round(seconds, 2), **outcome,
            "acknowledged_per_s": round(outcome["accepted"] / seconds) if seconds else None,
            "latency_ms": {"p50": pct(0.50), "p99": pct(0.99), "max": round(1000 * lat[-1], 1) if lat else 0.0},
            "command": "kuota bench-ingest", "python": sys.version.split()[0]}


def _print(console: Console, r: dict) -> None:
    lat = r["latency_ms"]
    console.print(f"[bold]POST /api/v1/events ({r['ledger']}): {r['accepted']:,} of {r['records']:,} records "
                  f"acknowledged in {r['wall_s']:.1f} s = {r['acknowledged_per_s'] or 0:,} records/s[/]; "
                  f"{r['requests']} requests of {r['batch']} from {r['clients']} clients, latency p50 {lat['p50']} ms, "
                  f"p99 {lat['p99']} ms, max {lat['max']} ms")
    if r["failed_requests"] or r["rejected"]:
        console.print(f"[red]{r['failed_requests']} requests failed, {r['rejected']} records rejected"
                      f"{': ' + r['first_failure'] if 'first_failure' in r else ''}[/]")
