"""The recorder process of a worker: the ledger recorder runs here, beside Faust's event loop.

Faust and booking each cost about as much CPU per record; in one interpreter they share one
core. A spawned child process gives booking the other core. Functions here are what the
worker submits; they run in the child and return plain results.
"""

import ctypes
import logging
import os
import signal
import sys

from ledger.db import make_engine
from ledger.books.intake import BatchResult, Record
from ledger.books.recorder import Recorder
from streams.worker import gctune

_recorder: Recorder | None = None


def start(url: str, epoch: str, log_level: str, parent: int) -> None:
    """Initialiser of the child: dies with its worker, has its own engine (connections never
    cross processes) and logs."""
    global _recorder
    _die_with(parent)
    logging.basicConfig(level=log_level.upper(), format="[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s")
    _recorder = Recorder(make_engine(url, writer=True), epoch=epoch)
    gctune.settle()


def ready() -> bool:
    return _recorder is not None


def book_purchases(records: list[Record]) -> BatchResult:
    with gctune.paused():
        return _recorder.book_purchases(records)


def register_suppliers(records: list[Record]) -> BatchResult:
    with gctune.paused():
        return _recorder.register_suppliers(records)


def register_targets(records: list[Record]) -> BatchResult:
    return _recorder.register_targets(records)


def evaluate() -> int:
    """Evaluate the programs; the number of alerts raised."""
    return len(_recorder.evaluate())


def _die_with(parent: int) -> None:
    # A worker killed with SIGKILL cannot stop its child; the kernel can. A transaction the
    # child had open is rolled back and its batch is read again by the next worker.
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the worker died before the line above took effect
        os._exit(1)
