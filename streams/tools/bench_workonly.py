"""kuota's work per event with no broker: the decode, attribute and book code the worker's recorder
process runs (`Recorder.book_purchases`), in one process, over synthetic purchases in batches of
`KUOTA_BATCH_SIZE`, into a fresh ledger of its own. Only the calls to the recorder are timed;
the purchases are generated batch by batch between them, so a run of millions never holds them
all. `kuota bench --work-only` prints µs/event and events/s.
"""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

import orjson
from aiokafka.partitioner import DefaultPartitioner
from rich.console import Console

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine, migrate
from schemas.topics import PURCHASES, SUPPLIERS
from streams.settings import Settings
from streams.tools.bench import ledger_url, results_dir, synthetic_stream
from streams.tools.procs import ScenarioFailed
from streams.worker import gctune

EPOCH = "bench-work-only"


def work_only(url: str, events: int, *, batch_size: int | None = None, seed: int = 7, run: str | None = None) -> dict:
    """Book `events` synthetic purchases through the recorder, in this process, into the ledger at
    `url` (migrated here); the seconds spent in `book_purchases` and the rates they give."""
    settings = Settings()
    batch_size = batch_size or settings.batch_size
    migrate(url)
    recorder = Recorder(make_engine(url, writer=True), epoch=EPOCH)
    gctune.settle()  # as the worker's recorder process does once it has started
    suppliers, stream = synthetic_stream(events, seed, run)
    with gctune.paused():
        recorder.register_suppliers([Record(settings.topic(SUPPLIERS), 0, i, value, key)
                                     for i, (key, value) in enumerate(suppliers)])
    topic, partitions, partitioner = settings.topic(PURCHASES), list(range(settings.partitions)), DefaultPartitioner()
    offsets, busy, applied, tenths = [0] * settings.partitions, 0.0, 0, []
    while chunk := list(islice(stream, batch_size)):
        batch = []
        for key, value in chunk:  # where the broker would have put it: murmur2 of the key, the next offset
            part = partitioner(key, partitions, partitions)
            batch.append(Record(topic, part, offsets[part], value, key))
            offsets[part] += 1
        t0 = time.perf_counter()
        with gctune.paused():
            result = recorder.book_purchases(batch)
        busy += time.perf_counter() - t0
        if (applied + len(batch)) * 10 // events > applied * 10 // events:  # another tenth of the run is done
            tenths.append((busy, applied + len(batch)))
        applied += result.applied
    recorder.engine.dispose()
    if applied != events:
        raise ScenarioFailed(f"work-only booked {applied:,} of {events:,} purchases")
    return {"events": events, "batch_size": batch_size, "seconds": round(busy, 3),
            "us_per_event": round(busy / events * 1e6, 1), "events_per_s": round(events / busy),
            "us_per_event_by_tenth": _by_tenth(tenths)}


def _by_tenth(marks: list[tuple[float, int]]) -> list[float]:
    """µs/event within each tenth of the run (to the batch): whether the cost grows with the ledger."""
    return [round((t1 - t0) / (n1 - n0) * 1e6, 1) for (t0, n0), (t1, n1) in zip([(0.0, 0), *marks], marks)]


def work_only_spawned(url: str, events: int, **kwargs) -> dict:
    """`work_only` in a spawned process, as the worker runs its recorder: a fresh interpreter
    whose collector and caches hold nothing of this one's."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(work_only, url, events, **kwargs).result()


def print_work_only(console: Console, result: dict) -> None:
    console.print(f"[bold]work only (decode, attribute, book; no broker): {result['us_per_event']} µs/event, "
                  f"{result['events_per_s']:,} events/s[/] over {result['events']:,} events, "
                  f"batches of {result['batch_size']:,}")
    if tenths := result.get("us_per_event_by_tenth"):
        console.print(f"µs/event by tenth of the run, first to last: {', '.join(f'{t:g}' for t in tenths)}")


def run_work_only(console: Console, *, events: int, database_url: str | None, json_path: Path | None = None) -> dict:
    workdir = results_dir()
    with ledger_url(database_url, workdir, "workonly") as url:
        result = {**work_only_spawned(url, events), "ledger": url.split(":")[0]}
    print_work_only(console, result)
    for path in filter(None, (workdir / "result.json", json_path)):
        path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return result
