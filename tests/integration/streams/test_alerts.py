"""Compliance on the real broker: a company below 30% gets exactly one breach, eligible purchases
bring exactly one recovered, and replaying every topic with a restarted worker raises nothing new."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from kafka import KafkaConsumer
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ledger.models import Alert, Delivery, Evaluation
from tests import factories
from tests.conftest import running_worker, wait_until
from tests.factories import DROP
from tests.integration.helpers import kuota, purchase, receipts, registration, write_jsonl

pytestmark = pytest.mark.integration

COMPANY = "co-3216-mall"
UMKM, BIG = "3216000000001", "3216000000002"
# The 30% share of each company in 3216, per quarter from 2024, with the default status options.
PROGRAM = factories.document(factories.program(status=DROP))


class Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that refuses the first request and accepts the rest."""

    bodies: list[dict] = []
    calls = 0

    def do_POST(self):  # noqa: N802
        type(self).calls += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).calls == 1:
            self.send_response(503)
        else:
            type(self).bodies.append(json.loads(body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.bodies, Receiver.calls = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    server.shutdown()


def delivered_ids() -> int:
    return len({b["alert_id"] for b in Receiver.bodies})


def alerts(url: str) -> list[tuple[str, str, str]]:
    engine = create_engine(url)
    with Session(engine) as s:
        rows = [(a.buyer_id, a.period, a.status) for a in s.scalars(select(Alert).order_by(Alert.id))]
    engine.dispose()
    return rows


def recorded_delivered(url: str) -> int:
    """Alerts the ledger records as delivered to the webhook (a 2xx answer kept)."""
    engine = create_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count(func.distinct(Delivery.alert_id))).where(Delivery.ok.is_(True)))
    engine.dispose()
    return n


def evaluations(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(Evaluation))
    engine.dispose()
    return n


def company(event_id: str, amount: int, supplier: str, at: str = "2024-02-05T10:00:00+07:00") -> dict:
    doc = purchase(event_id, amount, buyer=COMPANY, supplier=supplier)
    doc["buyer"] = {"id": COMPANY, "kind": "company", "name": "Mal Cikarang", "region": "3216"}
    return doc | {"occurred_at": at, "channel": "kemitraan"}


def test_one_breach_one_recovered_and_no_repeat_after_replay(ledger_url, kuota_env, tmp_path, webhook):
    env = kuota_env(ledger_url, KUOTA_EVALUATE_EVERY="0.5", KUOTA_ALERT_WEBHOOKS=webhook)
    program = tmp_path / "alokasi.yaml"
    program.write_text(yaml.safe_dump(PROGRAM))
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_jsonl(first, [registration("reg-00000001", UMKM, "mikro"), registration("reg-00000002", BIG, "besar"),
                        company("buy-00000001", 2_000_000, UMKM), company("buy-00000002", 8_000_000, BIG)])
    write_jsonl(second, [company("buy-00000003", 2_000_000, UMKM, at="2024-03-28T10:00:00+07:00")])

    kuota(env, "targets", "apply", str(program))
    kuota(env, "emit", str(first))
    with running_worker(env, tmp_path / "worker.log"):
        wait_until(lambda: alerts(ledger_url) == [(COMPANY, "2024-Q1", "breach")], timeout=90, what="one breach")
        kuota(env, "emit", str(second))  # 4,000,000 of 12,000,000: 33.33%
        wait_until(lambda: len(alerts(ledger_url)) == 2, timeout=90, what="the recovery")
        wait_until(lambda: delivered_ids() == 2, timeout=60, what="webhook deliveries, one retried")
    assert alerts(ledger_url) == [(COMPANY, "2024-Q1", "breach"), (COMPANY, "2024-Q1", "recovered")]

    # Every topic again from the beginning (a new consumer group), then a restarted worker. A new
    # Q2 purchase behind the replayed ones proves the replay was read and evaluated: Q2 is met,
    # Q1 says nothing new.
    replay = dict(env, KUOTA_GROUP_ID=env["KUOTA_GROUP_ID"] + "-replay")
    booked = sum(receipts(ledger_url).values())
    q2 = tmp_path / "q2.jsonl"
    write_jsonl(q2, [company("buy-00000004", 1_000_000, UMKM, at="2024-04-10T10:00:00+07:00")])
    with running_worker(replay, tmp_path / "replay.log"):
        kuota(replay, "emit", str(q2))
        wait_until(lambda: len(alerts(ledger_url)) == 3, timeout=90, what="Q2 evaluated after the replay")
        assert sum(receipts(ledger_url).values()) == booked + 1  # the replayed records were recognised
    after_replay = evaluations(ledger_url)
    with running_worker(env, tmp_path / "restart.log"):
        wait_until(lambda: evaluations(ledger_url) > after_replay, timeout=90, what="evaluation after the restart")
        again = kuota(env, "emit", str(q2))  # the same again: journaled before, so not sent again
        assert "0 sent, 0 invalid, 0 failed, 1 duplicate" in again.stdout, again.stdout
        wait_until(lambda: delivered_ids() == 3, timeout=60, what="the Q2 alert's webhook")
        # A worker stopped just after posting leaves its attempt recorded in flight; the restarted one
        # tries it again after the backoff, and the ledger then records every alert as delivered.
        wait_until(lambda: recorded_delivered(ledger_url) == 3, timeout=60, what="every delivery recorded")
    assert alerts(ledger_url) == [(COMPANY, "2024-Q1", "breach"), (COMPANY, "2024-Q1", "recovered"),
                                  (COMPANY, "2024-Q2", "met")]

    published = KafkaConsumer(env["KUOTA_TOPIC_PREFIX"] + "kuota.alerts.v1", bootstrap_servers=env["KUOTA_BROKER"],
                              auto_offset_reset="earliest", consumer_timeout_ms=5000)
    sent = [json.loads(m.value) for m in published]
    published.close()
    assert sorted({(m["alert_id"], m["status"]) for m in sent}) == [
        (f"alokasi-30-3216:{COMPANY}:2024-Q1:1", "breach"), (f"alokasi-30-3216:{COMPANY}:2024-Q1:2", "recovered"),
        (f"alokasi-30-3216:{COMPANY}:2024-Q2:1", "met")]
    breach = next(m for m in sent if m["status"] == "breach")
    assert (breach["actual"], breach["required"], breach["shortfall"], breach["share"]) == (
        2_000_000, 3_000_000, 1_000_000, "20.00")
    # At least once and, across retries, in no set order: receivers drop repeats by alert_id and
    # order one buyer's changes by its count.
    assert {(b["alert_id"], b["status"]) for b in Receiver.bodies} == {(m["alert_id"], m["status"]) for m in sent}
    engine = create_engine(ledger_url)
    with Session(engine) as s:
        attempts = [(d.alert_id, d.attempt, d.ok, d.status_code) for d in s.scalars(select(Delivery).order_by(Delivery.id))]
    engine.dispose()
    assert attempts[0] == (f"alokasi-30-3216:{COMPANY}:2024-Q1:1", 1, False, 503)  # refused, then retried
    delivered = [a[0] for a in attempts if a[2]]
    assert sorted(delivered) == sorted(m["alert_id"] for m in {m["alert_id"]: m for m in sent}.values())
    # An attempt still in flight when its worker stopped stays recorded, unanswered, and is tried again.
    assert all(status in (503, None) for _, _, ok, status in attempts if not ok)
    assert "AUDIT OK" in kuota(env, "audit").stdout
