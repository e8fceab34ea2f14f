"""The harness of the fault scenarios (`kuota chaos`): where a scenario runs (a `Stage`), a private
PostgreSQL to stop and start, input streamed at a steady pace so faults land mid-stream, and the
ledger's figures compared with what was produced. The scenarios themselves are in chaos_*.py.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ledger.books.audit import audit
from ledger.db import migrate
from ledger.reports.checks import entry_event_ids, entry_totals, reading, receipts_by_outcome, receipts_total
from schemas.topics import SUPPLIERS
from streams.errors import StreamsError
from streams.settings import Settings
from streams.kafka.topics import ensure_topics
from streams.tools.bench import produce, synthetic
from streams.tools.procs import ScenarioFailed, WorkerProcess, free_port, worker_env


class PostgresMissing(StreamsError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


@dataclass
class Stage:
    """Where a scenario runs: a broker, a ledger, a fresh topic namespace and consumer group."""

    broker: str
    database_url: str
    workdir: Path
    prefix: str = field(default_factory=lambda: f"chaos{time.monotonic_ns()}.")
    group: str = field(default_factory=lambda: f"kuota-chaos-{time.monotonic_ns()}")
    batch_size: int = 500

    @property
    def settings(self) -> Settings:
        return Settings(broker=self.broker, database_url=self.database_url, data_dir=self.workdir,
                        topic_prefix=self.prefix, group_id=self.group, embedded_broker=False,
                        batch_size=self.batch_size)

    def env(self) -> dict:
        return worker_env(self.broker, self.database_url, self.workdir, KUOTA_EMBEDDED_BROKER="false",
                          KUOTA_GROUP_ID=self.group, KUOTA_TOPIC_PREFIX=self.prefix,
                          KUOTA_BATCH_SIZE=str(self.batch_size), KUOTA_LOG_LEVEL="info")

    def worker(self, name: str = "worker") -> WorkerProcess:
        """A worker on this stage (not started), logging to `workdir/<name>.log`."""
        return WorkerProcess(self.env(), self.workdir / f"{name}.log")


class Stream(threading.Thread):
    """Produces records in chunks at a steady pace, so faults land while events stream in."""

    def __init__(self, stage: Stage, topic: str, records, chunks: int = 40, pause: float = 0.4):
        super().__init__(daemon=True)
        self.stage, self.topic, self.records = stage, topic, records
        self.size, self.pause, self.error = max(1, len(records) // chunks + 1), pause, None

    def run(self) -> None:
        try:
            for i in range(0, len(self.records), self.size):
                produce(self.stage.settings, self.topic, self.records[i:i + self.size])
                time.sleep(self.pause)
        except Exception as exc:  # reported by the scenario, never swallowed
            self.error = exc


def prepare(stage: Stage, events: int, seed: int, resend: int = 0):
    """A migrated ledger, the topics, and the synthetic registry booked first; returns (suppliers,
    purchases, the first `resend` purchases to send again)."""
    migrate(stage.database_url)
    ensure_topics(stage.settings)
    suppliers, purchases = synthetic(events, seed=seed)
    produce(stage.settings, stage.settings.topic(SUPPLIERS), suppliers)
    return suppliers, purchases, purchases[:resend]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free loopback port, stopped and started at will.

    Run as the `postgres` OS user when we are root (the server refuses to run as root)."""

    def __init__(self):
        self.bin = server_binaries()
        self.port = free_port()
        # In the system temp dir: the server's user must be able to reach it, whoever owns workdir.
        self.root = Path(tempfile.mkdtemp(prefix="kuota-pg-")).resolve()
        self.data, self.logfile = self.root / "data", self.root / "server.log"
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_user:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as_user, *args], timeout=timeout, capture_output=True, text=True)
        if done.returncode:
            raise ScenarioFailed(f"{Path(args[0]).name} {args[-1]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def init(self) -> "PrivatePostgres":
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")
        return self.start()

    def start(self) -> "PrivatePostgres":
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.logfile), "-w", "start")
        return self

    def stop(self) -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except ScenarioFailed:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


def server_binaries() -> str:
    """The newest PostgreSQL server bin directory, discovered at run time."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found or not shutil.which("runuser") and os.geteuid() == 0:
        raise PostgresMissing("no PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql")
    if os.geteuid() == 0:
        import pwd
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PostgresMissing("running as root and there is no `postgres` OS user to run the server") from exc
    return str(Path(found[-1]).parent)


@dataclass
class LedgerFigures:
    """What the ledger holds, read independently of the worker."""

    receipts: Counter
    entries: int
    amount: int
    event_ids: set[str]
    audit_problems: list[str]

    def lost(self, produced: set[str]) -> int:
        return len(produced - self.event_ids)

    def counted_twice(self, produced: set[str], applied_expected: int) -> int:
        """Entries beyond one per produced event, and applied receipts beyond the expected."""
        return (self.entries - len(self.event_ids & produced)) + max(0, self.receipts["applied"] - applied_expected)


def received(url: str) -> int:
    """Records the ledger at `url` has received; -1 while it cannot be read."""
    try:
        with reading(url) as s:
            return receipts_total(s)
    except Exception:  # the ledger may be down on purpose (database outage)
        return -1


def figures(stage: Stage) -> LedgerFigures:
    """The ledger's receipts, entries, amount and audit (the journal's accounts included)."""
    with reading(stage.database_url) as s:
        receipts = receipts_by_outcome(s)
        entries, amount = entry_totals(s)
        ids = entry_event_ids(s)
        problems = list(audit(s).problems)
    return LedgerFigures(receipts, entries, amount, ids, problems)


def check(stage: Stage, result: dict, purchases, *, applied: int, duplicate: int, rejected: int = 0) -> dict:
    """Compare the ledger with what was produced; fill in lost, counted twice and problems."""
    produced = {orjson.loads(v)["event_id"] for _, v in purchases}
    expected_amount = sum(orjson.loads(v)["amount"] for _, v in purchases)
    f = figures(stage)
    result.update(entries=f.entries, amount=f.amount, expected_amount=expected_amount, lost=f.lost(produced),
                  counted_twice=f.counted_twice(produced, applied), receipts=dict(f.receipts))
    problems = list(f.audit_problems)
    want = {"applied": applied, "duplicate": duplicate, "rejected": rejected}
    if {k: f.receipts.get(k, 0) for k in want} != want:
        problems.append(f"receipts {dict(f.receipts)}, expected {want}")
    if f.entries != len(produced) or f.amount != expected_amount:
        problems.append(f"{f.entries} entries of Rp {f.amount}, expected {len(produced)} of Rp {expected_amount}")
    result["problems"] = problems
    return result
