"""What operators and Prometheus ask the API besides the reports.

`/ready`: the ledger database answers, the broker answers, and at least one worker is in the
consumer group; each check bounded to about two seconds. `/metrics`: the workers' counters and
histograms from their files (`streams/worker/metrics.py`), and two figures read at scrape time:
the outboxes' backlog from the ledger and, from the broker, the group's lag per partition (what
is in a partition beyond the group's committed offset) and how many workers are in the group.
Lag read from the broker goes on growing when every worker is down, when it matters most.
"""

import ipaddress
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kafka import KafkaAdminClient, OffsetSpec, TopicPartition
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ledger.reports.checks import outbox_backlog
from ledger.reports.scope import ping
from schemas.topics import PURCHASES, SUPPLIERS, TARGETS
from streams.settings import Settings
from streams.kafka.security import kafka_client_options

log = logging.getLogger("kuota.api")
TIMEOUT = 2.0  # seconds, for each check of /ready and each broker or ledger read of /metrics


class _Admin(KafkaAdminClient):
    def _process_acl_operations(self, obj):
        # kuota never reads a group's authorized operations, and naming them fails on operation
        # codes this client does not know (the embedded broker reports some).
        obj.pop("authorized_operations", None)
        return obj


class Broker:
    """The consumer group as the broker sees it, through one admin client kept between requests
    and replaced after any failure."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: _Admin | None = None
        self._lock = threading.Lock()  # one request at a time on the client

    def cluster_id(self) -> str:
        return self._ask(lambda admin: admin.describe_cluster().get("cluster_id") or "?")

    def members(self) -> int:
        """Workers in the consumer group now."""
        group = self.settings.group_id
        found = self._ask(lambda admin: admin.describe_groups([group])).get(group) or {}
        if found.get("error"):
            raise RuntimeError(found["error"])
        return len(found.get("members") or ())

    def lag(self) -> dict[tuple[str, int], int]:
        """(topic, partition) -> records beyond the group's committed offset, for the input topics."""
        topics = [self.settings.topic(name) for name in (PURCHASES, SUPPLIERS, TARGETS)]
        group = self.settings.group_id

        def ask(admin: KafkaAdminClient):
            parts = [TopicPartition(t["name"], p["partition_index"])
                     for t in admin.describe_topics(topics) if not t.get("error_code") for p in t["partitions"]]
            if not parts:
                return {}
            end = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in parts})
            start = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in parts})
            committed = admin.list_group_offsets({group: parts}).get(group, {})
            return {(tp.topic, tp.partition): _lag(end[tp].offset, start[tp].offset, committed.get(tp))
                    for tp in parts}

        return self._ask(ask)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _ask(self, question):
        with self._lock:
            try:
                if self._client is None:
                    ms = int(TIMEOUT * 1000)
                    self._client = _Admin(bootstrap_servers=self.settings.bootstrap, client_id="kuota-api",
                                          request_timeout_ms=ms, bootstrap_timeout_ms=ms,
                                          **kafka_client_options(self.settings, "kafka"))
                return question(self._client)
            except Exception:
                self._drop()
                raise

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # closing a client that lost its broker may fail too; it is dropped anyway
                pass


def _lag(end: int, start: int, committed) -> int:
    # Nothing committed yet: the group starts at the earliest record kept (auto_offset_reset earliest).
    at = committed.offset if committed is not None and committed.offset >= 0 else start
    return max(end - max(at, start), 0)


