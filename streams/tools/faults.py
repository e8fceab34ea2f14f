"""The harness of the fault scenarios: worker processes, a private PostgreSQL, the ledger's figures."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.db import make_engine
from ledger.models import Entry, Receipt
from streams.kafka import manifest
from streams.errors import StreamsError
from streams.settings import Settings


class ScenarioFailed(StreamsError):
    pass


class PostgresMissing(StreamsError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1, alive=None):
    """Poll until `predicate` is true; `alive` (a callable) fails fast when a worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        if alive is not None:
            alive()
        time.sleep(interval)
    raise ScenarioFailed(f"timed out after {timeout:.0f}s waiting for {what}")


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
        return dict(os.environ, KUOTA_BROKER=self.broker, KUOTA_DATABASE_URL=self.database_url,
                    KUOTA_DATA_DIR=str(self.workdir), KUOTA_EMBEDDED_BROKER="false", KUOTA_GROUP_ID=self.group,
                    KUOTA_TOPIC_PREFIX=self.prefix, KUOTA_BATCH_SIZE=str(self.batch_size), KUOTA_LOG_LEVEL="info")


class WorkerProcess:
    """`kuota worker` as operators run it, killed and restarted at will."""

    def __init__(self, stage: Stage, name: str = "worker"):
        self.stage, self.log = stage, stage.workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        out = open(self.log, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=self.stage.env(),
                                        stdout=out, stderr=out)
        out.close()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ScenarioFailed(f"the worker exited ({code}); see {self.log}")

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def rss(self) -> int:
        """Resident memory of the worker and its booking process, in bytes."""
        return sum(_rss(pid) for pid in [self.pid, *_children(self.pid)])

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


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
class Figures:
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
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(Receipt)) or 0
    except Exception:  # the ledger may be down on purpose (database outage)
        return -1
    finally:
        engine.dispose()


def figures(stage: Stage) -> Figures:
    engine = make_engine(stage.database_url)
    try:
        with Session(engine) as s:
            rows = s.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all()
            entries = s.scalar(select(func.count()).select_from(Entry)) or 0
            amount = s.scalar(select(func.coalesce(func.sum(Entry.amount), 0))) or 0
            ids = set(s.scalars(select(Entry.event_id)))
            report = audit(s)
            problems = list(report.problems)
            problems += [f"gap: {g.file}: {len(g.missing)} event ids never received"
                         for g in manifest.gaps(stage.workdir, s)]
        return Figures(Counter(dict(rows)), entries, int(amount), ids, problems)
    finally:
        engine.dispose()
