"""The Apache Kafka tier: a KRaft cluster of three brokers on loopback for the session, started by
scripts/apache-kafka-cluster (which fetches Kafka with Maven the first time) and stopped at its
end. `broker` is that cluster here, so `kuota_env` points kuota at it."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "apache-kafka-cluster"


@dataclass(frozen=True)
class Cluster:
    directory: Path
    said: str  # what `start` printed

    @property
    def bootstrap(self) -> str:
        return self.said.strip().removeprefix("bootstrap=")

    @property
    def addresses(self) -> list[str]:
        return self.bootstrap.split(",")

    def pids(self) -> list[int]:
        return [int(path.read_text()) for path in sorted(self.directory.glob("node-*/pid"))]


def cluster_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=900)


def alive(pid: int) -> bool:
    """Whether `pid` runs (a process that ended but is not yet reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def missing_tool() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").is_file()) and shutil.which("java") is None:
        return "Java is not installed: Apache Kafka 4 needs Java 17 or newer"
    if shutil.which("mvn") is None:
        return "Maven (mvn) is not installed: scripts/apache-kafka-cluster fetches Apache Kafka with it"
    return None


@contextmanager
def apache_kafka(directory: Path, *options: str) -> Iterator[Cluster]:
    """A cluster the script starts in `directory` with `options`, stopped on the way out."""
    if (reason := missing_tool()) is not None:
        pytest.skip(reason)
    started = cluster_script("start", "--dir", str(directory), *options)
    try:
        assert started.returncode == 0, started.stderr
        yield Cluster(directory, started.stdout)
    finally:
        stopped = cluster_script("stop", "--dir", str(directory))
        assert stopped.returncode == 0, stopped.stderr


@pytest.fixture(scope="session")
def kafka_cluster(tmp_path_factory) -> Iterator[Cluster]:
    with apache_kafka(tmp_path_factory.mktemp("apache-kafka"), "--brokers", "3") as cluster:
        yield cluster


@pytest.fixture(scope="session")
def broker(kafka_cluster) -> str:
    return kafka_cluster.bootstrap
