"""What a user sees when something is wrong: one clear line, no traceback, and an exit status that
says whose the fault is (1 a failed check, 2 the input, 3 the machine around kuota). Every case
runs the real command line as a subprocess, as a user would."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledger.db import scratch_schema
from streams.tools.procs import free_port
from tests.factories import purchase

pytestmark = pytest.mark.integration

FAILED, USAGE, ENVIRONMENT, INTERNAL = 1, 2, 3, 70
HINT = ("kuota up", "KUOTA_BROKER")


@pytest.fixture
def env(tmp_path):
    """A clean environment: no KUOTA_* of the developer's, a data dir of its own, and a broker
    address where nothing listens."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
    return dict(clean, KUOTA_DATA_DIR=str(tmp_path / "data"), KUOTA_BROKER=f"127.0.0.1:{free_port()}",
                KUOTA_EMBEDDED_BROKER="false", KUOTA_TOPIC_PREFIX=f"t{time.monotonic_ns()}.")


def run(env: dict, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    # In the test's directory, away from the checkout: a developer's .env must not decide the outcome.
    done = subprocess.run([sys.executable, "-m", "streams", *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=Path(env["KUOTA_DATA_DIR"]).parent)
    return done, time.monotonic() - started


def refused(done: subprocess.CompletedProcess, code: int, *words: str, max_lines: int = 2) -> str:
    """The command ended with `code` and a short message holding every one of `words`."""
    said = done.stdout + done.stderr
    assert done.returncode == code, said
    assert "Traceback" not in said, said
    assert len(said.strip().splitlines()) <= max_lines, said
    for word in words:
        assert word in said, f"{word!r} not in:\n{said}"
    return said


# --- the ledger database ---------------------------------------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("mysql://kuota:secret@127.0.0.1/kuota", ["SQLite or PostgreSQL"]),
    ("notaurl", ["not a database URL"]),
    ("postgresql:///kuota", ["names no host"]),
    ("postgresql+asyncpg://kuota@127.0.0.1/kuota", ["psycopg"]),
    ("sqlite://", ["names no file"]),
])
def test_a_database_url_kuota_cannot_use_is_named_with_an_example(env, url, words):
    done, _ = run(dict(env, KUOTA_DATABASE_URL=url), "report")
    said = refused(done, USAGE, "KUOTA_DATABASE_URL", "postgresql+psycopg://user:password@", *words)
    assert "secret" not in said


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_an_unreachable_database_is_named_by_host_and_port_with_the_password_masked(env, scheme):
    port = free_port()
    done, _ = run(dict(env, KUOTA_DATABASE_URL=f"{scheme}://kuota:secret@127.0.0.1:{port}/kuota"), "report")
    said = refused(done, ENVIRONMENT, f"127.0.0.1:{port}", "nothing answered",
                   f"postgresql+psycopg://kuota:***@127.0.0.1:{port}/kuota", "KUOTA_DATABASE_URL")
    assert "secret" not in said


def test_a_postgres_url_is_read_through_psycopg(env, postgres_url):
    with scratch_schema(postgres_url, "kuota_cli") as url:
        plain = "postgres://" + url.split("://", 1)[1]
        done, _ = run(dict(env, KUOTA_DATABASE_URL=plain), "report", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_a_setting_of_the_wrong_type_is_named(env):
    done, _ = run(dict(env, KUOTA_PARTITIONS="many"), "report")
    refused(done, USAGE, "KUOTA_PARTITIONS='many'", "integer")


# --- the broker ------------------------------------------------------------------------------------

@pytest.fixture
def not_kafka():
    """TCP servers on loopback that are not Kafka: `close` hangs up at once, `http` answers like a
    web server, `silent` reads and says nothing."""
    servers, held = [], []

    def start(kind: str) -> str:
        sock = socket.create_server(("127.0.0.1", 0))
        servers.append(sock)

        def serve():
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:
                    return
                if kind == "http":
                    conn.recv(1024)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                if kind == "silent":
                    held.append(conn)  # open until the test ends
                else:
                    conn.close()

        threading.Thread(target=serve, daemon=True).start()
        return f"127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for sock in servers + held:
        sock.close()


def _events(tmp_path) -> str:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(purchase("cli-00000001")) + "\n")
    return str(path)


def _budget(tmp_path) -> str:
    path = tmp_path / "pagu.toml"
    path.write_text('occurred_at = 2024-01-02T09:00:00+07:00\n[[budget]]\nagency_id = "opd-3216-dinkes"\n'
                    'fiscal_year = 2024\nbudget = 70_000_000_000\n')
    return str(path)


COMMANDS = {"emit": lambda tmp: ["emit", _events(tmp)], "targets apply": lambda tmp: ["targets", "apply", _budget(tmp)],
            "worker": lambda tmp: ["worker"]}
SAYS = {"nothing": "nothing answers", "close": "closed the connection", "http": "not in Kafka's protocol",
        "silent": "did not answer a Kafka request"}