class Probes:
    """Readiness and metrics over one ledger engine and one broker client."""

    def __init__(self, settings: Settings, engine: Engine):
        self.settings, self.engine, self.broker = settings, engine, Broker(settings)
        # The admin client logs each failed connection attempt, a dozen lines per scrape while the
        # broker is down; /ready says it once, on request.
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
        # A check that hangs past its bound keeps its thread; the request does not wait for it.
        self._pool = ThreadPoolExecutor(4, thread_name_prefix="kuota-probe")
        self.registry = CollectorRegistry(auto_describe=False)
        for collector in (WorkerFiles(settings.metrics_path), Backlog(self), Group(self)):
            self.registry.register(collector)

    def bounded(self, fn, *args):
        """fn(*args) within TIMEOUT seconds, or TimeoutError."""
        return self._pool.submit(fn, *args).result(timeout=TIMEOUT)

    def ready(self) -> dict:
        """{"ready": bool, "failed": [names], "checks": {name: "ok" or why not}}."""
        database, broker = self._pool.submit(self._database), self._pool.submit(self.broker.cluster_id)
        checks = {"database": _outcome(database, "database"), "broker": _outcome(broker, "broker")}
        if checks["broker"] != "ok":
            checks["workers"] = "tidak diperiksa: broker tidak menjawab / not checked: the broker does not answer"
        else:
            members = self._pool.submit(self.broker.members)
            checks["workers"] = _outcome(members, "workers")
            if checks["workers"] == "ok" and members.result() == 0:
                checks["workers"] = (f"tidak ada worker di grup konsumen {self.settings.group_id} / "
                                     f"no worker in consumer group {self.settings.group_id}")
        failed = [name for name, result in checks.items() if result != "ok"]
        return {"ready": not failed, "failed": failed, "checks": checks}

    def metrics(self) -> bytes:
        return generate_latest(self.registry)

    def may_scrape(self, host: str | None) -> bool:
        """Loopback, or a network KUOTA_METRICS_ALLOW names."""
        try:
            ip = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        ip = getattr(ip, "ipv4_mapped", None) or ip
        return ip.is_loopback or any(ip in net for net in self.settings.metrics_networks)

    def close(self) -> None:
        self.broker.close()
        self._pool.shutdown(wait=False)

    def _database(self) -> None:
        with Session(self.engine) as session:
            ping(session)


def _outcome(future, what: str) -> str:
    try:
        future.result(timeout=TIMEOUT)
        return "ok"
    except TimeoutError:
        return f"tidak menjawab dalam {TIMEOUT:.0f} detik / no answer within {TIMEOUT:.0f} s"
    except Exception as exc:
        log.info("%s not ready: %r", what, exc)
        first = (str(exc).strip().splitlines() or [""])[0]  # drivers add hints and links on later lines
        return f"gagal / failed: {type(exc).__name__}: {first}"[:300]


class WorkerFiles:
    """Every worker process's metrics files under the metrics directory, added up."""

    def __init__(self, path: Path):
        self.path = path

    def collect(self):
        return MultiProcessCollector.merge([str(f) for f in sorted(self.path.glob("*/*.db"))], accumulate=True)


class Backlog:
    def __init__(self, probes: Probes):
        self.probes = probes

    def collect(self):
        try:
            backlog = self.probes.bounded(self._read)
        except Exception as exc:  # no figure rather than a stale one; /ready says why
            log.info("outbox backlog not read: %r", exc)
            return []
        gauge = GaugeMetricFamily("kuota_outbox_backlog", "Rows kept in the ledger, not yet published",
                                  labels=["outbox"])
        for outbox, n in sorted(backlog.items()):
            gauge.add_metric([outbox], n)
        return [gauge]

    def _read(self) -> dict[str, int]:
        with Session(self.probes.engine) as session:
            return outbox_backlog(session)


class Group:
    def __init__(self, probes: Probes):
        self.probes = probes

    def collect(self):
        try:
            lag = self.probes.bounded(self.probes.broker.lag)
            members = self.probes.bounded(self.probes.broker.members)
        except Exception as exc:
            log.info("consumer group not read: %r", exc)
            return []
        gauge = GaugeMetricFamily("kuota_consumer_lag", "Records in a partition beyond the group's committed "
                                  "offset", labels=["topic", "partition"])
        for (topic, partition), n in sorted(lag.items()):
            gauge.add_metric([topic, str(partition)], n)
        return [gauge, GaugeMetricFamily("kuota_group_members", "Workers in the consumer group", value=members)]
