"""Transport security against real endpoints: a password in the ledger URL never leaves kuota (the
commands print the URL masked, their debug tracebacks too); PostgreSQL's sslmode reaches psycopg;
the broker probe speaks TLS when the settings ask for it and says so when the handshake fails."""

import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ledger.db import check_connection, make_engine, with_tls
from ledger.errors import DatabaseUnavailable
from streams.errors import BrokerUnavailable
from streams.kafka.topics import probe, reachable
from streams.settings import Settings
from streams.tools.procs import free_port

pytestmark = pytest.mark.integration

PASSWORD = "Rahasia-Sekali-42"


@pytest.fixture
def env(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
    return dict(clean, KUOTA_DATA_DIR=str(tmp_path / "data"), KUOTA_BROKER=f"127.0.0.1:{free_port()}",
                KUOTA_EMBEDDED_BROKER="false")


def kuota(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams", *args], env=env, capture_output=True, text=True,
                          timeout=90, cwd=Path(env["KUOTA_DATA_DIR"]).parent)


# debug: the traceback an operator asks for goes through the same mask.
@pytest.mark.parametrize("command, level", [("migrate", "info"), ("worker", "debug"), ("serve", "debug")])
def test_a_ledger_nobody_answers_at_is_named_with_its_password_masked(env, command, level):
    url = f"postgresql+psycopg://kuota:{PASSWORD}@127.0.0.1:{free_port()}/kuota"
    done = kuota(dict(env, KUOTA_DATABASE_URL=url, KUOTA_LOG_LEVEL=level), command)
    said = done.stdout + done.stderr
    assert done.returncode == 3, said
    assert PASSWORD not in said, said
    assert "postgresql+psycopg://kuota:***@127.0.0.1" in said and "nothing answered" in said, said


def test_a_ledger_that_refuses_the_user_is_named_with_its_password_masked(env, postgres_url):
    server = make_url(postgres_url)
    url = server.set(username="kuota_nobody", password=PASSWORD).render_as_string(hide_password=False)
    done = kuota(dict(env, KUOTA_DATABASE_URL=url, KUOTA_LOG_LEVEL="debug"), "migrate")
    said = done.stdout + done.stderr
    assert done.returncode == 3 and "refused kuota" in said, said
    assert PASSWORD not in said and "kuota_nobody:***@" in said, said


def test_sslmode_and_sslrootcert_reach_psycopg(postgres_url, tmp_path):
    plain = make_engine(postgres_url)
    try:
        check_connection(plain)  # the same server, without the TLS settings, takes kuota
    finally:
        plain.dispose()
    missing = tmp_path / "no-such-root.crt"
    engine = make_engine(with_tls(postgres_url, "verify-full", missing))
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            check_connection(engine)
    finally:
        engine.dispose()
    # Whether this server has TLS or not, libpq insisted on a verified TLS connection.
    message = str(refused.value)
    assert "no TLS connection" in message and "KUOTA_DATABASE_SSLMODE" in message, message
    assert "SSL" in message or str(missing) in message, message


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    where = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(where / "broker.key"), "-out", str(where / "broker.pem")],
                   check=True, capture_output=True)
    return where


@pytest.fixture
def tls_listener(tls_files):
    """A TLS listener that answers the probe's ApiVersions request as a Kafka broker would begin to."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "broker.pem", tls_files / "broker.key")
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                try:
                    with context.wrap_socket(conn, server_side=True) as tls:
                        size = struct.unpack(">i", tls.recv(4))[0]
                        request = tls.recv(size)
                        correlation = request[4:8]
                        tls.sendall(struct.pack(">i", 6) + correlation + b"\x00\x00")
                except (OSError, ssl.SSLError, struct.error):
                    continue  # a client that gave up on the handshake; wait for the next

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    server.close()
    thread.join(5)


def test_the_probe_speaks_tls_when_the_settings_ask_for_it(tls_listener, tls_files):
    settings = Settings(_env_file=None, broker=tls_listener, kafka_security_protocol="SSL",
                        kafka_ssl_cafile=tls_files / "broker.pem")
    started = time.monotonic()
    reachable(settings)  # returns: a Kafka-shaped answer over a verified TLS connection
    assert time.monotonic() - started < 5


def test_a_broker_certificate_kuota_does_not_trust_is_one_line_naming_the_ca_setting(tls_listener):
    settings = Settings(_env_file=None, broker=tls_listener, kafka_security_protocol="SSL")  # system CAs only
    with pytest.raises(BrokerUnavailable) as refused:
        reachable(settings)
    message = str(refused.value)
    assert f"TLS handshake with {tls_listener} failed" in message and "KUOTA_KAFKA_SSL_CAFILE" in message, message
    assert "\n" not in message


def test_plaintext_against_a_tls_listener_is_not_taken_for_kafka(tls_listener):
    problem = probe(tls_listener)
    assert problem is not None and "Kafka" in problem, problem