@pytest.mark.parametrize("command, server", [
    ("emit", "nothing"), ("emit", "close"), ("emit", "http"), ("emit", "silent"),
    ("targets apply", "nothing"), ("targets apply", "http"), ("worker", "nothing"), ("worker", "close"),
])
def test_a_command_that_needs_a_broker_says_within_seconds_what_answered(env, tmp_path, not_kafka, command,
                                                                         server):
    broker = env["KUOTA_BROKER"] if server == "nothing" else not_kafka(server)
    done, took = run(dict(env, KUOTA_BROKER=broker), *COMMANDS[command](tmp_path))
    refused(done, ENVIRONMENT, broker, SAYS[server], *HINT)
    assert took < 15  # the brief's bound is 10 s; loose for a busy machine


# --- arguments and files -------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, words", [
    ("9999-12-31T23:59:59-12:00", ["1900", "2999"]),
    ("1899-12-31", ["1900", "2999"]),
    ("0001-01-01T00:00:00+14:00", ["1900", "2999"]),
    ("2024-01-01T00:00:00+24:00", ["offset"]),
    ("2024-03-31T23:59:59", ["offset"]),
    ("kemarin", ["not a date"]),
])
def test_an_as_of_out_of_range_is_refused_before_the_ledger_is_read(env, as_of, words):
    done, _ = run(env, "report", "overview", "--as-of", as_of)
    refused(done, USAGE, "--as-of", *words)


def test_an_empty_file_is_not_emitted(env, tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n  \n")
    done, _ = run(env, "emit", str(tmp_path / "empty.jsonl"))
    refused(done, USAGE, "empty.jsonl", "empty", "JSON lines")


def test_a_binary_file_is_not_emitted(env, tmp_path):
    (tmp_path / "ledger.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    done, _ = run(env, "emit", str(tmp_path / "ledger.xlsx"))
    refused(done, USAGE, "ledger.xlsx", "binary", "JSON lines")


def test_a_record_over_the_size_limit_is_reported_by_its_line(env, tmp_path, broker):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(purchase("cli-00000002")) + "\n" + json.dumps(purchase("cli-00000003",
                    reference="x" * 3_000_000)) + "\n")
    done, _ = run(dict(env, KUOTA_BROKER=broker), "emit", "--no-validate", str(path))
    said = refused(done, FAILED, "1 sent", "line 2", "over the size limit", "not sent", max_lines=3)
    assert "line 1" not in said


BAD_TOML = """\
# Alokasi 30% (contoh yang salah)
occurred_at = 2024-01-02T09:00:00+07:00

[[program]]
program_id = "alokasi-30-3216"
name = "Alokasi 30%"
region = "3216"
kind = "share"
period = "week"
threshold = { share_bp = 30000 }
applies_to = { kind = "company", region = "3216" }

[program.eligible]
scales = ["mikro", "raksasa"]

[[budget]]
agency_id = "opd-3216-dinkes"
fiscal_year = 2024
budget = 1.5e9
"""

BAD_YAML = """\
occurred_at: 2024-01-02T09:00:00+07:00
budget:
  - agency_id: opd-3216-dinkes
    fiscal_year: 2024
    budget: 70000000000
  - agency_id: opd-3216-bappeda
    fiscal_year: "2024"
    budget: 5000000000
"""


def test_a_malformed_target_file_is_refused_line_by_line_and_nothing_is_sent(env, tmp_path):
    toml, yaml = tmp_path / "alokasi.toml", tmp_path / "pagu.yaml"
    toml.write_text(BAD_TOML)
    yaml.write_text(BAD_YAML)
    done, _ = run(env, "targets", "apply", str(toml), str(yaml))  # no broker: refused before one is asked
    refused(done, USAGE, f"{toml}:9 program #1 period:", f"{toml}:10 program #1 threshold.share_bp:",
            f"{toml}:14 program #1 eligible.scales.1:", f"{toml}:19 budget #1 budget:",
            f"{yaml}:7 budget #2 fiscal_year:", max_lines=7)


def test_a_target_file_that_does_not_parse_names_its_line(env, tmp_path):
    path = tmp_path / "pagu.toml"
    path.write_text('occurred_at = 2024-01-02T09:00:00+07:00\n[[budget]\nagency_id = "x"\n')
    done, _ = run(env, "targets", "apply", str(path))
    refused(done, USAGE, f"{path}:2", "not valid TOML")


# --- the command line's own errors, and kuota's defects ------------------------------------------

@pytest.mark.parametrize("args", [["report", "--bogus"], ["emit", "no-such-file.jsonl"], ["nonsense"]])
def test_click_usage_errors_keep_exit_2(env, args):
    done, _ = run(env, *args)
    assert done.returncode == USAGE and "Traceback" not in done.stderr


def test_an_unexpected_error_is_one_line_with_a_hint_and_the_traceback_on_demand(env, tmp_path):
    target = str(tmp_path / "no-such-dir" / "report.xlsx")
    done, _ = run(env, "report", "--format", "xlsx", "--output", target)
    refused(done, INTERNAL, "FileNotFoundError", "KUOTA_LOG_LEVEL=debug")
    debug, _ = run(dict(env, KUOTA_LOG_LEVEL="debug"), "report", "--format", "xlsx", "--output", target)
    assert debug.returncode == INTERNAL and "Traceback" in debug.stderr
