"""Backends for the integration and end-to-end tiers.

Broker: Kafka from testcontainers when a Docker engine answers, else KUOTA_TEST_BROKER when
given, else the embedded broker on a free loopback port. Database: PostgreSQL from
testcontainers, else KUOTA_TEST_DATABASE_URL, else the local server on 127.0.0.1:5432.
"""

import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from streams.tools.procs import WorkerProcess, free_port, wait_until as poll_until

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_backends: dict[str, str] = {}


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


def pytest_report_header(config):
    return "backends: broker and database are chosen per session; see the summary at the end"


def pytest_terminal_summary(terminalreporter):
    for name, backend in sorted(_backends.items()):
        terminalreporter.write_line(f"backend {name}: {backend}")


@pytest.fixture(scope="session")
def broker():
    """A Kafka bootstrap address (host:port) for the session."""
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer() as kafka:
            _backends["broker"] = "Kafka (testcontainers)"
            os.environ["KUOTA_TEST_BROKER_KIND"] = "kafka"
            yield kafka.get_bootstrap_server()
        return
    if os.environ.get("KUOTA_TEST_BROKER"):
        _backends["broker"] = f"external {os.environ['KUOTA_TEST_BROKER']}"
        os.environ.setdefault("KUOTA_TEST_BROKER_KIND", "kafka")
        yield os.environ["KUOTA_TEST_BROKER"]
        return
    from streams.kafka.broker import EmbeddedBroker

    with EmbeddedBroker(f"127.0.0.1:{free_port()}") as embedded:
        _backends["broker"] = f"embedded Tansu on {embedded.bootstrap} (no Docker engine)"
        yield embedded.bootstrap


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL URL for the session, or a skip that says why there is none."""
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver="psycopg") as pg:
            _backends["postgresql"] = "PostgreSQL (testcontainers)"
            yield pg.get_connection_url()
        return
    url = os.environ.get("KUOTA_TEST_DATABASE_URL", LOCAL_PG)
    from sqlalchemy import create_engine, text

    try:
        with create_engine(url).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        pytest.skip(f"no PostgreSQL at {url}: {exc}")
    _backends["postgresql"] = f"{url} (no Docker engine)"
    yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request, tmp_path):
    """A fresh, migrated ledger on each backend."""
    from ledger.db import migrate, scratch_schema

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kuota.db'}"
        migrate(url)
        yield url
        return
    with scratch_schema(request.getfixturevalue("postgres_url"), "kuota_test") as url:
        migrate(url)
        yield url


# `kuota worker` as a subprocess, the way operators run it: the tools' worker, under the name the tests use.
Worker = WorkerProcess


@pytest.fixture
def kuota_env(broker, tmp_path):
    """Environment for kuota commands: this session's broker, a fresh group and topic set per test."""
    def make(ledger: str, **extra) -> dict:
        return dict(os.environ, KUOTA_BROKER=broker, KUOTA_DATABASE_URL=ledger, KUOTA_DATA_DIR=str(tmp_path),
                    KUOTA_EMBEDDED_BROKER="false", KUOTA_GROUP_ID=f"kuota-test-{time.monotonic_ns()}",
                    KUOTA_TOPIC_PREFIX=f"t{time.monotonic_ns()}.",
                    KUOTA_LOG_LEVEL="info", **extra)
    return make


@contextmanager
def running_worker(env: dict, log: Path):
    worker = Worker(env, log).start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):
    """The tools' wait_until with the tests' defaults and argument order (they pass keywords)."""
    return poll_until(predicate, timeout, what, interval)
