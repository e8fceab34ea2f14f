"""Issue 11's acceptance, as a sender sees it: records posted over HTTP to `kuota up` while its
embedded broker is killed with SIGKILL three times are, every one acknowledged, booked exactly
once within a minute of the last kill, with no manual step; `kuota audit` is clean."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests import factories
from tests.conftest import wait_until
from tests.integration.streams.test_up import start_up, up_env
from tests.integration.streams.test_up_durable import KUOTA, assert_booked_once, broker_pid, journal, stop

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                     reason="reads /proc; the death signal is Linux's")]
BUYER, BATCHES, BATCH = "opd-3216-dinkes", 24, 500


def batch(n: int) -> list[dict]:
    return [factories.purchase(f"http-{n:03d}-{i:05d}", 1_000 + i, buyer=BUYER, supplier=f"3216{i % 50:09d}")
            for i in range(BATCH)]


class Sender(threading.Thread):
    """Posts the batches one after another, as an agency's system would: a request that fails
    (the API busy, a timeout) is sent again with the same Idempotency-Key."""

    def __init__(self, url: str, key: str):
        super().__init__(daemon=True)
        self.url, self.key = url, key
        self.acknowledged: set[str] = set()
        self.sent = 0
        self.failures: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(timeout=30) as client:
            for n in range(BATCHES):
                for attempt in range(20):
                    try:
                        answer = client.post(self.url, json=batch(n), headers=headers | {"Idempotency-Key": f"b-{n}"})
                    except httpx.HTTPError as exc:
                        self.failures.append(repr(exc))
                        time.sleep(0.5)
                        continue
                    if answer.status_code == 200:
                        receipts = answer.json()["receipts"]
                        self.acknowledged |= {r["event_id"] for r in receipts if r["status"] in ("accepted", "duplicate")}
                        assert len(receipts) == BATCH
                        break
                    self.failures.append(f"{answer.status_code} {answer.text[:200]}")
                    time.sleep(0.5)
                self.sent = n + 1
                time.sleep(0.15)


def test_records_posted_while_the_broker_is_killed_three_times_are_booked_once(tmp_path):
    up, api, port, started = start_up(tmp_path)
    try:
        env = up_env(tmp_path)
        made = subprocess.run([*KUOTA, "keys", "create", "--buyer", BUYER, "--format", "json"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stdout + made.stderr
        sender = Sender(f"http://127.0.0.1:{api}/api/v1/events", json.loads(made.stdout)["key"])
        sender.start()
        for kill in range(3):
            wait_until(lambda: sender.sent >= (kill + 1) * BATCHES // 4, timeout=120, what=f"posts before kill {kill + 1}")
            old = broker_pid(up)
            assert old is not None, "no broker under kuota up"
            os.kill(old, signal.SIGKILL)
            wait_until(lambda: broker_pid(up) not in (None, old), timeout=30, what=f"broker started again ({kill + 1})")
        last_kill = time.monotonic()
        sender.join(timeout=180)
        assert not sender.is_alive() and sender.sent == BATCHES, sender.failures[-5:]
        assert len(sender.acknowledged) == BATCHES * BATCH, sender.failures[-5:]
        wait_until(lambda: journal(tmp_path).in_flight == 0, timeout=max(5.0, 60 - (time.monotonic() - last_kill)),
                   what="every acknowledged record booked within a minute of the last kill")
        said = (tmp_path / "up.log").read_text()
        assert up.poll() is None and said.count("embedded broker exited") == 3, said[-3000:]
        assert journal(tmp_path).journaled == BATCHES * BATCH
        assert_booked_once(tmp_path, up_env(tmp_path, KUOTA_BROKER=f"127.0.0.1:{port}",
                                            KUOTA_EMBEDDED_BROKER="false"), sender.acknowledged)
    finally:
        stop(up, started)
