"""Accepted means kept: under `kuota up`, what `kuota emit` acknowledged, or any sender journaled,
is booked exactly once, across a Ctrl-C of `kuota up` and across its embedded broker killed
while the relay sends."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from sqlalchemy.orm import Session

from ledger.books.journal import Item, journal_counts, take
from ledger.db import make_engine
from ledger.rules.fingerprint import fingerprint
from ledger.reports.checks import entry_event_ids, reading, receipts_by_outcome
from schemas.decode import decode
from schemas.topics import DECODER_OF
from streams.kafka.emit import route
from streams.tools.bench import synthetic
from tests.conftest import wait_until
from tests.integration.streams.test_up import descendants, reap_all, start_up, up_env

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                     reason="reads /proc; the death signal is Linux's")]
KUOTA = [sys.executable, "-m", "streams"]
PURCHASES = 20_000


def files(tmp_path: Path, seed: int) -> tuple[Path, Path, set[str]]:
    suppliers, purchases = synthetic(PURCHASES, seed=seed)
    registry, source = tmp_path / "suppliers.jsonl", tmp_path / "purchases.jsonl"
    registry.write_bytes(b"".join(v + b"\n" for _, v in suppliers))
    source.write_bytes(b"".join(v + b"\n" for _, v in purchases))
    return registry, source, {orjson.loads(v)["event_id"] for _, v in purchases}


def ledger(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'data' / 'kuota.db').resolve()}"


def kuota_env(tmp_path: Path, broker_port: int) -> dict:
    return up_env(tmp_path, KUOTA_BROKER=f"127.0.0.1:{broker_port}", KUOTA_EMBEDDED_BROKER="false")


def emit(env: dict, path: Path) -> subprocess.Popen:
    return subprocess.Popen([*KUOTA, "emit", str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def booked_registry(tmp_path: Path, env: dict, registry: Path) -> None:
    done = subprocess.run([*KUOTA, "emit", str(registry)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    wait_until(lambda: receipts(tmp_path)["applied"] >= 2000, timeout=60, what="the registry booked")


def receipts(tmp_path: Path):
    with reading(ledger(tmp_path)) as s:
        return receipts_by_outcome(s)


def journal(tmp_path: Path):
    with reading(ledger(tmp_path)) as s:
        return journal_counts(s)


def assert_booked_once(tmp_path: Path, env: dict, produced: set[str]) -> None:
    with reading(ledger(tmp_path)) as s:
        booked = entry_event_ids(s)
    assert produced <= booked, f"{len(produced - booked)} acknowledged purchases never booked"
    audit = subprocess.run([*KUOTA, "audit"], env=env, capture_output=True, text=True, timeout=120)
    # The audit fails on an event id applied twice and on entries that do not match receipts.
    assert audit.returncode == 0 and "AUDIT OK" in audit.stdout, audit.stdout + audit.stderr
    assert " 0 dalam perjalanan / in flight" in audit.stdout, audit.stdout


def stop(up: subprocess.Popen, started: dict) -> None:
    try:
        up.send_signal(signal.SIGTERM)
        assert up.wait(90) >= 0
    finally:
        reap_all(up, started)


def test_what_emit_acknowledged_across_a_ctrl_c_of_kuota_up_is_booked_once_after_the_next_start(tmp_path):
    registry, source, produced = files(tmp_path, seed=23)
    up, api, port, started = start_up(tmp_path)
    try:
        booked_registry(tmp_path, kuota_env(tmp_path, port), registry)
        emitting = emit(kuota_env(tmp_path, port), source)
        # Ctrl-C once the emit is under way: its first chunks journaled and sent.
        wait_until(lambda: journal(tmp_path).journaled > 2000, timeout=60, interval=0.05, what="the emit under way")
        up.send_signal(signal.SIGINT)
        assert up.wait(120) >= 0
        said = (tmp_path / "up.log").read_text()
        assert "records left" in said or "everything is booked" in said, said[-3000:]
        out, _ = emitting.communicate(timeout=300)
    finally:
        reap_all(up, started)
    assert emitting.returncode == 0, out
    assert journal(tmp_path).journaled == len(produced) + 2000, out  # every line acknowledged is kept

    up, api, port, started = start_up(tmp_path)
    try:
        wait_until(lambda: journal(tmp_path).in_flight == 0, timeout=60, what="everything journaled booked")
        assert_booked_once(tmp_path, kuota_env(tmp_path, port), produced)
    finally:
        stop(up, started)


def broker_pid(up: subprocess.Popen) -> int | None:
    return next((pid for pid, cmd in descendants(up.pid).items() if "tansu" in cmd), None)


def journal_directly(tmp_path: Path, lines: list[bytes]) -> None:
    """What the HTTP ingest does: journal and commit, nothing sent; the relay sends them."""
    items = []
    for raw in lines:
        topic, key, _ = route(raw, {}, False)
        event = decode(DECODER_OF[topic], raw)
        items.append(Item(event.event_id, fingerprint(event), topic, key.decode(), raw))
    engine = make_engine(ledger(tmp_path), writer=True)
    try:
        with Session(engine) as session:
            assert set(take(session, items, source="http", principal="key:test", now=datetime.now(timezone.utc))) \
                == {"accepted"}
            session.commit()
    finally:
        engine.dispose()


def test_kuota_up_restarts_its_killed_broker_and_every_journaled_record_ends_booked_once(tmp_path):
    registry, source, produced = files(tmp_path, seed=29)
    lines = source.read_bytes().splitlines()
    up, api, port, started = start_up(tmp_path)
    try:
        booked_registry(tmp_path, kuota_env(tmp_path, port), registry)
        slices = [lines[i::4] for i in range(4)]
        for kill, part in enumerate(slices[:3]):
            journal_directly(tmp_path, part)
            time.sleep(1.0)  # the relay at work on them
            old = broker_pid(up)
            assert old is not None, "no broker under kuota up"
            os.kill(old, signal.SIGKILL)
            wait_until(lambda: broker_pid(up) not in (None, old), timeout=30, what=f"broker started again ({kill + 1})")
        last_kill = time.monotonic()
        journal_directly(tmp_path, slices[3])
        # 20,000 journaled directly, every one sent again after each kill: alone this takes well
        # under a minute after the last kill; with the whole suite beside it, once 60 s was not
        # enough (each new broker costs the worker ~15 s to rejoin). HTTP posts, the issue's own
        # case, are held to the minute in test_ingest_durable.py.
        wait_until(lambda: journal(tmp_path).in_flight == 0, timeout=120 - (time.monotonic() - last_kill),
                   what="every journaled record booked within two minutes of the last kill")
        said = (tmp_path / "up.log").read_text()
        assert up.poll() is None, said[-3000:]
        assert said.count("embedded broker exited") == 3 and "relay:" in said
        assert journal(tmp_path).journaled == len(produced) + 2000
        assert_booked_once(tmp_path, kuota_env(tmp_path, port), produced)
    finally:
        stop(up, started)
