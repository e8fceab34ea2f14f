"""The broker's identity, watched by every worker.

The embedded broker keeps its topics in memory: when it restarts it comes back empty, under a
new cluster id, with no consumer group and offsets starting again at 0. A worker that went on
with its old epoch would take the new broker's offsets for ones it had already received and
skip them. So the worker watches the cluster id; when it changes, it restarts itself in place
(same process id, same command), which recreates the topics and keys receipts under the new
epoch. Everything it needs (supplier registry, positions, receipts) is in the ledger database.
"""

import asyncio
import logging
import multiprocessing
import os
import signal
import sys

from kafka import KafkaAdminClient

from streams.kafka.security import kafka_client_options
from streams.settings import Settings

log = logging.getLogger("kuota.worker")
RESTART = [sys.executable, "-m", "streams", "worker"]


class ClusterId:
    """Asks the broker for its cluster id; None while no broker answers."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: KafkaAdminClient | None = None

    def current(self) -> str | None:
        try:
            if self._client is None:
                self._client = KafkaAdminClient(bootstrap_servers=self.settings.bootstrap, client_id="kuota-epoch",
                                                request_timeout_ms=3000,
                                                **kafka_client_options(self.settings, "kafka"))
            return self._client.describe_cluster().get("cluster_id") or None
        except Exception:  # no broker now; ask again next time with a fresh client
            self.close()
            return None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:
                pass


def watch_epoch(app, settings: Settings, epoch: str, every: float = 3.0) -> None:
    """Install a timer that restarts the worker when the broker's cluster id is no longer `epoch`.

    Off when the epoch is pinned (KUOTA_EPOCH) or the broker reports no cluster id."""
    if settings.epoch or not epoch:
        return
    probe = ClusterId(settings)

    @app.timer(every, name="kuota.watch_epoch")
    async def watch() -> None:
        now = await asyncio.to_thread(probe.current)
        if now and now != epoch:
            log.warning("broker changed identity (cluster %s -> %s): its topics, group and offsets are gone; "
                        "restarting the worker to rebuild them; the ledger keeps everything booked", epoch, now)
            probe.close()
            restart()


def restart() -> None:
    """Replace this process with a fresh worker. A batch in flight is rolled back or committed
    whole (as after SIGKILL); either way its receipts decide what is booked."""
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGKILL)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, RESTART)
