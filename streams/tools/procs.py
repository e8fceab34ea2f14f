"""Processes and ports for the tools and the tests: `kuota worker` started as operators run it
(`python -m streams worker` with an environment, output to a log file), watched, killed and
stopped; a free loopback port; and polling until a condition holds. The demo, the benchmark, the
chaos scenarios and the integration tests all start their workers through `WorkerProcess`.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from streams.errors import CheckFailed


class ScenarioFailed(CheckFailed):
    """A tool or a test waited for something that did not happen, or its worker died."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 60.0, what: str = "condition", interval: float = 0.1, alive=None):
    """Poll until `predicate` is true and return its value; `alive` (a callable) fails fast when a
    worker died, instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        if alive is not None:
            alive()
        time.sleep(interval)
    raise ScenarioFailed(f"timed out after {timeout:.0f}s waiting for {what}")


def worker_env(broker: str, database_url: str, data_dir: Path, **extra: str) -> dict:
    """This process's environment with a worker's broker, ledger and data directory set."""
    return dict(os.environ, KUOTA_BROKER=broker, KUOTA_DATABASE_URL=database_url, KUOTA_DATA_DIR=str(data_dir),
                **extra)


class WorkerProcess:
    """`kuota worker` as a subprocess, the way operators run it, killed and restarted at will.

    Output is appended to `log`, so a worker restarted on the same log keeps its predecessor's
    lines (the chaos scenarios count restarts in it)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        out = open(self.log, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=self.env,
                                        stdout=out, stderr=out)
        out.close()  # the child has its own copy
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def alive(self) -> None:
        """Raise ScenarioFailed if the worker has exited."""
        if not self.running():
            code = None if self.process is None else self.process.returncode
            raise ScenarioFailed(f"the worker exited ({code}); see {self.log}")

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def send(self, sig: int = signal.SIGTERM) -> None:
        if self.running():
            self.process.send_signal(sig)

    def reap(self, timeout: float = 30) -> None:
        """Wait for the worker to exit; SIGKILL it if it takes longer than `timeout` seconds."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Send `sig` (a graceful SIGTERM by default) and wait; SIGKILL after `timeout` seconds."""
        if self.running():
            self.send(sig)
            self.reap(timeout)

    def rss(self) -> int:
        """Resident memory of the worker and its booking process, in bytes."""
        return sum(_rss(pid) for pid in [self.pid, *_children(self.pid)])

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def stop_all(workers: list[WorkerProcess], timeout: float = 30) -> None:
    """SIGTERM every worker first, then wait for each: they shut down side by side, not in turn."""
    for worker in workers:
        worker.send()
    for worker in workers:
        worker.reap(timeout)


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


@contextmanager
def serving(app, what: str = "the API"):
    """An ASGI app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    def running() -> None:
        if not thread.is_alive():
            raise ScenarioFailed(f"{what} stopped before it listened")

    wait_until(lambda: server.started, 30, f"{what} to start", interval=0.05, alive=running)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
