"""What a worker counts for Prometheus: records by topic and outcome, batch sizes and booking
times, evaluations and the alerts they raised, webhook attempts by result. Each is incremented
once per batch, evaluation or attempt, never per record.

Workers are separate processes and the API that serves `/metrics` is another one, so the numbers
live in files (prometheus_client's multiprocess mode): each worker process writes its own under
`KUOTA_METRICS_DIR/<host>/` and the API adds them up (`streams/web/probes.py`). The host's folder
keeps two containers sharing the directory apart, since both may run as pid 1.
"""

import logging
import os
import socket
import sys
from pathlib import Path

from ledger.books.intake import BatchResult
from streams.settings import Settings

log = logging.getLogger("kuota.worker")

ENV = "PROMETHEUS_MULTIPROC_DIR"
BATCH_SIZES = (1, 10, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000)
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WEBHOOK_RESULTS = ("delivered", "refused", "error")  # 2xx; answered otherwise; no answer


class WorkerMetrics:
    """The metrics of one worker process."""

    def __init__(self, registry=None):
        # Imported here, not at the top: prometheus_client decides where values live (this process's
        # memory, or files the API reads) when it is first imported, so `start` must come first.
        from prometheus_client import CollectorRegistry, Counter, Histogram

        # Never the global registry: values go to the files either way, and a test process builds several.
        registry = registry if registry is not None else CollectorRegistry()
        self.registry = registry
        self.received = Counter("kuota_records_received", "Records received (applied, duplicate or rejected)",
                                ["topic"], registry=registry)
        self.applied = Counter("kuota_records_applied", "Records booked as new", ["topic"], registry=registry)
        self.duplicate = Counter("kuota_records_duplicate", "Records whose event was booked before",
                                 ["topic"], registry=registry)
        self.rejected = Counter("kuota_records_rejected", "Records rejected, by reason code",
                                ["topic", "reason"], registry=registry)
        self.redelivered = Counter("kuota_records_redelivered", "Records read again that already had a receipt",
                                   ["topic"], registry=registry)
        self.batch_size = Histogram("kuota_batch_size", "Records per booked batch", ["topic"],
                                    buckets=BATCH_SIZES, registry=registry)
        self.booking = Histogram("kuota_booking_seconds", "From taking a batch to its commit", ["topic"],
                                 buckets=SECONDS, registry=registry)
        self.evaluation = Histogram("kuota_evaluation_seconds", "One evaluation of every program",
                                    buckets=SECONDS, registry=registry)
        self.alerts = Counter("kuota_alerts_raised", "Compliance alerts raised (changes of status)",
                              registry=registry)
        self.webhooks = Counter("kuota_webhook_deliveries", "Webhook delivery attempts, by result",
                                ["result"], registry=registry)

    def booked(self, topic: str, result: BatchResult) -> None:
        self.received.labels(topic).inc(result.received)
        self.applied.labels(topic).inc(result.applied)
        self.duplicate.labels(topic).inc(result.duplicate)
        self.redelivered.labels(topic).inc(result.skipped)
        for reason, n in result.rejected.items():
            self.rejected.labels(topic, reason).inc(n)

    def batch(self, topic: str, size: int, seconds: float) -> None:
        self.batch_size.labels(topic).observe(size)
        self.booking.labels(topic).observe(seconds)

    def evaluated(self, seconds: float, raised: int) -> None:
        self.evaluation.observe(seconds)
        self.alerts.inc(raised)

    def webhook(self, status: int | None) -> None:
        """One attempt: its HTTP status, None when nothing answered."""
        self.webhooks.labels("error" if status is None else "delivered" if 200 <= status < 300 else "refused").inc()


def start(settings: Settings) -> WorkerMetrics:
    """This worker process's metrics, written to files the API reads. Call before anything
    imports prometheus_client."""
    folder = process_folder(settings.metrics_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clear_own(folder, os.getpid())
    except OSError as exc:  # metrics are not worth stopping the books for
        log.warning("metrics directory %s unusable (%s): this worker's metrics stay in its memory", folder, exc)
        return WorkerMetrics()
    if "prometheus_client" in sys.modules and os.environ.get(ENV) != str(folder.resolve()):
        log.warning("prometheus_client was imported before the metrics directory was set: this worker's "
                    "metrics stay in its memory and /metrics will not show them")
    os.environ[ENV] = str(folder.resolve())
    return WorkerMetrics()


def process_folder(metrics_dir: Path) -> Path:
    return metrics_dir / socket.gethostname()


def clear_own(folder: Path, pid: int) -> None:
    """Remove files left under this process id: by a worker that restarted itself in place (the
    same pid) or by a container's earlier run. Other processes' files stay: a live one keeps
    writing them, and a finished one's counts stay in the totals."""
    for stale in folder.glob(f"*_{pid}.db"):
        stale.unlink(missing_ok=True)
