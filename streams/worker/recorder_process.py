"""The recorder process of a worker: the ledger recorder runs here, beside Faust's event loop.

Faust and booking each cost about as much CPU per record; in one interpreter they share one
core. A spawned child process gives booking the other core. Functions here are what the
worker submits; they run in the child and return plain results.
"""

from ledger.db import make_engine
from ledger.books.intake import BatchResult, Record
from ledger.books.recorder import Recorder
from streams import processes
from streams.processes import die_with
from streams.worker import gctune

_recorder: Recorder | None = None


def start(url: str, epoch: str, log_level: str, parent: int, log_format: str = "text",
          expiring_days: int = 30) -> None:
    """Initialiser of the child: dies with its worker, has its own engine (connections never
    cross processes) and logs."""
    global _recorder
    # A worker killed with SIGKILL cannot stop its child; the kernel can. A transaction the
    # child had open is rolled back and its batch is read again by the next worker.
    die_with(parent)
    processes.setup_logging(log_format, log_level)
    _recorder = Recorder(make_engine(url, writer=True), epoch=epoch, expiring_days=expiring_days)
    gctune.settle()


def ready() -> bool:
    return _recorder is not None


def book_purchase_rows(topic: str, rows: list[tuple]) -> BatchResult:
    """A fed batch: (partition, offset, value, key) rows of `topic` (streams/worker/feed.py)."""
    with gctune.paused():
        return _recorder.book_purchases([Record(topic, *row) for row in rows])


def register_suppliers(records: list[Record]) -> BatchResult:
    with gctune.paused():
        return _recorder.register_suppliers(records)


def register_targets(records: list[Record]) -> BatchResult:
    return _recorder.register_targets(records)


def evaluate() -> int:
    """Evaluate the programs; the number of alerts raised."""
    return len(_recorder.evaluate())
