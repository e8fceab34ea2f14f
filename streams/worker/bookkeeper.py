"""The worker's hands on the ledger: batches are booked one at a time in a child process (its own
core, `recorder_process`), small outbox work runs in a thread, and what was booked is counted for
the progress log, the evaluation timer and the metrics."""

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

from ledger.books.intake import BatchResult
from ledger.db import make_engine
from streams.settings import Settings
from streams.worker import recorder_process
from streams.worker.metrics import WorkerMetrics
from streams.worker.stats import Stats


class Bookkeeper:
    def __init__(self, settings: Settings, epoch: str, metrics: WorkerMetrics | None = None):
        self.engine, self.epoch = make_engine(settings.ledger_url, writer=True), epoch
        self.recorder = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=recorder_process.start,
                                           initargs=(settings.ledger_url, epoch, settings.log_level, os.getpid(),
                                                     settings.log_format, settings.expiring_days))
        self.recorder.submit(recorder_process.ready)  # spawn the child now, while Faust joins its group
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="kuota-outbox")
        self.stats = Stats()
        self.metrics = metrics or WorkerMetrics()  # in this process's memory unless `metrics.start` made them
        self.changed = True  # books changed since the last evaluation (true at start: catch up)
        self.evaluated = 0.0  # monotonic time of the last evaluation

    async def blocking(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args))

    def start(self, fn, *args) -> asyncio.Future:
        """Hand `fn(*args)` to the recorder process now; calls run one at a time, in the order given."""
        return asyncio.get_running_loop().run_in_executor(self.recorder, fn, *args)

    async def commit(self, fn, *args):
        """Run one transaction to the end even if the agent is being cancelled: acks follow it."""
        fut = asyncio.get_running_loop().run_in_executor(self.recorder, fn, *args)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            await asyncio.wait([fut])
            raise

    def booked(self, topic: str, result: BatchResult) -> None:
        self.stats.add(topic, result)
        self.metrics.booked(topic, result)
        self.changed = self.changed or result.applied > 0
