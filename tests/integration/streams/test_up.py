"""`kuota up` as operators run it: it starts whole or not at all, and nothing it started outlives it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from streams.errors import ExitCode
from streams.kafka.broker import answers, split
from streams.settings import Settings
from streams.tools.procs import free_port
from tests.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                     reason="reads /proc; the death signal is Linux's")]
UP = [sys.executable, "-m", "streams", "up"]


def up_env(tmp_path: Path, **settings: str) -> dict:
    """This environment without any KUOTA_ setting but the given ones (and the broker binary):
    the SQLite ledger and logs in tmp_path, KUOTA_BROKER unset unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_") or k == "KUOTA_TANSU_BIN"}
    return dict(env, KUOTA_DATA_DIR=str(tmp_path / "data"), **settings)


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (children of any of its threads, recursively), with its command line."""
    found, todo = {}, [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            for child in children:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for a reaper (a zombie holds no port and runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def one_line(result: subprocess.CompletedProcess) -> str:
    """What the command said, which must be one line."""
    said = (result.stdout + result.stderr).strip()
    assert len(said.splitlines()) == 1, said
    return said


def start_up(tmp_path: Path, *, joined: str | None = None, worker_ready: bool = True, **settings: str):
    """`kuota up` with its embedded broker on a free port (or joining the broker `joined` names),
    once its API answers (and its worker is ready, unless told not to wait); returns it, its API
    port, its broker port and the processes it started by then (the broker it started, the API,
    the worker's recorder process)."""
    api, broker = free_port(), joined or f"127.0.0.1:{free_port()}"
    env = up_env(tmp_path, KUOTA_API_PORT=str(api), KUOTA_BROKER=broker, **settings)
    log = tmp_path / "up.log"
    with open(log, "wb") as out:
        up = subprocess.Popen(UP, env=env, cwd=tmp_path, stdout=out, stderr=out)
    kinds = ("streams serve", *(("multiprocessing",) if worker_ready else ()), *(() if joined else ("tansu",)))

    def started() -> dict[int, str] | None:
        if up.poll() is not None:
            raise AssertionError(f"kuota up exited {up.returncode}:\n{log.read_text()}")
        if not healthy(api) or not answers(*split(broker)):
            return None
        if worker_ready and "[^Worker]: Ready" not in log.read_text():
            return None
        below = descendants(up.pid)
        return below if all(any(kind in cmd for cmd in below.values()) for kind in kinds) else None

    return up, api, split(broker)[1], wait_until(started, timeout=120, what=f"kuota up with {kinds}")


def assert_gone(started: dict[int, str], when: str, within: float = 5.0) -> None:
    # A few seconds: the kernel's SIGKILL and multiprocessing's resource tracker (it ends when
    # the last process holding its pipe is gone) act just after kuota up is gone.
    try:
        wait_until(lambda: not any(running(pid) for pid in started), timeout=within, what="processes gone")
    except Exception:
        pytest.fail(f"still running {when}: {({p: c for p, c in started.items() if running(p)})}")


def reap_all(up: subprocess.Popen, pids) -> None:
    # Has work only after a failed assertion: the test's processes must not outlive it either.
    for pid in pids:
        if running(pid):
            os.kill(pid, signal.SIGKILL)
    if up.poll() is None:
        up.kill()
    up.wait()


def test_nothing_started_by_kuota_up_outlives_it_when_killed(tmp_path):
    up, api, broker, started = start_up(tmp_path)
    try:
        up.send_signal(signal.SIGKILL)
        up.wait()
        assert_gone(started, "after kuota up was killed")
        assert not answers("127.0.0.1", broker) and not healthy(api)
    finally:
        reap_all(up, started)


@pytest.mark.parametrize("worker_ready", [True, False], ids=["running", "starting"])
def test_sigterm_stops_kuota_up_and_everything_it_started(tmp_path, worker_ready):
    up, api, broker, started = start_up(tmp_path, worker_ready=worker_ready)
    try:
        up.send_signal(signal.SIGTERM)
        code = up.wait(60)
        # Stopped by its own hand, stopping the rest on its way out; the signal's default action
        # would leave them to the kernel's death signal.
        assert code >= 0, f"kuota up died of signal {-code} instead of stopping"
        assert_gone(started, "after kuota up stopped")
        assert not answers("127.0.0.1", broker) and not healthy(api)
    finally:
        reap_all(up, started)


def test_up_joins_the_broker_kuota_broker_names_and_leaves_it_running(tmp_path, broker):
    isolated = dict(KUOTA_TOPIC_PREFIX=f"up{time.monotonic_ns()}.", KUOTA_GROUP_ID=f"up-{time.monotonic_ns()}")
    up, api, port, started = start_up(tmp_path, joined=broker, **isolated)
    try:
        assert not any("tansu" in cmd for cmd in started.values()), started
        up.send_signal(signal.SIGTERM)
        assert up.wait(60) >= 0
        assert answers(*split(broker)), "kuota up stopped a broker it had only joined"
    finally:
        reap_all(up, started)


def test_up_refuses_a_taken_api_port_before_starting_anything(tmp_path):
    broker = free_port()
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        api = held.getsockname()[1]
        env = up_env(tmp_path, KUOTA_API_PORT=str(api), KUOTA_BROKER=f"127.0.0.1:{broker}")
        result = subprocess.run(UP, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=10)

    said = one_line(result)
    assert result.returncode == ExitCode.ENVIRONMENT, said
    assert f"port {api}" in said and f"pid {os.getpid()}" in said and "KUOTA_API_PORT" in said
    assert "Traceback" not in said
    assert not answers("127.0.0.1", broker), "a broker was started although kuota up refused"
    assert not (tmp_path / "data").exists(), "kuota up made its ledger although it refused"


def test_up_refuses_to_join_a_broker_it_did_not_start(tmp_path):
    host, port = split(Settings.model_fields["broker"].default)
    if answers(host, port):
        pytest.skip(f"something on this machine already listens on {host}:{port}, the default broker address")
    with socket.socket() as foreign:
        foreign.bind((host, port))
        foreign.listen()
        api = free_port()
        result = subprocess.run(UP, env=up_env(tmp_path, KUOTA_API_PORT=str(api)), cwd=tmp_path,
                                capture_output=True, text=True, timeout=10)

    said = one_line(result)
    assert result.returncode == ExitCode.ENVIRONMENT, said
    assert f"port {port}" in said and f"pid {os.getpid()}" in said and "KUOTA_BROKER" in said
    assert "Traceback" not in said
    assert not healthy(api) and not (tmp_path / "data").exists()
